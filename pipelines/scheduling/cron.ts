/**
 * Cron expressions, read by node-cron (the same parser that fires the ticks): validation with a
 * readable reason, the next fire times after any instant (for `schedule --dry-run`) and the latest
 * fire time at or before an instant (for catch-up), plus the driver that fires the ticks.
 *
 * node-cron's own `getNextRuns` only counts from the real "now" and has no "previous run", so the
 * walk is done here: candidate wall times come from node-cron's parsed second/minute/hour lists, and
 * node-cron's own matcher decides each candidate (day-of-month `L`, `W`, `#` and weekday rules
 * included), so both always agree.
 */
import cron from 'node-cron';
import { configError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { instantOfWallTime, localPartsOf, shiftLocalDate } from './zoned-time.ts';

/** Why an expression is not valid, or undefined when it is. */
export function findCronProblem(expression: string): string | undefined {
  const result = cron.validateDetailed(expression);
  if (result.valid) return undefined;
  return result.errors.map((e) => (e.field === 'expression' ? e.message : `${e.field}: ${e.message}`)).join('; ');
}

/** Throws a `ConfigError` naming the job when its expression is not valid. */
export function assertValidCron(jobName: string, expression: string): void {
  const problem = findCronProblem(expression);
  if (problem) throw configError(`schedule job '${jobName}': cron '${expression}' is not valid (${problem}); e.g. '*/15 * * * *' or '0 8 * * 1'`);
}

const SEARCH_DAYS = 366 * 8;

interface Walk {
  seconds: number[];
  minutes: number[];
  hours: number[];
  /** Every [hour, minute, second] the expression allows, ascending. */
  times: [number, number, number][];
  matches(instant: Date): boolean;
  done(): void;
}

function openWalk(expression: string, timeZone: string): Walk {
  const fields = cron.parse(expression);
  const task = cron.createTask(expression, () => undefined, { timezone: timeZone, name: `rootloop-matcher-${expression}` });
  const asc = (values: readonly number[]) => [...values].sort((a, b) => a - b);
  const [hours, minutes, seconds] = [asc(fields.hour), asc(fields.minute), asc(fields.second)];
  const times: [number, number, number][] = [];
  for (const hour of hours) for (const minute of minutes) for (const second of seconds) times.push([hour, minute, second]);
  return {
    seconds,
    minutes,
    hours,
    times,
    matches: (instant) => task.match(instant),
    done: () => void task.destroy(),
  };
}

/** The first `count` fire times strictly after `from`. */
export function findNextCronRuns(expression: string, timeZone: string, from: Date, count: number): Date[] {
  const walk = openWalk(expression, timeZone);
  try {
    const runs: Date[] = [];
    let after = from;
    while (runs.length < count) {
      const next = findFireTime(walk, timeZone, after, 'forward', SEARCH_DAYS);
      if (!next) break;
      runs.push(next);
      after = next;
    }
    return runs;
  } finally {
    walk.done();
  }
}

/** The latest fire time at or before `at`, looking back at most `lookbackDays`; undefined if none. */
export function findLatestCronRun(expression: string, timeZone: string, at: Date, lookbackDays = 400): Date | undefined {
  const walk = openWalk(expression, timeZone);
  try {
    return findFireTime(walk, timeZone, at, 'backward', lookbackDays);
  } finally {
    walk.done();
  }
}

/**
 * Walks local days from the one holding `from`: forward for the first fire time > from, backward for
 * the last one <= from. A day is skipped when the expression does not fire at its first candidate
 * time (the day fields do not depend on the time of day), unless DST made that wall time not exist.
 */
function findFireTime(walk: Walk, timeZone: string, from: Date, direction: 'forward' | 'backward', days: number): Date | undefined {
  const start = localPartsOf(from, timeZone);
  const bound = start.hour * 3600 + start.minute * 60 + start.second;
  const step = direction === 'forward' ? 1 : -1;
  const { times } = walk;
  for (let i = 0; i <= days; i++) {
    const day = shiftLocalDate(start.year, start.month, start.day, i * step);
    if (!dayMayFire(walk, timeZone, day)) continue;
    for (let k = 0; k < times.length; k++) {
      const [hour, minute, second] = times[direction === 'forward' ? k : times.length - 1 - k]!;
      const secondOfDay = hour * 3600 + minute * 60 + second;
      if (i === 0 && (direction === 'forward' ? secondOfDay <= bound : secondOfDay > bound)) continue;
      const candidate = instantOfWallTime(day.year, day.month, day.day, hour, minute, second, timeZone);
      const inRange = direction === 'forward' ? candidate.getTime() > from.getTime() : candidate.getTime() <= from.getTime();
      if (inRange && walk.matches(candidate)) return candidate;
    }
  }
  return undefined;
}

function dayMayFire(walk: Walk, timeZone: string, day: { year: number; month: number; day: number }): boolean {
  const [hour, minute, second] = [walk.hours[0]!, walk.minutes[0]!, walk.seconds[0]!];
  const first = instantOfWallTime(day.year, day.month, day.day, hour, minute, second, timeZone);
  if (walk.matches(first)) return true;
  const shown = localPartsOf(first, timeZone);
  return !(shown.day === day.day && shown.hour === hour && shown.minute === minute && shown.second === second);
}

/** Fires `onTick` at each fire time of an expression; `stop` ends it. */
export interface CronDriver {
  schedule(job: { name: string; cron: string; timeZone: string }, onTick: (scheduledFor: Date) => void): { stop(): void };
}

/** node-cron tasks; its own warnings (missed ticks after a blocked event loop) go to our logger. */
export function createNodeCronDriver(logger: Logger): CronDriver {
  const cronLogger = {
    info: (message: string) => logger.debug({ source: 'node-cron' }, message),
    warn: (message: string) => logger.warn({ source: 'node-cron' }, message),
    error: (message: string | Error) => logger.error({ source: 'node-cron', err: message }, typeof message === 'string' ? message : message.message),
    debug: (message: string | Error) => logger.debug({ source: 'node-cron' }, String(message)),
  };
  return {
    schedule(job, onTick) {
      const task = cron.schedule(job.cron, (context) => onTick(context.date), { name: `rootloop-${job.name}`, timezone: job.timeZone, logger: cronLogger });
      return { stop: () => void task.destroy() };
    },
  };
}
