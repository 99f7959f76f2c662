/**
 * The load step every source shares. A source extracts one batch (a file, a page of a table, a page of
 * an API) into the relation `_extract` (table or view): text columns named as in the contract, plus
 * `_line` (where the record sits in its file) and `_parse_error` (set when the record could not even be
 * split into fields; such rows may also carry their text in `_raw`). This module then, set-based in SQL:
 *   1. casts every column and checks the contract with one cheap predicate per row,
 *   2. marks exact duplicates (a record identical to an earlier one of the same batch),
 *   3. sends contract-breaking rows to `quarantine` with the reasons, worded from models/entities.ts,
 *   4. appends the accepted rows straight to `raw_<entity>`; `settleKeyVersions` then keeps one row
 *      per key, once per entity and run: the latest `_version_at` wins, ties go to the later batch,
 *      then the later line (CONTRACT §2).
 * Bulk rows are nearly all valid and unique, so the expensive parts (reasons, raw text, duplicate and
 * version windows) only run when a cheap count says they are needed. Appending first and settling
 * after writes each accepted row once: a staging copy cost as much as the append itself (issue 7).
 */
import type { Warehouse } from '../core/warehouse.ts';
import { ENTITIES, type EntityName } from '../../models/entities.ts';
import { buildRowReasonSql, buildRowValidOverTypedSql, buildTrimmedTextSql, buildTypedValueSql, quoteSqlIdentifier } from '../../models/entity-checks.ts';

export interface BatchIdentity {
  fileId: number;
  runId: string;
  fileName: string;
  entity: EntityName;
  /** Wall-clock ingestion time: orders versions that carry no updated_at. */
  ingestedAt: Date;
  /**
   * A pulled source (`postgres`) that reads rows again by design: those at its cursor, inside its
   * look-back window, or every row of a table pulled whole. A bad row it quarantined before is then
   * counted as a duplicate instead of being quarantined once more on every pull (96 times a day at a
   * 15-minute refresh, burying new problems under old ones).
   */
  rereadingSource?: string;
}

export interface BatchCounts {
  rowsRead: number;
  rowsLoaded: number;
  rowsQuarantined: number;
  rowsDuplicate: number;
}

/** The text columns `_extract` must have for an entity, in contract order. */
export function contractColumnsOf(entity: EntityName): string[] {
  return ENTITIES[entity].columns.map((c) => c.name);
}

/** A record as read, for the quarantine: its fields as one RFC 4180 line in contract column order. */
function rawRecordSql(columns: readonly string[]): string {
  const field = (c: string) =>
    `(case when ${c} is null then '' when regexp_matches(${c}, '[",\\r\\n]') or ${c} = '' then '"' || replace(${c}, '"', '""') || '"' else ${c} end)`;
  return `concat_ws(',', ${columns.map(field).join(', ')})`;
}

const rawColumnName = (column: string) => `__text_${column}`;
/** Which batches of this run appended rows to which raw table: what `settleKeyVersions` looks at. */
const RUN_BATCHES = '_run_batches';

/**
 * What raw_removed_rows keeps of a superseded version, column → the raw column it is read from, for
 * the entities whose old versions change queries need (sql/changes/): the rest keep nothing.
 */
const REMOVED_VERSION_COLUMNS: Partial<Record<EntityName, Record<string, string>>> = {
  shipments: { order_id: 'order_id', delivered_at: 'delivered_at' },
  orders: { order_id: 'order_id', ordered_at: 'ordered_at' },
};

/**
 * Validates the rows of `_extract`, quarantines the bad ones and appends the accepted ones to
 * `raw_<entity>`; call `settleKeyVersions` before anything reads the raw table (once per entity and
 * run, however many batches it came in). Drops its temp tables.
 */
