/**
 * The clean-file fast path (pipelines/sources/inbox/clean-files.ts) must store exactly what the text
 * path stores, or step aside. Each case loads the same file both ways in two warehouses and compares
 * the raw rows, line numbers included.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Warehouse } from '../../../../pipelines/core/warehouse.ts';
import type { EntityName } from '../../../../models/entities.ts';
import { batchesWithIdenticalRecords, loadCleanCsv, loadCleanParquet, parquetColumnSources } from '../../../../pipelines/sources/inbox/clean-files.ts';
import { ENTITIES } from '../../../../models/entities.ts';
import { dropExtractTables, extractCsv, extractParquet, readParquetColumns } from '../../../../pipelines/sources/inbox/extract.ts';
import { readFileFacts } from '../../../../pipelines/sources/inbox/load.ts';
import { forgetAppendedRows, loadExtractedRows, settleAllKeyVersions, type BatchCounts } from '../../../../pipelines/sources/load-extracted-rows.ts';
import { withTempDir, withWarehouse } from '../../../helpers/warehouse.ts';

const INGESTED_AT = new Date('2026-11-20T02:00:00Z');

interface Outcome {
  counts: BatchCounts | undefined;
  rows: Record<string, unknown>[];
}

async function rawRows(warehouse: Warehouse, entity: EntityName): Promise<Record<string, unknown>[]> {
  return warehouse.all(`select * exclude (_version_at) from raw_${entity} order by _line`);
}

const batchOf = (entity: EntityName) => ({ fileId: 1, runId: 'r1', fileName: 'f.csv', entity, ingestedAt: INGESTED_AT });

type Format = 'csv' | 'parquet';

async function loadFast(warehouse: Warehouse, file: string, entity: EntityName, format: Format): Promise<Outcome> {
  let counts =
    format === 'csv'
      ? await loadCleanCsv(warehouse, file, entity, (await readFileFacts(file)).physicalLines, batchOf(entity))
      : await loadCleanParquet(warehouse, file, entity, batchOf(entity));
  // As the ingest does once all files are in: a file with identical records goes to the text path.
  if (counts && (await batchesWithIdenticalRecords(warehouse, entity, [batchOf(entity).fileId])).length) {
    await forgetAppendedRows(warehouse, batchOf(entity));
    counts = undefined;
  }
  await settleAllKeyVersions(warehouse);
  const leftovers = await warehouse.scalar(
    `select count(*) from duckdb_tables() where temporary and table_name in ('_typed', '_typed_lines', '_csv_lines', '_rejects', '_extract', '_csv')`,
  );
  expect(leftovers).toBe(0);
  return { counts, rows: await rawRows(warehouse, entity) };
}

async function loadByText(warehouse: Warehouse, file: string, entity: EntityName, format: Format): Promise<Outcome> {
  if (format === 'csv') await extractCsv(warehouse, file, entity, undefined, (await readFileFacts(file)).physicalLines);
  else await extractParquet(warehouse, file, entity);
  const counts = await loadExtractedRows(warehouse, batchOf(entity));
  await dropExtractTables(warehouse);
  await settleAllKeyVersions(warehouse);
  return { counts, rows: await rawRows(warehouse, entity) };
}

/** Runs `load` inside a transaction that is rolled back, so one warehouse serves every case. */
async function rolledBack<T>(warehouse: Warehouse, load: () => Promise<T>): Promise<T> {
  await warehouse.begin();
  try {
    return await load();
  } finally {
    await warehouse.rollback();
  }
}

/**
 * Loads each input both ways and checks that the fast path, where it took a file, stored the same. An
 * input is the CSV text, or for Parquet the select whose result is written as the file.
 */
async function bothWays(inputs: readonly string[], entity: EntityName, format: Format = 'csv'): Promise<{ fast: Outcome; text: Outcome }[]> {
  return withTempDir((dir) =>
    withWarehouse((fastWarehouse) =>
      withWarehouse(async (textWarehouse) => {
        const outcomes: { fast: Outcome; text: Outcome }[] = [];
        for (const [i, input] of inputs.entries()) {
          const file = path.join(dir, `${entity}-${i}.${format}`);
          if (format === 'csv') fs.writeFileSync(file, input);
          else await textWarehouse.run(`copy (${input}) to '${file}' (format parquet)`);
          const fast = await rolledBack(fastWarehouse, () => loadFast(fastWarehouse, file, entity, format));
          const text = await rolledBack(textWarehouse, () => loadByText(textWarehouse, file, entity, format));
          if (fast.counts) {
            expect(fast.counts, input).toEqual(text.counts);
            expect(fast.rows, input).toEqual(text.rows);
          } else {
            expect(fast.rows, input).toEqual([]);
          }
          outcomes.push({ fast, text });
        }
        return outcomes;
      }),
    ),
  );
}

