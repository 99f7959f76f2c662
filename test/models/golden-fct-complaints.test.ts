// Golden world for fct_complaints (CONTRACT §2–§5): one row per complaint opened up to as_of, with its
// causes, severity, attribution and SLA clock. as_of = Monday 2026-03-30 00:00 +08:00. The world is run
// twice on the same database: run 1 ingests complaints-2026-03-20.csv, run 2 adds the update drop
// complaints-2026-03-25.csv.
//
// Orders: O1 has one shipment (SH1) and one SKU (P1); O2 has two shipments (SH2A, SH2B) and two SKUs (P1,
// P2); O3 has one shipment (SH3) and P2 on two lines (one distinct SKU).
// F1  names O2, SH2B and P2; tagged transit_damage|delivery_delay → causes sorted 'delivery_delay|transit_damage',
//     parties 'carrier' (distinct); severity important (given) → business clock, target 240;
//     opened Mon 03-23 10:00, answered 11:30 → 90 min, not breached; resolved Tue 10:00 → 24 h
// F2  names only O1 → shipment SH1, SKU P1; tagged 'wrong_item|Quality_Defect|not_as_described' → causes
//     'not_as_described|quality_defect|wrong_item', parties 'merchandising|supplier|warehouse'; no severity,
//     not escalated, no safety word → general by rule (target 480 business); opened Mon 03-23 17:30, answered
//     Tue 09:15 → 30 + 15 = 45 min
// F3  names only O2 (two shipments, two SKUs) → shipment and SKU empty (unattributed); untagged
//     "The vase arrived broken" → transit_damage by rule; no answer: opened Wed 03-25 10:00, elapsed at
//     as_of 480 (Wed 10–18) + 540 (Thu) + 540 (Fri) = 1560 > 480 → breached; first_response_minutes empty
// F4  names only O3 → SH3 and P2 (two lines, one SKU); untagged Chinese "杯子碎了，物流还延误了三天" →
//     transit_damage and delivery_delay by rule
// F5  no order; untagged "Hello" → causes 'other', cause_method unclassified, parties 'unknown'
// F6  tagged other → causes 'other', cause_method tagged, parties 'unknown'
// F10 no severity, text with 过敏 (a Chinese safety word, as a substring) → crisis by rule: calendar clock,
//     target 60; opened Sat 03-28 10:00, answered 11:30 → 90 > 60 breached
// F12 no severity, escalated, text "burnt" (an English safety word) → crisis (safety wins over escalation);
//     opened Sun 03-29 20:00, answered 20:45 → 45 calendar minutes
// F13 no severity, escalated "YES" → major by rule (target 120 business); opened Fri 03-27 17:00, answered
//     Mon 03-30 10:00 after as_of → not responded; elapsed 60 (Fri 17–18) → not breached yet
// F11 opened after as_of → no row.
// F14 opened 1970-01-01 (a placeholder date, before the business calendar's usual 2000..2100), general,
//     never answered: elapsed at as_of is decades of business minutes > 480 → breached
// F15 general, opened Fri 1999-12-31 17:00, answered Mon 2000-01-03 10:00 → 60 (Fri 17–18) + 60 (Mon 9–10) = 120
// F16 general, opened Tue 03-24 09:00:00, answered 13:00:01 → 240 + 1/60 business minutes, exactly (not rounded)
// F17 crisis (given), opened Sat 03-28 10:00:00.1, answered 10:30:00.3 → 30 + 0.2/60 calendar minutes;
//     resolved 03-28 12:00:00.35 → 2 h 0.25 s = 2 + 0.25/3600 hours: fractions of a second exact
// Versions (CONTRACT §2: latest updated_at wins, else the later-ingested file; a newer version replaces
// the whole record):
// F7  run 1: transit_damage, severity major, escalated → major/given. Run 2 (updated_at later): packaging,
//     severity and escalated EMPTY, resolved 03-25 09:00 → causes packaging, severity general by rule,
//     resolution_hours = 03-20 09:00 → 03-25 09:00 = 120
// F8  run 2 brings an OLDER updated_at (lost_parcel): ignored, stays wrong_item
// F9  no updated_at in either version: the version ingested later wins (run 2: quality_defect)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCsvRow, runGoldenWorld, toCsv, type CsvRow, type GoldenWorld } from './golden-world.ts';

const HEADER = [
  'complaint_id',
  'order_id',
  'shipment_id',
  'sku',
  'channel',
  'opened_at',
  'first_response_at',
  'resolved_at',
  'status',
  'severity',
  'cause_code',
  'text',
  'escalated',
  'updated_at',
];

