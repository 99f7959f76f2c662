/**
 * The benchmark's data: the demo world at a scale, as CSV and as Parquet, with the last day split off
 * as a separate "one more day" drop for the incremental run. Cached in bench/data/<name>/ and reused
 * while its manifest.json is present (delete the folder to regenerate):
 *
 *   bench/data/<name>/csv/base/       the world without its last day (the full runs' inbox)
 *   bench/data/<name>/csv/day/        the last day: orders, their items, shipments shipped and
 *                                     complaints opened that day (new keys, plus their update rows)
 *   bench/data/<name>/parquet/{base,day}/  the same files as typed Parquet (zstd), converted by DuckDB
 *   bench/data/<name>/manifest.json   counts, sizes, the as-of instants, how long preparation took
 *
 * The world is generated with formats 'parquet-ready' (one timestamp notation, no planted bad rows or
 * duplicates) so the CSV and the Parquet runs load exactly the same records. The generator has no
 * "one more day" option, so the day is split off the generated files here: files holding none of it
 * are moved unchanged; files holding some are rewritten by DuckDB (all columns as text, same order).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { writeDemoWorld } from '../pipelines/demo/demo-world.ts';
import { ENTITIES, findEntityOfFileName, type EntityName } from '../models/entities.ts';
import { sqlTypeOf } from '../models/entity-checks.ts';

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const REPO_DIR = path.resolve(BENCH_DIR, '..');
export const DATA_DIR = path.join(BENCH_DIR, 'data');
export const RESULTS_DIR = path.join(BENCH_DIR, 'results');

/** Named scales of issue 7: S ≈ 1 M order lines / 100 k complaints, L ≈ 10 M / 1 M. */
export const NAMED_SCALES: Record<string, number> = { S: 25, L: 250 };
const MANIFEST_VERSION = 1;
const TIMEZONE = 'Asia/Shanghai';

export interface ScaleSpec {
  /** S, L, or x<factor> for any other factor (smoke tests: --scale 1). */
  name: string;
  factor: number;
}

export function resolveScale(argument: string): ScaleSpec {
  const named = NAMED_SCALES[argument.toUpperCase()];
  if (named !== undefined) return { name: argument.toUpperCase(), factor: named };
  const factor = Number(argument);
  if (!(factor > 0) || !Number.isFinite(factor)) throw new Error(`--scale takes S, L or a positive number, got '${argument}'`);
  return { name: `x${factor}`, factor };
}

export interface FolderStats {
  files: number;
  bytes: number;
  rows: Partial<Record<EntityName, number>>;
}

export interface Manifest {
  version: number;
  scale: string;
  factor: number;
  preparedAt: string;
  timezone: string;
  /** The world's "now"; the incremental run uses it. */
  asOf: string;
  /** One day earlier: the full runs' "now" (the world without its last day). */
  baseAsOf: string;
  /** The local date split off as the day drop. */
  lastDay: string;
  generator: { counts: Record<string, number>; files: number };
  csv: { base: FolderStats; day: FolderStats };
  parquet: { base: FolderStats; day: FolderStats };
  seconds: { generate: number; split: number; parquet: number };
}

export interface BenchData {
  dir: string;
  csvBase: string;
  csvDay: string;
  parquetBase: string;
  parquetDay: string;
  manifest: Manifest;
}

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;
const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Column → local-date column per entity; rows whose local date is the last day form the day drop. */
export const DAY_COLUMN: Partial<Record<EntityName, string>> = { orders: 'ordered_at', shipments: 'shipped_at', complaints: 'opened_at' };
/** Orders first, so their items can follow them into the day drop. */
export const SPLIT_ORDER: readonly EntityName[] = ['orders', 'order_items', 'shipments', 'complaints', 'products', 'corrective_actions'];

