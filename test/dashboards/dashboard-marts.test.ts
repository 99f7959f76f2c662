// Golden world for the dashboard marts (mart_orders_weekly, mart_carrier_lane_weekly,
// mart_carrier_category_weekly, mart_carrier_delay_weekly), read through the dashboards' own queries.
// as_of = Monday 2026-03-30 00:00 +08:00; weeks are local (Asia/Shanghai) ISO weeks named by their Monday.
//
// Orders placed (mart_orders_weekly):
//   O1 03-10, O2 03-11 → week 03-09: 2
//   O6 2026-03-15T16:30Z = Monday 03-16 00:30 local → week 03-16 (a UTC week would say 03-09); O3 03-17 → 03-16: 2
//   O4 2026-03-29T16:00Z = exactly as_of → counted, week 03-30: 1
//   O5 after as_of, and O7/O8 (known only from items and shipments, no ordered_at): not counted
// Products: A toys, B toys, C home; item sku Z has no product row.
// Categories of the orders: O1 {A, B} toys; O2 {A, C} mixed; O8 {A, Z} mixed (Z counts as '?');
//   O3 {Z} '?'; O7 no items → '?'.
// Shipments delivered up to as_of (promised → delivered, hours late, delay bin of edges 0 6 12 24 48 72 120):
//   S1 O1 SF GD→BJ  on time, damaged (K1 transit_damage)      week 03-09
//   S2 O2 SF GD→BJ  10 h late → bin 1; K2 is delivery_delay only: not damaged
//   S8 O8 SF GD→BJ  5 h late → bin 0
//   S3 O3 SF GD→?   exactly 48 h late → bin 4 (edges are lower-inclusive)   week 03-16
//   S7 O7 ZTO ?→SH  200 h late → bin 6 (open-ended), damaged (K7)   week 03-23
//   S9 delivered after as_of and S10 in transit: in no mart.
// Lanes:      SF 03-09 GD→BJ 3 delivered / 1 damaged; SF 03-16 GD→? 1/0; ZTO 03-23 ?→SH 1/1
// Categories: SF 03-09 mixed 2/0, toys 1/1; SF 03-16 ? 1/0; ZTO 03-23 ? 1/1
// Delays:     SF 03-09 bin 0: 1, bin 1: 1; SF 03-16 bin 4: 1; ZTO 03-23 bin 6: 1
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryCarrierCategoryBreakage, queryDelayDistribution, queryLaneBreakage } from '../../dashboards/logistics/logistics-queries.ts';
import { queryOrdersPerWeek } from '../../dashboards/quality/quality-queries.ts';
import { Warehouse } from '../../pipelines/core/warehouse.ts';
import { runGoldenWorld, toCsv, type GoldenWorld } from '../models/golden-world.ts';

const orders = toCsv(
  ['order_id', 'customer_id', 'ordered_at', 'total_amount'],
  [
    ['O1', 'C1', '2026-03-10T10:00:00+08:00', '10.00'],
    ['O2', 'C2', '2026-03-11T10:00:00+08:00', '10.00'],
    ['O6', 'C6', '2026-03-15T16:30:00Z', '10.00'],
    ['O3', 'C3', '2026-03-17T10:00:00+08:00', '10.00'],
    ['O4', 'C4', '2026-03-29T16:00:00Z', '10.00'],
    ['O5', 'C5', '2026-03-30T01:00:00+08:00', '10.00'],
  ],
);

const products = toCsv(
  ['sku', 'title', 'category'],
  [
    ['A', 'Alpha', 'toys'],
    ['B', 'Beta', 'toys'],
    ['C', 'Gamma', 'home'],
  ],
);

const items = toCsv(
  ['order_id', 'line_no', 'sku', 'quantity', 'unit_price'],
  [
    ['O1', 1, 'A', 1, '5.00'],
    ['O1', 2, 'B', 1, '5.00'],
    ['O2', 1, 'A', 1, '5.00'],
    ['O2', 2, 'C', 1, '5.00'],
    ['O8', 1, 'A', 1, '5.00'],
    ['O8', 2, 'Z', 1, '5.00'],
    ['O3', 1, 'Z', 1, '5.00'],
  ],
);

