/**
 * Lock files beside the warehouse. DuckDB itself refuses a second writing process, but with a bare
 * "could not set lock" message; a sidecar file names who holds the database, and lets a lock left by
 * a killed process be recovered. Two locks use this: the writer lock `FILE.lock` (held while a run
 * writes) and the scheduler lock `FILE.scheduler.lock` (held for a scheduler's whole life).
 *
 * A holder is judged gone when its pid no longer runs on this host, or runs but started at another
 * time (a pid reused after a reboot; Linux /proc start time). A stale lock is moved aside atomically
 * (rename), so two processes recovering at once cannot both win.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { prepareWarehousePath } from './warehouse-path.ts';
import { databaseLockedError } from './errors.ts';

export interface LockOwner {
  pid: number;
  startedAt: string;
  host?: string;
  /** Kernel start time of the process (Linux), to tell a reused pid from the holder. */
  processStart?: string;
}

export interface LockHolder extends LockOwner {
  runId: string;
  command: string;
}

export interface AcquiredLockFile<Holder extends LockOwner> {
  holder: Holder;
  /** The holder of a stale lock that was taken over, for the run log. */
  recoveredFrom: Holder | undefined;
  release(): void;
}

export type AcquiredLock = AcquiredLockFile<LockHolder>;

export function lockFileOf(databaseFile: string): string {
  return `${databaseFile}.lock`;
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readProcessStart(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime), counted after the parenthesised command name, which may hold spaces.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** Who we are, for a lock file. */
export function describeThisProcess(startedAt: Date | string): LockOwner {
  const processStart = readProcessStart(process.pid);
  return {
    pid: process.pid,
    host: os.hostname(),
    startedAt: typeof startedAt === 'string' ? startedAt : startedAt.toISOString(),
    ...(processStart ? { processStart } : {}),
  };
}

/** Whether the process that wrote a lock still runs (on this host; another host is assumed alive). */
export function isLockOwnerAlive(owner: LockOwner): boolean {
  if (owner.host !== undefined && owner.host !== os.hostname()) return true;
  if (!isProcessAlive(owner.pid)) return false;
  const start = readProcessStart(owner.pid);
  return owner.processStart === undefined || start === undefined || start === owner.processStart;
}

export function readLockFile<Holder extends LockOwner>(file: string): Holder | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Holder;
  } catch {
    return undefined;
  }
}

/** Takes a lock file or throws `DatabaseLockedError` with `describe(holder)`; recovers stale locks. */
export function acquireLockFile<Holder extends LockOwner>(
  file: string,
  holder: Holder,
  describe: (holder: Holder | undefined) => string,
): AcquiredLockFile<Holder> {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  let recoveredFrom: Holder | undefined;
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
          const current = readLockFile<Holder>(file);
          if (current && current.pid === holder.pid && current.startedAt === holder.startedAt) fs.rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const existing = readLockFile<Holder>(file);
      if (existing && (existing.pid === process.pid || isLockOwnerAlive(existing))) throw databaseLockedError(describe(existing));
      const aside = `${file}.stale-${process.pid}`;
      try {
        fs.renameSync(file, aside);
      } catch (renameError) {
        if ((renameError as NodeJS.ErrnoException).code === 'ENOENT') continue; // someone else moved it
        throw renameError;
      }
      // Moved aside: make sure it was the stale lock we judged, not one written meanwhile.
      const moved = readLockFile<Holder>(aside);
      if (moved && isLockOwnerAlive(moved) && moved.pid !== existing?.pid) {
        fs.renameSync(aside, file);
        throw databaseLockedError(describe(moved));
      }
      fs.rmSync(aside, { force: true });
      recoveredFrom = existing;
    }
  }
  throw databaseLockedError(describe(readLockFile<Holder>(file)));
}

export function readLockHolder(databaseFile: string): LockHolder | undefined {
  return readLockFile<LockHolder>(lockFileOf(databaseFile));
}

export function describeLockHolder(databaseFile: string, holder: LockHolder | undefined): string {
  if (!holder) return `database ${databaseFile} is in use by another process`;
  return `database ${databaseFile} is in use by run ${holder.runId} since ${holder.startedAt} (${holder.command}, pid ${holder.pid}); try again when it has finished`;
}

/** The writer lock of a warehouse file, held while a run writes. */
export function acquireWriterLock(databaseFile: string, run: { runId: string; startedAt: string; command: string }): AcquiredLock {
  // The lock lives beside the warehouse, so a path that cannot hold one is refused here, first.
  prepareWarehousePath(databaseFile);
  const holder: LockHolder = { ...describeThisProcess(run.startedAt), runId: run.runId, command: run.command };
  return acquireLockFile(lockFileOf(databaseFile), holder, (h) => describeLockHolder(databaseFile, h));
}
