/**
 * fct_complaints, int_order_categories, int_listing_window_skus, the carrier marts and
 * int_action_exposure_days rebuilt for their changed keys only
 * (pipelines/run/incremental-plan.ts, sql/changes/) hold exactly the rows of a whole build over the
 * same records at the same as_of: on a hand-built world whose later files change each input a
 * complaint's row depends on, and on the demo world fed in parts while as_of moves on, where every
 * exported mart must come out byte for byte as from one whole run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig, type Config } from '../../pipelines/core/config.ts';
import { createSilentLogger } from '../../pipelines/core/logger.ts';
import { Warehouse } from '../../pipelines/core/warehouse.ts';
import { writeDemoWorld } from '../../pipelines/demo/demo-world.ts';
import { runPipeline, type RunSummary } from '../../pipelines/run/run-pipeline.ts';
import { withTempDir, writeFiles } from '../helpers/warehouse.ts';
import { toCsv } from './golden-world.ts';

const logger = createSilentLogger();

/** Copies `files` (name → content, or names under `from`) into the inbox and runs the pipeline. */
function runner(dir: string, config: Config = defaultConfig()) {
  const inbox = path.join(dir, 'inbox');
  fs.mkdirSync(inbox, { recursive: true });
  return async (files: Record<string, string>, asOf: string, options: { config?: Config; fullRebuild?: boolean } = {}): Promise<RunSummary> => {
    writeFiles(inbox, files);
    return runPipeline({
      inboxDir: inbox,
      databaseFile: path.join(dir, 'w.duckdb'),
      outDir: path.join(dir, 'out'),
      config: options.config ?? config,
      logger,
      asOf: new Date(asOf),
      fullRebuild: options.fullRebuild,
    });
  };
}

async function tableRows(dir: string, table: string, key: string): Promise<Record<string, unknown>[]> {
  const warehouse = await Warehouse.open(path.join(dir, 'w.duckdb'), { timezone: 'Asia/Shanghai', readOnly: true, migrate: false });
  try {
    return await warehouse.all(`select * from ${table} order by length(${key}), ${key}`);
  } finally {
    await warehouse.close();
  }
}

/** Every exported mart of two runs' outputs, byte for byte. */
function expectSameMarts(dir: string, expectedDir: string): void {
  const marts = (folder: string) =>
    fs
      .readdirSync(path.join(folder, 'out', 'marts'))
      .filter((f) => f.endsWith('.csv'))
      .sort();
  expect(marts(dir)).toEqual(marts(expectedDir));
  expect(marts(expectedDir).length).toBeGreaterThanOrEqual(10);
  for (const mart of marts(expectedDir))
    expect(fs.readFileSync(path.join(dir, 'out', 'marts', mart), 'utf8'), mart).toBe(fs.readFileSync(path.join(expectedDir, 'out', 'marts', mart), 'utf8'));
}

const factRows = (dir: string) => tableRows(dir, 'fct_complaints', 'complaint_id');
const windowSkus = (dir: string) => tableRows(dir, 'int_listing_window_skus', 'order_id');
const orderCategories = async (dir: string) =>
  (await tableRows(dir, 'int_order_categories', 'order_id')).map((r) => ({ ...r, ordered_at: (r.ordered_at as Date | null)?.toISOString() ?? null }));

const at = (local: string) => `2026-${local}+08:00`;
const DAY_MS = 86_400_000;

/** Shipments delivered at a local time ('MM-DDTHH:MM:SS'), shipped a day before and promised a day after. */
function deliveredShipments(rows: readonly (readonly [id: string, order: string, carrier: string, deliveredAt: string, updatedAt?: string])[]): string {
  const dayFrom = (local: string, days: number) => new Date(new Date(at(local)).getTime() + days * DAY_MS).toISOString();
  return toCsv(
    ['shipment_id', 'order_id', 'carrier', 'shipped_at', 'promised_at', 'delivered_at', 'status', 'updated_at'],
    rows.map(([id, order, carrier, delivered, updated]) => [
      id,
      order,
      carrier,
      dayFrom(delivered, -1),
      dayFrom(delivered, 1),
      at(delivered),
      'delivered',
      at(updated ?? delivered),
    ]),
  );
}
const COMPLAINT_HEADER = [
  'complaint_id',
  'order_id',
  'sku',
  'channel',
  'opened_at',
  'first_response_at',
  'status',
  'severity',
  'cause_code',
  'text',
  'updated_at',
];

