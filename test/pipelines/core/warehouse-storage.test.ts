/**
 * How a writing warehouse stores strings (config warehouse.fsstCompression): without FSST by default,
 * as appending batches spent most of their time weighing it; with it when the config asks.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig, writerOpenOptions } from '../../../pipelines/core/config.ts';
import { Warehouse } from '../../../pipelines/core/warehouse.ts';
import { withTempDir } from '../../helpers/warehouse.ts';

/** Writes 200 k distinct ids (FSST's best case: long shared prefixes) and names their compression. */
async function compressionOfIds(fsstCompression: boolean | undefined): Promise<string[]> {
  return withTempDir(async (dir) => {
    const config = parseConfig(fsstCompression === undefined ? {} : { warehouse: { fsstCompression } });
    const warehouse = await Warehouse.open(path.join(dir, 'w.duckdb'), writerOpenOptions(config));
    try {
      await warehouse.run(`create table ids as select 'ORDER-2026-' || lpad(cast(range as varchar), 9, '0') as id from range(200000)`);
      await warehouse.checkpoint();
      const rows = await warehouse.all<{ compression: string }>(
        `select distinct compression from pragma_storage_info('ids') where column_name = 'id' and segment_type = 'VARCHAR' order by 1`,
      );
      return rows.map((r) => r.compression);
    } finally {
      await warehouse.close();
    }
  });
}

describe('string storage of a writing warehouse', () => {
  it('does not write FSST by default', async () => {
    expect(await compressionOfIds(undefined)).not.toContain('FSST');
  });

  it('writes FSST when warehouse.fsstCompression is on', async () => {
    expect(await compressionOfIds(true)).toContain('FSST');
  });
});
