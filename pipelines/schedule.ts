/**
 * `rootloop schedule`: the config's jobs on their cron schedules (issue 5 builds this out).
 */
import type { Config } from './core/config.ts';
import { configError } from './core/errors.ts';
import type { Logger } from './core/logger.ts';

export function describeNextRuns(config: Config, _now: Date): string {
  return config.schedule.jobs.map((job) => `${job.name}\t${job.cron}\t${job.task}`).join('\n') + '\n';
}

export async function startScheduler(_options: { config: Config; logger: Logger }): Promise<void> {
  throw configError('the scheduler is not available yet in this version; run `rootloop run` from cron or systemd instead');
}
