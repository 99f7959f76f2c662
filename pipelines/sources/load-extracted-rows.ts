/**
 * The load step every source shares. A source extracts one batch (a file, a page of a table, a page of
 * an API) into the temp table `_extract`: text columns named as in the contract, plus `_line` (where the
 * record sits in its file), `_raw` (the record as read) and `_parse_error` (set when the record could not
 * even be split into fields). This module then, set-based in SQL:
 *   1. marks exact duplicates (a record identical to an earlier one of the same batch),
 *   2. validates and casts every column (rules derived from models/entities.ts),
 *   3. sends contract-breaking rows to `quarantine` with a reason,
 *   4. merges the accepted rows into `raw_<entity>` by key: the latest `_version_at` wins, ties go to
 *      the later batch, then the later line (CONTRACT §2).
 */
import type { Warehouse } from '../core/warehouse.ts';
import { ENTITIES, type EntityName } from '../../models/entities.ts';
import { buildRowReasonSql, buildTypedValueSql, quoteSqlIdentifier } from '../../models/entity-checks.ts';

export interface BatchIdentity {
  fileId: number;
  runId: string;
  fileName: string;
  entity: EntityName;
  /** Wall-clock ingestion time: orders versions that carry no updated_at. */
  ingestedAt: Date;
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

/** Validates, quarantines and merges the rows of `_extract`; drops the temp tables it made. */
export async function loadExtractedRows(warehouse: Warehouse, batch: BatchIdentity): Promise<BatchCounts> {
  const entity = ENTITIES[batch.entity];
  const columns = entity.columns.map((c) => quoteSqlIdentifier(c.name));
  const keys = entity.key.map(quoteSqlIdentifier);
  const typed = entity.columns.map((c) => `${buildTypedValueSql(c)} as ${quoteSqlIdentifier(c.name)}`);
  const hasUpdatedAt = entity.columns.some((c) => c.name === 'updated_at');
  const versionAt = hasUpdatedAt ? `coalesce("updated_at", $1::timestamptz)` : `$1::timestamptz`;

  // 1 + 2: duplicates and reasons in one pass. A duplicate is judged on the record as read, so a
  // repeated bad row counts once as quarantined and then as duplicate.
  await warehouse.run(`
    create or replace temp table _checked as
    select _line, _raw,
      row_number() over (partition by _raw order by _line) > 1 as _is_duplicate,
      coalesce(_parse_error, ${buildRowReasonSql(entity)}) as _reason,
      ${columns.join(', ')}
    from _extract`);

  const counts = await warehouse.one<Record<string, number>>(`
    select count(*) as rows_read,
      count(*) filter (where _is_duplicate) as rows_duplicate,
      count(*) filter (where not _is_duplicate and _reason is not null) as rows_quarantined,
      count(*) filter (where not _is_duplicate and _reason is null) as rows_loaded
    from _checked`);

  // 3: quarantine.
  await warehouse.run(
    `insert into quarantine (file_id, run_id, file_name, entity, line_number, raw_record, reason, quarantined_at)
     select $1, $2, $3, $4, _line, _raw, _reason, $5::timestamptz from _checked
     where not _is_duplicate and _reason is not null order by _line`,
    [batch.fileId, batch.runId, batch.fileName, batch.entity, batch.ingestedAt],
  );

  // 4: the best version per key within the batch, then merge against the current versions. This batch
  // was ingested after every stored version, so it wins ties on _version_at.
  await warehouse.run(
    `create or replace temp table _best as
     select ${entity.columns.map((c) => quoteSqlIdentifier(c.name)).join(', ')}, ${batch.fileId}::bigint as _file_id, _line, ${versionAt} as _version_at
     from (select ${typed.join(', ')}, _line from _checked where not _is_duplicate and _reason is null) typed_rows
     qualify row_number() over (partition by ${keys.join(', ')} order by ${versionAt} desc, _line desc) = 1`,
    [batch.ingestedAt],
  );
  const table = `raw_${batch.entity}`;
  const keyMatch = keys.map((k) => `r.${k} = b.${k}`).join(' and ');
  await warehouse.run(`delete from ${table} r using _best b where ${keyMatch} and b._version_at >= r._version_at`);
  await warehouse.run(`insert into ${table} by name select b.* from _best b where not exists (select 1 from ${table} r where ${keyMatch})`);
  await warehouse.run('drop table if exists _best; drop table if exists _checked; drop table if exists _extract');

  return {
    rowsRead: counts?.rows_read ?? 0,
    rowsLoaded: counts?.rows_loaded ?? 0,
    rowsQuarantined: counts?.rows_quarantined ?? 0,
    rowsDuplicate: counts?.rows_duplicate ?? 0,
  };
}
