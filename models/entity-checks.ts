/**
 * Derives, from one entity definition, both the set-based SQL that validates and casts a whole file
 * of text columns, and the zod schema that validates a single record (API payloads, small inputs).
 * The reasons are worded identically in both, so a quarantined row reads the same wherever it failed.
 */
import { z } from 'zod';
import type { ColumnDef, EntityDef } from './entities.ts';

/** A SQL string literal. Only for text we control or have escaped here. */
export function quoteSqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A quoted SQL identifier; callers pass names from the entity allowlist only. */
export function quoteSqlIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

const SQL_TYPE: Record<ColumnDef['type'], string> = {
  text: 'VARCHAR',
  integer: 'BIGINT',
  decimal: 'DECIMAL(18,4)',
  timestamp: 'TIMESTAMPTZ',
  boolean: 'BOOLEAN',
  enum: 'VARCHAR',
  enum_list: 'VARCHAR',
};

export function sqlTypeOf(column: ColumnDef): string {
  return SQL_TYPE[column.type];
}

/**
 * How a number must be written. DuckDB's own cast is lenient in ways that change a value silently: it
 * rounds '2.5' to the integer 3 and reads '0x10' as 16, '1e1' as 10 and '1_000' as 1000. A quantity of
 * 2.5 is a broken record, not 3 items, so text must look like a plain number to be read as one: an
 * integer is digits with an optional sign (and a zero fraction, as float columns of other tools write
 * whole numbers: '3.0'); a decimal may have a fraction and an exponent.
 */
const INTEGER_PATTERN = '[+-]?[0-9]+(\\.0*)?';
const DECIMAL_PATTERN = '[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?';

/**
 * How a timestamp must be written: ISO 8601 date, optional time (seconds and fraction optional), optional
 * `Z` or numeric offset. DuckDB's cast reads more, and some of it wrongly: zone abbreviations by its own
 * table ('CST' as America/Chicago, 13 hours from China Standard Time), the word 'epoch' as 1970, and a
 * zone name in one value ('… Asia/Tokyo') leaks into the values without an offset after it in the same
 * vector (DuckDB 1.5, fixed upstream in duckdb/duckdb#24438). Only text of this shape reaches the cast.
 */
// (An offset may carry seconds: PostgreSQL writes +00:09:21 for dates before its zone's standard time.)
// Offsets are real ones: hours 00–23, minutes and seconds 00–59 (DuckDB reads +99 as 99 hours, so a
// typo for +08 moved the instant by days).
const TIMESTAMP_PATTERN = '[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?)?(Z|[+-]([01][0-9]|2[0-3])(:?[0-5][0-9](:[0-5][0-9])?)?)?';

/**
 * The SQL side of the patterns. Of the texts the decimal pattern refuses, DuckDB's decimal cast
 * accepts only digit separators ('1_000'), so refusing '_' is the whole decimal guard, without a
 * regular expression per value (test/pipelines/sources/inbox/value-text.test.ts holds both to the
 * patterns).
 */
function integerSql(v: string): string {
  return `(case when regexp_full_match(${v}, ${quoteSqlString(INTEGER_PATTERN)}) then try_cast(${v} as BIGINT) end)`;
}

function decimalSql(v: string): string {
  return `(case when not contains(${v}, '_') then try_cast(${v} as DECIMAL(18,4)) end)`;
}

const TRUE_WORDS = ['true', '1', 'yes'];
const FALSE_WORDS = ['false', '0', 'no'];
const MAX_QUOTED_VALUE = 60;

/**
 * Whitespace as JavaScript's trim() (and so the zod schemas) sees it: ASCII white space including tab,
 * line feed, carriage return, vertical tab and form feed, every Unicode space and line separator
 * (\p{Z}: NBSP, ideographic space, U+2028), and the byte-order mark. DuckDB's trim() strips the Unicode
 * spaces but not tabs or line breaks.
 */
const EDGE_WHITESPACE = `'^[\\s\\x0B\\x{FEFF}\\p{Z}]+|[\\s\\x0B\\x{FEFF}\\p{Z}]+$'`;

/** `expr` without leading and trailing whitespace (EDGE_WHITESPACE), empty as null. */
function trimAllSql(expr: string): string {
  return `nullif(regexp_replace(${expr}, ${EDGE_WHITESPACE}, '', 'g'), '')`;
}

