/**
 * `rootloop schedule`: the config's jobs on their cron schedules until SIGINT/SIGTERM. The machinery
 * lives in pipelines/scheduling/ (scheduler, locks, retries, catch-up) and pipelines/alerts/ (webhooks,
 * weekly review email); this entry point wires it to the process and its signals.
 */
import path from 'node:path';
import type { Config } from './core/config.ts';
import type { Logger } from './core/logger.ts';
import { assertValidCron, findNextCronRuns } from './scheduling/cron.ts';
import { createScheduler, type SchedulerOptions } from './scheduling/scheduler.ts';
import { formatLocalTime } from './scheduling/zoned-time.ts';

/** What `schedule --dry-run` prints: each job and its next runs in the configured time zone. */
export function describeNextRuns(config: Config, now: Date, count = 3): string {
  const jobs = config.schedule.jobs;
  for (const job of jobs) assertValidCron(job.name, job.cron);
  const zone = config.timezone;
  const width = (values: string[], min: number) => Math.max(min, ...values.map((v) => v.length));
  const [wName, wTask, wCron] = [
    width(
      jobs.map((j) => j.name),
      3,
    ),
    width(
      jobs.map((j) => j.task),
      4,
    ),
    width(
      jobs.map((j) => j.cron),
      4,
    ),
  ];
  const lines = [
    `database ${path.resolve(config.paths.db)}; times in ${zone}; now ${formatLocalTime(now, zone)}`,
    `${'job'.padEnd(wName)}  ${'task'.padEnd(wTask)}  ${'cron'.padEnd(wCron)}  next runs`,
  ];
  for (const job of jobs) {
    const next = findNextCronRuns(job.cron, zone, now, count).map((d) => formatLocalTime(d, zone));
    lines.push(`${job.name.padEnd(wName)}  ${job.task.padEnd(wTask)}  ${job.cron.padEnd(wCron)}  ${next.join(', ') || '(never)'}`);
  }
  const retries = config.schedule.retries;
  lines.push(
    '',
    `retries: ${retries} (backoff from ${config.schedule.retryBaseMs} ms, doubling, jitter ${config.schedule.retryJitter}); catch-up at start: ${config.schedule.catchUp ? 'on' : 'off'}`,
    `alerts: ${config.alerts.webhooks.length} webhook(s)${config.alerts.email ? `; weekly review emailed to ${config.alerts.email.to.join(', ')}` : ''}`,
  );
  return lines.join('\n') + '\n';
}

/**
 * Runs the scheduler until SIGINT or SIGTERM, then stops it gracefully (the running step is
 * interrupted and rolls back, the locks are released) and resolves. A second signal exits at once.
 */
export async function startScheduler(options: { config: Config; logger: Logger } & Partial<SchedulerOptions>): Promise<void> {
  const scheduler = createScheduler(options);
  await scheduler.start();
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      if (scheduler.stopping) {
        options.logger.warn({ signal }, 'second signal: exiting without waiting for the run to roll back (DuckDB discards it at next open)');
        process.exit(signal === 'SIGINT' ? 130 : 143);
      }
      options.logger.info({ signal }, `${signal} received`);
      scheduler.stop(signal).then(resolve, (error: unknown) => {
        options.logger.error({ err: (error as Error).message }, 'the scheduler did not stop cleanly');
        resolve();
      });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
