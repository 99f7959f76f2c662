// Golden world for mart_cause_weekly, the weekly Pareto of causes (CONTRACT §4, §5).
// as_of = Monday 2026-03-30 00:00 +08:00; weeks are Asia/Shanghai ISO weeks named by their Monday.
// A complaint with two causes counts once for each; share = complaints / all cause assignments of the
// week; rank 1 = most complaints, ties broken by cause_code; cumulative_share summed in rank order;
// wow_change = complaints − the same cause's complaints in the week before (0 when absent there).
//
// Week 02-23: P0 delivery_delay, opened "2026-03-01 23:59" (naive = local Sunday; read as UTC it would be
//   Monday 07:59 local, week 03-02) → delivery_delay 1: share 1, rank 1, cumulative 1, wow 1 − 0 = 1
// Week 03-02: P1 transit_damage opened 2026-03-01T16:30Z (= Monday 00:30 local: week 03-02, not 02-23),
//   P2 transit_damage|delivery_delay (two causes: one assignment each), P3 transit_damage,
//   P4 delivery_delay, P5 packaging → 5 complaints, 6 assignments
//   transit_damage 3: share 3/6 = 0.5,   rank 1, cumulative 0.5,       wow 3 − 0 = 3
//   delivery_delay 2: share 2/6 = 1/3,   rank 2, cumulative 5/6,       wow 2 − 1 = 1
//   packaging      1: share 1/6,         rank 3, cumulative 1,         wow 1 − 0 = 1
// Week 03-09: Q1 packaging|wrong_item, Q2 packaging, Q3 wrong_item, Q4 transit_damage opened
//   2026-03-15T15:30Z (= Sunday 23:30 local: still week 03-09) → 4 complaints, 5 assignments
//   packaging      2: share 0.4, rank 1 (tie with wrong_item, 'packaging' < 'wrong_item'), cum 0.4, wow 2 − 1 = 1
//   wrong_item     2: share 0.4, rank 2, cumulative 0.8, wow 2 − 0 = 2
//   transit_damage 1: share 0.2, rank 3, cumulative 1,   wow 1 − 3 = −2
//   (delivery_delay had 2 in 03-02 and none here: no row, since the grain is causes present that week)
// Week 03-16: no complaints → no rows.
// Week 03-23: R1, R2 transit_damage (R2 opened "2026-03-29 23:59", naive Sunday), R3 quality_defect,
//   R4 refund_process, R6 untagged "The parcel is late" → delivery_delay by rule, R7 untagged "Hello" →
//   other (unclassified); R5 transit_damage opened 1 s after as_of does not count → 6 assignments
//   transit_damage 2: share 2/6 = 1/3, rank 1, cumulative 1/3, wow 2 − 0 = 2 (03-16 is empty: the full
//                     count, not 2 − 1 against 03-09)
//   then a four-way tie at 1 (share 1/6 each), ranked by cause_code:
//   delivery_delay rank 2 cum 1/2; other rank 3 cum 2/3; quality_defect rank 4 cum 5/6; refund_process rank 5 cum 1
//   wow: each 1 − 0 = 1
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCsvRow, runGoldenWorld, toCsv, type GoldenWorld } from './golden-world.ts';

const complaints = toCsv(
  ['complaint_id', 'channel', 'opened_at', 'status', 'cause_code', 'text'],
  [
    ['P0', 'chat', '2026-03-01 23:59', 'open', 'delivery_delay', 'tagged by the agent'],
    ['P1', 'chat', '2026-03-01T16:30:00Z', 'open', 'transit_damage', 'tagged by the agent'],
    ['P2', 'app', '2026-03-03T10:00:00+08:00', 'open', 'transit_damage|delivery_delay', 'tagged by the agent'],
    ['P3', 'app', '2026-03-04T10:00:00+08:00', 'open', 'Transit_Damage', 'tagged by the agent'],
    ['P4', 'hotline', '2026-03-05T10:00:00+08:00', 'open', 'delivery_delay', 'tagged by the agent'],
    ['P5', 'email', '2026-03-08T10:00:00+08:00', 'open', 'packaging', 'tagged by the agent'],
    ['Q1', 'chat', '2026-03-09T10:00:00+08:00', 'open', 'packaging|wrong_item', 'tagged by the agent'],
    ['Q2', 'chat', '2026-03-10T10:00:00+08:00', 'open', 'packaging', 'tagged by the agent'],
    ['Q3', 'chat', '2026-03-11T10:00:00+08:00', 'open', 'wrong_item', 'tagged by the agent'],
    ['Q4', 'chat', '2026-03-15T15:30:00Z', 'open', 'transit_damage', 'tagged by the agent'],
    ['R1', 'chat', '2026-03-23T10:00:00+08:00', 'open', 'transit_damage', 'tagged by the agent'],
    ['R2', 'chat', '2026-03-29 23:59', 'open', 'transit_damage', 'tagged by the agent'],
    ['R3', 'chat', '2026-03-24T10:00:00+08:00', 'open', 'quality_defect', 'tagged by the agent'],
    ['R4', 'chat', '2026-03-25T10:00:00+08:00', 'open', 'refund_process', 'tagged by the agent'],
    ['R5', 'chat', '2026-03-30T00:00:01+08:00', 'open', 'transit_damage', 'opened after as_of'],
    ['R6', 'chat', '2026-03-26T10:00:00+08:00', 'open', null, 'The parcel is late'],
    ['R7', 'chat', '2026-03-27T10:00:00+08:00', 'open', null, 'Hello'],
  ],
);