export async function loadExtractedRows(warehouse: Warehouse, batch: BatchIdentity): Promise<BatchCounts> {
  const entity = ENTITIES[batch.entity];
  const columns = entity.columns.map((c) => quoteSqlIdentifier(c.name));

  // 1: each value cast once (inner select), then the validity predicate over the typed values and a
  // fingerprint of the record as read.
  await warehouse.run(`
    create or replace temp table _typed as
    select _line, _fingerprint, _parse_error is null and ${buildRowValidOverTypedSql(entity, rawColumnName)} as _is_valid, ${columns.join(', ')}
    from (
      select _line, _parse_error, hash(${columns.join(', ')}, _parse_error) as _fingerprint,
        ${entity.columns.map((c) => `${buildTrimmedTextSql(c)} as ${quoteSqlIdentifier(rawColumnName(c.name))}`).join(', ')},
        ${entity.columns.map((c) => `${buildTypedValueSql(c)} as ${quoteSqlIdentifier(c.name)}`).join(', ')}
      from _extract
    )`);

  // 2: exact duplicates, judged on the record as read (so a repeated bad row counts once as
  // quarantined and then as duplicate). Hash collisions are settled by comparing the text itself. One
  // scan answers every count the rest of the load needs.
  const stats = (await warehouse.one<{ rows: number; distinct_rows: number; invalid_rows: number }>(`
    select count(*) as rows, count(distinct _fingerprint) as distinct_rows, count(*) filter (where not _is_valid) as invalid_rows
    from _typed`))!;
  let rowsDuplicate = 0;
  let rowsQuarantined = stats.invalid_rows;
  if (stats.rows !== stats.distinct_rows) {
    await warehouse.run(`
      create or replace temp table _duplicate_lines as
      select _line from (
        select _line, row_number() over (partition by ${columns.join(', ')}, _parse_error, coalesce(_raw, '') order by _line) as copy_no
        from _extract
      ) where copy_no > 1`);
    await warehouse.run(`delete from _typed where _line in (select _line from _duplicate_lines); drop table _duplicate_lines`);
    const after = (await warehouse.one<{ rows: number; invalid_rows: number }>(
      `select count(*) as rows, count(*) filter (where not _is_valid) as invalid_rows from _typed`,
    ))!;
    rowsDuplicate = stats.rows - after.rows;
    rowsQuarantined = after.invalid_rows;
  }

  const rawOf = (alias: string) => `coalesce(${alias}._raw, ${rawRecordSql(columns.map((c) => `${alias}.${c}`))})`;
  if (rowsQuarantined > 0 && batch.rereadingSource) {
    const sameKey = entity.key.map((k) => `r.${quoteSqlIdentifier(k)} = t.${quoteSqlIdentifier(k)}`).join(' and ');
    await warehouse.run(
      // Already quarantined, and not loaded since: a row that went bad, was fixed and went bad again
      // is a new problem (the quarantine entry must be newer than the key's latest loaded version).
      `create or replace temp table _quarantined_before as
       select t._line from _typed t join _extract e using (_line)
       where not t._is_valid
         and exists (
           select 1 from quarantine q join ingested_files f using (file_id)
           where f.source = $1 and q.entity = $2 and q.raw_record = ${rawOf('e')}
             and q.file_id > coalesce((select max(r._file_id) from raw_${batch.entity} r where ${sameKey}), 0))`,
      [batch.rereadingSource, batch.entity],
    );
    const known = await warehouse.scalar('select count(*) from _quarantined_before');
    await warehouse.run('delete from _typed where _line in (select _line from _quarantined_before); drop table _quarantined_before');
    rowsDuplicate += known;
    rowsQuarantined -= known;
  }

  // 3: quarantine, with reasons and raw text computed for the invalid rows only.
  if (rowsQuarantined > 0) {
    await warehouse.run(
      `insert into quarantine (file_id, run_id, file_name, entity, line_number, raw_record, reason, quarantined_at)
       select $1, $2, $3, $4, e._line, ${rawOf('e')},
         coalesce(e._parse_error, ${buildRowReasonSql(entity)}, 'breaks the contract'), $5::timestamptz
       from _extract e
       where e._line in (select _line from _typed where not _is_valid)
       order by e._line`,
      [batch.fileId, batch.runId, batch.fileName, batch.entity, batch.ingestedAt],
    );
  }
  const rowsRead = stats.rows;
  const rowsLoaded = rowsRead - rowsDuplicate - rowsQuarantined;

  // 4: append the accepted rows.
  if (rowsLoaded > 0) await appendAcceptedRows(warehouse, batch, '(select * from _typed where _is_valid)');
  await warehouse.run('drop table if exists _typed');
  return { rowsRead, rowsLoaded, rowsQuarantined, rowsDuplicate };
}

