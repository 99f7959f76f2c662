/**
 * How a run stores strings (config warehouse.ingestFsstCompression): its ingest appends without FSST by
 * default, as weighing it was most of an append; its models' tables with FSST, as fct_complaints' texts
 * are rewritten by every run; the ingest with FSST too when the config asks.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig, writerOpenOptions } from '../../../pipelines/core/config.ts';
import { Warehouse } from '../../../pipelines/core/warehouse.ts';
import { withTempDir } from '../../helpers/warehouse.ts';

type Phase = 'ingest' | 'models';

/** Writes 200 k distinct ids (FSST's best case: long shared prefixes) in a phase and names their compression. */
async function compressionOfIds(phase: Phase, ingestFsstCompression?: boolean): Promise<string[]> {
  return withTempDir(async (dir) => {
    const config = parseConfig(ingestFsstCompression === undefined ? {} : { warehouse: { ingestFsstCompression } });
    const warehouse = await Warehouse.open(path.join(dir, 'w.duckdb'), writerOpenOptions(config));
    try {
      await warehouse.compressForIngest();
      if (phase === 'models') await warehouse.compressForModels();
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

describe('string storage of a run', () => {
  it('appends the ingest without FSST by default', async () => {
    expect(await compressionOfIds('ingest')).not.toContain('FSST');
  });

  it('writes the models with FSST', async () => {
    expect(await compressionOfIds('models')).toContain('FSST');
  });

  it('appends the ingest with FSST when warehouse.ingestFsstCompression is on', async () => {
    expect(await compressionOfIds('ingest', true)).toContain('FSST');
  });
});
