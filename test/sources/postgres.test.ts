/**
 * The PostgreSQL source against a real server started by the test (support/postgres-server.ts): tables
 * in the shop's own shape (other names, numeric and boolean columns, naive local timestamps, status words)
 * mapped to the contract; a first pull, changes and new rows, one of them committed by a transaction
 * that started before the previous pull, more pulls; after each, the warehouse is compared with the
 * source row for row. Rows sharing the cursor value at the boundary and rows stamped by a skewed clock are
 * read again by the overlap. Stopping the server mid-pull fails that source only, its cursors unchanged,
 * and the next run completes.
 */
import type { IngestedFileReport } from '../../pipelines/sources/inbox/load.ts';
import { isPullOutcome, type PullOutcome } from '../../pipelines/sources/pulled/pull-outcome.ts';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type Config } from '../../pipelines/core/config.ts';
import { createSilentLogger } from '../../pipelines/core/logger.ts';
import { Warehouse } from '../../pipelines/core/warehouse.ts';
import { runPipeline } from '../../pipelines/run/run-pipeline.ts';
import { collectStatus, formatStatus } from '../../pipelines/run/status.ts';
import { createHelpdeskSource } from '../../pipelines/sources/helpdesk/load.ts';
import { createPostgresSource } from '../../pipelines/sources/postgres/load.ts';
import { ENTITIES, type EntityName } from '../../models/entities.ts';
import { snapshotTable } from '../helpers/ingest.ts';
import { withTempDir, withWarehouse } from '../helpers/warehouse.ts';
import { startFakeZendesk } from './support/fake-zendesk.ts';
import { startTestPostgres, type TestPostgres } from './support/postgres-server.ts';

const SHOP_SCHEMA = `
  create schema shop;
  create table shop.orders (order_no text primary key, customer_ref text not null, placed_at timestamptz not null, grand_total numeric(12,2) not null,
    currency char(3), shop_id text, modified_at timestamptz not null default now());
  create table shop.order_lines (order_no text, line_no int, sku text, qty int, price numeric(10,2), modified_at timestamptz not null default now(),
    primary key (order_no, line_no));
  -- naive timestamps: local time of the shop (Asia/Shanghai)
  create table shop.shipments (shipment_id text primary key, order_no text, carrier_name text, shipped_at timestamp, promised_at timestamp,
    delivered_at timestamp, status text, modified_at timestamptz not null default now());
  create table shop.products (sku text primary key, title text, category text, merchant_id text);
  create table shop.tickets (ticket_no bigint primary key, order_no text, channel text, opened_at timestamptz, first_response_at timestamptz,
    state text, severity text, cause text, body text, escalated boolean, reopened int, compensation numeric(10,2), csat smallint,
    updated_at timestamptz not null default now());`;

