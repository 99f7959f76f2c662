/**
 * The scheduler in-process on a tiny world (a run takes about a second): overlapping ticks are
 * skipped and logged, transient failures are retried with backoff until success or until the retries
 * are spent (the previous marts and data intact), a Monday outage is caught up exactly once from the
 * run log, and a second scheduler on the same database refuses with a clear message.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireWriterLock } from '../../pipelines/core/lock.ts';
import { createSilentLogger } from '../../pipelines/core/logger.ts';
import { fixedClock } from '../../pipelines/scheduling/clock.ts';
import { createScheduler } from '../../pipelines/scheduling/scheduler.ts';
import { schedulerLockFileOf } from '../../pipelines/scheduling/scheduler-lock.ts';
import { runCli } from '../helpers/cli.ts';
import { withTempDir } from '../helpers/warehouse.ts';
import { captureLogger } from './capture-logger.ts';
import {
  ManualCronDriver,
  blockingPublisher,
  collectOutcomes,
  fakeReportPublisher,
  flakyPublisher,
  hashFolder,
  makeConfig,
  nextEvent,
  readRuns,
  snapshotData,
  writeTinyInbox,
} from './scheduling-helpers.ts';

describe('scheduler', () => {
  it('skips and logs a tick that comes while the same job still runs (node-cron, every second)', { timeout: 30_000 }, async () => {
    await withTempDir(async (dir) => {
      writeTinyInbox(path.join(dir, 'inbox'));
      const config = makeConfig(dir, { schedule: { jobs: [{ name: 'refresh', cron: '*/1 * * * * *', task: 'refresh' }] } });
      const blocking = blockingPublisher();
      const { logger, lines } = captureLogger();
      const scheduler = createScheduler({ config, logger, publishers: () => [blocking], progress: false });
      const outcomes = collectOutcomes(scheduler);
      const skipped = nextEvent(scheduler, 'job:skipped');
      await scheduler.start();
      await blocking.entered; // the first tick's run holds inside its publisher
      expect(await skipped).toEqual({ job: 'refresh', reason: 'schedule', state: 'running' });
      blocking.release();
      await nextEvent(scheduler, 'job:finished');
      await scheduler.stop('test');

      expect(outcomes[0]).toMatchObject({ job: 'refresh', reason: 'schedule', status: 'succeeded', attempts: 1 });
      expect(lines.some((l) => l.level === 40 && l.job === 'refresh' && l.msg === 'skipped a schedule run of refresh: the previous one is still running')).toBe(
        true,
      );
      const runs = await readRuns(config.paths.db);
      expect(runs[0]).toMatchObject({ job: 'refresh', status: 'succeeded' });
      expect(fs.existsSync(schedulerLockFileOf(config.paths.db))).toBe(false);
    });
  });

  it('retries a run refused by a short manual run holding the database, then succeeds', async () => {
    await withTempDir(async (dir) => {
      writeTinyInbox(path.join(dir, 'inbox'));
      const config = makeConfig(dir, { schedule: { retries: 3 } });
      const scheduler = createScheduler({ config, logger: createSilentLogger(), driver: new ManualCronDriver(), publishers: () => [], progress: false });
      await scheduler.start();
      // A manual `rootloop run` is writing; it finishes while the scheduler backs off.
      const manual = acquireWriterLock(config.paths.db, { runId: 'manual-20260330', startedAt: new Date().toISOString(), command: 'run' });
      const retries: { attempt: number; delayMs: number; error: unknown }[] = [];
      scheduler.on('job:retry', (r) => {
        retries.push(r);
        manual.release();
      });
      const outcome = await scheduler.request('refresh');
      await scheduler.stop('test');

      expect(outcome).toMatchObject({ status: 'succeeded', attempts: 2 });
      expect(retries).toHaveLength(1);
      expect(retries[0]!.delayMs).toBeGreaterThanOrEqual(2); // 5 ms base, jitter 0.5: 2.5–5 ms
      expect(retries[0]!.delayMs).toBeLessThanOrEqual(5);
      expect(String((retries[0]!.error as Error).message)).toMatch(/in use by run manual-20260330 .*\(run, pid \d+\)/);
      expect((await readRuns(config.paths.db)).map((r) => [r.job, r.status])).toEqual([['refresh', 'succeeded']]);
    });
  });

  it('gives up after the configured retries and leaves the previous marts and data in place', { timeout: 30_000 }, async () => {
    await withTempDir(async (dir) => {
      const inbox = path.join(dir, 'inbox');
      writeTinyInbox(inbox);
      const config = makeConfig(dir, { schedule: { retries: 2 } });
      let publishers = () => [fakeReportPublisher()];
      const { logger, lines } = captureLogger();
      const scheduler = createScheduler({ config, logger, driver: new ManualCronDriver(), publishers: () => publishers(), progress: false });
      await scheduler.start();
      expect(await scheduler.request('refresh')).toMatchObject({ status: 'succeeded' });
      const martsBefore = hashFolder(path.join(config.paths.out, 'marts'));
      const reportBefore = hashFolder(path.join(config.paths.out, 'report'));
      const dataBefore = await snapshotData(config.paths.db);

      // New data arrives, but every attempt fails at the publish step with a transient error.
      fs.writeFileSync(
        path.join(inbox, 'complaints-2.csv'),
        'complaint_id,order_id,channel,opened_at,status,text\nK99,O1,app,2026-03-05T09:00:00+08:00,open,still broken\n',
      );
      const flaky = flakyPublisher(99);
      publishers = () => [fakeReportPublisher(), flaky];
      const outcome = await scheduler.request('refresh');
      await scheduler.stop('test');

      expect(outcome).toMatchObject({ status: 'failed', attempts: 3 });
      expect(flaky.calls).toBe(3);
      expect(hashFolder(path.join(config.paths.out, 'marts'))).toEqual(martsBefore);
      expect(hashFolder(path.join(config.paths.out, 'report'))).toEqual(reportBefore);
      expect(await snapshotData(config.paths.db)).toEqual(dataBefore);
      expect(fs.readdirSync(config.paths.out).filter((f) => f.includes('staging'))).toEqual([]);
      const runs = await readRuns(config.paths.db);
      expect(runs.map((r) => r.status)).toEqual(['succeeded', 'failed', 'failed', 'failed']);
      expect(runs[3]).toMatchObject({ error_code: 'SourceError', error_message: 'report store timed out (call 3)' });
      expect(lines.filter((l) => l.msg === 'refresh attempt failed with a transient error; retrying').map((l) => l.attempt)).toEqual([1, 2]);
      expect(lines.find((l) => l.msg === 'refresh failed; the previous marts, site and report stay in place')).toMatchObject({
        code: 'SourceError',
        attempts: 3,
      });
    });
  });

  it('catches up a weekly review missed during a Monday outage exactly once, from the run log', { timeout: 40_000 }, async () => {
    await withTempDir(async (dir) => {
      writeTinyInbox(path.join(dir, 'inbox'));
      const config = makeConfig(dir, { schedule: { catchUp: true, jobs: [{ name: 'weekly-review', cron: '0 8 * * 1', task: 'weekly_review' }] } });
      const clock = fixedClock('2026-03-23T09:00:00+08:00'); // Monday, an hour after the review was due
      const start = async () => {
        const scheduler = createScheduler({
          config,
          logger: createSilentLogger(),
          clock,
          driver: new ManualCronDriver(),
          publishers: () => [fakeReportPublisher()],
          progress: false,
        });
        const catchUp = nextEvent(scheduler, 'catch-up');
        const outcomes = collectOutcomes(scheduler);
        await scheduler.start();
        const { due } = await catchUp;
        await scheduler.idle();
        await scheduler.stop('test');
        return { due: due.map((d) => [d.job.name, d.dueAt.toISOString()]), outcomes: outcomes.map((o) => [o.job, o.reason, o.status]) };
      };

      // First start on a new database: this Monday's review is due.
      expect(await start()).toEqual({ due: [['weekly-review', '2026-03-23T00:00:00.000Z']], outcomes: [['weekly-review', 'catch-up', 'succeeded']] });
      // The machine is down from before Monday 2026-03-30 08:00 until Tuesday 10:00: that review is produced once.
      clock.set('2026-03-31T10:00:00+08:00');
      expect(await start()).toEqual({ due: [['weekly-review', '2026-03-30T00:00:00.000Z']], outcomes: [['weekly-review', 'catch-up', 'succeeded']] });
      // Restarted again the same morning: nothing is due any more.
      expect(await start()).toEqual({ due: [], outcomes: [] });

      const reviews = (await readRuns(config.paths.db)).filter((r) => r.job === 'weekly-review');
      expect(reviews.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
      expect(fs.readdirSync(path.join(config.paths.out, 'report')).sort()).toEqual([
        'weekly-review-2026-03-23-pareto.png',
        'weekly-review-2026-03-23.html',
        'weekly-review-2026-03-23.md',
      ]);
    });
  });

  it('lets one scheduler per database run: a second one refuses with a clear message', { timeout: 30_000 }, async () => {
    await withTempDir(async (dir) => {
      writeTinyInbox(path.join(dir, 'inbox'));
      const config = makeConfig(dir);
      const configFile = path.join(dir, 'config.json');
      fs.writeFileSync(configFile, JSON.stringify({ paths: config.paths, schedule: { jobs: config.schedule.jobs, catchUp: false } }));
      const first = createScheduler({ config, logger: createSilentLogger(), driver: new ManualCronDriver(), publishers: () => [], progress: false });
      await first.start();

      const second = runCli(['schedule', '--config', configFile], { timeoutMs: 60_000 });
      expect(second.status).not.toBe(0);
      expect(second.stderr.trim().split('\n').at(-1)).toMatch(
        new RegExp(
          `^rootloop: DatabaseLockedError: another rootloop scheduler already runs the jobs of ${config.paths.db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(pid ${process.pid} on .+, since .+\\); a database has one scheduler: stop that one first$`,
        ),
      );
      await expect(createScheduler({ config, logger: createSilentLogger(), driver: new ManualCronDriver() }).start()).rejects.toThrow(
        /another rootloop scheduler already runs the jobs/,
      );

      await first.stop('test');
      expect(fs.existsSync(schedulerLockFileOf(config.paths.db))).toBe(false);
      // Once the first has stopped, another may start.
      const third = createScheduler({ config, logger: createSilentLogger(), driver: new ManualCronDriver() });
      await third.start();
      await third.stop('test');
    });
  });

  it('holds a scheduled run for its start jitter; a tick meanwhile is skipped, a stop cancels it', async () => {
    await withTempDir(async (dir) => {
      const config = makeConfig(dir, { schedule: { jitterMs: 600_000 } });
      const driver = new ManualCronDriver();
      const slept: number[] = [];
      const base = fixedClock('2026-03-30T08:00:00+08:00', { random: () => 0.25 });
      const clock = { ...base, sleep: (ms: number, signal?: AbortSignal) => (slept.push(ms), base.sleep(ms, signal)) };
      const scheduler = createScheduler({ config, logger: createSilentLogger(), clock, driver, publishers: () => [], progress: false });
      const outcomes = collectOutcomes(scheduler);
      await scheduler.start();
      driver.fire('refresh');
      expect(scheduler.stateOf('refresh')).toBe('waiting');
      const skipped = nextEvent(scheduler, 'job:skipped');
      driver.fire('refresh');
      expect(await skipped).toEqual({ job: 'refresh', reason: 'schedule', state: 'waiting' });
      await scheduler.stop('SIGTERM');
      expect(slept).toEqual([150_000]); // 0.25 × 600 000 ms
      expect(outcomes).toEqual([]);
      expect(driver.scheduled).toEqual([]);
      expect(fs.existsSync(config.paths.db)).toBe(false); // nothing ran
    });
  });

  it('refuses an invalid cron expression at start, naming the job and the field', async () => {
    await withTempDir(async (dir) => {
      const config = makeConfig(dir);
      config.schedule.jobs[0]!.cron = '*/15 25 * * *';
      await expect(createScheduler({ config, logger: createSilentLogger(), driver: new ManualCronDriver() }).start()).rejects.toThrow(
        "schedule job 'refresh': cron '*/15 25 * * *' is not valid (hour: 25 is a invalid expression for hour); e.g. '*/15 * * * *' or '0 8 * * 1'",
      );
    });
  });
});
