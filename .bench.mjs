import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
const db = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
const c = await db.connect();
await c.run(fs.readFileSync('sql/macros/statistics.sql', 'utf8'));
// correlated-subquery variant for comparison
await c.run(`create or replace temp macro binomial_upper_tail_subquery(k, n, p) as (
  case when k <= 0 then 1::double when k > n then 0::double when p = 0 then 0::double when p = 1 then 1::double
  when k > n * p then exp(binomial_log_pmf(k, n, p) + ln((select sum(exp(binomial_log_pmf(t.i, n, p) - binomial_log_pmf(k, n, p))) from range(k, n + 1) t(i))))
  else greatest(0, 1 - (select sum(exp(binomial_log_pmf(t.i, n, p))) from range(0, k) t(i))) end)`);
// 2000 SKUs, n ~ 500 (450..549), category rate ~ 0.02, k around the mean and in the tail
await c.run(`create temp table skus as select i as sku, 450 + (i * 37) % 100 as n, 0.01 + (i % 7) * 0.003 as p,
  ((i * 13) % 30) as k from range(2000) t(i)`);
async function time(label, q, reps = 5) {
  const ts = [];
  let out;
  for (let r = 0; r < reps; r++) { const t = performance.now(); out = (await c.runAndReadAll(q)).getRowObjectsJson(); ts.push(performance.now() - t); }
  ts.sort((a, b) => a - b);
  console.log(label, 'median', ts[Math.floor(reps / 2)].toFixed(1), 'ms  min', ts[0].toFixed(1), 'ms', JSON.stringify(out[0]));
}
await time('2000 SKUs list  ', 'select sum(binomial_upper_tail(k, n, p)) s, count(*) c from skus');
await time('2000 SKUs subq  ', 'select sum(binomial_upper_tail_subquery(k, n, p)) s, count(*) c from skus');
await time('n=200000 upper list', 'select binomial_upper_tail(k, 200000, 0.001) v from (select 260 k)');
await time('n=200000 upper subq', 'select binomial_upper_tail_subquery(k, 200000, 0.001) v from (select 260 k)');
await time('n=200000 p=.5 k=101000 list', 'select binomial_upper_tail(k, 200000, 0.5) v from (select 101000 k)');
await time('n=200000 p=.5 k=99000 list (lower path)', 'select binomial_upper_tail(k, 200000, 0.5) v from (select 99000 k)');
await time('normal_cdf 1e6 rows', 'select sum(normal_cdf(-40 + i / 1e6 * 80)) from range(1000000) t(i)');
await time('wilson 1e6 rows', 'select sum(wilson_low(i % 1000, 1000) + wilson_high(i % 1000, 1000)) from range(1000000) t(i)');
console.log((await c.runAndReadAll("explain select binomial_upper_tail(k, n, p) from skus")).getRowObjectsJson().map(r=>r.explain_value).join('\n').slice(0,3000));
