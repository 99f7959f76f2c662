/**
 * The fast path for clean contract-shaped CSV and Parquet files (issues 2 and 7). A Parquet column
 * stored with exactly the contract's type is taken as stored; every other value is cast and checked by
 * the contract's rules in the same statement, and the rows go straight from the reader into
 * `raw_<entity>`: no copy of the file is made and no value goes to text and back. The text path (extract.ts, then
 * loadExtractedRows) did both; a temp copy alone cost as much as the append from it.
 *
 * The file is judged on what was appended: it is clean when the reader rejected no record (one with the
 * wrong number of fields, say), every record obeys the contract and no two records are identical.
 * An invalid record is appended with line number -1 (and a placeholder key, the raw key columns being
 * not null), so counting them is a scan of the file's new rows. Identical records are looked for once
 * per entity and run, after every file is in (`batchesWithIdenticalRecords`). A file that is not clean
 * has its rows deleted again and goes down the text path, which words the reasons, keeps the raw text
 * and numbers the lines of the bad records. The result in `raw_<entity>` is the same on both paths:
 * test/pipelines/sources/inbox/clean-files.test.ts loads the same files both ways.
 */
import type { Warehouse } from '../../core/warehouse.ts';
import { ENTITIES, type ColumnDef, type EntityDef, type EntityName } from '../../../models/entities.ts';
import {
  buildRowValidOverTypedSql,
  buildTrimmedTextSql,
  buildTypedValueSql,
  quoteSqlIdentifier,
  quoteSqlString,
  sqlTypeOf,
} from '../../../models/entity-checks.ts';
import { appendAcceptedRows, forgetAppendedRows, type AppendOrder, type BatchCounts, type BatchIdentity } from '../load-extracted-rows.ts';
import { dropRejectTables, hasRowNumberColumn, parquetTextSql, readCsvHeader, readCsvSql, readParquetColumns, type ParquetColumn } from './extract.ts';

const checkedName = (column: string) => `__checked_${column}`;
/** A `text` column's value as the reader holds it, before trimming and cast. */
const readTextName = (column: string) => `__read_${column}`;

/**
 * How one contract column is read: `typed` when the reader already holds the contract's typed value
 * (`sql` names it), `text` when it holds text (`sql` is an expression of that text), which gets the
 * text path's own trimming and cast, `absent` when the file lacks the column (null, as on the text
 * path).
 */
export type ColumnSource = { kind: 'typed'; sql: string } | { kind: 'text'; sql: string } | { kind: 'absent' };

/** The select list feeding buildRowValidOverTypedSql: per column its checked value and typed value. */
function checkedColumnsSql(entity: EntityDef, sourceOf: (column: ColumnDef) => ColumnSource): string {
  return entity.columns
    .map((c) => {
      const name = quoteSqlIdentifier(c.name);
      const checked = quoteSqlIdentifier(checkedName(c.name));
      const source = sourceOf(c);
      if (source.kind === 'absent') return `null::${sqlTypeOf(c)} as ${checked}, null::${sqlTypeOf(c)} as ${name}`;
      if (source.kind === 'typed') return `${source.sql} as ${checked}, ${source.sql} as ${name}`;
      // buildTrimmedTextSql and buildTypedValueSql read the column by its contract name.
      const text = { ...c, name: readTextName(c.name) };
      // Without the edge-whitespace fallback: a value wrapped in tabs sends the file to the text path.
      return `${buildTrimmedTextSql(text)} as ${checked}, ${buildTypedValueSql(text, { edgeWhitespace: false })} as ${name}`;
    })
    .join(',\n        ');
}

/** The text inputs of the `text` columns, named by readTextName, for checkedColumnsSql to read. */
function textInputsSql(entity: EntityDef, sourceOf: (column: ColumnDef) => ColumnSource): string {
  const inputs = entity.columns.flatMap((c) => {
    const source = sourceOf(c);
    return source.kind === 'text' ? [`${source.sql} as ${quoteSqlIdentifier(readTextName(c.name))}`] : [];
  });
  return inputs.length ? `, ${inputs.join(', ')}` : '';
}

/**
 * The select, over `fromSql`, of the source's `extraColumns`, the record's validity (`_is_valid`) and
 * the typed contract columns.
 */
function typedSelectSql(entity: EntityDef, sourceOf: (column: ColumnDef) => ColumnSource, fromSql: string, extraColumns: string): string {
  const columns = entity.columns.map((c) => quoteSqlIdentifier(c.name));
  return `
    select ${extraColumns}${buildRowValidOverTypedSql(entity, checkedName)} as _is_valid, ${columns.join(', ')}
    from (
      select ${extraColumns}${checkedColumnsSql(entity, sourceOf)}
      from (select *${textInputsSql(entity, sourceOf)} from ${fromSql})
    )`;
}

/**
 * Appends the rows of `typedSql` (typedSelectSql) to `raw_<entity>`, valid ones with line number
 * `lineSql`, invalid ones with -1; a key part an invalid record lacks gets a placeholder.
 */
