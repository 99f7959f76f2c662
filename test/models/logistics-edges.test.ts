// Edges of the logistics models (int_shipment_damage, mart_carrier_delay_weekly, mart_carrier_weekly)
// that the golden worlds (test/models/golden-mart-carrier-weekly.test.ts,
// test/dashboards/dashboard-marts.test.ts) leave open; each case was found by a mutation of the model
// that those worlds did not notice. as_of = Monday 2026-03-30 00:00 +08:00 (GOLDEN_AS_OF).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCsvRow, runGoldenWorld, toCsv, type GoldenWorld } from './golden-world.ts';

// mart_carrier_delay_weekly: bins of hours late with edges 0, 6, 12, 24, 48, 72, 120, each bin
// [edge i, edge i+1), the last open. Every shipment SF, promised Mon 03-16 00:00 local, delivered
// promised + the hours below (all inside week 03-16, the last on Sat 03-21 00:00):
//   D0 +0 h: exactly on the promise → on time, in no bin
//   D1 +5.5 h → bin 0;  D2 +6 h → bin 1 (6 is bin 1's lower edge);  D3 +12 h → bin 2
//   D4 +24 h → bin 3;   D5 +47 h → bin 3;   D6 +48 h → bin 4;   D7 +72 h → bin 5
//   D8 +119 h → bin 5;  D9 +120 h → bin 6
//   → bins {0: 1, 1: 1, 2: 1, 3: 2, 4: 1, 5: 2, 6: 1}
// Damage: K1 names D1 with cause lost_parcel, K2 names D2 with transit_damage → only D2 is damaged (a
// lost parcel is a carrier cause too, but not breakage). mart_carrier_weekly SF 03-16: delivered 10,
// damaged 1 → 100 per 1000; on time 1 (D0) → 0.1; avg delay over the 9 late ones
// (5.5 + 6 + 12 + 24 + 47 + 48 + 72 + 119 + 120) / 9 = 453.5 / 9 = 50.3888… hours.
const PROMISED = Date.parse('2026-03-16T00:00:00+08:00');
const lateHours: [string, number][] = [
  ['D0', 0],
  ['D1', 5.5],
  ['D2', 6],
  ['D3', 12],
  ['D4', 24],
  ['D5', 47],
  ['D6', 48],
  ['D7', 72],
  ['D8', 119],
  ['D9', 120],
];
// JD's one parcel E1, 30 h late in the same week: bin 3 alone, and no row for JD's empty bins.
const delayShipments = toCsv(
  ['shipment_id', 'order_id', 'carrier', 'shipped_at', 'promised_at', 'delivered_at', 'status'],
  [...lateHours, ['E1', 30] as [string, number]].map(([id, hours]) => [
    id,
    `O${id}`,
    id === 'E1' ? 'JD' : 'SF',
    '2026-03-14T10:00:00+08:00',
    '2026-03-16T00:00:00+08:00',
    new Date(PROMISED + hours * 3_600_000).toISOString(),
    'delivered',
  ]),
);

const damageComplaints = toCsv(
  ['complaint_id', 'shipment_id', 'channel', 'opened_at', 'status', 'cause_code', 'text'],
  [
    ['K1', 'D1', 'chat', '2026-03-20T10:00:00+08:00', 'open', 'lost_parcel', 'never came'],
    ['K2', 'D2', 'chat', '2026-03-20T10:00:00+08:00', 'open', 'transit_damage', 'crushed'],
  ],
);

describe('mart_carrier_delay_weekly at every bin edge, and what counts as damaged', () => {
  let world: GoldenWorld;
  beforeAll(async () => {
    world = await runGoldenWorld({ 'shipments-2026-03-30.csv': delayShipments, 'complaints-2026-03-30.csv': damageComplaints });
  });
  afterAll(() => world?.cleanup());

  it('puts a shipment exactly on an edge into the bin that edge opens', async () => {
    const rows = await world.query<{ week: string; delay_bin: number; late_shipments: number }>(
      `select strftime(week, '%Y-%m-%d') as week, delay_bin, cast(late_shipments as integer) as late_shipments
       from mart_carrier_delay_weekly where carrier = 'SF' order by delay_bin`,
    );
    expect(rows.map((r) => [r.week, r.delay_bin, r.late_shipments])).toEqual([
      ['2026-03-16', 0, 1],
      ['2026-03-16', 1, 1],
      ['2026-03-16', 2, 1],
      ['2026-03-16', 3, 2],
      ['2026-03-16', 4, 1],
      ['2026-03-16', 5, 2],
      ['2026-03-16', 6, 1],
    ]);
  });

  it('has a row only for the bins a carrier has late shipments in', async () => {
    const rows = await world.query<{ week: string; delay_bin: number; late_shipments: number }>(
      `select strftime(week, '%Y-%m-%d') as week, delay_bin, cast(late_shipments as integer) as late_shipments
       from mart_carrier_delay_weekly where carrier = 'JD'`,
    );
    expect(rows.map((r) => [r.week, r.delay_bin, r.late_shipments])).toEqual([['2026-03-16', 3, 1]]);
  });

  it("puts parcels whose order's items are unknown in category '?'", () => {
    // no order items were loaded for any of these orders
    expectCsvRow(world.csvBy('mart_carrier_category_weekly', 'carrier', 'week', 'category').get('SF|2026-03-16|?'), {
      delivered_shipments: 10,
      damaged_shipments: 1,
    });
    expect(world.csv('mart_carrier_category_weekly').map((r) => r.category)).toEqual(['?', '?']);
  });

  it('counts a shipment as damaged for transit_damage only, not for another carrier cause', () => {
    expectCsvRow(world.csvBy('mart_carrier_weekly', 'carrier', 'week').get('SF|2026-03-16'), {
      delivered_shipments: 10,
      damaged_shipments: 1,
      breakage_per_1000: 100,
      on_time_shipments: 1,
      on_time_rate: 0.1,
      avg_delay_hours: 453.5 / 9,
    });
  });
});
