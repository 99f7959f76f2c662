/**
 * Reads one inbox file into the temp table `_extract` (see load-extracted-rows.ts): every contract
 * column as text, the physical line of each record, the record as read, and a parse error for records
 * that could not be split into fields. DuckDB does the reading; no JavaScript loop touches bulk rows
 * (Arrow IPC files excepted: DuckDB has no Arrow reader offline, so they are converted to JSONL).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Warehouse } from '../../core/warehouse.ts';
import { ENTITIES, type EntityName } from '../../../models/entities.ts';
import { quoteSqlIdentifier, quoteSqlString } from '../../../models/entity-checks.ts';
import {
  buildMappedRowFilter,
  buildMappedSelectList,
  candidateSourceColumns,
  explainMissingSourceColumns,
  type ResolvedMapping,
} from '../mapping/column-mapping.ts';
import { scanCsvUnits, type CsvUnit } from './csv-units.ts';
import type { InboxFormat } from './schema.ts';

/** The file as a whole cannot be read: it is quarantined whole and the run goes on. */
export class UnreadableFileError extends Error {}

const SAMPLE_BYTES = 1 << 20;
/**
 * The longest record line read (a longer one is quarantined with the reason). DuckDB's CSV reader
 * sizes its buffers from this (16 × by default), so it is kept modest and the buffer set explicitly:
 * 64 MB lines meant 1 GiB buffers, more than the default warehouse.memoryLimit.
 */
const MAX_LINE_BYTES = 8 << 20;
const CSV_BUFFER_BYTES = 4 * MAX_LINE_BYTES;

/** Text of the first bytes of a file, or a reason it is not UTF-8 text. */
function readTextSample(file: string): { text: string; bytes: Buffer } {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(SAMPLE_BYTES);
    const length = fs.readSync(fd, buffer, 0, SAMPLE_BYTES, 0);
    const bytes = buffer.subarray(0, length);
    // Cut a multi-byte character split at the sample's end before checking the encoding.
    let end = length;
    if (length === SAMPLE_BYTES) while (end > length - 4 && (bytes[end - 1]! & 0xc0) === 0x80) end--;
    const checked = length === SAMPLE_BYTES ? bytes.subarray(0, Math.max(0, end - 1)) : bytes;
    if (checked.includes(0)) throw new UnreadableFileError('file holds binary data (NUL bytes), not text; export it as UTF-8 CSV or JSONL');
    // Node 20 has buffer.isUtf8 in 'node:buffer'.
    if (!isUtf8(checked)) throw new UnreadableFileError('file is not UTF-8 encoded (wrong encoding, e.g. GBK); re-export it as UTF-8');
    return { text: checked.toString('utf8').replace(/^\uFEFF/, ''), bytes };
  } finally {
    fs.closeSync(fd);
  }
}

import { isUtf8 } from 'node:buffer';

/** Splits an RFC 4180 header line into names. */
export function parseCsvHeader(text: string): string[] {
  const names: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      names.push(cell.trim());
      cell = '';
    } else if (ch === '\n' || ch === '\r') break;
    else cell += ch;
  }
  names.push(cell.trim());
  return names;
}

/** Rejects a header that lacks a required column: every row would fail, so the file is unusable. */
/**
 * Header names as the contract spells them, matched case-insensitively (enum values are, too): a
 * `Severity` or `Updated_At` column was otherwise ignored as unknown, and the file loaded without it.
 * Files under a mapping keep their own names (the mapping names them as the source system does).
 * Readers bind the contract name to the file's column case-insensitively, as DuckDB does.
 */
function spellContractNames(entity: EntityName, names: readonly string[], mapping: ResolvedMapping | undefined): string[] {
  if (mapping) return [...names];
  const byLowerName = new Map(ENTITIES[entity].columns.map((c) => [c.name.toLowerCase(), c.name]));
  return names.map((name) => byLowerName.get(name.toLowerCase()) ?? name);
}

function checkHeader(entity: EntityName, names: readonly string[]): void {
  const present = new Set(names);
  const missing = ENTITIES[entity].columns.filter((c) => c.required && !present.has(c.name)).map((c) => c.name);
  if (missing.length) {
    throw new UnreadableFileError(
      `no usable header: required column(s) ${missing.join(', ')} missing (found: ${names.slice(0, 12).join(', ') || 'nothing'}); the first line must name the columns of ${entity}`,
    );
  }
  refuseRepeatedColumns(names, new Set(ENTITIES[entity].columns.map((c) => c.name)));
}

