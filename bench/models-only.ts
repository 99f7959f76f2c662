/**
 * Models only, on a built warehouse: opens the file through pipelines/core/warehouse.ts (migrations
 * and macros as in a run), then in one transaction prepares the run inputs and builds every model with
 * its invariant checks and row count (pipelines/core/model-runner.ts), and rolls back, so the file is
 * left as it was.
 *
 *   node bin/run-ts.mjs bench/models-only.ts --db FILE --as-of TS [--full]
 *
 * As a run, it builds the incremental models for their changed keys only when the warehouse's last
 * build allows (pipelines/run/incremental-plan.ts; on a built warehouse at its own as_of: the
 * complaints still waiting for an answer, the delivery weeks since that as_of); `--full` builds every
 * model whole.
 *
 * Prints one JSON line: seconds per phase (from after the imports) and per model.
 */
import { parseArgs } from 'node:util';
import { defaultConfig, writerOpenOptions } from '../pipelines/core/config.ts';
import { buildModels } from '../pipelines/core/model-runner.ts';
import { Warehouse } from '../pipelines/core/warehouse.ts';
import { prepareRunInputs } from '../pipelines/run/prepare-run-inputs.ts';
import { IncrementalBuildPlanner } from '../pipelines/run/incremental-plan.ts';
import { MODELS } from '../models/declarations.ts';

const started = performance.now();
const { values: args } = parseArgs({ options: { db: { type: 'string' }, 'as-of': { type: 'string' }, full: { type: 'boolean', default: false } } });
if (!args.db || !args['as-of']) throw new Error('usage: models-only.ts --db FILE --as-of TS');
const config = defaultConfig();
const phases: Record<string, number> = {};
let mark = performance.now();
const phase = (name: string) => {
  const now = performance.now();
  phases[name] = Number(((now - mark) / 1000).toFixed(3));
  mark = now;
};

// The settings of a real run (warehouse.memoryLimit …), so the figures match the run step's.
const warehouse = await Warehouse.open(args.db, writerOpenOptions(config));
phase('open');
await warehouse.begin();
await warehouse.flushFreedMemorySooner(); // as a run does once its ingest is done
const asOf = new Date(args['as-of']);
await prepareRunInputs(warehouse, config, asOf);
phase('inputs');
// the plans (and their change queries) are timed with the models they precede
const planner = args.full ? undefined : new IncrementalBuildPlanner(warehouse, config, asOf);
const built = await buildModels(warehouse, MODELS, undefined, { planner });
const plans = planner?.plans ?? [];
phase('models');
await warehouse.rollback();
phase('rollback');
await warehouse.close();
phase('close');

process.stdout.write(
  JSON.stringify({
    innerSeconds: Number(((performance.now() - started) / 1000).toFixed(3)),
    rows: built.reduce((n, m) => n + (m.rows ?? 0), 0),
    builds: args.full ? '--full' : Object.fromEntries(plans.map((p) => [p.model, p.reason])),
    phases,
    models: Object.fromEntries(built.map((m) => [m.name, { seconds: Number(m.seconds.toFixed(3)), rows: m.rows }])),
  }) + '\n',
);
