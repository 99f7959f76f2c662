/**
 * Builds SQL models: plain `select`s in `sql/<layer>/<name>.sql`, ordered by the inputs each declares
 * (a model names its inputs, it never imports them), materialised inside the caller's transaction, each
 * timed and counted, and each checked against its invariants before anything downstream reads it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { invariantViolation } from './errors.ts';
import { SQL_DIR, type Warehouse } from './warehouse.ts';

export type ModelLayer = 'staging' | 'intermediate' | 'marts';

export interface ModelDeclaration {
  readonly name: string;
  readonly layer: ModelLayer;
  /** Tables read: other models, `raw_*` tables, `cfg_*` run inputs. */
  readonly inputs: readonly string[];
  readonly grain: string;
  /**
   * Views cost nothing to build; tables are materialised inside the run's transaction and kept in the
   * file; temp tables live only for the run's connection. Intermediates are temp: every run rebuilds
   * them from staging anyway, and writing a table into the file costs ~5x creating it in memory
   * (DuckDB compresses every text column on the way; 1.1 s against 0.2 s for 750 k shipments at S).
   * A temp view suits an intermediate whose readers each want a scan of millions of rows: DuckDB scans
   * a table made inside the open transaction on one thread, so recomputing the view from staging in
   * each reader can cost less than reading it back (int_shipment_damage, below).
   */
  readonly materialized: 'table' | 'view' | 'temp table' | 'temp view';
  /** Columns that together are unique and non-null. */
  readonly key?: readonly string[];
  /** Columns that must lie in [0, 1] when not null. */
  readonly rates?: readonly string[];
  /** [part, whole] pairs: part <= whole on every row. */
  readonly partsOfWholes?: readonly (readonly [string, string])[];
  /** A contract mart: exported to OUT/marts after every run. */
  readonly exported?: boolean;
  /** Columns kept in the table for the models downstream, left out of the export. */
  readonly internalColumns?: readonly string[];
  /**
   * Build every hash join over its right-hand input, as the SQL is written. DuckDB's planner picks the
   * side to build from cardinality estimates, and a table made inside the run's transaction (every
   * intermediate and mart) is estimated empty: for a model joining millions of rows to a few it may
   * build over the millions, slowly and past the memory limit. Such a model writes big inputs on the
   * left and sets this.
   */
  readonly joinsAsWritten?: boolean;
  /**
   * A table whose rows can be rebuilt a few at a time. When the caller's planner agrees
   * (`BuildOptions.planner`), the rows whose `key` column holds a value listed in the run table
   * `changedKeys` are replaced by the model's select, which then yields only rows of those values.
   * `changes` names the query in `sql/changes/` that lists them (default: the model's name); models
   * rebuilt by the same unit (the delivery weeks of the carrier marts) share it and its table.
   */
  readonly incremental?: {
    readonly key: string;
    readonly keyType?: 'varchar' | 'date';
    readonly changedKeys: string;
    readonly changes?: string;
    /**
     * The columns of the replaced rows (replacedRowsOf) that change queries downstream read; default
     * all; none (`[]`): no table of replaced rows is kept. Copying every column of a wide table's
     * replaced rows costs: 0.24 s for fct_complaints' 36 k daily rows at benchmark scale L, its
     * complaint texts included; 0.14 s for the 144 k order-SKU pairs that leave or enter the listing
     * window each day.
     */
    readonly replacedColumns?: readonly string[];
    /**
     * Keys whose row moves with as_of alone (a complaint's wait): listed in the run table
     * `changedKeys` by the query `changes` in `sql/changes/`, after the model's own changed keys and
     * never among them, and updated in place by the statement `sql/reclocks/<model>.sql`, which sets
     * only the columns that move. Updating the few columns of 24 k rows costs a tenth of rebuilding
     * them (fct_complaints at benchmark scale L).
     */
    readonly reclocked?: { readonly changedKeys: string; readonly changes: string };
  };
}

/** Decides, just before a model's changed keys are first needed, whether to rebuild it incrementally. */
export interface IncrementalPlanner {
  /**
   * Fills the model's run table of changed keys and returns true for an incremental build, or returns
   * false for a whole one. `wholeInputs` are the incremental models upstream of it built whole this
   * run: their replaced rows are not at hand, so the model's changes cannot be known.
   */
  decide(model: ModelDeclaration, wholeInputs: readonly string[]): Promise<boolean>;
}

export interface BuildOptions {
  planner?: IncrementalPlanner;
}

/** The temp tables an incremental build leaves for the change queries downstream: the old and new rows. */
export const replacedRowsOf = (model: string) => `replaced_${model}`;
export const rebuiltRowsOf = (model: string) => `rebuilt_${model}`;

/** The DuckDB setting behind `joinsAsWritten`: the optimizer pass that swaps build and probe sides. */
export const JOINS_AS_WRITTEN_SETTING = "disabled_optimizers = 'build_side_probe_side'";

