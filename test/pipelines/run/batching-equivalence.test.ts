/**
 * A warehouse fed in batches ends where one fed all at once does: the demo world's files, in the order
 * an inbox reads them (by name), loaded by one run or by three runs (each run's inbox keeping the files
 * of the runs before, as a real inbox does), all at the same as_of, export the same marts byte for
 * byte. This is what incremental runs rest on: versions settled across runs as within one, skipped
 * files, quarantine and exact duplicates counted once. (Arrival order decides only between versions
 * without updated_at or with equal ones, CONTRACT §2; keeping the files' order keeps it the same.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../pipelines/core/config.ts';
import { createSilentLogger } from '../../../pipelines/core/logger.ts';
import { writeDemoWorld } from '../../../pipelines/demo/demo-world.ts';
import { runPipeline } from '../../../pipelines/run/run-pipeline.ts';
import { withTempDir } from '../../helpers/warehouse.ts';

/** Runs the pipeline once per batch of files (copied into one inbox in turn); returns the marts folder. */
async function runInBatches(dir: string, source: string, batches: readonly (readonly string[])[], asOf: Date): Promise<string> {
  const inbox = path.join(dir, 'inbox');
  const outDir = path.join(dir, 'out');
  fs.mkdirSync(inbox, { recursive: true });
  for (const batch of batches) {
    for (const name of batch) fs.copyFileSync(path.join(source, name), path.join(inbox, name));
    await runPipeline({ inboxDir: inbox, databaseFile: path.join(dir, 'w.duckdb'), outDir, config: defaultConfig(), logger: createSilentLogger(), asOf });
  }
  return path.join(outDir, 'marts');
}

describe('batching', () => {
  it('three runs over parts of the inbox export the marts of one run over all of it', async () => {
    await withTempDir(async (dir) => {
      const source = path.join(dir, 'world');
      const world = await writeDemoWorld({ dir: source, scale: 0.5 });
      const asOf = new Date(world.asOf);
      const files = fs.readdirSync(source).sort();
      // The second run starts with the complaint updates: newer versions of complaints the first run
      // stored, so versions meet across runs.
      const updates = files.findIndex((f) => /^complaints-.*-updates\./.test(f));
      expect(updates).toBeGreaterThan(0);
      const middle = Math.ceil((updates + files.length) / 2);
      const batches = [files.slice(0, updates), files.slice(updates, middle), files.slice(middle)];
      expect(batches.every((b) => b.length > 0)).toBe(true);
      const oneRun = await runInBatches(path.join(dir, 'one'), source, [files], asOf);
      const threeRuns = await runInBatches(path.join(dir, 'three'), source, batches, asOf);

      const marts = fs
        .readdirSync(oneRun)
        .filter((f) => f.endsWith('.csv'))
        .sort();
      expect(marts.length).toBeGreaterThanOrEqual(10);
      expect(
        fs
          .readdirSync(threeRuns)
          .filter((f) => f.endsWith('.csv'))
          .sort(),
      ).toEqual(marts);
      for (const mart of marts) {
        const expected = fs.readFileSync(path.join(oneRun, mart), 'utf8');
        expect(expected.split('\n').length, mart).toBeGreaterThan(2);
        expect(fs.readFileSync(path.join(threeRuns, mart), 'utf8'), mart).toBe(expected);
      }
    });
  });
});
