/**
 * The benchmark of issue 7. `npm run bench [-- --scale S|L] [--runs N]`:
 *   1. prepares (or reuses) the demo world at the scale as CSV and as Parquet, with the last day split
 *      off as the incremental drop (bench/data-prep.ts, cached in bench/data/<scale>/);
 *   2. builds one warehouse untimed (a warm-up full run from CSV; the incremental and models-only
 *      cases start from copies of it);
 *   3. measures each case in its own child process, `--runs` times (default 3), the repetitions
 *      interleaved (run 1 of every case, then run 2 …) so a change in machine load hits every case
 *      alike. Wall time is taken from spawn to exit (so it includes Node + tsx start-up); peak memory
 *      and CPU time come from the child's own process.resourceUsage() (bench/rusage-hook.mjs). The run
 *      cases also report the pipeline's own seconds ("inner": from its log) and their run_steps;
 *   4. prints a table, the ratios to the bare engine and the issue's targets, and writes
 *      bench/results/latest.json (and latest-<scale>.json).
 *
 * Options: --scale S|L|<factor> (default S), --runs N (default 3), --cases id,id,… (default all),
 * --max-load X (before each measurement wait until the 1-minute load average is at most X, at most
 * --load-wait seconds, default 300), --max-rss-mib M (stop a child whose resident memory passes M MiB,
 * default 60 % of the machine's memory: the machine may be shared), --keep-work (keep bench/data/<scale>/work),
 * --duckdb-memory-limit X (experiment: force DuckDB's memory_limit in every child, bench/duckdb-settings-hook.mjs).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { defaultConfig } from '../pipelines/core/config.ts';
import { defaultPublishers } from '../pipelines/run/publishers.ts';
import { BENCH_DIR, DATA_DIR, REPO_DIR, RESULTS_DIR, ensureBenchData, resolveScale, round, type BenchData } from './data-prep.ts';
import { CLI, RUN_TS, createChildRunner, readRunLog, removeDatabase, runSeconds, type ChildOutcome } from './child-process.ts';
import { buildRunInputsSql } from './run-inputs-sql.ts';

const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', default: 'S' },
    runs: { type: 'string', default: '3' },
    cases: { type: 'string' },
    'max-load': { type: 'string' },
    'load-wait': { type: 'string', default: '300' },
    'keep-work': { type: 'boolean', default: false },
    'max-rss-mib': { type: 'string' },
    'duckdb-memory-limit': { type: 'string' },
  },
});
const spec = resolveScale(args.scale ?? 'S');
const runs = Number(args.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs takes a positive whole number, got '${args.runs}'`);
const maxLoad = args['max-load'] === undefined ? undefined : Number(args['max-load']);
const loadWaitSeconds = Number(args['load-wait']);
const maxRssMiB = args['max-rss-mib'] === undefined ? Math.round((os.totalmem() / 2 ** 20) * 0.6) : Number(args['max-rss-mib']);

/** Experiment: DuckDB settings forced into every child's DuckDBInstance.create (bench/duckdb-settings-hook.mjs). */
const duckdbSettings: Record<string, string> = args['duckdb-memory-limit'] ? { memory_limit: args['duckdb-memory-limit'] } : {};

// ---------------------------------------------------------------------------------------------------
// measuring one child process

interface Measurement {
  wallSeconds: number;
  /** Seconds the work itself took, as the child reports it (after its imports); null if it does not. */
  innerSeconds: number | null;
  peakMiB: number;
  cpuSeconds: number;
  /** 1-minute load average when the measurement started. */
  load1: number;
  rows: number;
  steps?: Record<string, number>;
}

async function waitForLoad(): Promise<void> {
  if (maxLoad === undefined) return;
  const deadline = Date.now() + loadWaitSeconds * 1000;
  let announced = false;
  while ((os.loadavg()[0] ?? 0) > maxLoad && Date.now() < deadline) {
    if (!announced) console.log(`  (load ${os.loadavg()[0]?.toFixed(2)} > ${maxLoad}: waiting up to ${loadWaitSeconds} s)`);
    announced = true;
    await new Promise((resolve) => setTimeout(resolve, 5000));
  }
}

// ---------------------------------------------------------------------------------------------------
// the cases

interface CaseDef {
  id: string;
  label: string;
  measure(rep: number): Promise<Omit<Measurement, 'load1'>>;
}

