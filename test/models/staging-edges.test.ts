// Edges of what staging reads (CONTRACT §2): typed values from models/entity-checks.ts and the one
// version per key kept at ingestion (pipelines/sources/load-extracted-rows.ts, read by sql/staging/*).
// Each case was found by a mutation that the existing tests did not notice.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTITIES } from '../../models/entities.ts';
import { buildEntitySchema } from '../../models/entity-checks.ts';
import { ingestFolder } from '../helpers/ingest.ts';
import { withTempDir, withWarehouse, writeFiles } from '../helpers/warehouse.ts';
import { expectCsvRow, runGoldenWorld, toCsv, type GoldenWorld } from './golden-world.ts';

describe('typed values: booleans and bounded integers, in SQL and in zod alike', () => {
  // Booleans accept true/false, 1/0, yes/no (case-insensitive) and nothing else: 'y' is refused.
  // csat is an integer 1..5: 5 is the top of the range and loads, 6 does not. A cell of only white
  // space is empty. An order line's quantity must be greater than 0 (CONTRACT §2: quantity <= 0 is bad).
  const complaint = { complaint_id: 'K1', channel: 'chat', opened_at: '2026-03-23T10:00:00+08:00', status: 'open', text: 'x' };
  const schema = buildEntitySchema(ENTITIES.complaints);

  it('zod accepts YES and a csat of 5, refuses y and a csat of 6', () => {
    expect(schema.safeParse({ ...complaint, escalated: 'YES', csat: '5' }).success).toBe(true);
    expect(schema.safeParse({ ...complaint, csat: 5 }).success).toBe(true);
    const y = schema.safeParse({ ...complaint, escalated: 'y' });
    expect(y.error?.issues.map((i) => i.message)).toEqual(["escalated 'y' is not a boolean (use true/false, 1/0 or yes/no)"]);
    const six = schema.safeParse({ ...complaint, csat: '6' });
    expect(six.error?.issues.map((i) => i.message)).toEqual(["csat '6' must be at most 5"]);
  });

  it('zod reads a blank cell as empty, as SQL does: missing when required, null when optional', () => {
    const blank = schema.safeParse({ ...complaint, text: ' \t ' });
    expect(blank.error?.issues.map((i) => i.message)).toEqual(['missing text']);
    const optional = schema.safeParse({ ...complaint, csat: '   ' });
    expect(optional.success).toBe(true);
    expect(optional.data?.csat).toBeNull();
  });

  it('zod stores a cause list as the SQL loader does: distinct codes, lower case, sorted', () => {
    const parsed = schema.safeParse({ ...complaint, cause_code: ' Transit_Damage|packaging |transit_damage' });
    expect(parsed.data?.cause_code).toBe('packaging|transit_damage');
  });

  it('zod refuses an order line of quantity 0 (quantity must be greater than 0), accepts 1', () => {
    const items = buildEntitySchema(ENTITIES.order_items);
    const line = { order_id: 'O1', line_no: 1, sku: 'S', unit_price: '9.90' };
    expect(items.safeParse({ ...line, quantity: '1' }).success).toBe(true);
    const zero = items.safeParse({ ...line, quantity: '0' });
    expect(zero.error?.issues.map((i) => i.message)).toEqual(["quantity '0' must be greater than 0"]);
  });

  it('the SQL loader agrees: loads YES and csat 5, quarantines y and csat 6 with the same reasons', async () => {
    await withTempDir(async (dir) => {
      const inbox = path.join(dir, 'inbox');
      writeFiles(inbox, {
        'complaints-1.csv': toCsv(
          ['complaint_id', 'channel', 'opened_at', 'status', 'text', 'escalated', 'csat'],
          [
            ['K1', 'chat', '2026-03-23T10:00:00+08:00', 'open', 'x', 'YES', '5'],
            ['K2', 'chat', '2026-03-23T10:00:00+08:00', 'open', 'x', 'y', '3'],
            ['K3', 'chat', '2026-03-23T10:00:00+08:00', 'open', 'x', 'no', '6'],
          ],
        ),
      });
      await withWarehouse(async (w) => {
        await ingestFolder(w, inbox);
        expect(await w.all(`select complaint_id, escalated, csat from raw_complaints order by complaint_id`)).toEqual([
          { complaint_id: 'K1', escalated: true, csat: 5 },
        ]);
        expect(await w.all(`select line_number, reason from quarantine order by line_number`)).toEqual([
          { line_number: 3, reason: "escalated 'y' is not a boolean (use true/false, 1/0 or yes/no)" },
          { line_number: 4, reason: "csat '6' must be at most 5" },
        ]);
      });
    });
  });
});

// One version per key (CONTRACT §2): the latest updated_at wins; ties go to the file ingested later
// (files of one run in file-name order), then to the later line. Both files arrive in one run:
//   V1 complaints-a.csv: packaging; complaints-b.csv: wrong_item, the same updated_at → b wins: wrong_item
//   V2 twice in complaints-a.csv, the same updated_at: line 3 packaging, line 4 lost_parcel → line 4 wins
//   V3 written ' Transit_Damage|packaging |transit_damage' → stored as the set, sorted and distinct:
//      'packaging|transit_damage' (so two writings of one set compare equal)
const UPDATED = '2026-03-24T10:00:00+08:00';
const versionHeader = ['complaint_id', 'channel', 'opened_at', 'status', 'cause_code', 'text', 'updated_at'];
const OPENED = '2026-03-23T10:00:00+08:00';

describe('staging keeps one version per key, and a cause list as a set', () => {
  let world: GoldenWorld;
  beforeAll(async () => {
    world = await runGoldenWorld({
      'complaints-a.csv': toCsv(versionHeader, [
        ['V1', 'chat', OPENED, 'open', 'packaging', 'first file', UPDATED],
        ['V2', 'chat', OPENED, 'open', 'packaging', 'earlier line', UPDATED],
        ['V2', 'chat', OPENED, 'open', 'lost_parcel', 'later line', UPDATED],
        ['V3', 'chat', OPENED, 'open', ' Transit_Damage|packaging |transit_damage', 'written loosely', UPDATED],
      ]),
      'complaints-b.csv': toCsv(versionHeader, [['V1', 'chat', OPENED, 'open', 'wrong_item', 'later file', UPDATED]]),
    });
  });
  afterAll(() => world?.cleanup());

  it('breaks an updated_at tie by the later file, then by the later line', () => {
    const fct = world.csvBy('fct_complaints', 'complaint_id');
    expectCsvRow(fct.get('V1'), { causes: 'wrong_item', cause_method: 'tagged' }, 'V1');
    expectCsvRow(fct.get('V2'), { causes: 'lost_parcel', cause_method: 'tagged' }, 'V2');
  });

  it('stores a cause list as its distinct codes, sorted', async () => {
    expect(await world.query(`select complaint_id, cause_code, text from stg_complaints order by complaint_id`)).toEqual([
      { complaint_id: 'V1', cause_code: 'wrong_item', text: 'later file' },
      { complaint_id: 'V2', cause_code: 'lost_parcel', text: 'later line' },
      { complaint_id: 'V3', cause_code: 'packaging|transit_damage', text: 'written loosely' },
    ]);
  });
});