async function appendUnjudgedRows(warehouse: Warehouse, batch: BatchIdentity, typedSql: string, lineSql: string, order: AppendOrder): Promise<void> {
  const entity = ENTITIES[batch.entity];
  const keys = new Set(entity.key);
  const columns = entity.columns
    .map((c) => {
      const name = quoteSqlIdentifier(c.name);
      return keys.has(c.name) ? `coalesce(${name}, ${c.type === 'integer' ? '0' : "''"}) as ${name}` : name;
    })
    .join(', ');
  await appendAcceptedRows(warehouse, batch, `(select ${columns}, case when _is_valid then ${lineSql} else -1 end as _line from (${typedSql}))`, order);
}

/**
 * Whether every record the batch appended obeys the contract, and how many there are: a scan of the
 * file's new rows that reads only `_line` (invalid records carry -1).
 */
async function judgeAppendedRows(warehouse: Warehouse, batch: BatchIdentity): Promise<{ valid: boolean; rows: number }> {
  const stats = (await warehouse.one<{ rows: number; invalid_rows: number }>(
    `select count(*) as rows, count(*) filter (where _line < 0) as invalid_rows from raw_${batch.entity} where _file_id = $1`,
    [batch.fileId],
  ))!;
  return { valid: stats.invalid_rows === 0, rows: stats.rows };
}

/**
 * Of the given fast-path batches of one entity, those holding two identical records, which the text
 * path must load instead (it counts the repeats as exact duplicates). Identical records share their
 * key, so the caller only asks when the run's keys repeat at all (`runKeyStats`, which settling the
 * versions counts anyway), and a whole record is only compared within a batch whose keys repeat: on
 * bulk drops, where nothing repeats, the check costs nothing beyond that one count per entity.
 */
export async function batchesWithIdenticalRecords(warehouse: Warehouse, entityName: EntityName, fileIds: readonly number[]): Promise<number[]> {
  if (!fileIds.length) return [];
  const entity = ENTITIES[entityName];
  const table = `raw_${entityName}`;
  const keyRepeats = await warehouse.all<{ file_id: number }>(
    `select _file_id as file_id from ${table} where _file_id in (${fileIds.join(', ')})
     group by _file_id having count(*) <> count(distinct hash(${entity.key.map(quoteSqlIdentifier).join(', ')})) order by _file_id`,
  );
  const columns = entity.columns.map((c) => quoteSqlIdentifier(c.name)).join(', ');
  const withIdentical: number[] = [];
  for (const { file_id } of keyRepeats) {
    const identical = await warehouse.scalar(`select count(*) <> count(distinct hash(${columns})) from ${table} where _file_id = $1`, [file_id]);
    if (identical) withIdentical.push(Number(file_id));
  }
  return withIdentical;
}

const allLoaded = (rows: number): BatchCounts => ({ rowsRead: rows, rowsLoaded: rows, rowsQuarantined: 0, rowsDuplicate: 0 });

/**
 * Loads a CSV file into `raw_<entity>` when every record is valid and returns its counts; returns
 * undefined, having changed nothing, when not. The caller still asks `batchesWithIdenticalRecords`
 * once all files are in. Throws `UnreadableFileError` for a file without a usable header.
 * `physicalLines` comes from `readFileFacts`.
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
  const present = new Set(header.names);
  // Every column is read as text and cast by the contract's own rules: DuckDB's reader would parse
  // numbers itself, but it rounds '2.5' into an integer column without a reject.
  const sourceOf = (c: ColumnDef): ColumnSource => (!present.has(c.name) ? { kind: 'absent' } : { kind: 'text', sql: header.columnOf(c.name) });
  await dropRejectTables(warehouse);
  const readerTypes = header.readerNames.map((name) => [name, 'VARCHAR'] as const);
  // Appended in file order, line numbers to come: record n (0-based) gets row id (first row id + n).
  // DuckDB keeps the reader's order only while the statement has no join, and it plans an IN list of
  // five or more constants as one: the checks test membership with list_contains (entity-checks.ts),
  // and test/pipelines/row-order-at-scale.test.ts loads a file big enough to be read in parallel.
  await appendUnjudgedRows(warehouse, batch, typedSelectSql(entity, sourceOf, readCsvSql(file, readerTypes), ''), '0', 'file order');
  const rejected = await warehouse.scalar('select count(*) from _rejects');
  await dropRejectTables(warehouse);
  const judged = rejected === 0 ? await judgeAppendedRows(warehouse, batch) : { valid: false, rows: 0 };
  const clean = judged.valid && (await numberCsvLines(warehouse, batch, judged.rows, physicalLines, present));
  if (!clean) await forgetAppendedRows(warehouse, batch);
  return clean ? allLoaded(judged.rows) : undefined;
}

/**
 * Sets the line numbers of a clean CSV batch appended in file order; false (nothing set) when they
 * cannot be trusted. One line per record: record n (0-based) sits on line n + 2. Otherwise quoted
 * fields spanning lines push later records down: record n (1-based) starts on line n + 1 + the line
 * breaks inside the records before it. Trimming keeps line breaks, so the stored text columns count
 * them; the numbering is only trusted if the last record then ends on the file's last line (a line
 * break in a field outside the contract or in a value of another type, or a blank line, sends the file
 * down the text path).
 */
