/**
 * A stored cursor belongs to the system that issued it. Pointing a stream at another database, table,
 * cursor column or helpdesk account kept the old cursor: switching from staging to production pulled
 * only production rows newer than staging's last one, and lost the rest without a word.
 */
import { describe, expect, it } from 'vitest';
import { toSourceError } from '../../pipelines/sources/postgres/extract.ts';
import { postgresOrigin } from '../../pipelines/sources/postgres/load.ts';
import { readCursorFrom, saveCursor } from '../../pipelines/sources/pulled/source-cursors.ts';
import { withWarehouse } from '../helpers/warehouse.ts';

describe('source cursors', () => {
  it('are used only by the origin that saved them; another origin starts from the beginning', async () => {
    await withWarehouse(async (warehouse) => {
      const staging = 'postgres://staging.internal:5432/shop shop.orders by updated_at';
      const production = 'postgres://db.internal:5432/shop shop.orders by updated_at';
      await saveCursor(warehouse, 'postgres:orders', '2026-11-20T10:00:00Z', new Date(), staging);
      expect(await readCursorFrom(warehouse, 'postgres:orders', staging)).toBe('2026-11-20T10:00:00Z');
      const switches: string[] = [];
      expect(await readCursorFrom(warehouse, 'postgres:orders', production, (previous) => switches.push(previous))).toBeNull();
      expect(switches).toEqual([staging]);
      // A pull from production that found nothing new (null) must not inherit staging's cursor either.
      await saveCursor(warehouse, 'postgres:orders', null, new Date(), production);
      expect(await readCursorFrom(warehouse, 'postgres:orders', production)).toBeNull();
      await saveCursor(warehouse, 'postgres:orders', '2026-11-21T00:00:00Z', new Date(), production);
      expect(await readCursorFrom(warehouse, 'postgres:orders', production)).toBe('2026-11-21T00:00:00Z');
      // A cursor saved before origins were recorded is used as it is.
      await warehouse.run(`insert into source_cursors (source, cursor_value, updated_at) values ('helpdesk:tickets', 'c1', now())`);
      expect(await readCursorFrom(warehouse, 'helpdesk:tickets', 'https://acme.zendesk.com')).toBe('c1');
    });
  });

  it('name a PostgreSQL origin by server, database, table and cursor column, never by its secrets', () => {
    const plan = { table: 'shop.orders', cursorColumn: 'modified_at' };
    expect(postgresOrigin('postgres://reader:s3cret@db.internal:6432/shop?sslmode=require', plan)).toBe(
      'postgres://db.internal:6432/shop shop.orders by modified_at',
    );
    expect(postgresOrigin('postgresql://reader@db.internal/shop', { ...plan, cursorColumn: null })).toBe(
      'postgres://db.internal:5432/shop shop.orders by (full pull)',
    );
    expect(postgresOrigin("host=db.internal port=5433 dbname=shop user=reader password='p w'", plan)).toBe(
      'postgres://db.internal:5433/shop shop.orders by modified_at',
    );
    // a password with an unencoded '/' or '@' stays out of the origin
    expect(postgresOrigin('postgres://reader:pa/ss@w0rd@db.internal:5432/shop', plan)).toBe('postgres://db.internal:5432/shop shop.orders by modified_at');
    expect(postgresOrigin('postgres://reader:pa/ss@db.internal/shop?application_name=x', plan)).toBe(
      'postgres://db.internal:5432/shop shop.orders by modified_at',
    );
  });

  it('treat a statement timeout as the failure of one table, not a server to retry', () => {
    const timeout = Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' });
    expect(toSourceError(timeout, 'reading shop.orders')).toMatchObject({ retryable: false });
    expect(toSourceError(new Error('Connection terminated unexpectedly'), 'reading shop.orders')).toMatchObject({ retryable: true });
  });
});
