// What the dashboards read from the small world's marts (test/dashboards/small-world.ts), through the
// snapshot every page and the review share: the report week, how fresh the data is, complaints per
// week, the movers, the headline's on-time rate and the corrective actions as they stood at as_of.
// Built without the site and review (runGoldenWorld), so it costs the pipeline's models only.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryMartSnapshot, summarizeSnapshotHeadline, type MartSnapshot } from '../../dashboards/mart-snapshot.ts';
import { queryActionEffects } from '../../dashboards/quality/quality-queries.ts';
import { Warehouse } from '../../pipelines/core/warehouse.ts';
import { withWarehouse } from '../helpers/warehouse.ts';
import { runGoldenWorld, type GoldenWorld } from '../models/golden-world.ts';
import { SMALL_WORLD_AS_OF, SMALL_WORLD_REPORT_WEEK, writeSmallWorld } from './small-world.ts';

let world: GoldenWorld;
let warehouse: Warehouse;
let snapshot: MartSnapshot;

beforeAll(async () => {
  const inbox = fs.mkdtempSync(path.join(os.tmpdir(), 'rootloop-snapshot-'));
  try {
    writeSmallWorld(inbox);
    const files = Object.fromEntries(fs.readdirSync(inbox).map((name) => [name, fs.readFileSync(path.join(inbox, name), 'utf8')]));
    world = await runGoldenWorld(files, { asOf: SMALL_WORLD_AS_OF });
  } finally {
    fs.rmSync(inbox, { recursive: true, force: true });
  }
  warehouse = await Warehouse.open(world.databaseFile, { timezone: 'Asia/Shanghai', readOnly: true, migrate: false });
  snapshot = await queryMartSnapshot(warehouse, new Date(SMALL_WORLD_AS_OF));
});

afterAll(async () => {
  await warehouse?.close();
  world?.cleanup();
});

describe('the small world as the dashboards read it', () => {
  it('reviews the week before as_of and dates the data by the newest complaint', () => {
    expect(snapshot.reportWeek).toBe(SMALL_WORLD_REPORT_WEEK);
    // Swift's last damage complaint: delivered day 2026-03-01 (i = 6 of the report week), opened 20:00.
    expect(snapshot.latestComplaintAt).toBe('2026-03-01T20:00:00+08:00');
  });

  it('counts complaints per opening week and pairs each cause with the week before', () => {
    // not_as_described: CREAM-X i = 0…7 opened 02-04…02-11, LOTION-Y and SOAP-Z 02-04 → week 02-02: 5 + 2 = 7,
    // week 02-09: 3. transit_damage: 15 a week in 02-16 and 02-23. service_attitude: WAIT1, LATE1 in 02-23.
    expect(snapshot.quality.complaintsPerWeek).toEqual([
      { week: '2026-02-02', complaints: 7 },
      { week: '2026-02-09', complaints: 3 },
      { week: '2026-02-16', complaints: 15 },
      { week: '2026-02-23', complaints: 17 },
    ]);
    const movers = (week: string) => snapshot.quality.movers.filter((row) => row.week === week).map(({ week: _, ...row }) => row);
    // 02-16: transit_damage 15 against 0; not_as_described 0 against 02-09's 3.
    expect(movers('2026-02-16')).toEqual([
      { cause_code: 'transit_damage', complaints: 15, previous_complaints: 0, wow_change: 15 },
      { cause_code: 'not_as_described', complaints: 0, previous_complaints: 3, wow_change: -3 },
    ]);
    expect(movers(SMALL_WORLD_REPORT_WEEK)).toEqual([
      { cause_code: 'service_attitude', complaints: 2, previous_complaints: 0, wow_change: 2 },
      { cause_code: 'transit_damage', complaints: 15, previous_complaints: 15, wow_change: 0 },
    ]);
    const orderWeeks = snapshot.quality.ordersPerWeek.map((row) => row.week);
    expect(orderWeeks).toEqual([...orderWeeks].sort());
  });

  it("puts the report week's on-time rate and the waiting complaint in the headline", () => {
    // Report week: Swift 100 delivered, 10 late; Calm 100, 5 late; Tiny 10, none late → 195 / 210 on time.
    const headline = summarizeSnapshotHeadline(snapshot);
    expect(headline.current).toMatchObject({ delivered: 210, damaged: 15, onTimeRate: 195 / 210, flaggedCarriers: ['Swift'] });
    // WAIT1, open since 2026-02-24 10:00, past its target
    expect(headline.waitingPastTarget).toBe(1);
  });

  it('shows the actions as they stood at as_of', async () => {
    expect(snapshot.quality.actions.map((row) => [row.action_id, row.status])).toEqual([
      ['B1', 'implemented'],
      ['B2', 'open'],
    ]);
    // B2 was opened 2026-02-20 09:00: a snapshot as of 02-18 does not know it yet.
    const earlier = await queryMartSnapshot(warehouse, new Date('2026-02-18T00:00:00+08:00'));
    expect(earlier.quality.actions.map((row) => [row.action_id, row.status])).toEqual([['B1', 'implemented']]);
    // B1 was implemented at 2026-02-16 00:00: implemented as of that instant, open just before it.
    expect((await queryActionEffects(warehouse, new Date('2026-02-16T00:00:00+08:00'))).map((row) => row.status)).toEqual(['implemented']);
    expect((await queryActionEffects(warehouse, new Date('2026-02-15T23:59:00+08:00'))).map((row) => row.status)).toEqual(['open']);
    // B2 is listed from the instant it was opened.
    expect((await queryActionEffects(warehouse, new Date('2026-02-20T09:00:00+08:00'))).map((row) => row.action_id)).toEqual(['B1', 'B2']);
  });
});

