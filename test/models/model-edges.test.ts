// Edges of complaint attribution (int_complaint_attribution) and of calendar time as fct_complaints
// carries and exports it (sql/macros/time.sql) that the golden worlds (test/models/golden-*.test.ts)
// leave open; each case was found by a mutation of the model that those worlds did not notice.
// as_of = Monday 2026-03-30 00:00 +08:00 (GOLDEN_AS_OF).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGoldenWorld, toCsv, type GoldenWorld } from './golden-world.ts';

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
