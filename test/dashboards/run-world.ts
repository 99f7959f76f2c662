/**
 * Runs the whole pipeline in-process on an inbox (ingest, models, marts, site, review), for the
 * dashboard tests that need real output folders.
 */
import path from 'node:path';
import { defaultConfig, type Config } from '../../pipelines/core/config.ts';
import { createSilentLogger } from '../../pipelines/core/logger.ts';
import { defaultPublishers } from '../../pipelines/run/publishers.ts';
import { runPipeline, type RunSummary } from '../../pipelines/run/run-pipeline.ts';

export interface WorldRun {
  inboxDir: string;
  databaseFile: string;
  outDir: string;
  summary: RunSummary;
}

export async function runWorld(dir: string, asOf: string, config: Partial<Config> = {}): Promise<WorldRun> {
  const inboxDir = path.join(dir, 'inbox');
  const databaseFile = path.join(dir, 'rootloop.duckdb');
  const outDir = path.join(dir, 'out');
  const summary = await runPipeline({
    inboxDir,
    databaseFile,
    outDir,
    config: { ...defaultConfig(), ...config },
    logger: createSilentLogger(),
    asOf: new Date(asOf),
    publishers: defaultPublishers(),
  });
  return { inboxDir, databaseFile, outDir, summary };
}

/** Seconds a step of the run took (render_site, render_report). */
export function secondsOfStep(summary: RunSummary, step: string): number {
  const record = summary.steps.find((s) => s.step === step);
  return record ? (record.endedAt.getTime() - record.startedAt.getTime()) / 1000 : NaN;
}
