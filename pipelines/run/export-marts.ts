/**
 * Exports every contract mart to `NAME.csv` and `NAME.parquet` in a folder. CSV follows CONTRACT §5:
 * header row, RFC 4180 quoting, booleans true/false, null as an empty cell, timestamps ISO 8601 with the
 * local offset. Text cells that a spreadsheet would run as a formula (starting with =, +, -, @, tab or
 * CR) get a leading apostrophe; numeric columns are numbers and are never touched. Rows are sorted by
 * the mart's key, so the same inputs give byte-identical files.
 */
import path from 'node:path';
import type { ModelDeclaration } from '../core/model-runner.ts';
import type { Warehouse } from '../core/warehouse.ts';

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
const sqlPath = (file: string) => `'${file.replaceAll("'", "''")}'`;

/**
 * Formula-injection guard for one text column (OWASP CSV injection). A regex, not
 * `left(x, 1) in ('=', '+', '-', '@', chr(9), chr(13))`: DuckDB plans an IN list of five or more
 * constants as a join, and a COPY through a join no longer keeps the sorted copy's row order
 * (test/pipelines/row-order-at-scale.test.ts). The same holds for every expression of the export.
 */
export function escapeFormulaSql(column: string): string {
  return `case when regexp_matches(${column}, '^[=+\\-@\\t\\r]') then '''' || ${column} else ${column} end`;
}

export async function exportMart(warehouse: Warehouse, mart: ModelDeclaration, folder: string): Promise<void> {
  const internal = new Set(mart.internalColumns ?? []);
  const columns = (
    await warehouse.all<{ column_name: string; column_type: string }>(`select column_name, column_type from (describe ${quote(mart.name)})`)
  ).filter((c) => !internal.has(c.column_name));
  const order = (mart.key ?? []).map(quote).join(', ') || '1';
  const csvColumns = columns.map(({ column_name: name, column_type: type }) => {
    const column = quote(name);
    if (type.startsWith('TIMESTAMP')) return `iso_local(${column}) as ${column}`;
    if (type === 'VARCHAR') return `${escapeFormulaSql(column)} as ${column}`;
    return column;
  });
  // Sorted once for both files: COPY from a table scan keeps the table's order (DuckDB preserves
  // insertion order), and the second sort of fct_complaints cost ~1.5 s at 1 M complaints.
  await warehouse.run(
    `create or replace temp table _export_sorted as select ${columns.map((c) => quote(c.column_name)).join(', ')} from ${quote(mart.name)} order by ${order}`,
  );
  try {
    await warehouse.run(
      `copy (select ${csvColumns.join(', ')} from _export_sorted) to ${sqlPath(path.join(folder, `${mart.name}.csv`))} (format csv, header true, delimiter ',', quote '"', nullstr '')`,
    );
    await warehouse.run(`copy _export_sorted to ${sqlPath(path.join(folder, `${mart.name}.parquet`))} (format parquet, compression zstd)`);
  } finally {
    await warehouse.run('drop table if exists _export_sorted');
  }
}

export async function exportMarts(warehouse: Warehouse, marts: readonly ModelDeclaration[], folder: string): Promise<void> {
  for (const mart of marts) await exportMart(warehouse, mart, folder);
}
