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
  /** Views cost nothing to build; tables are materialised inside the run's transaction. */
  readonly materialized: 'table' | 'view';
  /** Columns that together are unique and non-null. */
  readonly key?: readonly string[];
  /** Columns that must lie in [0, 1] when not null. */
  readonly rates?: readonly string[];
  /** [part, whole] pairs: part <= whole on every row. */
  readonly partsOfWholes?: readonly (readonly [string, string])[];
  /** A contract mart: exported to OUT/marts after every run. */
  readonly exported?: boolean;
}

export interface BuiltModel {
  name: string;
  rows: number;
  seconds: number;
}

export function sqlFileOf(model: ModelDeclaration): string {
  return path.join(SQL_DIR, model.layer, `${model.name}.sql`);
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

/** Checks a built model's invariants; throws `InvariantViolation` naming the model and the rule. */
export async function checkModelInvariants(warehouse: Warehouse, model: ModelDeclaration): Promise<void> {
  const table = quote(model.name);
  const checks: { rule: string; sql: string }[] = [];
  if (model.key?.length) {
    const key = model.key.map(quote).join(', ');
    checks.push({ rule: `key (${model.key.join(', ')}) is unique`, sql: `select count(*) - count(distinct (${key})) from ${table}` });
    checks.push({
      rule: `key (${model.key.join(', ')}) has no nulls`,
      sql: `select count(*) from ${table} where ${model.key.map((k) => `${quote(k)} is null`).join(' or ')}`,
    });
  }
  for (const rate of model.rates ?? [])
    checks.push({
      rule: `${rate} lies in [0, 1]`,
      sql: `select count(*) from ${table} where ${quote(rate)} < 0 or ${quote(rate)} > 1 or isnan(${quote(rate)})`,
    });
  for (const [part, whole] of model.partsOfWholes ?? [])
    checks.push({ rule: `${part} <= ${whole}`, sql: `select count(*) from ${table} where ${quote(part)} > ${quote(whole)}` });
  for (const check of checks) {
    const violations = await warehouse.scalar(check.sql);
    if (violations > 0) throw invariantViolation(`model ${model.name}: ${check.rule} fails on ${violations} row(s)`);
  }
}

/** Builds the models in dependency order; `onBuilt` hears each one (run log, progress). */
export async function buildModels(
  warehouse: Warehouse,
  models: readonly ModelDeclaration[],
  onBuilt?: (built: BuiltModel) => void | Promise<void>,
): Promise<BuiltModel[]> {
  const built: BuiltModel[] = [];
  for (const model of orderModelsByInputs(models)) {
    const started = performance.now();
    const select = fs.readFileSync(sqlFileOf(model), 'utf8');
    const kind = model.materialized === 'view' ? 'view' : 'table';
    await warehouse.run(`create or replace ${kind} ${quote(model.name)} as\n${select}`);
    await checkModelInvariants(warehouse, model);
    const rows = await warehouse.scalar(`select count(*) from ${quote(model.name)}`);
    const result = { name: model.name, rows, seconds: (performance.now() - started) / 1000 };
    built.push(result);
    await onBuilt?.(result);
  }
  return built;
}
