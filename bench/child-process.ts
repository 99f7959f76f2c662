/**
 * Running one measured child process for the benchmarks (bench/bench.ts, bench/daily-drift.ts): each
 * measurement is its own `node` process, so module loading, DuckDB's caches and V8's heap start cold
 * every time, as a scheduled run's would. The child preloads bench/rusage-hook.mjs, which writes its
 * peak RSS and CPU seconds on exit; a child growing past the memory cap is stopped (the machine is
 * shared). Also: reading a run's step times back from the warehouse's run log.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { BENCH_DIR, REPO_DIR, round } from './data-prep.ts';

export const CLI = path.join(REPO_DIR, 'bin', 'rootloop.mjs');
export const RUN_TS = path.join(REPO_DIR, 'bin', 'run-ts.mjs');
const RUSAGE_HOOK = pathToFileURL(path.join(BENCH_DIR, 'rusage-hook.mjs')).href;
const SETTINGS_HOOK = pathToFileURL(path.join(BENCH_DIR, 'duckdb-settings-hook.mjs')).href;

export interface ChildOutcome {
  wallSeconds: number;
  peakMiB: number;
  cpuSeconds: number;
  stdout: string;
  stderr: string;
}

export type ChildRunner = (script: string, scriptArgs: readonly string[]) => Promise<ChildOutcome>;

export interface ChildRunnerOptions {
  /** Where the children's rusage files go (removed once read). */
  workDir: string;
  /** A child resident above this is killed and the measurement fails. */
  maxRssMiB: number;
  /** Experiment: DuckDB settings forced into every child's DuckDBInstance.create (bench/duckdb-settings-hook.mjs). */
  duckdbSettings?: Record<string, string>;
}

export function createChildRunner({ workDir, maxRssMiB, duckdbSettings = {} }: ChildRunnerOptions): ChildRunner {
  let childCounter = 0;
  return async (script, scriptArgs) => {
    const rusageFile = path.join(workDir, `rusage-${++childCounter}.json`);
    const started = performance.now();
    const hooks = Object.keys(duckdbSettings).length ? ['--import', RUSAGE_HOOK, '--import', SETTINGS_HOOK] : ['--import', RUSAGE_HOOK];
    const child = spawn(process.execPath, [...hooks, script, ...scriptArgs], {
      cwd: REPO_DIR,
      env: { ...process.env, BENCH_RUSAGE_FILE: rusageFile, ROOTLOOP_LOG_LEVEL: 'info', BENCH_DUCKDB_SETTINGS: JSON.stringify(duckdbSettings) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let overCap = 0;
    const watchdog = setInterval(() => {
      try {
        const kib = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
        if (kib / 1024 > maxRssMiB && !overCap) {
          overCap = kib / 1024;
          child.kill('SIGKILL');
        }
      } catch {
        // gone already, or no /proc
      }
    }, 250);
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    }).finally(() => clearInterval(watchdog));
    const wallSeconds = (performance.now() - started) / 1000;
    if (overCap)
      throw new Error(
        `${path.relative(REPO_DIR, script)} stopped after ${wallSeconds.toFixed(0)} s at ${overCap.toFixed(0)} MiB resident, over --max-rss-mib ${maxRssMiB}`,
      );
    if (code !== 0) throw new Error(`${path.relative(REPO_DIR, script)} ${scriptArgs.join(' ')} exited with ${code}:\n${stderr.slice(-3000)}`);
    const usage = JSON.parse(fs.readFileSync(rusageFile, 'utf8')) as { maxRssKiB: number; userSeconds: number; systemSeconds: number };
    fs.rmSync(rusageFile);
    return { wallSeconds, peakMiB: usage.maxRssKiB / 1024, cpuSeconds: usage.userSeconds + usage.systemSeconds, stdout, stderr };
  };
}

/** The seconds runPipeline reported in its 'run succeeded' log line (JSON lines on stderr). */
export function runSeconds(stderr: string): number | null {
  for (const line of stderr.split('\n').reverse()) {
    if (!line.includes('run succeeded')) continue;
    try {
      return Number((JSON.parse(line) as { seconds: string }).seconds);
    } catch {
      return null;
    }
  }
  return null;
}

/** Seconds per step of the warehouse's last succeeded run, and the rows it loaded and quarantined. */
export async function readRunLog(databaseFile: string): Promise<{ steps: Record<string, number>; rowsLoaded: number; rowsQuarantined: number }> {
  const instance = await DuckDBInstance.create(databaseFile, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  try {
    const last = `(select run_id from runs where status = 'succeeded' order by started_at desc limit 1)`;
    const steps = (
      await connection.runAndReadAll(`select step, epoch(ended_at) - epoch(started_at) as seconds from run_steps where run_id = ${last} order by started_at`)
    ).getRowObjectsJS();
    const loaded = (
      await connection.runAndReadAll(
        `select coalesce(sum(rows_loaded), 0)::bigint as n, coalesce(sum(rows_quarantined), 0)::bigint as q from ingested_files where run_id = ${last}`,
      )
    ).getRowObjectsJS();
    return {
      steps: Object.fromEntries(steps.map((r) => [String(r.step), round(Number(r.seconds))])),
      rowsLoaded: Number(loaded[0]?.n ?? 0),
      rowsQuarantined: Number(loaded[0]?.q ?? 0),
    };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Sum of the `model:*` steps: the model build time of a run. */
export const modelSeconds = (steps: Record<string, number>): number =>
  round(Object.entries(steps).reduce((sum, [step, seconds]) => (step.startsWith('model:') ? sum + seconds : sum), 0));

export const removeDatabase = (file: string) => {
  for (const suffix of ['', '.wal', '.lock', '.tmp']) fs.rmSync(file + suffix, { recursive: true, force: true });
};
