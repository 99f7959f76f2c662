/**
 * How numbers and timestamps must be written (models/entity-checks.ts). DuckDB's cast alone would
 * round a quantity of '2.5' to 3, read '0x10' as 16, 'CST' as Chicago time and 'epoch' as 1970, and
 * let a zone name in one value shift the values after it: changed values with no trace. Each written
 * form gets one verdict, the same in SQL (every loader) and in zod (single records), and every source
 * format honours it.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENTITIES, type ColumnDef } from '../../../../models/entities.ts';
import { buildEntitySchema, buildTypedValueSql } from '../../../../models/entity-checks.ts';
import { ingestFolder } from '../../../helpers/ingest.ts';
import { withTempDir, withWarehouse, writeFiles } from '../../../helpers/warehouse.ts';

const column = (name: string): ColumnDef => ENTITIES.order_items.columns.find((c) => c.name === name)!;

/** Written form → the value read (as text), or null when the form is refused. */
const INTEGERS: [string, string | null][] = [
  ['5', '5'],
  [' 5 ', '5'],
  ['+5', '5'],
  ['-0', '0'],
  ['00012', '12'],
  ['3.0', '3'],
  ['5.', '5'],
  ['9223372036854775807', '9223372036854775807'],
  ['2.5', null],
  ['1.5', null],
  ['1e2', null],
  ['0x10', null],
  ['0b1', null],
  ['1_000', null],
  ['.5', null],
  ['NaN', null],
  ['inf', null],
  ['abc', null],
  ['1,5', null],
];

const DECIMALS: [string, string | null][] = [
  ['9.9', '9.9000'],
  [' 9.90 ', '9.9000'],
  ['+.5', '0.5000'],
  ['5.', '5.0000'],
  ['-0.00005', '-0.0001'],
  ['1e2', '100.0000'],
  ['1E-2', '0.0100'],
  ['00012', '12.0000'],
  ['1_000', null],
  ['1.5_0', null],
  ['0x10', null],
  ['NaN', null],
  ['inf', null],
  ['1,5', null],
  ['abc', null],
];

/** Written form → the instant read (ISO, UTC), or null when refused; local time is Asia/Shanghai. */
const TIMESTAMPS: [string, string | null][] = [
  ['2026-09-01T08:26:00+08:00', '2026-09-01T00:26:00.000Z'],
  ['2026-09-01T08:26:00Z', '2026-09-01T08:26:00.000Z'],
  ['2026-09-01 08:26:00', '2026-09-01T00:26:00.000Z'],
  ['2026-09-01T08:26', '2026-09-01T00:26:00.000Z'],
  ['2026-09-01T08:26+08:00', '2026-09-01T00:26:00.000Z'],
  ['2026-09-01T08:26:00.5-0500', '2026-09-01T13:26:00.500Z'],
  ['2026-09-01T08:26:00+08', '2026-09-01T00:26:00.000Z'],
  ['2026-09-01T08:26+0800', '2026-09-01T00:26:00.000Z'], // an offset without colon after minutes: ':00' goes in
  ['2026-09-01T08:26:00+24:00', null], // offsets are real ones, up to ±23:59
  ['2026-09-01T08:26:00+99', null],
  ['2026-09-01T08:26:00+08:60', null],
  ['2026-09-01', '2026-08-31T16:00:00.000Z'],
  [' 2026-09-01T08:26:00Z ', '2026-09-01T08:26:00.000Z'],
  ['1890-01-01 00:09:21+00:09:21', '1890-01-01T00:00:00.000Z'], // PostgreSQL's offset with seconds
  ['2026-09-01 08:26:00 CST', null],
  ['2026-09-01 08:26:00 Asia/Tokyo', null],
  ['2026-09-01 08:26:00 UTC', null],
  ['epoch', null],
  ['infinity', null],
  ['2026/09/01 08:26', null],
  ['2026-9-1 8:26', null],
  ['2026-02-30', null],
  ['-290308-12-22', null],
  ['20260901', null],
];

