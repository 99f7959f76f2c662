/**
 * One scheduler per warehouse: a sidecar `FILE.scheduler.lock` held for the scheduler's whole life
 * (the writer lock `FILE.lock` is only held while a run writes). A second `rootloop schedule` on the
 * same database refuses with a message naming the first; a stale lock is taken over (core/lock.ts).
 */
import { acquireLockFile, describeThisProcess, readLockFile, type AcquiredLockFile, type LockOwner } from '../core/lock.ts';

export type SchedulerLockHolder = LockOwner;
export type SchedulerLock = AcquiredLockFile<SchedulerLockHolder>;

export function schedulerLockFileOf(databaseFile: string): string {
  return `${databaseFile}.scheduler.lock`;
}

export function readSchedulerLock(databaseFile: string): SchedulerLockHolder | undefined {
  return readLockFile<SchedulerLockHolder>(schedulerLockFileOf(databaseFile));
}

export function describeSchedulerHolder(databaseFile: string, holder: SchedulerLockHolder | undefined): string {
  if (!holder) return `the scheduler lock of ${databaseFile} is contended; try again`;
  return `another rootloop scheduler already runs the jobs of ${databaseFile} (pid ${holder.pid} on ${holder.host ?? 'this host'}, since ${holder.startedAt}); a database has one scheduler: stop that one first`;
}

/** Takes the scheduler lock or throws `DatabaseLockedError` naming the running scheduler. */
export function acquireSchedulerLock(databaseFile: string, now = new Date()): SchedulerLock {
  return acquireLockFile(schedulerLockFileOf(databaseFile), describeThisProcess(now), (h) => describeSchedulerHolder(databaseFile, h));
}