function defineCases(data: BenchData, builtDb: string, inputsSqlFile: string, incrementalInbox: string): CaseDef[] {
  const { baseAsOf, asOf } = data.manifest;
  const rootloopRun = async (id: string, rep: number, inbox: string, runAsOf: string, fromDb?: string) => {
    const db = path.join(work, `${id}-${rep}.duckdb`);
    removeDatabase(db);
    if (fromDb) fs.copyFileSync(fromDb, db);
    const out = path.join(work, `out-${id}-${rep}`);
    const outcome = await runChild(CLI, ['run', '--inbox', inbox, '--db', db, '--out', out, '--as-of', runAsOf]);
    const log = await readRunLog(db);
    removeDatabase(db);
    fs.rmSync(out, { recursive: true, force: true });
    return { ...pick(outcome), innerSeconds: runSeconds(outcome.stderr), rows: log.rowsLoaded, steps: log.steps };
  };
  const bareRun = async (id: string, rep: number, inbox: string) => {
    const db = path.join(work, `${id}-${rep}.duckdb`);
    removeDatabase(db);
    const out = path.join(work, `out-${id}-${rep}`);
    const outcome = await runChild(RUN_TS, [
      path.join(BENCH_DIR, 'bare-engine.ts'),
      '--inbox',
      inbox,
      '--db',
      db,
      '--out',
      out,
      '--as-of',
      baseAsOf,
      '--inputs-sql',
      inputsSqlFile,
      '--memory-limit',
      defaultConfig().warehouse.memoryLimit,
    ]);
    removeDatabase(db);
    fs.rmSync(out, { recursive: true, force: true });
    const report = JSON.parse(outcome.stdout.trim().split('\n').pop()!) as {
      innerSeconds: number;
      rowsLoaded: number;
      phases: Record<string, number>;
      models: Record<string, number>;
    };
    const models = Object.fromEntries(Object.entries(report.models).map(([name, seconds]) => [`model:${name}`, seconds]));
    return { ...pick(outcome), innerSeconds: report.innerSeconds, rows: report.rowsLoaded, steps: { ...report.phases, ...models } };
  };
  const modelsOnly = async (id: string, rep: number, extraArgs: string[]) => {
    const db = path.join(work, `${id}-${rep}.duckdb`);
    removeDatabase(db);
    fs.copyFileSync(builtDb, db);
    const outcome = await runChild(RUN_TS, [path.join(BENCH_DIR, 'models-only.ts'), '--db', db, '--as-of', baseAsOf, ...extraArgs]);
    removeDatabase(db);
    const report = JSON.parse(outcome.stdout.trim().split('\n').pop()!) as {
      innerSeconds: number;
      rows: number;
      models: Record<string, { seconds: number }>;
    };
    const steps = Object.fromEntries(Object.entries(report.models).map(([name, m]) => [`model:${name}`, m.seconds]));
    return { ...pick(outcome), innerSeconds: report.innerSeconds, rows: report.rows, steps };
  };
  return [
    { id: 'full-csv', label: '(a) full run, empty db, CSV', measure: (rep) => rootloopRun('full-csv', rep, data.csvBase, baseAsOf) },
    { id: 'full-parquet', label: '(b) full run, empty db, Parquet', measure: (rep) => rootloopRun('full-parquet', rep, data.parquetBase, baseAsOf) },
    {
      id: 'incremental',
      label: '(c) incremental: +1 day, inbox keeps old files',
      measure: (rep) => rootloopRun('incremental', rep, incrementalInbox, asOf, builtDb),
    },
    {
      id: 'incremental-day-only',
      label: "(c') incremental: +1 day, only the day's files",
      measure: (rep) => rootloopRun('incremental-day-only', rep, data.csvDay, asOf, builtDb),
    },
    { id: 'models-only', label: '(d) models only, built db, whole (rolled back)', measure: (rep) => modelsOnly('models-only', rep, ['--full']) },
    {
      id: 'models-only-incremental',
      label: "(d') models only, built db, as a rerun (rolled back)",
      measure: (rep) => modelsOnly('models-only-incremental', rep, []),
    },
    { id: 'bare-csv', label: '(e) bare engine, CSV', measure: (rep) => bareRun('bare-csv', rep, data.csvBase) },
    { id: 'bare-parquet', label: "(e') bare engine, Parquet", measure: (rep) => bareRun('bare-parquet', rep, data.parquetBase) },
  ];
}

