/**
 * Readers for the run's outputs in tests: a mart CSV (RFC 4180) as records, and the tables of a
 * Markdown review as header + rows of unescaped cell text.
 */
import fs from 'node:fs';

/** Parses RFC 4180 CSV text into rows of cells. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += char;
  }
  if (cell !== '' || row.length) rows.push([...row, cell]);
  return rows;
}

export function readMartCsv(file: string): Record<string, string>[] {
  const [header = [], ...rows] = parseCsv(fs.readFileSync(file, 'utf8'));
  return rows.map((cells) => Object.fromEntries(header.map((name, i) => [name, cells[i] ?? ''])));
}

export interface MarkdownTable {
  header: string[];
  rows: string[][];
}

const unescapeCell = (cell: string) =>
  cell
    .trim()
    .replace(/\\([\\`*_[\]|~#])/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** Every pipe table of a Markdown document. */
export function parseMarkdownTables(markdown: string): MarkdownTable[] {
  const tables: MarkdownTable[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i + 1 < lines.length; i++) {
    if (!lines[i]!.startsWith('|') || !/^\|(\s*-+:?\s*\|)+$/.test(lines[i + 1]!.replace(/\s/g, ' '))) continue;
    const split = (line: string) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map(unescapeCell);
    const table: MarkdownTable = { header: split(lines[i]!), rows: [] };
    for (i += 2; i < lines.length && lines[i]!.startsWith('|'); i++) table.rows.push(split(lines[i]!));
    tables.push(table);
  }
  return tables;
}
