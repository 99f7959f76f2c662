/**
 * Does the daily run slow down as the days go by? `npm run bench:drift [-- --scale L] [--days 30]`.
 *
 * The incremental models keep their tables in the file and replace the rows of changed keys by delete
 * and append, so after weeks of daily runs a key range's rows lie scattered over many row groups and
 * the min/max skipping the daily joins rely on may weaken. The one-day bench (bench/bench.ts, case c)
 * cannot show that: it starts from a warehouse built whole. This one:
 *   1. splits the last `--days` local days off the benchmark world (its Parquet base and day drop,
 *      bench/data-prep.ts) into one drop per day: the orders placed, shipments shipped and complaints
 *      opened that day, the placed orders' items, and the new versions of older records (shipments
 *      delivered, complaints answered, resolved or followed up that day; versionsSql), cached in
 *      bench/data/<scale>/drift-<days>-with-updates/;
 *   2. builds a warehouse on the rest (as_of = the first day's start), then runs each day in turn as
 *      the scheduled job would: its files dropped into the same inbox, as_of one day later each time;
 *      prints the run's wall time, its model build time (the `model:*` steps), ingest, export and the
 *      warehouse file's size per day;
 *   3. isolates fragmentation: the warehouse as it stood before the last day, and a copy of it whose
 *      kept tables `run --full-rebuild` rewrote whole (same data, same as_of), each run the last day
 *      `--reps` times, interleaved; the models' medians compared model by model.
 *
 * Every run is its own child process (bench/child-process.ts). Writes bench/results/drift-<scale>.json.
 * Unlike the one-day bench's drop (new keys only), each day here also updates older records, as
 * production data does.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { findEntityOfFileName, type EntityName } from '../models/entities.ts';
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

/**
 * The rows of one generated file, each with the local date of the drop it goes into (`_drop_day`; null
 * or before the first day: the base). New keys go into the drop of the day they appear (orders placed,
 * items with their order, shipments shipped, complaints opened). The world is a snapshot, so a record
 * that changed later holds its last state; a shipment delivered, or a complaint answered, resolved or
 * followed up, on a later day within the drift days is given an earlier version as it stood before
 * (in transit; open or in progress with the events up to its opening day, or up to the eve of the
 * first drift day), and its full row goes into the drop of the day of its last event: each day then brings what a day brings in production, updates
 * of older records included.
 */
function versionsSql(entity: EntityName, source: string, first: string, last: string): string {
  const within = (day: string) => `coalesce(${day} between date ${quote(first)} and date ${quote(last)}, false)`;
  const dayOf = (column: string) => `cast(cast(${column} as timestamptz) as date)`;
  const read = `read_parquet(${quote(source)})`;
  if (entity === 'shipments')
    return `with src as (select *, ${dayOf('shipped_at')} as _d1, ${dayOf('delivered_at')} as _d2 from ${read}),
      marked as (select *, status = 'delivered' and ${within('_d2')} and _d2 > _d1 as _later from src)
      select * exclude (_d1, _d2, _later) replace ('in_transit' as status, cast(null as timestamptz) as delivered_at), _d1 as _drop_day from marked where _later
      union all select * exclude (_d1, _d2, _later), _d2 from marked where _later
      union all select * exclude (_d1, _d2, _later), _d1 from marked where not _later`;
  if (entity === 'complaints') {
    // its earlier version: as it stood at the end of its opening day, or of the day before the first
    // drift day for a complaint opened before them
    const kept = (column: string) => `case when ${dayOf(column)} <= _v1 then ${column} end`;
    return `with src as (
        select *, greatest(${dayOf('opened_at')}, date ${quote(first)} - 1) as _v1,
          greatest(opened_at, first_response_at, resolved_at, followed_up_at) as _last
        from ${read}),
      marked as (select *, ${within(dayOf('_last'))} and ${dayOf('_last')} > _v1 as _later from src)
      select * exclude (_v1, _last, _later) replace (
          ${kept('first_response_at')} as first_response_at,
          ${kept('resolved_at')} as resolved_at,
          ${kept('followed_up_at')} as followed_up_at,
          case when ${dayOf('resolved_at')} <= _v1 then status when ${dayOf('first_response_at')} <= _v1 then 'in_progress' else 'open' end as status,
          case when ${dayOf('resolved_at')} <= _v1 then resolution end as resolution,
          case when ${dayOf('resolved_at')} <= _v1 then compensation_amount end as compensation_amount,
          case when ${dayOf('resolved_at')} <= _v1 then csat end as csat,
          greatest(opened_at, ${kept('first_response_at')}, ${kept('resolved_at')}, ${kept('followed_up_at')}) as updated_at),
        _v1 as _drop_day
      from marked where _later
      union all select * exclude (_v1, _last, _later) replace (greatest(updated_at, _last) as updated_at), ${dayOf('_last')} from marked where _later
      union all select * exclude (_v1, _last, _later), ${dayOf('opened_at')} from marked where not _later`;
  }
  if (entity === 'order_items') return `select f.*, o.day as _drop_day from ${read} f left join split_orders o on o.order_id = f.order_id`;
  const dayColumn = DAY_COLUMN[entity];
  return `select *, ${dayColumn ? dayOf(dayColumn) : 'null::date'} as _drop_day from ${read}`;
}

