/**
 * The scheduler behind `rootloop schedule`: the config's jobs on their cron schedules, in the config's
 * time zone, one run at a time.
 *
 * - Overlap: a tick that comes while its job is waiting or running is skipped and logged. Different
 *   jobs never write at once either: they queue for the one writer.
 * - One writer: the scheduler lock (`DB.scheduler.lock`, one scheduler per database) plus the run's
 *   writer lock (`DB.lock`, held by runPipeline): a manual `rootloop run` meanwhile is refused with the
 *   name of the run, and a tick that finds a manual run writing waits for it through the retries.
 * - Retries: a run failing with a retryable error is tried again with exponential backoff and jitter,
 *   a bounded number of times; every failed attempt rolled back, so the previous marts, site and report
 *   stay in place when they are exhausted.
 * - Catch-up at start from the run log (catch-up.ts).
 * - After each successful run: new flags to the webhooks; after a weekly review, the email.
 * - Stop (SIGINT/SIGTERM): no new ticks, the running step is interrupted and its run rolls back
 *   (runPipeline's signal), the run is logged as interrupted, the locks are released.
 *
 * Time and ticks are injected (`clock`, `driver`) so tests never wait for real schedules.
 */
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { writerOpenOptions, type Config } from '../core/config.ts';
import { codeOf, configError, isRootloopError, messageOf } from '../core/errors.ts';
import { acquireWriterLock } from '../core/lock.ts';
import type { Logger } from '../core/logger.ts';
import { Warehouse } from '../core/warehouse.ts';
import { deliverAlerts, type AlertDelivery } from '../alerts/deliver-alerts.ts';
import type { FetchLike } from '../alerts/post-webhook.ts';
import { isWeeklyEmailOwed, sendWeeklyReviewEmail, type EmailOutcome } from '../alerts/weekly-review-email.ts';
import { defaultPublishers } from '../run/publishers.ts';
import { configuredSources } from '../sources/configured-sources.ts';
import { runPipeline, type OutputPublisher, type PulledSource, type RunSummary } from '../run/run-pipeline.ts';
import { findDueJobs, readJobHistory, type DueJob, type JobConfig } from './catch-up.ts';
import { interruptedError, systemClock, type Clock } from './clock.ts';
import { assertValidCron, createNodeCronDriver, findNextCronRuns, type CronDriver } from './cron.ts';
import { createRunProgressBar, shouldShowProgress } from './progress.ts';
import { retryPolicyOf, runWithRetries, type RetryPolicy } from './retry.ts';
import { acquireSchedulerLock, type SchedulerLock } from './scheduler-lock.ts';
import { formatLocalTime, latestCompleteWeek } from './zoned-time.ts';

export type TriggerReason = 'schedule' | 'catch-up' | 'manual';

export interface JobOutcome {
  job: string;
  reason: TriggerReason;
  status: 'succeeded' | 'failed' | 'interrupted' | 'cancelled';
  runId?: string;
  attempts: number;
  error?: unknown;
  alerts?: AlertDelivery;
  email?: EmailOutcome;
}

export interface SchedulerEvents {
  'job:skipped': { job: string; reason: TriggerReason; state: JobState };
  'job:started': { job: string; reason: TriggerReason };
  'job:retry': { job: string; attempt: number; delayMs: number; error: unknown };
  'job:finished': JobOutcome;
  'catch-up': { due: DueJob[] };
  stopped: { reason: string };
}

export type JobState = 'idle' | 'waiting' | 'running';

export interface SchedulerOptions {
  config: Config;
  logger: Logger;
  clock?: Clock;
  /** Fires the ticks; default node-cron. */
  driver?: CronDriver;
  /** Output folders rendered by every run; default the project's publishers (site, report). */
  publishers?: () => readonly OutputPublisher[];
  /** Systems pulled by refresh and weekly_review runs; default those the config enables (config `sources`). */
  sources?: (config: Config) => Promise<readonly PulledSource[]>;
  fetch?: FetchLike;
  /** Progress bars on long steps; default when stderr is a terminal and CI is unset. */
  progress?: boolean;
}

export class Scheduler {
  readonly databaseFile: string;
  readonly inboxDir: string;
  readonly outDir: string;
  private readonly config: Config;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly driver: CronDriver;
  private readonly policy: RetryPolicy;
  private readonly emitter = new EventEmitter();
  private readonly abort = new AbortController();
  private readonly states = new Map<string, JobState>();
  private readonly inFlight = new Set<Promise<JobOutcome>>();
  /** Runs stopped by a shutdown: run id → job. */
  private ticks: { stop(): void }[] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private lock: SchedulerLock | undefined;
  private catchUpDone: Promise<void> = Promise.resolve();
  private stopPromise: Promise<void> | undefined;
  private stopReason = 'stop';
  /** A weekly review whose email failed: tried again after the next successful runs. */
  private pendingEmailWeek: string | undefined;