export interface BuiltModel {
  name: string;
  /** Null for a temp view: counting it would compute it (int_shipment_damage: 0.35 s at scale L). */
  rows: number | null;
  seconds: number;
}

export function sqlFileOf(model: ModelDeclaration): string {
  return path.join(SQL_DIR, model.layer, `${model.name}.sql`);
}

/** The statement that re-clocks a model's rows in place (`incremental.reclocked`). */
export function reclockFileOf(model: ModelDeclaration): string {
  return path.join(SQL_DIR, 'reclocks', `${model.name}.sql`);
}

/**
 * Updates the rows that move with as_of alone, each of which must already be in the table: a key
 * listed without a row would be a complaint the table lacks, and the update would hide that.
 */
async function reclockRows(warehouse: Warehouse, model: ModelDeclaration): Promise<void> {
  const { changedKeys } = model.incremental!.reclocked!;
  const updated = await warehouse.scalar(fs.readFileSync(reclockFileOf(model), 'utf8'));
  const listed = await warehouse.scalar(`select count(*) from ${quote(changedKeys)}`);
  if (updated !== listed) throw invariantViolation(`model ${model.name}: ${listed} key(s) listed in ${changedKeys} to re-clock, ${updated} row(s) updated`);
}

/** Models in an order where every model comes after the models it reads. */
export function orderModelsByInputs(models: readonly ModelDeclaration[]): ModelDeclaration[] {
  const byName = new Map(models.map((m) => [m.name, m]));
  const ordered: ModelDeclaration[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (model: ModelDeclaration, trail: string[]) => {
    const seen = state.get(model.name);
    if (seen === 'done') return;
    if (seen === 'visiting') throw new Error(`model inputs form a cycle: ${[...trail, model.name].join(' → ')}`);
    state.set(model.name, 'visiting');
    for (const input of model.inputs) {
      const dependency = byName.get(input);
      if (dependency) visit(dependency, [...trail, model.name]);
    }
    state.set(model.name, 'done');
    ordered.push(model);
  };
  for (const model of models) visit(model, []);
  return ordered;
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Checks a built model's invariants; throws `InvariantViolation` naming the model and the rule.
 * One scan counts the violations of every rule but key uniqueness. That is judged on a 64-bit hash of
 * the key: no hash repeats proves the key unique; only when hashes repeat does the exact, slower count
 * of distinct key tuples decide. Grouping by the hash took 0.96–1.1 s over a table of 7.2 M shipments
 * made in a run at benchmark scale L, `count(distinct hash(…))` 1.25–1.5 s. Views are not
 * checked: checking a view recomputes it. The staging views pass through the raw tables, whose keys
 * `settleKeyVersions` keeps unique at ingestion; an intermediate view's declaration says why its key
 * holds, and the tables built from it are checked.
 */
const isView = (model: ModelDeclaration) => model.materialized === 'view' || model.materialized === 'temp view';

export async function checkModelInvariants(warehouse: Warehouse, model: ModelDeclaration, rowsIn = model.name): Promise<void> {
  if (isView(model)) return;
  const table = quote(rowsIn);
  const counters: { rule: string; sql: string }[] = [];
  const key = model.key?.length ? model.key.map(quote).join(', ') : undefined;
  if (key) {
    const repeatedHashes = await warehouse.scalar(`select count(*) from (select hash(${key}) from ${table} group by 1 having count(*) > 1)`);
    // Repeated hashes: a real duplicate or a collision; the exact count settles it.
    const duplicates = repeatedHashes > 0 ? await warehouse.scalar(`select count(*) - count(distinct (${key})) from ${table}`) : 0;
    if (duplicates > 0) throw invariantViolation(`model ${model.name}: key (${model.key!.join(', ')}) is unique fails on ${duplicates} row(s)`);
    counters.push({
      rule: `key (${model.key!.join(', ')}) has no nulls`,
      sql: `count(*) filter (where ${model.key!.map((k) => `${quote(k)} is null`).join(' or ')})`,
    });
  }
  for (const rate of model.rates ?? [])
    counters.push({ rule: `${rate} lies in [0, 1]`, sql: `count(*) filter (where ${quote(rate)} < 0 or ${quote(rate)} > 1 or isnan(${quote(rate)}))` });
  for (const [part, whole] of model.partsOfWholes ?? [])
    counters.push({ rule: `${part} <= ${whole}`, sql: `count(*) filter (where ${quote(part)} > ${quote(whole)})` });
  if (!counters.length) return;
  const row = (await warehouse.one<Record<string, number>>(`select ${counters.map((c, i) => `${c.sql} as c${i}`).join(', ')} from ${table}`))!;
  for (const [i, counter] of counters.entries()) {
    const violations = Number(row[`c${i}`]);
    if (violations > 0) throw invariantViolation(`model ${model.name}: ${counter.rule} fails on ${violations} row(s)`);
  }
}

/**
 * Rebuilds the rows of the changed keys: the new rows are made and checked on their own first (the
 * rest of the table was checked when it was built, and a check of the whole would cost what the
 * incremental build saves: ~1 s for 7.5 M keys at scale L), and may hold no key outside the changed
 * ones (that key's old row stays, so it would repeat); then they replace the old rows of those keys,
 * which are kept for the run (replacedRowsOf) beside the new ones (rebuiltRowsOf).
 */
async function rebuildChangedRows(warehouse: Warehouse, model: ModelDeclaration, select: string): Promise<void> {
  const { key: keyColumn, changedKeys } = model.incremental!;
  const [table, key, changed] = [quote(model.name), quote(keyColumn), quote(changedKeys)];
  const [rebuilt, replaced] = [quote(rebuiltRowsOf(model.name)), quote(replacedRowsOf(model.name))];
  await warehouse.run(`create or replace temp table ${rebuilt} as\n${select}`);
  await checkModelInvariants(warehouse, model, rebuiltRowsOf(model.name));
  const strays = await warehouse.scalar(`select count(*) from ${rebuilt} r anti join ${changed} c on r.${key} = c.${key}`);
  if (strays > 0) throw invariantViolation(`model ${model.name}: ${strays} rebuilt row(s) have a ${keyColumn} not listed in ${changedKeys}`);
  const keptColumns = model.incremental!.replacedColumns;
  if (keptColumns?.length !== 0)
    await warehouse.run(
      `create or replace temp table ${replaced} as select ${keptColumns?.map(quote).join(', ') ?? '*'} from ${table} where ${key} in (select ${key} from ${changed})`,
    );
  await warehouse.run(`delete from ${table} where ${key} in (select ${key} from ${changed})`);
  await warehouse.run(`insert into ${table} by name select * from ${rebuilt}`);
}

/** The models among `model`'s inputs, and theirs, all the way up. */
function upstreamOf(model: ModelDeclaration, byName: ReadonlyMap<string, ModelDeclaration>): Set<string> {
  const seen = new Set<string>();
  const visit = (m: ModelDeclaration) => {
    for (const input of m.inputs) {
      const dependency = byName.get(input);
      if (dependency && !seen.has(input)) {
        seen.add(input);
        visit(dependency);
      }
    }
  };
  visit(model);
  return seen;
}

/** Builds the models in dependency order; `onBuilt` hears each one (run log, progress). */
export async function buildModels(
  warehouse: Warehouse,
  models: readonly ModelDeclaration[],
  onBuilt?: (built: BuiltModel) => void | Promise<void>,
  options: BuildOptions = {},
): Promise<BuiltModel[]> {
  const built: BuiltModel[] = [];
  const byName = new Map(models.map((m) => [m.name, m]));
  // An incremental model is planned just before the first model that reads its changed keys (the
  // complaint chain reads fct_complaints' before fct_complaints itself; the carrier marts' change
  // query reads int_order_categories'), or else just before itself. Models sharing one table of
  // changed keys are peers: the first planned fills it.
  const incrementalBuild = new Map<string, boolean>();
  const changedKeysReadBy = (model: ModelDeclaration) =>
    models.filter(
      (other) =>
        other.incremental &&
        other.incremental.changedKeys !== model.incremental?.changedKeys &&
        [other.incremental.changedKeys, other.incremental.reclocked?.changedKeys].some((table) => table && model.inputs.includes(table)),
    );
  const plan = async (model: ModelDeclaration): Promise<void> => {
    for (const other of changedKeysReadBy(model)) await plan(other);
    if (!model.incremental || incrementalBuild.has(model.name)) return;
    const wholeInputs = [...upstreamOf(model, byName)].filter((name) => byName.get(name)!.incremental && incrementalBuild.get(name) !== true);
    incrementalBuild.set(model.name, options.planner ? await options.planner.decide(model, wholeInputs) : false);
  };
  for (const model of orderModelsByInputs(models)) {
    const started = performance.now();
    await plan(model);
    const select = fs.readFileSync(sqlFileOf(model), 'utf8');
    // A table of the same name kept in the file (databases built before intermediates were temp)
    // would outlive it and mislead whoever reads the file later.
    if (model.materialized.startsWith('temp ')) await warehouse.run(`drop table if exists main.${quote(model.name)}`);
    if (model.joinsAsWritten) await warehouse.run(`set ${JOINS_AS_WRITTEN_SETTING}`);
    const incremental = incrementalBuild.get(model.name) === true;
    try {
      if (incremental) {
        await rebuildChangedRows(warehouse, model, select);
        if (model.incremental!.reclocked) await reclockRows(warehouse, model);
      } else await warehouse.run(`create or replace ${model.materialized} ${quote(model.name)} as\n${select}`);
    } finally {
      if (model.joinsAsWritten) await warehouse.run('reset disabled_optimizers');
    }
    if (!incremental) await checkModelInvariants(warehouse, model);
    const rows = model.materialized === 'temp view' ? null : await warehouse.scalar(`select count(*) from ${quote(model.name)}`);
    const result = { name: model.name, rows, seconds: (performance.now() - started) / 1000 };
    built.push(result);
    await onBuilt?.(result);
  }
  return built;
}
