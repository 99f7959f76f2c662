/**
 * A CSV whose lines end both in CRLF and in LF (a line appended to a file exported on Windows) loads,
 * with the physical line numbers of the file: DuckDB's strict reader stopped at the first line ending
 * unlike the first one, and the whole file was quarantined as unreadable (found by a differential test
 * against an independent oracle: the lost order_items took the SKU attribution and listing flags with
 * them).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyWithLfLineEndings, csvRecordEndingsAreMixed, readFileFacts } from '../../../../pipelines/sources/inbox/load.ts';
import { ingestFolder } from '../../../helpers/ingest.ts';
import { withTempDir, withWarehouse, writeFiles } from '../../../helpers/warehouse.ts';

const HEADER = 'order_id,line_no,sku,quantity,unit_price';

async function ingest(content: string) {
  return withTempDir(async (dir) => {
    writeFiles(path.join(dir, 'inbox'), { 'order_items-1.csv': content });
    return withWarehouse(async (w) => {
      const [report] = await ingestFolder(w, path.join(dir, 'inbox'));
      return {
        report,
        rows: await w.all<{ order_id: string; sku: string; _line: number }>(`select order_id, sku, _line from raw_order_items order by _line`),
        quarantine: await w.all<{ line_number: number; reason: string }>(`select line_number, reason from quarantine order by line_number`),
      };
    });
  });
}

describe('CSV line endings', () => {
  it.each([
    ['a CRLF header, LF records', `${HEADER}\r\nO1,1,SKU1,1,9.90\nO2,1,SKU2,2,1.5\n`],
    ['an LF header, CRLF records', `${HEADER}\nO1,1,SKU1,1,9.90\r\nO2,1,SKU2,2,1.5\r\n`],
    ['CRLF, then a line appended with LF', `${HEADER}\r\nO1,1,SKU1,1,9.90\r\nO2,1,SKU2,2,1.5\n`],
  ])('load with %s, on their lines', async (_name, content) => {
    const { report, rows } = await ingest(content);
    expect(report).toMatchObject({ status: 'loaded', rowsRead: 2, rowsLoaded: 2 });
    expect(rows).toEqual([
      { order_id: 'O1', sku: 'SKU1', _line: 2 },
      { order_id: 'O2', sku: 'SKU2', _line: 3 },
    ]);
  });

  it('keep the line numbers of bad records and multi-line fields in a mixed file', async () => {
    const { report, rows, quarantine } = await ingest(`${HEADER}\r\nO1,1,"SKU\r\n1",1,9.90\r\nO2,1,SKU2,0,1.5\nO3,1,SKU3,1,2\n`);
    expect(report).toMatchObject({ rowsRead: 3, rowsLoaded: 2, rowsQuarantined: 1 });
    // the CRLF inside the quoted field is read as LF
    expect(rows).toEqual([
      { order_id: 'O1', sku: 'SKU\n1', _line: 2 },
      { order_id: 'O3', sku: 'SKU3', _line: 5 },
    ]);
    expect(quarantine).toEqual([{ line_number: 4, reason: expect.stringContaining('quantity') }]);
  });

  it('leave a CRLF inside a quoted field of an LF file as written (only record endings count)', async () => {
    const { report, rows } = await ingest(`${HEADER}\nO1,1,"SKU\r\n1",1,9.90\nO2,1,SKU2,2,1.5\n`);
    expect(report).toMatchObject({ rowsRead: 2, rowsLoaded: 2 });
    expect(rows.map((r) => r.sku)).toEqual(['SKU\r\n1', 'SKU2']);
  });

  it('are told apart by one pass over the bytes, and a copy makes them uniform across read chunks', async () => {
    await withTempDir(async (dir) => {
      const file = path.join(dir, 'a.csv');
      // a CRLF split across the 4 MiB read chunks: CR as the last byte of the first chunk
      const first = 'x'.repeat((1 << 22) - 1);
      fs.writeFileSync(file, `${first}\r\nsecond\nthird\r\n`);
      expect(await readFileFacts(file)).toMatchObject({ physicalLines: 3, mixedLineEndings: true });
      const copy = path.join(dir, 'b.csv');
      await copyWithLfLineEndings(file, copy);
      expect(fs.readFileSync(copy, 'utf8')).toBe(`${first}\nsecond\nthird\n`);
      expect(await readFileFacts(copy)).toMatchObject({ physicalLines: 3, mixedLineEndings: false });
      fs.writeFileSync(file, 'a\r\nb\r\n');
      expect((await readFileFacts(file)).mixedLineEndings).toBe(false);
      expect(await csvRecordEndingsAreMixed(copy)).toBe(false);
      fs.writeFileSync(file, 'h\n"a\r\nb"\nc\n');
      expect([(await readFileFacts(file)).mixedLineEndings, await csvRecordEndingsAreMixed(file)]).toEqual([true, false]);
      fs.writeFileSync(file, 'h\r\n"a\nb"\r\nc\n');
      expect(await csvRecordEndingsAreMixed(file)).toBe(true);
    });
  });
});
