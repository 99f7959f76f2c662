/**
 * One full run: take the writer lock, ingest everything new in the inbox, rebuild and check the models,
 * export the marts and render the dashboards and report into staging folders, commit, then publish the
 * folders. One run is one transaction: a failure, a stop or a kill before the commit leaves the
 * database, the marts, the site and the report exactly as the previous run left them. After the commit
 * the run has landed; each folder is then swapped in by renames, so a kill in that short window can
 * leave some outputs of the previous run in place (the next run publishes again and sweeps what was
 * left), and a folder that cannot be published is reported without undoing the run.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { writerOpenOptions, type Config } from '../core/config.ts';
import { codeOf, interruptedError, isRootloopError, messageOf, publishError } from '../core/errors.ts';
import { acquireWriterLock, type AcquiredLock } from '../core/lock.ts';
import type { Logger } from '../core/logger.ts';
import { buildModels, type BuiltModel } from '../core/model-runner.ts';
import { createStagingFolder, discardFolder, publishFolder } from '../core/publish.ts';
import { Warehouse } from '../core/warehouse.ts';
import { EXPORTED_MARTS_DECLARATIONS, MODELS } from '../../models/declarations.ts';
import { assertInboxFolder, FileReadFailure, ingestInbox, type IngestedFileReport } from '../sources/inbox/load.ts';
import { asPullOutcome, type PullOutcome } from '../sources/pulled/pull-outcome.ts';
import { exportMarts } from './export-marts.ts';
import { checkCauseRules, prepareRunInputs } from './prepare-run-inputs.ts';
import { IncrementalBuildPlanner, recordIncrementalBuilds, type IncrementalBuildPlan } from './incremental-plan.ts';

export interface RunOptions {
  inboxDir: string;
  databaseFile: string;
  outDir: string;
  config: Config;
  logger: Logger;
  /** "Now" for trailing windows, open SLA clocks and verdicts; default the current time. */
  asOf?: Date;
  job?: string;
  /** Systems of record pulled after the inbox, inside the run's transaction (PostgreSQL, helpdesk). */
  sources?: readonly PulledSource[];
  /** Output folders rendered from the built warehouse (site, report), published with the marts. */
  publishers?: readonly OutputPublisher[];
  /**
   * Graceful shutdown: on abort the running DuckDB statement is cancelled and no further step starts,
   * so the run rolls back and is logged `interrupted`. Once the commit has begun the run lands whole.
   */
  signal?: AbortSignal;
  /** Hears each step as it starts (progress bars). */
  onProgress?: (progress: RunProgress) => void;
  /** Build every model whole, even where only some rows changed since the last build. */
  fullRebuild?: boolean;
}

export interface RunProgress {
  runId: string;
  phase: 'ingest' | 'models' | 'publish';
  /** The file, model or output about to be worked on. */
  step: string;
  /** Steps of this phase done so far, and in all (0 when unknown, e.g. inbox files). */
  done: number;
  total: number;
}

/**
 * A system of record pulled during a run. Contract: `pull` fetches everything first (to temp files or
 * temp tables), then loads and advances its cursor inside the run's transaction. When the system fails
 * mid-pull it throws a `SourceError` WITHOUT having written to the warehouse; the run then records that
 * source as failed, leaves its cursor where it was, and goes on with the other sources.
 */
export interface PulledSource {
  name: string;
  pull(warehouse: Warehouse, context: RunContext): Promise<IngestedFileReport[] | PullOutcome>;
}

/** Renders an output folder (site, report) from the built warehouse, inside the run. */
export interface OutputPublisher {
  name: string;
  /** The published folder, e.g. OUT/site. */
  target(outDir: string): string;
  /**
   * Called once the models are built, before the marts are exported: a publisher starts what it needs
   * (workers, libraries) here, so that start-up overlaps the export instead of holding memory while
   * DuckDB ingests and builds, when the process is at its largest.
   */
  warmUp?(): void;
  render(warehouse: Warehouse, stagingDir: string, context: RunContext): Promise<void>;
}

export interface RunContext {
  runId: string;
  asOf: Date;
  config: Config;
  outDir: string;
  /** The run's logger, for warnings a source or publisher has for the operator. */
  log?: Logger;
}

export interface StepRecord {
  step: string;
  startedAt: Date;
  endedAt: Date;
  status: 'succeeded' | 'failed';
  rowsIn: number | null;
  rowsOut: number | null;
  errorCode?: string;
  errorMessage?: string;
}