/**
 * Where appended rows may land: 'file order' keeps the relation's order in the table's row ids (for
 * numbering lines afterwards), 'any order' lets DuckDB append in parallel and write each full row group
 * as it goes. Row order in a raw table means nothing otherwise (`_file_id` and `_line` say where a row
 * came from); keeping it for rows read from a temp copy of a Parquet file left them for the end-of-run
 * checkpoint to compress on one thread (7.5 M shipments: 13 s). Straight from a Parquet reader, file
 * order appends faster but leaves partly filled row groups for the next commit to consolidate (clean-files.ts).
 */
export type AppendOrder = 'file order' | 'any order';

/**
 * Appends the rows of `relation` (typed contract columns and `_line`) to `raw_<entity>` with their
 * version, updated_at or else the batch's ingestion time, and notes the batch for `settleKeyVersions`.
 */
export async function appendAcceptedRows(warehouse: Warehouse, batch: BatchIdentity, relation: string, order: AppendOrder = 'any order'): Promise<void> {
  const entity = ENTITIES[batch.entity];
  const columns = entity.columns.map((c) => quoteSqlIdentifier(c.name));
  const versionAt = entity.columns.some((c) => c.name === 'updated_at') ? `coalesce("updated_at", $1::timestamptz)` : `$1::timestamptz`;
  if (order === 'any order') await warehouse.run('set preserve_insertion_order = false');
  try {
    await warehouse.run(
      `insert into raw_${batch.entity} by name
       select ${columns.join(', ')}, ${batch.fileId}::bigint as _file_id, _line, ${versionAt} as _version_at from ${relation}`,
      [batch.ingestedAt],
    );
  } finally {
    if (order === 'any order') await warehouse.run('reset preserve_insertion_order');
  }
  await warehouse.run(`create temp table if not exists ${RUN_BATCHES} (entity varchar, file_id bigint)`);
  await warehouse.run(`insert into ${RUN_BATCHES} values ($1, $2)`, [batch.entity, batch.fileId]);
}

/** Undoes appendAcceptedRows for a batch (its rows and its note), within the run's transaction. */
export async function forgetAppendedRows(warehouse: Warehouse, batch: BatchIdentity): Promise<void> {
  await warehouse.run(`delete from raw_${batch.entity} where _file_id = $1`, [batch.fileId]);
  await warehouse.run(`delete from ${RUN_BATCHES} where entity = $1 and file_id = $2`, [batch.entity, batch.fileId]);
}

/** How many rows this run appended to a raw table, and how many distinct key hashes they hold. */
export interface RunKeyStats {
  rows: number;
  distinctKeys: number;
}

/** The batches (file ids) this run appended to `raw_<entity>`. */
async function runBatchesOf(warehouse: Warehouse, entityName: EntityName): Promise<number[]> {
  if (!(await warehouse.scalar(`select count(*) from duckdb_tables() where table_name = $1 and temporary`, [RUN_BATCHES]))) return [];
  const batches = await warehouse.all<{ file_id: number }>(`select file_id from ${RUN_BATCHES} where entity = $1`, [entityName]);
  return batches.map((r) => Number(r.file_id));
}

/** One scan of this run's rows of an entity; undefined when the run appended none. */
export async function runKeyStats(warehouse: Warehouse, entityName: EntityName): Promise<RunKeyStats | undefined> {
  const batches = await runBatchesOf(warehouse, entityName);
  if (!batches.length) return undefined;
  const keys = ENTITIES[entityName].key.map(quoteSqlIdentifier);
  const stats = (await warehouse.one<{ rows: number; distinct_keys: number }>(
    `select count(*) as rows, count(distinct hash(${keys.join(', ')})) as distinct_keys from raw_${entityName} where _file_id in (${batches.join(', ')})`,
  ))!;
  return { rows: stats.rows, distinctKeys: stats.distinct_keys };
}

