/**
 * Column mappings: how a file or table in some other system's shape (a Shopify orders export, a Zendesk
 * ticket CSV, a table of the order database) becomes the contract's text columns of `_extract`. Applied
 * set-based in SQL: a mapping only builds the select list, DuckDB does the work. Renaming, picking the
 * first non-empty of several columns, joining columns, constants, value maps (status words → contract
 * enums) and strptime formats for timestamps; validation and quarantine stay with the shared loader, so
 * a mapped row is rejected for the same reasons, in the same words, as a contract-shaped one.
 *
 * Mappings come from the config, where entity and column names are plain strings; `resolveInboxMapping`
 * checks them against the contract and fails with a ConfigError naming the mapping and key.
 */
import type { InboxMappingConfig } from '../../core/config.ts';
import { configError } from '../../core/errors.ts';
import type { Warehouse } from '../../core/warehouse.ts';
import { ENTITIES, ENTITY_NAMES, type ColumnDef, type EntityName } from '../../../models/entities.ts';
import { quoteSqlIdentifier, quoteSqlString } from '../../../models/entity-checks.ts';

/** Where one contract column's text comes from. */
export type ColumnSource =
  | { kind: 'same_name' }
  | { kind: 'none' }
  | { kind: 'constant'; value: string }
  | { kind: 'columns'; from: readonly string[]; join?: string; addMinutesFrom?: string };

export interface ResolvedMapping {
  name: string;
  entity: EntityName;
  /** One entry per contract column, in contract order. */
  columns: readonly { def: ColumnDef; source: ColumnSource; values?: ReadonlyMap<string, string>; formats?: readonly string[] }[];
  skipRowsWhereEmpty: readonly string[];
}

export interface ResolvedInboxMapping extends ResolvedMapping {
  pattern: RegExp;
}

/** The entity of a config key, or a ConfigError naming where it was used. */
export function resolveEntityName(name: string, where: string): EntityName {
  if ((ENTITY_NAMES as readonly string[]).includes(name)) return name as EntityName;
  throw configError(`${where}: unknown entity '${name}' (use one of ${ENTITY_NAMES.join(', ')})`);
}

function checkColumnKeys(entity: EntityName, keys: Iterable<string>, where: string): void {
  const known = ENTITIES[entity].columns.map((c) => c.name);
  for (const key of keys) {
    if (!known.includes(key)) throw configError(`${where}: '${key}' is not a column of ${entity} (columns: ${known.join(', ')})`);
  }
}

/** Value map with trimmed, lower-cased keys (matching is case-insensitive, like the contract's enums). */
export function normaliseValueMap(map: Readonly<Record<string, string>>): Map<string, string> {
  return new Map(Object.entries(map).map(([from, to]) => [from.trim().toLowerCase(), to]));
}

const asList = (value: string | readonly string[]): string[] => (typeof value === 'string' ? [value] : [...value]);

/** Checks a config mapping against the contract and normalises it. */
export function resolveMapping(
  raw: Pick<InboxMappingConfig, 'name' | 'entity' | 'columns' | 'values' | 'timestampFormat' | 'timestampFormats' | 'skipRowsWhereEmpty'>,
  where: string,
): ResolvedMapping {
  const entity = resolveEntityName(raw.entity, `${where}.entity`);
  checkColumnKeys(entity, Object.keys(raw.columns), `${where}.columns`);
  checkColumnKeys(entity, Object.keys(raw.values), `${where}.values`);
  checkColumnKeys(entity, Object.keys(raw.timestampFormats), `${where}.timestampFormats`);
  const defs = ENTITIES[entity].columns;
  for (const key of Object.keys(raw.timestampFormats)) {
    if (defs.find((c) => c.name === key)?.type !== 'timestamp') throw configError(`${where}.timestampFormats: '${key}' is not a timestamp column`);
  }
  const columns = defs.map((def) => {
    const spec = raw.columns[def.name];
    let source: ColumnSource;
    if (spec === undefined) source = { kind: 'same_name' };
    else if (spec === null) source = { kind: 'none' };
    else if (typeof spec === 'string' || Array.isArray(spec)) source = { kind: 'columns', from: asList(spec) };
    else if (spec.value !== undefined) source = { kind: 'constant', value: spec.value };
    else {
      if (spec.addMinutesFrom !== undefined && def.type !== 'timestamp')
        throw configError(`${where}.columns.${def.name}: addMinutesFrom only applies to timestamp columns`);
      source = {
        kind: 'columns',
        from: asList(spec.from ?? []),
        ...(spec.join !== undefined ? { join: spec.join } : {}),
        ...(spec.addMinutesFrom !== undefined ? { addMinutesFrom: spec.addMinutesFrom } : {}),
      };
    }
    const values = raw.values[def.name];
    const formats = raw.timestampFormats[def.name] ?? (def.type === 'timestamp' ? raw.timestampFormat : undefined);
    return { def, source, ...(values ? { values: normaliseValueMap(values) } : {}), ...(formats ? { formats: asList(formats) } : {}) };
  });
  return { name: raw.name, entity, columns, skipRowsWhereEmpty: raw.skipRowsWhereEmpty };
}

