/**
 * The one module that owns the DuckDB file: opening it (extension auto-install off: there is no
 * network), the session time zone, versioned migrations from `sql/migrations/`, macros from
 * `sql/macros/`, a Kysely instance over the same connection, transactions and the final CHECKPOINT.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import type { Kysely } from 'kysely';
import { databaseLockedError, inputError } from './errors.ts';
import { prepareWarehousePath } from './warehouse-path.ts';
import { normaliseDuckRow } from './duck-values.ts';
import { describeLockHolder, readLockHolder } from './lock.ts';
import type { WarehouseTables } from './tables.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SQL_DIR = path.join(REPO_ROOT, 'sql');

export interface OpenOptions {
  /** IANA zone: local times without an offset, `cast(ts as date)`, weeks. */
  timezone: string;
  readOnly?: boolean;
  /** Skip migrations (read-only opens of an existing file). */
  migrate?: boolean;
  /** DuckDB memory limit, e.g. '2GB'. */
  memoryLimit?: string;
  threads?: number;
  /** Where DuckDB spills beyond memoryLimit. */
  temporaryDirectory?: string;
}

export type SqlParams = readonly unknown[];

function toParams(params: SqlParams | undefined): DuckDBValue[] | undefined {
  if (!params) return undefined;
  return params.map((value) => (value instanceof Date ? value.toISOString() : value === undefined ? null : value) as DuckDBValue);
}

export class Warehouse {
  private typedQueries?: Promise<Kysely<WarehouseTables>>;
  private inTransaction = false;

  private constructor(
    readonly file: string,
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
    readonly timezone: string,
  ) {}