/** `n` orders from `from`, with two lines and a shipment each, and a ticket for every third. */
function insertOrders(from: number, n: number): string {
  const to = from + n - 1;
  return `
    insert into shop.orders (order_no, customer_ref, placed_at, grand_total, currency, shop_id)
      select 'O' || i, 'C' || (i % 500), timestamptz '2026-10-01 08:00:00+08' + i * interval '7 minutes', (i % 997) + 0.25, 'CNY',
        case when i % 10 = 0 then null else 'M' || (i % 7) end
      from generate_series(${from}, ${to}) i;
    insert into shop.order_lines (order_no, line_no, sku, qty, price)
      select 'O' || i, l, 'SKU-' || ((i + l) % 40), 1 + (i % 3), ((i * l) % 300) + 0.99 from generate_series(${from}, ${to}) i, generate_series(1, 2) l;
    insert into shop.shipments (shipment_id, order_no, carrier_name, shipped_at, promised_at, delivered_at, status)
      select 'S' || i, 'O' || i, (array['Heron', 'Swift', 'Kestrel'])[1 + i % 3], timestamp '2026-10-02 09:00' + i * interval '7 minutes',
        timestamp '2026-10-05 18:00' + i * interval '7 minutes', case when i % 5 = 0 then null else timestamp '2026-10-04 12:30' + i * interval '7 minutes' end,
        case when i % 5 = 0 then 'In Transit' else 'DELIVERED' end
      from generate_series(${from}, ${to}) i;
    insert into shop.tickets (ticket_no, order_no, channel, opened_at, first_response_at, state, severity, cause, body, escalated, reopened, compensation, csat)
      select 100000 + i, 'O' || i, (array['chat', 'email', 'app', 'hotline', 'social'])[1 + i % 5], timestamptz '2026-10-06 10:00:00+08' + i * interval '7 minutes',
        case when i % 4 = 0 then null else timestamptz '2026-10-06 11:00:00+08' + i * interval '7 minutes' end,
        (array['open', 'waiting', 'resolved', 'closed'])[1 + i % 4], case when i % 6 = 0 then 'major' end,
        case i % 3 when 0 then 'transit_damage' when 1 then 'delivery_delay|packaging' end,
        'Parcel ' || i || case when i % 7 = 0 then E', "crushed",\nsecond line' else ' late' end,
        i % 2 = 0, i % 3, case when i % 9 = 0 then 15.5 end, case when i % 5 = 0 then null else 1 + i % 5 end
      from generate_series(${from}, ${to}) i where i % 3 = 0;`;
}

function postgresConfig(overrides: Record<string, unknown> = {}, entities?: string[]): Config {
  const all: Record<string, unknown> = {
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
    order_items: { table: 'shop.order_lines', columns: { order_id: 'order_no', quantity: 'qty', unit_price: 'price' }, cursorColumn: 'modified_at' },
    shipments: {
      table: 'shop.shipments',
      columns: { order_id: 'order_no', carrier: 'carrier_name', updated_at: 'modified_at' },
      values: { status: { 'in transit': 'in_transit' } },
      cursorColumn: 'modified_at',
    },
    products: { table: 'shop.products', cursorColumn: null },
    complaints: {
      table: 'shop.tickets',
      columns: {
        complaint_id: 'ticket_no',
        order_id: 'order_no',
        status: 'state',
        cause_code: 'cause',
        text: 'body',
        reopened_count: 'reopened',
        compensation_amount: 'compensation',
      },
      values: { status: { waiting: 'in_progress' } },
    },
  };
  const chosen = Object.fromEntries(Object.entries(all).filter(([name]) => !entities || entities.includes(name)));
  return parseConfig({
    sources: { postgres: { enabled: true, retryAttempts: 2, retryBackoffMs: 50, connectTimeoutMs: 3_000, entities: chosen, ...overrides } },
  });
}

/** The source's rows in the contract's shape, canonical for comparison (instants as epoch µs). */
const SOURCE_ROWS: Record<Exclude<EntityName, 'corrective_actions'>, string> = {
  orders: `select order_no as order_id, customer_ref as customer_id, extract(epoch from placed_at) * 1e6 as ordered_at, grand_total::float8 as total_amount,
      currency::text as currency, shop_id as merchant_id, extract(epoch from modified_at) * 1e6 as updated_at from shop.orders`,
  order_items: `select order_no as order_id, line_no, sku, qty as quantity, price::float8 as unit_price from shop.order_lines`,
  shipments: `select shipment_id, order_no as order_id, carrier_name as carrier, extract(epoch from shipped_at at time zone 'Asia/Shanghai') * 1e6 as shipped_at,
      extract(epoch from promised_at at time zone 'Asia/Shanghai') * 1e6 as promised_at, extract(epoch from delivered_at at time zone 'Asia/Shanghai') * 1e6 as delivered_at,
      case lower(status) when 'in transit' then 'in_transit' else lower(status) end as status, null as origin_region, null as dest_region,
      extract(epoch from modified_at) * 1e6 as updated_at from shop.shipments`,
  products: `select sku, title, category, merchant_id, null as updated_at from shop.products`,
  complaints: `select ticket_no::text as complaint_id, order_no as order_id, null as shipment_id, null as sku, channel, extract(epoch from opened_at) * 1e6 as opened_at,
      extract(epoch from first_response_at) * 1e6 as first_response_at, null as resolved_at, case state when 'waiting' then 'in_progress' else state end as status,
      severity, cause as cause_code, body as text, escalated, reopened as reopened_count, null as resolution, compensation::float8 as compensation_amount, csat::int as csat,
      null as followed_up_at, extract(epoch from updated_at) * 1e6 as updated_at from shop.tickets where channel <> 'fax'`,
};

