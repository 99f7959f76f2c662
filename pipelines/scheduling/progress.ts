/**
 * A progress bar over the model builds of a run, for a person watching a terminal: shown only when
 * stderr is a terminal and CI is unset (never in services or CI logs), and only once the build has
 * lasted a second (short steps get no bar). Fed by the run's own log lines ("built model"), so the
 * pipeline needs no callback for it.
 */
import cliProgress from 'cli-progress';
import type { Logger } from '../core/logger.ts';

export function shouldShowProgress(stream: { isTTY?: boolean } = process.stderr, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(stream.isTTY) && !env.CI;
}

const SHOW_AFTER_MS = 1000;

export interface ModelProgress {
  /** The logger to hand the run: it forwards everything and counts the models. */
  logger: Logger;
  start(): void;
  stop(): void;
}

/** Wraps `logger` so that each "built model" line advances a bar of `total` models. */
export function createModelProgress(logger: Logger, options: { total: number; enabled: boolean; label?: string }): ModelProgress {
  let bar: cliProgress.SingleBar | undefined;
  let built = 0;
  let startedAt: number | undefined;
  const onModelBuilt = (model: string) => {
    built++;
    if (!options.enabled || startedAt === undefined) return;
    if (bar) return bar.update(built, { model });
    if (Date.now() - startedAt < SHOW_AFTER_MS) return;
    bar = new cliProgress.SingleBar(
      { format: `${options.label ?? 'models'} [{bar}] {value}/{total} {model}`, hideCursor: true, clearOnComplete: true, stream: process.stderr },
      cliProgress.Presets.shades_classic,
    );
    bar.start(options.total, built, { model });
  };
  return {
    logger: tapLogger(logger, (message, fields) => {
      if (message === 'built model') onModelBuilt(typeof fields?.model === 'string' ? fields.model : '');
    }),
    start() {
      startedAt = Date.now();
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}

type Tap = (message: string | undefined, fields: Record<string, unknown> | undefined) => void;

const LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal']);

/** A logger that behaves as `logger` and also tells `tap` each line (children included). */
function tapLogger(logger: Logger, tap: Tap): Logger {
  return new Proxy(logger, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (property === 'child' && typeof value === 'function') {
        return (...args: unknown[]) => tapLogger((value as (...a: unknown[]) => Logger).apply(target, args), tap);
      }
      if (typeof property === 'string' && LEVELS.has(property) && typeof value === 'function') {
        return (...args: unknown[]) => {
          const [first, second] = args;
          const fields = first !== null && typeof first === 'object' ? (first as Record<string, unknown>) : undefined;
          tap(typeof first === 'string' ? first : typeof second === 'string' ? second : undefined, fields);
          return (value as (...a: unknown[]) => void).apply(target, args);
        };
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
