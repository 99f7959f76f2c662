/**
 * The writer lock of a warehouse file: a sidecar `FILE.lock` holding who writes (run id, pid, since
 * when). DuckDB itself refuses a second writing process, but with a bare "could not set lock" message;
 * the sidecar lets the refusal name the run, and lets a lock left by a killed process be recovered.
 */
import fs from 'node:fs';
import path from 'node:path';
import { databaseLockedError } from './errors.ts';

export interface LockHolder {
  runId: string;
  pid: number;
  startedAt: string;
  command: string;
}

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

export function readLockHolder(databaseFile: string): LockHolder | undefined {
  try {
    return JSON.parse(fs.readFileSync(lockFileOf(databaseFile), 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

export function describeLockHolder(databaseFile: string, holder: LockHolder | undefined): string {
  if (!holder) return `database ${databaseFile} is in use by another process`;
  return `database ${databaseFile} is in use by run ${holder.runId} since ${holder.startedAt} (${holder.command}, pid ${holder.pid}); try again when it has finished`;
}

export interface AcquiredLock {
  holder: LockHolder;
  /** The holder of a lock found stale (its process dead) and taken over, for the run log. */
  recoveredFrom: LockHolder | undefined;
  release(): void;
}

/**
 * Takes the writer lock or throws `DatabaseLockedError` naming the holder. A lock whose process is
 * gone (killed with -9, power loss) is recovered.
 */
export function acquireWriterLock(databaseFile: string, holder: LockHolder): AcquiredLock {
  const file = lockFileOf(databaseFile);
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  let recoveredFrom: LockHolder | undefined;
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
          const current = readLockHolder(databaseFile);
          if (current && current.runId === holder.runId) fs.rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const existing = readLockHolder(databaseFile);
      if (existing && isProcessAlive(existing.pid) && existing.pid !== process.pid) throw databaseLockedError(describeLockHolder(databaseFile, existing));
      if (existing && existing.pid === process.pid) throw databaseLockedError(describeLockHolder(databaseFile, existing));
      // Stale: its process is gone. Remove and try again.
      recoveredFrom = existing;
      fs.rmSync(file, { force: true });
    }
  }
  throw databaseLockedError(describeLockHolder(databaseFile, readLockHolder(databaseFile)));
}