function warehouseRowsSql(entity: EntityName): string {
  const list = ENTITIES[entity].columns.map((c) => {
    const q = `"${c.name}"`;
    if (c.type === 'timestamp') return `epoch_us(${q}) as ${q}`;
    if (c.type === 'decimal') return `${q}::double as ${q}`;
    return q;
  });
  return `select ${list.join(', ')} from raw_${entity}`;
}

/** Rows as sorted JSON arrays in contract column order; instants (PG numeric strings) as numbers. */
function canonicalRows(entity: EntityName, rows: readonly Record<string, unknown>[]): string[] {
  const columns = ENTITIES[entity].columns;
  return rows
    .map((row) =>
      JSON.stringify(
        columns.map((c) => {
          const value = row[c.name];
          if (value === null || value === undefined) return null;
          return c.type === 'timestamp' ? Number(value) : value;
        }),
      ),
    )
    .sort();
}

/** The warehouse's current versions equal the source's rows, for every pulled entity. */
async function expectWarehouseMatchesSource(
  warehouse: Warehouse,
  pg: TestPostgres,
  database: string,
  entities: readonly (keyof typeof SOURCE_ROWS)[],
): Promise<void> {
  for (const entity of entities) {
    const source = await pg.sqlIn(database, SOURCE_ROWS[entity]);
    const stored = await warehouse.all(warehouseRowsSql(entity));
    expect(stored.length).toBeGreaterThan(0);
    expect(canonicalRows(entity, stored), `raw_${entity} = source`).toEqual(canonicalRows(entity, source));
  }
}

/** A run in `dir` (database rootloop.duckdb, an inbox that does not exist) pulling only `sources`. */
function runPulling(dir: string, config: Config, sources: NonNullable<Parameters<typeof runPipeline>[0]['sources']>) {
  return runPipeline({
    inboxDir: path.join(dir, 'inbox'),
    databaseFile: path.join(dir, 'rootloop.duckdb'),
    outDir: path.join(dir, 'out'),
    config,
    logger: createSilentLogger(),
    asOf: new Date('2026-11-23T00:00:00+08:00'),
    sources,
  });
}

/** The reports of a pull that read every table (a partial one fails the test with its failures). */
function reportsOnly(result: IngestedFileReport[] | PullOutcome): IngestedFileReport[] {
  if (isPullOutcome(result)) throw new Error(`tables failed: ${JSON.stringify(result.failures)}`);
  return result;
}

