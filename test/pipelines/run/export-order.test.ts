/**
 * Exported mart files list rows in key order whatever order the mart table holds them in: the
 * export sorts once and writes both files from the sorted copy.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { exportMart } from '../../../pipelines/run/export-marts.ts';
import { withTempDir, withWarehouse } from '../../helpers/warehouse.ts';

describe('mart export', () => {
  it('writes the CSV and the Parquet file sorted by the key, from a table filled in reverse', async () => {
    await withTempDir((dir) =>
      withWarehouse(async (warehouse) => {
        // 300 k rows inserted in descending key order, enough for several row groups and threads.
        await warehouse.run(
          `create table mart_test as select 'K' || lpad(i::varchar, 7, '0') as id, i % 7 as part, i * 2 as value from range(300000, 0, -1) t(i)`,
        );
        await exportMart(
          warehouse,
          { name: 'mart_test', layer: 'marts', inputs: [], grain: 'one row per id', materialized: 'table', key: ['id', 'part'], exported: true },
          dir,
        );
        const csvIds = fs
          .readFileSync(path.join(dir, 'mart_test.csv'), 'utf8')
          .trim()
          .split('\n')
          .slice(1)
          .map((line) => line.split(',')[0]);
        expect(csvIds).toHaveLength(300000);
        expect(csvIds[0]).toBe('K0000001');
        expect(csvIds.every((id, i) => i === 0 || csvIds[i - 1]! < id!)).toBe(true);
        const connection = await (await DuckDBInstance.create(':memory:')).connect();
        const parquet = await connection.runAndReadAll(
          `select count(*) filter (where id <= lag_id) as out_of_order, count(*) as n from (select id, lag(id) over (order by file_row_number) as lag_id from read_parquet('${path.join(dir, 'mart_test.parquet')}', file_row_number = true))`,
        );
        expect(parquet.getRowObjectsJS()[0]).toEqual({ out_of_order: 0n, n: 300000n });
        connection.closeSync();
      }),
    );
  });
});