const pick = (o: ChildOutcome) => ({ wallSeconds: o.wallSeconds, peakMiB: o.peakMiB, cpuSeconds: o.cpuSeconds });

// ---------------------------------------------------------------------------------------------------
// statistics and output

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

interface CaseResult {
  id: string;
  label: string;
  runs: number;
  medianSeconds: number;
  minSeconds: number;
  maxSeconds: number;
  medianInnerSeconds: number | null;
  peakMiB: number;
  medianPeakMiB: number;
  medianCpuSeconds: number;
  rows: number;
  medianLoad1: number;
  /** Median seconds per run step (rootloop cases) or phase (bare engine), over the repetitions. */
  steps: Record<string, number>;
  measurements: Measurement[];
}

function summarise(def: CaseDef, measurements: Measurement[]): CaseResult {
  const walls = measurements.map((m) => m.wallSeconds);
  const inner = measurements.map((m) => m.innerSeconds).filter((s): s is number => s !== null);
  const stepNames = [...new Set(measurements.flatMap((m) => Object.keys(m.steps ?? {})))];
  return {
    id: def.id,
    label: def.label,
    runs: measurements.length,
    medianSeconds: round(median(walls)),
    minSeconds: round(Math.min(...walls)),
    maxSeconds: round(Math.max(...walls)),
    medianInnerSeconds: inner.length ? round(median(inner)) : null,
    peakMiB: round(Math.max(...measurements.map((m) => m.peakMiB)), 0),
    medianPeakMiB: round(median(measurements.map((m) => m.peakMiB)), 0),
    medianCpuSeconds: round(median(measurements.map((m) => m.cpuSeconds)), 2),
    rows: measurements[0]?.rows ?? 0,
    medianLoad1: round(median(measurements.map((m) => m.load1)), 2),
    steps: Object.fromEntries(stepNames.map((name) => [name, round(median(measurements.map((m) => m.steps?.[name] ?? 0)))])),
    measurements: measurements.map((m) => ({
      ...m,
      wallSeconds: round(m.wallSeconds),
      peakMiB: round(m.peakMiB, 0),
      cpuSeconds: round(m.cpuSeconds, 2),
      load1: round(m.load1, 2),
    })),
  };
}

const num = (n: number) => n.toLocaleString('en-US');

function printTable(results: readonly CaseResult[]): void {
  console.log(
    `\n${'case'.padEnd(48)} ${'runs'.padStart(4)} ${'median s'.padStart(9)} ${'min–max s'.padStart(13)} ${'inner s'.padStart(8)} ${'peak MiB'.padStart(9)} ${'CPU s'.padStart(7)} ${'rows'.padStart(11)} ${'load'.padStart(5)}`,
  );
  for (const r of results) {
    console.log(
      `${r.label.padEnd(48)} ${String(r.runs).padStart(4)} ${r.medianSeconds.toFixed(2).padStart(9)} ${`${r.minSeconds.toFixed(2)}–${r.maxSeconds.toFixed(2)}`.padStart(13)} ${(r.medianInnerSeconds?.toFixed(2) ?? '–').padStart(8)} ${String(r.peakMiB).padStart(9)} ${r.medianCpuSeconds.toFixed(1).padStart(7)} ${num(r.rows).padStart(11)} ${r.medianLoad1.toFixed(1).padStart(5)}`,
    );
  }
}

/** The commit, how many files differ from it, and a digest of the code a run executes (others may be editing the tree). */
function codeState(): { commit: string; changedFiles: number; codeDigest: string } {
  const hash = createHash('sha256');
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(file);
      else if (/\.(ts|sql|json)$/.test(entry.name)) hash.update(path.relative(REPO_DIR, file)).update(fs.readFileSync(file));
    }
  };
  for (const dir of ['sql', 'pipelines', 'models', 'dashboards']) if (fs.existsSync(path.join(REPO_DIR, dir))) visit(path.join(REPO_DIR, dir));
  const codeDigest = hash.digest('hex').slice(0, 16);
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_DIR }).toString().trim();
    const changed = execFileSync('git', ['status', '--porcelain'], { cwd: REPO_DIR }).toString().trim();
    return { commit, changedFiles: changed ? changed.split('\n').length : 0, codeDigest };
  } catch {
    return { commit: 'unknown', changedFiles: -1, codeDigest };
  }
}

