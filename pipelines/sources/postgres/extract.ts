/**
 * Fetches the rows changed since each table's cursor out of PostgreSQL into temp CSV files, with
 * `COPY (select …) TO STDOUT WITH (FORMAT csv, HEADER)` streamed through pg-copy-streams: the server
 * formats the text, no row passes through JavaScript objects (row-by-row through `pg` is ~3× slower, and
 * `pg` would parse int8/numeric as strings and `timestamp without time zone` in the process time zone).
 * Every column is selected as `::text` (booleans read `true`/`false`), so the inbox's CSV reader and the
 * shared loader see exactly what an exported file would hold.
 *
 * Incremental, without losing late commits:
 *   - rows are selected with `cursor >= stored cursor − overlap`, so rows sharing the boundary value and
 *     rows written with a slightly skewed clock are read again (the loader dedupes them by key);
 *   - the new cursor is the largest cursor value read, but never later than the start of the oldest
 *     transaction still open when the pull began (nor the pull's own start): a transaction that stamped
 *     `updated_at = now()` and commits after the pull is read by the next one. Seeing other sessions'
 *     transactions needs `pg_read_all_stats` (or `pg_monitor`); without it the overlap window is the guard.
 *   - all tables are read in one REPEATABLE READ snapshot, taken after the open transactions were listed.
 *
 * Nothing here touches the warehouse: a failure leaves only temp files, which the caller removes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { isRootloopError, sourceError, type RootloopError } from '../../core/errors.ts';
import { ENTITIES } from '../../../models/entities.ts';
import { PG_TYPE, quotePgIdentifier, type PostgresTablePlan } from './schema.ts';

export interface FetchedTable {
  plan: PostgresTablePlan;
  file: string;
  rows: number;
  /** The cursor to store once the rows are loaded (null: the table has no cursor column). */
  nextCursor: string | null;
}

export interface FetchOptions {
  connectionString: string;
  plans: readonly PostgresTablePlan[];
  /** Stored cursor per stream. */
  cursors: ReadonlyMap<string, string | null>;
  overlapMinutes: number;
  /** Session time zone: `timestamp without time zone` values are local times there (the contract's rule). */
  timezone: string;
  connectTimeoutMs: number;
  statementTimeoutMs: number;
  /** Folder for the CSV files. */
  dir: string;
  /** Called after each table was fetched (tests stop the server here to fail a pull midway). */
  afterTable?: (table: FetchedTable) => Promise<void> | void;
}

/** SQLSTATE classes and node errors worth another attempt: the server went away or is starting. */
const RETRYABLE_SQLSTATE = /^(08|57P0[1-3]|53|40001|40P01|55P03)/;
const RETRYABLE_NODE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);

/** A pg / network error as a SourceError naming what was being done. */
export function toSourceError(error: unknown, doing: string): RootloopError {
  const e = error as { code?: string; message?: string };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const message = e.message ?? String(error);
  // 57014: the statement ran past statementTimeoutMs. That is one table's slow query, not the server
  // going away: retrying repeats it, and it fails only its own table (a savepoint rolls it back).
  const retryable =
    code !== '57014' &&
    ((code !== undefined && (RETRYABLE_SQLSTATE.test(code) || RETRYABLE_NODE.has(code))) || /Connection terminated|timeout|ECONNRESET|socket/i.test(message));
  return sourceError(`postgres: ${doing}: ${message}${code && !message.includes(code) ? ` (${code})` : ''}`, retryable, error);
}

interface ProbedColumn {
  name: string;
  typeId: number;
}

async function probeColumns(client: pg.Client, plan: PostgresTablePlan): Promise<ProbedColumn[]> {
  const result = await client.query(`select * from ${quotePgIdentifier(plan.table)} limit 0`);
  return result.fields.map((f) => ({ name: f.name, typeId: f.dataTypeID }));
}

const CURSOR_TYPES: Record<number, string> = { [PG_TYPE.timestamptz]: 'timestamptz', [PG_TYPE.timestamp]: 'timestamp', [PG_TYPE.date]: 'date' };

