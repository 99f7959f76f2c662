// Edges of the SLA clock and the cause Pareto (int_complaint_sla, int_business_calendar, mart_sla_weekly,
// mart_cause_weekly) that the golden worlds (test/models/golden-*.test.ts) leave open; each case was
// found by a mutation of the model that those worlds did not notice. as_of = Monday 2026-03-30 00:00
// +08:00 (GOLDEN_AS_OF) unless a case says otherwise; default config: Asia/Shanghai, business hours
// Mon–Fri 09:00–18:00, targets crisis 60 (calendar), major 120, important 240, general 480 (business minutes).
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
      // answered: no wait left to measure (elapsed_minutes_at_as_of is the wait of unanswered complaints)
      { complaint_id: 'N1', sla_clock: 'business', first_response_minutes: 210, elapsed_minutes_at_as_of: null, sla_breached: false },
      { complaint_id: 'N2', sla_clock: 'business', first_response_minutes: null, elapsed_minutes_at_as_of: 13800, sla_breached: true },
    ]);
  });
});
