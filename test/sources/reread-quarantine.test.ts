/**
 * A PostgreSQL pull reads some rows again by design (on the cursor, inside the look-back window, or a
 * table pulled whole). A bad row it quarantined before counts as a duplicate when read again, instead of
 * being quarantined on every refresh; but a row that was fixed and then went bad again is a new problem
 * and is quarantined again (it was counted as a duplicate, and the warehouse kept the fixed version
 * without a word).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPulledBatch } from '../../pipelines/sources/pulled/load-pulled-batch.ts';
import { withTempDir, withWarehouse } from '../helpers/warehouse.ts';

const HEADER = 'shipment_id,order_id,carrier,shipped_at,promised_at,status';
const row = (status: string) => `S1,O1,Heron,2026-11-01T10:00:00+08:00,2026-11-04T10:00:00+08:00,${status}`;

describe('re-read bad rows of a pulled source', () => {
  it('count as duplicates while unchanged, and are quarantined again after a good version loaded', async () => {
    await withTempDir(async (dir) =>
      withWarehouse(async (warehouse) => {
        const pull = (n: number, status: string) => {
          const file = path.join(dir, `shipments-${n}.csv`);
          fs.writeFileSync(file, `${HEADER}\n${row(status)}\n`);
          return warehouse.transaction(() =>
            loadPulledBatch(warehouse, `run-${n}`, {
              source: 'postgres',
              name: `postgres:shipments@run-${n}`,
              entity: 'shipments',
              format: 'csv',
              file,
              records: 1,
              rereads: true,
            }),
          );
        };
        const counts = async (n: number, status: string) => {
          const r = await pull(n, status);
          return [r.rowsLoaded, r.rowsQuarantined, r.rowsDuplicate];
        };
        expect(await counts(1, 'teleported')).toEqual([0, 1, 0]);
        expect(await counts(2, 'teleported')).toEqual([0, 0, 1]); // read again, unchanged: already quarantined
        expect(await counts(3, 'delivered')).toEqual([1, 0, 0]); // fixed
        expect(await counts(4, 'teleported')).toEqual([0, 1, 0]); // bad again: a new problem
        expect(await counts(5, 'teleported')).toEqual([0, 0, 1]);
        expect(await warehouse.scalar(`select count(*) from quarantine`)).toBe(2);
      }),
    );
  });
});
