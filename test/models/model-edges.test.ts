// Edges of the SLA clock, the cause Pareto and the logistics marts that the golden worlds
// (test/models/golden-*.test.ts, test/dashboards/dashboard-marts.test.ts) leave open; each case was
// found by a mutation of the model that those worlds did not notice. as_of = Monday 2026-03-30 00:00
// +08:00 (GOLDEN_AS_OF); default config: Asia/Shanghai, business hours Mon–Fri 09:00–18:00, targets
// crisis 60 (calendar), major 120, important 240, general 480 (business minutes).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../pipelines/core/config.ts';
import { expectCsvRow, runGoldenWorld, toCsv, type GoldenWorld } from './golden-world.ts';

const COMPLAINT_HEADER = ['complaint_id', 'channel', 'opened_at', 'first_response_at', 'resolved_at', 'status', 'severity', 'cause_code', 'text'];

// Week 03-23, chat, general:
//   W1 opened Mon 03-23 10:00, answered 10:30 → 30 business min, within 480: answered, so NOT awaiting
//   W2 opened Fri 03-27 17:00, no answer: elapsed 60 (Fri 17–18; the weekend is closed) <= 480 → awaiting
//   W3 opened Thu 03-26 10:00, no answer: elapsed 480 (Thu 10–18) + 540 (Fri) = 1020 > 480 → breached,
//      so not awaiting either
//   → complaints 3, responded 1, breached 1, awaiting_within_target 1 (W2 only)
//   W4 opened Tue 03-24 10:00, answered 11:00 (60 min), resolved 2026-03-24T01:00Z = 09:00 local, an
//      hour BEFORE it was opened: resolution_hours is 0, not −1 (as a response before opening counts 0)
//   → with W4: complaints 4, responded 2 {30, 60}, median resolution over the resolved {0} = 0
// Week 03-30: W5 opened at exactly as_of (Mon 03-30 00:00): it has happened (only what is after as_of
//   has not), so it has a row of its own; no answer, elapsed 0 → not breached, awaiting; tagged packaging
//   → mart_cause_weekly 03-30 packaging 1, share 1, rank 1.
// prettier-ignore
const slaComplaints = toCsv(COMPLAINT_HEADER, [
  ['W1', 'chat', '2026-03-23T10:00:00+08:00', '2026-03-23T10:30:00+08:00', null, 'open', 'general', 'other', 'question'],
  ['W2', 'chat', '2026-03-27T17:00:00+08:00', null, null, 'open', 'general', 'other', 'question'],
  ['W3', 'chat', '2026-03-26T10:00:00+08:00', null, null, 'open', 'general', 'other', 'question'],
  ['W4', 'chat', '2026-03-24T10:00:00+08:00', '2026-03-24T11:00:00+08:00', '2026-03-24T01:00:00Z', 'resolved', 'general', 'other', 'question'],
  ['W5', 'app', '2026-03-30T00:00:00+08:00', null, null, 'open', 'general', 'packaging', 'box too thin'],
]);

describe('SLA and cause marts at their edges', () => {
  let world: GoldenWorld;
  beforeAll(async () => {
    world = await runGoldenWorld({ 'complaints-2026-03-30.csv': slaComplaints });
  });
  afterAll(() => world?.cleanup());
  const sla = (key: string) => world.csvBy('mart_sla_weekly', 'week', 'channel', 'severity').get(key);

  it('counts as awaiting only the unanswered complaints still inside their target, not answered ones', () => {
    // W2 only: W1 and W4 were answered in time, W3 is already breached
    expectCsvRow(sla('2026-03-23|chat|general'), { complaints: 4, responded: 2, breached: 1, breach_rate: 0.25, awaiting_within_target: 1 });
  });

  it('clamps a resolution stamped before opening to 0 hours', () => {
    expectCsvRow(world.csvBy('fct_complaints', 'complaint_id').get('W4'), { first_response_minutes: 60, resolution_hours: 0 }, 'W4');
    expectCsvRow(sla('2026-03-23|chat|general'), { median_resolution_hours: 0 });
  });

  it('keeps a complaint opened at exactly as_of, in the SLA and the cause marts', () => {
    expectCsvRow(
      world.csvBy('fct_complaints', 'complaint_id').get('W5'),
      { first_response_minutes: null, sla_breached: false, causes: 'packaging', cause_method: 'tagged' },
      'W5',
    );
    expectCsvRow(sla('2026-03-30|app|general'), { complaints: 1, responded: 0, breached: 0, awaiting_within_target: 1 });
    expectCsvRow(world.csvBy('mart_cause_weekly', 'week', 'cause_code').get('2026-03-30|packaging'), { complaints: 1, share: 1, rank: 1, cumulative_share: 1 });
  });
});