const ITEMS_HEADER = 'order_id,line_no,sku,quantity,unit_price\n';

describe('clean-CSV fast path', () => {
  it('stores what the text path stores for every way of writing a number the reader accepts', async () => {
    const written = [
      '5',
      ' 5',
      '5 ',
      '+5',
      '-0',
      '1.0',
      '1.5',
      '2.5',
      '1e2',
      '1E-2',
      '0x10',
      '1_000',
      '00012',
      '.5',
      '5.',
      '"5"',
      '" 5 "',
      '9223372036854775807',
      '9223372036854775808',
      '1.23456',
      '-0.00005',
      '99999999999999.9999',
      '999999999999999',
      'NaN',
      'inf',
      'abc',
      '"1,5"',
      '""',
      '" "',
      '\u30005',
      '"5\n"',
      '0.00005',
      '-1',
    ];
    // The same text as a quantity (integer, > 0) and as a unit price (decimal).
    const csvs = written.flatMap((value) => [`O1,1,SKU-1,${value},9.90\n`, `O1,1,SKU-1,2,${value}\n`].map((row) => ITEMS_HEADER + row));
    const fastTaken = (await bothWays(csvs, 'order_items')).filter((o) => o.fast.counts).length;
    // Plain numbers do take the fast path (the comparison above is not vacuous).
    expect(fastTaken).toBeGreaterThan(10);
  });

  it('numbers the physical lines of records whose text spans lines', async () => {
    const csv = [
      'complaint_id,channel,opened_at,status,text',
      'K1,chat,2026-11-02T10:00:00+08:00,open,"箱子压坏了',
      '书架裂了"',
      'K2,email,2026-11-02 11:00:00,open,"late',
      '',
      'very late"',
      'K3,app,2026-11-02T03:00:00Z,resolved,fine',
      '',
    ].join('\n');
    const { fast } = (await bothWays([csv], 'complaints'))[0]!;
    expect(fast.counts).toEqual({ rowsRead: 3, rowsLoaded: 3, rowsQuarantined: 0, rowsDuplicate: 0 });
    expect(fast.rows.map((r) => [r.complaint_id, r._line])).toEqual([
      ['K1', 2],
      ['K2', 4],
      ['K3', 7],
    ]);
  });

  it('steps aside, storing nothing, for a file with a bad, a repeated or an unreadable record', async () => {
    const cases = [
      ITEMS_HEADER + 'O1,1,SKU-1,0,9.90\n', // quantity must be > 0
      ITEMS_HEADER + 'O1,1,,1,9.90\n', // missing sku
      ITEMS_HEADER + 'O1,1,SKU-1,1,9.90\nO1,1,SKU-1,1,9.90\n', // an exact repeat
      ITEMS_HEADER + 'O1,1,SKU-1,1,9.90,extra\n', // too many fields
      ITEMS_HEADER + 'O1,1,SKU-1,x,9.90\n', // not a number
    ];
    for (const { fast, text } of await bothWays(cases, 'order_items')) {
      expect(fast.counts).toBeUndefined();
      expect(text.counts!.rowsQuarantined + text.counts!.rowsDuplicate).toBe(1);
    }
  });

  it('leaves line breaks it cannot count to the text path', async () => {
    // A line break inside a timestamp field and inside a column outside the contract: neither is kept
    // in the typed table, so the fast path cannot number the lines after them.
    const cases = [
      'complaint_id,channel,opened_at,status,text\nK1,chat,"2026-11-02 10:00:00\n",open,x\nK2,chat,2026-11-02 10:00:00,open,y\n',
      'complaint_id,channel,opened_at,status,text,note\nK1,chat,2026-11-02 10:00:00,open,x,"a\nb"\nK2,chat,2026-11-02 10:00:00,open,y,c\n',
    ];
    const [timestampBreak, otherColumnBreak] = await bothWays(cases, 'complaints');
    expect(timestampBreak!.fast.counts).toBeUndefined();
    // the trailing line break is whitespace around a timestamp, trimmed: K1 loads, on the line it starts on
    expect(timestampBreak!.text.rows.map((r) => r._line)).toEqual([2, 4]);
    expect(otherColumnBreak!.fast.counts).toBeUndefined();
    expect(otherColumnBreak!.text.rows.map((r) => r._line)).toEqual([2, 4]);
  });

  it('takes Parquet columns stored with the contract type as they are, and reads the others as the text path does', async () => {
    const shipment = (shipped: string, delivered: string, status = `'Delivered'`) =>
      `select 'S1' as shipment_id, 'O1' as order_id, 'Heron' as carrier, ${shipped} as shipped_at,
         timestamptz '2026-11-05 18:00:00+08' as promised_at, ${delivered} as delivered_at, ${status} as status, '广东' as origin_region`;
    const outcomes = await bothWays(
      [
        // stored as TIMESTAMP WITH TIME ZONE (taken as stored), with microseconds and another zone
        shipment(`timestamptz '2026-11-02 18:00:00.123456+08'`, `timestamptz '2026-11-04 01:00:00-05'`),
        // stored without a zone (local time) or as text: read as text
        shipment(`timestamp '2026-11-02 18:00:00'`, `'2026-11-04T12:00:00Z'`, `' in_transit '`),
        // not valid: an infinite timestamp, a status outside the list
        shipment(`'infinity'::timestamptz`, `null::timestamptz`),
        shipment(`timestamptz '2026-11-02 18:00:00+08'`, `null::timestamptz`, `'flying'`),
      ],
      'shipments',
      'parquet',
    );
    expect(outcomes.map((o) => o.fast.counts?.rowsLoaded)).toEqual([1, 1, undefined, undefined]);
    const items = await bothWays(
      [
        `select 'O1' as order_id, 1::bigint as line_no, 'SKU-1' as sku, 2::bigint as quantity, 9.9::decimal(18,4) as unit_price`,
        `select 'O1' as order_id, 1::integer as line_no, 'SKU-1' as sku, 2::double as quantity, 1.23456::double as unit_price`,
        `select 'O1' as order_id, 1::bigint as line_no, 'SKU-1' as sku, 0::bigint as quantity, 9.9::decimal(18,4) as unit_price`,
        `select * from (values ('O1', 1, 'SKU-1', 2, 9.9), ('O1', 1, 'SKU-1', 2, 9.9)) t(order_id, line_no, sku, quantity, unit_price)`,
      ],
      'order_items',
      'parquet',
    );
    expect(items.map((o) => o.fast.counts?.rowsLoaded)).toEqual([1, 1, undefined, undefined]);
    expect(items[1]!.fast.rows[0]).toMatchObject({ quantity: 2, unit_price: 1.2346, _line: 1 });
  });

  it('appends Parquet rows straight from the file and takes them back when the file is not clean', async () => {
    const items = (rows: string) => `select * from (values ${rows}) t(order_id, line_no, sku, quantity, unit_price)`;
    const outcomes = await bothWays(
      [
        // a key twice with different records: clean (the later line wins when versions settle)
        items(`('O1', 1::bigint, 'SKU-1', 2::bigint, 9.9::decimal(18,4)), ('O1', 1, 'SKU-2', 3, 9.9), ('O2', 1, 'SKU-1', 1, 1)`),
        // a missing key part among good rows: nothing of the file may stay behind
        items(`('O1', 1::bigint, 'SKU-1', 2::bigint, 9.9::decimal(18,4)), (null, 1, 'SKU-1', 1, 1), ('O3', 1, 'SKU-1', 1, 1)`),
      ],
      'order_items',
      'parquet',
    );
    expect(outcomes[0]!.fast.counts).toEqual({ rowsRead: 3, rowsLoaded: 3, rowsQuarantined: 0, rowsDuplicate: 0 });
    expect(outcomes[0]!.fast.rows.map((r) => [r.order_id, r.sku, r._line])).toEqual([
      ['O1', 'SKU-2', 2],
      ['O2', 'SKU-1', 3],
    ]);
    expect(outcomes[1]!.fast.counts).toBeUndefined();
    expect(outcomes[1]!.text.counts).toMatchObject({ rowsLoaded: 2, rowsQuarantined: 1 });
  });

  it('reads Parquet columns stored with the contract type as stored, whatever describe calls the type', async () => {
    await withTempDir((dir) =>
      withWarehouse(async (warehouse) => {
        const file = path.join(dir, 'shipments.parquet');
        await warehouse.run(
          `copy (select 'S1' as shipment_id, 'O1' as order_id, 'Heron' as carrier, timestamptz '2026-11-02 18:00:00+08' as shipped_at,
             '2026-11-05 18:00:00+08' as promised_at, timestamp '2026-11-04 18:00:00' as delivered_at, 'delivered' as status) to '${file}' (format parquet)`,
        );
        const sourceOf = parquetColumnSources(await readParquetColumns(warehouse, file, 'shipments'));
        const kindOf = (name: string) => sourceOf(ENTITIES.shipments.columns.find((c) => c.name === name)!).kind;
        expect(['shipment_id', 'shipped_at', 'promised_at', 'delivered_at', 'status', 'origin_region'].map(kindOf)).toEqual([
          'text',
          'typed',
          'text',
          'text',
          'text',
          'absent',
        ]);
      }),
    );
  });
});