// prettier-ignore
const firstDrop = toCsv(HEADER, [
  ['F1', 'O2', 'SH2B', 'P2', 'chat', '2026-03-23T10:00:00+08:00', '2026-03-23T11:30:00+08:00', '2026-03-24T10:00:00+08:00', 'resolved', 'important', 'transit_damage|delivery_delay', 'late and broken', null, null],
  ['F2', 'O1', null, null, 'app', '2026-03-23T17:30:00+08:00', '2026-03-24T09:15:00+08:00', null, 'open', null, 'wrong_item|Quality_Defect|not_as_described', 'several problems', 'no', null],
  ['F3', 'O2', null, null, 'app', '2026-03-25T10:00:00+08:00', null, null, 'open', null, null, 'The vase arrived broken', null, null],
  ['F4', 'O3', null, null, 'chat', '2026-03-25T11:00:00+08:00', '2026-03-25T11:10:00+08:00', null, 'open', null, null, '杯子碎了，物流还延误了三天', null, null],
  ['F5', null, null, null, 'email', '2026-03-26T10:00:00+08:00', '2026-03-26T10:05:00+08:00', null, 'open', null, null, 'Hello', null, null],
  ['F6', null, null, null, 'email', '2026-03-26T10:00:00+08:00', '2026-03-26T10:05:00+08:00', null, 'open', null, 'other', 'misc', null, null],
  ['F7', 'O1', null, null, 'hotline', '2026-03-20T09:00:00+08:00', '2026-03-20T09:30:00+08:00', null, 'open', 'major', 'transit_damage', 'box crushed', 'true', '2026-03-20T10:00:00+08:00'],
  ['F8', 'O1', null, null, 'hotline', '2026-03-20T09:00:00+08:00', null, null, 'open', 'general', 'wrong_item', 'wrong colour', null, '2026-03-22T10:00:00+08:00'],
  ['F9', 'O1', null, null, 'hotline', '2026-03-20T09:00:00+08:00', null, null, 'open', 'general', 'lost_parcel', 'never came', null, null],
  ['F10', null, null, null, 'social', '2026-03-28T10:00:00+08:00', '2026-03-28T11:30:00+08:00', null, 'open', null, 'quality_defect', '孩子用了之后皮肤过敏', null, null],
  ['F11', null, null, null, 'chat', '2026-03-30T09:00:00+08:00', null, null, 'open', 'general', 'other', 'opened after as_of', null, null],
  ['F12', null, null, null, 'hotline', '2026-03-29T20:00:00+08:00', '2026-03-29T20:45:00+08:00', null, 'open', null, 'quality_defect', 'The toaster burnt my hand', 'yes', null],
  ['F13', null, null, null, 'hotline', '2026-03-27T17:00:00+08:00', '2026-03-30T10:00:00+08:00', null, 'open', null, 'refund_process', 'I want my money back', 'YES', null],
  ['F14', null, null, null, 'email', '1970-01-01T00:00:00+08:00', null, null, 'open', null, 'other', 'placeholder date', null, null],
  ['F15', null, null, null, 'email', '1999-12-31T17:00:00+08:00', '2000-01-03T10:00:00+08:00', null, 'open', null, 'other', 'over new year 2000', null, null],
  ['F16', null, null, null, 'email', '2026-03-24T09:00:00+08:00', '2026-03-24T13:00:01+08:00', null, 'open', 'general', 'other', 'seconds', null, null],
  ['F17', null, null, null, 'chat', '2026-03-28T10:00:00.1+08:00', '2026-03-28T10:30:00.3+08:00', '2026-03-28T12:00:00.35+08:00', 'resolved', 'crisis', 'other', 'fractions', null, null],
]);

// prettier-ignore
const updateDrop = toCsv(HEADER, [
  ['F7', 'O1', null, null, 'hotline', '2026-03-20T09:00:00+08:00', '2026-03-20T09:30:00+08:00', '2026-03-25T09:00:00+08:00', 'resolved', null, 'packaging', 'box crushed, packing was thin', null, '2026-03-25T10:00:00+08:00'],
  ['F8', 'O1', null, null, 'hotline', '2026-03-20T09:00:00+08:00', null, null, 'open', 'general', 'lost_parcel', 'stale version', null, '2026-03-21T10:00:00+08:00'],
  ['F9', 'O1', null, null, 'hotline', '2026-03-20T09:00:00+08:00', null, null, 'open', 'general', 'quality_defect', 'second version', null, null],
]);

