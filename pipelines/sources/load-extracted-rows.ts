/**
 * The load step every source shares. A source extracts one batch (a file, a page of a table, a page of
 * an API) into the relation `_extract` (table or view): text columns named as in the contract, plus
 * `_line` (where the record sits in its file) and `_parse_error` (set when the record could not even be
 * split into fields; such rows may also carry their text in `_raw`). This module then, set-based in SQL:
 *   1. casts every column and checks the contract with one cheap predicate per row,
 *   2. marks exact duplicates (a record identical to an earlier one of the same batch),
 *   3. sends contract-breaking rows to `quarantine` with the reasons, worded from models/entities.ts,
 *   4. merges the accepted rows into `raw_<entity>` by key: the latest `_version_at` wins, ties go to
 *      the later batch, then the later line (CONTRACT §2).
 * Bulk rows are nearly all valid and unique, so the expensive parts (reasons, raw text, duplicate and
 * version windows) only run when a cheap count says they are needed.
 */
import type { Warehouse } from '../core/warehouse.ts';
import { ENTITIES, type EntityName } from '../../models/entities.ts';
import { buildRowReasonSql, buildRowValidSql, buildTypedValueSql, quoteSqlIdentifier } from '../../models/entity-checks.ts';

export interface BatchIdentity {
  fileId: number;
  runId: string;
  fileName: string;
  entity: EntityName;
  /** Wall-clock ingestion time: orders versions that carry no updated_at. */
  ingestedAt: Date;
  /** raw_<entity> holds no row yet: a plain insert replaces the merge (first loads, benchmarks). */
  targetIsEmpty?: boolean;
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

/** Validates, quarantines and merges the rows of `_extract`; drops the temp tables it made. */
export async function loadExtractedRows(warehouse: Warehouse, batch: BatchIdentity): Promise<BatchCounts> {
  const entity = ENTITIES[batch.entity];
  const columns = entity.columns.map((c) => quoteSqlIdentifier(c.name));
  const keys = entity.key.map(quoteSqlIdentifier);
  const hasUpdatedAt = entity.columns.some((c) => c.name === 'updated_at');
  const table = `raw_${batch.entity}`;

  // 1: typed values, the validity predicate and a fingerprint of the record, in one pass.
  await warehouse.run(`
    create or replace temp table _typed as
    select _line,
      _parse_error is null and ${buildRowValidSql(entity)} as _is_valid,
      hash(${columns.join(', ')}, _parse_error) as _fingerprint,
      ${entity.columns.map((c) => `${buildTypedValueSql(c)} as ${quoteSqlIdentifier(c.name)}`).join(', ')}
    from _extract`);

  // 2: exact duplicates, judged on the record as read (so a repeated bad row counts once as
  // quarantined and then as duplicate). Hash collisions are settled by comparing the text itself. One
  // scan answers every count the rest of the load needs.
  const stats = (await warehouse.one<{ rows: number; distinct_rows: number; invalid_rows: number; valid_rows: number; distinct_keys: number }>(`
    select count(*) as rows, count(distinct _fingerprint) as distinct_rows,
      count(*) filter (where not _is_valid) as invalid_rows, count(*) filter (where _is_valid) as valid_rows,
      count(distinct (${keys.join(', ')})) filter (where _is_valid) as distinct_keys
    from _typed`))!;
  let rowsDuplicate = 0;
  let rowsQuarantined = stats.invalid_rows;
  let keysUnique = stats.valid_rows === stats.distinct_keys;
  if (stats.rows !== stats.distinct_rows) {
    await warehouse.run(`
      create or replace temp table _duplicate_lines as
      select _line from (
        select _line, row_number() over (partition by ${columns.join(', ')}, _parse_error, coalesce(_raw, '') order by _line) as copy_no
        from _extract
      ) where copy_no > 1`);
    await warehouse.run(`delete from _typed where _line in (select _line from _duplicate_lines); drop table _duplicate_lines`);
    const after = (await warehouse.one<{ rows: number; invalid_rows: number; valid_rows: number; distinct_keys: number }>(`
      select count(*) as rows, count(*) filter (where not _is_valid) as invalid_rows, count(*) filter (where _is_valid) as valid_rows,
        count(distinct (${keys.join(', ')})) filter (where _is_valid) as distinct_keys from _typed`))!;
    rowsDuplicate = stats.rows - after.rows;
    rowsQuarantined = after.invalid_rows;
    keysUnique = after.valid_rows === after.distinct_keys;
  }

  // 3: quarantine, with reasons and raw text computed for the invalid rows only.
  if (rowsQuarantined > 0) {
    await warehouse.run(
      `insert into quarantine (file_id, run_id, file_name, entity, line_number, raw_record, reason, quarantined_at)
       select $1, $2, $3, $4, e._line, coalesce(e._raw, ${rawRecordSql(columns.map((c) => `e.${c}`))}),
         coalesce(e._parse_error, ${buildRowReasonSql(entity)}, 'breaks the contract'), $5::timestamptz
       from _extract e
       where e._line in (select _line from _typed where not _is_valid)
       order by e._line`,
      [batch.fileId, batch.runId, batch.fileName, batch.entity, batch.ingestedAt],
    );
  }
  const rowsRead = stats.rows;
  const rowsLoaded = rowsRead - rowsDuplicate - rowsQuarantined;

  // 4: one version per key within the batch (the latest; ties to the later line), then the merge. This
  // batch was ingested after every stored version, so it wins ties on _version_at.
  const versionAt = hasUpdatedAt ? `coalesce("updated_at", $1::timestamptz)` : `$1::timestamptz`;
  const onePerKey = keysUnique ? '' : `qualify row_number() over (partition by ${keys.join(', ')} order by ${versionAt} desc, _line desc) = 1`;
  await warehouse.run(
    `create or replace temp table _best as
     select ${columns.join(', ')}, ${batch.fileId}::bigint as _file_id, _line, ${versionAt} as _version_at
     from _typed where _is_valid ${onePerKey}`,
    [batch.ingestedAt],
  );
  const keyMatch = keys.map((k) => `r.${k} = b.${k}`).join(' and ');
  if (batch.targetIsEmpty) {
    await warehouse.run(`insert into ${table} by name select * from _best`);
  } else {
    await warehouse.run(`delete from ${table} r using _best b where ${keyMatch} and b._version_at >= r._version_at`);
    await warehouse.run(`insert into ${table} by name select b.* from _best b anti join ${table} r on ${keyMatch}`);
  }
  await warehouse.run('drop table if exists _best; drop table if exists _typed');

  return { rowsRead, rowsLoaded, rowsQuarantined, rowsDuplicate };
}