/**
 * Keeps one row per key in `raw_<entity>` after this run's batches were appended: per key the latest
 * `_version_at` wins, ties go to the later batch (file ids grow with every batch, so this run's rows
 * win ties against stored versions), then the later line (CONTRACT §2). Returns the rows this run
 * appended. Cheap when nothing repeats (the common case): a count of distinct key hashes over the
 * run's rows (`known` when the caller has just counted them) and, when the table held rows before, a
 * semi-join of the stored keys against the run's. A hash collision only sends the check down the
 * exact path.
 */
export async function settleKeyVersions(warehouse: Warehouse, entityName: EntityName, known?: RunKeyStats): Promise<number> {
  const batches = await runBatchesOf(warehouse, entityName);
  if (!batches.length) return 0;
  const entity = ENTITIES[entityName];
  const keys = entity.key.map(quoteSqlIdentifier);
  const table = `raw_${entityName}`;
  const ofRun = `_file_id in (${batches.join(', ')})`;
  const ofRunA = `a.${ofRun}`;
  const stats = known ?? (await runKeyStats(warehouse, entityName))!;
  const keyMatch = keys.map((k) => `a.${k} = b.${k}`).join(' and ');
  let repeats = stats.rows !== stats.distinctKeys;
  if (!repeats) {
    const storedBefore = await warehouse.scalar(`select count(*) from (select 1 from ${table} where not ${ofRun} limit 1)`);
    if (storedBefore)
      repeats =
        (await warehouse.scalar(
          `select count(*) from (select 1 from ${table} a semi join (select ${keys.join(', ')} from ${table} where ${ofRun}) b on ${keyMatch} where not ${ofRunA} limit 1)`,
        )) > 0;
  }
  if (repeats) {
    // Only keys that occur more than once take part in the window.
    const supersededRowIds = `
        select row_id from (
          select a.rowid as row_id, row_number() over (partition by ${keys.map((k) => `a.${k}`).join(', ')} order by a._version_at desc, a._file_id desc, a._line desc) as version_no
          from ${table} a
          semi join (
            select ${keys.map((k) => `a.${k}`).join(', ')} from ${table} a
            semi join (select ${keys.join(', ')} from ${table} where ${ofRun}) b on ${keyMatch}
            group by ${keys.map((k) => `a.${k}`).join(', ')} having count(*) > 1
          ) b on ${keyMatch}
        ) where version_no > 1`;
    // A superseded shipment version may have named another order, whose complaints the next build of
    // fct_complaints must then look at again, or another delivery week, which the carrier marts must
    // count again; a superseded order version may have been placed on another date, whose exposures
    // int_action_exposure_days must count again (sql/changes/). No other entity's versions carry a
    // reference or an instant that the surviving version's file id would not reveal.
    const removedColumns = REMOVED_VERSION_COLUMNS[entityName];
    if (removedColumns) {
      // the window once, for the note and the delete
      await warehouse.run(`create or replace temp table _superseded as ${supersededRowIds}`);
      await warehouse.run(
        `insert into raw_removed_rows (entity, key_value, ${Object.keys(removedColumns).join(', ')}, removed_at) select '${entityName}', ${keys[0]}, ${Object.values(removedColumns).join(', ')}, now() from ${table} where rowid in (select row_id from _superseded)`,
      );
      await warehouse.run(`delete from ${table} where rowid in (select row_id from _superseded)`);
      await warehouse.run(`drop table _superseded`);
    } else await warehouse.run(`delete from ${table} where rowid in (${supersededRowIds})`);
  }
  await warehouse.run(`delete from ${RUN_BATCHES} where entity = $1`, [entityName]);
  return stats.rows;
}

/** Settles every entity this run appended to (end of an ingest or a pull). */
export async function settleAllKeyVersions(warehouse: Warehouse): Promise<void> {
  for (const entity of Object.keys(ENTITIES) as EntityName[]) await settleKeyVersions(warehouse, entity);
  await forgetRunBatches(warehouse);
}

/** Drops the run's note of its batches, once every entity is settled. */
export async function forgetRunBatches(warehouse: Warehouse): Promise<void> {
  await warehouse.run(`drop table if exists ${RUN_BATCHES}`);
}