describe('numbers and timestamps as text', () => {
  it.each([
    ['line_no', INTEGERS],
    ['unit_price', DECIMALS],
  ] as const)('reads %s only from a plain number, in SQL and in zod alike', async (name, cases) => {
    const sql = buildTypedValueSql(column(name)).replaceAll(`"${name}"`, 'written');
    const schema = buildEntitySchema(ENTITIES.order_items);
    await withWarehouse(async (w) => {
      for (const [written, expected] of cases) {
        const read = await w.one<{ value: string | null }>(`select (${sql})::varchar as value from (select $1::varchar as written)`, [written]);
        expect(read?.value, written).toBe(expected);
        const record = { order_id: 'O1', line_no: 1, sku: 'S', quantity: 1, unit_price: 1, [name]: written };
        expect(schema.safeParse(record).success, written).toBe(expected !== null);
      }
    });
  });

  it('reads a timestamp only from ISO 8601 text, in SQL and in zod alike', async () => {
    const opened = ENTITIES.complaints.columns.find((c) => c.name === 'opened_at')!;
    const sql = buildTypedValueSql(opened).replaceAll('"opened_at"', 'written');
    const schema = buildEntitySchema(ENTITIES.complaints);
    await withWarehouse(async (w) => {
      for (const [written, expected] of TIMESTAMPS) {
        const read = await w.one<{ value: Date | null }>(`select ${sql} as value from (select $1::varchar as written)`, [written]);
        expect(read?.value ? read.value.toISOString() : null, written).toBe(expected);
        const record = { complaint_id: 'K1', channel: 'chat', opened_at: written, status: 'open', text: 'x' };
        // zod checks the shape only; an impossible date ('2026-02-30') is the cast's to refuse.
        if (written !== '2026-02-30') expect(schema.safeParse(record).success, written).toBe(expected !== null);
      }
    });
  });

  it('a zone name in one record changes no other record (it is quarantined)', async () => {
    await withTempDir(async (dir) => {
      const inbox = path.join(dir, 'inbox');
      const record = (id: string, opened: string) => `${id},chat,${opened},open,x`;
      writeFiles(inbox, {
        'complaints-1.csv': [
          'complaint_id,channel,opened_at,status,text',
          record('K1', '2026-09-01T08:26:00'),
          record('K2', '2026-09-01 08:26:00 Asia/Tokyo'),
          record('K3', '2026-09-01T08:26:00'),
          record('K4', '2026-09-01 08:26:00 CST'),
          record('K5', '2026-09-01'),
          '',
        ].join('\n'),
      });
      await withWarehouse(async (w) => {
        await ingestFolder(w, inbox);
        const rows = await w.all<{ complaint_id: string; opened_at: Date }>(`select complaint_id, opened_at from raw_complaints order by complaint_id`);
        expect(rows.map((r) => [r.complaint_id, r.opened_at.toISOString()])).toEqual([
          ['K1', '2026-09-01T00:26:00.000Z'],
          ['K3', '2026-09-01T00:26:00.000Z'],
          ['K5', '2026-08-31T16:00:00.000Z'],
        ]);
        expect(await w.all(`select line_number, reason from quarantine order by line_number`)).toEqual([
          { line_number: 3, reason: "opened_at '2026-09-01 08:26:00 Asia/Tokyo' is not an ISO 8601 timestamp (e.g. 2026-11-20T14:30:00+08:00)" },
          { line_number: 5, reason: "opened_at '2026-09-01 08:26:00 CST' is not an ISO 8601 timestamp (e.g. 2026-11-20T14:30:00+08:00)" },
        ]);
      });
    });
  });

  it('reads Parquet text written as plain byte arrays as text, not as escaped bytes', async () => {
    await withTempDir(async (dir) => {
      const inbox = path.join(dir, 'inbox');
      writeFiles(inbox, {});
      await withWarehouse(async (w) => {
        await w.run(
          `copy (select 'K1' as complaint_id, 'chat' as channel, timestamptz '2026-09-01 08:26:00+08' as opened_at, 'open' as status, encode('包裹破损') as text)
           to '${path.join(inbox, 'complaints-1.parquet')}' (format parquet)`,
        );
        const [report] = await ingestFolder(w, inbox);
        expect(report).toMatchObject({ rowsLoaded: 1, rowsQuarantined: 0 });
        expect(await w.scalar(`select count(*) from raw_complaints where text = '包裹破损'`)).toBe(1);
      });
    });
  });

  it('quarantines a quantity of 2.5 from CSV, JSONL and Parquet instead of rounding it, and loads 3.0 as 3', async () => {
    await withTempDir(async (dir) => {
      const inbox = path.join(dir, 'inbox');
      writeFiles(inbox, {
        'order_items-1.csv': 'order_id,line_no,sku,quantity,unit_price\nO1,1,S,2.5,9.9\nO1,2,S,3.0,9.9\nO1,3,S,0x10,9.9\nO1,4,S,2,1_000\n',
        // clean, so it takes the one-pass path: '+2' and '3.0' are plain numbers
        'order_items-2.csv': 'order_id,line_no,sku,quantity,unit_price\nO2,1,S,+2,9.9\nO2,2,S,3.0,9.9\n',
        'order_items-3.jsonl':
          '{"order_id":"O3","line_no":1,"sku":"S","quantity":2.5,"unit_price":9.9}\n{"order_id":"O3","line_no":2,"sku":"S","quantity":3,"unit_price":9.9}\n',
      });
      await withWarehouse(async (w) => {
        // Parquet as other tools write it: a float column for whole numbers.
        await w.run(
          `copy (select * from (values ('O4', 1, 'S', 3.0::double, 9.9::double), ('O4', 2, 'S', 2.5::double, 9.9::double)) t(order_id, line_no, sku, quantity, unit_price))
           to '${path.join(inbox, 'order_items-4.parquet')}' (format parquet)`,
        );
        const reports = await ingestFolder(w, inbox);
        expect(reports.map((r) => [r.fileName, r.rowsLoaded, r.rowsQuarantined])).toEqual([
          ['order_items-1.csv', 1, 3],
          ['order_items-2.csv', 2, 0],
          ['order_items-3.jsonl', 1, 1],
          ['order_items-4.parquet', 1, 1],
        ]);
        expect(await w.all(`select order_id, line_no, quantity from raw_order_items order by order_id, line_no`)).toEqual([
          { order_id: 'O1', line_no: 2, quantity: 3 },
          { order_id: 'O2', line_no: 1, quantity: 2 },
          { order_id: 'O2', line_no: 2, quantity: 3 },
          { order_id: 'O3', line_no: 2, quantity: 3 },
          { order_id: 'O4', line_no: 1, quantity: 3 },
        ]);
        expect(await w.all(`select file_name, line_number, reason from quarantine order by file_name, line_number`)).toEqual([
          { file_name: 'order_items-1.csv', line_number: 2, reason: "quantity '2.5' is not a whole number" },
          { file_name: 'order_items-1.csv', line_number: 4, reason: "quantity '0x10' is not a whole number" },
          { file_name: 'order_items-1.csv', line_number: 5, reason: "unit_price '1_000' is not a number" },
          { file_name: 'order_items-3.jsonl', line_number: 1, reason: "quantity '2.5' is not a whole number" },
          { file_name: 'order_items-4.parquet', line_number: 2, reason: "quantity '2.5' is not a whole number" },
        ]);
      });
    });
  });
});
