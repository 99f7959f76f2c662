/**
 * Edges of scheduling that the main tests leave open (found by a mutation audit): cron times across
 * both DST changes of a zone that has them, offsets of zones west of and at UTC, the catch-up read of
 * the run log (failed runs are not successes), the dry-run listing of a job that never fires, retries
 * during a shutdown, and node-cron firing in the configured zone rather than the machine's.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../pipelines/core/config.ts';
import { createSilentLogger } from '../../pipelines/core/logger.ts';
import { sourceError } from '../../pipelines/core/errors.ts';
import { Warehouse } from '../../pipelines/core/warehouse.ts';
import { describeNextRuns } from '../../pipelines/schedule.ts';
import { findDueJobs, readJobHistory } from '../../pipelines/scheduling/catch-up.ts';
import { fixedClock } from '../../pipelines/scheduling/clock.ts';
import { createScheduler } from '../../pipelines/scheduling/scheduler.ts';
import { createNodeCronDriver, findLatestCronRun, findNextCronRuns, type CronDriver } from '../../pipelines/scheduling/cron.ts';
import { schedulerLockFileOf } from '../../pipelines/scheduling/scheduler-lock.ts';
import { runWithRetries } from '../../pipelines/scheduling/retry.ts';
import { formatLocalTime, localPartsOf, offsetMinutesAt } from '../../pipelines/scheduling/zoned-time.ts';
import { withTempDir } from '../helpers/warehouse.ts';
import { ManualCronDriver, collectOutcomes, makeConfig, writeTinyInbox } from './scheduling-helpers.ts';

const BERLIN = 'Europe/Berlin';
const local = (dates: Date[], zone: string) => dates.map((d) => formatLocalTime(d, zone));

describe('cron times in a zone with DST (Europe/Berlin)', () => {
  it('skips a wall time that does not exist when clocks spring forward, keeping the same day’s other times', () => {
    // 2026-03-29 02:00 CET jumps to 03:00 CEST: 02:30 does not exist that night, 05:30 does (+02:00).
    const from = new Date('2026-03-28T12:00:00Z'); // Saturday 13:00 CET, both of the day's times past
    expect(local(findNextCronRuns('30 2,5 * * *', BERLIN, from, 3), BERLIN)).toEqual([
      '2026-03-29 05:30:00 +02:00',
      '2026-03-30 02:30:00 +02:00',
      '2026-03-30 05:30:00 +02:00',
    ]);
    // Catch-up after that night looks back to the 05:30 run, not to Saturday's.
    expect(findLatestCronRun('30 2,5 * * *', BERLIN, new Date('2026-03-29T06:00:00+02:00'))?.toISOString()).toBe('2026-03-29T03:30:00.000Z');
  });

  it('runs a wall time shown twice when clocks fall back once, at its first showing', () => {
    // 2026-10-25 03:00 CEST falls back to 02:00 CET: 02:30 is shown at 00:30Z (+02:00) and again at 01:30Z (+01:00).
    const from = new Date('2026-10-24T12:00:00Z');
    expect(local(findNextCronRuns('30 2 * * *', BERLIN, from, 2), BERLIN)).toEqual(['2026-10-25 02:30:00 +02:00', '2026-10-26 02:30:00 +01:00']);
    // Monday's 08:00 review in summer time is 06:00Z, in winter time 07:00Z.
    expect(findLatestCronRun('0 8 * * 1', BERLIN, new Date('2026-03-31T10:00:00+02:00'))?.toISOString()).toBe('2026-03-30T06:00:00.000Z');
    expect(findLatestCronRun('0 8 * * 1', BERLIN, new Date('2026-10-27T10:00:00+01:00'))?.toISOString()).toBe('2026-10-26T07:00:00.000Z');
  });

  it('looks back the whole lookback, its last day included', () => {
    // Monday 07:59 in Shanghai: the previous review, Monday 2026-03-23 08:00, is 6 days 23 h 59 min back.
    const at = new Date('2026-03-30T07:59:00+08:00');
    expect(findLatestCronRun('0 8 * * 1', 'Asia/Shanghai', at, 7)?.toISOString()).toBe('2026-03-23T00:00:00.000Z');
    expect(findLatestCronRun('0 8 * * 1', 'Asia/Shanghai', at, 6)).toBeUndefined();
  });

  it('prints offsets west of UTC, at UTC and of half-hour zones', () => {
    const noonUtc = new Date('2026-03-30T12:00:00Z');
    expect(formatLocalTime(noonUtc, 'UTC')).toBe('2026-03-30 12:00:00 +00:00');
    expect(formatLocalTime(noonUtc, 'America/New_York')).toBe('2026-03-30 08:00:00 -04:00'); // EDT since 2026-03-08
    expect(formatLocalTime(noonUtc, 'Asia/Kolkata')).toBe('2026-03-30 17:30:00 +05:30');
    expect(formatLocalTime(noonUtc, 'America/St_Johns')).toBe('2026-03-30 09:30:00 -02:30'); // NDT
  });
});

describe('schedule --dry-run', () => {
  it('lists a DST zone’s runs, a job that never fires, catch-up off and the email recipients', () => {
    const config = parseConfig({
      timezone: BERLIN,
      paths: { db: '/srv/rootloop/w.duckdb' },
      schedule: {
        jobs: [
          { name: 'nightly', cron: '30 2 * * *', task: 'refresh' },
          // 29 February on a Monday (node-cron requires both): next in 2044, beyond the 8-year search.
          { name: 'leap', cron: '0 0 29 2 1', task: 'dashboards' },
        ],
        retries: 1,
        catchUp: false,
      },
      alerts: {
        webhooks: [{ url: 'https://hooks.example/T0/B0/secret', format: 'slack' }],
        email: { host: 'smtp.example', from: 'rootloop@example.com', to: ['quality@example.com', 'ops@example.com'] },
      },
    });
    // Columns: job width max(3, 7) = 7, task max(4, 10) = 10, cron max(4, 10) = 10.
    expect(describeNextRuns(config, new Date('2026-10-24T12:00:00Z'), 2)).toBe(
      [
        'database /srv/rootloop/w.duckdb; times in Europe/Berlin; now 2026-10-24 14:00:00 +02:00',
        'job      task        cron        next runs',
        'nightly  refresh     30 2 * * *  2026-10-25 02:30:00 +02:00, 2026-10-26 02:30:00 +01:00',
        'leap     dashboards  0 0 29 2 1  (never)',
        '',
        'retries: 1 (backoff from 2000 ms, doubling, jitter 0.5); catch-up at start: off',
        'alerts: 1 webhook(s); weekly review emailed to quality@example.com, ops@example.com',
        '',
      ].join('\n'),
    );
  });
});

describe('catch-up from the run log', () => {
  it('counts only successful runs, by as_of, else started_at', async () => {
    await withTempDir(async (dir) => {
      const db = path.join(dir, 'w.duckdb');
      const w = await Warehouse.open(db, { timezone: 'Asia/Shanghai' });
      await w.run(`
        insert into runs (run_id, job, status, started_at, as_of) values
          ('R1', 'refresh', 'succeeded', timestamptz '2026-12-01 10:00:01+08', timestamptz '2026-03-30 10:00:00+08'),
          ('R2', 'refresh', 'failed', timestamptz '2026-12-01 10:15:01+08', timestamptz '2026-03-31 10:00:00+08'),
          ('R3', 'weekly-review', 'failed', timestamptz '2026-12-01 08:00:01+08', timestamptz '2026-03-30 08:00:00+08'),
          ('R4', 'weekly-review', 'interrupted', timestamptz '2026-12-01 08:05:01+08', timestamptz '2026-03-30 08:05:00+08'),
          ('R5', 'dashboards', 'succeeded', timestamptz '2026-03-31 09:00:00+08', null)`);
      await w.close();
      const config = parseConfig({
        schedule: {
          jobs: [
            { name: 'refresh', cron: '*/15 * * * *', task: 'refresh' },
            { name: 'weekly-review', cron: '0 8 * * 1', task: 'weekly_review' },
            { name: 'dashboards', cron: '0 9 * * *', task: 'dashboards' },
          ],
        },
      });
      const history = await readJobHistory(db, config);
      expect(Object.fromEntries([...history].map(([job, h]) => [job, h.lastSuccess?.toISOString() ?? null]))).toEqual({
        refresh: '2026-03-30T02:00:00.000Z', // R1's as_of; R2 failed
        'weekly-review': null, // failed and interrupted only
        dashboards: '2026-03-31T01:00:00.000Z', // no as_of: its started_at
      });
      // Tuesday 10:05: refresh due since 10:00 (last success a day before), Monday's review never
      // succeeded; dashboards ran at 09:00, its latest time.
      expect(findDueJobs(config, history, new Date('2026-03-31T10:05:00+08:00')).map((d) => [d.job.name, d.dueAt.toISOString()])).toEqual([
        ['refresh', '2026-03-31T02:00:00.000Z'],
        ['weekly-review', '2026-03-30T00:00:00.000Z'],
      ]);
    });
  });
});