// Run 1, as_of Mon 03-30 00:00. Orders A1 (items PA; shipments SA1 by SF and SA2 by YTO), A2 (item PB;
// shipment SB1 by ZTO), A3 (no items yet), A5 (item PD; no complaint). Products PA home, PB toys,
// PC garden, PD tools, PE garden.
//   K1 on A1: two shipments → none; SKU PA, home          K2 on A2: SB1, ZTO; PB, toys
//   K3 on A3: no SKU yet                                   K4 names PE: garden
//   K5 unanswered (general, business clock)                K6 opened 04-01: not there yet
//   K7 answered 03-31 09:30: after run 1's as_of, so no response yet in run 1
//   K8 names PB (PC in run 2's version)                    K9 answered, resolved in run 2's version
//   K10 opened 04-01, its response stamped 03-29 by a skewed clock (counts as 0 minutes): not there yet;
//     run 2's version names order A9
//   K11 names shipment SC1 only, not loaded yet: no order, no carrier
//   K12 transit damage on shipment SE1 (order A6, delivered in the week of 02-09), opened 03-18
//   K13 transit damage on shipment SW1 (week of 01-12), unanswered: rebuilt by run 2 for its wait only
// Shipments for the carrier marts, each in a week of its own (Mondays): SR1 02-23, SE1 02-09 and SE2
// 02-16 (both order A6), SF1 01-26 (order A5), SD1 delivered 03-31 10:00 (after as_of: not yet).
// Each change of run 2 reaches one complaint by one path only, so a path left out of the plan shows.
const firstFiles = {
  'orders-1.csv': toCsv(
    ['order_id', 'customer_id', 'ordered_at', 'total_amount'],
    [
      ...['A1', 'A2', 'A3'].map((id) => [id, 'C', at('03-15T10:00:00'), '10']),
      // in the 28-day listing window of run 1 (03-02, 03-30], not of run 2 (03-05, 04-02]
      ['A11', 'C', at('03-03T10:00:00'), '10'],
      // placed after run 1's as_of: in run 2's window only
      ['A12', 'C', at('03-31T10:00:00'), '10'],
    ],
  ),
  'order_items-1.csv': toCsv(
    ['order_id', 'line_no', 'sku', 'quantity', 'unit_price'],
    [
      ['A1', '1', 'PA', '1', '10'],
      ['A2', '1', 'PB', '1', '10'],
      ['A5', '1', 'PD', '1', '10'],
      ['A11', '1', 'PA', '1', '10'],
      ['A12', '1', 'PB', '1', '10'],
    ],
  ),
  'products-1.csv': toCsv(
    ['sku', 'title', 'category', 'updated_at'],
    [
      ['PA', 'Vase', 'home', at('03-01T00:00:00')],
      ['PB', 'Kite', 'toys', at('03-01T00:00:00')],
      ['PC', 'Rake', 'garden', at('03-01T00:00:00')],
      ['PD', 'Saw', 'tools', at('03-01T00:00:00')],
      ['PE', 'Hose', 'garden', at('03-01T00:00:00')],
    ],
  ),
  'shipments-1.csv': deliveredShipments([
    ['SA1', 'A1', 'SF', '03-17T10:00:00'],
    ['SA2', 'A1', 'YTO', '03-17T10:00:00'],
    ['SB1', 'A2', 'ZTO', '03-17T10:00:00'],
    ['SR1', 'A8', 'SF', '02-24T10:00:00'],
    ['SD1', 'A7', 'SF', '03-31T10:00:00', '03-29T10:00:00'],
    ['SE1', 'A6', 'SF', '02-10T10:00:00'],
    ['SE2', 'A6', 'SF', '02-17T10:00:00'],
    ['SF1', 'A5', 'SF', '01-27T10:00:00'],
    ['SW1', 'A10', 'SF', '01-13T10:00:00'],
  ]),
  'complaints-1.csv': toCsv(COMPLAINT_HEADER, [
    ['K1', 'A1', null, 'app', at('03-25T10:00:00'), at('03-25T11:00:00'), 'open', 'general', 'transit_damage', 'cracked', at('03-25T11:00:00')],
    ['K2', 'A2', null, 'app', at('03-25T10:00:00'), at('03-25T11:00:00'), 'open', 'general', 'transit_damage', 'cracked', at('03-25T11:00:00')],
    ['K3', 'A3', null, 'app', at('03-25T10:00:00'), at('03-25T11:00:00'), 'open', 'general', 'other', 'question', at('03-25T11:00:00')],
    ['K4', null, 'PE', 'app', at('03-25T10:00:00'), at('03-25T11:00:00'), 'open', 'general', 'other', 'question', at('03-25T11:00:00')],
    // untagged, its text matches no rule ('other'); its next version says more
    ['K5', null, null, 'app', at('03-27T10:00:00'), null, 'open', 'general', null, 'question', at('03-27T10:00:00')],
    ['K6', null, null, 'app', at('04-01T10:00:00'), null, 'open', 'general', 'other', 'question', at('04-01T10:00:00')],
    ['K7', null, null, 'app', at('03-27T10:00:00'), at('03-31T09:30:00'), 'open', 'general', 'other', 'question', at('03-31T09:30:00')],
    ['K8', null, 'PB', 'app', at('03-25T10:00:00'), at('03-25T11:00:00'), 'open', 'general', 'other', 'question', at('03-25T11:00:00')],
    ['K9', null, null, 'app', at('03-25T10:00:00'), at('03-25T11:00:00'), 'open', 'general', 'other', 'question', at('03-25T11:00:00')],
    ['K10', null, null, 'app', at('04-01T10:00:00'), at('03-29T10:00:00'), 'open', 'general', 'other', 'question', at('04-01T10:00:00')],
  ]),
  'complaints-1b.csv': toCsv(
    ['complaint_id', 'shipment_id', 'channel', 'opened_at', 'first_response_at', 'status', 'severity', 'cause_code', 'text'],
    [
      ['K11', 'SC1', 'app', at('03-25T10:00:00'), at('03-25T11:00:00'), 'open', 'general', 'other', 'question'],
      // opened a week earlier than its next version says
      ['K12', 'SE1', 'app', at('03-18T10:00:00'), at('03-18T11:00:00'), 'open', 'general', 'transit_damage', 'cracked'],
      ['K13', 'SW1', 'app', at('03-27T10:00:00'), null, 'open', 'general', 'transit_damage', 'cracked'],
    ],
  ),
};