/** Splits the last `dayCount` days off the world (its Parquet base and day drop); cached while drift.json is present. */
async function prepareDriftData(data: BenchData, dayCount: number): Promise<DriftData> {
  const { lastDay, asOf, timezone } = data.manifest;
  const dir = path.join(data.dir, `drift-${dayCount}-with-updates`);
  const dates = Array.from({ length: dayCount }, (_, i) => addDays(lastDay, i - dayCount + 1));
  const days = dates.map((date, i) => ({
    date,
    dir: path.join(dir, `day-${date}`),
    asOf: new Date(Date.parse(asOf) - (dayCount - 1 - i) * DAY_MS).toISOString(),
  }));
  const result = { base: path.join(dir, 'base'), days, baseAsOf: new Date(Date.parse(asOf) - dayCount * DAY_MS).toISOString() };
  const marker = path.join(dir, 'drift.json');
  if (fs.existsSync(marker)) return result;

  fs.rmSync(dir, { recursive: true, force: true });
  for (const day of days) fs.mkdirSync(day.dir, { recursive: true });
  fs.mkdirSync(result.base, { recursive: true });
  const [first, last] = [dates[0]!, lastDay];
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
  const connection = await instance.connect();
  const started = performance.now();
  const counts: Record<string, number> = {};
  try {
    await connection.run(`set TimeZone = ${quote(timezone)}`);
    await connection.run('create temp table split_orders (order_id varchar, day date)');
    const files = [data.parquetBase, data.parquetDay]
      .flatMap((folder) => fs.readdirSync(folder).map((name) => ({ folder, name, entity: findEntityOfFileName(name)! })))
      .sort((a, b) => SPLIT_ORDER.indexOf(a.entity) - SPLIT_ORDER.indexOf(b.entity) || a.name.localeCompare(b.name));
    for (const { folder, name, entity } of files) {
      await connection.run(
        `create or replace temp table g as
         select * replace (case when _drop_day >= date ${quote(first)} then _drop_day end as _drop_day)
         from (${versionsSql(entity, path.join(folder, name), first, last)})`,
      );
      if (entity === 'orders') await connection.run('insert into split_orders select order_id, _drop_day from g where _drop_day is not null');
      const [inBase] = await rowsOf(connection, 'select count(*) as n from g where _drop_day is null');
      if (Number(inBase?.n) > 0)
        await connection.run(
          `copy (select * exclude (_drop_day) from g where _drop_day is null) to ${quote(path.join(result.base, name))} (format parquet, compression zstd)`,
        );
      const present = await rowsOf(connection, 'select cast(_drop_day as varchar) as day, count(*) as n from g where _drop_day is not null group by 1');
      for (const { day, n } of present) {
        counts[entity] = (counts[entity] ?? 0) + Number(n);
        const target = path.join(dir, `day-${String(day)}`, name.replace(/\.parquet$/, `--${String(day)}.parquet`));
        await connection.run(
          `copy (select * exclude (_drop_day) from g where _drop_day = date ${quote(String(day))}) to ${quote(target)} (format parquet, compression zstd)`,
        );
      }
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  fs.writeFileSync(
    marker,
    JSON.stringify({ ...result, rowsInDrops: counts, preparedAt: new Date().toISOString(), seconds: round((performance.now() - started) / 1000) }, null, 2) +
      '\n',
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
  rowsLoaded: number;
  rowsQuarantined: number;
  steps: Record<string, number>;
}

async function runDay(runChild: ChildRunner, inbox: string, db: string, out: string, asOf: string, extra: string[] = []): Promise<Omit<DayRun, 'date'>> {
  const outcome = await runChild(CLI, ['run', '--inbox', inbox, '--db', db, '--out', out, '--as-of', asOf, ...extra]);
  const { steps, rowsLoaded, rowsQuarantined } = await readRunLog(db);
  return {
    asOf,
    wallSeconds: round(outcome.wallSeconds),
    models: modelSeconds(steps),
    ingest: steps.ingest ?? 0,
    export: steps.export_marts ?? 0,
    fileMiB: round(fs.statSync(db).size / 2 ** 20, 1),
    rowsLoaded,
    rowsQuarantined,
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
console.log('day          wall s  models s  ingest s  export s  file MiB     rows loaded  quarantined  load');
const dayRuns: DayRun[] = [];
const beforeLast = path.join(work, 'before-last.duckdb');
for (const day of drift.days) {
  if (day === drift.days.at(-1)) fs.copyFileSync(db, beforeLast);
  link(day.dir);
  const run = { date: day.date, ...(await runDay(runChild, inbox, db, out, day.asOf)) };
  dayRuns.push(run);
  const cells = [run.wallSeconds, run.models, run.ingest, run.export].map((n) => n.toFixed(2).padStart(8));
  const rows = `${String(run.rowsLoaded).padStart(14)}  ${String(run.rowsQuarantined).padStart(11)}`;
  console.log(`${day.date}  ${cells.join('  ')}  ${String(run.fileMiB).padStart(8)}  ${rows}  ${os.loadavg()[0]!.toFixed(2)}`);
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
