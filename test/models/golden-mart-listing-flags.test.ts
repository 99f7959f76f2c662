// Golden world for mart_listing_flags (CONTRACT §5). as_of = 2026-03-30 00:00 +08:00, window 28 days:
// (2026-03-02 00:00 +08:00, 2026-03-30 00:00 +08:00]. Minimum 20 orders for a test; flag when
// q < 0.05 and nad_orders >= 3 and nad_rate >= 2 × category_rate.
//
// SKU  category  orders in window  NAD orders  others in category (pooled)      category_rate
// M1   mug       20                5           M2 + M3: (1 + 1) / (20 + 10)     2/30 = 1/15
// M2   mug       20                1           M1 + M3: (5 + 1) / (20 + 10)     6/30 = 0.2
// M3   mug       10 (< 20: no test) 1          M1 + M2: (5 + 1) / (20 + 20)     6/40 = 0.15
// L1   lamp      25                2           L2: 0 / 20                        0
// L2   lamp      20                0           L1: 2 / 25                        0.08
// T1   towel     20                5           T2: 4 / 40                        0.1
// T2   towel     40                4           T1: 5 / 20                        0.25
// X1   solo      22                4           none: alone in its category      empty (so p, q empty)
// OLD  mug       0 in the window (its one order is from February): no row, and not in mug's pool.
// M3 is under the minimum: no p/q, never flagged, but its 10 orders / 1 NAD are in M1's and M2's pool.
//
// What the M1 counts include and leave out (orders OM1-01 … OM1-20 are in the window):
//   NAD orders: OM1-01 (complaint names sku M1), OM1-02 (names only the order, whose one SKU is M1),
//   OM1-03 (two causes, not_as_described|quality_defect), OM1-04 (two NAD complaints: one order),
//   OM1-05 (M1 on two lines: still one distinct SKU, attributed; its complaint is the most recent) → 5;
//   OM1-01 is placed 1 ms after the window opens, OM1-05 on its last day (03-29 09:00)
//   not NAD: OM1-06 (its NAD complaint is opened after as_of), OM1-07 (quality_defect only)
//   OM1-20 is placed exactly at as_of (written 2026-03-29T16:00:00Z): inside the window (end inclusive)
//   not orders: OM1-X1 placed exactly at window_start (2026-03-01T16:00:00Z = 03-02 00:00 local: the
//   window is open there) although it has a NAD complaint; OM1-X2 placed 1 s after as_of.
// M2: OM2-01 is NAD (sku given). OM2-02 holds M2 and L2 and its NAD complaint names only the order:
//   two SKUs, unattributed, so it is a NAD order for neither (but an order of both: L2 = 19 + 1 = 20).
//
// p_value = P(X >= nad_orders), X ~ Binomial(orders, category_rate):
//   M1: 1 − Σ_{i=0..4} C(20,i) (1/15)^i (14/15)^(20−i)
//       = 1 − (0.2516144232 + 0.3594491761 + 0.2439119409 + 0.1045336890 + 0.0317334413) = 0.008757329574631965
//   M2: 1 − 0.8^20 = 1 − 0.011529215046068 = 0.9884707849539315
//   L1: rate 0 → P(X >= 2) = 0           L2: P(X >= 0) = 1
//   T1: 1 − (0.1215766546 + 0.2701703435 + 0.2851798071 + 0.1901198714 + 0.0897788281) = 0.04317449528446338
//   T2: 1 − Σ_{i=0..3} C(40,i) 0.25^i 0.75^(40−i) = 1 − (0.0000100566 + 0.0001340878 + 0.0008715707
//       + 0.0036799652) = 0.9953043196617495
// Benjamini–Hochberg over the six p-values, all categories together (m = 6), ascending:
//   rank 1 L1 0, 2 M1 0.0087573, 3 T1 0.0431745, 4 M2 0.9884708, 5 T2 0.9953043, 6 L2 1
//   q(L2) = 1; q(T2) = min(0.9953·6/5 = 1.194, 1) = 1; q(M2) = min(0.98847·6/4 = 1.483, 1) = 1
//   q(T1) = min(0.0431745·6/3 = 0.08634899056892676, 1) = 0.08634899056892676
//   q(M1) = min(0.0087573·6/2 = 0.026271988723895895, 0.0863…) = 0.026271988723895895;  q(L1) = 0
// flagged: M1 only (q 0.026 < 0.05, 5 >= 3, 0.25 >= 2/15). T1 has p 0.043 < 0.05 but q 0.086: not
//   flagged (the multiple-testing correction at work). L1 has q 0 and rate 0.08 >= 0 but only 2 NAD orders.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCsvRow, runGoldenWorld, toCsv, type GoldenWorld } from './golden-world.ts';

