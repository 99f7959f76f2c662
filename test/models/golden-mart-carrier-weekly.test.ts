// Golden world for mart_carrier_weekly (CONTRACT §5): a few carriers, a few weeks, every number worked
// out by hand below. as_of = Monday 2026-03-30 00:00 +08:00; weeks are local (Asia/Shanghai) ISO weeks
// named by their Monday: 03-09, 03-16, 03-23.
//
// Wilson 95 % interval for x damaged of n delivered, z = 1.959963984540054, z² = 3.841458820694126:
//   a = x + z²/2,  b = z·sqrt(x(n − x)/n + z²/4),  interval = (a ∓ b) / (n + z²)     (× 1000 per 1000)
//   (values below worked with 40-digit arithmetic; z²/2 = 1.920729410347063, z²/4 = 0.9603647051735315)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../pipelines/core/config.ts';
import { expectCsvRow, runGoldenWorld, toCsv, type GoldenWorld } from './golden-world.ts';

const SHIPMENT_HEADER = ['shipment_id', 'order_id', 'carrier', 'shipped_at', 'promised_at', 'delivered_at', 'status'];
const COMPLAINT_HEADER = ['complaint_id', 'order_id', 'shipment_id', 'channel', 'opened_at', 'status', 'cause_code', 'text'];