async function duckdbVersion(): Promise<string> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const version = String((await connection.runAndReadAll('select version() as v')).getRowObjectsJS()[0]?.v);
  connection.closeSync();
  instance.closeSync();
  const packageFile = path.join(REPO_DIR, 'node_modules', '@duckdb', 'node-api', 'package.json');
  const nodeApi = (JSON.parse(fs.readFileSync(packageFile, 'utf8')) as { version: string }).version;
  return `${version} (@duckdb/node-api ${nodeApi})`;
}

// ---------------------------------------------------------------------------------------------------
// main

const loadAtStart = os.loadavg();
const codeAtStart = codeState();
const startedAt = new Date();
console.log(
  `rootloop benchmark, scale ${spec.name} (factor ${spec.factor}), ${runs} run(s) per case; load average ${loadAtStart.map((n) => n.toFixed(2)).join(' ')}`,
);
const data = await ensureBenchData(spec);
const m = data.manifest;
const publishers = defaultPublishers().map((p) => p.name);
console.log(
  `data: ${num(m.csv.base.rows.order_items ?? 0)} order lines, ${num(m.csv.base.rows.orders ?? 0)} orders, ${num(m.csv.base.rows.complaints ?? 0)} complaints in the base (CSV ${(m.csv.base.bytes / 2 ** 20).toFixed(0)} MiB, Parquet ${(m.parquet.base.bytes / 2 ** 20).toFixed(0)} MiB); day drop ${m.lastDay}: ${num(m.csv.day.rows.order_items ?? 0)} order lines, ${num(m.csv.day.rows.complaints ?? 0)} complaints`,
);
console.log(`publishers registered: ${publishers.length ? publishers.join(', ') : 'none'}`);

const work = path.join(DATA_DIR, spec.name, 'work');
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
const runChild = createChildRunner({ workDir: work, maxRssMiB, duckdbSettings });
const inputsSqlFile = path.join(work, 'run-inputs.sql');
fs.writeFileSync(inputsSqlFile, buildRunInputsSql(defaultConfig(), new Date(m.baseAsOf)));
const incrementalInbox = path.join(work, 'inbox-incremental');
fs.mkdirSync(incrementalInbox);
for (const dir of [data.csvBase, data.csvDay]) for (const name of fs.readdirSync(dir)) fs.linkSync(path.join(dir, name), path.join(incrementalInbox, name));

const selected = args.cases?.split(',').map((s) => s.trim());
const builtDb = path.join(work, 'built.duckdb');
const allCases = defineCases(data, builtDb, inputsSqlFile, incrementalInbox);
if (selected) for (const id of selected) if (!allCases.some((c) => c.id === id)) throw new Error(`unknown case '${id}'`);
let cases = allCases.filter((c) => !selected || selected.includes(c.id));
const measurements = new Map<string, Measurement[]>(cases.map((c) => [c.id, []]));
const failures = new Map<string, string[]>(cases.map((c) => [c.id, []]));
const NEEDS_BUILT_DB = ['incremental', 'incremental-day-only', 'models-only', 'models-only-incremental'];
let warmUp: { seconds: number; peakMiB: number; error?: string } | undefined;
if (cases.some((c) => NEEDS_BUILT_DB.includes(c.id))) {
  console.log('warm-up: building the warehouse the incremental and models-only cases start from (untimed) …');
  try {
    const outcome = await runChild(CLI, ['run', '--inbox', data.csvBase, '--db', builtDb, '--out', path.join(work, 'out-warm-up'), '--as-of', m.baseAsOf]);
    warmUp = { seconds: round(outcome.wallSeconds), peakMiB: round(outcome.peakMiB, 0) };
    console.log(`warm-up: ${warmUp.seconds.toFixed(2)} s, ${warmUp.peakMiB} MiB; warehouse file ${(fs.statSync(builtDb).size / 2 ** 20).toFixed(0)} MiB`);
  } catch (error) {
    const message = (error as Error).message.split('\n')[0]!;
    warmUp = { seconds: 0, peakMiB: 0, error: message };
    console.log(`warm-up FAILED (${message}): skipping ${NEEDS_BUILT_DB.join(', ')}`);
    for (const id of NEEDS_BUILT_DB) failures.get(id)?.push(`warm-up failed: ${message}`);
    cases = cases.filter((c) => !NEEDS_BUILT_DB.includes(c.id));
  }
}
for (let rep = 1; rep <= runs; rep++) {
  for (const def of cases) {
    await waitForLoad();
    const load1 = os.loadavg()[0] ?? 0;
    let measured: Omit<Measurement, 'load1'>;
    try {
      measured = await def.measure(rep);
    } catch (error) {
      // The first line says which command failed; the error itself is at the end of its stderr.
      const lines = (error as Error).message.split('\n').filter((line) => line.trim() !== '');
      const message = [lines[0], ...lines.slice(1).slice(-4)].join(' | ');
      failures.get(def.id)!.push(`run ${rep}: ${message}`);
      console.log(`  run ${rep}/${runs} ${def.id.padEnd(22)} FAILED: ${message}`);
      continue;
    }
    measurements.get(def.id)!.push({ ...measured, load1 });
    console.log(
      `  run ${rep}/${runs} ${def.id.padEnd(22)} ${measured.wallSeconds.toFixed(2).padStart(7)} s wall, ${(measured.innerSeconds?.toFixed(2) ?? '–').padStart(6)} s inner, ${measured.peakMiB.toFixed(0).padStart(5)} MiB, load ${load1.toFixed(1)}`,
    );
  }
}
const measured = allCases.filter((def) => measurements.get(def.id)?.length);
const results = measured.map((def) => ({ ...summarise(def, measurements.get(def.id)!), failures: failures.get(def.id)! }));
const failedCases = allCases
  .filter((def) => failures.has(def.id) && !measurements.get(def.id)?.length)
  .map((def) => ({ id: def.id, label: def.label, failures: failures.get(def.id)! }));