const LONG_TEXT =
  'The listing says solid ceramic, hand glazed, 500 ml, dishwasher safe; what arrived is a thin 300 ml mug with a printed pattern that is peeling after one wash.';

const orders: string[][] = [];
const items: string[][] = [];
const complaints: (string | null)[][] = [];

/** An order with one line per SKU given (a SKU may repeat). */
function addOrder(id: string, orderedAt: string, skus: string[]): void {
  orders.push([id, `C-${id}`, orderedAt, '19.90']);
  skus.forEach((sku, i) => items.push([id, String(i + 1), sku, '1', '19.90']));
}

/** `count` single-SKU orders spread over the window (03-03 … 03-29, noon local). */
function addOrders(sku: string, from: number, to: number): void {
  for (let i = from; i <= to; i++) addOrder(`O${sku}-${String(i).padStart(2, '0')}`, `2026-03-${String(3 + (i % 27)).padStart(2, '0')}T12:00:00+08:00`, [sku]);
}

let complaintNumber = 0;
function addComplaint(orderId: string | null, sku: string | null, cause: string, openedAt: string, text = `not as pictured (${cause})`): void {
  complaintNumber++;
  complaints.push([`K${String(complaintNumber).padStart(3, '0')}`, orderId, sku, 'app', openedAt, 'open', cause, text]);
}

// M1: 20 orders in the window, special ones first
addOrder('OM1-01', '2026-03-02T00:00:00.001+08:00', ['M1']);
addOrder('OM1-02', '2026-03-04T12:00:00+08:00', ['M1']);
addOrder('OM1-03', '2026-03-05T12:00:00+08:00', ['M1']);
addOrder('OM1-04', '2026-03-06T12:00:00+08:00', ['M1']);
addOrder('OM1-05', '2026-03-29T09:00:00+08:00', ['M1', 'M1']);
addOrders('M1', 6, 19);
addOrder('OM1-20', '2026-03-29T16:00:00Z', ['M1']);
addOrder('OM1-X1', '2026-03-01T16:00:00Z', ['M1']);
addOrder('OM1-X2', '2026-03-30T00:00:01+08:00', ['M1']);
addComplaint('OM1-01', 'M1', 'not_as_described', '2026-03-10T10:00:00+08:00');
addComplaint('OM1-02', null, 'not_as_described', '2026-03-10T11:00:00+08:00');
addComplaint('OM1-03', null, 'not_as_described|quality_defect', '2026-03-10T12:00:00+08:00');
addComplaint('OM1-04', null, 'not_as_described', '2026-03-11T10:00:00+08:00');
addComplaint('OM1-04', 'M1', 'not_as_described', '2026-03-12T10:00:00+08:00');
addComplaint('OM1-05', null, 'not_as_described', '2026-03-29T10:00:00+08:00', LONG_TEXT);
addComplaint('OM1-06', 'M1', 'not_as_described', '2026-03-30T08:00:00+08:00', 'opened after as_of');
addComplaint('OM1-07', 'M1', 'quality_defect', '2026-03-12T10:00:00+08:00', 'handle snapped');
addComplaint('OM1-X1', 'M1', 'not_as_described', '2026-03-05T10:00:00+08:00', 'order outside the window');

// M2: 20 orders; OM2-02 also holds L2
addOrders('M2', 1, 1);
addOrder('OM2-02', '2026-03-08T12:00:00+08:00', ['M2', 'L2']);
addOrders('M2', 3, 20);
addComplaint('OM2-01', 'M2', 'not_as_described', '2026-03-15T10:00:00+08:00', 'smaller than the photo');
addComplaint('OM2-02', null, 'not_as_described', '2026-03-15T11:00:00+08:00', 'one of the two is not as described');

