/**
 * Atomic publication of an output folder: everything is written to a sibling temporary folder first,
 * then swapped in with renames, so a reader never sees half a folder and a failed run leaves the
 * previous one in place.
 */
import fs from 'node:fs';
import path from 'node:path';

const stagingPrefixOf = (target: string) => `.${path.basename(target)}.staging-`;

/**
 * A fresh staging folder next to `target` (same file system, so the final rename is atomic). Staging
 * folders other runs left (killed before they could publish or clean up) are swept first: the caller
 * holds the writer lock, so no other run is writing them. If a kill fell between the two renames of a
 * publish, `target` is missing and the retired copy is the last published one: it is put back.
 */
export function createStagingFolder(target: string, runId: string): string {
  sweepStagingFolders(target);
  const staging = path.join(path.dirname(target), `${stagingPrefixOf(target)}${runId}`);
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  return staging;
}

function sweepStagingFolders(target: string): void {
  const parent = path.dirname(target);
  if (!fs.existsSync(parent)) return;
  const prefix = stagingPrefixOf(target);
  const leftovers = fs.readdirSync(parent).filter((name) => name.startsWith(prefix));
  const retired = leftovers.filter((name) => name.endsWith('.retired'));
  if (!fs.existsSync(target) && retired.length === 1) fs.renameSync(path.join(parent, retired[0]!), target);
  for (const name of leftovers) fs.rmSync(path.join(parent, name), { recursive: true, force: true });
}

/** Replaces `target` by `staging`; if the swap fails halfway, the previous `target` is put back. */
export function publishFolder(staging: string, target: string): void {
  const retired = `${staging}.retired`;
  const hadTarget = fs.existsSync(target);
  if (hadTarget) fs.renameSync(target, retired);
  try {
    fs.renameSync(staging, target);
  } catch (error) {
    if (hadTarget) fs.renameSync(retired, target);
    throw error;
  }
  try {
    fs.rmSync(retired, { recursive: true, force: true });
  } catch {
    // published all the same; the next run's sweep removes what is left of the old copy
  }
}

export function discardFolder(staging: string): void {
  fs.rmSync(staging, { recursive: true, force: true });
}