// SF, week 03-09 (five delivered; timestamps written naive = local, with +08:00 and with Z on purpose)
//   S01 promised 02:00Z = 10:00 local, delivered "2026-03-10 10:00" (naive, local) → the same instant: on time
//   S02 promised 09:00, delivered 12:00 → 3 h late
//   S03 promised 03-13 00:00, delivered 03-12 04:00Z = 12:00 local → on time
//   S04 promised Sat 03-14 23:30, delivered 2026-03-15T15:30Z = SUNDAY 23:30 local → still week 03-09; 24 h late
//   S05 promised = delivered = "2026-03-13 18:00" (naive) → on time (delivered_at <= promised_at)
//   on_time 3 of 5 = 0.6; avg_delay_hours over the late ones = (3 + 24) / 2 = 13.5
//   damaged: S01 (K01 names only order O01, whose one shipment is S01), S02 (K02 has two causes, one
//   transit_damage; K03 is a second damage complaint on S02: still one damaged shipment) → 2 of 5.
//   NOT damaged: S03 (K04 names order O03, which has two shipments S03 and S03B: unattributed), S04 (K05
//   is delivery_delay only), S05 (K06 is opened 2026-03-30 09:00, after as_of).
//   breakage 2/5 = 400 per 1000; Wilson(2, 5): a = 3.920729410347063, b = z·sqrt(6/5 + 0.96036…) =
//   2.880790178510946, n + z² = 8.841458820694126 → low 0.1176207742326479, high 0.7692757187239871
//   flagged: 117.62 > 5 → true
// SF, week 03-16: no row. S06 is delivered after as_of (03-30 10:00), S07 is 'returned' (delivered_at in
//   03-16 but not delivered), S08 is 'delivered' without delivered_at: none counts anywhere.
// SF, week 03-23
//   S09 delivered 2026-03-22T16:30Z = MONDAY 03-23 00:30 local → week 03-23 (a UTC week would say 03-16); on time
//   S10 delivered Sun 03-29 23:30, promised 17:30 → 6 h late
//   both damaged: K07 on S09; K08 on S10 opened 2026-03-29T16:00Z = exactly as_of ("up to as_of" includes it)
//   2 of 2: a = 3.920729410347063, b = z·sqrt(0 + z²/4) = z²/2 = 1.920729410347063, n + z² = 5.841458820694126
//   → low = 2 / 5.841458820694126 = 0.342380227506653, high = 1; on_time 1/2, avg delay 6; flagged true
// ZTO, week 03-16: 35 delivered Tue 03-17, 1 damaged (KZ1 on Z01), all on time
//   Wilson(1, 35): a = 2.920729410347063, b = z·sqrt(34/35 + 0.96036…) = 2.724133682872549,
//   n + z² = 38.84145882069413 → low = 0.196595727474514 / 38.84145882069413 = 5.061491855444 per 1000
//   > 5 → flagged (just over the target: the boundary case); high 145.3308723361368 per 1000
// ZTO, week 03-23: 36 delivered Wed 03-25, 1 damaged (KZ2 on Z36); Z37 1.5 h late, Z38 2.5 h late
//   Wilson(1, 36): b = z·sqrt(35/36 + 0.96036…) = 2.724693211905255, n + z² = 39.84145882069413
//   → low 4.920407139810457 per 1000 <= 5 → NOT flagged; high 141.6971865327386 per 1000
//   on_time 34/36 = 0.9444444444444444; avg_delay (1.5 + 2.5) / 2 = 2
// YTO, week 03-23: a carrier with one shipment (Y01), not damaged
//   Wilson(0, 1): low 0; high = 1 − 1 / (1 + z²) = z² / (1 + z²) = 3.841458820694126 / 4.841458820694126
//   = 0.7934506856227626 → 793.4506856227626 per 1000; breakage 0; on_time 1/1; avg_delay empty; not flagged
// YTO, week 03-30: Y02 delivered exactly at as_of (Mon 03-30 00:00), which has happened ("up to as_of"): one
//   delivered, on time (promised 03-31), the same Wilson(0, 1) as above
// Second world (breakage target 0 in the config, which allows it): "flagged: ci_low > target" stays strict.
//   JD 1 of 1 damaged: Wilson(1, 1) low = (1 + z²/2 − z·sqrt(0 + z²/4)) / (1 + z²) = 1 / 4.841458820694126
//   = 0.2065493143772374 → 206.5493143772374 per 1000 > 0 → flagged; SF 0 of 1: low 0, not > 0 → not flagged
function buildShipments(): string {
  const rows: (string | null)[][] = [
    ['S01', 'O01', 'SF', '2026-03-09 10:00', '2026-03-10T02:00:00Z', '2026-03-10 10:00', 'delivered'],
    ['S02', 'O02', 'SF', '2026-03-09T10:00:00+08:00', '2026-03-11T09:00:00+08:00', '2026-03-11T12:00:00+08:00', 'delivered'],
    ['S03', 'O03', 'SF', '2026-03-09T10:00:00+08:00', '2026-03-13T00:00:00+08:00', '2026-03-12T04:00:00Z', 'delivered'],
    ['S03B', 'O03', 'SF', '2026-03-12T10:00:00+08:00', '2026-03-14T00:00:00+08:00', null, 'in_transit'],
    ['S04', 'O04', 'SF', '2026-03-12T10:00:00+08:00', '2026-03-14T23:30:00+08:00', '2026-03-15T15:30:00Z', 'DELIVERED'],
    ['S05', 'O05', 'SF', '2026-03-12 10:00', '2026-03-13 18:00', '2026-03-13 18:00', ' delivered '],
    ['S06', 'O06', 'SF', '2026-03-27T10:00:00+08:00', '2026-03-31T00:00:00+08:00', '2026-03-30T10:00:00+08:00', 'delivered'],
    ['S07', 'O07', 'SF', '2026-03-16T10:00:00+08:00', '2026-03-18T00:00:00+08:00', '2026-03-17T10:00:00+08:00', 'returned'],
    ['S08', 'O08', 'SF', '2026-03-16T10:00:00+08:00', '2026-03-18T00:00:00+08:00', null, 'delivered'],
    ['S09', 'O09', 'SF', '2026-03-21T10:00:00+08:00', '2026-03-24T18:00:00+08:00', '2026-03-22T16:30:00Z', 'delivered'],
    ['S10', 'O10', 'SF', '2026-03-27T10:00:00+08:00', '2026-03-29T17:30:00+08:00', '2026-03-29T23:30:00+08:00', 'delivered'],
    ['Y01', 'OY1', 'YTO', '2026-03-24T10:00:00+08:00', '2026-03-27T00:00:00+08:00', '2026-03-26T10:00:00+08:00', 'delivered'],
    ['Y02', 'OY2', 'YTO', '2026-03-27T10:00:00+08:00', '2026-03-31T00:00:00+08:00', '2026-03-30T00:00:00+08:00', 'delivered'],
  ];
  for (let i = 1; i <= 35; i++) {
    const id = `Z${String(i).padStart(2, '0')}`;
    rows.push([id, `OZ${id}`, 'ZTO', '2026-03-16T10:00:00+08:00', '2026-03-18T00:00:00+08:00', '2026-03-17T10:00:00+08:00', 'delivered']);
  }
  for (let i = 36; i <= 71; i++) {
    const id = `Z${String(i).padStart(2, '0')}`;
    // Z37 promised 08:30 → 1.5 h late; Z38 promised 07:30 → 2.5 h late; the others promised the next day
    const promised = i === 37 ? '2026-03-25T08:30:00+08:00' : i === 38 ? '2026-03-25T07:30:00+08:00' : '2026-03-26T00:00:00+08:00';
    rows.push([id, `OZ${id}`, 'ZTO', '2026-03-23T10:00:00+08:00', promised, '2026-03-25T10:00:00+08:00', 'delivered']);
  }
  return toCsv(SHIPMENT_HEADER, rows);
}