// M3: 10 orders, 1 NAD
addOrders('M3', 1, 10);
addComplaint('OM3-01', 'M3', 'not_as_described', '2026-03-16T10:00:00+08:00');

// L1: 25 orders, 2 NAD; L2: 19 own orders + OM2-02 = 20, no NAD
addOrders('L1', 1, 25);
addComplaint('OL1-01', 'L1', 'not_as_described', '2026-03-16T10:00:00+08:00');
addComplaint('OL1-02', 'L1', 'not_as_described', '2026-03-17T10:00:00+08:00');
addOrders('L2', 1, 19);

// T1: 20 orders, 5 NAD; T2: 40 orders, 4 NAD
addOrders('T1', 1, 20);
for (let i = 1; i <= 5; i++) addComplaint(`OT1-0${i}`, 'T1', 'not_as_described', `2026-03-2${i}T10:00:00+08:00`);
addOrders('T2', 1, 40);
for (let i = 1; i <= 4; i++) addComplaint(`OT2-0${i}`, null, 'not_as_described', `2026-03-2${i}T11:00:00+08:00`);

// X1: alone in its category, 22 orders, 4 NAD
addOrders('X1', 1, 22);
for (let i = 1; i <= 4; i++) addComplaint(`OX1-0${i}`, 'X1', 'not_as_described', `2026-03-1${i}T10:00:00+08:00`, `X1 complaint ${i}`);

// OLD: a mug ordered only before the window
addOrder('OOLD-01', '2026-02-01T12:00:00+08:00', ['OLD']);
addComplaint('OOLD-01', 'OLD', 'not_as_described', '2026-02-05T10:00:00+08:00');

const products = toCsv(
  ['sku', 'title', 'category'],
  [
    ['M1', 'Ceramic mug 500 ml', 'mug'],
    ['M2', 'Travel mug', 'mug'],
    ['M3', 'Espresso cup', 'mug'],
    ['OLD', 'Discontinued mug', 'mug'],
    ['L1', 'Desk lamp', 'lamp'],
    ['L2', 'Floor lamp', 'lamp'],
    ['T1', 'Bath towel', 'towel'],
    ['T2', 'Hand towel', 'towel'],
    ['X1', 'Solar charger', 'solo'],
  ],
);

let world: GoldenWorld;

beforeAll(async () => {
  world = await runGoldenWorld({
    'products-2026-03-01.csv': products,
    'orders-2026-03-30.csv': toCsv(['order_id', 'customer_id', 'ordered_at', 'total_amount'], orders),
    'order_items-2026-03-30.csv': toCsv(['order_id', 'line_no', 'sku', 'quantity', 'unit_price'], items),
    'complaints-2026-03-30.csv': toCsv(['complaint_id', 'order_id', 'sku', 'channel', 'opened_at', 'status', 'cause_code', 'text'], complaints),
  });
});

afterAll(() => world?.cleanup());

