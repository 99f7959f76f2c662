/**
 * Errors with a literal `code`, so the run log, the CLI and monitoring can tell expected failures
 * (bad config, a locked database, a source that is down) from bugs.
 */
export type ErrorCode = 'ConfigError' | 'SourceError' | 'DatabaseLockedError' | 'InvariantViolation' | 'InputError' | 'InterruptedError' | 'PublishError';

export class RootloopError extends Error {
  readonly code: ErrorCode;
  /** A source error that may succeed when retried (timeouts, 5xx, connection resets). */
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = code;
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

export const configError = (message: string) => new RootloopError('ConfigError', message);
export const inputError = (message: string) => new RootloopError('InputError', message);
export const databaseLockedError = (message: string) => new RootloopError('DatabaseLockedError', message);
export const invariantViolation = (message: string) => new RootloopError('InvariantViolation', message);
export const interruptedError = (message: string) => new RootloopError('InterruptedError', message);
/** The run landed in the database, but an output folder could not be published (the next run publishes again). */
export const publishError = (message: string) => new RootloopError('PublishError', message);
export const sourceError = (message: string, retryable: boolean, cause?: unknown) => new RootloopError('SourceError', message, { retryable, cause });

export function isRootloopError(error: unknown): error is RootloopError {
  return error instanceof RootloopError;
}

/** The code to record for any thrown value: ours, or `InternalError` for a bug. */
export function codeOf(error: unknown): string {
  return isRootloopError(error) ? error.code : 'InternalError';
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
