/**
 * Inbox column mappings (config `inboxMappings`): the two shipped examples (examples/shopify-orders,
 * examples/zendesk-tickets) ingest as documented, with the expected rows worked out by hand from their
 * sample files; the mapping features one by one; a contract-shaped file loads exactly as before when
 * mappings are configured; bad mappings fail with a ConfigError naming the key.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFile, parseConfig, type InboxMappingConfig } from '../../pipelines/core/config.ts';
import type { Warehouse } from '../../pipelines/core/warehouse.ts';
import { ingestInbox } from '../../pipelines/sources/inbox/load.ts';
import { globToRegExp, resolveInboxMappings } from '../../pipelines/sources/mapping/column-mapping.ts';
import { configuredSources } from '../../pipelines/sources/configured-sources.ts';
import { snapshotTable } from '../helpers/ingest.ts';
import { REPO } from '../helpers/cli.ts';
import { withTempDir, withWarehouse, writeFiles } from '../helpers/warehouse.ts';

async function ingest(warehouse: Warehouse, inboxDir: string, mappings: readonly InboxMappingConfig[], runId = 'run-1') {
  return warehouse.transaction(() => ingestInbox(warehouse, { inboxDir, runId, mappings }));
}

const example = async (name: string) => {
  const dir = path.join(REPO, 'examples', name);
  return { inbox: path.join(dir, 'inbox'), config: await loadConfigFile(path.join(dir, 'rootloop.config.json')) };
};

const mapping = (overrides: Partial<InboxMappingConfig> & Pick<InboxMappingConfig, 'entity' | 'pattern'>): InboxMappingConfig =>
  parseConfig({ inboxMappings: [{ name: 'test', ...overrides }] }).inboxMappings[0]!;

describe('inbox column mappings', () => {
  it('ingests the Shopify orders export example', async () => {
    const { inbox, config } = await example('shopify-orders');
    await withWarehouse(async (warehouse) => {
      const [report] = await ingest(warehouse, inbox, config.inboxMappings);
      // 6 data lines; line 3 is the second line item of #1001 (Total empty: skipped, not a record);
      // #1004's Total "12,90" is not a number.
      expect(report).toMatchObject({
        fileName: 'orders_export_1.csv',
        entity: 'orders',
        status: 'loaded',
        rowsRead: 5,
        rowsLoaded: 4,
        rowsQuarantined: 1,
        rowsDuplicate: 0,
      });
      expect(await warehouse.all(`select line_number, reason from quarantine`)).toEqual([{ line_number: 6, reason: "total_amount '12,90' is not a number" }]);
      const rows = await warehouse.all(
        `select order_id, customer_id, ordered_at, total_amount::varchar as total, currency, merchant_id, updated_at from raw_orders order by order_id`,
      );
      expect(rows).toEqual([
        // 2026-11-16 09:12:37 +0800 = 01:12:37Z
        {
          order_id: '#1001',
          customer_id: 'li.wei@example.com',
          ordered_at: new Date('2026-11-16T01:12:37Z'),
          total: '270.0000',
          currency: 'CNY',
          merchant_id: 'Hearth & Clay',
          updated_at: null,
        },
        // no email (a point-of-sale order): the billing name identifies the customer
        {
          order_id: '#1002',
          customer_id: 'Zhang Min',
          ordered_at: new Date('2026-11-16T03:39:51Z'),
          total: '89.9000',
          currency: 'CNY',
          merchant_id: 'Green Hands',
          updated_at: null,
        },
        {
          order_id: '#1003',
          customer_id: 'ana.santos@example.com',
          ordered_at: new Date('2026-11-17T12:03:18Z'),
          total: '414.0000',
          currency: 'CNY',
          merchant_id: 'Flaxworks',
          updated_at: null,
        },
        {
          order_id: '#1005',
          customer_id: 'guo.jing@example.com',
          ordered_at: new Date('2026-11-19T05:00:02Z'),
          total: '516.0000',
          currency: 'CNY',
          merchant_id: 'Hearth & Clay',
          updated_at: null,
        },
      ]);
    });
  });

  it('ingests the Zendesk ticket CSV export example', async () => {
    const { inbox, config } = await example('zendesk-tickets');
    await withWarehouse(async (warehouse) => {
      const [report] = await ingest(warehouse, inbox, config.inboxMappings);
      expect(report).toMatchObject({ entity: 'complaints', status: 'loaded', rowsRead: 6, rowsLoaded: 5, rowsQuarantined: 1 });
      expect(await warehouse.all(`select line_number, reason from quarantine`)).toEqual([
        { line_number: 7, reason: "channel 'Fax' is not one of chat, hotline, app, email, social, other" },
      ]);
      const rows = await warehouse.all(`
        select complaint_id, order_id, channel, opened_at, first_response_at, resolved_at, status, severity, cause_code, text, reopened_count, csat, updated_at
        from raw_complaints order by complaint_id`);
      // M/D/YYYY H:mm is local time (Asia/Shanghai, UTC+8); first response = Created at + minutes.
      expect(rows).toEqual([
        {
          complaint_id: '48211',
          order_id: '#1001',
          channel: 'email',
          opened_at: new Date('2026-11-17T02:05:00Z'),
          first_response_at: new Date('2026-11-17T03:40:00Z'),
          resolved_at: new Date('2026-11-18T08:40:00Z'),
          status: 'resolved',
          severity: 'important',
          cause_code: 'transit_damage',
          text: 'Teapot arrived broken\nThe spout was snapped off, box was crushed on one corner.',
          reopened_count: 0,
          csat: 5,
          updated_at: new Date('2026-11-18T08:40:00Z'),
        },
        {
          complaint_id: '48212',
          order_id: '#1002',
          channel: 'chat',
          opened_at: new Date('2026-11-18T01:12:00Z'),
          first_response_at: new Date('2026-11-18T01:40:00Z'),
          resolved_at: null,
          status: 'in_progress',
          severity: null,
          cause_code: 'delivery_delay',
          text: 'Where is my order?\nTracking has not moved for four days.',
          reopened_count: 0,
          csat: null,
          updated_at: new Date('2026-11-18T01:40:00Z'),
        },
        {
          complaint_id: '48213',
          order_id: '#1003',
          channel: 'other',
          opened_at: new Date('2026-11-19T13:30:00Z'),
          first_response_at: null,
          resolved_at: null,
          status: 'in_progress',
          severity: null,
          cause_code: 'not_as_described',
          text: 'Tablecloth smaller than listed\nListing says 180 × 260 cm, it measures 150 × 210 cm.',
          reopened_count: 0,
          csat: null,
          updated_at: new Date('2026-11-20T02:02:00Z'),
        },
        {
          complaint_id: '48214',
          order_id: '#1004',
          channel: 'hotline',
          opened_at: new Date('2026-11-20T00:03:00Z'),
          first_response_at: new Date('2026-11-20T00:07:00Z'),
          resolved_at: null,
          status: 'in_progress',
          severity: 'major',
          cause_code: 'quality_defect',
          text: 'Burn mark on the tray\nMy child got a small burn from the metal edge of the tray!',
          reopened_count: 0,
          csat: null,
          updated_at: new Date('2026-11-20T00:20:00Z'),
        },
        {
          complaint_id: '48215',
          order_id: '#1005',
          channel: 'email',
          opened_at: new Date('2026-11-10T06:00:00Z'),
          first_response_at: new Date('2026-11-11T02:10:00Z'),
          resolved_at: new Date('2026-11-20T03:15:00Z'),
          status: 'resolved',
          severity: null,
          cause_code: 'refund_process',
          text: 'Refund still missing\nReturned the bowl two weeks ago, no refund yet.',
          reopened_count: 1,
          csat: 1,
          updated_at: new Date('2026-11-20T03:15:00Z'),
        },
      ]);
    });
  });

  it('applies coalesced and constant columns, per-part value maps and formats to JSON lines too', async () => {
    await withTempDir(async (dir) => {
      writeFiles(dir, {
        'shipments-export.jsonl': [
          JSON.stringify({
            tracking: 'T1',
            order: 'O1',
            shipped: '20.11.2026 08:00',
            promised: '22.11.2026 18:00',
            state: 'Zugestellt',
            delivered: '21.11.2026 12:30',
          }),
          JSON.stringify({ tracking: 'T2', order: 'O2', shipped: '20.11.2026 09:00', promised: '22.11.2026 18:00', state: 'unterwegs' }),
          JSON.stringify({ tracking: 'T3', order: 'O3', shipped: 'gestern', promised: '22.11.2026 18:00', state: 'unterwegs' }),
          'not json',
          JSON.stringify({ note: 'page total: 3 parcels' }),
        ].join('\n'),
      });
      const m = mapping({
        pattern: 'shipments-export*.jsonl',
        entity: 'shipments',
        columns: {
          shipment_id: 'tracking',
          order_id: 'order',
          carrier: { value: 'DHL' },
          shipped_at: 'shipped',
          promised_at: 'promised',
          delivered_at: 'delivered',
          status: 'state',
        },
        values: { status: { zugestellt: 'delivered', unterwegs: 'in_transit' } },
        timestampFormat: ['%d.%m.%Y %H:%M', '%Y-%m-%d'],
        skipRowsWhereEmpty: ['tracking'],
      });
      await withWarehouse(async (warehouse) => {
        const [report] = await ingest(warehouse, dir, [m]);
        // The last line has no tracking number: not a shipment, not read. The invalid line still is.
        expect(report).toMatchObject({ rowsRead: 4, rowsLoaded: 2, rowsQuarantined: 2 });
        expect(await warehouse.all(`select line_number, reason from quarantine order by line_number`)).toEqual([
          { line_number: 3, reason: "shipped_at 'gestern' is not an ISO 8601 timestamp (e.g. 2026-11-20T14:30:00+08:00)" },
          { line_number: 4, reason: 'line is not valid JSON' },
        ]);
        expect(await warehouse.all(`select shipment_id, carrier, status, shipped_at, delivered_at from raw_shipments order by 1`)).toEqual([
          {
            shipment_id: 'T1',
            carrier: 'DHL',
            status: 'delivered',
            shipped_at: new Date('2026-11-20T00:00:00Z'),
            delivered_at: new Date('2026-11-21T04:30:00Z'),
          },
          { shipment_id: 'T2', carrier: 'DHL', status: 'in_transit', shipped_at: new Date('2026-11-20T01:00:00Z'), delivered_at: null },
        ]);
      });
    });
  });

  it('maps each part of a multi-cause cell and reads same-named columns without mapping them', async () => {
    await withTempDir(async (dir) => {
      writeFiles(dir, {
        'helpdesk_dump.csv':
          'complaint_id,channel,opened_at,status,text,causes\nK1,chat,2026-11-20T10:00:00+08:00,open,late and broken,Late|Broken\nK2,app,2026-11-20T11:00:00+08:00,open,?,Broken|Alien\n',
      });
      const m = mapping({
        pattern: 'helpdesk_dump*',
        entity: 'complaints',
        columns: { cause_code: 'causes' },
        values: { cause_code: { late: 'delivery_delay', broken: 'transit_damage' } },
      });
      await withWarehouse(async (warehouse) => {
        await ingest(warehouse, dir, [m]);
        expect(await warehouse.all(`select complaint_id, cause_code from raw_complaints`)).toEqual([
          { complaint_id: 'K1', cause_code: 'delivery_delay|transit_damage' },
        ]);
        expect(await warehouse.all(`select reason from quarantine`)).toEqual([{ reason: expect.stringMatching(/^cause_code 'alien' is not one of/) }]);
      });
    });
  });

  it('quarantines a file whole when a column named by its mapping is missing', async () => {
    await withTempDir(async (dir) => {
      writeFiles(dir, { 'orders_export_2.csv': 'Name,Email,Created at\n#1,a@b,2026-11-16 09:12:37 +0800\n' });
      const { config } = await example('shopify-orders');
      await withWarehouse(async (warehouse) => {
        const [report] = await ingest(warehouse, dir, config.inboxMappings);
        expect(report).toMatchObject({
          status: 'unreadable',
          error: expect.stringMatching(
            /mapping 'shopify-orders': column\(s\) 'Total', 'Billing Name', 'Currency', 'Vendor' named by the mapping are missing \(found: Name, Email, Created at\)/,
          ),
        });
      });
    });
  });

  it('leaves contract-shaped files exactly as they load without mappings', async () => {
    await withTempDir(async (dir) => {
      writeFiles(dir, {
        'orders-1.csv':
          'order_id,customer_id,ordered_at,total_amount\nO1,C1,2026-11-02T10:00:00+08:00,10\nO2,,2026-11-02T10:00:00+08:00,x\nO1,C1,2026-11-02T10:00:00+08:00,10\n',
        'complaints-1.jsonl':
          '{"complaint_id":"K1","channel":"chat","opened_at":"2026-11-04T13:00:00+08:00","status":"open","text":"crushed"}\n{"complaint_id":"K2"}\n',
      });
      const { config } = await example('zendesk-tickets');
      const snapshot = async (mappings: readonly InboxMappingConfig[]) =>
        withWarehouse(async (warehouse) => {
          const reports = await ingest(warehouse, dir, mappings);
          const tables = ['raw_orders', 'raw_complaints', 'quarantine'];
          const snaps = await Promise.all(tables.map((t) => snapshotTable(warehouse, t, t === 'quarantine' ? ['quarantined_at'] : ['_version_at'])));
          return { reports, snaps };
        });
      const plain = await snapshot([]);
      expect(await snapshot([...config.inboxMappings, ...(await example('shopify-orders')).config.inboxMappings])).toEqual(plain);
      expect(plain.reports.map((r) => r.rowsLoaded)).toEqual([1, 1]);
    });
  });

  it('checks mappings against the contract before a run', () => {
    const bad = (m: Record<string, unknown>) => () => configuredSources(parseConfig({ inboxMappings: [{ name: 'm', pattern: '*.csv', ...m }] }));
    expect(bad({ entity: 'tickets' })).toThrow(/inboxMappings\[0\] \(m\)\.entity: unknown entity 'tickets'/);
    expect(bad({ entity: 'orders', columns: { order_no: 'Name' } })).toThrow(/'order_no' is not a column of orders/);
    expect(bad({ entity: 'orders', timestampFormats: { total_amount: '%Y' } })).toThrow(/'total_amount' is not a timestamp column/);
    expect(bad({ entity: 'orders', columns: { total_amount: { from: 'x', addMinutesFrom: 'y' } } })).toThrow(
      /addMinutesFrom only applies to timestamp columns/,
    );
    expect(globToRegExp('orders_export*.csv').test('Orders_Export_12.CSV')).toBe(true);
    expect(globToRegExp('orders_export?.csv').test('orders_export12.csv')).toBe(false);
    expect(resolveInboxMappings([])).toEqual([]);
  });

  it('documents every example config in examples/README.md', () => {
    const readme = fs.readFileSync(path.join(REPO, 'examples', 'README.md'), 'utf8');
    for (const name of ['shopify-orders', 'zendesk-tickets', 'sources']) expect(readme).toContain(`examples/${name}/`);
  });
});
