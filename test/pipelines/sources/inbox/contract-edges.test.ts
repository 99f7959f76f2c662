/**
 * Edges of CONTRACT §2 that a mutation audit of the ingest found unpinned: each case fails when the rule
 * it names is broken in the code (checked by breaking it). Accounting of bad and repeated rows, files met
 * twice, value spellings (booleans, offsets, trailing spaces, cause lists), JSONL blank lines, file-name
 * order and a composite key updated in a later run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Warehouse } from '../../../../pipelines/core/warehouse.ts';
import { ingestFolder } from '../../../helpers/ingest.ts';
import { withTempDir, withWarehouse, writeFiles } from '../../../helpers/warehouse.ts';

const ITEM_HEADER = 'order_id,line_no,sku,quantity,unit_price';
const SHIPMENT_HEADER = 'shipment_id,order_id,carrier,shipped_at,promised_at,delivered_at,status';

/** Ingests `files` (one run) into a fresh warehouse and hands it to `check`. */
async function ingestOnce(
  files: Record<string, string>,
  check: (w: Warehouse, reports: Awaited<ReturnType<typeof ingestFolder>>) => Promise<void>,
): Promise<void> {
  await withTempDir(async (dir) => {
    const inbox = path.join(dir, 'inbox');
    writeFiles(inbox, files);
    await withWarehouse(async (w) => check(w, await ingestFolder(w, inbox)));
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('ingest accounting: read = loaded + quarantined + duplicate', () => {
  it('counts a bad row repeated verbatim once as quarantined and once as a duplicate, and loads the good row after it', async () => {
    await ingestOnce({ 'order_items-1.csv': [ITEM_HEADER, 'O1,1,S,0,9.9', 'O1,1,S,0,9.9', 'O1,2,S,1,9.9', ''].join('\n') }, async (w, [report]) => {
      expect(report).toMatchObject({ rowsRead: 3, rowsLoaded: 1, rowsQuarantined: 1, rowsDuplicate: 1 });
      expect(await w.all(`select rows_read, rows_loaded, rows_quarantined, rows_duplicate from ingested_files`)).toEqual([
        { rows_read: 3, rows_loaded: 1, rows_quarantined: 1, rows_duplicate: 1 },
      ]);
      expect(await w.all(`select line_number, reason from quarantine`)).toEqual([
        { line_number: 2, reason: expect.stringMatching(/quantity '0' must be greater than 0/) },
      ]);
      expect(await w.all(`select order_id, line_no, _line from raw_order_items`)).toEqual([{ order_id: 'O1', line_no: 2, _line: 4 }]);
    });
  });

  it('calls two different unreadable records two bad rows, not a row and its duplicate', async () => {
    await ingestOnce({ 'order_items-1.jsonl': 'not json\nalso not json\n' }, async (w, [report]) => {
      expect(report).toMatchObject({ rowsRead: 2, rowsLoaded: 0, rowsQuarantined: 2, rowsDuplicate: 0 });
      expect(await w.all(`select line_number from quarantine order by line_number`)).toEqual([{ line_number: 1 }, { line_number: 2 }]);
    });
  });
});

describe('files met twice', () => {
  it('skips a second file of the same content within one run', async () => {
    const content = 'sku,title,category\nA,Alpha,toys\n';
    await ingestOnce({ 'products-1.csv': content, 'products-2.csv': content }, async (w, reports) => {
      expect(reports.map((r) => [r.fileName, r.status])).toEqual([
        ['products-1.csv', 'loaded'],
        ['products-2.csv', 'skipped'],
      ]);
      expect(await w.scalar(`select count(*) from raw_products`)).toBe(1);
      expect(await w.all(`select file_name from ingested_files`)).toEqual([{ file_name: 'products-1.csv' }]);
    });
  });

  it('quarantines an unreadable file once, not again on every run', async () => {
    await withTempDir(async (dir) => {
      const inbox = path.join(dir, 'inbox');
      // no header: the first line is data
      writeFiles(inbox, { 'orders-bad.csv': 'O1,C1,2026-11-02T10:00:00+08:00,10\n' });
      await withWarehouse(async (w) => {
        const [first] = await ingestFolder(w, inbox, 'r1');
        expect(first?.status).toBe('unreadable');
        const [second] = await ingestFolder(w, inbox, 'r2');
        expect(second?.status).toBe('skipped');
        expect(await w.scalar(`select count(*) from quarantine`)).toBe(1);
        expect(await w.scalar(`select count(*) from ingested_files`)).toBe(1);
      });
    });
  });
});

describe('value spellings', () => {
  it('reads booleans as true/false, 1/0, yes/no in any letter case', async () => {
    const header = 'complaint_id,channel,opened_at,status,text,escalated';
    const rows = [
      'K1,chat,2026-11-02T10:00:00+08:00,open,x,0',
      'K2,chat,2026-11-02T10:00:00+08:00,open,x,TRUE',
      'K3,chat,2026-11-02T10:00:00+08:00,open,x,Yes',
      'K4,chat,2026-11-02T10:00:00+08:00,open,x,NO',
    ];
    await ingestOnce({ 'complaints-1.csv': [header, ...rows, ''].join('\n') }, async (w, [report]) => {
      expect(report).toMatchObject({ rowsLoaded: 4, rowsQuarantined: 0 });
      expect(await w.all(`select complaint_id, escalated from raw_complaints order by complaint_id`)).toEqual([
        { complaint_id: 'K1', escalated: false },
        { complaint_id: 'K2', escalated: true },
        { complaint_id: 'K3', escalated: true },
        { complaint_id: 'K4', escalated: false },
      ]);
    });
  });

  it('trims trailing spaces off keys and values, so "S1 " and "S1" are one shipment', async () => {
    const dates = '2026-11-01T10:00:00+08:00,2026-11-04T10:00:00+08:00,';
    await ingestOnce({ 'shipments-1.csv': [SHIPMENT_HEADER, `S1 ,O1,Heron ,${dates},in_transit `, `S1,O1,Heron,${dates},lost`, ''].join('\n') }, async (w) => {
      expect(await w.all(`select shipment_id, carrier, status from raw_shipments`)).toEqual([{ shipment_id: 'S1', carrier: 'Heron', status: 'lost' }]);
    });
  });

  it('refuses an empty code in a cause_code list', async () => {
    const header = 'complaint_id,channel,opened_at,status,text,cause_code';
    const opened = '2026-11-02T10:00:00+08:00';
    const rows = [`K1,chat,${opened},open,x,transit_damage|`, `K2,chat,${opened},open,x,transit_damage||packaging`, `K3,chat,${opened},open,x,|`];
    await ingestOnce({ 'complaints-1.csv': [header, ...rows, ''].join('\n') }, async (w, [report]) => {
      expect(report).toMatchObject({ rowsLoaded: 0, rowsQuarantined: 3 });
      expect(await w.all(`select line_number, reason from quarantine order by line_number`)).toEqual([
        { line_number: 2, reason: expect.stringMatching(/^cause_code '' is not one of /) },
        { line_number: 3, reason: expect.stringMatching(/^cause_code '' is not one of /) },
        { line_number: 4, reason: expect.stringMatching(/^cause_code '\|' is not one of /) },
      ]);
    });
  });

  it('stores a cause_code list as distinct codes, whatever their letter case', async () => {
    await ingestOnce(
      { 'complaints-1.csv': 'complaint_id,channel,opened_at,status,text,cause_code\nK1,chat,2026-11-02T10:00:00+08:00,open,x,transit_damage|Transit_Damage\n' },
      async (w) => {
        expect(await w.all(`select cause_code from raw_complaints`)).toEqual([{ cause_code: 'transit_damage' }]);
      },
    );
  });

  it('cuts a long value quoted in a reason at 60 characters', async () => {
    const channel = 'x'.repeat(80);
    await ingestOnce({ 'complaints-1.csv': `complaint_id,channel,opened_at,status,text\nK1,${channel},2026-11-02T10:00:00+08:00,open,x\n` }, async (w) => {
      expect((await w.one<{ reason: string }>(`select reason from quarantine`))?.reason).toBe(
        `channel '${'x'.repeat(60)}…' is not one of chat, hotline, app, email, social, other`,
      );
    });
  });
});

describe('JSONL lines', () => {
  it('skips a line of spaces between records as it skips an empty one, and keeps counting lines', async () => {
    const record = (id: string) => JSON.stringify({ sku: id, title: id, category: 'toys' });
    await ingestOnce({ 'products-1.jsonl': `${record('A')}\n   \n${record('B')}\n` }, async (w, [report]) => {
      expect(report).toMatchObject({ rowsRead: 2, rowsLoaded: 2, rowsQuarantined: 0 });
      expect(await w.all(`select sku, _line from raw_products order by sku`)).toEqual([
        { sku: 'A', _line: 1 },
        { sku: 'B', _line: 3 },
      ]);
    });
  });
});

describe('order of files and versions', () => {
  it('reads the files of a run in name order whatever order the folder lists them in (the later file wins a tie)', async () => {
    const dates = '2026-11-01T10:00:00+08:00,2026-11-04T10:00:00+08:00,';
    const listed = fs.readdirSync;
    // The file system's order is its own (ext4 hashes names): here the later name comes first.
    vi.spyOn(fs, 'readdirSync').mockImplementation(((...args: Parameters<typeof fs.readdirSync>) => {
      const entries = listed(...args) as unknown[];
      return [...entries].reverse();
    }) as typeof fs.readdirSync);
    await ingestOnce(
      {
        'shipments-a.csv': `${SHIPMENT_HEADER}\nS1,O1,Heron,${dates},in_transit\n`,
        'shipments-b.csv': `${SHIPMENT_HEADER}\nS1,O1,Heron,${dates},lost\n`,
      },
      async (w, reports) => {
        expect(reports.map((r) => r.fileName)).toEqual(['shipments-a.csv', 'shipments-b.csv']);
        expect(await w.all(`select status from raw_shipments`)).toEqual([{ status: 'lost' }]);
      },
    );
  });

  it('replaces each part of a composite key by its own newer version in a later run', async () => {
    await withTempDir(async (dir) => {
      const inbox = path.join(dir, 'inbox');
      await withWarehouse(async (w) => {
        writeFiles(inbox, { 'order_items-1.csv': `${ITEM_HEADER}\nO1,1,A,1,9.9\nO1,2,B,1,9.9\n` });
        await ingestFolder(w, inbox, 'r1');
        writeFiles(inbox, { 'order_items-2.csv': `${ITEM_HEADER}\nO1,1,A,3,9.9\nO1,2,B,4,9.9\n` });
        await ingestFolder(w, inbox, 'r2');
        expect(await w.all(`select line_no, sku, quantity from raw_order_items order by line_no`)).toEqual([
          { line_no: 1, sku: 'A', quantity: 3 },
          { line_no: 2, sku: 'B', quantity: 4 },
        ]);
      });
    });
  });
});