/**
 * A column the load reads, named twice (`status` and `Status`: names match in any case), is
 * ambiguous and the file unusable. An unknown column named twice is kept nowhere (CONTRACT §2), so it
 * is no reason to refuse the file.
 */
function refuseRepeatedColumns(names: readonly string[], read: ReadonlySet<string>): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name) && read.has(name)) throw new UnreadableFileError(`header names column '${name}' twice`);
    seen.add(name);
  }
}

/** Select list of the contract columns from a relation whose available columns are `present`. */
function contractSelectList(entity: EntityName, present: ReadonlySet<string>, valueOf: (name: string) => string): string {
  return ENTITIES[entity].columns.map((c) => `${present.has(c.name) ? valueOf(c.name) : 'null::varchar'} as ${quoteSqlIdentifier(c.name)}`).join(', ');
}

/**
 * The hook for files in another system's shape (config `inboxMappings`): once a reader holds the file's
 * own columns as text, the mapping (not the contract's names) decides the header check, the select list
 * and which rows are records. Without a mapping, the contract-shaped path is used unchanged.
 */
function checkSourceHeader(entity: EntityName, names: readonly string[], mapping: ResolvedMapping | undefined): void {
  if (!mapping) return checkHeader(entity, names);
  const reason = explainMissingSourceColumns(mapping, new Set(names));
  if (reason) throw new UnreadableFileError(reason);
  refuseRepeatedColumns(names, new Set(candidateSourceColumns(mapping)));
}

function sourceSelectList(entity: EntityName, present: ReadonlySet<string>, valueOf: (name: string) => string, mapping: ResolvedMapping | undefined): string {
  return mapping ? buildMappedSelectList(mapping, present, valueOf) : contractSelectList(entity, present, valueOf);
}

/** ` where …` keeping the entity's records, or '' (always '' without a mapping). */
function sourceRowFilter(mapping: ResolvedMapping | undefined, valueOf: (name: string) => string, joiner = 'where'): string {
  const condition = mapping ? buildMappedRowFilter(mapping, valueOf) : undefined;
  return condition ? ` ${joiner} ${condition}` : '';
}

export async function dropRejectTables(warehouse: Warehouse): Promise<void> {
  await warehouse.run('drop table if exists _rejects; drop table if exists _reject_scans');
}

/**
 * Physical line numbers of records. DuckDB numbers records (header = 1) and skips rejected ones, so the
 * n-th accepted record sits after the rejects that precede it; quoted fields holding line breaks push
 * every later record further down the file.
 */
async function numberPhysicalLines(warehouse: Warehouse, acceptedTable: string, newlineSql: string, firstRecordLine: number): Promise<void> {
  await warehouse.run(`
    create or replace temp table _reject_lines as
    select distinct line as record_no from _rejects`);
  await warehouse.run(`
    create or replace temp table _numbered as
    with accepted as (
      select row_number() over (order by rowid) as n, rowid as _rowid, ${newlineSql} as newlines from ${acceptedTable}
    ),
    gaps as (
      -- before the j-th reject lie (record_no - first - (j - 1)) accepted records
      select record_no - ${firstRecordLine} - (row_number() over (order by record_no) - 1) as accepted_before, row_number() over (order by record_no) as j
      from _reject_lines
    ),
    placed as (
      select a._rowid, a.n + ${firstRecordLine} - 1 + coalesce((select max(g.j) from gaps g where g.accepted_before < a.n), 0) as record_no, a.newlines
      from accepted a
    ),
    everything as (
      select _rowid, record_no, newlines from placed
      union all
      select null, record_no, 0 from _reject_lines
    )
    select _rowid, record_no,
      record_no + coalesce(sum(newlines) over (order by record_no rows between unbounded preceding and 1 preceding), 0) as physical_line
    from everything`);
}

function rejectReasonSql(): string {
  return `case
      when error_type = 'TOO MANY COLUMNS' then 'wrong number of fields: ' || lower(error_message) || ' (is a comma or quote unescaped?)'
      when error_type = 'MISSING COLUMNS' then 'wrong number of fields: ' || lower(error_message)
      when error_type = 'INVALID ENCODING' then 'line is not valid UTF-8 text; re-export the file as UTF-8'
      when error_type = 'LINE SIZE OVER MAXIMUM' then 'line is longer than the maximum of ${MAX_LINE_BYTES} bytes'
      else 'unreadable record: ' || error_message end`;
}