describe('mart_listing_flags golden world', () => {
  const row = (sku: string) => world.csvBy('mart_listing_flags', 'sku').get(sku);

  it('has one row per SKU with orders in the window, and the window in every row', () => {
    const rows = world.csv('mart_listing_flags');
    expect(rows.map((r) => r.sku)).toEqual(['L1', 'L2', 'M1', 'M2', 'M3', 'T1', 'T2', 'X1']);
    for (const r of rows) expectCsvRow(r, { window_start: '2026-03-02T00:00:00+08:00', window_end: '2026-03-30T00:00:00+08:00' }, r.sku);
  });

  it('flags the over-claiming mug: window bounds, attribution, duplicates and after-as_of complaints counted right', () => {
    expectCsvRow(row('M1'), {
      category: 'mug',
      orders: 20,
      nad_orders: 5,
      nad_rate: 0.25,
      category_rate: 1 / 15,
      p_value: 0.008757329574631965,
      q_value: 0.026271988723895895,
      flagged: true,
      top_excerpt: LONG_TEXT.slice(0, 120),
    });
  });

  it('does not attribute a complaint on a two-SKU order, and pools a SKU under the minimum for the others', () => {
    expectCsvRow(row('M2'), {
      orders: 20,
      nad_orders: 1,
      nad_rate: 0.05,
      category_rate: 0.2,
      p_value: 0.9884707849539315,
      q_value: 1,
      flagged: false,
      top_excerpt: 'smaller than the photo',
    });
    expectCsvRow(row('M3'), { orders: 10, nad_orders: 1, nad_rate: 0.1, category_rate: 0.15, p_value: null, q_value: null, flagged: false });
    expectCsvRow(row('L2'), { orders: 20, nad_orders: 0, nad_rate: 0, category_rate: 0.08, p_value: 1, q_value: 1, flagged: false, top_excerpt: null });
  });

  it('applies every flag condition: q < 0.05 after Benjamini–Hochberg, at least 3 NAD orders, twice the category rate', () => {
    // a category rate of 0 gives p = 0 and q = 0, yet two NAD orders are too few to flag
    expectCsvRow(row('L1'), { orders: 25, nad_orders: 2, nad_rate: 0.08, category_rate: 0, p_value: 0, q_value: 0, flagged: false });
    // raw p < 0.05 but q >= 0.05
    expectCsvRow(row('T1'), {
      orders: 20,
      nad_orders: 5,
      nad_rate: 0.25,
      category_rate: 0.1,
      p_value: 0.04317449528446338,
      q_value: 0.08634899056892676,
      flagged: false,
    });
    expectCsvRow(row('T2'), { orders: 40, nad_orders: 4, nad_rate: 0.1, category_rate: 0.25, p_value: 0.9953043196617495, q_value: 1, flagged: false });
  });

  it('leaves category_rate, p_value and q_value empty for a SKU alone in its category', () => {
    expectCsvRow(row('X1'), {
      category: 'solo',
      orders: 22,
      nad_orders: 4,
      nad_rate: 4 / 22,
      category_rate: null,
      p_value: null,
      q_value: null,
      flagged: false,
      top_excerpt: 'X1 complaint 4',
    });
  });

  it('holds the same numbers in the DuckDB table as in the CSV', async () => {
    const table = await world.query<{
      sku: string;
      orders: number;
      nad_orders: number;
      p_value: number | null;
      q_value: number | null;
      flagged: boolean;
      window_start: Date;
    }>(`select sku, orders, nad_orders, p_value, q_value, flagged, window_start from mart_listing_flags order by sku`);
    const csv = world.csv('mart_listing_flags');
    expect(table.map((r) => r.sku)).toEqual(csv.map((r) => r.sku));
    table.forEach((r, i) => {
      const c = csv[i]!;
      expect([r.orders, r.nad_orders, r.flagged]).toEqual([Number(c.orders), Number(c.nad_orders), c.flagged === 'true']);
      expect(r.p_value).toBe(c.p_value === '' ? null : Number(c.p_value));
      expect(r.q_value).toBe(c.q_value === '' ? null : Number(c.q_value));
      expect(r.window_start.toISOString()).toBe('2026-03-01T16:00:00.000Z');
    });
  });
});

