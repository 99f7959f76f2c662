/**
 * Structured logs: JSON lines when stdout is not a terminal (services, CI, log shippers), readable
 * lines in a terminal. Level from ROOTLOOP_LOG_LEVEL (default info).
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(options: { quiet?: boolean } = {}): Logger {
  const level = options.quiet ? 'warn' : (process.env.ROOTLOOP_LOG_LEVEL ?? 'info');
  if (process.stderr.isTTY) {
    return pino({ level, transport: { target: 'pino-pretty', options: { destination: 2, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } });
  }
  return pino({ level }, pino.destination(2));
}

/** A logger that drops everything (library use, tests). */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