describe('PostgreSQL source', () => {
  let pg: TestPostgres;
  let databases = 0;
  beforeAll(async () => {
    pg = await startTestPostgres();
  });
  afterAll(() => pg?.destroy());

  /** A fresh database with the shop's schema; returns its name and connection string. */
  async function createShop(): Promise<{ database: string; url: string }> {
    const database = `shop_${++databases}`;
    await pg.sql(`create database ${database}`);
    await pg.sqlIn(database, SHOP_SCHEMA);
    return { database, url: pg.urlOf(database) };
  }

  it('pulls, pulls again after changes and a late commit, and matches the source row for row', async () => {
    const { database, url } = await createShop();
    await pg.sqlIn(database, insertOrders(1, 3000));
    await pg.sqlIn(
      database,
      `insert into shop.products select 'SKU-' || i, 'Product ' || i, (array['toys', 'kitchen', 'garden'])[1 + i % 3], 'M' || (i % 7) from generate_series(0, 39) i;
      insert into shop.tickets (ticket_no, channel, opened_at, state, body) values (1, 'fax', now(), 'open', 'sent by fax')`,
    );
    // No look-back window: the late commit below must be caught by the open-transaction cap alone.
    const config = postgresConfig({ overlapMinutes: 0 });
    const source = createPostgresSource(config.sources.postgres, { env: { ROOTLOOP_PG_URL: url } });
    const entities = ['orders', 'order_items', 'shipments', 'products', 'complaints'] as const;

    await withWarehouse(async (warehouse) => {
      const pull = (runId: string) => warehouse.transaction(() => source.pull(warehouse, { runId, config })).then(reportsOnly);
      const first = await pull('run-1');
      expect(first.map((r) => [r.entity, r.rowsRead, r.rowsLoaded, r.rowsQuarantined])).toEqual([
        ['orders', 3000, 3000, 0],
        ['order_items', 6000, 6000, 0],
        ['shipments', 3000, 3000, 0],
        ['products', 40, 40, 0],
        ['complaints', 1001, 1000, 1],
      ]);
      expect(await warehouse.all(`select file_name, reason from quarantine`)).toEqual([
        { file_name: 'postgres:shop.tickets@run-1', reason: "channel 'fax' is not one of chat, hotline, app, email, social, other" },
      ]);
      await expectWarehouseMatchesSource(warehouse, pg, database, entities);

      // A long transaction starts before the second pull: a new ticket and a changed order, both
      // stamped with its start time by now(), committed only after that pull.
      const late = await pg.clientOf(database);
      await late.query('begin');
      const lateStart = (await late.query<{ t: string }>(`select now()::text as t`)).rows[0]!.t;
      await late.query(
        `insert into shop.tickets (ticket_no, order_no, channel, opened_at, state, body) values (900001, 'O5', 'email', now(), 'open', 'late commit')`,
      );
      await late.query(`update shop.orders set grand_total = 4242, modified_at = now() where order_no = 'O5'`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      await pg.sqlIn(
        database,
        `
        update shop.orders set grand_total = grand_total + 1, modified_at = now() where order_no in (select 'O' || i from generate_series(100, 149) i);
        update shop.tickets set state = 'closed', csat = 5, updated_at = now() where ticket_no between 100300 and 100420;
        update shop.shipments set status = 'DELIVERED', delivered_at = timestamp '2026-11-01 10:00', modified_at = now() where shipment_id = 'S5';
        update shop.products set title = title || ' (new)' where sku in ('SKU-1', 'SKU-2');
        ${insertOrders(3001, 30)}`,
      );

      const second = await pull('run-2');
      // Every order still stamped with the first insert's now() sits on the cursor value and is read
      // again (>=): 3000 + 30 new; O5's change is not committed yet.
      expect(second.find((r) => r.entity === 'orders')?.rowsRead).toBe(3030);
      // The fax ticket sits on the cursor too: read again, it counts as a duplicate of the row already
      // quarantined, not as a new problem (it was quarantined again on every pull).
      expect(second.find((r) => r.entity === 'complaints')).toMatchObject({ rowsQuarantined: 0, rowsDuplicate: 1 });
      await expectWarehouseMatchesSource(warehouse, pg, database, entities);
      // The cursor stopped at the late transaction's start, not at the newest row read.
      const cursor = await warehouse.one<{ cursor_value: string }>(`select cursor_value from source_cursors where source = 'postgres:complaints'`);
      expect((await pg.sqlIn(database, `select $1::timestamptz <= $2::timestamptz as ok`, [cursor!.cursor_value, lateStart]))[0]).toEqual({ ok: true });

      await late.query('commit');
      await late.end();
      const third = await pull('run-3');
      expect(third.find((r) => r.entity === 'complaints')?.rowsRead).toBeGreaterThanOrEqual(1);
      await expectWarehouseMatchesSource(warehouse, pg, database, entities);
      expect(await warehouse.one(`select complaint_id, text from raw_complaints where complaint_id = '900001'`)).toEqual({
        complaint_id: '900001',
        text: 'late commit',
      });
      expect(await warehouse.scalar(`select total_amount from raw_orders where order_id = 'O5'`)).toBe(4242);
      expect(await warehouse.scalar(`select count(*) from quarantine`)).toBe(1);
      // Every pulled batch is in the ledger under its source; nothing was loaded twice.
      expect(await warehouse.scalar(`select count(*) from ingested_files where source = 'postgres'`)).toBe(15);
      expect(await warehouse.scalar(`select count(*) - count(distinct order_id) from raw_orders`)).toBe(0);
    });
  });

  it('reads the other tables when one fails on its own, and keeps the cursor of that table', async () => {
    const { database, url } = await createShop();
    await pg.sqlIn(database, insertOrders(1, 50));
    await pg.sqlIn(database, `insert into shop.products values ('SKU-1', 'Vase', 'home', null)`);
    const base = postgresConfig({}, ['orders', 'products']);
    // a mapping naming a column the table does not have: that table fails, the orders still load
    const config = parseConfig({
      sources: {
        postgres: {
          ...base.sources.postgres,
          entities: { ...base.sources.postgres.entities, products: { table: 'shop.products', columns: { title: 'product_name' }, cursorColumn: null } },
        },
      },
    });
    const source = createPostgresSource(config.sources.postgres, { env: { ROOTLOOP_PG_URL: url } });
    await withWarehouse(async (warehouse) => {
      const result = await warehouse.transaction(() => source.pull(warehouse, { runId: 'run-1', config }));
      expect(isPullOutcome(result)).toBe(true);
      const outcome = result as PullOutcome;
      expect(outcome.reports.map((r) => [r.entity, r.rowsLoaded])).toEqual([['orders', 50]]);
      expect(outcome.failures).toEqual([{ stream: 'postgres:products', error: expect.stringMatching(/shop\.products .*product_name/) }]);
      expect(await warehouse.all(`select source from source_cursors order by source`)).toEqual([{ source: 'postgres:orders' }]);
      expect(await warehouse.scalar(`select count(*) from raw_orders`)).toBe(50);
    });
    // In a run: the run succeeds with the orders, names the failed table, and status shows it.
    await withTempDir(async (dir) => {
      const databaseFile = path.join(dir, 'rootloop.duckdb');
      const summary = await runPulling(dir, config, [source]);
      expect(summary.sourceFailures).toEqual([{ source: 'postgres:products', error: expect.stringMatching(/product_name/) }]);
      const status = await collectStatus(databaseFile, config);
      expect(status.sources.find((s) => s.source === 'postgres:orders')?.last_failure ?? null).toBeNull();
      // the failed table never succeeded, so it has no cursor; status still lists it with its failure
      expect(status.sources.find((s) => s.source === 'postgres:products')).toMatchObject({
        cursor_value: null,
        last_failure: expect.stringMatching(/product_name/),
      });
      expect(status.runs[0]?.status).toBe('succeeded');
    });
  });

  it('fails the whole pull at once when writing a table locally fails mid-COPY (it hung rolling back)', { timeout: 30_000 }, async () => {
    const { database, url } = await createShop();
    await pg.sqlIn(database, insertOrders(1, 20));
    await pg.sqlIn(database, `insert into shop.products values ('SKU-1', 'Vase', 'home', null)`);
    const config = postgresConfig({ retryAttempts: 1 }, ['orders', 'products']);
    // after the orders, a folder where the products' CSV file is to be written: EISDIR mid-pull
    const source = createPostgresSource(config.sources.postgres, {
      env: { ROOTLOOP_PG_URL: url },
      afterTable: (table) => void fs.mkdirSync(path.join(path.dirname(table.file), 'products.csv')),
    });
    await withWarehouse(async (warehouse) => {
      const started = Date.now();
      await expect(warehouse.transaction(() => source.pull(warehouse, { runId: 'run-1', config }))).rejects.toMatchObject({ code: 'SourceError' });
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(await warehouse.scalar(`select count(*) from source_cursors`)).toBe(0);
    });
  });

  it('reads again the rows sharing the cursor value and rows stamped by a skewed clock', async () => {
    const { database, url } = await createShop();
    const config = postgresConfig({ overlapMinutes: 10 }, ['complaints']);
    const source = createPostgresSource(config.sources.postgres, { env: { ROOTLOOP_PG_URL: url } });
    const insert = (id: number, updatedAt: string) =>
      pg.sqlIn(database, `insert into shop.tickets (ticket_no, channel, opened_at, state, body, updated_at) values ($1, 'chat', $2, 'open', 'x', $2)`, [
        id,
        updatedAt,
      ]);
    await withWarehouse(async (warehouse) => {
      const pull = (runId: string) => warehouse.transaction(() => source.pull(warehouse, { runId, config })).then(reportsOnly);
      for (const id of [1, 2, 3]) await insert(id, '2026-11-20 10:00:00+08');
      await pull('run-1');
      expect(await warehouse.scalar(`select count(*) from raw_complaints`)).toBe(3);
      // Committed after the pull: one with the very cursor value, one stamped 4 minutes behind it.
      await insert(4, '2026-11-20 10:00:00+08');
      await insert(5, '2026-11-20 09:56:00+08');
      const [report] = await pull('run-2');
      // The overlap re-reads rows 1–3 too; they merge onto themselves by key.
      expect(report).toMatchObject({ rowsRead: 5, rowsLoaded: 5 });
      expect(await warehouse.all(`select complaint_id from raw_complaints order by 1`)).toEqual(
        ['1', '2', '3', '4', '5'].map((complaint_id) => ({ complaint_id })),
      );
      await expectWarehouseMatchesSource(warehouse, pg, database, ['complaints']);
      // A row whose cursor column is empty cannot be placed after the cursor: it is read every time,
      // never lost (once, it fell below every later cursor for good).
      await pg.sqlIn(database, `alter table shop.tickets alter column updated_at drop not null`, []);
      await pg.sqlIn(
        database,
        `insert into shop.tickets (ticket_no, channel, opened_at, state, body, updated_at) values (6, 'chat', '2026-11-20 10:30:00+08', 'open', 'x', null)`,
        [],
      );
      await pull('run-3');
      await pull('run-4');
      expect(await warehouse.all(`select complaint_id from raw_complaints order by 1`)).toEqual(
        ['1', '2', '3', '4', '5', '6'].map((complaint_id) => ({ complaint_id })),
      );
    });
  });

  it('fails only that source when the server stops mid-pull, keeps its cursors, and completes on the next run', async () => {
    const { database, url } = await createShop();
    await pg.sqlIn(database, insertOrders(1, 400));
    await pg.sqlIn(database, `insert into shop.products select 'SKU-' || i, 'Product ' || i, 'toys', null from generate_series(0, 39) i`);
    const zendesk = await startFakeZendesk();
    const entities = ['orders', 'order_items', 'shipments', 'products'] as const;
    try {
      for (let id = 1; id <= 3; id++) {
        zendesk.upsert({
          id,
          created_at: '2026-11-02T01:00:00Z',
          updated_at: '2026-11-02T01:00:00Z',
          subject: `Parcel ${id}`,
          description: 'crushed box',
          status: 'open',
          priority: null,
          via: { channel: 'email' },
          tags: [],
          custom_fields: [],
        });
      }
      const base = postgresConfig({}, [...entities]);
      const config = parseConfig({
        sources: {
          postgres: base.sources.postgres,
          helpdesk: { enabled: true, baseUrl: zendesk.baseUrl, complaintIdPrefix: 'ZD-', requestTimeoutMs: 2_000, retryBaseMs: 10 },
        },
      });
      let stopAfter: string | undefined;
      const postgres = createPostgresSource(config.sources.postgres, {
        env: { ROOTLOOP_PG_URL: url },
        afterTable: (table) => {
          if (table.plan.entity === stopAfter) pg.stop('fast');
        },
      });
      const helpdesk = createHelpdeskSource(config.sources.helpdesk, {
        env: { ROOTLOOP_HELPDESK_EMAIL: zendesk.email, ROOTLOOP_HELPDESK_TOKEN: zendesk.token },
      });

      await withTempDir(async (dir) => {
        const databaseFile = path.join(dir, 'rootloop.duckdb');
        const run = () => runPulling(dir, config, [postgres, helpdesk]);
        const readState = async () => {
          const w = await Warehouse.open(databaseFile, { timezone: config.timezone, readOnly: true, migrate: false });
          try {
            return {
              cursors: JSON.stringify(await w.all(`select * from source_cursors where source like 'postgres:%' order by source`)),
              orders: await snapshotTable(w, 'raw_orders'),
              postgresFiles: await w.scalar(`select count(*) from ingested_files where source = 'postgres'`),
              complaints: await w.scalar(`select count(*) from raw_complaints`),
            };
          } finally {
            await w.close();
          }
        };

        const first = await run();
        expect(first.sourceFailures).toEqual([]);
        const before = await readState();
        expect(before).toMatchObject({ postgresFiles: 4, complaints: 3 });

        await pg.sqlIn(database, `${insertOrders(401, 50)} update shop.orders set grand_total = 1, modified_at = now() where order_no = 'O7'`);
        zendesk.upsert({
          id: 4,
          created_at: '2026-11-03T01:00:00Z',
          updated_at: '2026-11-03T01:00:00Z',
          subject: 'Never arrived',
          description: 'lost',
          status: 'new',
          priority: 'urgent',
          via: { channel: 'chat' },
          tags: [],
          custom_fields: [],
        });

        // The server goes down after the orders table was read: the source fails, the run succeeds.
        stopAfter = 'orders';
        const second = await run();
        stopAfter = undefined;
        expect(second.sourceFailures).toEqual([{ source: 'postgres', error: expect.stringMatching(/^postgres: (connecting|reading shop\.order_lines)/) }]);
        const during = await readState();
        expect(during.cursors).toBe(before.cursors); // postgres cursors untouched...
        expect(during.orders).toBe(before.orders);
        expect(during.postgresFiles).toBe(4);
        expect(during.complaints).toBe(4); // ...while the helpdesk's new ticket landed
        const status = await collectStatus(databaseFile, config, new Date());
        expect(status.sources.find((s) => s.source === 'postgres:orders')).toMatchObject({
          last_failure: expect.stringMatching(/postgres: /),
          lag_hours: expect.any(Number),
        });
        expect(formatStatus(status)).toMatch(/postgres:orders\s+cursor .* last success .*\(lag \d+ min\)\n\s+failing since last success: /);

        pg.start();
        const third = await run();
        expect(third.sourceFailures).toEqual([]);
        const w = await Warehouse.open(databaseFile, { timezone: config.timezone, readOnly: true, migrate: false });
        try {
          await expectWarehouseMatchesSource(w, pg, database, entities);
        } finally {
          await w.close();
        }
        const after = await collectStatus(databaseFile, config, new Date());
        expect(after.sources.every((s) => s.last_failure === null)).toBe(true);
      });
    } finally {
      await zendesk.close();
    }
  });
});
