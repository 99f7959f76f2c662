/**
 * Retries with exponential backoff and jitter, for transient failures only: a source that timed out
 * (`SourceError` marked retryable) or a database briefly held by another short run
 * (`DatabaseLockedError`). A bug or bad input is not retried: it would fail the same way again.
 */
import type { Config } from '../core/config.ts';
import { isRootloopError } from '../core/errors.ts';
import type { Clock } from './clock.ts';

export interface RetryPolicy {
  /** Further attempts after the first. */
  retries: number;
  baseMs: number;
  maxMs: number;
  /** Share of each delay drawn at random, in [0, 1]. */
  jitter: number;
}

export function retryPolicyOf(config: Config): RetryPolicy {
  const s = config.schedule;
  return { retries: s.retries, baseMs: s.retryBaseMs, maxMs: s.retryMaxMs, jitter: s.retryJitter };
}

export function isRetryable(error: unknown): boolean {
  return isRootloopError(error) && (error.retryable || error.code === 'DatabaseLockedError');
}

/**
 * Delay before retry number `retry` (0-based): base × 2^retry capped at maxMs, of which a `jitter`
 * share is random, e.g. base 2 s, jitter 0.5: 1–2 s, 2–4 s, 4–8 s, …
 */
export function computeBackoffMs(retry: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** retry);
  return Math.round(ceiling * (1 - policy.jitter + policy.jitter * random()));
}

export interface RetryHooks {
  clock: Clock;
  signal?: AbortSignal;
  isRetryable?: (error: unknown) => boolean;
  /** Called before each wait: the failed attempt (0-based), its error, and the delay. */
  onRetry?: (info: { attempt: number; error: unknown; delayMs: number }) => void;
}

/** Runs `work` until it succeeds, fails with a non-retryable error, or `policy.retries` retries are spent. */
export async function runWithRetries<T>(work: (attempt: number) => Promise<T>, policy: RetryPolicy, hooks: RetryHooks): Promise<T> {
  const retryable = hooks.isRetryable ?? isRetryable;
  for (let attempt = 0; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      if (hooks.signal?.aborted || attempt >= policy.retries || !retryable(error)) throw error;
      const delayMs = computeBackoffMs(attempt, policy, hooks.clock.random);
      hooks.onRetry?.({ attempt, error, delayMs });
      await hooks.clock.sleep(delayMs, hooks.signal);
    }
  }
}