const world1Files = {
  'orders-2026-03-20.csv': toCsv(
    ['order_id', 'customer_id', 'ordered_at', 'total_amount'],
    [
      ['O1', 'C1', '2026-03-15T10:00:00+08:00', '10'],
      ['O2', 'C2', '2026-03-15T10:00:00+08:00', '20'],
      ['O3', 'C3', '2026-03-15T10:00:00+08:00', '20'],
    ],
  ),
  'order_items-2026-03-20.csv': toCsv(
    ['order_id', 'line_no', 'sku', 'quantity', 'unit_price'],
    [
      ['O1', '1', 'P1', '1', '10'],
      ['O2', '1', 'P1', '1', '10'],
      ['O2', '2', 'P2', '1', '10'],
      ['O3', '1', 'P2', '1', '10'],
      ['O3', '2', 'P2', '1', '10'],
    ],
  ),
  'products-2026-03-20.csv': toCsv(
    ['sku', 'title', 'category'],
    [
      ['P1', 'Vase', 'home'],
      ['P2', 'Cup', 'kitchen'],
    ],
  ),
  'shipments-2026-03-20.csv': toCsv(
    ['shipment_id', 'order_id', 'carrier', 'shipped_at', 'promised_at', 'delivered_at', 'status'],
    [
      ['SH1', 'O1', 'SF', '2026-03-16T10:00:00+08:00', '2026-03-18T10:00:00+08:00', '2026-03-17T10:00:00+08:00', 'delivered'],
      ['SH2A', 'O2', 'SF', '2026-03-16T10:00:00+08:00', '2026-03-18T10:00:00+08:00', '2026-03-17T10:00:00+08:00', 'delivered'],
      ['SH2B', 'O2', 'ZTO', '2026-03-16T10:00:00+08:00', '2026-03-18T10:00:00+08:00', '2026-03-17T10:00:00+08:00', 'delivered'],
      ['SH3', 'O3', 'YTO', '2026-03-16T10:00:00+08:00', '2026-03-18T10:00:00+08:00', '2026-03-17T10:00:00+08:00', 'delivered'],
    ],
  ),
  'complaints-2026-03-20.csv': firstDrop,
};

let world: GoldenWorld;
let afterRun1: Map<string, CsvRow>;
let afterRun2: Map<string, CsvRow>;

beforeAll(async () => {
  world = await runGoldenWorld(world1Files);
  afterRun1 = world.csvBy('fct_complaints', 'complaint_id');
  const summary = await world.rerun({ 'complaints-2026-03-25.csv': updateDrop });
  expect(summary.files.filter((f) => f.status === 'loaded').map((f) => f.fileName)).toEqual(['complaints-2026-03-25.csv']);
  afterRun2 = world.csvBy('fct_complaints', 'complaint_id');
});

afterAll(() => world?.cleanup());

