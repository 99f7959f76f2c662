/**
 * Versions of one key (CONTRACT §2): re-ingesting is a no-op, a later updated_at replaces the whole
 * record, an older one does not, a version without updated_at is ordered by its file's ingestion time,
 * ties go to the later file and then the later line; timestamp notations land as the same instant.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingestInbox } from '../../../../pipelines/sources/inbox/load.ts';
import { ingestFolder, snapshotTable } from '../../../helpers/ingest.ts';
import { withTempDir, withWarehouse, writeFiles } from '../../../helpers/warehouse.ts';

const HEADER = 'shipment_id,order_id,carrier,shipped_at,promised_at,delivered_at,status,origin_region,updated_at';

describe('versions and idempotency', () => {
  it('skips files already ingested: a rerun changes nothing', async () => {
    await withTempDir(async (dir) => {
      const inbox = path.join(dir, 'inbox');
      writeFiles(inbox, { 'shipments-1.csv': `${HEADER}\nS1,O1,Heron,2026-11-01T10:00:00+08:00,2026-11-04T10:00:00+08:00,,in_transit,广东,\n` });
      await withWarehouse(async (w) => {
        await ingestFolder(w, inbox, 'r1');
        const before = await snapshotTable(w, 'raw_shipments');
        const second = await ingestFolder(w, inbox, 'r2');
        expect(second.map((r) => r.status)).toEqual(['skipped']);
        expect(await snapshotTable(w, 'raw_shipments')).toBe(before);
        expect(await w.scalar('select count(*) from ingested_files')).toBe(1);
        // The same content under another name is the same file.
        fs.copyFileSync(path.join(inbox, 'shipments-1.csv'), path.join(inbox, 'shipments-1-copy.csv'));
        expect((await ingestFolder(w, inbox, 'r3')).map((r) => r.status)).toEqual(['skipped', 'skipped']);
      });
    });
  });

  it('skips an unchanged file; reads a file rewritten in place even with its size and mtime set back', async () => {
    await withTempDir(async (dir) => {
      const inbox = path.join(dir, 'inbox');
      const file = path.join(inbox, 'shipments-1.csv');
      writeFiles(inbox, { 'shipments-1.csv': `${HEADER}\nS1,O1,Heron,2026-11-01T10:00:00+08:00,2026-11-04T10:00:00+08:00,,in_transit,广东,\n` });
      const mtime = new Date('2026-11-01T10:00:00Z'); // whole seconds: utimes cannot set nanoseconds back
      fs.utimesSync(file, mtime, mtime);
      await withWarehouse(async (w) => {
        await ingestFolder(w, inbox, 'r1');
        expect((await ingestFolder(w, inbox, 'r2')).map((r) => r.status)).toEqual(['skipped']);
        // Bytes changed, size and mtime restored (as cp -p or rsync -t leave them): the inode change
        // time still moved, so the file is read, and the later version replaces the record.
        const sameSize = fs.readFileSync(file, 'utf8').replace('in_transit', 'exception ');
        fs.writeFileSync(file, sameSize);
        fs.utimesSync(file, mtime, mtime);
        expect((await ingestFolder(w, inbox, 'r3')).map((r) => r.status)).toEqual(['loaded']);
        expect((await w.one<{ status: string }>(`select status from raw_shipments where shipment_id = 'S1'`))?.status).toBe('exception');
        expect(await w.scalar('select count(*) from raw_shipments')).toBe(1);
        expect(await w.scalar('select count(*) from ingested_files where modified_ns is not null and changed_ns is not null')).toBe(2);
        expect((await ingestFolder(w, inbox, 'r4')).map((r) => r.status)).toEqual(['skipped']);
      });
    });
  });

  it('an unrecognised file renamed to an entity name loads (its content was never ingested)', async () => {
    await withTempDir(async (dir) => {
      const inbox = path.join(dir, 'inbox');
      const content = `${HEADER}\nS1,O1,Heron,2026-11-01T10:00:00+08:00,2026-11-04T10:00:00+08:00,,in_transit,,\n`;
      writeFiles(inbox, { 'shipment-typo.csv': content });
      await withWarehouse(async (w) => {
        expect((await ingestFolder(w, inbox, 'r1')).map((r) => [r.fileName, r.status])).toEqual([['shipment-typo.csv', 'unrecognized']]);
        // Seen again under the same name: no second ledger row.
        expect((await ingestFolder(w, inbox, 'r2')).map((r) => r.status)).toEqual(['skipped']);
        fs.renameSync(path.join(inbox, 'shipment-typo.csv'), path.join(inbox, 'shipments-fixed.csv'));
        expect((await ingestFolder(w, inbox, 'r3')).map((r) => [r.fileName, r.status, r.rowsLoaded])).toEqual([['shipments-fixed.csv', 'loaded', 1]]);
        expect(await w.scalar('select count(*) from raw_shipments')).toBe(1);
        expect(await w.all('select file_name, status from ingested_files order by file_id')).toEqual([
          { file_name: 'shipment-typo.csv', status: 'unrecognized' },
          { file_name: 'shipments-fixed.csv', status: 'loaded' },
        ]);
      });
    });
  });

  it('an update drop replaces the whole record; an older version does not; no duplicates', async () => {
    await withTempDir(async (dir) => {
      const inbox = path.join(dir, 'inbox');
      await withWarehouse(async (w) => {
        writeFiles(inbox, {
          'shipments-1.csv': `${HEADER}\nS1,O1,Heron,2026-11-01T10:00:00+08:00,2026-11-04T10:00:00+08:00,,in_transit,广东,2026-11-01T10:00:00+08:00\nS2,O2,Gull,2026-11-01T10:00:00+08:00,2026-11-04T10:00:00+08:00,,in_transit,浙江,2026-11-01T10:00:00+08:00\n`,
        });
        await ingestFolder(w, inbox, 'r1');
        // S1 delivered (newer, origin now empty: a missing column empties the field); S2 stale (older).
        writeFiles(inbox, {
          'shipments-2.csv': `${HEADER}\nS1,O1,Heron,2026-11-01T10:00:00+08:00,2026-11-04T10:00:00+08:00,2026-11-03T15:00:00+08:00,delivered,,2026-11-03T15:00:00+08:00\nS2,O2,Gull,2026-11-01T10:00:00+08:00,2026-11-04T10:00:00+08:00,,lost,浙江,2026-10-30T00:00:00+08:00\n`,
        });
        await ingestFolder(w, inbox, 'r2');
        const rows = await w.all<{ shipment_id: string; status: string; origin_region: string | null }>(
          `select shipment_id, status, origin_region from raw_shipments order by 1`,
        );
        expect(rows).toEqual([
          { shipment_id: 'S1', status: 'delivered', origin_region: null },
          { shipment_id: 'S2', status: 'in_transit', origin_region: '浙江' },
        ]);
      });
    });
  });

  it('a record without updated_at in a later file wins (ordered by ingestion time); within a file the later line wins', async () => {
    await withTempDir(async (dir) => {
      const inbox = path.join(dir, 'inbox');
      await withWarehouse(async (w) => {
        writeFiles(inbox, {
          'shipments-1.csv': `${HEADER}\nS1,O1,Heron,2026-11-01T10:00:00+08:00,2026-11-04T10:00:00+08:00,,in_transit,,2026-11-01T10:00:00+08:00\n`,
        });
        await ingestFolder(w, inbox, 'r1');
        writeFiles(inbox, {
          'shipments-2.csv': `${HEADER}\nS1,O1,Heron,2026-11-01T10:00:00+08:00,2026-11-04T10:00:00+08:00,,exception,,\nS1,O1,Heron,2026-11-01T10:00:00+08:00,2026-11-04T10:00:00+08:00,,returned,,\n`,
        });
        const reports = await ingestFolder(w, inbox, 'r2');
        expect(reports.find((r) => r.fileName === 'shipments-2.csv')).toMatchObject({ rowsRead: 2, rowsLoaded: 2, rowsDuplicate: 0 });
        expect(await w.all(`select status from raw_shipments`)).toEqual([{ status: 'returned' }]);
      });
    });
  });

  it('a clean file repeating a record verbatim: the repeat counts as a duplicate in the ledger and the report, once', async () => {
    await withTempDir(async (dir) => {
      const inbox = path.join(dir, 'inbox');
      const row = (id: string, status: string) => `${id},O1,Heron,2026-11-01T10:00:00+08:00,2026-11-04T10:00:00+08:00,,${status},,`;
      // Every record is valid, so both files take the one-pass path; a key repeats in each, but only
      // the first repeats a whole record.
      writeFiles(inbox, {
        'shipments-1.csv': [HEADER, row('S1', 'in_transit'), row('S2', 'in_transit'), row('S1', 'in_transit'), ''].join('\n'),
        'shipments-2.csv': [HEADER, row('S3', 'in_transit'), row('S3', 'delivered'), ''].join('\n'),
      });
      await withWarehouse(async (w) => {
        const heard: string[] = [];
        await w.begin();
        const reports = await ingestInbox(w, { inboxDir: inbox, runId: 'r1', onFile: (r) => heard.push(`${r.fileName}:${r.rowsLoaded}+${r.rowsDuplicate}`) });
        await w.commit();
        expect(reports.map((r) => [r.fileName, r.rowsRead, r.rowsLoaded, r.rowsQuarantined, r.rowsDuplicate])).toEqual([
          ['shipments-1.csv', 3, 2, 0, 1],
          ['shipments-2.csv', 2, 2, 0, 0],
        ]);
        // Heard as loaded whole, then corrected once the run's keys were counted.
        expect(heard).toEqual(['shipments-1.csv:3+0', 'shipments-2.csv:2+0', 'shipments-1.csv:2+1']);
        expect(await w.all(`select file_name, rows_read, rows_loaded, rows_duplicate from ingested_files order by file_id`)).toEqual([
          { file_name: 'shipments-1.csv', rows_read: 3, rows_loaded: 2, rows_duplicate: 1 },
          { file_name: 'shipments-2.csv', rows_read: 2, rows_loaded: 2, rows_duplicate: 0 },
        ]);
        expect(await w.all(`select shipment_id, status, _line from raw_shipments order by shipment_id`)).toEqual([
          { shipment_id: 'S1', status: 'in_transit', _line: 2 },
          { shipment_id: 'S2', status: 'in_transit', _line: 3 },
          { shipment_id: 'S3', status: 'delivered', _line: 3 },
        ]);
      });
    });
  });

  it('files of one run load in name order: on equal updated_at the later file wins', async () => {
    await withTempDir(async (dir) => {
      const inbox = path.join(dir, 'inbox');
      const row = (status: string) => `S1,O1,Heron,2026-11-01T10:00:00+08:00,2026-11-04T10:00:00+08:00,,${status},,2026-11-02T00:00:00+08:00`;
      writeFiles(inbox, { 'shipments-b.csv': `${HEADER}\n${row('lost')}\n`, 'shipments-a.csv': `${HEADER}\n${row('exception')}\n` });
      await withWarehouse(async (w) => {
        await ingestFolder(w, inbox);
        expect(await w.all(`select status from raw_shipments`)).toEqual([{ status: 'lost' }]);
      });
    });
  });

  it('timestamps with an offset, with Z and without an offset (local) land as the same instant', async () => {
    await withTempDir(async (dir) => {
      const inbox = path.join(dir, 'inbox');
      writeFiles(inbox, {
        'orders-1.csv': [
          'order_id,customer_id,ordered_at,total_amount',
          'O1,C,2026-11-02T10:00:00+08:00,1',
          'O2,C,2026-11-02T02:00:00Z,1',
          'O3,C,2026-11-02T10:00:00,1',
          'O4,C,2026-11-02 10:00,1',
          'O5,C,2026-11-02T03:00:00+01:00,1',
          'O6,C,2026-11-02T10:00:00.000+0800,1',
          'O7,C,2026-11-02T10:00+08:00,1',
          'O8,C,2026-11-02T02:00Z,1',
        ].join('\n'),
      });
      await withWarehouse(async (w) => {
        await ingestFolder(w, inbox);
        const instants = await w.all<{ t: number }>(`select distinct epoch(ordered_at) as t from raw_orders`);
        expect(instants).toEqual([{ t: Date.parse('2026-11-02T02:00:00Z') / 1000 }]);
      });
      // In another zone, the naive times move and the others do not.
      await withWarehouse(async (w) => {
        await ingestFolder(w, inbox);
        expect(await w.scalar(`select count(distinct epoch(ordered_at)) from raw_orders`)).toBe(2);
        expect(await w.scalar(`select epoch(ordered_at) from raw_orders where order_id = 'O3'`)).toBe(Date.parse('2026-11-02T10:00:00-05:00') / 1000);
      }, 'America/New_York');
    });
  });
});