/**
 * The trimmed text of a raw column, empty as null: exactly `nullif(trim(x), '')` (spaces, ASCII and
 * Unicode), but trim (which copies every value) runs only where it can change something. An ASCII-only
 * value (byte length = character length) has no Unicode space, so one that neither starts nor ends with
 * ' ' is already trimmed. Ids, codes and timestamps are ASCII, so bulk rows skip trim: it was the
 * largest cost of casting a batch (0.57 s of 0.85 s for 750 k shipments). Text keeps tabs and line
 * breaks (a complaint's text is kept as written, and the CSV fast path counts the line breaks of the
 * stored text to number lines); typed values lose them too (buildTypedValueSql).
 */
function trimmedSql(column: ColumnDef): string {
  const x = quoteSqlIdentifier(column.name);
  return `(case when ${x} = '' then null when starts_with(${x}, ' ') or ends_with(${x}, ' ') or strlen(${x}) <> length(${x}) then nullif(trim(${x}), '') else ${x} end)`;
}

function sqlList(values: readonly string[]): string {
  return `[${values.map(quoteSqlString).join(', ')}]`;
}

/**
 * Expression producing the typed value of a column (null when empty or invalid). A typed value (an
 * enum, a number, a boolean, a timestamp) may also be wrapped in tabs or line breaks ("\tdelivered" was
 * an unknown status, while the zod schemas accepted it): the value is read once more with all edge
 * whitespace removed (a timestamp also upper-cased), for the rows the plain reading left empty. The
 * CSV and Parquet fast path (clean-files.ts) leaves that out (`edgeWhitespace: false`; the fallback
 * cost 4 % of a bulk CSV ingest): such a row is invalid there, which sends its file down the text
 * path, which reads it.
 */
export function buildTypedValueSql(column: ColumnDef, options: { edgeWhitespace?: boolean } = {}): string {
  const v = trimmedSql(column);
  if (column.type === 'text' || options.edgeWhitespace === false) return typedOfTextSql(column, v);
  const x = quoteSqlIdentifier(column.name);
  // RFC 3339 allows a lower-case t and z (2026-11-20t10:00:00z), which DuckDB's cast does not read.
  const fallback = column.type === 'timestamp' ? `upper(${trimAllSql(x)})` : trimAllSql(x);
  return `coalesce(${typedOfTextSql(column, v)}, case when ${x} <> '' then ${typedOfTextSql(column, fallback)} end)`;
}

/** The typed value of text `v` (trimmed, empty as null) by the column's rules; null when invalid. */
function typedOfTextSql(column: ColumnDef, v: string): string {
  switch (column.type) {
    case 'text':
      return v;
    case 'integer':
      return integerSql(v);
    case 'decimal':
      return decimalSql(v);
    case 'timestamp':
      // Without an offset DuckDB reads the text in the session TimeZone, which the warehouse sets to
      // the configured timezone: "local time" of the contract. DuckDB rejects an offset after a time
      // without seconds (2026-08-01T09:30+08:00), which ISO 8601 allows: such text gets ':00' added.
      // coalesce evaluates the fallback only for the rows the plain cast did not read.
      return `(case when regexp_full_match(${v}, ${quoteSqlString(TIMESTAMP_PATTERN)}) then coalesce(try_cast(${v} as TIMESTAMPTZ), try_cast(regexp_replace(${v}, '^(\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2})(Z|[+-]\\d{2}(:?\\d{2})?)$', '\\1:00\\2') as TIMESTAMPTZ)) end)`;
    case 'boolean':
      // list_contains, not IN: DuckDB plans an IN list of five or more constants as a join, which
      // loses the reader's row order the CSV fast path numbers lines by (clean-files.ts).
      return `(case when list_contains(${sqlList(TRUE_WORDS)}, lower(${v})) then true when list_contains(${sqlList(FALSE_WORDS)}, lower(${v})) then false end)`;
    case 'enum':
      return `(case when list_contains(${sqlList(column.values ?? [])}, lower(${v})) then lower(${v}) end)`;
    case 'enum_list':
      // Normalised to distinct, sorted, `|`-joined codes so equal sets compare equal.
      return `(case when ${v} is not null and len(${enumListUnknownSql(column, v)}) = 0 then array_to_string(list_sort(list_distinct(${enumListPartsSql(v)})), '|') end)`;
  }
}

function enumListPartsSql(v: string): string {
  return `list_transform(string_split(lower(${v}), '|'), x -> coalesce(${trimAllSql('x')}, ''))`;
}

function enumListUnknownSql(column: ColumnDef, v: string = trimmedSql(column)): string {
  return `list_filter(${enumListPartsSql(v)}, x -> not list_contains(${sqlList(column.values ?? [])}, x))`;
}

