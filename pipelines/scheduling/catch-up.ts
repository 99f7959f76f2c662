/**
 * Catch-up from the run log. node-cron forgets ticks that fell while the scheduler was down, so at
 * start each job is compared with its own history: a job is due when its latest scheduled time (at
 * or before now) has no successful run of that job since. A due job runs once at start, however many
 * ticks were missed: a scheduler down from Friday to Tuesday produces Monday's weekly review once, and
 * one refresh, not a refresh per missed quarter hour.
 *
 * "Since" compares the run's as_of (the scheduler passes its clock's "now"), falling back to
 * started_at for runs without one.
 */
import fs from 'node:fs';
import type { Config } from '../core/config.ts';
import { Warehouse } from '../core/warehouse.ts';
import { findLatestCronRun } from './cron.ts';

export type JobConfig = Config['schedule']['jobs'][number];

export interface JobHistory {
  lastSuccess: Date | undefined;
}

/** Latest successful run per job name, read without taking the writer lock (read-only open). */
export async function readJobHistory(databaseFile: string, config: Config): Promise<Map<string, JobHistory>> {
  const history = new Map<string, JobHistory>();
  if (!fs.existsSync(databaseFile)) return history;
  const warehouse = await Warehouse.open(databaseFile, { timezone: config.timezone, readOnly: true, migrate: false });
  try {
    if (!(await warehouse.tableExists('runs'))) return history;
    const rows = await warehouse.all<{ job: string; last_success: Date | null }>(
      `select job, max(coalesce(as_of, started_at)) filter (where status = 'succeeded') as last_success from runs group by job`,
    );
    for (const row of rows) history.set(row.job, { lastSuccess: row.last_success ?? undefined });
    return history;
  } finally {
    await warehouse.close();
  }
}

export interface DueJob {
  job: JobConfig;
  /** The scheduled time that has no successful run since. */
  dueAt: Date;
  lastSuccess: Date | undefined;
}

/** The jobs to run once at start, in config order. */
export function findDueJobs(config: Config, history: ReadonlyMap<string, JobHistory>, now: Date): DueJob[] {
  const due: DueJob[] = [];
  for (const job of config.schedule.jobs) {
    const dueAt = findLatestCronRun(job.cron, config.timezone, now);
    if (!dueAt) continue;
    const lastSuccess = history.get(job.name)?.lastSuccess;
    if (!lastSuccess || lastSuccess.getTime() < dueAt.getTime()) due.push({ job, dueAt, lastSuccess });
  }
  return due;
}