describe('start jitter', () => {
  it('delays scheduled runs only: a catch-up run starts at once', { timeout: 30_000 }, async () => {
    await withTempDir(async (dir) => {
      writeTinyInbox(path.join(dir, 'inbox'));
      // A new database: the refresh has never succeeded, so catch-up runs it at start.
      const config = makeConfig(dir, { schedule: { catchUp: true, jitterMs: 600_000, jobs: [{ name: 'refresh', cron: '0 0 1 1 *', task: 'refresh' }] } });
      const slept: number[] = [];
      const clock = { ...fixedClock('2026-03-30T08:00:00+08:00', { random: () => 0.25 }), sleep: async (ms: number) => void slept.push(ms) };
      const scheduler = createScheduler({ config, logger: createSilentLogger(), clock, driver: new ManualCronDriver(), publishers: () => [], progress: false });
      const outcomes = collectOutcomes(scheduler);
      await scheduler.start();
      await scheduler.idle();
      await scheduler.stop('test');
      expect(outcomes.map((o) => [o.job, o.reason, o.status])).toEqual([['refresh', 'catch-up', 'succeeded']]);
      expect(slept).toEqual([]); // a scheduled tick would have waited 0.25 × 600 000 = 150 000 ms
    });
  });
});

describe('scheduler runs', () => {
  it('pull the configured sources for a refresh, never for a dashboards job', { timeout: 30_000 }, async () => {
    await withTempDir(async (dir) => {
      writeTinyInbox(path.join(dir, 'inbox'));
      const config = makeConfig(dir, {
        schedule: {
          jobs: [
            { name: 'refresh', cron: '*/15 * * * *', task: 'refresh' },
            { name: 'dashboards', cron: '0 * * * *', task: 'dashboards' },
          ],
        },
      });
      let pulls = 0;
      const sources = async () => (pulls++, []);
      const scheduler = createScheduler({
        config,
        logger: createSilentLogger(),
        driver: new ManualCronDriver(),
        publishers: () => [],
        sources,
        progress: false,
      });
      await scheduler.start();
      expect(await scheduler.request('refresh')).toMatchObject({ status: 'succeeded' });
      expect(await scheduler.request('dashboards')).toMatchObject({ status: 'succeeded' });
      await scheduler.stop('test');
      expect(pulls).toBe(1);
    });
  });

  it('release the scheduler lock when the ticks cannot be set up', async () => {
    await withTempDir(async (dir) => {
      const config = makeConfig(dir);
      const stopped: string[] = [];
      const driver: CronDriver = {
        schedule(job) {
          if (job.name === 'weekly-review') throw new Error('no timer for weekly-review');
          return { stop: () => void stopped.push(job.name) };
        },
      };
      await expect(createScheduler({ config, logger: createSilentLogger(), driver }).start()).rejects.toThrow('no timer for weekly-review');
      expect(stopped).toEqual(['refresh']);
      expect(fs.existsSync(schedulerLockFileOf(config.paths.db))).toBe(false);
    });
  });
});