/** `*` and `?` glob over a file name, case-insensitive. */
export function globToRegExp(pattern: string): RegExp {
  const body = [...pattern].map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 'i');
}

export function resolveInboxMappings(mappings: readonly InboxMappingConfig[]): ResolvedInboxMapping[] {
  return mappings.map((m, i) => ({ ...resolveMapping(m, `inboxMappings[${i}] (${m.name})`), pattern: globToRegExp(m.pattern) }));
}

/** The first mapping whose pattern matches the file name. */
export function findInboxMapping(fileName: string, mappings: readonly ResolvedInboxMapping[]): ResolvedInboxMapping | undefined {
  return mappings.find((m) => m.pattern.test(fileName));
}

/** Every source column a mapping reads, for the header check. Same-name columns are optional. */
export function referencedSourceColumns(mapping: ResolvedMapping): string[] {
  const names = new Set<string>(mapping.skipRowsWhereEmpty);
  for (const { source } of mapping.columns) {
    if (source.kind !== 'columns') continue;
    source.from.forEach((n) => names.add(n));
    if (source.addMinutesFrom) names.add(source.addMinutesFrom);
  }
  return [...names];
}

/** Source names a reader should expose as text: referenced ones plus same-name contract columns. */
export function candidateSourceColumns(mapping: ResolvedMapping): string[] {
  const names = new Set(referencedSourceColumns(mapping));
  for (const { def, source } of mapping.columns) if (source.kind === 'same_name') names.add(def.name);
  return [...names];
}

/** Why a header cannot be read with this mapping, or undefined when it can. */
export function explainMissingSourceColumns(mapping: ResolvedMapping, present: ReadonlySet<string>): string | undefined {
  const missing = referencedSourceColumns(mapping).filter((n) => !present.has(n));
  const requiredSameName = mapping.columns.filter((c) => c.source.kind === 'same_name' && c.def.required && !present.has(c.def.name)).map((c) => c.def.name);
  if (!missing.length && !requiredSameName.length) return undefined;
  const parts = [];
  if (missing.length) parts.push(`column(s) ${missing.map((n) => `'${n}'`).join(', ')} named by the mapping are missing`);
  if (requiredSameName.length) parts.push(`required ${mapping.entity} column(s) ${requiredSameName.join(', ')} are neither mapped nor present`);
  return `no usable header for mapping '${mapping.name}': ${parts.join('; ')} (found: ${[...present].slice(0, 12).join(', ') || 'nothing'})`;
}

const trimmed = (expr: string) => `nullif(trim(${expr}), '')`;

/** `expr` with a value map applied (to each `|` part when `perPart`); unmapped values pass unchanged. */
export function valueMapSql(expr: string, values: ReadonlyMap<string, string>, perPart: boolean): string {
  if (values.size === 0) return expr;
  const cases = (x: string) =>
    `case lower(trim(${x})) ${[...values].map(([from, to]) => `when ${quoteSqlString(from)} then ${quoteSqlString(to)}`).join(' ')} else ${x} end`;
  // cause_code holds several codes separated by `|`: each part is mapped on its own.
  if (perPart) return `array_to_string(list_transform(string_split(${expr}, '|'), x -> ${cases('x')}), '|')`;
  return cases(expr);
}

function formatsSql(formats: readonly string[]): string {
  return `[${formats.map(quoteSqlString).join(', ')}]`;
}

