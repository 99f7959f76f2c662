/**
 * Marts are a pure function of the records, as_of and the config (CONTRACT §5): byte-identical files
 * for the same inputs. DuckDB runs a statement on as many threads as it has, and on inputs of several
 * row groups the threads finish in any order: sums of doubles, aggregates in arrival order or rows
 * written in arrival order would then differ from run to run. The golden worlds are too small to run
 * in parallel; this one is not (~240 k order lines, shipments in two row groups), and one thread
 * against two must give the same bytes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig, type Config } from '../../../pipelines/core/config.ts';
import { createSilentLogger } from '../../../pipelines/core/logger.ts';
import { writeDemoWorld } from '../../../pipelines/demo/demo-world.ts';
import { runPipeline } from '../../../pipelines/run/run-pipeline.ts';
import { withTempDir } from '../../helpers/warehouse.ts';

function withThreads(threads: number): Config {
  const config = defaultConfig();
  return { ...config, warehouse: { ...config.warehouse, threads } };
}

describe('parallel determinism', () => {
  it('one DuckDB thread and two export the same marts, byte for byte', async () => {
    await withTempDir(async (dir) => {
      const inbox = path.join(dir, 'inbox');
      const world = await writeDemoWorld({ dir: inbox, scale: 6 });
      const asOf = new Date(world.asOf);
      const martsOf = async (threads: number) => {
        const outDir = path.join(dir, `out-${threads}`);
        const summary = await runPipeline({
          inboxDir: inbox,
          databaseFile: path.join(dir, `w-${threads}.duckdb`),
          outDir,
          config: withThreads(threads),
          logger: createSilentLogger(),
          asOf,
        });
        return { marts: path.join(outDir, 'marts'), summary };
      };
      const single = await martsOf(1);
      const parallel = await martsOf(2);
      // Big enough for DuckDB to split the work: more than one row group (122,880 rows) of shipments.
      expect(await shipmentsLoaded(single.summary)).toBeGreaterThan(122_880);

      const files = fs.readdirSync(single.marts).sort();
      expect(files.filter((f) => f.endsWith('.csv')).length).toBeGreaterThanOrEqual(10);
      expect(fs.readdirSync(parallel.marts).sort()).toEqual(files);
      for (const file of files) {
        const expected = fs.readFileSync(path.join(single.marts, file));
        expect(fs.readFileSync(path.join(parallel.marts, file)).equals(expected), file).toBe(true);
      }
    });
  }, 120_000);
});

async function shipmentsLoaded(summary: Awaited<ReturnType<typeof runPipeline>>): Promise<number> {
  return summary.files.filter((f) => f.entity === 'shipments').reduce((n, f) => n + f.rowsLoaded, 0);
}
