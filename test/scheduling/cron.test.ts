/**
 * Cron times in the configured zone (next runs for --dry-run, the latest due time for catch-up), the
 * catch-up rule, validation errors, backoff arithmetic and the scheduler lock. Pure and fast.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../pipelines/core/config.ts';
import { RootloopError, databaseLockedError, sourceError } from '../../pipelines/core/errors.ts';
import { describeNextRuns } from '../../pipelines/schedule.ts';
import { findDueJobs } from '../../pipelines/scheduling/catch-up.ts';
import { fixedClock } from '../../pipelines/scheduling/clock.ts';
import { findCronProblem, findLatestCronRun, findNextCronRuns } from '../../pipelines/scheduling/cron.ts';
import { computeBackoffMs, isRetryable, runWithRetries } from '../../pipelines/scheduling/retry.ts';
import { acquireSchedulerLock, schedulerLockFileOf } from '../../pipelines/scheduling/scheduler-lock.ts';
import { formatLocalTime, latestCompleteWeek } from '../../pipelines/scheduling/zoned-time.ts';
import { withTempDir } from '../helpers/warehouse.ts';

const SH = 'Asia/Shanghai';
const local = (dates: Date[], zone = SH) => dates.map((d) => formatLocalTime(d, zone));

describe('cron times', () => {
  it('lists the next runs in the configured zone', () => {
    const now = new Date('2026-03-29T23:50:30+08:00'); // Sunday night
    expect(local(findNextCronRuns('*/15 * * * *', SH, now, 3))).toEqual([
      '2026-03-30 00:00:00 +08:00',
      '2026-03-30 00:15:00 +08:00',
      '2026-03-30 00:30:00 +08:00',
    ]);
    expect(local(findNextCronRuns('0 8 * * 1', SH, now, 2))).toEqual(['2026-03-30 08:00:00 +08:00', '2026-04-06 08:00:00 +08:00']);
    expect(local(findNextCronRuns('*/20 * * * * *', SH, now, 2))).toEqual(['2026-03-29 23:50:40 +08:00', '2026-03-29 23:51:00 +08:00']);
    expect(local(findNextCronRuns('0 9 L * *', SH, now, 2))).toEqual(['2026-03-31 09:00:00 +08:00', '2026-04-30 09:00:00 +08:00']);
    // Across a DST change the wall time stays 08:00.
    expect(local(findNextCronRuns('0 8 * * *', 'Europe/Berlin', new Date('2026-03-28T12:00:00Z'), 2), 'Europe/Berlin')).toEqual([
      '2026-03-29 08:00:00 +02:00',
      '2026-03-30 08:00:00 +02:00',
    ]);
  });

  it('finds the latest scheduled time at or before an instant', () => {
    expect(findLatestCronRun('0 8 * * 1', SH, new Date('2026-03-31T10:00:00+08:00'))?.toISOString()).toBe('2026-03-30T00:00:00.000Z');
    expect(findLatestCronRun('0 8 * * 1', SH, new Date('2026-03-30T08:00:00+08:00'))?.toISOString()).toBe('2026-03-30T00:00:00.000Z');
    expect(findLatestCronRun('0 8 * * 1', SH, new Date('2026-03-30T07:59:59+08:00'))?.toISOString()).toBe('2026-03-23T00:00:00.000Z');
    expect(findLatestCronRun('*/15 * * * *', SH, new Date('2026-03-31T10:14:59+08:00'))?.toISOString()).toBe('2026-03-31T02:00:00.000Z');
    expect(findLatestCronRun('0 0 1 1 *', SH, new Date('2026-03-31T10:00:00+08:00'), 30)).toBeUndefined();
  });

  it('explains an invalid expression, at start and when the config is read', () => {
    expect(findCronProblem('*/15 * * * *')).toBeUndefined();
    expect(findCronProblem('61 * * * *')).toBe('minute: 61 is a invalid expression for minute');
    expect(findCronProblem('0 8 * *')).toBe('expected 5 or 6 fields but got 4');
    expect(() => parseConfig({ schedule: { jobs: [{ name: 'refresh', cron: '0 8 * * 9', task: 'refresh' }] } })).toThrow(
      "invalid config: schedule.jobs.0.cron = \"0 8 * * 9\": not a valid cron expression (dayOfWeek: 9 is a invalid expression for week day); e.g. '*/15 * * * *' or '0 8 * * 1'",
    );
    expect(() =>
      parseConfig({
        schedule: {
          jobs: [
            { name: 'a', cron: '* * * * *', task: 'refresh' },
            { name: 'a', cron: '* * * * *', task: 'dashboards' },
          ],
        },
      }),
    ).toThrow('schedule.jobs');
  });

  it('prints the next runs of each job for --dry-run', () => {
    const config = parseConfig({ paths: { db: '/srv/rootloop/w.duckdb' } });
    expect(describeNextRuns(config, new Date('2026-03-29T23:50:30+08:00'), 2)).toBe(
      [
        'database /srv/rootloop/w.duckdb; times in Asia/Shanghai; now 2026-03-29 23:50:30 +08:00',
        'job            task           cron          next runs',
        'refresh        refresh        */15 * * * *  2026-03-30 00:00:00 +08:00, 2026-03-30 00:15:00 +08:00',
        'weekly-review  weekly_review  0 8 * * 1     2026-03-30 08:00:00 +08:00, 2026-04-06 08:00:00 +08:00',
        '',
        'retries: 3 (backoff from 2000 ms, doubling, jitter 0.5); catch-up at start: on',
        'alerts: 0 webhook(s)',
        '',
      ].join('\n'),
    );
  });

  it('names the latest complete week', () => {
    expect(latestCompleteWeek(new Date('2026-03-30T00:00:00+08:00'), SH)).toBe('2026-03-23');
    expect(latestCompleteWeek(new Date('2026-03-29T23:59:59+08:00'), SH)).toBe('2026-03-16');
    expect(latestCompleteWeek(new Date('2026-03-31T10:00:00+08:00'), SH)).toBe('2026-03-23');
  });
});