// Run 2, as_of Thu 04-02 00:00: SA2 was A2's parcel all along (so A1 has one shipment, SA1, and A2 two),
// SC1 arrives (order A4, JD), SN1 arrives (week of 03-02), SR1 was delivered in the week of 03-09 after
// all, K12's parcel was SE2,
// PE moves to category outdoor and PD to hardware, A3's item PC arrives, K5 is answered Mon 03-30 10:00. Business hours
// Mon–Fri 09:00–18:00, general target 480 minutes: K5 waited Fri 10:00–18:00 (480) and Mon 09:00–10:00
// (60), 540 minutes, breached.
const secondFiles = {
  'shipments-2.csv': deliveredShipments([
    ['SA2', 'A2', 'YTO', '03-17T10:00:00', '03-31T10:00:00'],
    ['SC1', 'A4', 'JD', '03-17T10:00:00', '03-31T10:00:00'],
    ['SN1', 'A9', 'SF', '03-03T10:00:00', '03-31T10:00:00'],
    ['SR1', 'A8', 'SF', '03-10T10:00:00', '03-31T10:00:00'],
  ]),
  'complaints-2b.csv': toCsv(
    ['complaint_id', 'shipment_id', 'channel', 'opened_at', 'first_response_at', 'status', 'severity', 'cause_code', 'text'],
    [['K12', 'SE2', 'app', at('03-25T10:00:00'), at('03-25T11:00:00'), 'open', 'general', 'transit_damage', 'cracked']],
  ),
  'products-2.csv': toCsv(
    ['sku', 'title', 'category', 'updated_at'],
    [
      ['PE', 'Hose', 'outdoor', at('03-31T10:00:00')],
      ['PD', 'Saw', 'hardware', at('03-31T10:00:00')],
    ],
  ),
  'order_items-2.csv': toCsv(['order_id', 'line_no', 'sku', 'quantity', 'unit_price'], [['A3', '1', 'PC', '1', '10']]),
  // A2 was placed a day later than its first record said (its category and complaint unchanged)
  'orders-2.csv': toCsv(['order_id', 'customer_id', 'ordered_at', 'total_amount'], [['A2', 'C', at('03-16T10:00:00'), '10']]),
  'complaints-2.csv': toCsv(COMPLAINT_HEADER, [
    ['K5', null, null, 'app', at('03-27T10:00:00'), at('03-30T10:00:00'), 'open', 'general', null, '收到时箱子压坏了', at('03-30T10:00:00')],
    // the agent corrected the SKU it is about (PB → PC), and the order K10 is about (none → A9)
    ['K8', null, 'PC', 'app', at('03-25T10:00:00'), at('03-25T11:00:00'), 'open', 'general', 'other', 'question', at('03-31T11:00:00')],
    ['K10', 'A9', null, 'app', at('04-01T10:00:00'), at('03-29T10:00:00'), 'open', 'general', 'other', 'question', at('04-01T11:00:00')],
  ]),
  // resolved Thu 03-26 10:00, a day after it opened (before run 1's as_of: only the new version says so)
  'complaints-3.csv': toCsv(
    [...COMPLAINT_HEADER, 'resolved_at'],
    [
      [
        'K9',
        null,
        null,
        'app',
        at('03-25T10:00:00'),
        at('03-25T11:00:00'),
        'resolved',
        'general',
        // the agent tagged it at last: its causes change with its record
        'refund_process',
        'question',
        at('03-26T10:00:00'),
        at('03-26T10:00:00'),
      ],
    ],
  ),
};

const SECOND_AS_OF = at('04-02T00:00:00');