// as_of inside business hours: Monday 2026-03-30 10:00 +08:00. Unanswered general complaints (target 480):
//   M1 opened Fri 03-27 10:00 → elapsed 480 (Fri 10–18) + 60 (Mon 09–10, up to as_of) = 540 > 480 → breached
//   M2 opened Mon 03-30 09:30 → elapsed 30 → not breached, awaiting
const midDayComplaints = toCsv(COMPLAINT_HEADER, [
  ['M1', 'chat', '2026-03-27T10:00:00+08:00', null, null, 'open', 'general', 'other', 'question'],
  ['M2', 'chat', '2026-03-30T09:30:00+08:00', null, null, 'open', 'general', 'other', 'question'],
]);

describe('SLA clock with as_of inside business hours', () => {
  let world: GoldenWorld;
  beforeAll(async () => {
    world = await runGoldenWorld({ 'complaints-2026-03-30.csv': midDayComplaints }, { asOf: '2026-03-30T10:00:00+08:00' });
  });
  afterAll(() => world?.cleanup());

  it("counts the business minutes of as_of's own morning", async () => {
    expect(await world.query(`select complaint_id, elapsed_minutes_at_as_of, sla_breached from fct_complaints order by complaint_id`)).toEqual([
      { complaint_id: 'M1', elapsed_minutes_at_as_of: 540, sla_breached: true },
      { complaint_id: 'M2', elapsed_minutes_at_as_of: 30, sla_breached: false },
    ]);
    const sla = world.csvBy('mart_sla_weekly', 'week', 'channel', 'severity');
    expectCsvRow(sla.get('2026-03-23|chat|general'), { complaints: 1, breached: 1, awaiting_within_target: 0 });
    expectCsvRow(sla.get('2026-03-30|chat|general'), { complaints: 1, breached: 0, awaiting_within_target: 1 });
  });
});