let world: GoldenWorld;

beforeAll(async () => {
  world = await runGoldenWorld({ 'complaints-2026-03-30.csv': complaints });
});

afterAll(() => world?.cleanup());

describe('mart_cause_weekly golden world', () => {
  const rows = () => world.csvBy('mart_cause_weekly', 'week', 'cause_code');
  const check = (week: string, cause: string, party: string, complaints: number, share: number, rank: number, cumulative: number, wow: number) =>
    expectCsvRow(
      rows().get(`${week}|${cause}`),
      { responsible_party: party, complaints, share, rank, cumulative_share: cumulative, wow_change: wow },
      `${week} ${cause}`,
    );

  it('has one row per week and cause present that week: none for the empty week or after as_of', () => {
    expect(world.csv('mart_cause_weekly').map((r) => `${r.week} ${r.cause_code}`)).toEqual([
      '2026-02-23 delivery_delay',
      '2026-03-02 delivery_delay',
      '2026-03-02 packaging',
      '2026-03-02 transit_damage',
      '2026-03-09 packaging',
      '2026-03-09 transit_damage',
      '2026-03-09 wrong_item',
      '2026-03-23 delivery_delay',
      '2026-03-23 other',
      '2026-03-23 quality_defect',
      '2026-03-23 refund_process',
      '2026-03-23 transit_damage',
    ]);
  });

  it('counts a complaint with two causes once per cause, with shares over all assignments of the week', () => {
    check('2026-02-23', 'delivery_delay', 'carrier', 1, 1, 1, 1, 1);
    check('2026-03-02', 'transit_damage', 'carrier', 3, 0.5, 1, 0.5, 3);
    check('2026-03-02', 'delivery_delay', 'carrier', 2, 1 / 3, 2, 5 / 6, 1);
    check('2026-03-02', 'packaging', 'warehouse', 1, 1 / 6, 3, 1, 1);
  });

  it('breaks a Pareto tie by cause_code, and writes a negative week-on-week change', () => {
    check('2026-03-09', 'packaging', 'warehouse', 2, 0.4, 1, 0.4, 1);
    check('2026-03-09', 'wrong_item', 'warehouse', 2, 0.4, 2, 0.8, 2);
    check('2026-03-09', 'transit_damage', 'carrier', 1, 0.2, 3, 1, -2);
    expect(rows().get('2026-03-09|transit_damage')!.wow_change).toBe('-2');
  });

  it('compares with an empty previous week as zero, and ranks rule-classified and unclassified causes too', () => {
    check('2026-03-23', 'transit_damage', 'carrier', 2, 1 / 3, 1, 1 / 3, 2);
    check('2026-03-23', 'delivery_delay', 'carrier', 1, 1 / 6, 2, 1 / 2, 1);
    check('2026-03-23', 'other', 'unknown', 1, 1 / 6, 3, 2 / 3, 1);
    check('2026-03-23', 'quality_defect', 'supplier', 1, 1 / 6, 4, 5 / 6, 1);
    check('2026-03-23', 'refund_process', 'operations', 1, 1 / 6, 5, 1, 1);
  });

  it('agrees with fct_complaints on each complaint’s causes and method', () => {
    const fct = world.csvBy('fct_complaints', 'complaint_id');
    expect([...fct.keys()].sort()).toEqual(['P0', 'P1', 'P2', 'P3', 'P4', 'P5', 'Q1', 'Q2', 'Q3', 'Q4', 'R1', 'R2', 'R3', 'R4', 'R6', 'R7']);
    expectCsvRow(fct.get('P2'), { causes: 'delivery_delay|transit_damage', cause_method: 'tagged', responsible_parties: 'carrier' }, 'P2');
    expectCsvRow(fct.get('Q1'), { causes: 'packaging|wrong_item', cause_method: 'tagged', responsible_parties: 'warehouse' }, 'Q1');
    expectCsvRow(fct.get('R6'), { causes: 'delivery_delay', cause_method: 'rule', responsible_parties: 'carrier' }, 'R6');
    expectCsvRow(fct.get('R7'), { causes: 'other', cause_method: 'unclassified', responsible_parties: 'unknown' }, 'R7');
  });

  it('holds the same Pareto in the DuckDB table as in the CSV', async () => {
    const table = await world.query<{ key: string; rank: number; wow_change: number; cumulative_share: number }>(
      `select strftime(week, '%Y-%m-%d') || '|' || cause_code as key, rank, wow_change, cumulative_share from mart_cause_weekly order by week, cause_code`,
    );
    const csv = rows();
    expect(table.map((r) => r.key)).toEqual([...csv.keys()]);
    for (const r of table) {
      const c = csv.get(r.key)!;
      expect([r.rank, r.wow_change, r.cumulative_share]).toEqual([Number(c.rank), Number(c.wow_change), Number(c.cumulative_share)]);
    }
  });
});
