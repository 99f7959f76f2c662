import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
const threads = process.argv[2] ?? null;
const db = await DuckDBInstance.create(':memory:', threads ? { autoinstall_known_extensions: 'false', threads } : { autoinstall_known_extensions: 'false' });
const c = await db.connect();
await c.run(fs.readFileSync('sql/macros/statistics.sql', 'utf8'));
await c.run(`create or replace temp macro bsub(k, n, p) as (
  case when k <= 0 then 1::double when k > n then 0::double when p = 0 then 0::double when p = 1 then 1::double
  when k > n * p then exp(binomial_log_pmf(k, n, p) + ln((select sum(exp(binomial_log_pmf(t.i, n, p) - binomial_log_pmf(k, n, p))) from range(k, case when k > n * p and p > 0 and p < 1 then n + 1 else k end) t(i))))
  else greatest(0, 1 - (select sum(exp(binomial_log_pmf(t.i, n, p))) from range(0, case when k <= n * p and p > 0 and p < 1 then k else 0 end) t(i))) end)`);
// relative term with 2 lgamma per element
await c.run(`create or replace temp macro bsub2(k, n, p) as (
  case when k <= 0 then 1::double when k > n then 0::double when p = 0 then 0::double when p = 1 then 1::double
  when k > n * p then exp(binomial_log_pmf(k, n, p) + ln((select sum(exp(c - lgamma(t.i + 1) - lgamma(n - t.i + 1) + t.i * l)) from (select lgamma(k + 1) + lgamma(n - k + 1) - k * (ln(p) - log1p_accurate(-p)) as c, ln(p) - log1p_accurate(-p) as l), range(k, case when k > n * p and p > 0 and p < 1 then n + 1 else k end) t(i))))
  else greatest(0, 1 - (select sum(exp(binomial_log_pmf(t.i, n, p))) from range(0, case when k <= n * p and p > 0 and p < 1 then k else 0 end) t(i))) end)`);
await c.run(`create temp table skus as select i as sku, 450 + (i * 37) % 100 as n, 0.01 + (i % 7) * 0.003 as p,
  ((i * 13) % 30) as k from range(2000) t(i)`);
async function time(label, q, reps = 7) {
  const ts = []; let out;
  for (let r = 0; r < reps; r++) { const t = performance.now(); out = (await c.runAndReadAll(q)).getRowObjectsJson(); ts.push(performance.now() - t); }
  ts.sort((a, b) => a - b);
  console.log(label.padEnd(34), 'median', ts[Math.floor(reps / 2)].toFixed(1).padStart(6), 'ms  min', ts[0].toFixed(1).padStart(6), 'ms', JSON.stringify(out[0]));
}
for (const f of ['binomial_upper_tail', 'bsub', 'bsub2']) {
  await time(`2000 SKUs ${f}`, `select sum(${f}(k, n, p)) s from skus`);
  await time(`n=200000 ${f}`, `select ${f}(k, 200000, 0.001) v from (select 260 k)`);
  await time(`n=200000 lower ${f}`, `select ${f}(k, 200000, 0.5) v from (select 99000 k)`);
  await time(`edges ${f}`, `select list(${f}(k, n, p)) v from (values (3, 10, 0.0), (3,10,1.0), (0, 0, 0.5), (11, 10, 0.5), (-1, 5, 0.2)) v(k,n,p)`);
}