/** Escapes a field for an RFC 4180 line (used to show a record as it was read). */
const csvFieldSql = (expr: string) =>
  `(case when ${expr} is null then '' when regexp_matches(${expr}, '[",\\r\\n]') or ${expr} = '' then '"' || replace(${expr}, '"', '""') || '"' else ${expr} end)`;

/**
 * A CSV file's header, once the file is known to be UTF-8 text whose header has what the entity (or its
 * mapping) needs: `names` as the header spells them (contract names in the contract's case), and the
 * reader's name for each column. The reader names columns by position (`_c0`, `_c1`, …), not by the
 * header: a file's own names could be DuckDB's (`rowid`, which the load uses to number records) or
 * repeat in another case (`Note`, `note`), which DuckDB refuses.
 */
export interface CsvHeader {
  names: string[];
  readerNames: string[];
  /** The reader column (quoted) holding a header name (its first occurrence). */
  columnOf: (name: string) => string;
}

export function readCsvHeader(file: string, entity: EntityName, mapping?: ResolvedMapping): CsvHeader {
  const { text } = readTextSample(file);
  if (text.trim() === '') throw new UnreadableFileError('file is empty: no header line');
  const names = spellContractNames(entity, parseCsvHeader(text), mapping);
  checkSourceHeader(entity, names, mapping);
  const readerNames = names.map((_, i) => `_c${i}`);
  const readerNameOf = new Map<string, string>();
  names.forEach((name, i) => {
    if (!readerNameOf.has(name)) readerNameOf.set(name, readerNames[i]!);
  });
  return { names, readerNames, columnOf: (name) => quoteSqlIdentifier(readerNameOf.get(name) ?? name) };
}

/**
 * `read_csv` of a file with the given DuckDB type per header column (RFC 4180, strict). Records the
 * reader cannot take are skipped and land in the temp table `_rejects` (line, raw text, error).
 */
export function readCsvSql(file: string, columnTypes: ReadonlyArray<readonly [name: string, duckdbType: string]>): string {
  const columnSpec = `{${columnTypes.map(([name, type]) => `${quoteSqlString(name)}: ${quoteSqlString(type)}`).join(', ')}}`;
  return `read_csv(${quoteSqlString(file)}, header = true, auto_detect = false, columns = ${columnSpec},
      delim = ',', quote = '"', escape = '"', strict_mode = true, null_padding = false, ignore_errors = true,
      store_rejects = true, rejects_table = '_rejects', rejects_scan = '_reject_scans', max_line_size = ${MAX_LINE_BYTES}, buffer_size = ${CSV_BUFFER_BYTES})`;
}

/**
 * `physicalLines` (from `readFileFacts`), when known, spares the scan for line breaks inside fields:
 * a file with one line per record and no rejects has none.
 */
