/**
 * Atomic publication of an output folder: everything is written to a sibling temporary folder first,
 * then swapped in with renames, so a reader never sees half a folder and a failed run leaves the
 * previous one in place.
 */
import fs from 'node:fs';
import path from 'node:path';

/** A fresh staging folder next to `target` (same file system, so the final rename is atomic). */
export function createStagingFolder(target: string, runId: string): string {
  const staging = path.join(path.dirname(target), `.${path.basename(target)}.staging-${runId}`);
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  return staging;
}

/** Replaces `target` by `staging`. */
export function publishFolder(staging: string, target: string): void {
  const retired = `${staging}.retired`;
  if (fs.existsSync(target)) fs.renameSync(target, retired);
  fs.renameSync(staging, target);
  fs.rmSync(retired, { recursive: true, force: true });
}

export function discardFolder(staging: string): void {
  fs.rmSync(staging, { recursive: true, force: true });
}
