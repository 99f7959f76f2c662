/**
 * Edges of what every pulled source shares, each found by a mutation audit: the stored cursors (a
 * pull that found nothing keeps the cursor, `updated_at` moves only with the value), the versions a
 * batch leaves (latest updated_at wins even when it arrived first; ties go to the later batch, then
 * the later line, CONTRACT §2), the quarantine's raw record (the line as read),
 * a re-read bad row counted as a duplicate only against its own source's quarantine and the ledger's
 * counts, and the plans, inbox mappings and sources built from the config.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../pipelines/core/config.ts';
import type { Warehouse } from '../../pipelines/core/warehouse.ts';
import { configuredSources } from '../../pipelines/sources/configured-sources.ts';
import { explainMissingSourceColumns, findInboxMapping, normaliseValueMap, resolveInboxMappings } from '../../pipelines/sources/mapping/column-mapping.ts';
import { quotePgIdentifier, resolvePostgresPlans } from '../../pipelines/sources/postgres/schema.ts';
import { loadPulledBatch } from '../../pipelines/sources/pulled/load-pulled-batch.ts';
import { readCursor, readCursorFrom, saveCursor } from '../../pipelines/sources/pulled/source-cursors.ts';
import { withTempDir, withWarehouse } from '../helpers/warehouse.ts';

const ORIGIN = 'postgres://db.internal:5432/shop shop.shipments by updated_at';
const HEADER = 'shipment_id,order_id,carrier,shipped_at,promised_at,status,updated_at';
/** A shipment line; `at` is its updated_at. */
const shipment = (id: string, status: string, at: string, carrier = 'Heron') =>
  `${id},O1,${carrier},2026-11-01T10:00:00+08:00,2026-11-04T10:00:00+08:00,${status},${at}`;

/** Loads CSV lines as one pulled batch of shipments (a file per batch, as a PostgreSQL pull writes). */
async function loadShipments(warehouse: Warehouse, dir: string, n: number, lines: string[], source = 'postgres') {
  const file = path.join(dir, `shipments-${n}.csv`);
  fs.writeFileSync(file, `${HEADER}\n${lines.join('\n')}\n`);
  return warehouse.transaction(() =>
    loadPulledBatch(warehouse, `run-${n}`, {
      source,
      name: `${source}:shipments@run-${n}`,
      entity: 'shipments',
      format: 'csv',
      file,
      records: lines.length,
      rereads: true,
    }),
  );
}

describe('source cursors', () => {
  it('keep their value when a pull of the same origin finds nothing new, and move updated_at only with the value', async () => {
    await withWarehouse(async (warehouse) => {
      const first = new Date('2026-11-20T02:00:00Z');
      const second = new Date('2026-11-20T02:15:00Z');
      const third = new Date('2026-11-20T02:30:00Z');
      await saveCursor(warehouse, 'postgres:shipments', '2026-11-20 10:00:00+08', first, ORIGIN);
      // nothing new (null): the cursor stays, only the success time moves
      await saveCursor(warehouse, 'postgres:shipments', null, second, ORIGIN);
      expect(await readCursor(warehouse, 'postgres:shipments')).toEqual({
        source: 'postgres:shipments',
        cursorValue: '2026-11-20 10:00:00+08',
        updatedAt: first,
        lastSuccessAt: second,
        origin: ORIGIN,
      });
      // the same value again: still the instant it first took that value
      await saveCursor(warehouse, 'postgres:shipments', '2026-11-20 10:00:00+08', third, ORIGIN);
      expect(await readCursor(warehouse, 'postgres:shipments')).toMatchObject({ updatedAt: first, lastSuccessAt: third });

      // A cursor saved before origins were recorded counts as the same origin: a pull that finds
      // nothing keeps it (it is what readCursorFrom hands out).
      await warehouse.run(`insert into source_cursors (source, cursor_value, updated_at) values ('helpdesk:tickets', 'c1', now())`);
      await saveCursor(warehouse, 'helpdesk:tickets', null, second, 'https://acme.zendesk.com');
      expect(await readCursorFrom(warehouse, 'helpdesk:tickets', 'https://acme.zendesk.com')).toBe('c1');
    });
  });
});

