/**
 * `rootloop demo`: writes the seeded demo world into DIR/inbox and runs the whole pipeline once on it,
 * with "now" fixed at the world's end so the output is the same on every machine. DIR is the run's
 * output folder too (DIR/marts, DIR/site, DIR/report, as `run --out DIR` writes them), beside the
 * inbox and the database (DIR/rootloop.duckdb): `rootloop serve --out DIR` then serves the demo.
 */
import path from 'node:path';
import { defaultConfig } from '../core/config.ts';
import { createLogger } from '../core/logger.ts';
import { writeDemoWorld } from '../demo/demo-world.ts';
import { defaultPublishers } from './publishers.ts';
import { runPipeline, type RunSummary } from './run-pipeline.ts';

export interface DemoOptions {
  outDir: string;
  scale?: number;
  seed?: number;
  quiet?: boolean;
  /** Stops the run (SIGINT / SIGTERM): it rolls back like any interrupted run. */
  signal?: AbortSignal;
}

export async function runDemo(options: DemoOptions): Promise<RunSummary> {
  const { outDir } = options;
  const inboxDir = path.join(outDir, 'inbox');
  const databaseFile = path.join(outDir, 'rootloop.duckdb');
  const world = await writeDemoWorld({ dir: inboxDir, scale: options.scale ?? 1, ...(options.seed !== undefined ? { seed: options.seed } : {}) });
  const summary = await runPipeline({
    inboxDir,
    databaseFile,
    outDir,
    config: defaultConfig(),
    logger: createLogger({ quiet: options.quiet ?? false }),
    asOf: new Date(world.asOf),
    job: 'demo',
    publishers: defaultPublishers(),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  process.stdout.write(
    [
      `demo world: ${Object.entries(world.counts)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')} (as of ${world.asOf})`,
      `warehouse:  ${databaseFile}`,
      `marts:      ${path.join(outDir, 'marts')}`,
      `dashboards: ${path.join(outDir, 'site', 'index.html')}  (or: npx rootloop serve --out ${outDir})`,
      `report:     ${path.join(outDir, 'report')}`,
      `status:     npx rootloop status --db ${databaseFile}`,
      '',
    ].join('\n'),
  );
  return summary;
}
