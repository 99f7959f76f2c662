/**
 * The PostgreSQL source as a pulled source of a run: fetch every configured table into temp CSV files
 * (extract.ts, nothing written to the warehouse), then, inside the run's transaction, load each file
 * through the inbox's CSV reader and the shared loader, record it in the ledger (source `postgres`) and
 * advance each table's cursor. A pull that fails while fetching throws a SourceError and leaves the
 * warehouse and the cursors as they were; the next pull starts again from the stored cursors.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PostgresSourceConfig } from '../../core/config.ts';
import { sourceError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';
import type { Warehouse } from '../../core/warehouse.ts';
import type { IngestedFileReport } from '../inbox/load.ts';
import type { PullOutcome } from '../pulled/pull-outcome.ts';
import { applyValueMapsToExtract } from '../mapping/column-mapping.ts';
import { loadPulledBatch } from '../pulled/load-pulled-batch.ts';
import { readCursorFrom, saveCursor } from '../pulled/source-cursors.ts';
import { fetchPostgresTables, type FetchedTable, type FetchedTables } from './extract.ts';
import { POSTGRES_SOURCE, resolvePostgresPlans } from './schema.ts';

/** The part of a run the source needs (structurally a RunContext of run-pipeline.ts). */
export interface PullContext {
  runId: string;
  config: { timezone: string };
  log?: Pick<Logger, 'warn'>;
}

/**
 * Where a table's rows come from, without secrets: server, port, database, table and cursor column.
 * A stored cursor from another origin is not used (pulled/source-cursors.ts).
 */
export function postgresOrigin(connectionString: string, plan: { table: string; cursorColumn: string | null }): string {
  let server: string;
  try {
    // The user and password are dropped before parsing: one with an unencoded '/' or '@' would
    // otherwise read as part of the host or path, and a secret would be stored and logged.
    const [, scheme, rest] = /^([a-z][a-z0-9+.-]*:\/\/)(.*)$/is.exec(connectionString) ?? [];
    if (scheme === undefined || rest === undefined) throw new Error('not a URL');
    const userinfoEnd = rest.split('?')[0]!.lastIndexOf('@');
    const url = new URL(`${scheme}${rest.slice(userinfoEnd + 1)}`);
    server = `${url.hostname || 'localhost'}:${url.port || '5432'}${decodeURIComponent(url.pathname) || '/'}`;
  } catch {
    // libpq's key=value form: host=db.internal port=5432 dbname=shop
    const field = (key: string) => new RegExp(`(?:^|\\s)${key}\\s*=\\s*'?([^'\\s]*)`).exec(connectionString)?.[1];
    server = `${field('host') ?? 'localhost'}:${field('port') ?? '5432'}/${field('dbname') ?? ''}`;
  }
  return `postgres://${server} ${plan.table} by ${plan.cursorColumn ?? '(full pull)'}`;
}

export interface PostgresSourceOptions {
  /** Environment to read the connection string from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Test hook: runs after each table was fetched, before the next. */
  afterTable?: (table: FetchedTable) => Promise<void> | void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A pulled source reading the tables of `config.entities`; throws a ConfigError when they do not fit the contract. */
export function createPostgresSource(config: PostgresSourceConfig, options: PostgresSourceOptions = {}) {
  const plans = resolvePostgresPlans(config);
  return {
    name: POSTGRES_SOURCE,
    async pull(warehouse: Warehouse, context: PullContext): Promise<IngestedFileReport[] | PullOutcome> {
      const connectionString = (options.env ?? process.env)[config.connectionStringEnv];
      if (!connectionString)
        throw sourceError(`postgres: environment variable ${config.connectionStringEnv} (sources.postgres.connectionStringEnv) is not set`, false);
      const origins = new Map(plans.map((plan) => [plan.stream, postgresOrigin(connectionString, plan)] as const));
      const cursors = new Map<string, string | null>();
      for (const plan of plans) {
        const origin = origins.get(plan.stream)!;
        const cursor = await readCursorFrom(warehouse, plan.stream, origin, (previous) =>
          context.log?.warn({ stream: plan.stream, previous, now: origin }, `${plan.stream} now reads ${origin} (was ${previous}): pulling it from the start`),
        );
        cursors.set(plan.stream, cursor);
      }

      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rootloop-postgres-'));
      try {
        // 1. Fetch everything, retrying while the server is away; the warehouse is untouched.
        let fetched: FetchedTables | undefined;
        for (let attempt = 1; !fetched; attempt++) {
          try {
            fetched = await fetchPostgresTables({
              connectionString,
              plans,
              cursors,
              dir,
              overlapMinutes: config.overlapMinutes,
              timezone: context.config.timezone,
              connectTimeoutMs: config.connectTimeoutMs,
              statementTimeoutMs: config.statementTimeoutMs,
              ...(options.afterTable ? { afterTable: options.afterTable } : {}),
            });
          } catch (error) {
            const retryable = (error as { retryable?: boolean }).retryable === true;
            if (!retryable || attempt >= config.retryAttempts) throw error;
            await sleep(config.retryBackoffMs * 2 ** (attempt - 1));
          }
        }
        // 2. Load and advance the cursors, in the run's transaction.
        const reports: IngestedFileReport[] = [];
        const succeededAt = new Date();
        for (const table of fetched.tables) {
          reports.push(
            await loadPulledBatch(warehouse, context.runId, {
              source: POSTGRES_SOURCE,
              name: `postgres:${table.plan.table}@${context.runId}`,
              entity: table.plan.entity,
              format: 'csv',
              file: table.file,
              records: table.rows,
              rereads: true,
              transform: (w) => applyValueMapsToExtract(w, table.plan.entity, table.plan.values),
            }),
          );
          await saveCursor(warehouse, table.plan.stream, table.nextCursor, succeededAt, origins.get(table.plan.stream)!);
        }
        // The tables that failed keep their cursors: the next run reads them again from there.
        if (!fetched.failed.length) return reports;
        return { reports, failures: fetched.failed.map((f) => ({ stream: f.plan.stream, error: f.error.message })) };
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
