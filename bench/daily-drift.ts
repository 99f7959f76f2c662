/**
 * Does the daily run slow down as the days go by? `npm run bench:drift [-- --scale L] [--days 30]`.
 *
 * The incremental models keep their tables in the file and replace the rows of changed keys by delete
 * and append, so after weeks of daily runs a key range's rows lie scattered over many row groups and
 * the min/max skipping the daily joins rely on may weaken. The one-day bench (bench/bench.ts, case c)
 * cannot show that: it starts from a warehouse built whole. This one:
 *   1. splits the last `--days` local days off the benchmark world (bench/data-prep.ts: the last day is
 *      its day drop; the days before it are split off its Parquet base here by the same rule: orders
 *      placed, shipments shipped and complaints opened that day, and the placed orders' items), cached
 *      in bench/data/<scale>/drift-<days>/;
 *   2. builds a warehouse on the rest (as_of = the first day's start), then runs each day in turn as
 *      the scheduled job would: its files dropped into the same inbox, as_of one day later each time;
 *      prints the run's wall time, its model build time (the `model:*` steps), ingest, export and the
 *      warehouse file's size per day;
 *   3. isolates fragmentation: the warehouse as it stood before the last day, and a copy of it whose
 *      kept tables `run --full-rebuild` rewrote whole (same data, same as_of), each run the last day
 *      `--reps` times, interleaved; the models' medians compared model by model.
 *
 * Every run is its own child process (bench/child-process.ts). Writes bench/results/drift-<scale>.json.
 * The world is a snapshot: rows loaded before their day may already hold what happened later (a
 * shipment's delivery, a complaint's response), so each day loads new keys only, as in the one-day bench.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { findEntityOfFileName } from '../models/entities.ts';
import { CLI, createChildRunner, modelSeconds, readRunLog, removeDatabase, type ChildRunner } from './child-process.ts';
import { DATA_DIR, DAY_COLUMN, RESULTS_DIR, SPLIT_ORDER, ensureBenchData, resolveScale, round, type BenchData } from './data-prep.ts';

const DAY_MS = 86_400_000;
const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** The local date `days` after an ISO date (calendar arithmetic, no time zone involved). */
function addDays(isoDate: string, days: number): string {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

interface DriftData {
  base: string;
  /** One folder per day, oldest first; the last is the benchmark's own day drop. */
  days: { date: string; dir: string; asOf: string }[];
  baseAsOf: string;
}

/** Splits days 1 … N−1 off the Parquet base (day N is the day drop); cached while drift.json is present. */
async function prepareDriftData(data: BenchData, dayCount: number): Promise<DriftData> {
  const { lastDay, asOf, timezone } = data.manifest;
  const dir = path.join(data.dir, `drift-${dayCount}`);
  const dates = Array.from({ length: dayCount }, (_, i) => addDays(lastDay, i - dayCount + 1));
  const days = dates.map((date, i) => ({
    date,
    dir: i === dayCount - 1 ? data.parquetDay : path.join(dir, `day-${date}`),
    asOf: new Date(Date.parse(asOf) - (dayCount - 1 - i) * DAY_MS).toISOString(),
  }));
  const result = { base: path.join(dir, 'base'), days, baseAsOf: new Date(Date.parse(asOf) - dayCount * DAY_MS).toISOString() };
  const marker = path.join(dir, 'drift.json');
  if (fs.existsSync(marker)) return result;

  fs.rmSync(dir, { recursive: true, force: true });
  for (const day of days.slice(0, -1)) fs.mkdirSync(day.dir, { recursive: true });
  fs.mkdirSync(result.base, { recursive: true });
  const [first, beforeLast] = [dates[0]!, dates[dayCount - 2] ?? ''];
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
  const connection = await instance.connect();
  const started = performance.now();
  try {
    await connection.run(`set TimeZone = ${quote(timezone)}`);
    await connection.run('create temp table split_orders (order_id varchar, day date)');
    const files = fs
      .readdirSync(data.parquetBase)
      .map((name) => ({ name, entity: findEntityOfFileName(name)! }))
      .sort((a, b) => SPLIT_ORDER.indexOf(a.entity) - SPLIT_ORDER.indexOf(b.entity) || a.name.localeCompare(b.name));
    for (const { name, entity } of files) {
      const source = path.join(data.parquetBase, name);
      const dayColumn = DAY_COLUMN[entity];
      const dayOf = dayColumn ? `cast(cast(f."${dayColumn}" as timestamptz) as date)` : entity === 'order_items' ? 'o.day' : 'null::date';
      const join = entity === 'order_items' ? 'left join split_orders o on o.order_id = f.order_id' : '';
      await connection.run(
        `create or replace temp table g as
         select f.*, case when ${dayOf} between date ${quote(first)} and date ${quote(beforeLast)} then ${dayOf} end as _split_day
         from read_parquet(${quote(source)}) f ${join}`,
      );
      if (entity === 'orders') await connection.run('insert into split_orders select order_id, _split_day from g where _split_day is not null');
      await connection.run(
        `copy (select * exclude (_split_day) from g where _split_day is null) to ${quote(path.join(result.base, name))} (format parquet, compression zstd)`,
      );
      const present = await rowsOf(connection, 'select distinct cast(_split_day as varchar) as day from g where _split_day is not null');
      for (const { day } of present) {
        const target = path.join(dir, `day-${String(day)}`, name.replace(/\.parquet$/, `-${String(day)}.parquet`));
        await connection.run(
          `copy (select * exclude (_split_day) from g where _split_day = date ${quote(String(day))}) to ${quote(target)} (format parquet, compression zstd)`,
        );
      }
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  fs.writeFileSync(
    marker,
    JSON.stringify({ ...result, preparedAt: new Date().toISOString(), seconds: round((performance.now() - started) / 1000) }, null, 2) + '\n',
  );
  return result;
}

async function rowsOf(connection: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  return (await connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
}

interface DayRun {
  date: string;
  asOf: string;
  wallSeconds: number;
  models: number;
  ingest: number;
  export: number;
  fileMiB: number;
  steps: Record<string, number>;
}

async function runDay(runChild: ChildRunner, inbox: string, db: string, out: string, asOf: string, extra: string[] = []): Promise<Omit<DayRun, 'date'>> {
  const outcome = await runChild(CLI, ['run', '--inbox', inbox, '--db', db, '--out', out, '--as-of', asOf, ...extra]);
  const { steps } = await readRunLog(db);
  return {
    asOf,
    wallSeconds: round(outcome.wallSeconds),
    models: modelSeconds(steps),
    ingest: steps.ingest ?? 0,
    export: steps.export_marts ?? 0,
    fileMiB: round(fs.statSync(db).size / 2 ** 20, 1),
    steps,
  };
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const { values: args } = parseArgs({
  options: { scale: { type: 'string', default: 'L' }, days: { type: 'string', default: '30' }, reps: { type: 'string', default: '3' } },
});
const spec = resolveScale(args.scale ?? 'L');
const dayCount = Number(args.days);
const reps = Number(args.reps);
if (!Number.isInteger(dayCount) || dayCount < 2) throw new Error(`--days takes a whole number of at least 2, got '${args.days}'`);
if (!Number.isInteger(reps) || reps < 1) throw new Error(`--reps takes a positive whole number, got '${args.reps}'`);

const data = await ensureBenchData(spec);
const drift = await prepareDriftData(data, dayCount);
const work = path.join(DATA_DIR, spec.name, 'work-drift');
fs.rmSync(work, { recursive: true, force: true });
const inbox = path.join(work, 'inbox');
fs.mkdirSync(inbox, { recursive: true });
const runChild = createChildRunner({ workDir: work, maxRssMiB: Math.round((os.totalmem() / 2 ** 20) * 0.6) });
const link = (dir: string) => {
  for (const name of fs.readdirSync(dir)) fs.linkSync(path.join(dir, name), path.join(inbox, name));
};
const db = path.join(work, 'drift.duckdb');
const out = path.join(work, 'out');

console.log(
  `daily drift at scale ${spec.name}: ${dayCount} days, ${drift.days[0]!.date} … ${drift.days.at(-1)!.date}; load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
link(drift.base);
const base = await runDay(runChild, inbox, db, out, drift.baseAsOf);
console.log(`base build (as_of ${drift.baseAsOf}): ${base.wallSeconds.toFixed(1)} s, models ${base.models.toFixed(2)} s, file ${base.fileMiB} MiB`);
console.log('day          wall s  models s  ingest s  export s  file MiB  load');
const dayRuns: DayRun[] = [];
const beforeLast = path.join(work, 'before-last.duckdb');
for (const day of drift.days) {
  if (day === drift.days.at(-1)) fs.copyFileSync(db, beforeLast);
  link(day.dir);
  const run = { date: day.date, ...(await runDay(runChild, inbox, db, out, day.asOf)) };
  dayRuns.push(run);
  const cells = [run.wallSeconds, run.models, run.ingest, run.export].map((n) => n.toFixed(2).padStart(8));
  console.log(`${day.date}  ${cells.join('  ')}  ${String(run.fileMiB).padStart(8)}  ${os.loadavg()[0]!.toFixed(2)}`);
}

// Fragmentation alone: the last day on the warehouse as the days left it, and on the same warehouse
// with its kept tables rewritten whole.
const last = drift.days.at(-1)!;
const penultimateAsOf = drift.days.at(-2)!.asOf;
const lastFiles = fs.readdirSync(last.dir);
for (const name of lastFiles) fs.rmSync(path.join(inbox, name));
const rewritten = path.join(work, 'rewritten.duckdb');
fs.copyFileSync(beforeLast, rewritten);
const rebuild = await runDay(runChild, inbox, rewritten, out, penultimateAsOf, ['--full-rebuild']);
console.log(`\n--full-rebuild of the warehouse before the last day: ${rebuild.wallSeconds.toFixed(1)} s (models ${rebuild.models.toFixed(2)} s)`);
link(last.dir);
const compared: Record<'asLeft' | 'rewritten', Record<string, number>[]> = { asLeft: [], rewritten: [] };
for (let rep = 0; rep < reps; rep++) {
  for (const [label, from] of [
    ['asLeft', beforeLast],
    ['rewritten', rewritten],
  ] as const) {
    const copy = path.join(work, `compare-${label}.duckdb`);
    removeDatabase(copy);
    fs.copyFileSync(from, copy);
    compared[label].push((await runDay(runChild, inbox, copy, out, last.asOf)).steps);
    removeDatabase(copy);
  }
}
const medianSteps = (runs: Record<string, number>[]) =>
  Object.fromEntries(Object.keys(runs[0] ?? {}).map((step) => [step, round(median(runs.map((r) => r[step] ?? 0)))]));
const [asLeft, whole] = [medianSteps(compared.asLeft), medianSteps(compared.rewritten)];
console.log(`\nthe last day, ${reps} run(s) each (median s)   after ${dayCount - 1} daily runs   kept tables rewritten whole`);
console.log(`  models (sum)                          ${modelSeconds(asLeft).toFixed(3).padStart(8)}   ${modelSeconds(whole).toFixed(3).padStart(8)}`);
for (const step of Object.keys(asLeft).filter((s) => s.startsWith('model:') && Math.max(asLeft[s]!, whole[s] ?? 0) >= 0.05))
  console.log(`  ${step.padEnd(38)}${asLeft[step]!.toFixed(3).padStart(8)}   ${(whole[step] ?? 0).toFixed(3).padStart(8)}`);

fs.mkdirSync(RESULTS_DIR, { recursive: true });
const resultFile = path.join(RESULTS_DIR, `drift-${spec.name}.json`);
fs.writeFileSync(
  resultFile,
  JSON.stringify(
    {
      measuredAt: new Date().toISOString(),
      scale: spec.name,
      days: dayCount,
      base,
      dayRuns,
      fullRebuild: rebuild,
      lastDay: { reps, asLeft, rewritten: whole },
    },
    null,
    2,
  ) + '\n',
);
console.log(`\nwrote ${path.relative(process.cwd(), resultFile)}`);
fs.rmSync(work, { recursive: true, force: true });