  /**
   * Opens (creating if needed) a warehouse file, or `:memory:`. A file held by another writing process
   * fails with `DatabaseLockedError` naming the run that holds it.
   */
  static async open(file: string, options: OpenOptions): Promise<Warehouse> {
    if (file !== ':memory:') prepareWarehousePath(file);
    const settings: Record<string, string> = {
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'true',
    };
    if (options.readOnly) settings.access_mode = 'READ_ONLY';
    if (options.memoryLimit) settings.memory_limit = options.memoryLimit;
    if (options.threads) settings.threads = String(options.threads);
    if (options.temporaryDirectory) settings.temp_directory = options.temporaryDirectory;
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(file, settings);
    } catch (error) {
      const message = (error as Error).message;
      if (/lock/i.test(message)) {
        // The sidecar may name the holder; when it names us (we took it just now), DuckDB's own lock is
        // held by a process that bypassed the sidecar, and DuckDB's message names its pid.
        const holder = readLockHolder(file);
        const pid = /PID (\d+)/.exec(message)?.[1];
        if (holder && holder.pid !== process.pid) throw databaseLockedError(describeLockHolder(file, holder));
        throw databaseLockedError(`database ${file} is in use by another process${pid ? ` (pid ${pid})` : ''}; try again when it has finished`);
      }
      if (/not a valid DuckDB database file/i.test(message))
        throw inputError(`${file} is not a DuckDB warehouse file (--db, or paths.db in the config); point it at a new or an existing warehouse`);
      throw error;
    }
    const connection = await instance.connect();
    const warehouse = new Warehouse(file, instance, connection, options.timezone);
    // ICU is statically linked; loading it explicitly makes the time zone setting available.
    await warehouse.run('load icu');
    await warehouse.run(`set TimeZone = '${options.timezone.replaceAll("'", "''")}'`);
    if (options.migrate !== false && !options.readOnly) await warehouse.migrate();
    await warehouse.loadMacros();
    return warehouse;
  }

  /**
   * Kysely over the same connection, for typed queries of the warehouse's own tables (runs, ledger,
   * quarantine). Loaded on first use: importing kysely costs ~0.5 s of every command's start-up.
   */
  kysely(): Promise<Kysely<WarehouseTables>> {
    this.typedQueries ??= Promise.all([import('kysely'), import('./kysely-duckdb.ts')]).then(
      ([{ Kysely }, { DuckDbDialect }]) => new Kysely<WarehouseTables>({ dialect: new DuckDbDialect(this.connection) }),
    );
    return this.typedQueries;
  }

  /** Runs a statement (or several, without parameters). */
  async run(sql: string, params?: SqlParams): Promise<void> {
    await this.connection.run(sql, toParams(params));
  }

  /** Rows as plain objects; BIGINT as number when exact, timestamps as Date. */
  async all<Row = Record<string, unknown>>(sql: string, params?: SqlParams): Promise<Row[]> {
    const reader = await this.connection.runAndReadAll(sql, toParams(params));
    return reader.getRowObjectsJS().map((row) => normaliseDuckRow(row as Record<string, unknown>) as Row);
  }

  async one<Row = Record<string, unknown>>(sql: string, params?: SqlParams): Promise<Row | undefined> {
    return (await this.all<Row>(sql, params))[0];
  }

  /** A single number from a single-column query. */
  async scalar(sql: string, params?: SqlParams): Promise<number> {
    const row = await this.one<Record<string, unknown>>(sql, params);
    return Number(Object.values(row ?? {})[0] ?? 0);
  }

  async tableExists(name: string): Promise<boolean> {
    return (await this.scalar(`select count(*) from duckdb_tables() where table_name = $1 and not temporary`, [name])) > 0;
  }

  async begin(): Promise<void> {
    await this.run('begin transaction');
    this.inTransaction = true;
  }

  async commit(): Promise<void> {
    await this.run('commit');
    this.inTransaction = false;
  }

  async rollback(): Promise<void> {
    if (!this.inTransaction) return;
    this.inTransaction = false;
    try {
      await this.run('rollback');
    } catch {
      // Already rolled back by DuckDB after a failed statement.
    }
  }

  /** Runs `work` in one transaction: all of it lands, or none. */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.begin();
    try {
      const result = await work();
      await this.commit();
      return result;
    } catch (error) {
      await this.rollback();
      throw error;
    }
  }

  async checkpoint(): Promise<void> {
    await this.run('checkpoint');
  }

  /** Applies the migrations of `sql/migrations/` not yet applied, in version order, each in a transaction. */
  async migrate(): Promise<number> {
    await this.run(`create table if not exists schema_migrations (version integer, name varchar, applied_at timestamptz)`);
    const applied = new Set((await this.all<{ version: number }>('select version from schema_migrations')).map((r) => r.version));
    const dir = path.join(SQL_DIR, 'migrations');
    const files = fs
      .readdirSync(dir)
      .filter((f) => /^\d+_.+\.sql$/.test(f))
      .sort();
    let count = 0;
    for (const name of files) {
      const version = Number.parseInt(name, 10);
      if (applied.has(version)) continue;
      const sql = fs.readFileSync(path.join(dir, name), 'utf8');
      await this.transaction(async () => {
        await this.run(sql);
        await this.run('insert into schema_migrations values ($1, $2, now())', [version, name]);
      });
      count++;
    }
    return count;
  }

  /** Loads every `sql/macros/*.sql` file (temp macros, so they are never persisted in the file). */
  async loadMacros(): Promise<void> {
    const dir = path.join(SQL_DIR, 'macros');
    if (!fs.existsSync(dir)) return;
    for (const name of fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.sql'))
      .sort()) {
      await this.run(fs.readFileSync(path.join(dir, name), 'utf8'));
    }
  }

  /**
   * From now on DuckDB hands memory it has freed back sooner: it keeps it in the C allocator's
   * per-thread arenas until it flushes them, by default after a task that peaked over 128 MiB or a bulk
   * free over 512 MiB. A run calls this when its ingest is done: the models' hash tables come and go and
   * set the run's peak. 10 M-line runs from Parquet peaked at 1.56–1.74 GB resident this way (3 runs),
   * at 1.72–2.08 GB with DuckDB's defaults (5 runs); lowering the thresholds from the start did as well
   * on memory but made the ingest ~10 % slower (2.56 M rows from CSV: 7.0–7.6 s against 6.2–7.3 s).
   */
  async flushFreedMemorySooner(): Promise<void> {
    await this.run(`set allocator_flush_threshold = '16MB'`);
    await this.run(`set allocator_bulk_deallocation_flush_threshold = '32MB'`);
  }

  /** Cancels the running statement (graceful shutdown). */
  interrupt(): void {
    this.connection.interrupt();
  }

  async close(): Promise<void> {
    await this.rollback();
    if (this.typedQueries) await (await this.typedQueries).destroy();
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
