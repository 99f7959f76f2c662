/**
 * Harness for the golden-world tests (test/models/golden-*.test.ts): writes the inbox files of a tiny
 * hand-built world into a temp folder, runs the real pipeline in-process (ingest → models → checks →
 * export) with a fixed as_of, and reads the marts back both as users get them (OUT/marts/NAME.csv,
 * parsed as RFC 4180) and as tables in the DuckDB file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { defaultConfig, type Config } from '../../pipelines/core/config.ts';
import { createSilentLogger } from '../../pipelines/core/logger.ts';
import { Warehouse } from '../../pipelines/core/warehouse.ts';
import { runPipeline, type RunSummary } from '../../pipelines/run/run-pipeline.ts';
import { writeFiles } from '../helpers/warehouse.ts';

/** The as_of of every golden world unless a test says otherwise: Monday 2026-03-30 00:00 in Shanghai. */
export const GOLDEN_AS_OF = '2026-03-30T00:00:00+08:00';

export type CsvRow = Record<string, string>;

/** Parses RFC 4180 text (quoted fields may hold commas, quotes and line breaks) into rows of cells. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else cell += ch;
      i++;
      continue;
    }
    if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || (ch === '\r' && text[i + 1] === '\n')) {
      if (ch === '\r') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
    i++;
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** CSV text with a header row as objects keyed by column name. */
export function parseCsvObjects(text: string): { header: string[]; rows: CsvRow[] } {
  const [header = [], ...body] = parseCsv(text);
  const rows = body.map((cells) => {
    expect(cells.length, `row ${cells.join(',')} has ${cells.length} cells for ${header.length} columns`).toBe(header.length);
    return Object.fromEntries(header.map((name, i) => [name, cells[i]!]));
  });
  return { header, rows };
}

/** Builds CSV text (what a user would drop in the inbox) from a header and rows; quotes where needed. */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | null | undefined)[])[]): string {
  const cell = (value: string | number | null | undefined) => {
    const text = value === null || value === undefined ? '' : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return [header.join(','), ...rows.map((r) => r.map(cell).join(','))].join('\n') + '\n';
}

export interface GoldenWorld {
  dir: string;
  inboxDir: string;
  outDir: string;
  databaseFile: string;
  asOf: Date;
  summary: RunSummary;
  /** The exported CSV of a mart, as text. */
  csvText(mart: string): string;
  /** The exported CSV of a mart, parsed. */
  csv(mart: string): CsvRow[];
  /** The exported CSV rows of a mart keyed by some columns joined with '|'. */
  csvBy(mart: string, ...key: string[]): Map<string, CsvRow>;
  /** Rows of a query on the run's DuckDB file (opened read-only for the query). */
  query<Row = Record<string, unknown>>(sql: string): Promise<Row[]>;
  /** Adds inbox files and runs the pipeline again on the same database (an update drop). */
  rerun(files: Record<string, string>, asOf?: string): Promise<RunSummary>;
  cleanup(): void;
}

/** Writes `files` into a fresh inbox and runs the whole pipeline once. */
export async function runGoldenWorld(files: Record<string, string>, options: { asOf?: string; config?: Config } = {}): Promise<GoldenWorld> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rootloop-golden-'));
  const inboxDir = path.join(dir, 'inbox');
  const outDir = path.join(dir, 'out');
  const databaseFile = path.join(dir, 'warehouse.duckdb');
  const config = options.config ?? defaultConfig();
  let asOf = new Date(options.asOf ?? GOLDEN_AS_OF);
  const run = async () => runPipeline({ inboxDir, databaseFile, outDir, config, logger: createSilentLogger(), asOf });
  writeFiles(inboxDir, files);
  const world: GoldenWorld = {
    dir,
    inboxDir,
    outDir,
    databaseFile,
    asOf,
    summary: await run(),
    csvText: (mart) => fs.readFileSync(path.join(outDir, 'marts', `${mart}.csv`), 'utf8'),
    csv: (mart) => parseCsvObjects(world.csvText(mart)).rows,
    csvBy: (mart, ...key) => {
      const byKey = new Map<string, CsvRow>();
      for (const row of world.csv(mart)) {
        const k = key.map((name) => row[name]).join('|');
        expect(byKey.has(k), `duplicate key ${k} in ${mart}.csv`).toBe(false);
        byKey.set(k, row);
      }
      return byKey;
    },
    query: async <Row>(sql: string) => {
      const warehouse = await Warehouse.open(databaseFile, { timezone: config.timezone, readOnly: true });
      try {
        return await warehouse.all<Row>(sql);
      } finally {
        await warehouse.close();
      }
    },
    rerun: async (more, nextAsOf) => {
      writeFiles(inboxDir, more);
      if (nextAsOf) world.asOf = asOf = new Date(nextAsOf);
      world.summary = await run();
      return world.summary;
    },
    cleanup: () => {
      if (!process.env.ROOTLOOP_KEEP_TMP) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  // A golden world is written by hand: a quarantined row would be a typo in the test, not a finding.
  const rejected = world.summary.files.filter((f) => f.status !== 'loaded' || f.rowsQuarantined > 0);
  expect(rejected, 'every golden input file loads without quarantine').toEqual([]);
  return world;
}

/**
 * One expected CSV cell: a string is compared exactly; a number parses from the cell and is compared
 * within a relative tolerance (default 1e-10: the statistics macros use lgamma and polynomial
 * approximations good to ~1e-13, and interpolated quantiles carry float noise such as 396.00000000000006);
 * null means an empty cell; a boolean means `true`/`false`.
 */
export type Expected = string | number | boolean | null;

function expectCell(actual: string | undefined, expected: Expected, label: string, relativeTolerance: number): void {
  expect(actual, `${label}: column missing`).not.toBeUndefined();
  if (expected === null) expect(actual, label).toBe('');
  else if (typeof expected === 'boolean') expect(actual, label).toBe(String(expected));
  else if (typeof expected === 'string') expect(actual, label).toBe(expected);
  else {
    expect(actual, `${label}: a number, not an empty cell`).not.toBe('');
    const value = Number(actual);
    expect(Number.isNaN(value), `${label}: '${actual}' is a number`).toBe(false);
    expect(Math.abs(value - expected), `${label}: ${value} vs ${expected}`).toBeLessThanOrEqual(Math.abs(expected) * relativeTolerance + 1e-15);
  }
}

/** Checks the listed columns of a CSV row (columns not listed are not checked). */
export function expectCsvRow(row: CsvRow | undefined, expected: Record<string, Expected>, label = 'row', relativeTolerance = 1e-10): void {
  expect(row, `${label} exists`).toBeDefined();
  for (const [column, value] of Object.entries(expected)) expectCell(row![column], value, `${label}.${column}`, relativeTolerance);
}