const complaints = toCsv(COMPLAINT_HEADER, [
  ['K01', 'O01', null, 'chat', '2026-03-11T10:00:00+08:00', 'open', 'transit_damage', 'box crushed'],
  ['K02', 'O02', 'S02', 'app', '2026-03-11T13:00:00+08:00', 'open', 'transit_damage|delivery_delay', 'late and broken'],
  ['K03', null, 'S02', 'hotline', '2026-03-12T13:00:00+08:00', 'open', 'transit_damage', 'still broken'],
  ['K04', 'O03', null, 'chat', '2026-03-13T10:00:00+08:00', 'open', 'transit_damage', 'one of my two parcels was crushed'],
  ['K05', 'O04', 'S04', 'chat', '2026-03-16T10:00:00+08:00', 'open', 'delivery_delay', 'a day late'],
  ['K06', 'O05', 'S05', 'chat', '2026-03-30T09:00:00+08:00', 'open', 'transit_damage', 'opened after as_of'],
  ['K07', null, 'S09', 'chat', '2026-03-23T12:00:00+08:00', 'open', 'transit_damage', 'dented'],
  ['K08', null, 'S10', 'email', '2026-03-29T16:00:00Z', 'open', 'transit_damage', 'opened exactly at as_of'],
  ['K09', null, 'S07', 'chat', '2026-03-18T10:00:00+08:00', 'open', 'transit_damage', 'returned parcel, broken'],
  ['KZ1', null, 'Z01', 'chat', '2026-03-18T10:00:00+08:00', 'open', 'transit_damage', 'cracked'],
  ['KZ2', null, 'Z36', 'chat', '2026-03-26T10:00:00+08:00', 'open', 'transit_damage', 'cracked'],
]);

const orders = toCsv(
  ['order_id', 'customer_id', 'ordered_at', 'total_amount'],
  ['O01', 'O02', 'O03', 'O04', 'O05'].map((id) => [id, `C-${id}`, '2026-03-08T10:00:00+08:00', '10.00']),
);

let world: GoldenWorld;

beforeAll(async () => {
  world = await runGoldenWorld({ 'orders-2026-03-28.csv': orders, 'shipments-2026-03-30.csv': buildShipments(), 'complaints-2026-03-30.csv': complaints });
});

afterAll(() => world?.cleanup());