interface TableQuery {
  selectList: string;
  /** ` where …` (reads the stored cursor from session settings) or ''. */
  where: string;
  cursorType: string | null;
}

/** The select list and filter for one table, or a non-retryable SourceError naming what is missing. */
function planQuery(plan: PostgresTablePlan, columns: readonly ProbedColumn[], incremental: boolean): TableQuery {
  const byName = new Map(columns.map((c) => [c.name, c]));
  const available = () => columns.map((c) => c.name).join(', ');
  const selectList = ENTITIES[plan.entity].columns
    .map((def) => {
      const mapped = plan.columns.get(def.name);
      let source: string | null;
      if (mapped === undefined) source = byName.has(def.name) ? def.name : null;
      else if (mapped === null) source = null;
      else if (byName.has(mapped)) source = mapped;
      else throw sourceError(`postgres: ${plan.table} has no column '${mapped}' (mapped to ${plan.entity}.${def.name}); its columns: ${available()}`, false);
      if (source === null && def.required) {
        throw sourceError(
          `postgres: ${plan.table} has no column for required ${plan.entity}.${def.name}: map it in sources.postgres.entities.${plan.entity}.columns (its columns: ${available()})`,
          false,
        );
      }
      return `${source === null ? 'null' : `${quotePgIdentifier(source)}::text`} as "${def.name}"`;
    })
    .join(', ');
  if (!plan.cursorColumn) return { selectList, where: '', cursorType: null };
  const cursor = byName.get(plan.cursorColumn);
  if (!cursor)
    throw sourceError(
      `postgres: ${plan.table} has no cursor column '${plan.cursorColumn}' (set cursorColumn, or null to pull the whole table each run); its columns: ${available()}`,
      false,
    );
  const cursorType = CURSOR_TYPES[cursor.typeId];
  if (!cursorType) throw sourceError(`postgres: cursor column ${plan.table}.${plan.cursorColumn} must be a timestamp, timestamptz or date column`, false);
  const column = quotePgIdentifier(plan.cursorColumn);
  // A wall-clock column (timestamp without time zone) repeats an hour when its zone's clocks go back:
  // rows stamped in the repeated hour lie up to 60 minutes below the stored cursor, so its overlap is
  // at least that. Rows whose cursor column is NULL are read every time (they cannot be placed; the
  // key keeps one version), rather than never.
  const overlap =
    cursorType === 'timestamp'
      ? `greatest(current_setting('rootloop.overlap_minutes')::double precision, 60)`
      : `current_setting('rootloop.overlap_minutes')::double precision`;
  const where = incremental
    ? ` where (${column} >= current_setting('rootloop.since')::${cursorType} - ${overlap} * interval '1 minute' or ${column} is null)`
    : '';
  return { selectList, where, cursorType };
}

/** Connects with the session settings every pull relies on; the caller ends the client. */
async function connect(options: FetchOptions): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: options.connectionString,
    connectionTimeoutMillis: options.connectTimeoutMs,
    statement_timeout: options.statementTimeoutMs,
    application_name: 'rootloop',
  });
  // A connection dropped while idle emits 'error' on the client; unhandled, it would end the process.
  // Errors that matter surface through the query being run.
  client.on('error', () => undefined);
  await client.connect();
  await client.query(`select set_config('TimeZone', $1, false), set_config('DateStyle', 'ISO, YMD', false), set_config('IntervalStyle', 'iso_8601', false)`, [
    options.timezone,
  ]);
  return client;
}