export async function extractCsv(warehouse: Warehouse, file: string, entity: EntityName, mapping?: ResolvedMapping, physicalLines?: number): Promise<void> {
  const header = readCsvHeader(file, entity, mapping);
  await dropRejectTables(warehouse);
  await warehouse.run(
    `create or replace temp table _csv as select * from ${readCsvSql(
      file,
      header.readerNames.map((name) => [name, 'VARCHAR'] as const),
    )}`,
  );
  const fields = header.readerNames.map(quoteSqlIdentifier);
  const present = new Set(header.names);
  const contractColumns = sourceSelectList(entity, present, header.columnOf, mapping);
  const rowFilter = sourceRowFilter(mapping, header.columnOf);
  const rejects = await warehouse.scalar('select count(*) from _rejects');
  const oneLinePerRecord = rejects === 0 && physicalLines !== undefined && (await warehouse.scalar('select count(*) from _csv')) + 1 === physicalLines;
  const multiLine =
    fields.length && !oneLinePerRecord
      ? await warehouse.scalar(`select count(*) from _csv where ${fields.map((f) => `contains(${f}, chr(10))`).join(' or ')}`)
      : 0;
  // The record as read (every field of the file, unknown columns too), for the quarantine; a view
  // computes it only for the rows that are shown.
  const rawSql = `concat_ws(',', ${fields.map(csvFieldSql).join(', ')})`;
  // Blank lines between records: the reader skips them unnumbered, so only a scan of the file places
  // the records on their physical lines.
  const units = oneLinePerRecord ? undefined : scanCsvUnits(file);
  const blankLines = units?.some((u) => u.blank) ?? false;
  if (rejects === 0 && multiLine === 0 && !blankLines) {
    // The common case: the n-th record (0-based) sits on physical line n + 2. Row ids of a table made
    // inside a transaction start at a large offset, hence the subtraction.
    await warehouse.run(`create or replace temp view _extract as
      select rowid - (select min(rowid) from _csv) + 2 as _line, ${rawSql} as _raw, null::varchar as _parse_error, ${contractColumns} from _csv${rowFilter}`);
    return;
  }
  const newlineSql = fields.map((f) => `coalesce(length(${f}) - length(replace(${f}, chr(10), '')), 0)`).join(' + ');
  if (rejects === 0 && !blankLines) {
    // Quoted fields span lines but every record was read: record n (1-based) starts on line
    // n + 1 + the line breaks inside the records before it. One window; the record text is only
    // built (in the view) for the rows someone looks at.
    await warehouse.run(`
      create or replace temp table _numbered as
      select rowid as _rowid,
        row_number() over records + 1 + coalesce(sum(${newlineSql || '0'}) over (records rows between unbounded preceding and 1 preceding), 0) as physical_line
      from _csv
      window records as (order by rowid)`);
    await warehouse.run(`create or replace temp view _extract as
      select n.physical_line as _line, ${rawSql} as _raw, null::varchar as _parse_error, ${contractColumns}
      from _csv c join _numbered n on n._rowid = c.rowid${rowFilter}`);
    return;
  }
  if (!(blankLines && (await numberByUnits(warehouse, units!)))) await numberPhysicalLines(warehouse, '_csv', newlineSql || '0', 2);
  await warehouse.run(`
    create or replace temp table _extract_rows as
    select n.physical_line as _line, ${rawSql} as _raw, null::varchar as _parse_error, ${contractColumns}
    from _csv c join _numbered n on n._rowid = c.rowid${rowFilter}
    union all
    select n.physical_line, r.csv_line, ${rejectReasonSql()}, ${nullContractColumns(entity)}
    from (select line, any_value(csv_line) as csv_line, any_value(error_type) as error_type, any_value(error_message) as error_message from _rejects group by line) r
    join _numbered n on n._rowid is null and n.record_no = r.line`);
  await warehouse.run('create or replace temp view _extract as select * from _extract_rows');
}

/**
 * `_numbered` (as numberPhysicalLines makes it) from the file's units: a rejected record's line is its
 * unit; the n-th accepted record is the n-th unit after the header that is neither blank nor rejected.
 * False when the scan and the reader disagree on the records (an unterminated quote, say): a record
 * without a line would drop out of the load, so the caller numbers the old way instead.
 */