describe('pulled batches', () => {
  it('keep the latest updated_at of a key; on a tie the later batch, then the later line', async () => {
    await withTempDir((dir) =>
      withWarehouse(async (warehouse) => {
        await loadShipments(warehouse, dir, 1, [
          shipment('S1', 'in_transit', '2026-11-02T10:00:00+08:00'),
          shipment('S2', 'in_transit', '2026-11-02T10:00:00+08:00'),
          shipment('S2', 'delivered', '2026-11-02T10:00:00+08:00'), // same instant, later line: wins
          shipment('S3', 'delivered', '2026-11-03T10:00:00+08:00'),
        ]);
        await loadShipments(warehouse, dir, 2, [
          shipment('S1', 'lost', '2026-11-02T10:00:00+08:00'), // same instant, later batch: wins
          shipment('S3', 'in_transit', '2026-11-02T10:00:00+08:00'), // older than the stored version: loses
        ]);
        expect(await warehouse.all(`select shipment_id, status from raw_shipments order by shipment_id`)).toEqual([
          { shipment_id: 'S1', status: 'lost' },
          { shipment_id: 'S2', status: 'delivered' },
          { shipment_id: 'S3', status: 'delivered' },
        ]);
      }),
    );
  });

  it('quarantine a bad row with its line as read, and count a re-read only against their own source', async () => {
    await withTempDir((dir) =>
      withWarehouse(async (warehouse) => {
        const bad = shipment('S9', 'teleported', '2026-11-02T10:00:00+08:00', '"Heron, ""Express"""');
        // first seen by another pulled source: quarantined there
        expect(await loadShipments(warehouse, dir, 1, [bad], 'erp')).toMatchObject({ rowsQuarantined: 1, rowsDuplicate: 0 });
        // the same row from PostgreSQL is its first sight of it: a problem of its own, quarantined too
        expect(await loadShipments(warehouse, dir, 2, [bad])).toMatchObject({ rowsQuarantined: 1, rowsDuplicate: 0 });
        // read again by PostgreSQL (its look-back window): already known, a duplicate
        expect(await loadShipments(warehouse, dir, 3, [bad])).toMatchObject({ rowsQuarantined: 0, rowsDuplicate: 1 });
        // The raw record is the line as the pull wrote it, quotes and all.
        expect(await warehouse.all(`select file_name, raw_record, reason from quarantine order by file_id`)).toEqual(
          ['erp:shipments@run-1', 'postgres:shipments@run-2'].map((file_name) => ({
            file_name,
            raw_record: bad,
            reason: expect.stringMatching(/^status 'teleported' is not one of/),
          })),
        );
        // the ledger counts each batch: read = loaded + quarantined + duplicate
        expect(await warehouse.all(`select rows_read, rows_loaded, rows_quarantined, rows_duplicate from ingested_files order by file_id`)).toEqual([
          { rows_read: 1, rows_loaded: 0, rows_quarantined: 1, rows_duplicate: 0 },
          { rows_read: 1, rows_loaded: 0, rows_quarantined: 1, rows_duplicate: 0 },
          { rows_read: 1, rows_loaded: 0, rows_quarantined: 0, rows_duplicate: 1 },
        ]);
      }),
    );
  });
});

describe('plans, mappings and configured sources', () => {
  const postgres = (entities: Record<string, unknown>) => parseConfig({ sources: { postgres: { enabled: true, entities } } }).sources.postgres;

  it('orders the tables as the contract does, quotes identifiers part by part and refuses an empty part', () => {
    const plans = resolvePostgresPlans(postgres({ complaints: { table: 'shop.tickets' }, orders: { table: 'shop.orders' } }));
    expect(plans.map((p) => [p.entity, p.stream, p.table])).toEqual([
      ['orders', 'postgres:orders', 'shop.orders'],
      ['complaints', 'postgres:complaints', 'shop.tickets'],
    ]);
    expect(quotePgIdentifier('we"ird.orders')).toBe('"we""ird"."orders"');
    expect(() => resolvePostgresPlans(postgres({ orders: { table: 'shop.' } }))).toThrow(
      /sources\.postgres\.entities\.orders\.table: 'shop\.' is not a table name/,
    );
    expect(() => resolvePostgresPlans(postgres({ orders: { table: 'shop.orders', columns: { order_number: 'no' } } }))).toThrow(
      /sources\.postgres\.entities\.orders: 'order_number' is not a column of orders/,
    );
  });

  it('use the first inbox mapping that matches a file, and refuse a header lacking required columns the mapping leaves to their own names', () => {
    const mappings = resolveInboxMappings(
      parseConfig({
        inboxMappings: [
          { name: 'shop', entity: 'orders', pattern: 'orders-*.csv', columns: { order_id: 'Name' } },
          { name: 'any', entity: 'orders', pattern: '*.csv' },
        ],
      }).inboxMappings,
    );
    // value map keys are matched trimmed and in any case
    expect(normaliseValueMap({ ' In Transit ': 'in_transit' }).get('in transit')).toBe('in_transit');
    expect(findInboxMapping('orders-1.csv', mappings)?.name).toBe('shop');
    expect(findInboxMapping('other.csv', mappings)?.name).toBe('any');
    // orders requires order_id (mapped to Name), customer_id, ordered_at, total_amount (same names, absent)
    expect(explainMissingSourceColumns(mappings[0]!, new Set(['Name', 'Email']))).toBe(
      "no usable header for mapping 'shop': required orders column(s) customer_id, ordered_at, total_amount are neither mapped nor present (found: Name, Email)",
    );
  });

  it('pull only from the systems that are enabled', () => {
    const names = (sources: Record<string, unknown>) => configuredSources(parseConfig({ sources })).map((s) => s.name);
    expect(names({})).toEqual([]);
    expect(names({ helpdesk: { enabled: false, baseUrl: 'https://acme.zendesk.com' } })).toEqual([]);
    expect(names({ helpdesk: { enabled: true, baseUrl: 'https://acme.zendesk.com' } })).toEqual(['helpdesk']);
    expect(names({ postgres: { enabled: false, entities: { orders: { table: 'shop.orders' } } } })).toEqual([]);
    expect(
      names({ postgres: { enabled: true, entities: { orders: { table: 'shop.orders' } } }, helpdesk: { enabled: true, baseUrl: 'https://a.zendesk.com' } }),
    ).toEqual(['postgres', 'helpdesk']);
  });
});