async function rows(connection: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  return (await connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
}

function folderBytes(dir: string): { files: number; bytes: number } {
  const names = fs.readdirSync(dir);
  return { files: names.length, bytes: names.reduce((n, name) => n + fs.statSync(path.join(dir, name)).size, 0) };
}

function localDateBefore(instant: string, timeZone: string): string {
  const before = new Date(new Date(instant).getTime() - 1);
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(before);
}

/** Returns the cached data of a scale, preparing it first when missing. */
export async function ensureBenchData(spec: ScaleSpec, log: (line: string) => void = console.log): Promise<BenchData> {
  const dir = path.join(DATA_DIR, spec.name);
  const paths = {
    dir,
    csvBase: path.join(dir, 'csv', 'base'),
    csvDay: path.join(dir, 'csv', 'day'),
    parquetBase: path.join(dir, 'parquet', 'base'),
    parquetDay: path.join(dir, 'parquet', 'day'),
  };
  const manifestFile = path.join(dir, 'manifest.json');
  if (fs.existsSync(manifestFile)) {
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Manifest;
    if (manifest.version === MANIFEST_VERSION && manifest.factor === spec.factor) {
      log(`data: reusing ${path.relative(REPO_DIR, dir)} (prepared ${manifest.preparedAt})`);
      return { ...paths, manifest };
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const generated = path.join(dir, 'generated');
  for (const folder of [generated, paths.csvBase, paths.csvDay, paths.parquetBase, paths.parquetDay]) fs.mkdirSync(folder, { recursive: true });

  log(`data: generating the demo world at scale ${spec.name} (factor ${spec.factor}) into ${path.relative(REPO_DIR, generated)} …`);
  let started = performance.now();
  const summary = await writeDemoWorld({ dir: generated, scale: spec.factor, formats: 'parquet-ready' });
  const generateSeconds = (performance.now() - started) / 1000;
  log(`data: generated ${summary.files.length} files in ${generateSeconds.toFixed(1)} s (${JSON.stringify(summary.counts)})`);

  const asOf = summary.asOf;
  const lastDay = localDateBefore(asOf, TIMEZONE);
  const baseAsOf = new Date(new Date(asOf).getTime() - 86_400_000).toISOString();

  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false' });
  const connection = await instance.connect();
  try {
    await connection.run(`set TimeZone = ${quote(TIMEZONE)}`);
    await connection.run('create temp table day_orders (order_id varchar)');
    started = performance.now();
    const files = fs
      .readdirSync(generated)
      .map((name) => ({ name, entity: findEntityOfFileName(name) }))
      .sort((a, b) => SPLIT_ORDER.indexOf(a.entity ?? 'products') - SPLIT_ORDER.indexOf(b.entity ?? 'products') || a.name.localeCompare(b.name));
    const csvRows: { base: FolderStats['rows']; day: FolderStats['rows'] } = { base: {}, day: {} };
    const add = (target: FolderStats['rows'], entity: EntityName, n: number) => (target[entity] = (target[entity] ?? 0) + n);
    for (const { name, entity } of files) {
      const source = path.join(generated, name);
      if (!entity || !name.endsWith('.csv')) throw new Error(`unexpected generated file ${name} (expected <entity>….csv)`);
      await connection.run(
        `create or replace temp table f as select * from read_csv(${quote(source)}, header = true, delim = ',', quote = '"', escape = '"', all_varchar = true)`,
      );
      const dayColumn = DAY_COLUMN[entity];
      const predicate = dayColumn
        ? `coalesce(cast(cast(${ident(dayColumn)} as timestamptz) as date) = date ${quote(lastDay)}, false)`
        : entity === 'order_items'
          ? `order_id in (select order_id from day_orders)`
          : 'false';
      const [counts] = await rows(connection, `select count(*)::integer as total, (count(*) filter (where ${predicate}))::integer as day from f`);
      const total = Number(counts?.total ?? 0);
      const day = Number(counts?.day ?? 0);
      add(csvRows.base, entity, total - day);
      if (day === 0) {
        fs.renameSync(source, path.join(paths.csvBase, name));
        continue;
      }
      add(csvRows.day, entity, day);
      if (entity === 'orders') await connection.run(`insert into day_orders select order_id from f where ${predicate}`);
      const stem = name.replace(/\.csv$/, '');
      await connection.run(`copy (select * from f where not (${predicate})) to ${quote(path.join(paths.csvBase, name))} (format csv, header true)`);
      await connection.run(
        `copy (select * from f where ${predicate}) to ${quote(path.join(paths.csvDay, `${stem}-${lastDay}.csv`))} (format csv, header true)`,
      );
      fs.rmSync(source);
    }
    fs.rmSync(generated, { recursive: true, force: true });
    const splitSeconds = (performance.now() - started) / 1000;
    log(`data: split off ${lastDay} (${JSON.stringify(csvRows.day)}) in ${splitSeconds.toFixed(1)} s`);

    started = performance.now();
    for (const [from, to] of [
      [paths.csvBase, paths.parquetBase],
      [paths.csvDay, paths.parquetDay],
    ] as const) {
      for (const name of fs.readdirSync(from).sort()) {
        const entity = findEntityOfFileName(name)!;
        const types = new Map(ENTITIES[entity].columns.map((c) => [c.name, sqlTypeOf(c)]));
        const header = await rows(connection, `describe select * from read_csv(${quote(path.join(from, name))}, header = true, all_varchar = true)`);
        const columns = header.map((r) => `${quote(String(r.column_name))}: ${quote(types.get(String(r.column_name)) ?? 'VARCHAR')}`).join(', ');
        await connection.run(
          `copy (select * from read_csv(${quote(path.join(from, name))}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', columns = {${columns}}))
           to ${quote(path.join(to, name.replace(/\.csv$/, '.parquet')))} (format parquet, compression zstd)`,
        );
      }
    }
    const parquetSeconds = (performance.now() - started) / 1000;
    log(`data: converted to Parquet in ${parquetSeconds.toFixed(1)} s`);

    const manifest: Manifest = {
      version: MANIFEST_VERSION,
      scale: spec.name,
      factor: spec.factor,
      preparedAt: new Date().toISOString(),
      timezone: TIMEZONE,
      asOf: new Date(asOf).toISOString(),
      baseAsOf,
      lastDay,
      generator: { counts: summary.counts, files: summary.files.length },
      csv: { base: { ...folderBytes(paths.csvBase), rows: csvRows.base }, day: { ...folderBytes(paths.csvDay), rows: csvRows.day } },
      parquet: { base: { ...folderBytes(paths.parquetBase), rows: csvRows.base }, day: { ...folderBytes(paths.parquetDay), rows: csvRows.day } },
      seconds: { generate: round(generateSeconds), split: round(splitSeconds), parquet: round(parquetSeconds) },
    };
    fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 2) + '\n');
    return { ...paths, manifest };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

export const round = (value: number, digits = 3) => Number(value.toFixed(digits));