describe('mart_carrier_weekly golden world', () => {
  it('has one row per carrier and delivery week, and none for a week without deliveries', () => {
    const keys = world.csv('mart_carrier_weekly').map((r) => `${r.carrier} ${r.week}`);
    // SF has no row for 03-16 (only a returned, an undated and nothing else) nor for 03-30 (after as_of)
    expect(keys).toEqual(['SF 2026-03-09', 'SF 2026-03-23', 'YTO 2026-03-23', 'YTO 2026-03-30', 'ZTO 2026-03-16', 'ZTO 2026-03-23']);
  });

  const row = (carrier: string, week: string) => world.csvBy('mart_carrier_weekly', 'carrier', 'week').get(`${carrier}|${week}`);

  it('counts SF week 03-09: attribution by order, a second complaint, an unattributed order, complaints after as_of', () => {
    expectCsvRow(row('SF', '2026-03-09'), {
      delivered_shipments: 5,
      damaged_shipments: 2,
      breakage_per_1000: 400,
      breakage_ci_low_per_1000: 117.6207742326479,
      breakage_ci_high_per_1000: 769.2757187239871,
      on_time_shipments: 3,
      on_time_rate: 0.6,
      avg_delay_hours: 13.5,
      flagged: true,
    });
  });

  it('puts a Monday 00:30 local delivery written in UTC in the local week, and counts a complaint opened exactly at as_of', () => {
    expectCsvRow(row('SF', '2026-03-23'), {
      delivered_shipments: 2,
      damaged_shipments: 2,
      breakage_per_1000: 1000,
      breakage_ci_low_per_1000: 342.380227506653,
      breakage_ci_high_per_1000: 1000,
      on_time_shipments: 1,
      on_time_rate: 0.5,
      avg_delay_hours: 6,
      flagged: true,
    });
  });

  it('flags on the Wilson lower bound: 1 of 35 is over 5 per 1000, 1 of 36 is not', () => {
    expectCsvRow(row('ZTO', '2026-03-16'), {
      delivered_shipments: 35,
      damaged_shipments: 1,
      breakage_per_1000: 1000 / 35,
      breakage_ci_low_per_1000: 5.061491855444192,
      breakage_ci_high_per_1000: 145.3308723361368,
      on_time_shipments: 35,
      on_time_rate: 1,
      avg_delay_hours: null,
      flagged: true,
    });
    expectCsvRow(row('ZTO', '2026-03-23'), {
      delivered_shipments: 36,
      damaged_shipments: 1,
      breakage_per_1000: 1000 / 36,
      breakage_ci_low_per_1000: 4.920407139810457,
      breakage_ci_high_per_1000: 141.6971865327386,
      on_time_shipments: 34,
      on_time_rate: 34 / 36,
      avg_delay_hours: 2,
      flagged: false,
    });
  });

  it('handles a carrier with one shipment (Wilson(0, 1))', () => {
    expectCsvRow(row('YTO', '2026-03-23'), {
      delivered_shipments: 1,
      damaged_shipments: 0,
      breakage_per_1000: 0,
      breakage_ci_low_per_1000: 0,
      breakage_ci_high_per_1000: 793.4506856227626,
      on_time_shipments: 1,
      on_time_rate: 1,
      avg_delay_hours: null,
      flagged: false,
    });
  });

  it('counts a delivery at exactly as_of', () => {
    expectCsvRow(row('YTO', '2026-03-30'), { delivered_shipments: 1, damaged_shipments: 0, on_time_shipments: 1, breakage_ci_low_per_1000: 0, flagged: false });
  });

  it('holds the same numbers in the DuckDB table as in the CSV', async () => {
    const table = await world.query<Record<string, unknown>>(
      `select carrier, strftime(week, '%Y-%m-%d') as week, delivered_shipments, damaged_shipments, breakage_ci_low_per_1000, avg_delay_hours, flagged
       from mart_carrier_weekly order by carrier, week`,
    );
    const csv = world.csv('mart_carrier_weekly');
    expect(table.map((r) => `${String(r.carrier)} ${String(r.week)}`)).toEqual(csv.map((r) => `${r.carrier} ${r.week}`));
    table.forEach((r, i) => {
      const c = csv[i]!;
      expect(r.delivered_shipments).toBe(Number(c.delivered_shipments));
      expect(r.damaged_shipments).toBe(Number(c.damaged_shipments));
      expect(r.breakage_ci_low_per_1000).toBe(Number(c.breakage_ci_low_per_1000));
      expect(r.avg_delay_hours).toBe(c.avg_delay_hours === '' ? null : Number(c.avg_delay_hours));
      expect(r.flagged).toBe(c.flagged === 'true');
    });
  });
});

describe('mart_carrier_weekly with a breakage target of 0', () => {
  it('flags only a lower bound above the target, not one equal to it', async () => {
    const config = defaultConfig();
    const zeroTarget = await runGoldenWorld(
      {
        'shipments-2026-03-30.csv': toCsv(SHIPMENT_HEADER, [
          ['SF1', 'OA', 'SF', '2026-03-23T10:00:00+08:00', '2026-03-26T00:00:00+08:00', '2026-03-25T10:00:00+08:00', 'delivered'],
          ['JD1', 'OB', 'JD', '2026-03-23T10:00:00+08:00', '2026-03-26T00:00:00+08:00', '2026-03-25T10:00:00+08:00', 'delivered'],
        ]),
        'complaints-2026-03-30.csv': toCsv(COMPLAINT_HEADER, [['KJ1', null, 'JD1', 'chat', '2026-03-26T10:00:00+08:00', 'open', 'transit_damage', 'cracked']]),
      },
      { config: { ...config, carrier: { ...config.carrier, breakageTargetPer1000: 0 } } },
    );
    try {
      const rows = zeroTarget.csvBy('mart_carrier_weekly', 'carrier', 'week');
      expectCsvRow(rows.get('SF|2026-03-23'), { delivered_shipments: 1, damaged_shipments: 0, breakage_ci_low_per_1000: 0, flagged: false }, 'SF');
      expectCsvRow(
        rows.get('JD|2026-03-23'),
        { delivered_shipments: 1, damaged_shipments: 1, breakage_ci_low_per_1000: 206.5493143772374, flagged: true },
        'JD',
      );
    } finally {
      zeroTarget.cleanup();
    }
  });
});
