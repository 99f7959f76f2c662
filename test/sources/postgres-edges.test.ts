/**
 * Edges of the PostgreSQL source that postgres.test.ts passes over, each found by a mutation audit: a
 * wall-clock (`timestamp without time zone`) cursor column re-reads at least the hour a zone repeats
 * when its clocks go back; a table that fails on its own (a query the server refuses, a required column
 * neither mapped nor present) fails alone while the tables after it are still read, but a table locked
 * past lock_timeout (retryable) fails the whole pull, to be tried again; a server that keeps
 * dropping the connection is tried exactly retryAttempts times, and the error never quotes the password.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type Config } from '../../pipelines/core/config.ts';
import { createPostgresSource } from '../../pipelines/sources/postgres/load.ts';
import { isPullOutcome } from '../../pipelines/sources/pulled/pull-outcome.ts';
import { withWarehouse } from '../helpers/warehouse.ts';
import { startTestPostgres, type TestPostgres } from './support/postgres-server.ts';

function postgresConfig(entities: Record<string, unknown>, overrides: Record<string, unknown> = {}): Config {
  return parseConfig({ sources: { postgres: { enabled: true, retryAttempts: 1, connectTimeoutMs: 3_000, entities, ...overrides } } });
}

describe('PostgreSQL source edges', () => {
  let pg: TestPostgres;
  let databases = 0;
  beforeAll(async () => {
    pg = await startTestPostgres();
  });
  afterAll(() => pg?.destroy());

  async function createDatabase(schema: string): Promise<{ database: string; url: string }> {
    const database = `edges_${++databases}`;
    await pg.sql(`create database ${database}`);
    await pg.sqlIn(database, schema);
    return { database, url: pg.urlOf(database) };
  }

  it('re-reads the last 60 minutes below a wall-clock cursor even with no overlap configured', async () => {
    // modified_local: the shop's local time (Asia/Shanghai, the config's zone), no offset
    const { database, url } = await createDatabase(`
      create table shipments (shipment_id text primary key, order_id text, carrier text, shipped_at timestamptz, promised_at timestamptz,
        status text, modified_local timestamp not null);
      insert into shipments values ('S1', 'O1', 'Heron', '2026-11-19 10:00+08', '2026-11-22 10:00+08', 'in_transit', '2026-11-20 10:00');`);
    const config = postgresConfig({ shipments: { table: 'shipments', cursorColumn: 'modified_local' } }, { overlapMinutes: 0 });
    const source = createPostgresSource(config.sources.postgres, { env: { ROOTLOOP_PG_URL: url } });
    await withWarehouse(async (warehouse) => {
      const pull = (runId: string) => warehouse.transaction(() => source.pull(warehouse, { runId, config }));
      await pull('run-1');
      expect(await warehouse.one(`select cursor_value from source_cursors`)).toEqual({ cursor_value: '2026-11-20 10:00:00' });
      // Stamped 30 minutes below the cursor (the repeated hour after clocks go back, in a zone that has
      // them), committed after the first pull: inside the 60-minute floor, so read.
      await pg.sqlIn(
        database,
        `insert into shipments values ('S2', 'O2', 'Heron', '2026-11-19 11:00+08', '2026-11-22 11:00+08', 'delivered', '2026-11-20 09:30')`,
      );
      const second = await pull('run-2');
      // S1 (on the cursor) and S2
      expect(second).toEqual([expect.objectContaining({ entity: 'shipments', rowsRead: 2, rowsLoaded: 2 })]);
      expect(await warehouse.all(`select shipment_id, status from raw_shipments order by 1`)).toEqual([
        { shipment_id: 'S1', status: 'in_transit' },
        { shipment_id: 'S2', status: 'delivered' },
      ]);
      // S1 leaves the table: the newest row read (S2, 09:30) is below the stored cursor, which stays
      // where it was rather than moving back.
      await pg.sqlIn(database, `delete from shipments where shipment_id = 'S1'`);
      await pull('run-3');
      expect(await warehouse.one(`select cursor_value from source_cursors`)).toEqual({ cursor_value: '2026-11-20 10:00:00' });
    });
  });

  it("reads the open-transaction cap of a wall-clock cursor in the config's zone: a row stamped a minute ago is the cursor", async () => {
    // Stamped with the shop's local time a minute ago. The cap (the pull's start, no other transaction
    // open) in Asia/Shanghai local time lies after it, so the cursor is the row's own value; read in
    // another zone (UTC: 8 hours earlier) the cap would hold the cursor 8 hours back.
    const { database, url } = await createDatabase(`
      create table shipments (shipment_id text primary key, order_id text, carrier text, shipped_at timestamptz, promised_at timestamptz,
        status text, modified_local timestamp not null);
      insert into shipments values ('S1', 'O1', 'Heron', '2026-11-19 10:00+08', '2026-11-22 10:00+08', 'in_transit',
        date_trunc('second', now() at time zone 'Asia/Shanghai') - interval '1 minute');`);
    const config = postgresConfig({ shipments: { table: 'shipments', cursorColumn: 'modified_local' } });
    const source = createPostgresSource(config.sources.postgres, { env: { ROOTLOOP_PG_URL: url } });
    const [stamped] = await pg.sqlIn<{ at: string }>(database, `select modified_local::text as at from shipments`);
    await withWarehouse(async (warehouse) => {
      await warehouse.transaction(() => source.pull(warehouse, { runId: 'run-1', config }));
      expect(await warehouse.one(`select cursor_value from source_cursors`)).toEqual({ cursor_value: stamped!.at });
    });
  });

  it('fails a table the server refuses and a table missing a required column on their own, and reads the table between them', async () => {
    const { url } = await createDatabase(`
      create table orders_base (order_id text, customer_id text, ordered_at timestamptz, total_amount numeric, n int, updated_at timestamptz default now());
      insert into orders_base values ('O1', 'C1', '2026-11-01 10:00+08', 10, 1), ('O2', 'C2', '2026-11-01 11:00+08', 20, 0);
      -- O2 divides by zero: the server refuses the COPY midway (SQLSTATE 22012), after the probe passed
      create view orders as select order_id, customer_id, ordered_at, total_amount / n as total_amount, updated_at from orders_base;
      create table products (sku text, title text, category text);
      insert into products values ('SKU-1', 'Vase', 'home');
      -- no text column, and the config maps none: complaints.text is required
      create table tickets (complaint_id text, channel text, opened_at timestamptz, status text, updated_at timestamptz default now());
      insert into tickets values ('T1', 'chat', '2026-11-02 10:00+08', 'open');`);
    const config = postgresConfig({
      orders: { table: 'orders' },
      products: { table: 'products', cursorColumn: null },
      complaints: { table: 'tickets' },
    });
    const source = createPostgresSource(config.sources.postgres, { env: { ROOTLOOP_PG_URL: url } });
    await withWarehouse(async (warehouse) => {
      const result = await warehouse.transaction(() => source.pull(warehouse, { runId: 'run-1', config }));
      if (!isPullOutcome(result)) throw new Error('expected two tables to fail');
      // the tables run in contract order: orders (refused), products (read), complaints (not mapped)
      expect(result.reports.map((r) => [r.entity, r.rowsRead, r.rowsLoaded])).toEqual([['products', 1, 1]]);
      expect(result.failures).toEqual([
        { stream: 'postgres:orders', error: expect.stringMatching(/^postgres: reading orders: division by zero/) },
        { stream: 'postgres:complaints', error: expect.stringMatching(/^postgres: tickets has no column for required complaints\.text: map it in/) },
      ]);
      expect(await warehouse.scalar(`select count(*) from quarantine`)).toBe(0);
      expect(await warehouse.all(`select source from source_cursors order by 1`)).toEqual([{ source: 'postgres:products' }]);
    });
  });

  it('fails the whole pull, to be retried, when a table is locked past lock_timeout (not a problem of that table)', async () => {
    const { database, url } = await createDatabase(`
      create table orders (order_id text, customer_id text, ordered_at timestamptz, total_amount numeric, updated_at timestamptz default now());
      insert into orders values ('O1', 'C1', '2026-11-01 10:00+08', 10);
      create table products (sku text, title text, category text);`);
    const config = postgresConfig({ orders: { table: 'orders' }, products: { table: 'products', cursorColumn: null } });
    // a migration holds the products table while the pull runs; the pull's session gives up after 200 ms
    const source = createPostgresSource(config.sources.postgres, { env: { ROOTLOOP_PG_URL: `${url}?options=-c%20lock_timeout%3D200` } });
    const migration = await pg.clientOf(database);
    try {
      await migration.query('begin; lock table products in access exclusive mode');
      await withWarehouse(async (warehouse) => {
        const error = await warehouse.transaction(() => source.pull(warehouse, { runId: 'run-1', config })).catch((e: unknown) => e);
        expect(error).toMatchObject({ code: 'SourceError', retryable: true, message: expect.stringMatching(/^postgres: reading products: .*lock timeout/) });
        // nothing of the pull stays: not the orders read before, nor their cursor
        expect(await warehouse.scalar(`select count(*) from raw_orders`)).toBe(0);
        expect(await warehouse.scalar(`select count(*) from source_cursors`)).toBe(0);
      });
    } finally {
      await migration.query('rollback');
      await migration.end();
    }
  });
});

describe('PostgreSQL source against a server that drops every connection', () => {
  it('tries retryAttempts times, then fails retryable without quoting the password', async () => {
    let connections = 0;
    const server = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const config = postgresConfig({ orders: { table: 'shop.orders' } }, { retryAttempts: 2, retryBackoffMs: 0 });
      const source = createPostgresSource(config.sources.postgres, { env: { ROOTLOOP_PG_URL: `postgres://reader:s3cret-pw@127.0.0.1:${port}/shop` } });
      await withWarehouse(async (warehouse) => {
        const error = await warehouse.transaction(() => source.pull(warehouse, { runId: 'run-1', config })).catch((e: unknown) => e);
        expect(error).toMatchObject({ code: 'SourceError', retryable: true, message: expect.stringMatching(/^postgres: connecting: /) });
        expect((error as Error).message).not.toContain('s3cret-pw');
        expect(connections).toBe(2);
        expect(await warehouse.scalar(`select count(*) from source_cursors`)).toBe(0);
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
