/**
 * Time as the scheduler sees it: "now", sleeping and chance, behind one interface so tests can fix the
 * date (a Tuesday after a Monday outage) and never wait for real backoff delays.
 */
import { interruptedError as interruptedWith, type RootloopError } from '../core/errors.ts';

export interface Clock {
  now(): Date;
  /** Resolves after `ms`, or rejects with `InterruptedError` as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Uniform in [0, 1): retry and start jitter. */
  random(): number;
}

export function interruptedError(reason: unknown = 'the scheduler is shutting down'): RootloopError {
  return interruptedWith(typeof reason === 'string' ? reason : 'the scheduler is shutting down');
}

/** Sleeps on a real timer that an abort cancels at once. */
export function sleepUnlessAborted(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(interruptedError(signal.reason));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(interruptedError(signal?.reason));
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: sleepUnlessAborted,
  random: Math.random,
};

/** A clock fixed at `at` (advanced by hand) whose sleeps are real but can be shortened by `sleepScale`. */
export function fixedClock(at: Date | string, options: { sleepScale?: number; random?: () => number } = {}): Clock & { set(at: Date | string): void } {
  let current = new Date(at);
  return {
    now: () => new Date(current),
    set(next) {
      current = new Date(next);
    },
    sleep: (ms, signal) => sleepUnlessAborted(ms * (options.sleepScale ?? 1), signal),
    random: options.random ?? Math.random,
  };
}