/**
 * The select list producing the contract columns (as text) of one mapped record. `valueOf(name)` is the
 * text of a source column in the reader's relation; `present` the source columns it has.
 */
export function buildMappedSelectList(mapping: ResolvedMapping, present: ReadonlySet<string>, valueOf: (name: string) => string): string {
  return mapping.columns
    .map(({ def, source, values, formats }) => {
      let expr: string;
      switch (source.kind) {
        case 'none':
          expr = 'null::varchar';
          break;
        case 'constant':
          expr = quoteSqlString(source.value);
          break;
        case 'same_name':
          expr = present.has(def.name) ? valueOf(def.name) : 'null::varchar';
          break;
        case 'columns': {
          const parts = source.from.map((n) => trimmed(valueOf(n)));
          if (parts.length === 0) expr = 'null::varchar';
          else if (source.join !== undefined) expr = `nullif(concat_ws(${quoteSqlString(source.join)}, ${parts.join(', ')}), '')`;
          else expr = parts.length === 1 ? parts[0]! : `coalesce(${parts.join(', ')})`;
          break;
        }
      }
      if (values) expr = valueMapSql(expr, values, def.type === 'enum_list');
      if (def.type === 'timestamp' && (formats || (source.kind === 'columns' && source.addMinutesFrom))) {
        // A value the formats cannot read is passed on as it was, so the loader's reason quotes it.
        const parsed = formats ? `try_strptime(trim(${expr}), ${formatsSql(formats)})` : `try_cast(trim(${expr}) as timestamptz)`;
        if (source.kind === 'columns' && source.addMinutesFrom) {
          const minutes = trimmed(valueOf(source.addMinutesFrom));
          expr = `(case when ${minutes} is null then null when try_cast(${minutes} as double) is null then ${minutes}
            else coalesce(cast(${parsed} + to_microseconds(cast(round(try_cast(${minutes} as double) * 60000000) as bigint)) as varchar), ${expr}) end)`;
        } else {
          expr = `coalesce(cast(${parsed} as varchar), ${expr})`;
        }
      }
      return `${expr} as ${quoteSqlIdentifier(def.name)}`;
    })
    .join(', ');
}

/** A `where` condition keeping the records of the entity (drops continuation lines), or undefined. */
export function buildMappedRowFilter(mapping: ResolvedMapping, valueOf: (name: string) => string): string | undefined {
  if (!mapping.skipRowsWhereEmpty.length) return undefined;
  return `coalesce(${mapping.skipRowsWhereEmpty.map((n) => trimmed(valueOf(n))).join(', ')}) is not null`;
}

/**
 * Applies value maps to the contract columns of `_extract` (a table or a view) by re-pointing it at the
 * mapped rows in `_extract_mapped`, which `dropMappedExtract` removes after the load. For sources whose
 * columns are already named as the contract, such as a mapped PostgreSQL table.
 */
export async function applyValueMapsToExtract(
  warehouse: Warehouse,
  entity: EntityName,
  values: ReadonlyMap<string, ReadonlyMap<string, string>>,
): Promise<void> {
  const replaced = ENTITIES[entity].columns
    .filter((c) => values.get(c.name)?.size)
    .map((c) => `${valueMapSql(quoteSqlIdentifier(c.name), values.get(c.name)!, c.type === 'enum_list')} as ${quoteSqlIdentifier(c.name)}`);
  if (!replaced.length) return;
  await warehouse.run(`create or replace temp table _extract_mapped as select * replace (${replaced.join(', ')}) from _extract`);
  const isView = (await warehouse.scalar(`select count(*) from duckdb_views() where view_name = '_extract' and temporary`)) > 0;
  await warehouse.run(isView ? 'drop view _extract' : 'drop table _extract');
  await warehouse.run('create temp view _extract as select * from _extract_mapped');
}

export async function dropMappedExtract(warehouse: Warehouse): Promise<void> {
  const isView = (await warehouse.scalar(`select count(*) from duckdb_views() where view_name = '_extract' and temporary`)) > 0;
  const mapped = (await warehouse.scalar(`select count(*) from duckdb_tables() where table_name = '_extract_mapped' and temporary`)) > 0;
  if (!mapped) return;
  if (isView) await warehouse.run('drop view _extract');
  await warehouse.run('drop table _extract_mapped');
}
