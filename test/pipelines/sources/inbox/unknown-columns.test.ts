/**
 * "Unknown extra columns are kept nowhere and cause no error" (CONTRACT §2), whatever other tools name
 * or put in them; and the timestamps of Spark-written Parquet land as the instants they are.
 * Each case failed before: a CSV column named `rowid` (SQLite, Oracle exports) shadowed the reader's row
 * id and the file was quarantined whole once it had a bad record or a blank line; an unknown column
 * named twice (or in two cases) refused the file; a JSONL key outside the contract given twice refused
 * the record; a Parquet BLOB column holding bytes that are not UTF-8 failed the whole run (and every
 * later one) once the file had a bad or repeated record; a Parquet column named `file_row_number` made
 * the file unreadable and one named `_line` replaced the line numbers; INT96 timestamps were read as
 * local time, 8 hours early in Shanghai.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestFolder } from '../../../helpers/ingest.ts';
import { withTempDir, withWarehouse, writeFiles } from '../../../helpers/warehouse.ts';
import type { Warehouse } from '../../../../pipelines/core/warehouse.ts';

const COMPLAINT_HEADER = 'complaint_id,channel,opened_at,status,text';

async function ingest(files: Record<string, string>, prepare?: (warehouse: Warehouse, inbox: string) => Promise<void>) {
  return withTempDir(async (dir) => {
    const inbox = path.join(dir, 'inbox');
    fs.mkdirSync(inbox);
    writeFiles(inbox, files);
    return withWarehouse(async (warehouse) => {
      await prepare?.(warehouse, inbox);
      const reports = await ingestFolder(warehouse, inbox);
      const quarantine = await warehouse.all<{ file_name: string; line_no: number; reason: string }>(
        `select file_name, line_number as line_no, reason from quarantine order by file_name, line_number`,
      );
      const complaints = await warehouse.all<{ complaint_id: string; status: string; text: string }>(
        `select complaint_id, status, text from raw_complaints order by complaint_id`,
      );
      const orders = await warehouse.all<{ order_id: string; ordered_at: Date }>(`select order_id, ordered_at from raw_orders order by order_id`);
      return { reports, quarantine, complaints, orders };
    });
  });
}

const counts = (r: { rowsRead: number; rowsLoaded: number; rowsQuarantined: number; rowsDuplicate: number; status: string }) =>
  [r.status, r.rowsRead, r.rowsLoaded, r.rowsQuarantined, r.rowsDuplicate] as const;

describe('unknown columns harm nothing', () => {
  it('CSV: a column named rowid, with a blank line and a bad record, loads the good records on their lines', async () => {
    const { reports, quarantine, complaints } = await ingest({
      'complaints-1.csv': [
        'RowID,' + COMPLAINT_HEADER,
        '1,K1,chat,2026-11-18T10:00:00+08:00,open,first',
        '',
        '2,K2,fax,2026-11-18T10:00:00+08:00,open,bad channel',
        '3,K3,app,2026-11-18T10:00:00+08:00,open,third',
      ].join('\n'),
    });
    expect(counts(reports[0]!)).toEqual(['loaded', 3, 2, 1, 0]);
    expect(quarantine).toEqual([{ file_name: 'complaints-1.csv', line_no: 4, reason: expect.stringContaining("channel 'fax'") }]);
    expect(complaints.map((c) => c.complaint_id)).toEqual(['K1', 'K3']);
  });

  it('CSV: an unknown column named twice, or twice in two cases, is ignored; a contract column named twice is ambiguous', async () => {
    const { reports, complaints } = await ingest({
      'complaints-1.csv': `${COMPLAINT_HEADER},note,note,Note\nK1,chat,2026-11-18T10:00:00+08:00,open,x,a,b,c\n`,
      'complaints-2.csv': `${COMPLAINT_HEADER},Status\nK2,chat,2026-11-18T10:00:00+08:00,open,x,closed\n`,
    });
    expect(counts(reports[0]!)).toEqual(['loaded', 1, 1, 0, 0]);
    expect(reports[1]).toMatchObject({ status: 'unreadable', error: expect.stringContaining("header names column 'status' twice") });
    expect(complaints.map((c) => c.complaint_id)).toEqual(['K1']);
  });

  it('JSONL: an unknown key given twice is ignored; a contract key given twice refuses the record', async () => {
    const { reports, quarantine, complaints } = await ingest({
      'complaints-1.jsonl': [
        '{"complaint_id":"K1","channel":"chat","opened_at":"2026-11-18T10:00:00+08:00","status":"open","text":"x","tag":"a","tag":"b"}',
        '{"complaint_id":"K2","channel":"chat","opened_at":"2026-11-18T10:00:00+08:00","status":"open","status":"closed","text":"y"}',
      ].join('\n'),
    });
    expect(counts(reports[0]!)).toEqual(['loaded', 2, 1, 1, 0]);
    expect(quarantine).toEqual([{ file_name: 'complaints-1.jsonl', line_no: 2, reason: expect.stringContaining('gives status more than once') }]);
    expect(complaints.map((c) => c.complaint_id)).toEqual(['K1']);
  });

  it('Parquet: a binary column that is not UTF-8, beside a bad and a repeated record, is never read', async () => {
    const { reports, quarantine, complaints } = await ingest(
      { 'complaints-0.csv': `${COMPLAINT_HEADER}\nK0,chat,2026-11-18T10:00:00+08:00,open,csv\n` },
      (w, inbox) =>
        w.run(`copy (select * from (values
          ('K1', 'chat', '2026-11-18T10:00:00+08:00', 'open', 'a', '\\xFF\\x01'::blob),
          ('K2', 'fax', '2026-11-18T10:00:00+08:00', 'open', 'b', '\\x00'::blob),
          ('K1', 'chat', '2026-11-18T10:00:00+08:00', 'open', 'a', '\\xFE'::blob)
        ) t(complaint_id, channel, opened_at, status, text, payload)) to '${inbox}/complaints-1.parquet' (format parquet)`),
    );
    expect(reports.map(counts)).toEqual([
      ['loaded', 1, 1, 0, 0],
      // the third record repeats the first in every column the load reads: an exact duplicate
      ['loaded', 3, 1, 1, 1],
    ]);
    expect(quarantine).toEqual([{ file_name: 'complaints-1.parquet', line_no: 2, reason: expect.stringContaining("channel 'fax'") }]);
    expect(complaints.map((c) => c.complaint_id)).toEqual(['K0', 'K1']);
  });

  it('Parquet: columns named file_row_number and _line neither fail the file nor replace its line numbers', async () => {
    const { reports, quarantine, complaints } = await ingest({}, (w, inbox) =>
      w.run(`copy (select * from (values
          ('L1', 'chat', '2026-11-18T10:00:00+08:00', 'open', 'first', 9, 'x'),
          ('L2', 'fax', '2026-11-18T10:00:00+08:00', 'open', 'bad', 8, 'y'),
          ('L1', 'chat', '2026-11-18T10:00:00+08:00', 'closed', 'second', 1, 'z')
        ) t(complaint_id, channel, opened_at, status, text, _line, file_row_number)) to '${inbox}/complaints-1.parquet' (format parquet)`),
    );
    expect(counts(reports[0]!)).toEqual(['loaded', 3, 2, 1, 0]);
    expect(quarantine.map((q) => q.line_no)).toEqual([2]);
    // a tie without updated_at goes to the later line (CONTRACT §2): the third record
    expect(complaints).toEqual([{ complaint_id: 'L1', status: 'closed', text: 'second' }]);
  });

  it('Parquet: a column named _line alone keeps the fast path and the true line numbers', async () => {
    const { reports, complaints } = await ingest({}, (w, inbox) =>
      w.run(`copy (select * from (values
          ('L1', 'chat', '2026-11-18T10:00:00+08:00', 'open', 'first', 9),
          ('L1', 'chat', '2026-11-18T10:00:00+08:00', 'closed', 'second', 1)
        ) t(complaint_id, channel, opened_at, status, text, _line)) to '${inbox}/complaints-1.parquet' (format parquet)`),
    );
    expect(counts(reports[0]!)).toEqual(['loaded', 2, 2, 0, 0]);
    expect(complaints).toEqual([{ complaint_id: 'L1', status: 'closed', text: 'second' }]);
  });
});

describe('Parquet INT96 timestamps', () => {
  it('are the UTC instants Spark wrote, not local wall times', async () => {
    // Written by pyarrow with use_deprecated_int96_timestamps: 2026-11-18 02:00:00 and 16:30:00.5 UTC.
    const fixture = fs.readFileSync(path.join(import.meta.dirname, '../../../fixtures/parquet/orders-int96.parquet'));
    const { reports, orders } = await ingest({}, async (_w, inbox) => fs.writeFileSync(path.join(inbox, 'orders-1.parquet'), fixture));
    expect(counts(reports[0]!)).toEqual(['loaded', 2, 2, 0, 0]);
    expect(orders.map((o) => [o.order_id, o.ordered_at.toISOString()])).toEqual([
      ['I1', '2026-11-18T02:00:00.000Z'],
      ['I2', '2026-11-18T16:30:00.500Z'],
    ]);
  });
});
