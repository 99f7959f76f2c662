/**
 * PostgreSQL bulk transfer rate (issue 6: at least 200 k rows/s). Starts a throwaway server (as the
 * tests do), fills `shop.orders` with N rows (default 1 M) in the shop's own column names, then measures:
 *   1. row-by-row through `pg` (the baseline the issue measured at ~140 k rows/s),
 *   2. the transfer: COPY … TO STDOUT streamed into a CSV file, then DuckDB reads it into `_extract`
 *      (the inbox's CSV reader), each step and both together,
 *   3. the whole pull (createPostgresSource): the transfer, then the shared loader validates every row
 *      and merges it into raw_orders, then an incremental pull with 10 % of the rows changed.
 *
 *   node bin/run-ts.mjs bench/postgres-pull.ts [rows]
 *
 * Prints a table and writes bench/results/postgres-pull.json.
 */
import { isPullOutcome } from '../pipelines/sources/pulled/pull-outcome.ts';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { parseConfig } from '../pipelines/core/config.ts';
import { Warehouse } from '../pipelines/core/warehouse.ts';
import { dropExtractTables, extractCsv } from '../pipelines/sources/inbox/extract.ts';
import { createPostgresSource } from '../pipelines/sources/postgres/load.ts';
import { startTestPostgres } from '../test/sources/support/postgres-server.ts';

const rows = Number(process.argv[2] ?? 1_000_000);
const server = await startTestPostgres();
const results: { step: string; rows: number; seconds: number; rowsPerSecond: number }[] = [];
const measure = async (step: string, work: () => Promise<number>) => {
  const started = performance.now();
  const n = await work();
  const seconds = (performance.now() - started) / 1000;
  results.push({ step, rows: n, seconds: Number(seconds.toFixed(3)), rowsPerSecond: Math.round(n / seconds) });
  console.log(`${step.padEnd(58)} ${String(n).padStart(9)} rows ${seconds.toFixed(2).padStart(7)} s ${String(Math.round(n / seconds)).padStart(9)} rows/s`);
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rootloop-bench-pg-'));
try {
  await server.sql(`
    create schema shop;
    create table shop.orders (order_no text primary key, customer_ref text not null, placed_at timestamptz not null, grand_total numeric(12,2) not null,
      currency char(3), shop_id text, modified_at timestamptz not null default now());
    insert into shop.orders select 'O' || i, 'C' || (i % 50000), timestamptz '2026-01-01 08:00:00+08' + i * interval '17 seconds', (i % 9973) + 0.25, 'CNY',
      'M' || (i % 97), timestamptz '2026-06-01 00:00:00+08' + i * interval '1 second' from generate_series(1, ${rows}) i;`);
  // The index the docs recommend on the cursor column (the incremental filter and max() use it).
  await server.sql('create index on shop.orders (modified_at)');
  await server.sql('vacuum analyze shop.orders');
  const select = `select order_no, customer_ref, placed_at::text, grand_total::text, currency::text, shop_id, modified_at::text from shop.orders`;

  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  await client.query(`set TimeZone = 'Asia/Shanghai'`);
  await measure('row by row through pg (client.query, rows as objects)', async () => (await client.query(select)).rowCount ?? 0);
  const csv = path.join(dir, 'orders.csv');
  // What the source sends for this table (postgres/extract.ts): every column as text, named as the contract.
  const copySql = `copy (select order_no as order_id, customer_ref as customer_id, placed_at::text as ordered_at, grand_total::text as total_amount,
    currency::text as currency, shop_id as merchant_id, modified_at::text as updated_at from shop.orders) to stdout with (format csv, header true)`;
  const transferStarted = performance.now();
  await measure('transfer 1/2: COPY (select …) TO STDOUT → CSV file', async () => {
    const stream = client.query(copyTo(copySql));
    await pipeline(stream, fs.createWriteStream(csv));
    return stream.rowCount;
  });
  const scratch = await Warehouse.open(path.join(dir, 'scratch.duckdb'), { timezone: 'Asia/Shanghai' });
  await measure('transfer 2/2: DuckDB reads the CSV into _extract', async () => {
    await scratch.transaction(async () => {
      await extractCsv(scratch, csv, 'orders');
      // The text columns as read (the record's raw text is computed only for rows that get quarantined).
      await scratch.run('create temp table _copied as select * exclude (_raw) from _extract');
    });
    return scratch.scalar('select count(*) from _copied');
  });
  const transferSeconds = (performance.now() - transferStarted) / 1000;
  results.push({
    step: 'transfer: PostgreSQL → DuckDB (1 + 2)',
    rows,
    seconds: Number(transferSeconds.toFixed(3)),
    rowsPerSecond: Math.round(rows / transferSeconds),
  });
  console.log(
    `${'transfer: PostgreSQL → DuckDB (1 + 2)'.padEnd(58)} ${String(rows).padStart(9)} rows ${transferSeconds.toFixed(2).padStart(7)} s ${String(Math.round(rows / transferSeconds)).padStart(9)} rows/s`,
  );
  await dropExtractTables(scratch);
  await scratch.close();
  await client.end();

  const config = parseConfig({
    sources: {
      postgres: {
        enabled: true,
        entities: {
          orders: {
            table: 'shop.orders',
            columns: {
              order_id: 'order_no',
              customer_id: 'customer_ref',
              ordered_at: 'placed_at',
              total_amount: 'grand_total',
              merchant_id: 'shop_id',
              updated_at: 'modified_at',
            },
            cursorColumn: 'modified_at',
          },
        },
      },
    },
  });
  let fetchedAt = 0;
  const source = createPostgresSource(config.sources.postgres, {
    env: { ROOTLOOP_PG_URL: server.url },
    afterTable: () => void (fetchedAt = performance.now()),
  });
  /** The pull, with its fetch (PostgreSQL → CSV) and load (DuckDB read, validation, merge) phases. */
  const timedPull = async (runId: string) => {
    const started = performance.now();
    const result = await warehouse.transaction(() => source.pull(warehouse, { runId, config }));
    if (isPullOutcome(result)) throw new Error(`tables failed: ${JSON.stringify(result.failures)}`);
    const [report] = result;
    const ended = performance.now();
    console.log(`  fetch ${((fetchedAt - started) / 1000).toFixed(2)} s, load ${((ended - fetchedAt) / 1000).toFixed(2)} s`);
    return report;
  };
  const warehouse = await Warehouse.open(path.join(dir, 'bench.duckdb'), { timezone: config.timezone });
  try {
    await measure('whole pull: COPY + DuckDB read + validate + merge (empty)', async () => {
      const report = await timedPull('bench-1');
      if (report?.rowsLoaded !== rows) throw new Error(`loaded ${report?.rowsLoaded} of ${rows}`);
      return report.rowsRead;
    });
    await server.sql(
      `update shop.orders set grand_total = grand_total + 1, modified_at = now() where order_no in (select 'O' || i from generate_series(1, ${rows}, 10) i)`,
    );
    await measure('incremental pull: 10 % changed since the cursor', async () => {
      const report = await timedPull('bench-2');
      return report?.rowsRead ?? 0;
    });
  } finally {
    await warehouse.close();
  }
  fs.mkdirSync(path.join(import.meta.dirname, 'results'), { recursive: true });
  const out = path.join(import.meta.dirname, 'results', 'postgres-pull.json');
  fs.writeFileSync(out, JSON.stringify({ measuredAt: new Date().toISOString(), cpus: os.cpus().length, node: process.version, rows, results }, null, 2) + '\n');
  console.log(`written ${path.relative(process.cwd(), out)}`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
  server.destroy();
}
