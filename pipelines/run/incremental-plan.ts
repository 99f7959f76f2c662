/**
 * Decides how this run builds each model declared `incremental` (models/declarations.ts): whole, or
 * only the rows whose inputs changed since the last build, the rest of the table staying as it is.
 * At benchmark scale L (1 M complaints, 9.7 M order lines) the complaint chain took ~10 s of the run's
 * ~22 s of models and the orders' categories ~3.5 s, while a daily run touches a few thousand of them.
 *
 * A model's rows depend on the records and on everything else: the config, the rules, the SQL. So a
 * build is incremental only when the last one (model_build_state) saw the same inputs fingerprint and
 * an as_of no later than this run's; it then rebuilds the keys `sql/changes/<model>.sql` lists, a query
 * over the raw tables (rows loaded since the last build's last file: `_file_id` grows with every
 * batch), raw_removed_rows (versions that left) and the model's own table, given the last build's
 * `last_file_id` and `last_as_of` as variables. Anything else (first build, another fingerprint, an
 * earlier as_of, a missing table) builds it whole. test/models/incremental-facts.test.ts holds both
 * ways to the same rows.
 *
 * A source that sends every record again each day (a full catalog dump) makes every row look changed:
 * the build is then as slow as a whole one, never wrong.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../core/config.ts';
import type { ModelDeclaration } from '../core/model-runner.ts';
import { SQL_DIR, type Warehouse } from '../core/warehouse.ts';
import { crisisTextMacroSql } from '../../models/safety-words.ts';
import { MODELS } from '../../models/declarations.ts';
import { buildModeVariable, causeRuleSet, loadShippedCauseRules, matchedCausesMacroSql } from './prepare-run-inputs.ts';

export interface IncrementalBuildPlan {
  model: string;
  mode: 'full' | 'incremental';
  /** Why: for the run log and whoever wonders why a run took longer than the last. */
  reason: string;
  /** Keys rebuilt by an incremental build; null for a whole build. */
  changedKeys: number | null;
  fingerprint: string;
}

/** The models built incrementally when the plan allows. */
export const INCREMENTAL_MODELS = MODELS.filter((m) => m.incremental);

/**
 * Everything besides the records that shapes the models: the whole config (simpler to trust than a
 * hand-kept list of the settings that matter; a config edit is rare and costs one whole build), the
 * SQL of every model, macro and change query, the shipped cause rules and the macros the run
 * generates from them.
 */
export function modelInputsFingerprint(config: Config): string {
  const hash = crypto.createHash('sha256');
  hash.update(JSON.stringify(config));
  for (const layer of ['macros', 'staging', 'intermediate', 'marts', 'changes']) {
    const dir = path.join(SQL_DIR, layer);
    for (const file of fs.readdirSync(dir).sort()) hash.update(`\n-- ${layer}/${file}\n`).update(fs.readFileSync(path.join(dir, file)));
  }
  hash.update(crisisTextMacroSql(config.severityRules));
  hash.update(matchedCausesMacroSql(causeRuleSet(loadShippedCauseRules(), config.causeRules)));
  return hash.digest('hex');
}

interface BuildState {
  inputs_fingerprint: string;
  as_of: Date;
  last_file_id: number;
}

async function tableExists(warehouse: Warehouse, name: string): Promise<boolean> {
  return (await warehouse.scalar(`select count(*) from duckdb_tables() where not temporary and schema_name = 'main' and table_name = $1`, [name])) > 0;
}

async function planModel(warehouse: Warehouse, model: ModelDeclaration, fingerprint: string, asOf: Date): Promise<IncrementalBuildPlan> {
  const full = (reason: string): IncrementalBuildPlan => ({ model: model.name, mode: 'full', reason, changedKeys: null, fingerprint });
  const last = await warehouse.one<BuildState>('select inputs_fingerprint, as_of, last_file_id from model_build_state where model = $1', [model.name]);
  if (!last) return full('no earlier build');
  if (!(await tableExists(warehouse, model.name))) return full(`${model.name} is missing`);
  if (last.inputs_fingerprint !== fingerprint) return full('the config, the rules or the SQL changed since the last build');
  if (asOf < last.as_of) return full(`as_of ${asOf.toISOString()} is before the last build's (${last.as_of.toISOString()})`);

  await warehouse.run(`set variable last_file_id = ${Number(last.last_file_id)}`);
  await warehouse.run(`set variable last_as_of = '${last.as_of.toISOString()}'::timestamptz`);
  const { changedKeys } = model.incremental!;
  await warehouse.run(`insert into ${changedKeys}\n${fs.readFileSync(path.join(SQL_DIR, 'changes', `${model.name}.sql`), 'utf8')}`);
  await warehouse.run(`set variable ${buildModeVariable(model.name)} = 'incremental'`);
  const changed = await warehouse.scalar(`select count(*) from ${changedKeys}`);
  return {
    model: model.name,
    mode: 'incremental',
    reason: `${changed} key(s) changed since the build for ${last.as_of.toISOString()}`,
    changedKeys: changed,
    fingerprint,
  };
}

/**
 * Plans every incremental model's build and prepares what its SQL reads: the build-mode variable and
 * the run table of changed keys. Call after prepareRunInputs (which sets as_of and defaults every
 * model to a whole build), before the models.
 */
export async function planIncrementalBuilds(
  warehouse: Warehouse,
  config: Config,
  asOf: Date,
  models: readonly ModelDeclaration[] = INCREMENTAL_MODELS,
): Promise<IncrementalBuildPlan[]> {
  const fingerprint = modelInputsFingerprint(config);
  const plans: IncrementalBuildPlan[] = [];
  for (const model of models) plans.push(await planModel(warehouse, model, fingerprint, asOf));
  return plans;
}

/** The models to pass to buildModels as `incremental`. */
export const incrementallyBuilt = (plans: readonly IncrementalBuildPlan[]) => new Set(plans.filter((p) => p.mode === 'incremental').map((p) => p.model));

/** Notes what the builds just made saw (after the models, inside the run's transaction). */
export async function recordIncrementalBuilds(warehouse: Warehouse, plans: readonly IncrementalBuildPlan[], asOf: Date): Promise<void> {
  for (const plan of plans) {
    await warehouse.run(`delete from model_build_state where model = $1`, [plan.model]);
    await warehouse.run(`insert into model_build_state select $1, $2, $3::timestamptz, coalesce((select max(file_id) from ingested_files), 0), now()`, [
      plan.model,
      plan.fingerprint,
      asOf,
    ]);
  }
  // Every change query has read them.
  await warehouse.run(`delete from raw_removed_rows`);
}