  constructor(private readonly options: SchedulerOptions) {
    this.config = options.config;
    this.logger = options.logger.child({ component: 'scheduler' });
    this.clock = options.clock ?? systemClock;
    this.driver = options.driver ?? createNodeCronDriver(this.logger);
    this.policy = retryPolicyOf(options.config);
    this.databaseFile = path.resolve(options.config.paths.db);
    this.inboxDir = path.resolve(options.config.paths.inbox);
    this.outDir = path.resolve(options.config.paths.out);
  }

  on<E extends keyof SchedulerEvents>(event: E, listener: (payload: SchedulerEvents[E]) => void): this {
    this.emitter.on(event, listener);
    return this;
  }

  off<E extends keyof SchedulerEvents>(event: E, listener: (payload: SchedulerEvents[E]) => void): this {
    this.emitter.off(event, listener);
    return this;
  }

  private emit<E extends keyof SchedulerEvents>(event: E, payload: SchedulerEvents[E]): void {
    this.emitter.emit(event, payload);
  }

  get stopping(): boolean {
    return this.stopPromise !== undefined;
  }

  stateOf(jobName: string): JobState | undefined {
    return this.states.get(jobName);
  }

  /** Validates the jobs, takes the scheduler lock, starts the ticks and the catch-up. */
  async start(): Promise<void> {
    if (this.lock) throw new Error('the scheduler is already started');
    const jobs = this.config.schedule.jobs;
    if (!jobs.length) throw configError('schedule.jobs is empty: there is nothing to schedule');
    for (const job of jobs) assertValidCron(job.name, job.cron);
    this.lock = acquireSchedulerLock(this.databaseFile);
    if (this.lock.recoveredFrom) {
      const stale = this.lock.recoveredFrom;
      this.logger.warn({ stalePid: stale.pid, since: stale.startedAt }, 'recovered a scheduler lock left by a process that is gone');
    }
    const now = this.clock.now();
    try {
      for (const job of jobs) {
        this.states.set(job.name, 'idle');
        this.ticks.push(this.driver.schedule({ name: job.name, cron: job.cron, timeZone: this.config.timezone }, (at) => this.onTick(job, at)));
      }
    } catch (error) {
      for (const tick of this.ticks.splice(0)) tick.stop();
      this.lock.release();
      throw error;
    }
    this.logger.info(
      {
        database: this.databaseFile,
        timezone: this.config.timezone,
        pid: process.pid,
        jobs: jobs.map((j) => ({
          job: j.name,
          task: j.task,
          cron: j.cron,
          next: findNextCronRuns(j.cron, this.config.timezone, now, 1).map((d) => formatLocalTime(d, this.config.timezone))[0] ?? null,
        })),
      },
      `scheduler started: ${jobs.length} job(s)`,
    );
    if (this.config.schedule.catchUp) this.catchUpDone = this.catchUp();
  }

  /**
   * Asks for a run of a job. Undefined when it is skipped: the job is already waiting or running, or
   * the scheduler is stopping.
   */
  request(jobName: string, reason: TriggerReason = 'manual'): Promise<JobOutcome> | undefined {
    const job = this.config.schedule.jobs.find((j) => j.name === jobName);
    if (!job) throw configError(`no job named '${jobName}' in schedule.jobs`);
    if (this.stopping) return undefined;
    const state = this.states.get(job.name) ?? 'idle';
    if (state !== 'idle') {
      this.logger.warn({ job: job.name, reason, state }, `skipped a ${reason} run of ${job.name}: the previous one is still ${state}`);
      this.emit('job:skipped', { job: job.name, reason, state });
      return undefined;
    }
    this.states.set(job.name, 'waiting');
    const outcome = (async (): Promise<JobOutcome> => {
      const jitterMs = reason === 'schedule' ? Math.floor(this.clock.random() * this.config.schedule.jitterMs) : 0;
      if (jitterMs > 0) {
        try {
          await this.clock.sleep(jitterMs, this.abort.signal);
        } catch {
          this.states.set(job.name, 'idle');
          return { job: job.name, reason, status: 'cancelled', attempts: 0 };
        }
      }
      return this.enqueue(() => this.execute(job, reason));
    })();
    this.inFlight.add(outcome);
    void outcome.finally(() => this.inFlight.delete(outcome));
    return outcome;
  }

