/**
 * Where a run's time goes, statement by statement: wraps Warehouse.run and Warehouse.all (every SQL
 * statement of a run passes through one of them; one/scalar call all) with a timer, then runs the
 * pipeline in this process on the benchmark data (bench/data/<scale>, prepared by `npm run bench`):
 *   1. a full run from CSV on an empty database (as-of = the day before the world's as-of),
 *   2. an incremental run: a copy of that database, the inbox holding the base files and the day drop.
 * For each it reports the time per run step (run_steps), per statement kind (summed over files and
 * models), the slowest single statements, and the time spent outside SQL (JavaScript: hashing,
 * file stats, planning) per step. Also times SHA-256 of the base inbox alone (what an incremental run
 * re-hashes when old files stay in the inbox).
 *
 *   node bin/run-ts.mjs bench/profile.ts [--scale S|L|<factor>] [--top N]
 *
 * Prints tables and writes bench/results/profile-<scale>.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultConfig } from '../pipelines/core/config.ts';
import { createSilentLogger } from '../pipelines/core/logger.ts';
import { Warehouse, type SqlParams } from '../pipelines/core/warehouse.ts';
import { defaultPublishers } from '../pipelines/run/publishers.ts';
import { runPipeline, type RunSummary } from '../pipelines/run/run-pipeline.ts';
import { hashFile } from '../pipelines/sources/inbox/load.ts';
import { DATA_DIR, RESULTS_DIR, ensureBenchData, resolveScale, round } from './data-prep.ts';

const { values: args } = parseArgs({ options: { scale: { type: 'string', default: 'S' }, top: { type: 'string', default: '15' } } });
const spec = resolveScale(args.scale ?? 'S');
const top = Number(args.top);
const data = await ensureBenchData(spec);
const work = path.join(DATA_DIR, spec.name, 'work-profile');
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });

interface Statement {
  kind: string;
  sql: string;
  startedAt: number;
  seconds: number;
  /** CPU seconds of the whole process (all DuckDB threads) during the statement: steadier than wall time on a busy machine. */
  cpuSeconds: number;
}
let statements: Statement[] = [];
const clip = (sql: string) => sql.replace(/\s+/g, ' ').trim();