async function numberByUnits(warehouse: Warehouse, units: readonly CsvUnit[]): Promise<boolean> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rootloop-units-'));
  try {
    const file = path.join(dir, 'units.csv');
    fs.writeFileSync(file, units.map((u, i) => `${i + 1},${u.startLine},${u.blank}`).join('\n') + '\n');
    await warehouse.run(`
      create or replace temp table _numbered as
      with units as (
        select * from read_csv(${quoteSqlString(file)}, header = false, auto_detect = false,
          columns = {'unit_no': 'BIGINT', 'physical_line': 'BIGINT', 'is_blank': 'BOOLEAN'})
      ),
      rejected as (select distinct line as unit_no from _rejects),
      records as (
        select row_number() over (order by unit_no) as n, unit_no, physical_line
        from units where unit_no > 1 and not is_blank and unit_no not in (select unit_no from rejected)
      ),
      accepted as (select row_number() over (order by rowid) as n, rowid as _rowid from _csv)
      select a._rowid, r.unit_no as record_no, r.physical_line from accepted a join records r using (n)
      union all
      select null, u.unit_no, u.physical_line from units u where u.unit_no in (select unit_no from rejected)`);
    const agree = await warehouse.scalar(
      `select (select count(*) from _numbered where _rowid is not null) = (select count(*) from _csv)
          and (select count(*) from _numbered where _rowid is null) = (select count(distinct line) from _rejects)`,
    );
    return agree === 1;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function nullContractColumns(entity: EntityName): string {
  return ENTITIES[entity].columns.map((c) => `null::varchar as ${quoteSqlIdentifier(c.name)}`).join(', ');
}

/**
 * Marks records of a JSONL extract unreadable with a reason the caller already knows (by line, from
 * 1), so the loader quarantines them with it. For the few records a fetcher found wrong (pulled
 * batches); one statement per record.
 */
export async function markExtractedRecordsUnreadable(warehouse: Warehouse, reasons: ReadonlyMap<number, string>): Promise<void> {
  for (const [line, reason] of reasons) await warehouse.run('update _extract_rows set _parse_error = $2 where _line = $1', [line, reason]);
}

/** Drops what the extractors made; called after the batch is loaded. */
export async function dropExtractTables(warehouse: Warehouse): Promise<void> {
  const tables = ['_extract_rows', '_csv', '_lines', '_numbered', '_reject_lines', '_rejects', '_reject_scans', '_parquet_rows'];
  await warehouse.run(['drop view if exists _extract', ...tables.map((t) => `drop table if exists ${t}`)].join('; '));
}

/** JSON lines: read as plain lines (exact line numbers, raw text kept), parsed in SQL. */
/** Contract name → the keys of the `_lines` JSON objects that spell it in another case. */
async function otherKeySpellings(warehouse: Warehouse, names: readonly string[]): Promise<Map<string, string[]>> {
  const byLowerName = new Map(names.map((name) => [name.toLowerCase(), name]));
  const found = await warehouse.all<{ key: string }>(
    `select distinct unnest(json_keys(line)) as key from _lines where try(json_type(line)) = 'OBJECT' order by key`,
  );
  const spellings = new Map<string, string[]>();
  for (const { key } of found) {
    const name = byLowerName.get(key.toLowerCase());
    if (name !== undefined && name !== key) spellings.set(name, [...(spellings.get(name) ?? []), key]);
  }
  return spellings;
}

const sqlTextList = (values: readonly string[]) => `[${values.map(quoteSqlString).join(', ')}]::varchar[]`;

/** The JSON path of a top-level key, quoted so any name works ("Order No", a name with a quote). */
const jsonPathOf = (key: string) => `$."${key.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;

export async function extractJsonl(warehouse: Warehouse, file: string, entity: EntityName, mapping?: ResolvedMapping): Promise<void> {
  readTextSample(file);
  const columns = ENTITIES[entity].columns;
  const keys = mapping ? candidateSourceColumns(mapping) : columns.map((c) => c.name);
  await dropRejectTables(warehouse);
  // 0x1E (record separator) cannot appear unescaped in valid JSON, so each line is one field.
  await warehouse.run(`
    create or replace temp table _lines as
    select * from read_csv(${quoteSqlString(file)}, header = false, auto_detect = false, columns = {'line': 'VARCHAR'},
      delim = chr(30), quote = '', escape = '', strict_mode = false, ignore_errors = true,
      store_rejects = true, rejects_table = '_rejects', rejects_scan = '_reject_scans', max_line_size = ${MAX_LINE_BYTES}, buffer_size = ${CSV_BUFFER_BYTES})`);
  // Keys are matched case-insensitively, as CSV and Parquet headers are: the keys of the file spelled
  // otherwise than the contract ('Severity') are read too, the contract's own spelling first.
  const otherSpellings = mapping ? new Map<string, string[]>() : await otherKeySpellings(warehouse, keys);
  // Every key read (checked below for nested values). The other spellings are read by path, not through
  // the shape: struct fields differing only in case are one field to DuckDB.
  const keysRead = [...keys, ...[...otherSpellings.values()].flat()];
  const shape = `{${keys.map((name) => `${JSON.stringify(name)}:"VARCHAR"`).join(',')}}`;
  const fieldOf = (name: string) => {
    const others = (otherSpellings.get(name) ?? []).map((k) => `json_extract_string(_raw, ${quoteSqlString(jsonPathOf(k))})`);
    const own = `record.${quoteSqlIdentifier(name)}`;
    return others.length ? `coalesce(${[own, ...others].join(', ')})` : own;
  };
  // Blank lines are rows too, so without rejects record n (0-based rowid) is physical line n + 1.
  const rejects = await warehouse.scalar('select count(*) from _rejects');
  const lineNumbers =
    rejects === 0
      ? `select rowid as _rowid, rowid - (select min(rowid) from _lines) + 1 as physical_line from _lines`
      : 'select _rowid, physical_line from _numbered where _rowid is not null';
  if (rejects > 0) await numberPhysicalLines(warehouse, '_lines', '0', 1);
  await warehouse.run(`
    create or replace temp table _extract_rows as
    with parsed as (
      select n.physical_line as _line, l.line as _raw,
        try(json_type(l.line)) as json_kind,
        try(json_transform(l.line, ${quoteSqlString(shape)})) as record,
        -- A key read given twice: DuckDB would keep the first value, JSON.parse the last; neither is
        -- safe. An unknown key given twice is kept nowhere (CONTRACT §2) and harms nothing.
        case when try(json_type(l.line)) = 'OBJECT' then
          array_to_string(list_sort(list_distinct(list_filter(json_keys(l.line), lambda k, i: list_position(json_keys(l.line), k) < i
            and list_contains(${sqlTextList(keysRead)}, k)))), ', ')
        end as repeated_keys,
        -- An array or object where one value belongs (["O1","O2"] as order_id) would be kept as its
        -- JSON text and then match nothing.
        case when try(json_type(l.line)) = 'OBJECT' then
          concat_ws(', ', ${keysRead.map((k) => `case when json_type(l.line, ${quoteSqlString(jsonPathOf(k))}) in ('ARRAY', 'OBJECT') then ${quoteSqlString(k)} end`).join(', ')})
        end as nested_fields
      from _lines l join (${lineNumbers}) n on n._rowid = l.rowid
      where l.line is not null and trim(l.line) <> ''
    )
    select _line, _raw,
      case
        when json_kind is null then 'line is not valid JSON'
        when json_kind <> 'OBJECT' then 'line is a JSON ' || lower(json_kind) || ', not an object'
        when repeated_keys <> '' then 'line gives ' || repeated_keys || ' more than once'
        when nested_fields <> '' then nested_fields || ': a JSON array or object where one value belongs'
      end as _parse_error,
      ${sourceSelectList(entity, new Set(keys), fieldOf, mapping)}
    from parsed${sourceRowFilter(mapping, fieldOf, "where json_kind is distinct from 'OBJECT' or")}
    ${
      rejects === 0
        ? ''
        : `union all
    select n.physical_line, r.csv_line, ${rejectReasonSql()}, ${nullContractColumns(entity)}
    from (select line, any_value(csv_line) as csv_line, any_value(error_type) as error_type, any_value(error_message) as error_message from _rejects group by line) r
    join _numbered n on n._rowid is null and n.record_no = r.line`
    }`);
  await warehouse.run('create or replace temp view _extract as select * from _extract_rows');
}

/** A Parquet column as the load reads it. */
export interface ParquetColumn {
  /** DuckDB's type for it, as `describe` spells it. */
  type: string;
  /**
   * Stored as INT96, the timestamp of Spark, Hive and Impala: DuckDB reads it as a TIMESTAMP without a
   * zone, but Spark writes the UTC instant (and INT96 has no room for an offset), so it is read as UTC
   * rather than as local time.
   */
  int96: boolean;
}

/**
 * The columns of a Parquet file (contract names in the contract's case) and how DuckDB reads them,
 * once its columns are known to suffice. Every read of a Parquet file takes byte arrays as text
 * (`binary_as_string`): writers that leave out the UTF-8 annotation are common, and as a BLOB 包裹破损
 * would be cast to '\xE5\x8C…'. Bytes that are not UTF-8 in a column the load reads then make the file
 * unreadable, and it is quarantined whole; in a column it does not read they harm nothing (CONTRACT §2:
 * unknown columns are kept nowhere), because every read names the columns it needs.
 */
export async function readParquetColumns(
  warehouse: Warehouse,
  file: string,
  entity: EntityName,
  mapping?: ResolvedMapping,
): Promise<Map<string, ParquetColumn>> {
  const schema = await warehouse.all<{ column_name: string; column_type: string }>(
    `select column_name, column_type from (describe select * from read_parquet(${quoteSqlString(file)}, binary_as_string = true))`,
  );
  const int96 = new Set(
    (await warehouse.all<{ name: string }>(`select name from parquet_schema(${quoteSqlString(file)}) where type = 'INT96'`)).map((r) => r.name),
  );
  const names = spellContractNames(
    entity,
    schema.map((r) => r.column_name),
    mapping,
  );
  checkSourceHeader(entity, names, mapping);
  return new Map(schema.map((r, i) => [names[i]!, { type: r.column_type, int96: int96.has(r.column_name) }]));
}

/** A Parquet column's value as text, as the text path reads every value. */
export function parquetTextSql(name: string, column: ParquetColumn): string {
  const quoted = quoteSqlIdentifier(name);
  return column.int96 ? `strftime(${quoted}, '%Y-%m-%dT%H:%M:%S.%fZ')` : `cast(${quoted} as varchar)`;
}

/**
 * Whether the file has a column of the name DuckDB's reader uses for its row numbers: the reader then
 * refuses `file_row_number = true`, and the rows are numbered from a copy instead.
 */
export function hasRowNumberColumn(columns: ReadonlyMap<string, ParquetColumn>): boolean {
  return [...columns.keys()].some((name) => name.toLowerCase() === 'file_row_number');
}

export async function extractParquet(warehouse: Warehouse, file: string, entity: EntityName, mapping?: ResolvedMapping): Promise<void> {
  const columns = await readParquetColumns(warehouse, file, entity, mapping);
  const present = new Set(columns.keys());
  const wanted = mapping ? candidateSourceColumns(mapping) : ENTITIES[entity].columns.map((c) => c.name);
  const read = wanted.filter((name) => present.has(name));
  const asText = (name: string) => parquetTextSql(name, columns.get(name)!);
  // The record as stored, in the columns the load reads: unknown columns are kept nowhere (CONTRACT §2),
  // so two records differing only there are identical, and an unreadable one cannot fail the file.
  const raw = read.length ? `to_json({${read.map((name) => `${quoteSqlString(name)}: ${quoteSqlIdentifier(name)}`).join(', ')}})::varchar` : `'{}'`;
  const selected = read.map(quoteSqlIdentifier).join(', ');
  const ownRowNumberColumn = hasRowNumberColumn(columns);
  const reader = `read_parquet(${quoteSqlString(file)}, binary_as_string = true${ownRowNumberColumn ? '' : ', file_row_number = true'})`;
  let rows: string;
  if (ownRowNumberColumn) {
    // A copy in file order (insertion order is preserved), numbered by row id.
    await warehouse.run(`create or replace temp table _parquet_rows as select ${selected || '1 as _none'} from ${reader}`);
    rows = `(select *, rowid - (select min(rowid) from _parquet_rows) + 1 as _row_number from _parquet_rows)`;
  } else rows = `(select ${selected ? `${selected}, ` : ''}file_row_number + 1 as _row_number from ${reader})`;
  await warehouse.run(`
    create or replace temp view _extract as
    select _row_number as _line, ${raw} as _raw, null::varchar as _parse_error,
      ${sourceSelectList(entity, present, asText, mapping)}
    from ${rows} parquet_row${sourceRowFilter(mapping, asText)}`);
}

/** Arrow IPC (file or stream format) through apache-arrow, handed to DuckDB as JSON lines. */
export async function extractArrow(warehouse: Warehouse, file: string, entity: EntityName, mapping?: ResolvedMapping): Promise<void> {
  // Loaded here, not at start-up: apache-arrow's import costs ~0.3 s and Arrow files are rare.
  const { tableFromIPC } = await import('apache-arrow');
  let table;
  try {
    table = tableFromIPC(fs.readFileSync(file));
  } catch (error) {
    throw new UnreadableFileError(`not a readable Arrow IPC file: ${(error as Error).message}`);
  }
  checkSourceHeader(
    entity,
    table.schema.fields.map((f) => f.name),
    mapping,
  );
  const temp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'rootloop-arrow-')), 'rows.jsonl');
  try {
    const out = fs.openSync(temp, 'w');
    const toJson = (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value instanceof Date ? value.toISOString() : value);
    for (const row of table) fs.writeSync(out, JSON.stringify(row.toJSON(), toJson) + '\n');
    fs.closeSync(out);
    await extractJsonl(warehouse, temp, entity, mapping);
  } finally {
    fs.rmSync(path.dirname(temp), { recursive: true, force: true });
  }
}

export async function extractInboxFile(
  warehouse: Warehouse,
  file: string,
  entity: EntityName,
  format: InboxFormat,
  mapping?: ResolvedMapping,
  physicalLines?: number,
): Promise<void> {
  switch (format) {
    case 'csv':
      return extractCsv(warehouse, file, entity, mapping, physicalLines);
    case 'jsonl':
      return extractJsonl(warehouse, file, entity, mapping);
    case 'parquet':
      return extractParquet(warehouse, file, entity, mapping);
    case 'arrow':
      return extractArrow(warehouse, file, entity, mapping);
  }
}
