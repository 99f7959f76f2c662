/**
 * Time for the demo world, in whole "local minutes": minutes since 1970-01-01T00:00 Asia/Shanghai wall
 * time. Shanghai has no DST, so local minutes = UTC minutes + 480 exactly, and day/week arithmetic is
 * plain integer division. Integers keep the generator fast and its output exact.
 */
export const MINUTES_PER_DAY = 1440;
export const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;
const SHANGHAI_OFFSET_MINUTES = 480;
const BUSINESS_OPEN_MINUTE = 9 * 60;
const BUSINESS_CLOSE_MINUTE = 18 * 60;

/** How a timestamp is written; the inbox mixes them on purpose (contract §2). */
export type Notation = 'offset' | 'offsetShort' | 'utc' | 'utcShort' | 'naive' | 'naiveShort';

/** Local minutes of a local wall-clock date and time. */
export function toLocalMinutes(isoDate: string, hour = 0, minute = 0): number {
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number];
  return Date.UTC(year, month - 1, day, hour, minute) / 60000;
}

/** Monday = 0 … Sunday = 6 (1970-01-01 was a Thursday). */
export function findDayOfWeek(localMinutes: number): number {
  return (Math.floor(localMinutes / MINUTES_PER_DAY) + 3) % 7;
}

export function findLocalDay(localMinutes: number): number {
  return Math.floor(localMinutes / MINUTES_PER_DAY);
}

/**
 * Adds minutes on the business clock (Mon–Fri 09:00–18:00, no holidays): time outside business hours
 * does not count, so a complaint opened Friday 17:30 and answered with 60 business minutes is answered
 * Monday 09:30. Mirrors the contract's default SLA clock so planted responses land where intended.
 */
export function addBusinessMinutes(start: number, minutes: number): number {
  let t = start;
  let left = minutes;
  for (;;) {
    const day = findLocalDay(t);
    const dayStart = day * MINUTES_PER_DAY;
    const dow = findDayOfWeek(t);
    if (dow >= 5) {
      t = (day + 7 - dow) * MINUTES_PER_DAY + BUSINESS_OPEN_MINUTE;
      continue;
    }
    if (t < dayStart + BUSINESS_OPEN_MINUTE) t = dayStart + BUSINESS_OPEN_MINUTE;
    const close = dayStart + BUSINESS_CLOSE_MINUTE;
    if (t >= close) {
      t = dayStart + MINUTES_PER_DAY + BUSINESS_OPEN_MINUTE;
      continue;
    }
    if (left <= close - t) return t + left;
    left -= close - t;
    t = dayStart + MINUTES_PER_DAY + BUSINESS_OPEN_MINUTE;
  }
}

/** ISO week name of a Monday, e.g. `2026-W31` (the ISO year is the year of that week's Thursday). */
export function formatIsoWeek(mondayIsoDate: string): string {
  const thursday = new Date(toLocalMinutes(mondayIsoDate) * 60000 + 3 * 86400000);
  const year = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86400000));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

const CACHED_DAYS = 2048;

/** Formats local minutes in a chosen notation; caches dates and clock times, the hot path of the generator. */
export class TimestampFormatter {
  private readonly dates: (string | undefined)[] = new Array<string | undefined>(CACHED_DAYS).fill(undefined);
  private readonly clock: string[] = [];
  private firstDay = -1;

  constructor() {
    for (let m = 0; m < MINUTES_PER_DAY; m++) {
      this.clock.push(`${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);
    }
  }

  /** `YYYY-MM-DD` of a day number (days since 1970-01-01). */
  formatDay(day: number): string {
    // A dense array from a base near the first day asked for (a sparse one would be a slow dictionary).
    if (this.firstDay < 0) this.firstDay = day - CACHED_DAYS / 2;
    const index = day - this.firstDay;
    if (index < 0 || index >= CACHED_DAYS) return new Date(day * 86400000).toISOString().slice(0, 10);
    let text = this.dates[index];
    if (text === undefined) {
      text = new Date(day * 86400000).toISOString().slice(0, 10);
      this.dates[index] = text;
    }
    return text;
  }

  format(localMinutes: number, notation: Notation): string {
    if (notation === 'utc' || notation === 'utcShort') {
      const utc = localMinutes - SHANGHAI_OFFSET_MINUTES;
      const day = Math.floor(utc / MINUTES_PER_DAY);
      const stamp = `${this.formatDay(day)}T${this.clock[utc - day * MINUTES_PER_DAY] as string}`;
      return notation === 'utc' ? `${stamp}:00Z` : `${stamp}Z`;
    }
    const day = Math.floor(localMinutes / MINUTES_PER_DAY);
    const stamp = `${this.formatDay(day)}T${this.clock[localMinutes - day * MINUTES_PER_DAY] as string}`;
    switch (notation) {
      case 'offset':
        return `${stamp}:00+08:00`;
      case 'offsetShort':
        return `${stamp}+08:00`;
      case 'naive':
        return `${stamp}:00`;
      default:
        return stamp;
    }
  }
}