/** A stable name for a statement, so the same work over many files or models sums up. */
function kindOf(sql: string): string {
  const s = clip(sql);
  const model = /^create or replace (?:table|view) "([^"]+)" as/i.exec(s);
  if (model) return `model build: ${model[1]}`;
  if (/^select count\(\*\) - count\(distinct/i.test(s) || /^select count\(\*\) from "[^"]+" where/i.test(s))
    return `model check: ${/from "([^"]+)"/.exec(s)?.[1]}`;
  if (/^select count\(\*\) from "[^"]+"$/i.test(s)) return `model count: ${/from "([^"]+)"/.exec(s)?.[1]}`;
  if (/^create or replace temp table _export_sorted as select \* from "([^"]+)"/i.test(s)) return `export: ${/from "([^"]+)"/.exec(s)?.[1]} sort`;
  if (/^copy /i.test(s)) {
    const mart = /([\w]+)\.(csv|parquet)'/.exec(s)?.[1];
    return `export: ${mart} ${/format parquet/i.test(s) ? 'parquet' : 'csv'}`;
  }
  if (/^select column_name, column_type from \(describe/i.test(s)) return 'export: describe mart';
  if (/read_csv\(.*columns = \{'line'/i.test(s)) return 'extract jsonl: read lines';
  if (/create or replace temp table _csv as select \* from read_csv/i.test(s)) return 'extract csv: read_csv → temp table _csv';
  if (/^select column_name from \(describe select \* from read_parquet/i.test(s)) return 'extract parquet: describe';
  if (/create or replace temp view _extract as .*read_parquet/i.test(s)) return 'extract parquet: view _extract';
  if (/create or replace temp view _extract/i.test(s)) return 'extract: view _extract';
  if (/^select count\(\*\) from _rejects/i.test(s)) return 'extract csv: count rejects';
  if (/^select count\(\*\) from _csv where .*contains\(/i.test(s)) return 'extract csv: multi-line field scan';
  if (/_numbered|_reject_lines|_extract_rows/i.test(s) && /^create/i.test(s)) return 'extract: line numbering / rejects';
  if (/create or replace temp table _typed as\s+select hash\(.*read_csv/is.test(s)) return 'clean csv: read_csv + cast + validate → _typed';
  if (/create or replace temp table _typed_lines/i.test(s)) return 'clean csv: line numbering of multi-line records';
  if (/create or replace temp table _typed/i.test(s)) return 'load: cast + validate → _typed';
  if (/count\(distinct _fingerprint\)/i.test(s)) return 'load: batch stats (duplicates, keys)';
  if (/_duplicate_lines/i.test(s)) return 'load: exact duplicates';
  if (/^insert into quarantine/i.test(s)) return 'load: quarantine';
  if (/^insert into raw_\w+ by name\s+select .* from \(select .*from _typed/is.test(s)) return 'load: append accepted rows → raw_<entity>';
  if (/^select count\(\*\) from duckdb_tables\(\)/i.test(s)) return 'settle: run batches table exists?';
  if (/^select count\(\*\) as rows, count\(distinct hash\(.*\)\) as distinct_keys from raw_/i.test(s)) return "settle: key hash count of the run's rows";
  if (/^select count\(\*\) from \(select 1 from raw_\w+ a semi join/i.test(s)) return 'settle: stored keys met again?';
  if (/^delete from raw_\w+ where rowid in/i.test(s)) return 'settle: delete superseded versions';
  if (/^insert into ingested_files/i.test(s)) return 'ledger: insert ingested_files';
  if (/^drop /i.test(s)) return 'cleanup: drop temp tables';
  if (/content_sha256 from ingested_files|max\(file_id\)|from raw_\w+ limit 1/i.test(s)) return 'ingest: setup (known hashes, empty tables)';
  if (/^set variable|cfg_|temp macro (is_crisis_text|matched_causes)/i.test(s)) return 'run inputs (variables, cfg_*, macros)';
  if (/^insert into (runs|run_steps)/i.test(s)) return 'run log';
  if (/^(begin|commit|rollback|checkpoint)/i.test(s)) return s.split(' ')[0]!.toLowerCase();
  if (/schema_migrations|load icu|set TimeZone|temp macro/i.test(s)) return 'open: migrations, macros, settings';
  return `other: ${s.slice(0, 80)}`;
}

const cpuOf = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1e6;
};
const originalRun = Warehouse.prototype.run;
const originalAll = Warehouse.prototype.all;
Warehouse.prototype.run = async function (this: Warehouse, sql: string, params?: SqlParams): Promise<void> {
  const startedAt = Date.now();
  const t = performance.now();
  const cpu = process.cpuUsage();
  try {
    await originalRun.call(this, sql, params);
  } finally {
    statements.push({ kind: kindOf(sql), sql, startedAt, seconds: (performance.now() - t) / 1000, cpuSeconds: cpuOf(cpu) });
  }
};
Warehouse.prototype.all = async function <Row>(this: Warehouse, sql: string, params?: SqlParams): Promise<Row[]> {
  const startedAt = Date.now();
  const t = performance.now();
  const cpu = process.cpuUsage();
  try {
    return await originalAll.call<Warehouse, [string, SqlParams | undefined], Promise<Row[]>>(this, sql, params);
  } finally {
    statements.push({ kind: kindOf(sql), sql, startedAt, seconds: (performance.now() - t) / 1000, cpuSeconds: cpuOf(cpu) });
  }
};

interface Profile {
  name: string;
  wallSeconds: number;
  sqlSeconds: number;
  steps: { step: string; seconds: number; sqlSeconds: number; outsideSqlSeconds: number }[];
  cpuSeconds: number;
  kinds: { kind: string; count: number; seconds: number; cpuSeconds: number; maxSeconds: number }[];
  slowest: { kind: string; seconds: number; cpuSeconds: number; sql: string }[];
}

async function profileRun(name: string, inboxDir: string, databaseFile: string, asOf: string): Promise<Profile> {
  statements = [];
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const summary: RunSummary = await runPipeline({
    inboxDir,
    databaseFile,
    outDir: path.join(work, `out-${name}`),
    config: defaultConfig(),
    logger: createSilentLogger(),
    asOf: new Date(asOf),
    publishers: defaultPublishers(),
  });
  const wallSeconds = (performance.now() - started) / 1000;
  const cpuSeconds = cpuOf(cpuStarted);
  // Statements of a publisher (site, report) are its own queries: grouped under the publisher's name.
  const modelOrCore = new Set(['ingest', 'export_marts']);
  for (const step of summary.steps) {
    if (step.step.startsWith('model:') || step.step.startsWith('pull:') || modelOrCore.has(step.step)) continue;
    for (const s of statements)
      if (s.startedAt >= step.startedAt.getTime() && s.startedAt <= step.endedAt.getTime() && s.kind.startsWith('other:'))
        s.kind = `publisher ${step.step}: its queries`;
  }
  const byKind = new Map<string, { count: number; seconds: number; cpuSeconds: number; maxSeconds: number }>();
  for (const s of statements) {
    const entry = byKind.get(s.kind) ?? { count: 0, seconds: 0, cpuSeconds: 0, maxSeconds: 0 };
    entry.count++;
    entry.seconds += s.seconds;
    entry.cpuSeconds += s.cpuSeconds;
    entry.maxSeconds = Math.max(entry.maxSeconds, s.seconds);
    byKind.set(s.kind, entry);
  }
  // Model steps are logged after the model is built and checked; the ingest and export steps wrap their statements.
  const steps = summary.steps.map((step) => {
    const from = step.startedAt.getTime();
    const to = step.endedAt.getTime();
    const inside = statements.filter(
      (s) => s.startedAt >= from && s.startedAt <= to && (s.startedAt + s.seconds * 1000 <= to + 2 || !step.step.startsWith('model:')),
    );
    const seconds = (to - from) / 1000;
    const sqlSeconds = inside.reduce((n, s) => n + s.seconds, 0);
    return { step: step.step, seconds: round(seconds), sqlSeconds: round(sqlSeconds), outsideSqlSeconds: round(Math.max(0, seconds - sqlSeconds)) };
  });
  const stepped = steps.reduce((n, s) => n + s.seconds, 0);
  steps.push({
    step: '(outside run steps: open, run inputs, run log, commit, checkpoint, close)',
    seconds: round(wallSeconds - stepped),
    sqlSeconds: 0,
    outsideSqlSeconds: 0,
  });
  return {
    name,
    wallSeconds: round(wallSeconds),
    sqlSeconds: round(statements.reduce((n, s) => n + s.seconds, 0)),
    cpuSeconds: round(cpuSeconds),
    steps,
    kinds: [...byKind]
      .map(([kind, e]) => ({ kind, count: e.count, seconds: round(e.seconds), cpuSeconds: round(e.cpuSeconds), maxSeconds: round(e.maxSeconds) }))
      .sort((a, b) => b.seconds - a.seconds),
    slowest: [...statements]
      .sort((a, b) => b.seconds - a.seconds)
      .slice(0, top)
      .map((s) => ({ kind: s.kind, seconds: round(s.seconds), cpuSeconds: round(s.cpuSeconds), sql: clip(s.sql).slice(0, 240) })),
  };
}

function print(profile: Profile): void {
  console.log(
    `\n=== ${profile.name}: ${profile.wallSeconds.toFixed(2)} s in runPipeline (${profile.cpuSeconds.toFixed(2)} CPU s), ${profile.sqlSeconds.toFixed(2)} s inside SQL statements`,
  );
  console.log('\nper run step                                          seconds   in SQL  outside SQL');
  for (const s of profile.steps)
    console.log(
      `  ${s.step.padEnd(50).slice(0, 50)} ${s.seconds.toFixed(3).padStart(8)} ${s.sqlSeconds.toFixed(3).padStart(8)} ${s.outsideSqlSeconds.toFixed(3).padStart(8)}`,
    );
  console.log(`\ntop ${top} statement kinds                                       count   seconds     CPU s   max one`);
  for (const k of profile.kinds.slice(0, top))
    console.log(
      `  ${k.kind.padEnd(60).slice(0, 60)} ${String(k.count).padStart(6)} ${k.seconds.toFixed(3).padStart(9)} ${k.cpuSeconds.toFixed(3).padStart(9)} ${k.maxSeconds.toFixed(3).padStart(9)}`,
    );
}

const baseDb = path.join(work, 'full.duckdb');
const full = await profileRun('full run from CSV', data.csvBase, baseDb, data.manifest.baseAsOf);
print(full);

const incrementalInbox = path.join(work, 'inbox-incremental');
fs.mkdirSync(incrementalInbox);
for (const dir of [data.csvBase, data.csvDay]) for (const name of fs.readdirSync(dir)) fs.linkSync(path.join(dir, name), path.join(incrementalInbox, name));
const incrementalDb = path.join(work, 'incremental.duckdb');
fs.copyFileSync(baseDb, incrementalDb);
const incremental = await profileRun('incremental run (inbox keeps the base files, plus the day drop)', incrementalInbox, incrementalDb, data.manifest.asOf);
print(incremental);

const hashStarted = performance.now();
let hashedBytes = 0;
for (const name of fs.readdirSync(data.csvBase)) {
  hashedBytes += fs.statSync(path.join(data.csvBase, name)).size;
  await hashFile(path.join(data.csvBase, name));
}
const hashSeconds = (performance.now() - hashStarted) / 1000;
console.log(
  `\nSHA-256 of the base CSV inbox alone: ${(hashedBytes / 2 ** 20).toFixed(0)} MiB in ${hashSeconds.toFixed(2)} s (${(hashedBytes / 2 ** 20 / hashSeconds).toFixed(0)} MiB/s)`,
);

const result = {
  measuredAt: new Date().toISOString(),
  scale: spec.name,
  loadAverage: os.loadavg().map((n) => round(n, 2)),
  publishers: defaultPublishers().map((p) => p.name),
  hashing: { bytes: hashedBytes, seconds: round(hashSeconds) },
  profiles: [full, incremental],
};
fs.mkdirSync(RESULTS_DIR, { recursive: true });
const file = path.join(RESULTS_DIR, `profile-${spec.name}.json`);
fs.writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
console.log(`\nwrote ${path.relative(process.cwd(), file)}`);
fs.rmSync(work, { recursive: true, force: true });