async function numberCsvLines(warehouse: Warehouse, batch: BatchIdentity, rows: number, physicalLines: number, present: ReadonlySet<string>): Promise<boolean> {
  const table = `raw_${batch.entity}`;
  // Row ids of rows appended inside a transaction start at a large offset, hence the subtraction.
  if (rows + 1 === physicalLines) {
    await warehouse.run(`update ${table} set _line = rowid - (select min(rowid) from ${table} where _file_id = $1) + 2 where _file_id = $1`, [batch.fileId]);
    return true;
  }
  const textColumns = ENTITIES[batch.entity].columns.filter((c) => c.type === 'text' && present.has(c.name)).map((c) => quoteSqlIdentifier(c.name));
  const newlines = textColumns.map((c) => `coalesce(strlen(${c}) - strlen(replace(${c}, chr(10), '')), 0)`).join(' + ') || '0';
  await warehouse.run(
    `create or replace temp table _csv_lines as
     select rowid as _rowid, row_number() over records + 1 + coalesce(sum(${newlines}) over (records rows between unbounded preceding and 1 preceding), 0) as _line,
       ${newlines} as _breaks
     from ${table} where _file_id = $1 window records as (order by rowid)`,
    [batch.fileId],
  );
  const trusted = (await warehouse.scalar('select max(_line + _breaks) from _csv_lines')) === physicalLines;
  if (trusted) await warehouse.run(`update ${table} set _line = l._line from _csv_lines l where ${table}.rowid = l._rowid`);
  await warehouse.run('drop table _csv_lines');
  return trusted;
}

/** How DuckDB's `describe` spells a contract column's SQL type (it spells TIMESTAMPTZ out). */
const describedTypeOf = (column: ColumnDef) => (sqlTypeOf(column) === 'TIMESTAMPTZ' ? 'TIMESTAMP WITH TIME ZONE' : sqlTypeOf(column));

/**
 * How each contract column of a Parquet file is read, given its stored types (column → type as
 * `describe` spells it): as stored when that is exactly the contract's type, else as text.
 */
export function parquetColumnSources(columns: ReadonlyMap<string, ParquetColumn>): (column: ColumnDef) => ColumnSource {
  return (c) => {
    const column = columns.get(c.name);
    if (column === undefined) return { kind: 'absent' };
    const textual = c.type === 'text' || c.type === 'enum' || c.type === 'enum_list';
    return !textual && !column.int96 && column.type === describedTypeOf(c)
      ? { kind: 'typed', sql: quoteSqlIdentifier(c.name) }
      : { kind: 'text', sql: parquetTextSql(c.name, column) };
  };
}

/**
 * The same for a Parquet file: a column stored with exactly the contract's type (BIGINT, DECIMAL(18,4),
 * TIMESTAMP WITH TIME ZONE, BOOLEAN) is taken as stored; any other is read as text, as the text path
 * reads it. Line n is the n-th row, as in extractParquet.
 *
 * Unlike a CSV file, a Parquet file numbers its own rows, so nothing needs a copy of the file: the rows
 * are appended to `raw_<entity>` straight from the reader, each invalid one with its line number
 * negated (and a placeholder key, the raw key columns being not null), and the file is judged on what
 * was appended. A file with an invalid record has its rows deleted again before it goes down the text
 * path.
 * Appending from the reader rather than from a temp copy halves the append (the reader hands DuckDB
 * dictionary vectors to compress) and left nothing for the end-of-run checkpoint to write: 7.5 M
 * shipments went from 10.8 s (copy) + 14.5 s (append) + 13 s (checkpoint) to about 9 s.
 */
export async function loadCleanParquet(warehouse: Warehouse, file: string, entityName: EntityName, batch: BatchIdentity): Promise<BatchCounts | undefined> {
  const entity = ENTITIES[entityName];
  const columns = await readParquetColumns(warehouse, file, entityName);
  if (hasRowNumberColumn(columns)) return undefined;
  const sourceOf = parquetColumnSources(columns);
  // Only the contract's columns are read: an unknown one may hold anything (bytes that are not UTF-8, a
  // column named _line), and is kept nowhere.
  const read = entity.columns.filter((c) => columns.has(c.name)).map((c) => `${quoteSqlIdentifier(c.name)}, `);
  const typed = typedSelectSql(
    entity,
    sourceOf,
    `(select ${read.join('')}file_row_number + 1 as _line from read_parquet(${quoteSqlString(file)}, file_row_number = true, binary_as_string = true))`,
    '_line, ',
  );
  // In any order. In file order the append itself was 25-30 % faster (971 k order lines: 0.23 vs 0.30
  // s), but it left more, partly filled row groups (10 M-line warehouse: 96 row groups against 68 for
  // 7.5 M shipments), which the next run's commit then consolidated (~4 s instead of 0.4 s at that scale).
  await appendUnjudgedRows(warehouse, batch, typed, '_line', 'any order');
  const judged = await judgeAppendedRows(warehouse, batch);
  if (!judged.valid) await forgetAppendedRows(warehouse, batch);
  return judged.valid ? allLoaded(judged.rows) : undefined;
}
