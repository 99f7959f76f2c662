/**
 * One scheduler per warehouse: a sidecar `FILE.scheduler.lock` held for the scheduler's whole life
 * (the writer lock `FILE.lock` is only held while a run writes). A second `rootloop schedule` on the
 * same database refuses with a message naming the first; a lock left by a process that is gone
 * (kill -9, power loss) is taken over. A pid reused by an unrelated process after a reboot is told
 * apart by the process start time where /proc has it.
 */
import fs from 'node:fs';
import os from 'node:os';
import { databaseLockedError } from '../core/errors.ts';
import { isProcessAlive } from '../core/lock.ts';

export interface SchedulerLockHolder {
  pid: number;
  host: string;
  startedAt: string;
  /** Kernel start time of the process (Linux), to tell a reused pid from the holder. */
  processStart?: string;
}

export interface SchedulerLock {
  holder: SchedulerLockHolder;
  /** The holder of a stale lock that was taken over. */
  recoveredFrom: SchedulerLockHolder | undefined;
  release(): void;
}

export function schedulerLockFileOf(databaseFile: string): string {
  return `${databaseFile}.scheduler.lock`;
}

function readProcessStart(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime), counted after the parenthesised command name, which may hold spaces.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

export function readSchedulerLock(databaseFile: string): SchedulerLockHolder | undefined {
  try {
    return JSON.parse(fs.readFileSync(schedulerLockFileOf(databaseFile), 'utf8')) as SchedulerLockHolder;
  } catch {
    return undefined;
  }
}

/** Whether the process that wrote the lock still runs (on this host). */
export function isSchedulerLockLive(holder: SchedulerLockHolder): boolean {
  if (holder.host !== os.hostname()) return true; // cannot tell for another host: assume it runs
  if (!isProcessAlive(holder.pid)) return false;
  const start = readProcessStart(holder.pid);
  return holder.processStart === undefined || start === undefined || start === holder.processStart;
}

export function describeSchedulerHolder(databaseFile: string, holder: SchedulerLockHolder): string {
  return `another rootloop scheduler already runs the jobs of ${databaseFile} (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt}); a database has one scheduler: stop that one first`;
}

/**
 * Takes the scheduler lock or throws `DatabaseLockedError` naming the running scheduler.
 * A stale lock is moved aside atomically (rename), so two schedulers recovering at once cannot both win.
 */
export function acquireSchedulerLock(databaseFile: string, now = new Date()): SchedulerLock {
  const file = schedulerLockFileOf(databaseFile);
  const holder: SchedulerLockHolder = {
    pid: process.pid,
    host: os.hostname(),
    startedAt: now.toISOString(),
    ...(readProcessStart(process.pid) ? { processStart: readProcessStart(process.pid)! } : {}),
  };
  let recoveredFrom: SchedulerLockHolder | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(holder), { flag: 'wx' });
      let released = false;
      return {
        holder,
        recoveredFrom,
        release() {
          if (released) return;
          released = true;
          const current = readSchedulerLock(databaseFile);
          if (current && current.pid === holder.pid && current.startedAt === holder.startedAt) fs.rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const existing = readSchedulerLock(databaseFile);
      if (existing && (existing.pid === process.pid || isSchedulerLockLive(existing)))
        throw databaseLockedError(describeSchedulerHolder(databaseFile, existing));
      const aside = `${file}.stale-${process.pid}`;
      try {
        fs.renameSync(file, aside);
      } catch (renameError) {
        if ((renameError as NodeJS.ErrnoException).code === 'ENOENT') continue; // someone else moved it
        throw renameError;
      }
      // Moved aside: make sure it was the stale lock we judged, not one written meanwhile.
      const moved = (() => {
        try {
          return JSON.parse(fs.readFileSync(aside, 'utf8')) as SchedulerLockHolder;
        } catch {
          return undefined;
        }
      })();
      if (moved && isSchedulerLockLive(moved) && moved.pid !== existing?.pid) {
        fs.renameSync(aside, file);
        throw databaseLockedError(describeSchedulerHolder(databaseFile, moved));
      }
      fs.rmSync(aside, { force: true });
      recoveredFrom = existing;
    }
  }
  const current = readSchedulerLock(databaseFile);
  throw databaseLockedError(current ? describeSchedulerHolder(databaseFile, current) : `the scheduler lock of ${databaseFile} is contended; try again`);
}