describe('fct_complaints golden world', () => {
  it('runs the business clock for dates outside 2000..2100 too (no lookup may fall off the calendar)', () => {
    expectCsvRow(afterRun2.get('F14'), { first_response_minutes: null, sla_target_minutes: 480, sla_clock: 'business', sla_breached: true }, 'F14');
    expectCsvRow(afterRun2.get('F15'), { first_response_minutes: 120, sla_breached: false }, 'F15');
  });

  it('measures durations with seconds and fractions exactly: the double of the exact quotient, unrounded', () => {
    // what an independent computation in seconds gets: 14,401 s / 60, 1,800.2 s / 60, 7,200.25 s / 3,600
    expectCsvRow(afterRun2.get('F16'), { first_response_minutes: String(14_401 / 60), sla_breached: false }, 'F16');
    expectCsvRow(afterRun2.get('F17'), { first_response_minutes: String(1_800.2 / 60), resolution_hours: String(7_200.25 / 3_600) }, 'F17');
  });

  it('has one row per complaint opened up to as_of, in both runs', () => {
    const ids = ['F1', 'F10', 'F12', 'F13', 'F14', 'F15', 'F16', 'F17', 'F2', 'F3', 'F4', 'F5', 'F6', 'F7', 'F8', 'F9'];
    expect([...afterRun1.keys()]).toEqual(ids);
    expect([...afterRun2.keys()]).toEqual(ids);
  });

  it('sorts and joins several causes, with distinct sorted responsible parties', () => {
    expectCsvRow(
      afterRun2.get('F1'),
      {
        opened_at: '2026-03-23T10:00:00+08:00',
        channel: 'chat',
        severity: 'important',
        severity_method: 'given',
        causes: 'delivery_delay|transit_damage',
        cause_method: 'tagged',
        responsible_parties: 'carrier',
        shipment_id: 'SH2B',
        sku: 'P2',
        first_response_minutes: 90,
        sla_target_minutes: 240,
        sla_clock: 'business',
        sla_breached: false,
        resolution_hours: 24,
      },
      'F1',
    );
    expectCsvRow(
      afterRun2.get('F2'),
      {
        causes: 'not_as_described|quality_defect|wrong_item',
        cause_method: 'tagged',
        responsible_parties: 'merchandising|supplier|warehouse',
        severity: 'general',
        severity_method: 'rule',
        first_response_minutes: 45,
        sla_target_minutes: 480,
        sla_breached: false,
        resolution_hours: null,
      },
      'F2',
    );
  });

  it('attributes to the only shipment / SKU of the order, and to none when there are two', () => {
    expectCsvRow(afterRun2.get('F2'), { shipment_id: 'SH1', sku: 'P1' }, 'F2');
    expectCsvRow(afterRun2.get('F3'), { shipment_id: null, sku: null }, 'F3');
    expectCsvRow(afterRun2.get('F4'), { shipment_id: 'SH3', sku: 'P2' }, 'F4');
    expectCsvRow(afterRun2.get('F5'), { shipment_id: null, sku: null }, 'F5');
  });

  it('classifies untagged text by rule (English and Chinese), else other / unclassified', () => {
    expectCsvRow(
      afterRun2.get('F3'),
      { causes: 'transit_damage', cause_method: 'rule', responsible_parties: 'carrier', first_response_minutes: null, sla_breached: true },
      'F3',
    );
    expectCsvRow(
      afterRun2.get('F4'),
      { causes: 'delivery_delay|transit_damage', cause_method: 'rule', responsible_parties: 'carrier', first_response_minutes: 10 },
      'F4',
    );
    expectCsvRow(afterRun2.get('F5'), { causes: 'other', cause_method: 'unclassified', responsible_parties: 'unknown' }, 'F5');
    expectCsvRow(afterRun2.get('F6'), { causes: 'other', cause_method: 'tagged', responsible_parties: 'unknown' }, 'F6');
  });

  it('derives severity from safety words (Chinese substrings, English whole words) before escalation', () => {
    expectCsvRow(
      afterRun2.get('F10'),
      { severity: 'crisis', severity_method: 'rule', sla_clock: 'calendar', sla_target_minutes: 60, first_response_minutes: 90, sla_breached: true },
      'F10',
    );
    expectCsvRow(
      afterRun2.get('F12'),
      { severity: 'crisis', severity_method: 'rule', sla_clock: 'calendar', first_response_minutes: 45, sla_breached: false },
      'F12',
    );
    expectCsvRow(
      afterRun2.get('F13'),
      { severity: 'major', severity_method: 'rule', sla_clock: 'business', sla_target_minutes: 120, first_response_minutes: null, sla_breached: false },
      'F13',
    );
  });

  it('replaces a complaint by its update drop, keeps the newer of two versions, and orders undated versions by ingestion', () => {
    expectCsvRow(afterRun1.get('F7'), { causes: 'transit_damage', severity: 'major', severity_method: 'given', resolution_hours: null }, 'F7 run 1');
    expectCsvRow(
      afterRun2.get('F7'),
      { causes: 'packaging', responsible_parties: 'warehouse', severity: 'general', severity_method: 'rule', resolution_hours: 120 },
      'F7 run 2',
    );
    expectCsvRow(afterRun2.get('F8'), { causes: 'wrong_item' }, 'F8');
    expectCsvRow(afterRun1.get('F9'), { causes: 'lost_parcel' }, 'F9 run 1');
    expectCsvRow(afterRun2.get('F9'), { causes: 'quality_defect', responsible_parties: 'supplier' }, 'F9 run 2');
  });

  it('holds the same rows in the DuckDB table as in the CSV', async () => {
    const table = await world.query<{
      complaint_id: string;
      causes: string;
      shipment_id: string | null;
      first_response_minutes: number | null;
      opened_at: Date;
    }>(`select complaint_id, causes, shipment_id, first_response_minutes, opened_at from fct_complaints order by complaint_id`);
    expect(table.map((r) => r.complaint_id)).toEqual([...afterRun2.keys()]);
    for (const r of table) {
      const c = afterRun2.get(r.complaint_id)!;
      expect([r.causes, r.shipment_id ?? '', r.first_response_minutes === null ? '' : r.first_response_minutes]).toEqual([
        c.causes,
        c.shipment_id,
        c.first_response_minutes === '' ? '' : Number(c.first_response_minutes),
      ]);
      // the CSV writes the instant in local time with its offset
      expect(new Date(c.opened_at!).getTime()).toBe(r.opened_at.getTime());
    }
  });
});

