/**
 * Decides how this run builds each model declared `incremental` (models/declarations.ts): whole, or
 * only the rows whose inputs changed since the last build, the rest of the table staying as it is.
 * At benchmark scale L (1 M complaints, 9.7 M order lines) the daily run's models take 2.3–2.4 s and
 * a rerun's 1.0–1.2 s when the machine is quiet, 3.4–3.8 s and 2.0–2.2 s in its slow hours (benches
 * of 2026-12-04; 21.0 s before any of this, 12.2 s with its first version), and 1.9–2.9 s over 30
 * daily runs in a row that also update older records (`npm run bench:drift`; Singles' Day 2.9 s): the complaint chain, the orders' categories, the listing window, the corrective actions'
 * exposure dates and the weekly marts touch a few thousand complaints, the day's orders and the dates
 * and weeks that really changed instead of everything; the complaints whose row moves with as_of alone
 * are re-clocked in place (`incremental.reclocked`).
 *
 * A model's rows depend on the records and on everything else: the config, the rules, the SQL. So a
 * build is incremental only when the last one (model_build_state) saw the same fingerprint of those
 * (modelFingerprints: the parts the model reads) and an as_of no later than this run's; it then rebuilds the keys its query in `sql/changes/` lists, a
 * query over the raw tables (rows loaded since the last build's last file: `_file_id` grows with every
 * batch), raw_removed_rows (versions that left), the model's own table and the rows an upstream model
 * replaced this run, given the last build's `last_file_id` and `last_as_of` as variables. Anything
 * else (first build, another fingerprint, an earlier as_of, a missing table, an upstream incremental
 * model built whole, `run --full-rebuild`) builds it whole. test/models/incremental-facts.test.ts
 * holds both ways to the same rows.
 *
 * A source that sends every record again each day (a full catalog dump) makes every row look changed:
 * the build is then as slow as a whole one, never wrong.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../core/config.ts';
import {
  JOINS_AS_WRITTEN_SETTING,
  orderModelsByInputs,
  reclockFileOf,
  sqlFileOf,
  type IncrementalPlanner,
  type ModelDeclaration,
} from '../core/model-runner.ts';
import { REPO_ROOT, SQL_DIR, type Warehouse } from '../core/warehouse.ts';
import { MODELS } from '../../models/declarations.ts';
import { buildModeVariable, runInputsOf } from './prepare-run-inputs.ts';

export interface IncrementalBuildPlan {
  model: string;
  mode: 'full' | 'incremental';
  /** Why: for the run log and whoever wonders why a run took longer than the last. */
  reason: string;
  /** Keys rebuilt by an incremental build; null for a whole build. */
  changedKeys: number | null;
  /** Keys re-clocked in place by an incremental build of a model that does so (`incremental.reclocked`). */
  reclockedKeys?: number;
  fingerprint: string;
}

/** The query in sql/changes/ that lists a model's changed keys. */
const changesFileOf = (changes: string) => path.join(SQL_DIR, 'changes', `${changes}.sql`);

/**
 * What besides the records shapes each model's rows, as a fingerprint per model: its declaration and
 * SQL (and its change and re-clock queries, and those of the tables of changed keys it reads); the
 * run inputs (variables, generated macros, cfg_* tables: prepare-run-inputs.ts, the only way the
 * config reaches the SQL) its SQL names; every macro file with the run inputs those name; the time
 * zone (local dates and weeks); rootloop's version (an upgrade builds whole once, whatever else it
 * changed); and the fingerprints of the models it reads. So an edit of the config builds whole only
 * the models it reaches: a new cause rule rebuilds the complaint chain and what reads it (the day run
 * at benchmark scale L: models 12.5–14.2 s, against 24.9–26.6 s for a whole build: the orders'
 * categories, the attribution and the listing window stay incremental), a webhook or a schedule none. A variable no run input sets fails here, so a new
 * one cannot slip past the fingerprint.
 */