/** `'value'` as shown in a reason, cut to a readable length. */
function quotedValueSql(v: string): string {
  return `'''' || (case when length(${v}) > ${MAX_QUOTED_VALUE} then left(${v}, ${MAX_QUOTED_VALUE}) || '…' else ${v} end) || ''''`;
}

/** Human wording of each rule, shared by SQL and zod. */
export const reasonText = {
  missing: (column: string, isKey: boolean) => `missing ${column}${isKey ? ' (part of the key)' : ''}`,
  notInteger: () => 'is not a whole number',
  notDecimal: () => 'is not a number',
  notTimestamp: () => 'is not an ISO 8601 timestamp (e.g. 2026-11-20T14:30:00+08:00)',
  notBoolean: () => 'is not a boolean (use true/false, 1/0 or yes/no)',
  notInEnum: (values: readonly string[]) => `is not one of ${values.join(', ')}`,
  below: (bound: number, exclusive: boolean) => `must be ${exclusive ? 'greater than' : 'at least'} ${bound}`,
  above: (bound: number) => `must be at most ${bound}`,
};

/**
 * Expressions, one per rule of one column, each null when the rule holds and else the reason,
 * e.g. `channel 'fax' is not one of chat, hotline, app, email, social, other`.
 */
export function buildColumnReasonsSql(column: ColumnDef, isKey: boolean): string[] {
  const v = trimmedSql(column);
  const typed = buildTypedValueSql(column);
  const name = column.name;
  const prefix = `${quoteSqlString(name + ' ')} || ${quotedValueSql(v)} || ' '`;
  const reasons: string[] = [];
  if (column.required) reasons.push(`case when ${v} is null then ${quoteSqlString(reasonText.missing(name, isKey))} end`);
  const unreadable = column.type === 'timestamp' ? `(${typed} is null or not isfinite(${typed}))` : `${typed} is null`;
  const invalid = (why: string) => `case when ${v} is not null and ${unreadable} then ${prefix} || ${quoteSqlString(why)} end`;
  switch (column.type) {
    case 'integer':
      reasons.push(invalid(reasonText.notInteger()));
      break;
    case 'decimal':
      reasons.push(invalid(reasonText.notDecimal()));
      break;
    case 'timestamp':
      reasons.push(invalid(reasonText.notTimestamp()));
      break;
    case 'boolean':
      reasons.push(invalid(reasonText.notBoolean()));
      break;
    case 'enum':
      reasons.push(invalid(reasonText.notInEnum(column.values ?? [])));
      break;
    case 'enum_list':
      reasons.push(
        `case when ${v} is not null and ${typed} is null then ${quoteSqlString(name + ' ')} || ${quotedValueSql(`array_to_string(${enumListUnknownSql(column)}, '|')`)} || ' ' || ${quoteSqlString(reasonText.notInEnum(column.values ?? []))} end`,
      );
      break;
    case 'text':
      break;
  }
  if (column.greaterThan !== undefined)
    reasons.push(`case when ${typed} <= ${column.greaterThan} then ${prefix} || ${quoteSqlString(reasonText.below(column.greaterThan, true))} end`);
  if (column.min !== undefined) reasons.push(`case when ${typed} < ${column.min} then ${prefix} || ${quoteSqlString(reasonText.below(column.min, false))} end`);
  if (column.max !== undefined) reasons.push(`case when ${typed} > ${column.max} then ${prefix} || ${quoteSqlString(reasonText.above(column.max))} end`);
  return reasons;
}

/**
 * One expression: the `; `-joined reasons a row breaks the contract, or null when it is valid.
 * concat_ws skips the null reasons itself; the former list_filter with a lambda over ~30 reasons took
 * DuckDB 0.3–0.5 s to plan, per quarantined file.
 */
export function buildRowReasonSql(entity: EntityDef): string {
  const parts = entity.columns.flatMap((c) => buildColumnReasonsSql(c, entity.key.includes(c.name)));
  return `nullif(concat_ws('; ', ${parts.join(',\n  ')}), '')`;
}

// ---------- zod, for single records ----------

const emptyToNull = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? null : value);