/** One table's changed rows into a CSV file, and the cursor to store once they are loaded. */
async function fetchTable(client: pg.Client, plan: PostgresTablePlan, options: FetchOptions, cap: string): Promise<FetchedTable> {
  const since = plan.cursorColumn ? (options.cursors.get(plan.stream) ?? null) : null;
  const query = planQuery(plan, await probeColumns(client, plan), since !== null);
  if (since !== null) await client.query(`select set_config('rootloop.since', $1, true)`, [since]);
  const file = path.join(options.dir, `${plan.entity}.csv`);
  const stream = client.query(
    copyTo(`copy (select ${query.selectList} from ${quotePgIdentifier(plan.table)}${query.where}) to stdout with (format csv, header true)`),
  );
  await pipeline(stream, fs.createWriteStream(file));
  let nextCursor: string | null = null;
  if (plan.cursorColumn && query.cursorType) {
    const c = quotePgIdentifier(plan.cursorColumn);
    const t = query.cursorType;
    // Largest value read, capped by the oldest open transaction, never behind the stored cursor.
    const result = await client.query<{ next: string | null }>(
      `select (case when max(${c}) is null then $1::${t} else greatest(least(max(${c}), $2::timestamptz::${t}), $1::${t}) end)::text as next
       from ${quotePgIdentifier(plan.table)}${query.where}`,
      [since, cap],
    );
    nextCursor = result.rows[0]?.next ?? null;
  }
  return { plan, file, rows: stream.rowCount, nextCursor };
}

/** A table that could not be read, while the others were. */
export interface FailedTable {
  plan: PostgresTablePlan;
  error: RootloopError;
}

export interface FetchedTables {
  tables: FetchedTable[];
  failed: FailedTable[];
}

/**
 * Fetches every planned table into `options.dir`. A table that fails on its own (a mapped column that is
 * missing, a value the server cannot convert to UTF-8) is rolled back to its savepoint and reported in
 * `failed`, and the other tables are still read: one bad row in the catalogue must not stop the orders
 * and complaints. A failure of the connection or the snapshot throws a SourceError for the whole pull.
 */
export async function fetchPostgresTables(options: FetchOptions): Promise<FetchedTables> {
  let client: pg.Client | undefined;
  let doing = 'connecting';
  try {
    client = await connect(options);
    // Listed before the snapshot is taken: every transaction that commits after the snapshot is either
    // in this list or started after this instant.
    doing = 'listing open transactions';
    const capRow = await client.query<{ cap: string }>(
      `select least(clock_timestamp(), min(xact_start))::text as cap from pg_stat_activity
       where datname = current_database() and pid <> pg_backend_pid() and xact_start is not null and backend_type = 'client backend'`,
    );
    const cap = capRow.rows[0]!.cap;
    await client.query('begin isolation level repeatable read read only');
    await client.query(`select set_config('rootloop.overlap_minutes', $1, true)`, [String(options.overlapMinutes)]);
    const fetched: FetchedTable[] = [];
    const failed: FailedTable[] = [];
    for (const plan of options.plans) {
      doing = `reading ${plan.table}`;
      await client.query('savepoint rootloop_table');
      let table: FetchedTable;
      try {
        table = await fetchTable(client, plan, options, cap);
        await client.query('release savepoint rootloop_table');
      } catch (error) {
        const sourceFailure = isRootloopError(error) ? error : toSourceError(error, doing);
        // Only a table's own problem is isolated: the server refused its query (a DatabaseError with a
        // SQLSTATE) or its mapping does not fit (raised before the COPY). The server or network gone, or
        // a local failure (disk full while writing the CSV) tears the COPY down mid-stream: the
        // connection cannot roll back to the savepoint then (it waited forever), so the pull fails whole.
        const ownProblem = (error instanceof pg.DatabaseError || isRootloopError(error)) && !sourceFailure.retryable;
        if (!ownProblem) throw sourceFailure;
        await client.query('rollback to savepoint rootloop_table');
        failed.push({ plan, error: sourceFailure });
        continue;
      }
      fetched.push(table);
      await options.afterTable?.(table);
    }
    doing = 'finishing the snapshot';
    await client.query('commit');
    return { tables: fetched, failed };
  } catch (error) {
    if (isRootloopError(error)) throw error;
    throw toSourceError(error, doing);
  } finally {
    await client?.end().catch(() => undefined);
  }
}
