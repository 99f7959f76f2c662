/**
 * Wall-clock arithmetic in an IANA time zone with nothing but `Intl`: local parts of an instant, the
 * instant of a local wall time, the Monday that starts a week, and a readable local timestamp.
 */

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** ISO weekday, Monday = 1 … Sunday = 7. */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      weekday: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

export function localPartsOf(instant: Date, timeZone: string): LocalParts {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) parts[part.type] = part.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS[parts.weekday ?? ''] ?? 0,
  };
}

/** Minutes the zone is ahead of UTC at `instant`. */
export function offsetMinutesAt(instant: Date, timeZone: string): number {
  const p = localPartsOf(instant, timeZone);
  const wallAsUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return Math.round((wallAsUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/**
 * The instant at which the zone's clocks show this wall time. A time shown twice (DST ends) gives the
 * earlier instant; a time skipped (DST starts) is read with the offset before the jump, so it lands
 * as far after the jump as it was meant to be after its start.
 */
export function instantOfWallTime(year: number, month: number, day: number, hour: number, minute: number, second: number, timeZone: string): Date {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const before = wall - offsetMinutesAt(new Date(wall - 43_200_000), timeZone) * 60_000;
  const after = wall - offsetMinutesAt(new Date(wall + 43_200_000), timeZone) * 60_000;
  for (const candidate of [Math.min(before, after), Math.max(before, after)]) {
    const p = localPartsOf(new Date(candidate), timeZone);
    if (Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) === wall) return new Date(candidate);
  }
  return new Date(before);
}

/** `YYYY-MM-DD` of a local calendar date `days` after (or before) the given one. */
export function shiftLocalDate(year: number, month: number, day: number, days: number): { year: number; month: number; day: number } {
  const d = new Date(Date.UTC(year, month - 1, day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function isoDateOf(parts: { year: number; month: number; day: number }): string {
  return `${pad(parts.year, 4)}-${pad(parts.month)}-${pad(parts.day)}`;
}

/** Local time with its offset, e.g. `2026-03-30 08:00:00 +08:00`. */
export function formatLocalTime(instant: Date, timeZone: string): string {
  const p = localPartsOf(instant, timeZone);
  const offset = offsetMinutesAt(instant, timeZone);
  const sign = offset < 0 ? '-' : '+';
  return `${isoDateOf(p)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)} ${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
}

/** The Monday (`YYYY-MM-DD`) of the local ISO week holding `instant`. */
export function weekStartOf(instant: Date, timeZone: string): string {
  const p = localPartsOf(instant, timeZone);
  return isoDateOf(shiftLocalDate(p.year, p.month, p.day, 1 - p.weekday));
}

/**
 * The latest week that has fully ended at `asOf`: the week before the one holding `asOf` (on Monday
 * 00:00 exactly, the week that just ended).
 */
export function latestCompleteWeek(asOf: Date, timeZone: string): string {
  const monday = weekStartOf(asOf, timeZone);
  const [year, month, day] = monday.split('-').map(Number) as [number, number, number];
  return isoDateOf(shiftLocalDate(year, month, day, -7));
}
