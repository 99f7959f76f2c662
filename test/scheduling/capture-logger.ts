/**
 * A real pino logger whose JSON lines are kept in memory, so tests can assert what was logged.
 */
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

export interface CapturedLogger {
  logger: Logger;
  lines: Record<string, unknown>[];
  messages(): string[];
}

export function captureLogger(level = 'debug'): CapturedLogger {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      callback();
    },
  });
  return { logger: pino({ level }, stream), lines, messages: () => lines.map((l) => String(l.msg)) };
}