describe('the corrective actions as they stood at as_of', () => {
  it('shows an action implemented or verified after as_of, or without a time, as open, and lists one opened at an unknown time', async () => {
    const asOf = new Date('2026-11-16T00:00:00+08:00');
    await withWarehouse(async (memory) => {
      // Only the columns queryActionEffects reads; the mart's own build is tested in test/models.
      await memory.run(`create table mart_action_effectiveness as
        select * from (values
          ('A1', 'verified', timestamptz '2026-11-16 00:00:01+08', timestamptz '2026-11-01 10:00:00+08'),
          ('A2', 'implemented', null::timestamptz, timestamptz '2026-11-01 10:00:00+08'),
          ('A3', 'verified', timestamptz '2026-11-16 00:00:00+08', null::timestamptz),
          ('A4', 'implemented', timestamptz '2026-11-10 09:00:00+08', timestamptz '2026-11-16 00:00:01+08'),
          ('A5', 'open', null::timestamptz, timestamptz '2026-11-16 00:00:00+08')
        ) t(action_id, status, implemented_at, opened_at),
        lateral (select 'transit_damage' as cause_code, 'carrier' as scope_type, 'SF' as scope_value,
          0 as before_exposures, 0 as before_events, null::double as before_rate, 0 as after_exposures, 0 as after_events,
          null::double as after_rate, null::double as p_value, 'pending' as verdict, 'T' as title, 'O' as owner,
          null::timestamptz as due_at, null::integer as after_days, 28 as after_days_planned, 1.0::double as p_value_worse, null::boolean as worsened)`);
      const rows = await queryActionEffects(memory, asOf);
      // A1 verified a second after as_of: open then. A2 implemented without a time: not yet in effect.
      // A3 verified exactly at as_of (and opened at an unknown time): verified, and listed.
      // A4 opened a second after as_of: nobody had thought of it yet. A5 opened exactly at as_of: listed.
      expect(rows.map((r) => [r.action_id, r.status])).toEqual([
        ['A1', 'open'],
        ['A2', 'open'],
        ['A3', 'verified'],
        ['A5', 'open'],
      ]);
    });
  });
});