// Second world (same as_of, Mon 2026-03-30 00:00 +08:00): the edges of "by as_of" and which attribution wins.
// Orders: A1 has one shipment (SA1, SF) and one SKU (PA); A3 has one shipment (SA3, YTO) and one SKU (PC).
// G1  general, opened Fri 03-27 10:00, answered and resolved at exactly as_of: a response at as_of has
//     happened (only one after it has not). Business minutes Fri 10:00–18:00 = 480 (the weekend and Mon
//     00:00 add none) = the target, not over it → not breached; resolution 14 h (Fri) + 48 h = 62 hours
// G2  names A1 and shipment SA1X, not loaded (yet): the named shipment wins over A1's only shipment SA1
// G3  names A1 and SKU PB: the named SKU wins over A1's only SKU PA (category of PB: kitchen)
// G4  names only shipment SA3: it belongs to order A3 (our choice where the contract is silent, see
//     int_complaint_attribution.sql), so the order is A3, the SKU A3's only one, PC (garden), carrier YTO
const world2Files = {
  'orders-2026-03-20.csv': toCsv(
    ['order_id', 'customer_id', 'ordered_at', 'total_amount'],
    [
      ['A1', 'C1', '2026-03-15T10:00:00+08:00', '10'],
      ['A3', 'C3', '2026-03-15T10:00:00+08:00', '10'],
    ],
  ),
  'order_items-2026-03-20.csv': toCsv(
    ['order_id', 'line_no', 'sku', 'quantity', 'unit_price'],
    [
      ['A1', '1', 'PA', '1', '10'],
      ['A3', '1', 'PC', '1', '10'],
    ],
  ),
  'products-2026-03-20.csv': toCsv(
    ['sku', 'title', 'category'],
    [
      ['PA', 'Vase', 'home'],
      ['PB', 'Cup', 'kitchen'],
      ['PC', 'Rake', 'garden'],
    ],
  ),
  'shipments-2026-03-20.csv': toCsv(
    ['shipment_id', 'order_id', 'carrier', 'shipped_at', 'promised_at', 'delivered_at', 'status'],
    [
      ['SA1', 'A1', 'SF', '2026-03-16T10:00:00+08:00', '2026-03-18T10:00:00+08:00', '2026-03-17T10:00:00+08:00', 'delivered'],
      ['SA3', 'A3', 'YTO', '2026-03-16T10:00:00+08:00', '2026-03-18T10:00:00+08:00', '2026-03-17T10:00:00+08:00', 'delivered'],
    ],
  ),
  // prettier-ignore
  'complaints-2026-03-28.csv': toCsv(HEADER, [
    ['G1', null, null, null, 'chat', '2026-03-27T10:00:00+08:00', '2026-03-30T00:00:00+08:00', '2026-03-30T00:00:00+08:00', 'resolved', 'general', 'other', 'answered at as_of', null, null],
    ['G2', 'A1', 'SA1X', null, 'app', '2026-03-25T10:00:00+08:00', null, null, 'open', 'general', 'transit_damage', 'named parcel', null, null],
    ['G3', 'A1', null, 'PB', 'app', '2026-03-25T10:00:00+08:00', null, null, 'open', 'general', 'not_as_described', 'named item', null, null],
    ['G4', null, 'SA3', null, 'app', '2026-03-25T10:00:00+08:00', null, null, 'open', 'general', 'transit_damage', 'parcel only', null, null],
  ]),
};

describe('fct_complaints at the edges of as_of and of attribution', () => {
  let edges: GoldenWorld;
  let rows: Map<string, CsvRow>;
  beforeAll(async () => {
    edges = await runGoldenWorld(world2Files);
    rows = edges.csvBy('fct_complaints', 'complaint_id');
  });
  afterAll(() => edges?.cleanup());

  it('counts a response and a resolution at exactly as_of as given', () => {
    expectCsvRow(rows.get('G1'), { first_response_minutes: 480, sla_target_minutes: 480, sla_breached: false, resolution_hours: 62 }, 'G1');
  });

  it("attributes to the shipment or SKU a complaint names before its order's only one", () => {
    expectCsvRow(rows.get('G2'), { shipment_id: 'SA1X', sku: 'PA' }, 'G2');
    expectCsvRow(rows.get('G3'), { shipment_id: 'SA1', sku: 'PB', category: 'kitchen' }, 'G3');
  });

  it('finds the order of a complaint that names only its shipment', () => {
    expectCsvRow(rows.get('G4'), { order_id: 'A3', shipment_id: 'SA3', carrier: 'YTO', sku: 'PC', category: 'garden' }, 'G4');
  });
});