  /** Resolves when the catch-up and every requested run have finished (tests, shutdown). */
  async idle(): Promise<void> {
    await this.catchUpDone;
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  /** Stops ticking, interrupts the running step (its run rolls back), releases the locks. */
  stop(reason = 'stop'): Promise<void> {
    if (this.stopPromise) return this.stopPromise;
    this.stopReason = reason;
    this.stopPromise = (async () => {
      const running = [...this.states].filter(([, s]) => s !== 'idle').map(([job, state]) => ({ job, state }));
      this.logger.info({ reason, running }, running.length ? 'stopping: no new runs; the running step is interrupted and its run rolls back' : 'stopping');
      for (const tick of this.ticks) tick.stop();
      this.ticks = [];
      this.abort.abort(reason);
      await this.idle();
      this.lock?.release();
      this.logger.info({ reason }, 'scheduler stopped');
      this.emit('stopped', { reason });
    })();
    return this.stopPromise;
  }

  private onTick(job: JobConfig, scheduledFor: Date): void {
    this.logger.debug({ job: job.name, scheduledFor: formatLocalTime(scheduledFor, this.config.timezone) }, 'tick');
    void this.request(job.name, 'schedule');
  }

  private enqueue(work: () => Promise<JobOutcome>): Promise<JobOutcome> {
    const result = this.queue.then(work);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async catchUp(): Promise<void> {
    try {
      const history = await runWithRetries(() => readJobHistory(this.databaseFile, this.config), this.policy, { clock: this.clock, signal: this.abort.signal });
      const due = findDueJobs(this.config, history, this.clock.now());
      this.emit('catch-up', { due });
      for (const d of due) {
        this.logger.info(
          {
            job: d.job.name,
            dueAt: formatLocalTime(d.dueAt, this.config.timezone),
            lastSuccess: d.lastSuccess ? formatLocalTime(d.lastSuccess, this.config.timezone) : null,
          },
          `catch-up: ${d.job.name} has no successful run since it was due; running it once now`,
        );
        void this.request(d.job.name, 'catch-up');
      }
    } catch (error) {
      if (!this.abort.signal.aborted)
        this.logger.error({ code: codeOf(error), err: messageOf(error) }, 'catch-up could not read the run log; the jobs wait for their next ticks');
    }
  }

  private async execute(job: JobConfig, reason: TriggerReason): Promise<JobOutcome> {
    const log = this.logger.child({ job: job.name });
    const outcome: JobOutcome = { job: job.name, reason, status: 'cancelled', attempts: 0 };
    if (this.abort.signal.aborted) {
      this.states.set(job.name, 'idle');
      this.emit('job:finished', outcome);
      return outcome;
    }
    this.states.set(job.name, 'running');
    this.emit('job:started', { job: job.name, reason });
    log.info({ reason, task: job.task }, `${job.name} started`);
    try {
      const summary = await runWithRetries(
        (attempt) => {
          outcome.attempts = attempt + 1;
          return this.runOnce(job, log);
        },
        this.policy,
        {
          clock: this.clock,
          signal: this.abort.signal,
          onRetry: ({ attempt, error, delayMs }) => {
            log.warn(
              { attempt: attempt + 1, of: this.policy.retries + 1, delayMs, code: codeOf(error), err: messageOf(error) },
              `${job.name} attempt failed with a transient error; retrying`,
            );
            this.emit('job:retry', { job: job.name, attempt, delayMs, error });
          },
        },
      );
      outcome.status = 'succeeded';
      outcome.runId = summary.runId;
      if (summary.sourceFailures.length)
        log.warn({ run: summary.runId, sourceFailures: summary.sourceFailures }, 'some sources failed; they are pulled again on the next run');
      log.info({ run: summary.runId, attempts: outcome.attempts, seconds: Number(summary.seconds.toFixed(2)) }, `${job.name} succeeded`);
      if (!this.abort.signal.aborted) await this.afterRun(job, summary, outcome, log);
    } catch (error) {
      outcome.error = error;
      if (this.abort.signal.aborted) {
        outcome.status = 'interrupted';
        log.info({ err: messageOf(error) }, `${job.name} interrupted; its run rolled back`);
      } else {
        outcome.status = 'failed';
        log.error(
          { code: codeOf(error), err: messageOf(error), attempts: outcome.attempts },
          `${job.name} failed; the previous marts, site and report stay in place`,
        );
      }
    } finally {
      this.states.set(job.name, 'idle');
      this.emit('job:finished', outcome);
    }
    return outcome;
  }

  private async runOnce(job: JobConfig, log: Logger): Promise<RunSummary> {
    const progress = createRunProgressBar({ enabled: this.options.progress ?? shouldShowProgress(), label: job.name });
    try {
      const pulled: readonly PulledSource[] =
        job.task === 'dashboards' ? [] : this.options.sources ? await this.options.sources(this.config) : configuredSources(this.config);
      return await runPipeline({
        inboxDir: this.inboxDir,
        databaseFile: this.databaseFile,
        outDir: this.outDir,
        config: this.config,
        logger: log,
        asOf: this.clock.now(),
        job: job.name,
        sources: pulled,
        publishers: (this.options.publishers ?? defaultPublishers)(),
        // A shutdown cancels the running statement; runPipeline rolls back and logs the run interrupted.
        signal: this.abort.signal,
        onProgress: progress.update,
      });
    } catch (error) {
      if (!this.abort.signal.aborted || (isRootloopError(error) && error.code === 'InterruptedError')) throw error;
      throw interruptedError(`stopped by ${this.stopReason}: ${messageOf(error)}`);
    } finally {
      progress.stop();
    }
  }

  /** Alerts for new flags; after a weekly review (or a failed email before), the email. Failures here do not undo the run. */
  private async afterRun(job: JobConfig, summary: RunSummary, outcome: JobOutcome, log: Logger): Promise<void> {
    const week = latestCompleteWeek(summary.asOf, this.config.timezone);
    const emailConfigured = this.config.alerts.email !== undefined;
    if (!this.config.alerts.webhooks.length && !emailConfigured) return;
    const weeklyJobs = this.config.schedule.jobs.filter((j) => j.task === 'weekly_review').map((j) => j.name);
    try {
      await runWithRetries(
        () =>
          this.withWriter(`${summary.runId}-alerts`, `${job.name}:alerts`, async (warehouse) => {
            if (!outcome.alerts)
              outcome.alerts = await deliverAlerts({
                warehouse,
                config: this.config,
                runId: summary.runId,
                asOf: summary.asOf,
                logger: log,
                ...(this.options.fetch ? { fetch: this.options.fetch } : {}),
              });
            // Owed: this run is the weekly review, or an earlier attempt failed (remembered here, and in
            // the warehouse across a restart of the scheduler).
            const wantsEmail =
              emailConfigured && (job.task === 'weekly_review' || this.pendingEmailWeek === week || (await isWeeklyEmailOwed(warehouse, weeklyJobs, week)));
            if (wantsEmail) {
              try {
                outcome.email = await sendWeeklyReviewEmail({
                  warehouse,
                  config: this.config,
                  reportDir: path.join(this.outDir, 'report'),
                  week,
                  runId: summary.runId,
                  logger: log,
                });
                this.pendingEmailWeek = undefined;
              } catch (error) {
                this.pendingEmailWeek = week;
                if (isRootloopError(error) && error.code === 'DatabaseLockedError') throw error;
                log.error(
                  { week, code: codeOf(error), err: messageOf(error) },
                  'the weekly review email failed; it is tried again after the next successful run',
                );
              }
            }
          }),
        this.policy,
        { clock: this.clock, signal: this.abort.signal, isRetryable: (e) => isRootloopError(e) && e.code === 'DatabaseLockedError' },
      );
    } catch (error) {
      log.error({ run: summary.runId, code: codeOf(error), err: messageOf(error) }, 'alerts after the run failed; the flags are announced after the next run');
    }
  }

  /** Runs `work` on the warehouse under the writer lock, as a short write of its own. */
  private async withWriter<T>(runId: string, command: string, work: (warehouse: Warehouse) => Promise<T>): Promise<T> {
    const lock = acquireWriterLock(this.databaseFile, { runId, startedAt: new Date().toISOString(), command });
    let warehouse: Warehouse | undefined;
    try {
      warehouse = await Warehouse.open(this.databaseFile, writerOpenOptions(this.config));
      if (lock.recoveredFrom) {
        const stale = lock.recoveredFrom;
        this.logger.warn({ staleRun: stale.runId, pid: stale.pid }, 'recovered a lock left by a process that is gone; its run did not land');
        await recordInterruptedRun(
          warehouse,
          stale.runId,
          stale.command,
          new Date(stale.startedAt),
          'its process ended without releasing the lock (killed?); nothing of it landed',
        );
      }
      return await work(warehouse);
    } finally {
      await warehouse?.close().catch(() => undefined);
      lock.release();
    }
  }
}

/** Marks a run interrupted in the run log, adding its row when the run never wrote one. */
async function recordInterruptedRun(warehouse: Warehouse, runId: string, job: string | undefined, startedAt: Date, message: string): Promise<void> {
  const exists = (await warehouse.scalar(`select count(*) from runs where run_id = $1`, [runId])) > 0;
  if (exists) {
    await warehouse.run(
      `update runs set status = 'interrupted', error_code = 'InterruptedError', error_message = $2, ended_at = coalesce(ended_at, now()) where run_id = $1 and status <> 'succeeded'`,
      [runId, message],
    );
  } else {
    await warehouse.run(
      `insert into runs (run_id, job, status, started_at, ended_at, pid, error_code, error_message) values ($1, $2, 'interrupted', $3::timestamptz, now(), $4, 'InterruptedError', $5)`,
      [runId, job ?? 'unknown', startedAt, process.pid, message],
    );
  }
}

export function createScheduler(options: SchedulerOptions): Scheduler {
  return new Scheduler(options);
}