const shipments = toCsv(
  ['shipment_id', 'order_id', 'carrier', 'shipped_at', 'promised_at', 'delivered_at', 'status', 'origin_region', 'dest_region'],
  [
    ['S1', 'O1', 'SF', '2026-03-10T12:00:00+08:00', '2026-03-12T10:00:00+08:00', '2026-03-11T10:00:00+08:00', 'delivered', 'GD', 'BJ'],
    ['S2', 'O2', 'SF', '2026-03-11T12:00:00+08:00', '2026-03-12T10:00:00+08:00', '2026-03-12T20:00:00+08:00', 'delivered', 'GD', 'BJ'],
    ['S8', 'O8', 'SF', '2026-03-10T12:00:00+08:00', '2026-03-11T10:00:00+08:00', '2026-03-11T15:00:00+08:00', 'delivered', 'GD', 'BJ'],
    ['S3', 'O3', 'SF', '2026-03-17T12:00:00+08:00', '2026-03-18T10:00:00+08:00', '2026-03-20T10:00:00+08:00', 'delivered', 'GD', null],
    ['S7', 'O7', 'ZTO', '2026-03-16T12:00:00+08:00', '2026-03-17T10:00:00+08:00', '2026-03-25T18:00:00+08:00', 'delivered', null, 'SH'],
    ['S9', 'O4', 'SF', '2026-03-29T18:00:00+08:00', '2026-03-31T10:00:00+08:00', '2026-03-30T09:00:00+08:00', 'delivered', 'GD', 'BJ'],
    ['S10', 'O6', 'SF', '2026-03-16T12:00:00+08:00', '2026-03-18T10:00:00+08:00', null, 'in_transit', 'GD', 'BJ'],
  ],
);

const complaints = toCsv(
  ['complaint_id', 'order_id', 'shipment_id', 'channel', 'opened_at', 'status', 'cause_code', 'text'],
  [
    ['K1', null, 'S1', 'chat', '2026-03-12T10:00:00+08:00', 'open', 'transit_damage', 'box crushed'],
    ['K2', null, 'S2', 'chat', '2026-03-13T10:00:00+08:00', 'open', 'delivery_delay', 'half a day late'],
    ['K7', null, 'S7', 'chat', '2026-03-26T10:00:00+08:00', 'open', 'transit_damage', 'dented'],
  ],
);

let world: GoldenWorld;
let warehouse: Warehouse;

beforeAll(async () => {
  world = await runGoldenWorld({
    'orders-1.csv': orders,
    'products-1.csv': products,
    'order_items-1.csv': items,
    'shipments-1.csv': shipments,
    'complaints-1.csv': complaints,
  });
  warehouse = await Warehouse.open(world.databaseFile, { timezone: 'Asia/Shanghai', readOnly: true, migrate: false });
});

afterAll(async () => {
  await warehouse?.close();
  world?.cleanup();
});

describe('dashboard marts golden world', () => {
  it('counts orders per local week up to as_of, only orders with an ordered_at', async () => {
    expect(await queryOrdersPerWeek(warehouse)).toEqual([
      { week: '2026-03-09', orders: 2 },
      { week: '2026-03-16', orders: 2 },
      { week: '2026-03-30', orders: 1 },
    ]);
  });

  it('splits deliveries and damage by lane, unknown regions as ?', async () => {
    expect(await queryLaneBreakage(warehouse)).toEqual([
      { carrier: 'SF', week: '2026-03-09', origin_region: 'GD', dest_region: 'BJ', delivered_shipments: 3, damaged_shipments: 1 },
      { carrier: 'SF', week: '2026-03-16', origin_region: 'GD', dest_region: '?', delivered_shipments: 1, damaged_shipments: 0 },
      { carrier: 'ZTO', week: '2026-03-23', origin_region: '?', dest_region: 'SH', delivered_shipments: 1, damaged_shipments: 1 },
    ]);
  });

  it("splits deliveries and damage by the order's category: one, mixed (an unknown product too) or ?", async () => {
    expect(await queryCarrierCategoryBreakage(warehouse)).toEqual([
      { carrier: 'SF', week: '2026-03-09', category: 'mixed', delivered_shipments: 2, damaged_shipments: 0 },
      { carrier: 'SF', week: '2026-03-09', category: 'toys', delivered_shipments: 1, damaged_shipments: 1 },
      { carrier: 'SF', week: '2026-03-16', category: '?', delivered_shipments: 1, damaged_shipments: 0 },
      { carrier: 'ZTO', week: '2026-03-23', category: '?', delivered_shipments: 1, damaged_shipments: 1 },
    ]);
  });

  it('bins late shipments by hours late, lower edges inclusive, the last bin open', async () => {
    expect(await queryDelayDistribution(warehouse)).toEqual([
      { carrier: 'SF', week: '2026-03-09', delay_bin: 0, late_shipments: 1 },
      { carrier: 'SF', week: '2026-03-09', delay_bin: 1, late_shipments: 1 },
      { carrier: 'SF', week: '2026-03-16', delay_bin: 4, late_shipments: 1 },
      { carrier: 'ZTO', week: '2026-03-23', delay_bin: 6, late_shipments: 1 },
    ]);
  });
});
