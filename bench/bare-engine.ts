/**
 * The bare-engine reference of issue 7: the same ingest and mart SQL as a rootloop run, executed
 * directly through @duckdb/node-api with nothing of rootloop's machinery around it (no validation, no
 * quarantine, no ledger, no content hashes, no lock, no invariant checks, no per-model counts, no
 * run log). What it does:
 *   1. creates the raw tables (sql/migrations/002_raw_tables.sql) and loads the macros (sql/macros/);
 *   2. loads every inbox file with plain read_csv / read_parquet + casts to the raw tables' types, in
 *      name order, one INSERT per file; then keeps the latest version per key (one window per table,
 *      only where a key repeats), as the loader's merge does;
 *   3. sets the same variables, macros and cfg_* tables as prepare-run-inputs.ts (bench/run-inputs-sql.ts
 *      builds that SQL with its pure helpers and the default config; the benchmark passes it as a file
 *      with --inputs-sql so this script loads nothing of rootloop but the model declarations);
 *   4. runs the sql/ models in declared order, materialised as declared (staging views, the rest
 *      tables), with `create or replace … as`;
 *   5. COPYs the exported marts to CSV and Parquet (sorted by key; plain values: no local-offset
 *      timestamps or formula guard, which rootloop's CONTRACT export adds);
 *   all in one transaction, then CHECKPOINT, like a run.
 *
 *   node bin/run-ts.mjs bench/bare-engine.ts --inbox DIR --db FILE --out DIR --as-of TS [--inputs-sql FILE] [--timezone TZ] [--read typed|varchar] [--temp-intermediates]
 *
 * Prints one JSON line: phase timings (seconds, from after the imports), rows loaded.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { MODELS } from '../models/declarations.ts';
import { JOINS_AS_WRITTEN_SETTING, orderModelsByInputs } from '../pipelines/core/model-runner.ts';

const started = performance.now();
const { values: args } = parseArgs({
  options: {
    inbox: { type: 'string' },
    db: { type: 'string' },
    out: { type: 'string' },
    'as-of': { type: 'string' },
    read: { type: 'string', default: 'typed' },
    'inputs-sql': { type: 'string' },
    timezone: { type: 'string' },
    'temp-intermediates': { type: 'boolean', default: false },
    // DuckDB memory_limit; the bench passes rootloop's own (config warehouse.memoryLimit) so that both
    // sides of the ratio run under the same memory.
    'memory-limit': { type: 'string' },
  },
});
if (!args.inbox || !args.db || !args.out || !args['as-of'])
  throw new Error(
    'usage: bare-engine.ts --inbox DIR --db FILE --out DIR --as-of TS [--inputs-sql FILE] [--timezone TZ] [--read typed|varchar] [--temp-intermediates] [--memory-limit SIZE]',
  );
const asOf = new Date(args['as-of']);
const TIMEZONE = args.timezone ?? 'Asia/Shanghai';
const SQL_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'sql');

const lit = (text: string) => `'${text.replaceAll("'", "''")}'`;
const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
const phases: Record<string, number> = {};
let mark = performance.now();
const phase = (name: string) => {
  const now = performance.now();
  phases[name] = Number(((now - mark) / 1000).toFixed(3));
  mark = now;
};

fs.mkdirSync(path.dirname(path.resolve(args.db)), { recursive: true });
const instance = await DuckDBInstance.create(args.db, {
  autoinstall_known_extensions: 'false',
  ...(args['memory-limit'] ? { memory_limit: args['memory-limit'] } : {}),
});
const connection = await instance.connect();
const run = async (sql: string) => void (await connection.run(sql));
const all = async (sql: string) => (await connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
await run(`set TimeZone = ${lit(TIMEZONE)}`);
await run(fs.readFileSync(path.join(SQL_DIR, 'migrations', '002_raw_tables.sql'), 'utf8'));
for (const name of fs.readdirSync(path.join(SQL_DIR, 'macros')).sort()) await run(fs.readFileSync(path.join(SQL_DIR, 'macros', name), 'utf8'));
phase('open');

// ---------- 2. ingest ----------
const ENTITY_KEYS: Record<string, string[]> = {
  orders: ['order_id'],
  order_items: ['order_id', 'line_no'],
  shipments: ['shipment_id'],
  products: ['sku'],
  complaints: ['complaint_id'],
  corrective_actions: ['action_id'],
};
const entityOf = (name: string) =>
  Object.keys(ENTITY_KEYS)
    .sort((a, b) => b.length - a.length)
    .find((e) => name.startsWith(e) && ['.', '-', '_'].includes(name.charAt(e.length)));

const rawColumns = new Map<string, { name: string; type: string }[]>();
for (const entity of Object.keys(ENTITY_KEYS)) {
  const described = await all(`describe raw_${entity}`);
  rawColumns.set(
    entity,
    described.map((r) => ({ name: String(r.column_name), type: String(r.column_type) })).filter((c) => !c.name.startsWith('_')),
  );
}

function csvHeader(file: string): string[] {
  const fd = fs.openSync(file, 'r');
  const buffer = Buffer.alloc(1 << 16);
  const length = fs.readSync(fd, buffer, 0, buffer.length, 0);
  fs.closeSync(fd);
  const line =
    buffer
      .subarray(0, length)
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)[0] ?? '';
  return line.split(',').map((name) => name.trim().replace(/^"(.*)"$/, '$1'));
}

const ingestedAt = new Date().toISOString();
let fileId = 0;
let rowsLoaded = 0;
await run('begin transaction');
for (const name of fs.readdirSync(args.inbox).sort()) {
  const entity = entityOf(name);
  const file = path.join(args.inbox, name);
  if (!entity || name.startsWith('.')) continue;
  const columns = rawColumns.get(entity)!;
  fileId++;
  let present: Set<string>;
  let source: string;
  let line: string;
  if (name.endsWith('.parquet')) {
    present = new Set((await all(`select name from parquet_schema(${lit(file)})`)).map((r) => String(r.name)));
    source = `read_parquet(${lit(file)}, file_row_number = true)`;
    line = 'file_row_number + 2';
  } else if (name.endsWith('.csv')) {
    const header = csvHeader(file);
    present = new Set(header);
    const typeOf = new Map(columns.map((c) => [c.name, c.type]));
    const spec = header.map((h) => `${lit(h)}: ${lit(args.read === 'varchar' ? 'VARCHAR' : (typeOf.get(h) ?? 'VARCHAR'))}`).join(', ');
    source = `read_csv(${lit(file)}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', columns = {${spec}})`;
    line = 'row_number() over () + 1';
  } else continue;
  // The one normalisation kept: an enum list (complaints.cause_code) as distinct sorted codes, as the loader stores it, so the marts match rootloop's.
  const valueOf = (c: { name: string; type: string }) =>
    entity === 'complaints' && c.name === 'cause_code'
      ? `array_to_string(list_sort(list_distinct(list_transform(string_split(lower(cast(${ident(c.name)} as varchar)), '|'), x -> trim(x)))), '|')`
      : `cast(${ident(c.name)} as ${c.type})`;
  const select = columns.map((c) => `${present.has(c.name) ? valueOf(c) : `null::${c.type}`} as ${ident(c.name)}`);
  const versionAt = present.has('updated_at')
    ? `coalesce(cast(updated_at as timestamptz), ${lit(ingestedAt)}::timestamptz)`
    : `${lit(ingestedAt)}::timestamptz`;
  const inserted = await all(
    `insert into raw_${entity} by name select ${select.join(', ')}, ${fileId}::bigint as _file_id, ${line} as _line, ${versionAt} as _version_at from ${source}`,
  );
  rowsLoaded += Number(inserted[0]?.Count ?? 0);
}
phase('ingest');
for (const [entity, key] of Object.entries(ENTITY_KEYS)) {
  const keyList = key.map(ident).join(', ');
  const [counts] = await all(`select count(*) - count(distinct (${keyList})) as repeated from raw_${entity}`);
  if (Number(counts?.repeated ?? 0) === 0) continue;
  await run(
    `create or replace table raw_${entity} as select * from raw_${entity} qualify row_number() over (partition by ${keyList} order by _version_at desc, _file_id desc, _line desc) = 1`,
  );
}
phase('dedupe');

// ---------- 3. run inputs (the SQL of prepare-run-inputs.ts, in one batch) ----------
let inputsSql: string;
if (args['inputs-sql']) inputsSql = fs.readFileSync(args['inputs-sql'], 'utf8');
else {
  const { buildRunInputsSql } = await import('./run-inputs-sql.ts');
  const { defaultConfig } = await import('../pipelines/core/config.ts');
  inputsSql = buildRunInputsSql(defaultConfig(), asOf);
}
await run(inputsSql);
phase('inputs');

// ---------- 4. models, each after its inputs (the runner's order) ----------
const modelSeconds: Record<string, number> = {};
for (const model of orderModelsByInputs(MODELS)) {
  const t = performance.now();
  const sql = fs.readFileSync(path.join(SQL_DIR, model.layer, `${model.name}.sql`), 'utf8');
  // As declared; --temp-intermediates (an experiment) makes every intermediate a temp table.
  const kind = args['temp-intermediates'] && model.layer === 'intermediate' && model.materialized === 'table' ? 'temp table' : model.materialized;
  // The same plan settings as rootloop's model runner (ModelDeclaration.joinsAsWritten).
  if (model.joinsAsWritten) await run(`set ${JOINS_AS_WRITTEN_SETTING}`);
  await run(`create or replace ${kind} ${ident(model.name)} as\n${sql}`);
  if (model.joinsAsWritten) await run('reset disabled_optimizers');
  modelSeconds[model.name] = Number(((performance.now() - t) / 1000).toFixed(3));
}
phase('models');

// ---------- 5. marts out ----------
fs.mkdirSync(args.out, { recursive: true });
for (const mart of MODELS.filter((m) => m.exported)) {
  const order = (mart.key ?? []).map(ident).join(', ') || '1';
  await run(`copy (select * from ${ident(mart.name)} order by ${order}) to ${lit(path.join(args.out, `${mart.name}.csv`))} (format csv, header true)`);
  await run(
    `copy (select * from ${ident(mart.name)} order by ${order}) to ${lit(path.join(args.out, `${mart.name}.parquet`))} (format parquet, compression zstd)`,
  );
}
phase('export');
await run('commit');
phase('commit');
await run('checkpoint');
phase('checkpoint');
connection.closeSync();
instance.closeSync();
phase('close');

process.stdout.write(
  JSON.stringify({ innerSeconds: Number(((performance.now() - started) / 1000).toFixed(3)), rowsLoaded, files: fileId, phases, models: modelSeconds }) + '\n',
);