// Second world: the flag's boundaries and ties, each SKU's orders single-SKU orders in the window.
// SKU  category  orders  NAD  category_rate (the other SKU)   p_value
// A    x         20      8    B: 2 / 10 = 0.2                 P(X >= 8 | 20, 0.2) = 3065363224113 / 95367431640625
//                                                              = 0.03214266308087513 (exact fraction, by hand)
// B    x         10      2    A: 8 / 20 = 0.4                 under the minimum: empty
// C    y         20      3    D: 0 / 10 = 0                   P(X >= 3 | rate 0) = 0
// D    y         10      0    C: 3 / 20 = 0.15                empty
// E    z         20      8    F: 2 / 10 = 0.2                 = A's
// F    z         10      2    E: 0.4                          empty
// V1, V2 (category v): one order holding both; its NAD complaint names V1, so it is V1's NAD order only
//   V1: 1 order, 1 NAD, category_rate = V2's 0 / 1 = 0; V2: 1 order, 0 NAD, category_rate = V1's 1 / 1 = 1
// Benjamini–Hochberg, m = 3, ascending: C 0, A and E tied at p: q(rank 3) = p·3/3 = p, q(rank 2) = min(p·3/2
//   = 0.0482139946213127, p) = p: tied p-values get the same q (the running minimum from the top).
// Flags: A and E: q 0.032 < 0.05, 8 >= 3, nad_rate 0.4 >= 2 × 0.2 exactly (the ">=" boundary) → flagged;
//   C: q 0, exactly 3 NAD orders (the ">= 3" boundary), 0.15 >= 0 → flagged.
describe('mart_listing_flags at the flag boundaries', () => {
  let boundaries: GoldenWorld;
  const row = (sku: string) => boundaries.csvBy('mart_listing_flags', 'sku').get(sku);

  beforeAll(async () => {
    const orderRows: string[][] = [];
    const itemRows: string[][] = [];
    const complaintRows: (string | null)[][] = [];
    for (const [sku, count, nad] of [
      ['A', 20, 8],
      ['B', 10, 2],
      ['C', 20, 3],
      ['D', 10, 0],
      ['E', 20, 8],
      ['F', 10, 2],
    ] as const) {
      for (let i = 1; i <= count; i++) {
        const id = `B${sku}-${i}`;
        orderRows.push([id, `C-${id}`, `2026-03-${String(3 + (i % 27)).padStart(2, '0')}T12:00:00+08:00`, '9.90']);
        itemRows.push([id, '1', sku, '1', '9.90']);
        if (i <= nad) complaintRows.push([`K-${id}`, id, null, 'app', '2026-03-29T10:00:00+08:00', 'open', 'not_as_described', `${sku} is not as described`]);
      }
    }
    orderRows.push(['BV', 'C-BV', '2026-03-20T12:00:00+08:00', '19.80']);
    itemRows.push(['BV', '1', 'V1', '1', '9.90'], ['BV', '2', 'V2', '1', '9.90']);
    complaintRows.push(['K-BV', 'BV', 'V1', 'app', '2026-03-29T10:00:00+08:00', 'open', 'not_as_described', 'V1 is not as pictured']);
    boundaries = await runGoldenWorld({
      'products-2026-03-01.csv': toCsv(
        ['sku', 'title', 'category'],
        [
          ...['A', 'B'].map((s) => [s, s, 'x']),
          ...['C', 'D'].map((s) => [s, s, 'y']),
          ...['E', 'F'].map((s) => [s, s, 'z']),
          ['V1', 'V1', 'v'],
          ['V2', 'V2', 'v'],
        ],
      ),
      'orders-2026-03-30.csv': toCsv(['order_id', 'customer_id', 'ordered_at', 'total_amount'], orderRows),
      'order_items-2026-03-30.csv': toCsv(['order_id', 'line_no', 'sku', 'quantity', 'unit_price'], itemRows),
      'complaints-2026-03-30.csv': toCsv(['complaint_id', 'order_id', 'sku', 'channel', 'opened_at', 'status', 'cause_code', 'text'], complaintRows),
    });
  });

  afterAll(() => boundaries?.cleanup());

  it('flags a rate of exactly twice the category rate, and gives tied p-values the same q', () => {
    for (const sku of ['A', 'E'])
      expectCsvRow(
        row(sku),
        { orders: 20, nad_orders: 8, nad_rate: 0.4, category_rate: 0.2, p_value: 0.03214266308087513, q_value: 0.03214266308087513, flagged: true },
        sku,
      );
    expectCsvRow(row('B'), { orders: 10, nad_orders: 2, category_rate: 0.4, p_value: null, q_value: null, flagged: false }, 'B');
  });

  it('flags exactly three NAD orders', () => {
    expectCsvRow(row('C'), { orders: 20, nad_orders: 3, nad_rate: 0.15, category_rate: 0, p_value: 0, q_value: 0, flagged: true }, 'C');
    expectCsvRow(row('D'), { orders: 10, nad_orders: 0, category_rate: 0.15, flagged: false }, 'D');
  });

  it("counts a NAD complaint for the SKU it names, not for the order's other SKU", () => {
    expectCsvRow(row('V1'), { orders: 1, nad_orders: 1, category_rate: 0 }, 'V1');
    expectCsvRow(row('V2'), { orders: 1, nad_orders: 0, category_rate: 1 }, 'V2');
  });
});