function buildColumnSchema(column: ColumnDef, isKey: boolean): z.ZodType {
  const name = column.name;
  const quoted = (value: unknown) => `${name} '${String(value).slice(0, MAX_QUOTED_VALUE)}' `;
  let schema: z.ZodType;
  switch (column.type) {
    case 'text':
      schema = z.string().transform((s) => s.trim());
      break;
    case 'integer':
    case 'decimal': {
      const integer = column.type === 'integer';
      schema = z.union([z.number(), z.string()]).transform((raw, ctx) => {
        const text = typeof raw === 'number' ? undefined : raw.trim();
        const written = text === undefined || new RegExp(`^(?:${integer ? INTEGER_PATTERN : DECIMAL_PATTERN})$`).test(text);
        const value = text === undefined ? (raw as number) : Number(text);
        const ok = written && Number.isFinite(value) && (!integer || Number.isInteger(value));
        if (!ok) ctx.addIssue({ code: 'custom', message: quoted(raw) + (integer ? reasonText.notInteger() : reasonText.notDecimal()) });
        else if (column.greaterThan !== undefined && value <= column.greaterThan)
          ctx.addIssue({ code: 'custom', message: quoted(raw) + reasonText.below(column.greaterThan, true) });
        else if (column.min !== undefined && value < column.min) ctx.addIssue({ code: 'custom', message: quoted(raw) + reasonText.below(column.min, false) });
        else if (column.max !== undefined && value > column.max) ctx.addIssue({ code: 'custom', message: quoted(raw) + reasonText.above(column.max) });
        return value;
      });
      break;
    }
    case 'timestamp':
      // Offsets are resolved later in SQL; here only the ISO 8601 shape is checked.
      schema = z.string().refine((s) => new RegExp(`^(?:${TIMESTAMP_PATTERN})$`).test(s.trim().toUpperCase()), {
        error: (issue) => quoted(issue.input) + reasonText.notTimestamp(),
      });
      break;
    case 'boolean':
      schema = z.union([z.boolean(), z.number(), z.string()]).transform((raw, ctx) => {
        const word = String(raw).trim().toLowerCase();
        if (TRUE_WORDS.includes(word)) return true;
        if (FALSE_WORDS.includes(word)) return false;
        ctx.addIssue({ code: 'custom', message: quoted(raw) + reasonText.notBoolean() });
        return false;
      });
      break;
    case 'enum':
    case 'enum_list': {
      const values = column.values ?? [];
      schema = z.string().transform((raw, ctx) => {
        const parts = column.type === 'enum' ? [raw.trim().toLowerCase()] : raw.split('|').map((p) => p.trim().toLowerCase());
        const unknown = parts.filter((p) => !values.includes(p));
        if (unknown.length) ctx.addIssue({ code: 'custom', message: `${name} '${unknown.join('|')}' ${reasonText.notInEnum(values)}` });
        return [...new Set(parts)].sort().join('|');
      });
      break;
    }
  }
  const missing = reasonText.missing(name, isKey);
  if (!column.required) return z.preprocess(emptyToNull, schema.nullable().optional());
  return z.preprocess((value, ctx) => {
    const cleaned = emptyToNull(value);
    if (cleaned === null || cleaned === undefined) ctx.addIssue({ code: 'custom', message: missing });
    return cleaned;
  }, schema);
}

/** The zod schema of one record of an entity, derived from the same definition as the SQL checks. */
export function buildEntitySchema(entity: EntityDef) {
  const shape: Record<string, z.ZodType> = {};
  for (const column of entity.columns) shape[column.name] = buildColumnSchema(column, entity.key.includes(column.name));
  return z.object(shape);
}

/**
 * One cheap boolean per row: true when every column obeys the contract. It reads the trimmed text of
 * each column as `rawName(column)` and its typed value as the column's own name, so each value is
 * cast once (in an inner select) and checked here. Bulk rows are almost all valid, so the wordy
 * reasons are only computed for the few rows where this is false.
 */
export function buildRowValidOverTypedSql(entity: EntityDef, rawName: (column: string) => string): string {
  const conditions = entity.columns.flatMap((column) => {
    const raw = quoteSqlIdentifier(rawName(column.name));
    const typed = quoteSqlIdentifier(column.name);
    const parts: string[] = [];
    if (column.required) parts.push(`${raw} is not null`);
    if (column.type === 'timestamp') parts.push(`(${raw} is null or coalesce(isfinite(${typed}), false))`);
    else if (column.type !== 'text') parts.push(`(${raw} is null or ${typed} is not null)`);
    if (column.greaterThan !== undefined) parts.push(`coalesce(${typed} > ${column.greaterThan}, true)`);
    if (column.min !== undefined) parts.push(`coalesce(${typed} >= ${column.min}, true)`);
    if (column.max !== undefined) parts.push(`coalesce(${typed} <= ${column.max}, true)`);
    return parts;
  });
  return conditions.length ? conditions.join('\n  and ') : 'true';
}

/** The trimmed text of a column, empty as null (what the checks call "missing"). */
export function buildTrimmedTextSql(column: ColumnDef): string {
  return trimmedSql(column);
}