// Office hours 00:00–24:00 every day (the config allows 24:00 as the end: the next midnight): the business
// clock then runs like the calendar. N1 general, opened Sat 03-28 22:00, answered Sun 03-29 01:30 →
// 120 (Sat 22:00–24:00) + 90 (Sun 00:00–01:30) = 210 business minutes, within 480; elapsed at as_of
// (Mon 00:00) Sat 22:00 → Mon 00:00 = 26 h = 1 560.
// N2 general, opened Fri 03-20 10:00, never answered → elapsed at as_of = 9 days 14 hours = 13 800 > 480.
describe('SLA clock with office hours to 24:00 on every day', () => {
  let world: GoldenWorld;
  beforeAll(async () => {
    const config = { ...defaultConfig(), businessHours: { weekdays: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' } };
    const complaints = toCsv(COMPLAINT_HEADER, [
      ['N1', 'chat', '2026-03-28T22:00:00+08:00', '2026-03-29T01:30:00+08:00', null, 'open', 'general', 'other', 'question'],
      ['N2', 'chat', '2026-03-20T10:00:00+08:00', null, null, 'open', 'general', 'other', 'question'],
    ]);
    world = await runGoldenWorld({ 'complaints-2026-03-30.csv': complaints }, { config });
  });
  afterAll(() => world?.cleanup());

  it('counts every minute, midnight to midnight, weekends included', async () => {
    expect(
      await world.query(
        `select complaint_id, sla_clock, first_response_minutes, elapsed_minutes_at_as_of, sla_breached from fct_complaints order by complaint_id`,
      ),
    ).toEqual([
      { complaint_id: 'N1', sla_clock: 'business', first_response_minutes: 210, elapsed_minutes_at_as_of: 26 * 60, sla_breached: false },
      { complaint_id: 'N2', sla_clock: 'business', first_response_minutes: null, elapsed_minutes_at_as_of: 13800, sla_breached: true },
    ]);
  });
});

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
const delayShipments = toCsv(
  ['shipment_id', 'order_id', 'carrier', 'shipped_at', 'promised_at', 'delivered_at', 'status'],
  lateHours.map(([id, hours]) => [
    id,
    `O${id}`,
    'SF',
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

// Attribution (CONTRACT §5) when a complaint names a shipment that is not loaded (yet). Order A1 has one
// shipment, SA1 by SF, and one SKU, PA.
//   H1 names A1 and shipment SAX (unknown): SAX wins, and its carrier is unknown (null): not SF, which
//      belongs to A1's other shipment SA1, the one the complaint did not name; SKU A1's only one, PA
//   H2 names only A1 → A1's only shipment SA1, carrier SF; A1's only SKU PA
//   H4 names only A2, which has two shipments (SB1 by SF, SB2 by YTO) and one SKU PA: no shipment, so
//      no carrier either (not the lesser of SF and YTO); SKU PA
// Calendar hours, exact to the microsecond: H3 crisis, opened Sat 03-28 10:00:01.100003, resolved
//   12:00:00.350007 → 7 199 250 004 µs = 7199250004 / 3600000000 hours, the double nearest that quotient
//   (1.9997916677777778; subtracting two epoch seconds near 1.77e9 as doubles gave 1.9997916677263048)
// Exported instants keep their fraction of a second with as many digits as it needs: H3 opened at
//   .100003 → '.100003', H5 opened at '10:00:00.500' → '.5' (not '.500000')
const attributionFiles = {
  'orders-2026-03-20.csv': toCsv(
    ['order_id', 'customer_id', 'ordered_at', 'total_amount'],
    [
      ['A1', 'C1', '2026-03-15T10:00:00+08:00', '10'],
      ['A2', 'C2', '2026-03-15T10:00:00+08:00', '10'],
    ],
  ),
  'order_items-2026-03-20.csv': toCsv(
    ['order_id', 'line_no', 'sku', 'quantity', 'unit_price'],
    [
      ['A1', '1', 'PA', '1', '10'],
      ['A2', '1', 'PA', '1', '10'],
    ],
  ),
  'products-2026-03-20.csv': toCsv(['sku', 'title', 'category'], [['PA', 'Vase', 'home']]),
  'shipments-2026-03-20.csv': toCsv(
    ['shipment_id', 'order_id', 'carrier', 'shipped_at', 'promised_at', 'delivered_at', 'status'],
    [
      ['SA1', 'A1', 'SF', '2026-03-16T10:00:00+08:00', '2026-03-18T10:00:00+08:00', '2026-03-17T10:00:00+08:00', 'delivered'],
      ['SB1', 'A2', 'SF', '2026-03-16T10:00:00+08:00', '2026-03-18T10:00:00+08:00', '2026-03-17T10:00:00+08:00', 'delivered'],
      ['SB2', 'A2', 'YTO', '2026-03-16T10:00:00+08:00', '2026-03-18T10:00:00+08:00', '2026-03-17T10:00:00+08:00', 'delivered'],
    ],
  ),
  'complaints-2026-03-28.csv': toCsv(
    ['complaint_id', 'order_id', 'shipment_id', 'channel', 'opened_at', 'resolved_at', 'status', 'severity', 'cause_code', 'text'],
    [
      ['H1', 'A1', 'SAX', 'app', '2026-03-25T10:00:00+08:00', null, 'open', 'general', 'transit_damage', 'named parcel'],
      ['H2', 'A1', null, 'app', '2026-03-25T10:00:00+08:00', null, 'open', 'general', 'transit_damage', 'order only'],
      ['H4', 'A2', null, 'app', '2026-03-25T10:00:00+08:00', null, 'open', 'general', 'transit_damage', 'two parcels'],
      ['H5', null, null, 'hotline', '2026-03-28T10:00:00.500+08:00', null, 'open', 'crisis', 'other', 'question'],
      ['H3', null, null, 'hotline', '2026-03-28T10:00:01.100003+08:00', '2026-03-28T12:00:00.350007+08:00', 'resolved', 'crisis', 'other', 'question'],
    ],
  ),
};

describe('attribution of a complaint that names an unknown shipment', () => {
  let world: GoldenWorld;
  beforeAll(async () => {
    world = await runGoldenWorld(attributionFiles);
  });
  afterAll(() => world?.cleanup());

  it("keeps the named shipment and lends it no carrier of the order's other shipments", async () => {
    // int_complaint_attribution is built inside the run only; fct_complaints keeps its columns
    const rows = await world.query<Record<string, string | null>>(
      `select complaint_id, order_id, shipment_id, carrier, sku, category
       from fct_complaints where complaint_id in ('H1', 'H2', 'H4') order by complaint_id`,
    );
    expect(rows).toEqual([
      { complaint_id: 'H1', order_id: 'A1', shipment_id: 'SAX', carrier: null, sku: 'PA', category: 'home' },
      { complaint_id: 'H2', order_id: 'A1', shipment_id: 'SA1', carrier: 'SF', sku: 'PA', category: 'home' },
      { complaint_id: 'H4', order_id: 'A2', shipment_id: null, carrier: null, sku: 'PA', category: 'home' },
    ]);
  });

  it('measures calendar hours to the microsecond, with no float noise', async () => {
    const [row] = await world.query<{ resolution_hours: number }>(`select resolution_hours from fct_complaints where complaint_id = 'H3'`);
    expect(row!.resolution_hours).toBe(7199250004 / 3600000000);
  });

  it('writes fractions of a second in the CSV with the digits they need', () => {
    const fct = world.csvBy('fct_complaints', 'complaint_id');
    expect(fct.get('H3')!.opened_at).toBe('2026-03-28T10:00:01.100003+08:00');
    expect(fct.get('H5')!.opened_at).toBe('2026-03-28T10:00:00.5+08:00');
    expect(fct.get('H1')!.opened_at).toBe('2026-03-25T10:00:00+08:00');
  });
});