for (const f of failedCases) console.log(`\n${f.label}: every run failed: ${f.failures.join('; ')}`);
printTable(results);

const byId = new Map(results.map((r) => [r.id, r]));
const ratio = (a: string, b: string, inner = false) => {
  const x = byId.get(a);
  const y = byId.get(b);
  if (!x || !y) return null;
  const top = inner ? x.medianInnerSeconds : x.medianSeconds;
  const bottom = inner ? y.medianInnerSeconds : y.medianSeconds;
  return top !== null && bottom !== null && bottom > 0 ? round(top / bottom, 2) : null;
};
/** rootloop's inner seconds without its publisher steps (site, report), over the bare engine's inner seconds. */
const ratioWithoutPublishers = (a: string, b: string) => {
  const x = byId.get(a);
  const y = byId.get(b);
  if (!x?.medianInnerSeconds || !y?.medianInnerSeconds) return null;
  const publishing = publishers.reduce((n, name) => n + (x.steps[name] ?? 0), 0);
  return round((x.medianInnerSeconds - publishing) / y.medianInnerSeconds, 2);
};
const ratios = {
  fullCsvOverBareCsvWithoutPublishers: ratioWithoutPublishers('full-csv', 'bare-csv'),
  fullParquetOverBareParquetWithoutPublishers: ratioWithoutPublishers('full-parquet', 'bare-parquet'),
  fullCsvOverBareCsv: ratio('full-csv', 'bare-csv'),
  fullParquetOverBareParquet: ratio('full-parquet', 'bare-parquet'),
  fullCsvOverBareCsvInner: ratio('full-csv', 'bare-csv', true),
  fullParquetOverBareParquetInner: ratio('full-parquet', 'bare-parquet', true),
};
console.log(
  `\nrootloop / bare engine (median wall): CSV ${ratios.fullCsvOverBareCsv ?? '–'}×, Parquet ${ratios.fullParquetOverBareParquet ?? '–'}×; inner (without process start-up): CSV ${ratios.fullCsvOverBareCsvInner ?? '–'}×, Parquet ${ratios.fullParquetOverBareParquetInner ?? '–'}×; inner without the publishers (${publishers.join(', ') || 'none'}): CSV ${ratios.fullCsvOverBareCsvWithoutPublishers ?? '–'}×, Parquet ${ratios.fullParquetOverBareParquetWithoutPublishers ?? '–'}×`,
);

const targets: { target: string; limit: number; measured: number | null; met: boolean | null }[] = [];
const target = (name: string, limit: number, measured: number | null | undefined) =>
  targets.push({ target: name, limit, measured: measured ?? null, met: measured === null || measured === undefined ? null : measured <= limit });
