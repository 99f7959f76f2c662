import type { IngestedFileReport } from '../inbox/load.ts';

/**
 * What a pull returns when part of it failed: the batches it loaded, and the streams (tables) it could
 * not read, whose cursors stay where they were. A pull that loaded everything returns its reports
 * alone; one that could read nothing throws a SourceError.
 */
export interface PullOutcome {
  reports: IngestedFileReport[];
  failures: { stream: string; error: string }[];
}

export function isPullOutcome(result: IngestedFileReport[] | PullOutcome): result is PullOutcome {
  return !Array.isArray(result);
}

/** Either form of a pull's result as a PullOutcome (no failures when it returned its reports alone). */
export function asPullOutcome(result: IngestedFileReport[] | PullOutcome): PullOutcome {
  return isPullOutcome(result) ? result : { reports: result, failures: [] };
}
