/**
 * A Kysely dialect over `@duckdb/node-api`. Kysely ships none for DuckDB; DuckDB speaks a Postgres-like
 * SQL with `$n` parameters, so the Postgres adapter and query compiler fit. The Postgres introspector
 * and migration lock do not, and are not used: migrations live in `sql/migrations/`.
 */
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import {
  CompiledQuery,
  PostgresAdapter,
  PostgresQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
} from 'kysely';
import { normaliseDuckRow } from './duck-values.ts';

function toDuckParameter(value: unknown): DuckDBValue {
  if (value instanceof Date) return value.toISOString();
  if (value === undefined) return null;
  return value as DuckDBValue;
}

class DuckDbConnectionAdapter implements DatabaseConnection {
  constructor(private readonly connection: DuckDBConnection) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const reader = await this.connection.runAndReadAll(compiled.sql, compiled.parameters.map(toDuckParameter));
    const rows = reader.getRowObjectsJS().map((row) => normaliseDuckRow(row as Record<string, unknown>) as R);
    return { rows };
  }

  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not supported by the DuckDB dialect; page with limit/offset');
  }
}

class DuckDbDriver implements Driver {
  private readonly adapter: DuckDbConnectionAdapter;
  constructor(connection: DuckDBConnection) {
    this.adapter = new DuckDbConnectionAdapter(connection);
  }
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return this.adapter;
  }
  // The warehouse owns transactions (one per run), so Kysely's are plain statements on the one connection.
  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin transaction'));
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'));
  }
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

/** The dialect for one DuckDB connection. */
export class DuckDbDialect implements Dialect {
  constructor(private readonly connection: DuckDBConnection) {}
  createDriver(): Driver {
    return new DuckDbDriver(this.connection);
  }
  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }
  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }
  createIntrospector(_db: Kysely<unknown>): DatabaseIntrospector {
    throw new Error('introspection is not supported by the DuckDB dialect');
  }
}
