/**
 * The PostgreSQL source's shape: which table or view holds each entity, how its columns map to the
 * contract, and the cursor column that makes pulls incremental. Built from config `sources.postgres`
 * and checked against the contract (a ConfigError before any run); checked against the database's own
 * columns at pull time (a SourceError naming the table and the missing column).
 */
import type { PostgresSourceConfig } from '../../core/config.ts';
import { configError } from '../../core/errors.ts';
import { ENTITIES, ENTITY_NAMES, type EntityName } from '../../../models/entities.ts';
import { normaliseValueMap, resolveEntityName } from '../mapping/column-mapping.ts';

export interface PostgresTablePlan {
  entity: EntityName;
  /** Cursor row name in `source_cursors`, e.g. `postgres:orders`. */
  stream: string;
  /** As configured, e.g. `shop.orders`. */
  table: string;
  /** Contract column → source column; null = none; absent = same name if the table has it. */
  columns: ReadonlyMap<string, string | null>;
  values: ReadonlyMap<string, ReadonlyMap<string, string>>;
  cursorColumn: string | null;
}

export const POSTGRES_SOURCE = 'postgres';

/** PostgreSQL type OIDs the source treats specially. */
export const PG_TYPE = { bool: 16, date: 1082, timestamp: 1114, timestamptz: 1184 } as const;

/** A quoted identifier; `schema.table` is quoted part by part. */
export function quotePgIdentifier(name: string): string {
  return name
    .split('.')
    .map((part) => `"${part.replaceAll('"', '""')}"`)
    .join('.');
}

/** The tables to pull, in contract order (orders before the tables that refer to them). */
export function resolvePostgresPlans(config: PostgresSourceConfig): PostgresTablePlan[] {
  const plans: PostgresTablePlan[] = [];
  for (const [name, table] of Object.entries(config.entities)) {
    const where = `sources.postgres.entities.${name}`;
    const entity = resolveEntityName(name, where);
    const known = ENTITIES[entity].columns.map((c) => c.name);
    for (const key of [...Object.keys(table.columns), ...Object.keys(table.values)]) {
      if (!known.includes(key)) throw configError(`${where}: '${key}' is not a column of ${entity} (columns: ${known.join(', ')})`);
    }
    if (table.table.split('.').some((part) => part === ''))
      throw configError(`${where}.table: '${table.table}' is not a table name (use table or schema.table)`);
    plans.push({
      entity,
      stream: `${POSTGRES_SOURCE}:${entity}`,
      table: table.table,
      columns: new Map(Object.entries(table.columns)),
      values: new Map(Object.entries(table.values).map(([column, map]) => [column, normaliseValueMap(map)])),
      cursorColumn: table.cursorColumn,
    });
  }
  return plans.sort((a, b) => ENTITY_NAMES.indexOf(a.entity) - ENTITY_NAMES.indexOf(b.entity));
}