describe('incremental build of fct_complaints', () => {
  it('rebuilds the complaints whose inputs changed, and ends where a whole build does', async () => {
    await withTempDir(async (dir) => {
      const run = runner(path.join(dir, 'incremental'));
      const first = await run(firstFiles, at('03-30T00:00:00'));
      expect(first.incrementalBuilds.fct_complaints).toEqual({ mode: 'full', reason: 'no earlier build', changedKeys: null });
      const second = await run(secondFiles, SECOND_AS_OF);
      // Rebuilt: K1 (its order lost SA2), K2 (its order gained SA2), K3 (its order's item), K4 (its
      // SKU's product), K5 (a new version: answered), K6 (opened since), K8 (a new version), K9 (a new
      // version), K10 (opened since, and a new version), K11 (its shipment), K12 (a new version);
      // re-clocked in place: K7 (its response of 03-31, in its record all along, is now before as_of),
      // K13 (still unanswered).
      expect(second.incrementalBuilds.fct_complaints).toMatchObject({ mode: 'incremental', changedKeys: 11, reclockedKeys: 2 });
      // Of the records loaded since (K5, K8, K9, K10, K12), K9's tags and K5's text changed: their causes
      // alone are matched again (K8, K10 and K12 name another SKU, order or parcel with the same tags
      // and text). K8, K10 and K12 name another SKU, order or shipment: they and the complaints whose
      // order, shipment or product changed (K1, K2, K3, K4, K11) are attributed again.
      expect(second.incrementalBuilds.int_complaint_cause_sets).toMatchObject({ mode: 'incremental', changedKeys: 2 });
      expect(second.incrementalBuilds.int_complaint_attribution).toMatchObject({ mode: 'incremental', changedKeys: 8 });
      // Delivery dates, each by one path: 03-17 (SA2, SC1 loaded), 03-03 (SN1 loaded), 03-10 and 02-24
      // (SR1's new and old version), 03-31 (SD1 delivered since), 02-17 and 02-10 (K12 now and before),
      // 01-27 (SF1: its order's category); not 01-13: K13 on SW1 was re-clocked for its wait, its
      // attribution and causes the same
      expect(second.incrementalBuilds.int_carrier_lane_days).toMatchObject({ mode: 'incremental', changedKeys: 8 });
      expect(second.incrementalBuilds.int_carrier_category_days).toMatchObject({ mode: 'incremental', changedKeys: 8 });
      // A2: a new version of its record; A3: its item arrived; A5: its item's product PD changed
      expect(second.incrementalBuilds.int_order_categories).toMatchObject({ mode: 'incremental', changedKeys: 3 });
      // Weeks of opened_at (SLA weekly): 03-16 (K12's old version alone), 03-23 (K1–K5, K9, K11, K12
      // rebuilt; K7, K13 re-clocked), 03-30 (K6, K10: opened since)
      expect(second.incrementalBuilds.mart_sla_weekly).toMatchObject({ mode: 'incremental', changedKeys: 3 });
      expect(await orderCategories(path.join(dir, 'incremental'))).toEqual([
        { order_id: 'A1', category: 'home', ordered_at: '2026-03-15T02:00:00.000Z' },
        { order_id: 'A2', category: 'toys', ordered_at: '2026-03-16T02:00:00.000Z' },
        { order_id: 'A3', category: 'garden', ordered_at: '2026-03-15T02:00:00.000Z' },
        // no order record: no instant
        { order_id: 'A5', category: 'hardware', ordered_at: null },
        { order_id: 'A11', category: 'home', ordered_at: '2026-03-03T02:00:00.000Z' },
        { order_id: 'A12', category: 'toys', ordered_at: '2026-03-31T02:00:00.000Z' },
      ]);
      // The listing window's orders: A2 (a new version of its record), A3 (its item), A11 (left the
      // window), A12 (entered it)
      expect(second.incrementalBuilds.int_listing_window_skus).toMatchObject({ mode: 'incremental', changedKeys: 4 });
      expect((await windowSkus(path.join(dir, 'incremental'))).map((r) => [r.order_id, r.sku])).toEqual([
        ['A1', 'PA'],
        ['A2', 'PB'],
        ['A3', 'PC'],
        ['A12', 'PB'],
      ]);
      const rows = await factRows(path.join(dir, 'incremental'));
      expect(rows.map((r) => [r.complaint_id, r.shipment_id, r.carrier, r.sku, r.category])).toEqual([
        ['K1', 'SA1', 'SF', 'PA', 'home'],
        ['K2', null, null, 'PB', 'toys'],
        ['K3', null, null, 'PC', 'garden'],
        ['K4', null, null, 'PE', 'outdoor'],
        ['K5', null, null, null, null],
        ['K6', null, null, null, null],
        ['K7', null, null, null, null],
        ['K8', null, null, 'PC', 'garden'],
        ['K9', null, null, null, null],
        // A9's only shipment
        ['K10', 'SN1', 'SF', null, null],
        ['K11', 'SC1', 'JD', null, null],
        ['K12', 'SE2', 'SF', null, null],
        ['K13', 'SW1', 'SF', null, null],
      ]);
      expect(rows.map((r) => [r.complaint_id, r.first_response_minutes, r.elapsed_minutes_at_as_of, r.sla_breached])).toEqual([
        ['K1', 60, null, false],
        ['K2', 60, null, false],
        ['K3', 60, null, false],
        ['K4', 60, null, false],
        ['K5', 540, null, true],
        // opened Wed 04-01 10:00, unanswered at Thu 00:00: 8 business hours waited
        ['K6', null, 480, false],
        // Fri 10:00–18:00 and Mon 09:00–18:00 and Tue 09:00–09:30: 480 + 540 + 30
        ['K7', 1050, null, true],
        ['K8', 60, null, false],
        ['K9', 60, null, false],
        ['K10', 0, null, false],
        ['K11', 60, null, false],
        ['K12', 60, null, false],
        // opened Fri 03-27 10:00, unanswered at Thu 00:00: 480 + 540 × 3 (Mon–Wed)
        ['K13', null, 2100, true],
      ]);
      expect(rows.find((r) => r.complaint_id === 'K11')).toMatchObject({ order_id: 'A4' });
      expect(rows.find((r) => r.complaint_id === 'K9')).toMatchObject({
        status: 'resolved',
        resolution_hours: 24,
        causes: 'refund_process',
        cause_method: 'tagged',
      });
      // its new text, untagged: found by the rules
      expect(rows.find((r) => r.complaint_id === 'K5')).toMatchObject({ causes: 'transit_damage', cause_method: 'rule' });

      // The same records in one whole build at the same as_of.
      const whole = runner(path.join(dir, 'whole'));
      await whole({ ...firstFiles, ...secondFiles }, SECOND_AS_OF);
      expect(rows).toEqual(await factRows(path.join(dir, 'whole')));
      expect(await orderCategories(path.join(dir, 'incremental'))).toEqual(await orderCategories(path.join(dir, 'whole')));
      expect(await windowSkus(path.join(dir, 'incremental'))).toEqual(await windowSkus(path.join(dir, 'whole')));
      expectSameMarts(path.join(dir, 'incremental'), path.join(dir, 'whole'));

      // Nothing new, same as_of: only the complaints still waiting for an answer (K6, K13) are
      // re-clocked, none rebuilt, and no delivery week; their opened weeks (03-30, 03-23) are
      const third = await run({}, SECOND_AS_OF);
      expect(third.incrementalBuilds.fct_complaints).toMatchObject({ mode: 'incremental', changedKeys: 0, reclockedKeys: 2 });
      expect(third.incrementalBuilds.int_carrier_lane_days).toMatchObject({ mode: 'incremental', changedKeys: 0 });
      expect(third.incrementalBuilds.mart_sla_weekly).toMatchObject({ mode: 'incremental', changedKeys: 2 });
      expect(await factRows(path.join(dir, 'incremental'))).toEqual(rows);
    });
  });

  it('builds whole after a config change and for an earlier as_of', async () => {
    await withTempDir(async (dir) => {
      const run = runner(dir);
      await run(firstFiles, SECOND_AS_OF);
      const earlier = await run({}, at('03-30T00:00:00'));
      expect(earlier.incrementalBuilds.fct_complaints).toMatchObject({ mode: 'full' });
      expect(earlier.incrementalBuilds.fct_complaints!.reason).toMatch(/^as_of .* is before the last build's/);
      expect((await factRows(dir)).map((r) => r.complaint_id)).toEqual(['K1', 'K2', 'K3', 'K4', 'K5', 'K7', 'K8', 'K9', 'K11', 'K12', 'K13']);
      // A setting no model reads (the dashboards' control chart): every build stays incremental.
      const charts = { ...defaultConfig(), controlChart: { ...defaultConfig().controlChart, rampUpWeeks: 2 } };
      const unrelated = await run({}, at('03-30T00:00:00'), { config: charts });
      expect(Object.entries(unrelated.incrementalBuilds).filter(([, plan]) => plan.mode === 'full')).toEqual([]);
      // A holiday moves the business clocks: the complaint chain from the SLA clocks down is built
      // whole (and the carrier day tables, which read fct_complaints' damage attributions); the
      // attribution, the causes, the orders and the listing window go on incrementally.
      const config = { ...defaultConfig(), holidays: ['2026-03-27'] };
      const changed = await run({}, at('03-30T00:00:00'), { config });
      const reason = 'the config, the rules or the SQL it depends on changed since the last build';
      expect(changed.incrementalBuilds.fct_complaints).toEqual({ mode: 'full', reason, changedKeys: null });
      const modes = Object.fromEntries(Object.entries(changed.incrementalBuilds).map(([model, plan]) => [model, plan.mode]));
      expect(modes).toEqual({
        int_complaint_cause_sets: 'incremental',
        int_complaint_attribution: 'incremental',
        fct_complaints: 'full',
        int_order_categories: 'incremental',
        int_carrier_lane_days: 'full',
        int_carrier_category_days: 'full',
        int_listing_window_skus: 'incremental',
        mart_sla_weekly: 'full',
        int_action_exposure_days: 'incremental',
        mart_orders_weekly: 'incremental',
      });
      // and ends where one whole build with that config does
      const wholeDir = path.join(dir, 'whole');
      await runner(wholeDir, config)(firstFiles, at('03-30T00:00:00'));
      expect(await tableRows(dir, 'fct_complaints', 'complaint_id')).toEqual(await tableRows(wholeDir, 'fct_complaints', 'complaint_id'));
      expectSameMarts(dir, wholeDir);
      const asked = await run({}, at('03-30T00:00:00'), { config, fullRebuild: true });
      expect(asked.incrementalBuilds.fct_complaints).toEqual({ mode: 'full', reason: 'a full rebuild was asked for', changedKeys: null });
      // a kept table dropped by hand: that model alone is built whole (and the models reading its
      // replaced rows, none for this one), the others go on incrementally
      const warehouse = await Warehouse.open(path.join(dir, 'w.duckdb'), { timezone: 'Asia/Shanghai' });
      await warehouse.run('drop table mart_orders_weekly');
      await warehouse.close();
      const dropped = await run({}, at('03-30T00:00:00'), { config });
      expect(dropped.incrementalBuilds.mart_orders_weekly).toEqual({ mode: 'full', reason: 'mart_orders_weekly is missing', changedKeys: null });
      expect(dropped.incrementalBuilds.fct_complaints).toMatchObject({ mode: 'incremental' });
      expect((await tableRows(dir, 'mart_orders_weekly', 'cast(week as varchar)')).length).toBeGreaterThan(0);
      // Friday a holiday: K5 has waited no business minute yet
      expect((await factRows(dir)).find((r) => r.complaint_id === 'K5')).toMatchObject({ elapsed_minutes_at_as_of: 0 });
    });
  });

  it('the demo world fed in four runs while as_of moves on exports the marts of one whole run', async () => {
    await withTempDir(async (dir) => {
      const source = path.join(dir, 'world');
      const world = await writeDemoWorld({ dir: source, scale: 0.2 });
      const asOf = new Date(world.asOf).getTime();
      const day = 86_400_000;
      const files = fs.readdirSync(source).sort();
      const read = (names: readonly string[]) => Object.fromEntries(names.map((n) => [n, fs.readFileSync(path.join(source, n), 'utf8')]));
      const third = Math.ceil(files.length / 3);

      const run = runner(path.join(dir, 'parts'));
      const summaries = [
        await run(read(files.slice(0, third)), new Date(asOf - 21 * day).toISOString()),
        await run(read(files.slice(third, 2 * third)), new Date(asOf - 9 * day).toISOString()),
        await run(read(files.slice(2 * third)), new Date(asOf - day).toISOString()),
        await run({}, new Date(asOf).toISOString()),
      ];
      expect(summaries.map((s) => s.incrementalBuilds.fct_complaints!.mode)).toEqual(['full', 'incremental', 'incremental', 'incremental']);
      const complaints = (await factRows(path.join(dir, 'parts'))).length;
      for (const s of summaries.slice(1)) expect(s.incrementalBuilds.fct_complaints!.changedKeys).toBeLessThan(complaints);

      const whole = runner(path.join(dir, 'whole'));
      await whole(read(files), new Date(asOf).toISOString());
      expect(await factRows(path.join(dir, 'parts'))).toEqual(await factRows(path.join(dir, 'whole')));
      expect(await orderCategories(path.join(dir, 'parts'))).toEqual(await orderCategories(path.join(dir, 'whole')));
      expectSameMarts(path.join(dir, 'parts'), path.join(dir, 'whole'));
    });
  });
});

// The corrective actions' exposures per date. Run 1, as_of Mon 03-30 00:00; every action implemented
// Thu 03-05 00:00: before [01-08, 03-05), after [03-12, as_of). Orders O1 03-10 (PA), O2 03-15 (PA),
// O3 03-20 (no items yet), O4 03-22 (PE, garden), O5 04-01 (after as_of: not yet), O6 03-25 (no items),
// O7 03-18 (PA and PM, of merchant M1; the order names no merchant). Shipments by SF: S1 (O1) 03-11,
// S2 (O2) 02-24, S3 (O3) 03-31 (after as_of: not yet). Complaints of cause other: K2 on O6, K3 on O7
// naming PA.
const ACTION_HEADER = ['action_id', 'cause_code', 'scope_type', 'scope_value', 'title', 'owner', 'opened_at', 'implemented_at', 'status'];
const action = (id: string, cause: string, scope: string, value: string | null, implemented: string) => [
  id,
  cause,
  scope,
  value,
  id,
  'qa',
  at('03-01T00:00:00'),
  at(implemented),
  'implemented',
];
const actionFirstFiles = {
  'orders-1.csv': toCsv(
    ['order_id', 'customer_id', 'ordered_at', 'total_amount'],
    [
      ['O1', 'C', at('03-10T10:00:00'), '10'],
      ['O2', 'C', at('03-15T10:00:00'), '10'],
      ['O3', 'C', at('03-20T10:00:00'), '10'],
      ['O4', 'C', at('03-22T10:00:00'), '10'],
      ['O5', 'C', at('04-01T10:00:00'), '10'],
      ['O6', 'C', at('03-25T10:00:00'), '10'],
      ['O7', 'C', at('03-18T10:00:00'), '10'],
    ],
  ),
  'order_items-1.csv': toCsv(
    ['order_id', 'line_no', 'sku', 'quantity', 'unit_price'],
    [
      ['O1', '1', 'PA', '1', '10'],
      ['O2', '1', 'PA', '1', '10'],
      ['O4', '1', 'PE', '1', '10'],
      ['O5', '1', 'PA', '1', '10'],
      ['O7', '1', 'PA', '1', '10'],
      ['O7', '2', 'PM', '1', '10'],
    ],
  ),
  'products-1.csv': toCsv(
    ['sku', 'title', 'category', 'merchant_id', 'updated_at'],
    [
      ['PA', 'Vase', 'home', null, at('03-01T00:00:00')],
      ['PC', 'Rake', 'garden', null, at('03-01T00:00:00')],
      ['PE', 'Hose', 'garden', null, at('03-01T00:00:00')],
      ['PM', 'Mat', 'home', 'M1', at('03-01T00:00:00')],
    ],
  ),
  'shipments-1.csv': deliveredShipments([
    ['S1', 'O1', 'SF', '03-11T10:00:00'],
    ['S2', 'O2', 'SF', '02-24T10:00:00'],
    ['S3', 'O3', 'SF', '03-31T10:00:00', '03-29T10:00:00'],
  ]),
  'complaints-1.csv': toCsv(COMPLAINT_HEADER, [
    ['K1', 'O1', null, 'app', at('03-12T10:00:00'), at('03-12T11:00:00'), 'open', 'general', 'transit_damage', 'cracked', at('03-12T11:00:00')],
    ['K2', 'O6', null, 'app', at('03-27T10:00:00'), at('03-27T11:00:00'), 'open', 'general', 'other', 'question', at('03-27T11:00:00')],
    ['K3', 'O7', 'PA', 'app', at('03-27T10:00:00'), at('03-27T11:00:00'), 'open', 'general', 'other', 'question', at('03-27T11:00:00')],
  ]),
  'corrective_actions-1.csv': toCsv(ACTION_HEADER, [
    action('X1', 'transit_damage', 'carrier', 'SF', '03-05T00:00:00'),
    action('X2', 'other', 'global', null, '03-05T00:00:00'),
    action('X3', 'other', 'category', 'outdoor', '03-05T00:00:00'),
    action('X4', 'other', 'sku', 'PC', '03-05T00:00:00'),
    action('X5', 'other', 'merchant', 'M2', '03-05T00:00:00'),
  ]),
};
// Run 2, as_of Thu 04-02 00:00: O2 and O6 were placed a day later than their first records said, O3's
// item PC arrives, PE moves to category outdoor, PM to merchant M2, S2 was delivered 03-03 after all.
const actionSecondFiles = {
  'orders-2.csv': toCsv(
    ['order_id', 'customer_id', 'ordered_at', 'total_amount'],
    [
      ['O2', 'C', at('03-16T10:00:00'), '10'],
      ['O6', 'C', at('03-26T10:00:00'), '10'],
    ],
  ),
  'order_items-2.csv': toCsv(['order_id', 'line_no', 'sku', 'quantity', 'unit_price'], [['O3', '1', 'PC', '1', '10']]),
  'products-2.csv': toCsv(
    ['sku', 'title', 'category', 'merchant_id', 'updated_at'],
    [
      ['PE', 'Hose', 'outdoor', null, at('03-31T10:00:00')],
      ['PM', 'Mat', 'home', 'M2', at('03-31T10:00:00')],
    ],
  ),
  'shipments-2.csv': deliveredShipments([['S2', 'O2', 'SF', '03-03T10:00:00', '03-31T10:00:00']]),
};

const exposureDays = async (dir: string) =>
  (await tableRows(dir, 'int_action_exposure_days', "action_id || '/' || day")).map((r) => [
    r.action_id,
    (r.day as Date).toISOString().slice(0, 10),
    r.before_exposures,
    r.after_exposures,
  ]);

describe('incremental build of the corrective actions’ exposures per date', () => {
  it('recounts the dates whose exposures changed, and ends where a whole build does', async () => {
    await withTempDir(async (dir) => {
      const run = runner(path.join(dir, 'incremental'));
      const first = await run(actionFirstFiles, at('03-30T00:00:00'));
      expect(first.incrementalBuilds.int_action_exposure_days).toMatchObject({ mode: 'full' });
      const second = await run(actionSecondFiles, SECOND_AS_OF);
      // Each date by one path: 03-26 (O6's new record, no items) and 03-25 (the version it replaced);
      // 03-16 and 03-15 (O2's new record and the one it replaced; O2 has items, so also its
      // int_order_categories rows); 03-20 (O3's item: its int_order_categories row); 03-22 and 03-18
      // (O4's product PE, O7's PM: likewise); 03-03 and 02-24 (S2's new version and the one it replaced); 03-30,
      // 03-31, 04-01, 04-02 (as_of moved over them: S3 delivered 03-31, O5 placed 04-01 now count).
      expect(second.incrementalBuilds.int_action_exposure_days).toMatchObject({ mode: 'incremental', changedKeys: 13 });
      // Order weeks (Mondays), each by one path but 03-23: 03-16 (O2's new record), 03-09 (the one it
      // replaced), 03-23 (O6's, both), 03-30 (as_of moved over O5's 04-01)
      expect(second.incrementalBuilds.mart_orders_weekly).toMatchObject({ mode: 'incremental', changedKeys: 4 });
      // X1 (SF): S2 before, S3 after; S1 (03-11) falls between the periods. X2 (all orders): O1
      // (03-10) between the periods, the rest after. X3 (outdoor): O4. X4 (PC): O3. X5 (M2): O7.
      expect(await exposureDays(path.join(dir, 'incremental'))).toEqual([
        ['X1', '2026-03-03', 1, 0],
        ['X1', '2026-03-31', 0, 1],
        ['X2', '2026-03-16', 0, 1],
        ['X2', '2026-03-18', 0, 1],
        ['X2', '2026-03-20', 0, 1],
        ['X2', '2026-03-22', 0, 1],
        ['X2', '2026-03-26', 0, 1],
        ['X2', '2026-04-01', 0, 1],
        ['X3', '2026-03-22', 0, 1],
        ['X4', '2026-03-20', 0, 1],
        ['X5', '2026-03-18', 0, 1],
      ]);
      // Events (complaints of cause other): X2 on O6 and O7, X5 on O7 (K3 was rebuilt because a
      // product of its order moved to M2, though its own SKU PA did not change)
      expect((await tableRows(path.join(dir, 'incremental'), 'mart_action_effectiveness', 'action_id')).map((r) => [r.action_id, r.after_events])).toEqual([
        ['X1', 0],
        ['X2', 2],
        ['X3', 0],
        ['X4', 0],
        ['X5', 1],
      ]);
      const whole = runner(path.join(dir, 'whole'));
      await whole({ ...actionFirstFiles, ...actionSecondFiles }, SECOND_AS_OF);
      expect(await exposureDays(path.join(dir, 'incremental'))).toEqual(await exposureDays(path.join(dir, 'whole')));
      // the internal columns that describe each complaint's exposures too (O6 placed a day later)
      expect(await factRows(path.join(dir, 'incremental'))).toEqual(await factRows(path.join(dir, 'whole')));
      expectSameMarts(path.join(dir, 'incremental'), path.join(dir, 'whole'));

      // X4 implemented 01-01 instead: every date of its new periods, [2025-11-06, 01-01) and
      // [01-08, 03-05): 2025-11-06 through 03-05, 120 dates; the date it held (03-20: O3 is no longer in
      // its after period); 04-02 (as_of)
      const moved = { 'corrective_actions-2.csv': toCsv(ACTION_HEADER, [action('X4', 'other', 'sku', 'PC', '01-01T00:00:00')]) };
      const third = await run(moved, SECOND_AS_OF);
      expect(third.incrementalBuilds.int_action_exposure_days).toMatchObject({ mode: 'incremental', changedKeys: 122 });
      expect((await exposureDays(path.join(dir, 'incremental'))).filter((r) => r[0] === 'X4')).toEqual([]);
      await whole(moved, SECOND_AS_OF, { fullRebuild: true });
      expect(await exposureDays(path.join(dir, 'incremental'))).toEqual(await exposureDays(path.join(dir, 'whole')));
      expect(await factRows(path.join(dir, 'incremental'))).toEqual(await factRows(path.join(dir, 'whole')));
      expectSameMarts(path.join(dir, 'incremental'), path.join(dir, 'whole'));
    });
  });
});
