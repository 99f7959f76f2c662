/**
 * Week arithmetic for the pages and the review. Weeks are local ISO weeks named by their Monday,
 * `YYYY-MM-DD` (CONTRACT §3); names sort like the weeks themselves.
 */
import type { Warehouse } from '../../pipelines/core/warehouse.ts';

/**
 * The latest complete local week before `asOf`: the week before the one `asOf` falls in (a week that
 * ends exactly at `asOf`, Monday 00:00, is complete).
 */
export async function queryLatestCompleteWeek(warehouse: Warehouse, asOf: Date): Promise<string> {
  const row = await warehouse.one<{ week: string }>(`select strftime(local_week($1::timestamptz) - 7, '%Y-%m-%d') as week`, [asOf]);
  return row!.week;
}

/** The week `count` weeks after `week` (negative: before). */
export function shiftWeek(week: string, count: number): string {
  const [year, month, day] = week.split('-').map(Number);
  return new Date(Date.UTC(year!, month! - 1, day! + 7 * count)).toISOString().slice(0, 10);
}

/** The week (its Monday) of a local date `YYYY-MM-DD`. */
export function weekOfLocalDate(date: string): string {
  const [year, month, day] = date.split('-').map(Number);
  const utc = new Date(Date.UTC(year!, month! - 1, day!));
  const sinceMonday = (utc.getUTCDay() + 6) % 7;
  return new Date(utc.getTime() - sinceMonday * 86_400_000).toISOString().slice(0, 10);
}

/** The Sunday that ends `week`. */
export function lastDayOfWeek(week: string): string {
  const [year, month, day] = week.split('-').map(Number);
  return new Date(Date.UTC(year!, month! - 1, day! + 6)).toISOString().slice(0, 10);
}

/** Distinct weeks of several row sets, sorted, up to `lastWeek`. */
export function collectWeeks(rowSets: readonly (readonly { week: string }[])[], lastWeek: string): string[] {
  const weeks = new Set<string>();
  for (const rows of rowSets) for (const row of rows) if (row.week <= lastWeek) weeks.add(row.week);
  return [...weeks].sort();
}

/** An instant as local ISO 8601 with offset, e.g. 2026-03-30T00:00:00+08:00 (as the marts' CSVs show it). */
export async function queryLocalTimestamp(warehouse: Warehouse, instant: Date): Promise<string> {
  const row = await warehouse.one<{ text: string }>(`select iso_local($1::timestamptz) as text`, [instant]);
  return row!.text;
}