describe('catch-up rule', () => {
  const config = parseConfig({});
  const at = (iso: string) => ({ lastSuccess: new Date(iso) });
  const dueNames = (history: Map<string, { lastSuccess: Date | undefined }>, now: string) => findDueJobs(config, history, new Date(now)).map((d) => d.job.name);

  it('runs once a job whose latest scheduled time has no successful run since', () => {
    // Down from Friday to Tuesday 10:05: one refresh and Monday's review.
    const history = new Map([
      ['refresh', at('2026-03-27T18:00:00+08:00')],
      ['weekly-review', at('2026-03-23T08:00:05+08:00')],
    ]);
    expect(dueNames(history, '2026-03-31T10:05:00+08:00')).toEqual(['refresh', 'weekly-review']);
    // Restarted at 10:20 after a refresh at 10:05 and the review: only the 10:15 refresh tick was missed.
    const later = new Map([
      ['refresh', at('2026-03-31T10:05:00+08:00')],
      ['weekly-review', at('2026-03-31T10:06:00+08:00')],
    ]);
    expect(dueNames(later, '2026-03-31T10:20:00+08:00')).toEqual(['refresh']);
    expect(dueNames(later, '2026-03-31T10:14:00+08:00')).toEqual([]);
    // A failed run is not a success: the review is still due.
    expect(dueNames(new Map([['refresh', at('2026-03-31T10:00:00+08:00')]]), '2026-03-31T10:05:00+08:00')).toEqual(['weekly-review']);
  });
});

describe('retries', () => {
  const policy = { retries: 3, baseMs: 2000, maxMs: 5000, jitter: 0.5 };

  it('doubles the delay up to the cap, with a jittered share', () => {
    // ceiling = min(5000, 2000 × 2^retry); delay = ceiling × (1 − 0.5 + 0.5 × random)
    expect([0, 1, 2, 3].map((r) => computeBackoffMs(r, policy, () => 0))).toEqual([1000, 2000, 2500, 2500]);
    expect([0, 1, 2, 3].map((r) => computeBackoffMs(r, policy, () => 0.999999))).toEqual([2000, 4000, 5000, 5000]);
    expect(computeBackoffMs(1, { ...policy, jitter: 0 }, () => 0.3)).toBe(4000);
  });

  it('retries transient errors only, a bounded number of times', async () => {
    expect(isRetryable(sourceError('timeout', true))).toBe(true);
    expect(isRetryable(databaseLockedError('busy'))).toBe(true);
    expect(isRetryable(sourceError('bad credentials', false))).toBe(false);
    expect(isRetryable(new Error('bug'))).toBe(false);

    const slept: number[] = [];
    const clock = { ...fixedClock('2026-03-30T00:00:00Z', { random: () => 0 }), sleep: async (ms: number) => void slept.push(ms) };
    let calls = 0;
    await expect(
      runWithRetries(
        async () => {
          calls++;
          throw sourceError('timeout', true);
        },
        policy,
        { clock },
      ),
    ).rejects.toThrow('timeout');
    expect([calls, slept]).toEqual([4, [1000, 2000, 2500]]);

    calls = 0;
    await expect(
      runWithRetries(
        async () => {
          calls++;
          throw new RootloopError('InputError', 'bad file');
        },
        policy,
        { clock },
      ),
    ).rejects.toThrow('bad file');
    expect(calls).toBe(1);

    calls = 0;
    expect(
      await runWithRetries(
        async (attempt) => {
          calls++;
          if (attempt < 2) throw databaseLockedError('busy');
          return 'done';
        },
        policy,
        { clock },
      ),
    ).toBe('done');
    expect(calls).toBe(3);
  });

  it('stops waiting at once when shut down', async () => {
    const controller = new AbortController();
    const clock = fixedClock('2026-03-30T00:00:00Z');
    const pending = runWithRetries(
      async () => {
        throw sourceError('timeout', true);
      },
      { ...policy, baseMs: 60_000, maxMs: 60_000 },
      { clock, signal: controller.signal },
    );
    setTimeout(() => controller.abort('SIGTERM'), 10);
    const started = Date.now();
    await expect(pending).rejects.toMatchObject({ code: 'InterruptedError' });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('scheduler lock', () => {
  it('refuses a second holder and takes over a lock whose process is gone', async () => {
    await withTempDir(async (dir) => {
      const db = path.join(dir, 'w.duckdb');
      const lock = acquireSchedulerLock(db);
      expect(() => acquireSchedulerLock(db)).toThrow(
        /^another rootloop scheduler already runs the jobs of .*w\.duckdb \(pid \d+ on .+, since .+\); a database has one scheduler: stop that one first$/,
      );
      lock.release();
      expect(fs.existsSync(schedulerLockFileOf(db))).toBe(false);

      // A lock written by a process that has exited (pid 2^22 + 1 is above Linux's pid_max default range).
      fs.writeFileSync(
        schedulerLockFileOf(db),
        JSON.stringify({ pid: 4_194_305, host: (await import('node:os')).hostname(), startedAt: '2026-03-30T00:00:00.000Z' }),
      );
      const recovered = acquireSchedulerLock(db);
      expect(recovered.recoveredFrom).toMatchObject({ pid: 4_194_305 });
      expect(JSON.parse(fs.readFileSync(schedulerLockFileOf(db), 'utf8'))).toMatchObject({ pid: process.pid });
      recovered.release();
    });
  });
});
