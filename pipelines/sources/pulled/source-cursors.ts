/**
 * Incremental cursors of pulled sources (table `source_cursors`, one row per source and stream, e.g.
 * `postgres:orders`, `helpdesk:tickets`). A cursor is written only by `saveCursor`, inside the run's
 * transaction and after the rows it covers were loaded: it lands with them or not at all.
 */
import type { Warehouse } from '../../core/warehouse.ts';

export interface SourceCursor {
  source: string;
  cursorValue: string | null;
  updatedAt: Date | null;
  lastSuccessAt: Date | null;
  /** Where the cursor came from (migration 005); null for cursors saved before it was recorded. */
  origin: string | null;
}

export async function readCursor(warehouse: Warehouse, source: string): Promise<SourceCursor | undefined> {
  const row = await warehouse.one<{ cursor_value: string | null; updated_at: Date | null; last_success_at: Date | null; origin: string | null }>(
    `select cursor_value, updated_at, last_success_at, origin from source_cursors where source = $1 order by updated_at desc limit 1`,
    [source],
  );
  return row ? { source, cursorValue: row.cursor_value, updatedAt: row.updated_at, lastSuccessAt: row.last_success_at, origin: row.origin } : undefined;
}

/**
 * The stored cursor of a stream if it was issued by `origin`, else null (start from the beginning):
 * a cursor of another system, say staging's after the config moved to production, would skip every
 * row of the new one older than it. `onOriginChange` hears about the switch.
 */
export async function readCursorFrom(
  warehouse: Warehouse,
  source: string,
  origin: string,
  onOriginChange?: (previousOrigin: string) => void,
): Promise<string | null> {
  const stored = await readCursor(warehouse, source);
  if (stored?.origin && stored.origin !== origin) {
    onOriginChange?.(stored.origin);
    return null;
  }
  return stored?.cursorValue ?? null;
}

/**
 * Records a successful pull from `origin`: the new cursor (null keeps the stored one, if it came from
 * the same origin) and the success time. `updated_at` moves only when the cursor value changes.
 */
export async function saveCursor(warehouse: Warehouse, source: string, cursorValue: string | null, succeededAt: Date, origin: string): Promise<void> {
  const previous = await readCursor(warehouse, source);
  const sameOrigin = !previous?.origin || previous.origin === origin;
  const value = cursorValue ?? (sameOrigin ? previous?.cursorValue : null) ?? null;
  const updatedAt = previous && previous.cursorValue === value && previous.updatedAt ? previous.updatedAt : succeededAt;
  // No primary keys in the meta tables (see migration 001): replace the row.
  await warehouse.run(`delete from source_cursors where source = $1`, [source]);
  await warehouse.run(
    `insert into source_cursors (source, cursor_value, updated_at, last_success_at, origin) values ($1, $2, $3::timestamptz, $4::timestamptz, $5)`,
    [source, value, updatedAt, succeededAt, origin],
  );
}