describe('retries during a shutdown', () => {
  it('gives up at once with the attempt’s own error, announcing no retry', async () => {
    const controller = new AbortController();
    const retried: number[] = [];
    let calls = 0;
    const pending = runWithRetries(
      async () => {
        calls++;
        controller.abort('SIGTERM'); // the stop arrives while the attempt runs
        throw sourceError('helpdesk timed out', true);
      },
      { retries: 3, baseMs: 5, maxMs: 20, jitter: 0 },
      { clock: fixedClock('2026-03-30T00:00:00Z'), signal: controller.signal, onRetry: ({ attempt }) => retried.push(attempt) },
    );
    await expect(pending).rejects.toMatchObject({ code: 'SourceError', message: 'helpdesk timed out' });
    expect([calls, retried]).toEqual([1, []]);
  });
});

describe('node-cron driver', () => {
  it('fires in the configured zone, not the machine’s', { timeout: 10_000 }, async () => {
    // A zone at least two hours away from the machine's, and an expression firing every second but only
    // in this hour and the next of that zone: in the machine's zone it would not fire for hours.
    const now = new Date();
    const machineOffset = -now.getTimezoneOffset();
    const zone = Math.abs(offsetMinutesAt(now, 'Asia/Shanghai') - machineOffset) >= 120 ? 'Asia/Shanghai' : 'America/New_York';
    const hour = localPartsOf(now, zone).hour;
    const hours = [hour, (hour + 1) % 24];
    const driver = createNodeCronDriver(createSilentLogger());
    const ticks: Date[] = [];
    let task: { stop(): void } | undefined;
    const firstTick = new Promise<void>((resolve) => {
      task = driver.schedule({ name: 'zone-check', cron: `* * ${hours.join(',')} * * *`, timeZone: zone }, (at) => {
        ticks.push(at);
        resolve();
      });
    });
    await Promise.race([firstTick, new Promise((resolve) => setTimeout(resolve, 3000))]);
    task?.stop();
    expect(ticks.length).toBeGreaterThan(0);
    expect(hours).toContain(localPartsOf(ticks[0]!, zone).hour);
  });
});
