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
}

export async function readCursor(warehouse: Warehouse, source: string): Promise<SourceCursor | undefined> {
  const row = await warehouse.one<{ cursor_value: string | null; updated_at: Date | null; last_success_at: Date | null }>(
    `select cursor_value, updated_at, last_success_at from source_cursors where source = $1 order by updated_at desc limit 1`,
    [source],
  );
  return row ? { source, cursorValue: row.cursor_value, updatedAt: row.updated_at, lastSuccessAt: row.last_success_at } : undefined;
}

/**
 * Records a successful pull: the new cursor (null keeps the stored one) and the success time. `updated_at`
 * moves only when the cursor value changes.
 */
export async function saveCursor(warehouse: Warehouse, source: string, cursorValue: string | null, succeededAt: Date): Promise<void> {
  const previous = await readCursor(warehouse, source);
  const value = cursorValue ?? previous?.cursorValue ?? null;
  const updatedAt = previous && previous.cursorValue === value && previous.updatedAt ? previous.updatedAt : succeededAt;
  // No primary keys in the meta tables (see migration 001): replace the row.
  await warehouse.run(`delete from source_cursors where source = $1`, [source]);
  await warehouse.run(`insert into source_cursors (source, cursor_value, updated_at, last_success_at) values ($1, $2, $3::timestamptz, $4::timestamptz)`, [
    source,
    value,
    updatedAt,
    succeededAt,
  ]);
}