if (spec.name === 'L') {
  target('full run from CSV, seconds', 15, byId.get('full-csv')?.medianSeconds);
  target('full run from CSV, peak MiB', 2048, byId.get('full-csv')?.peakMiB);
  target('full run from Parquet, seconds', 8, byId.get('full-parquet')?.medianSeconds);
  target('incremental daily run, seconds', 3, byId.get('incremental')?.medianSeconds);
}
if (spec.name === 'S') target('scale S full run (CSV), seconds', 3, byId.get('full-csv')?.medianSeconds);
target('rootloop / bare engine, CSV', 1.3, ratios.fullCsvOverBareCsv);
target('rootloop / bare engine, Parquet', 1.3, ratios.fullParquetOverBareParquet);
console.log('\ntargets (issue 7):');
for (const t of targets) console.log(`  ${t.met === null ? '?' : t.met ? 'met ' : 'MISSED'} ${t.target}: ${t.measured ?? '–'} (limit ${t.limit})`);

const stepCase = byId.get('full-csv');
if (stepCase) {
  const bare = byId.get('bare-csv')?.steps ?? {};
  const incremental = byId.get('incremental')?.steps ?? {};
  console.log('\nmedian seconds per run step (run_steps; bare engine: its phases and models)');
  console.log(`  ${'step'.padEnd(36)} ${'full CSV'.padStart(9)} ${'increm.'.padStart(9)} ${'bare CSV'.padStart(9)}`);
  const sorted = Object.entries(stepCase.steps).sort((a, b) => b[1] - a[1]);
  const cell = (v: number | undefined) => (v === undefined ? '–' : v.toFixed(3)).padStart(9);
  for (const [step, seconds] of sorted) console.log(`  ${step.padEnd(36)} ${cell(seconds)} ${cell(incremental[step])} ${cell(bare[step])}`);
  const bareOnly = Object.entries(bare).filter(([name]) => !name.startsWith('model:'));
  console.log(`  bare engine phases: ${bareOnly.map(([name, seconds]) => `${name} ${seconds.toFixed(2)}`).join(', ')}`);
}

const cpus = os.cpus();
const result = {
  benchmark: 'rootloop issue 7: full and incremental runs against the bare-engine reference',
  measuredAt: startedAt.toISOString(),
  finishedAt: new Date().toISOString(),
  scale: spec.name,
  scaleFactor: spec.factor,
  runsPerCase: runs,
  /** DuckDB settings forced into every child (--duckdb-memory-limit); empty = the pipeline's own settings. */
  duckdbSettings,
  maxRssMiB,
  machine: {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    duckdb: await duckdbVersion(),
    loadAverageAtStart: loadAtStart.map((n) => round(n, 2)),
    loadAverageAtEnd: os.loadavg().map((n) => round(n, 2)),
    note: 'shared machine: see each measurement load1; page cache warm (data generated or read just before)',
  },
  code: codeAtStart,
  codeChangedDuringBench: codeAtStart.codeDigest !== codeState().codeDigest,
  publishers,
  data: {
    asOfFull: m.baseAsOf,
    asOfIncremental: m.asOf,
    dayDrop: m.lastDay,
    base: m.csv.base.rows,
    day: m.csv.day.rows,
    csvBytes: m.csv.base.bytes,
    parquetBytes: m.parquet.base.bytes,
    dayFractionOfOrderLines: round((m.csv.day.rows.order_items ?? 0) / ((m.csv.base.rows.order_items ?? 0) + (m.csv.day.rows.order_items ?? 0)), 4),
    warehouseMiB: fs.existsSync(builtDb) ? round(fs.statSync(builtDb).size / 2 ** 20, 0) : null,
    warmUp: warmUp ?? null,
    preparedSeconds: m.seconds,
  },
  cases: results,
  failedCases,
  ratios,
  targets,
};
fs.mkdirSync(RESULTS_DIR, { recursive: true });
const json = JSON.stringify(result, null, 2) + '\n';
fs.writeFileSync(path.join(RESULTS_DIR, 'latest.json'), json);
fs.writeFileSync(path.join(RESULTS_DIR, `latest-${spec.name}.json`), json);
const stamped = `${spec.name}-${startedAt.toISOString().replace(/[-:]/g, '').replace(/\..+/, '')}.json`;
fs.writeFileSync(path.join(RESULTS_DIR, stamped), json);
console.log(`\nwrote bench/results/latest.json, latest-${spec.name}.json and ${stamped}`);
if (!args['keep-work']) fs.rmSync(work, { recursive: true, force: true });