export function modelFingerprints(config: Config, models: readonly ModelDeclaration[] = MODELS): Map<string, string> {
  const runInputs = runInputsOf(config);
  const read = (file: string) => fs.readFileSync(file, 'utf8');
  const named = (texts: readonly string[]) => runInputs.filter((input) => texts.some((text) => new RegExp(`\\b${input.name}\\b`).test(text)));
  const hashOf = (parts: readonly string[]) => {
    const hash = crypto.createHash('sha256');
    for (const part of parts) hash.update(`${part.length}:`).update(part);
    return hash.digest('hex');
  };

  const macroTexts = fs
    .readdirSync(path.join(SQL_DIR, 'macros'))
    .sort()
    .map((file) => `-- macros/${file}\n${read(path.join(SQL_DIR, 'macros', file))}`);
  const shared = hashOf([
    (JSON.parse(read(path.join(REPO_ROOT, 'package.json'))) as { version: string }).version,
    config.timezone,
    ...macroTexts,
    ...named(macroTexts).flatMap((input) => input.statements),
  ]);

  const changeQueriesOf = (model: ModelDeclaration): string[] => {
    const { incremental } = model;
    if (!incremental) return [];
    const texts = [read(changesFileOf(incremental.changes ?? model.name))];
    if (incremental.reclocked) texts.push(read(changesFileOf(incremental.reclocked.changes)), read(reclockFileOf(model)));
    return texts;
  };
  const byName = new Map(models.map((m) => [m.name, m]));
  const known = new Set(['as_of', ...runInputs.map((input) => input.name), ...internalVariables(models)]);
  const checkVariables = (where: string, texts: readonly string[]) => {
    for (const text of texts)
      for (const [, variable] of text.matchAll(/getvariable\('([^']+)'\)/g))
        if (!known.has(variable!)) throw new Error(`${where} reads variable ${variable}, which no run input sets (pipelines/run/prepare-run-inputs.ts)`);
  };
  checkVariables('a macro file', macroTexts);
  const fingerprints = new Map<string, string>();
  for (const model of orderModelsByInputs(models)) {
    const own = [read(sqlFileOf(model)), ...changeQueriesOf(model)];
    // the queries that fill the tables of changed keys it reads (int_complaints_to_build reads
    // fct_complaints')
    const keyQueries = models
      .filter((other) => other !== model && other.incremental)
      .filter((other) => [other.incremental!.changedKeys, other.incremental!.reclocked?.changedKeys].some((t) => t && own.some((text) => text.includes(t))))
      .flatMap(changeQueriesOf);
    const texts = [...own, ...keyQueries];
    checkVariables(`model ${model.name}`, texts);
    fingerprints.set(
      model.name,
      hashOf([
        shared,
        JSON.stringify(model),
        ...texts,
        ...named(texts).flatMap((input) => input.statements),
        ...model.inputs.filter((input) => byName.has(input)).map((input) => `${input}=${fingerprints.get(input)!}`),
      ]),
    );
  }
  return fingerprints;
}

/** Variables the run sets for its own bookkeeping, not from the config. */
function internalVariables(models: readonly ModelDeclaration[]): string[] {
  const names = ['last_file_id', 'last_as_of', 'tz_fixed_offset_us', 'tz_fixed_offset_text'];
  for (const model of models) {
    names.push(buildModeVariable(model.name));
    if (model.incremental?.keyType === 'date') names.push(`${model.incremental.changedKeys}_first`, `${model.incremental.changedKeys}_last`);
  }
  return names;
}

interface BuildState {
  inputs_fingerprint: string;
  as_of: Date;
  last_file_id: number;
}

/**
 * Every model's last build and the tables in the file, read once per run (a query each per model cost
 * 4–6 ms, 0.06 s of a daily run): a model's own table is only made by its build, later in the run.
 */
interface StateBeforeRun {
  lastBuilds: Map<string, BuildState>;
  tables: Set<string>;
}

async function readStateBeforeRun(warehouse: Warehouse): Promise<StateBeforeRun> {
  const builds = await warehouse.all<BuildState & { model: string }>('select model, inputs_fingerprint, as_of, last_file_id from model_build_state');
  const tables = await warehouse.all<{ table_name: string }>(`select table_name from duckdb_tables() where not temporary and schema_name = 'main'`);
  return { lastBuilds: new Map(builds.map((b) => [b.model, b])), tables: new Set(tables.map((t) => t.table_name)) };
}

/**
 * The run's planner (model-runner.ts asks it just before a model's changed keys are first needed, so
 * a change query may read the rows an upstream model replaced this run). `plans` holds its decisions,
 * for recordIncrementalBuilds and the run summary.
 */
export class IncrementalBuildPlanner implements IncrementalPlanner {
  readonly plans: IncrementalBuildPlan[] = [];
  /** Run tables already filled, with the build state they were filled for (shared by several models). */
  private readonly filled = new Map<string, string>();
  private readonly fingerprints: Map<string, string>;
  private stateBeforeRun?: Promise<StateBeforeRun>;

  constructor(
    private readonly warehouse: Warehouse,
    config: Config,
    private readonly asOf: Date,
    private readonly options: { wholeOnly?: boolean } = {},
  ) {
    this.fingerprints = modelFingerprints(config);
  }

  async decide(model: ModelDeclaration, wholeInputs: readonly string[]): Promise<boolean> {
    const plan = await this.plan(model, wholeInputs);
    this.plans.push(plan);
    return plan.mode === 'incremental';
  }

  private async plan(model: ModelDeclaration, wholeInputs: readonly string[]): Promise<IncrementalBuildPlan> {
    const { warehouse, asOf } = this;
    const fingerprint = this.fingerprints.get(model.name);
    if (fingerprint === undefined) throw new Error(`model ${model.name} is not declared in models/declarations.ts`);
    const full = (reason: string): IncrementalBuildPlan => ({ model: model.name, mode: 'full', reason, changedKeys: null, fingerprint });
    if (this.options.wholeOnly) return full('a full rebuild was asked for');
    this.stateBeforeRun ??= readStateBeforeRun(warehouse);
    const { lastBuilds, tables } = await this.stateBeforeRun;
    const last = lastBuilds.get(model.name);
    if (!last) return full('no earlier build');
    if (!tables.has(model.name)) return full(`${model.name} is missing`);
    if (last.inputs_fingerprint !== fingerprint) return full('the config, the rules or the SQL it depends on changed since the last build');
    if (asOf < last.as_of) return full(`as_of ${asOf.toISOString()} is before the last build's (${last.as_of.toISOString()})`);
    if (wholeInputs.length) return full(`built whole this run: ${wholeInputs.join(', ')}`);

    const { changedKeys } = model.incremental!;
    const since = `${last.last_file_id}@${last.as_of.toISOString()}`;
    const filledFor = this.filled.get(changedKeys);
    if (filledFor === undefined) {
      await warehouse.run(`set variable last_file_id = ${Number(last.last_file_id)}`);
      await warehouse.run(`set variable last_as_of = '${last.as_of.toISOString()}'::timestamptz`);
      // Joins built as written: a change query filters a big table by a few keys (`where order_id in
      // (…)`), and the planner, which cannot know how few, built its hash tables over the million rows
      // of fct_complaints instead (0.25 s per probe at scale L).
      await warehouse.run(`set ${JOINS_AS_WRITTEN_SETTING}`);
      try {
        await warehouse.run(`insert into ${changedKeys}\n${fs.readFileSync(changesFileOf(model.incremental!.changes ?? model.name), 'utf8')}`);
        // after the changed keys: the query leaves them out
        const { reclocked } = model.incremental!;
        if (reclocked) await warehouse.run(`insert into ${reclocked.changedKeys}\n${fs.readFileSync(changesFileOf(reclocked.changes), 'utf8')}`);
      } finally {
        await warehouse.run('reset disabled_optimizers');
      }
      if (model.incremental!.keyType === 'date') {
        // The first and last changed date as constants (`<table>_first`, `_last`), for a filter a scan
        // can skip row groups by (the within_changed_delivery_days macro)
        const key = model.incremental!.key;
        await warehouse.run(`set variable ${changedKeys}_first = (select min(${key}) from ${changedKeys})`);
        await warehouse.run(`set variable ${changedKeys}_last = (select max(${key}) from ${changedKeys})`);
      }
      this.filled.set(changedKeys, since);
    } else if (filledFor !== since) {
      // Models sharing a table of changed keys are recorded together; one that was not is built whole.
      return full(`${changedKeys} was filled for another build's changes`);
    }
    await warehouse.run(`set variable ${buildModeVariable(model.name)} = 'incremental'`);
    const changed = await warehouse.scalar(`select count(*) from ${changedKeys}`);
    const reclockedTable = model.incremental!.reclocked?.changedKeys;
    const reclocked = reclockedTable === undefined ? undefined : await warehouse.scalar(`select count(*) from ${reclockedTable}`);
    return {
      model: model.name,
      mode: 'incremental',
      reason: `${changed} key(s) changed${reclocked === undefined ? '' : `, ${reclocked} re-clocked,`} since the build for ${last.as_of.toISOString()}`,
      changedKeys: changed,
      ...(reclocked === undefined ? {} : { reclockedKeys: reclocked }),
      fingerprint,
    };
  }
}

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
