/**
 * The fast path for a clean contract-shaped CSV file (issues 2 and 7). DuckDB's reader parses the
 * numeric columns itself and every other column is cast and checked in the same statement, straight
 * into the typed temp table `_typed`: no text copy of the file is made and no value is cast twice.
 * The text path (extract.ts, then loadExtractedRows) made both, which at 10 M lines also pushed the
 * temp tables past the memory limit and onto disk.
 *
 * A file takes this path only when it proves clean: the reader rejected no record (a number it cannot
 * parse is a rejected record), every record obeys the contract and no two records are identical.
 * Otherwise the work is dropped and the file goes down the text path, which words the reasons, keeps
 * the raw text and numbers the lines of the bad records. The result in `raw_<entity>` is the same on
 * both paths; test/pipelines/sources/inbox/clean-csv.test.ts holds the reader's number parsing to the
 * text path's casts.
 */
import type { Warehouse } from '../../core/warehouse.ts';
import { ENTITIES, type ColumnDef, type EntityName } from '../../../models/entities.ts';
import { buildRowValidOverTypedSql, buildTrimmedTextSql, buildTypedValueSql, quoteSqlIdentifier, sqlTypeOf } from '../../../models/entity-checks.ts';
import { appendAcceptedRows, type BatchCounts, type BatchIdentity } from '../load-extracted-rows.ts';
import { dropRejectTables, readCsvHeader, readCsvSql } from './extract.ts';

/** Columns the reader parses itself: it rejects what it cannot parse, as the text path's cast would. */
const parsedByReader = (column: ColumnDef) => column.type === 'integer' || column.type === 'decimal';

const checkedName = (column: string) => `__checked_${column}`;

/**
 * Loads the file into `raw_<entity>` when it is clean and returns its counts; returns undefined, having
 * changed nothing, when it is not. Throws `UnreadableFileError` for a file without a usable header.
 */
export async function loadCleanCsv(
  warehouse: Warehouse,
  file: string,
  entityName: EntityName,
  physicalLines: number,
  batch: BatchIdentity,
): Promise<BatchCounts | undefined> {
  const entity = ENTITIES[entityName];
  const header = readCsvHeader(file, entityName);
  const byName = new Map(entity.columns.map((c) => [c.name, c]));
  const typeOf = (name: string) => {
    const column = byName.get(name);
    return column && parsedByReader(column) ? sqlTypeOf(column) : 'VARCHAR';
  };
  const present = new Set(header);
  const columns = entity.columns.map((c) => quoteSqlIdentifier(c.name));
  // Per column: the value as the contract checks see it (trimmed text, or the reader's number) and
  // the typed value; buildRowValidOverTypedSql reads both.
  const checked = entity.columns.map((c) => {
    const name = quoteSqlIdentifier(c.name);
    if (!present.has(c.name)) return `null::${sqlTypeOf(c)} as ${quoteSqlIdentifier(checkedName(c.name))}, null::${sqlTypeOf(c)} as ${name}`;
    if (parsedByReader(c)) return `${name} as ${quoteSqlIdentifier(checkedName(c.name))}, ${name}`;
    return `${buildTrimmedTextSql(c)} as ${quoteSqlIdentifier(checkedName(c.name))}, ${buildTypedValueSql(c)} as ${name}`;
  });
  await dropRejectTables(warehouse);
  await warehouse.run(`
    create or replace temp table _typed as
    select hash(${columns.join(', ')}) as _fingerprint, ${buildRowValidOverTypedSql(entity, checkedName)} as _is_valid, ${columns.join(', ')}
    from (
      select ${checked.join(',\n        ')}
      from ${readCsvSql(
        file,
        header.map((name) => [name, typeOf(name)] as const),
      )}
    )`);
  const rejects = await warehouse.scalar('select count(*) from _rejects');
  const stats = (await warehouse.one<{ rows: number; distinct_rows: number; invalid_rows: number }>(`
    select count(*) as rows, count(distinct _fingerprint) as distinct_rows, count(*) filter (where not _is_valid) as invalid_rows from _typed`))!;
  const oneLinePerRecord = stats.rows + 1 === physicalLines;
  let clean = rejects === 0 && stats.invalid_rows === 0 && stats.distinct_rows === stats.rows;
  // Row ids of a table made inside a transaction start at a large offset, hence the subtraction.
  let lined = `(select *, rowid - (select min(rowid) from _typed) + 2 as _line from _typed)`;
  if (clean && !oneLinePerRecord) {
    // Quoted fields spanning lines push later records down: record n (1-based) starts on line n + 1 +
    // the line breaks inside the records before it. Trimming keeps line breaks, so the kept text
    // columns count them; the numbering is only trusted if the last record then ends on the file's
    // last line (a line break in a field outside the contract or in a value of another type, or a
    // blank line, sends the file down the text path).
    const textColumns = entity.columns.filter((c) => c.type === 'text' && present.has(c.name)).map((c) => quoteSqlIdentifier(c.name));
    const newlines = textColumns.map((c) => `coalesce(strlen(${c}) - strlen(replace(${c}, chr(10), '')), 0)`).join(' + ') || '0';
    await warehouse.run(`
      create or replace temp table _typed_lines as
      select rowid as _rowid, row_number() over records + 1 + coalesce(sum(${newlines}) over (records rows between unbounded preceding and 1 preceding), 0) as _line,
        ${newlines} as _breaks
      from _typed window records as (order by rowid)`);
    clean = (await warehouse.scalar('select max(_line + _breaks) from _typed_lines')) === physicalLines;
    lined = `(select t.*, l._line from _typed t join _typed_lines l on l._rowid = t.rowid)`;
  }
  if (clean && stats.rows > 0) await appendAcceptedRows(warehouse, batch, lined);
  await warehouse.run('drop table if exists _typed_lines');
  await warehouse.run('drop table if exists _typed');
  await dropRejectTables(warehouse);
  return clean ? { rowsRead: stats.rows, rowsLoaded: stats.rows, rowsQuarantined: 0, rowsDuplicate: 0 } : undefined;
}