export interface RunSummary {
  runId: string;
  asOf: Date;
  files: IngestedFileReport[];
  models: BuiltModel[];
  /** How each incremental model was built: whole, or for its keys changed since the last build. */
  incrementalBuilds: Record<string, Pick<IncrementalBuildPlan, 'mode' | 'reason' | 'changedKeys' | 'reclockedKeys'>>;
  steps: StepRecord[];
  /** Sources that failed this run (the run itself succeeded with the others). */
  sourceFailures: { source: string; error: string }[];
  seconds: number;
}

/**
 * The run's id: its start in UTC (ISO 8601 basic, with the Z that says so: beside local times in
 * `status`, 20261203T223023-… read as a day earlier than the 2026-12-04 06:30 it was) and 3 random bytes.
 */
export function createRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\..+/, 'Z')}-${crypto.randomBytes(3).toString('hex')}`;
}

async function timeStep<T>(
  steps: StepRecord[],
  step: string,
  work: () => Promise<T>,
  count?: (result: T) => { rowsIn?: number; rowsOut?: number },
): Promise<T> {
  const startedAt = new Date();
  try {
    const result = await work();
    const counts = count?.(result) ?? {};
    steps.push({ step, startedAt, endedAt: new Date(), status: 'succeeded', rowsIn: counts.rowsIn ?? null, rowsOut: counts.rowsOut ?? null });
    return result;
  } catch (error) {
    steps.push({
      step,
      startedAt,
      endedAt: new Date(),
      status: 'failed',
      rowsIn: null,
      rowsOut: null,
      errorCode: codeOf(error),
      errorMessage: messageOf(error),
    });
    throw error;
  }
}

async function recordRun(
  warehouse: Warehouse,
  run: { runId: string; job: string; status: string; startedAt: Date; asOf: Date; error?: unknown },
  steps: readonly StepRecord[],
): Promise<void> {
  await warehouse.run(
    // ended_at from the clock, not now(): DuckDB's now() is the transaction's start.
    `insert into runs (run_id, job, status, started_at, ended_at, as_of, pid, error_code, error_message) values ($1, $2, $3, $4::timestamptz, $9::timestamptz, $5::timestamptz, $6, $7, $8)`,
    [
      run.runId,
      run.job,
      run.status,
      run.startedAt,
      run.asOf,
      process.pid,
      run.error ? codeOf(run.error) : null,
      run.error ? messageOf(run.error) : null,
      new Date(),
    ],
  );
  for (const s of steps) {
    await warehouse.run(
      `insert into run_steps (run_id, step, started_at, ended_at, status, rows_in, rows_out, error_code, error_message) values ($1, $2, $3::timestamptz, $4::timestamptz, $5, $6, $7, $8, $9)`,
      [run.runId, s.step, s.startedAt, s.endedAt, s.status, s.rowsIn, s.rowsOut, s.errorCode ?? null, s.errorMessage ?? null],
    );
  }
}

/**
 * Publishes each staged output folder once the run has committed. One that fails is discarded and
 * reported, and the others are still published: the database already holds the run.
 */
function publishStagedFolders(staged: readonly { staging: string; target: string }[], log: Logger): { target: string; reason: string }[] {
  const failed: { target: string; reason: string }[] = [];
  for (const { staging, target } of staged) {
    try {
      publishFolder(staging, target);
    } catch (error) {
      failed.push({ target, reason: messageOf(error) });
      log.error({ target, err: messageOf(error) }, 'could not publish an output folder; the previous copy stays in place');
      try {
        discardFolder(staging);
      } catch {
        // the next run's sweep removes it
      }
    }
  }
  return failed;
}

/**
 * Runs the pipeline once; throws (with the database untouched) when the run fails before its commit,
 * or a PublishError when it committed but an output folder could not be published.
 */
export async function runPipeline(options: RunOptions): Promise<RunSummary> {
  const started = performance.now();
  const startedAt = new Date();
  const runId = createRunId(startedAt);
  const asOf = options.asOf ?? startedAt;
  const job = options.job ?? 'run';
  const { logger, config } = options;
  const log = logger.child({ run: runId });

  const { signal, onProgress } = options;
  const stoppedBy = () => (typeof signal?.reason === 'string' ? `stopped by ${signal.reason}` : 'stopped');
  const throwIfAborted = (before: string) => {
    if (signal?.aborted) throw interruptedError(`${stoppedBy()} before ${before}; run ${runId} rolled back`);
  };
  throwIfAborted('it started');

  const lock: AcquiredLock = acquireWriterLock(options.databaseFile, { runId, startedAt: startedAt.toISOString(), command: job });
  let warehouse: Warehouse | undefined;
  const staged: { staging: string; target: string }[] = [];
  // While the run's transaction is open, an abort keeps cancelling whatever statement runs (one
  // interrupt can fall between two statements), until the run settles.
  let interruptible = false;
  let interruptTimer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    if (interruptible) log.info('interrupting the running step; the run rolls back');
    const interrupt = () => interruptible && warehouse?.interrupt();
    interrupt();
    interruptTimer = setInterval(interrupt, 50);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    warehouse = await Warehouse.open(options.databaseFile, writerOpenOptions(config));
    await checkCauseRules(warehouse, config.causeRules);
    if (lock.recoveredFrom) {
      const stale = lock.recoveredFrom;
      // A process killed after its commit (while publishing or checkpointing) left the lock, but its run
      // landed and is recorded: it must not get a second, "interrupted" record.
      const landedBefore = (await warehouse.scalar(`select count(*) from runs where run_id = $1`, [stale.runId])) > 0;
      if (landedBefore) log.warn({ staleRun: stale.runId, pid: stale.pid }, 'recovered a lock left by a process that died after its run landed');
      else {
        log.warn({ staleRun: stale.runId, pid: stale.pid }, 'recovered a lock left by a process that is gone; its run did not land');
        await recordRun(warehouse, { runId: stale.runId, job: stale.command, status: 'interrupted', startedAt: new Date(stale.startedAt), asOf }, []);
      }
    }

    const unreadable = new Map<string, string>();
    for (;;) {
      let landed: Pick<RunSummary, 'files' | 'models' | 'incrementalBuilds' | 'steps' | 'sourceFailures'>;
      const steps: StepRecord[] = [];
      const sourceFailures: { source: string; error: string }[] = [];
      staged.splice(0).forEach(({ staging }) => discardFolder(staging));
      await warehouse.begin();
      interruptible = true;
      try {
        // Inside the run, so a scheduled run whose inbox went away is recorded as failed.
        // A deployment that pulls may have no inbox, also in runs that pull nothing (scheduled dashboards).
        const pulls = (options.sources?.length ?? 0) > 0 || config.sources.postgres.enabled || config.sources.helpdesk.enabled;
        assertInboxFolder(options.inboxDir, pulls);
        const files = await timeStep(
          steps,
          'ingest',
          () =>
            ingestInbox(warehouse!, {
              inboxDir: options.inboxDir,
              runId,
              unreadable,
              mappings: config.inboxMappings,
              onFileStart: (name, bytes) => log.info({ file: name, bytes }, `reading ${name}`),
              onFile: (f) => f.status !== 'skipped' && log.info({ ...f }, `ingested ${f.fileName}`),
            }),
          (reports) => ({ rowsIn: reports.reduce((n, r) => n + r.rowsRead, 0), rowsOut: reports.reduce((n, r) => n + r.rowsLoaded, 0) }),
        );
        const context: RunContext = { runId, asOf, config, outDir: options.outDir, log };
        for (const source of options.sources ?? []) {
          try {
            const pulled = await timeStep(
              steps,
              `pull:${source.name}`,
              async () => asPullOutcome(await source.pull(warehouse!, context)),
              ({ reports }) => ({ rowsIn: reports.reduce((n, f) => n + f.rowsRead, 0), rowsOut: reports.reduce((n, f) => n + f.rowsLoaded, 0) }),
            );
            files.push(...pulled.reports);
            // Tables that failed on their own: the others loaded; each failure is a failed pull step, as a
            // whole failed source is, so status shows it and the stream's lag grows until it is fixed.
            for (const failure of pulled.failures) {
              sourceFailures.push({ source: failure.stream, error: failure.error });
              const now = new Date();
              steps.push({
                step: `pull:${failure.stream}`,
                startedAt: now,
                endedAt: now,
                status: 'failed',
                rowsIn: null,
                rowsOut: null,
                errorCode: 'SourceError',
                errorMessage: failure.error,
              });
              log.error({ source: failure.stream, err: failure.error }, 'table failed; its cursor stays where it was, the other tables loaded');
            }
          } catch (error) {
            if (!(isRootloopError(error) && error.code === 'SourceError')) throw error;
            sourceFailures.push({ source: source.name, error: messageOf(error) });
            log.error({ source: source.name, err: messageOf(error) }, 'source failed; its cursor stays where it was, the run goes on');
          }
        }
        throwIfAborted('the models');
        log.debug('ingest done; building models');
        await warehouse.flushFreedMemorySooner();
        await prepareRunInputs(warehouse, config, asOf);
        const planner = new IncrementalBuildPlanner(warehouse, config, asOf, { wholeOnly: options.fullRebuild === true });
        let modelsBuilt = 0;
        const models = await buildModels(
          warehouse,
          MODELS,
          (m) => {
            throwIfAborted(`the model after ${m.name}`);
            onProgress?.({ runId, phase: 'models', step: m.name, done: ++modelsBuilt, total: MODELS.length });
            steps.push({
              step: `model:${m.name}`,
              startedAt: new Date(Date.now() - m.seconds * 1000),
              endedAt: new Date(),
              status: 'succeeded',
              rowsIn: null,
              rowsOut: m.rows,
            });
            log.debug({ model: m.name, rows: m.rows, seconds: m.seconds }, 'built model');
          },
          { planner },
        );
        const buildPlans = planner.plans;
        log.info(
          { builds: Object.fromEntries(buildPlans.map((p) => [p.model, p.reason])) },
          `models built: ${buildPlans.filter((p) => p.mode === 'incremental').length} of ${buildPlans.length} incremental ones for their changed rows only`,
        );
        await recordIncrementalBuilds(warehouse, buildPlans, asOf);

        for (const publisher of options.publishers ?? []) publisher.warmUp?.();
        const martsDir = path.join(options.outDir, 'marts');
        const martsStaging = createStagingFolder(martsDir, runId);
        staged.push({ staging: martsStaging, target: martsDir });
        await timeStep(steps, 'export_marts', () => exportMarts(warehouse!, EXPORTED_MARTS_DECLARATIONS, martsStaging));
        for (const publisher of options.publishers ?? []) {
          throwIfAborted(publisher.name);
          onProgress?.({ runId, phase: 'publish', step: publisher.name, done: 0, total: options.publishers?.length ?? 0 });
          const target = publisher.target(options.outDir);
          const staging = createStagingFolder(target, runId);
          staged.push({ staging, target });
          await timeStep(steps, publisher.name, () => publisher.render(warehouse!, staging, context));
        }
        await recordRun(warehouse, { runId, job, status: 'succeeded', startedAt, asOf }, steps);
        throwIfAborted('the commit');
        interruptible = false;
        await warehouse.commit();
        landed = {
          files,
          models,
          incrementalBuilds: Object.fromEntries(buildPlans.map(({ model, fingerprint: _fingerprint, ...plan }) => [model, plan])),
          steps,
          sourceFailures,
        };
      } catch (caught) {
        interruptible = false;
        clearInterval(interruptTimer);
        await warehouse.rollback();
        // A statement cancelled by the abort fails with DuckDB's own message: report the shutdown.
        const error =
          signal?.aborted && !(isRootloopError(caught) && caught.code === 'InterruptedError')
            ? interruptedError(`${stoppedBy()}; run ${runId} rolled back`)
            : caught;
        // No cap on attempts: each one sets aside a file not set aside before, so they end (a cap of 20
        // once let 21 broken files block every run, the good files beside them included).
        if (error instanceof FileReadFailure && !unreadable.has(error.contentSha256)) {
          log.warn({ file: error.fileName }, `${error.reason}; quarantining the file and retrying the run without it`);
          unreadable.set(error.contentSha256, error.reason);
          continue;
        }
        const status = isRootloopError(error) && error.code === 'InterruptedError' ? 'interrupted' : 'failed';
        await recordRun(warehouse, { runId, job, status, startedAt, asOf, error }, steps).catch(() => undefined);
        throw error;
      }
      // The run has landed: nothing from here on may roll it back or record it as failed.
      const unpublished = publishStagedFolders(staged.splice(0), log);
      try {
        await warehouse.checkpoint();
      } catch (error) {
        // the commit is in the write-ahead log, which DuckDB replays and checkpoints on its next open
        log.warn({ err: messageOf(error) }, 'checkpoint after the commit failed; the run is committed in the write-ahead log');
      }
      if (unpublished.length) {
        const error = publishError(
          `run ${runId} landed in the database, but publishing ${unpublished.map((u) => `${u.target} (${u.reason})`).join('; ')} failed; the previous copy stays in place and the next run publishes again`,
        );
        // Still 'succeeded' (its data landed), with the error beside it, so status and --check show that
        // its outputs are not what the database holds.
        await warehouse
          .run(`update runs set error_code = $1, error_message = $2 where run_id = $3`, [error.code, error.message, runId])
          .catch((failure: unknown) => log.warn({ err: messageOf(failure) }, 'could not note the publish failure in the run log'));
        throw error;
      }
      const summary: RunSummary = { runId, asOf, ...landed, seconds: (performance.now() - started) / 1000 };
      log.info({ seconds: summary.seconds.toFixed(2), files: landed.files.filter((f) => f.status !== 'skipped').length }, 'run succeeded');
      return summary;
    }
  } finally {
    interruptible = false;
    clearInterval(interruptTimer);
    signal?.removeEventListener('abort', onAbort);
    staged.forEach(({ staging }) => discardFolder(staging));
    await warehouse?.close().catch(() => undefined);
    lock.release();
  }
}
