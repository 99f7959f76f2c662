/**
 * Which models a config edit builds whole (pipelines/run/incremental-plan.ts, modelFingerprints): the
 * models whose SQL names a run input the edit changed, and every model reading them, down to the marts;
 * none for a setting no model reads. incremental-facts.test.ts checks on a run that such a partial
 * whole build ends where one whole build does.
 */
import { describe, expect, it } from 'vitest';
import { defaultConfig, type Config } from '../../../pipelines/core/config.ts';
import { modelFingerprints } from '../../../pipelines/run/incremental-plan.ts';
import { MODELS } from '../../../models/declarations.ts';

const BASE = modelFingerprints(defaultConfig());
const changedBy = (edit: (config: Config) => Config): string[] => {
  const fingerprints = modelFingerprints(edit(defaultConfig()));
  return MODELS.map((m) => m.name).filter((name) => fingerprints.get(name) !== BASE.get(name));
};

/** Everything downstream of the complaint facts: what reads fct_complaints, directly or not. */
const READERS_OF_FCT = [
  'int_shipment_damage',
  'int_carrier_lane_days',
  'int_carrier_category_days',
  'mart_carrier_weekly',
  'mart_listing_flags',
  'mart_sla_weekly',
  'mart_cause_weekly',
  'mart_action_effectiveness',
  'mart_carrier_lane_weekly',
  'mart_carrier_category_weekly',
  'mart_carrier_delay_weekly',
];

describe('model fingerprints', () => {
  it('gives every declared model one, the same for the same config', () => {
    expect([...BASE.keys()].sort()).toEqual(MODELS.map((m) => m.name).sort());
    expect(modelFingerprints(defaultConfig())).toEqual(BASE);
  });

  it('changes none for settings no model reads', () => {
    expect(changedBy((c) => ({ ...c, controlChart: { ...c.controlChart, rampUpWeeks: 8 } }))).toEqual([]);
    expect(changedBy((c) => ({ ...c, alerts: { ...c.alerts, recentWeeks: 4 } }))).toEqual([]);
    expect(changedBy((c) => ({ ...c, schedule: { ...c.schedule, jobs: [] } }))).toEqual([]);
    expect(changedBy((c) => ({ ...c, warehouse: { ...c.warehouse, memoryLimit: '4GB' } }))).toEqual([]);
  });

  it('changes a cause rule’s model and everything reading it', () => {
    const rule = { cause_code: 'packaging', include: ['泡沫太少'], exclude: [] };
    expect(changedBy((c) => ({ ...c, causeRules: [rule] }))).toEqual(['int_complaint_cause_sets', 'fct_complaints', ...READERS_OF_FCT]);
  });

  it('changes the SLA chain for a holiday or a target, from the calendar or the clocks down', () => {
    const fromClocks = ['int_complaint_sla', 'fct_complaints', ...READERS_OF_FCT];
    expect(changedBy((c) => ({ ...c, holidays: ['2026-10-01'] }))).toEqual(['int_business_calendar', ...fromClocks]);
    expect(changedBy((c) => ({ ...c, sla: { ...c.sla, targets: { ...c.sla.targets, general: { minutes: 4320, clock: 'business' } } } }))).toEqual(fromClocks);
  });

  it('changes only the listing models for the listing window, only the carrier marts for the breakage target', () => {
    expect(changedBy((c) => ({ ...c, listing: { ...c.listing, windowDays: 14 } }))).toEqual(['int_listing_window_skus', 'mart_listing_flags']);
    expect(changedBy((c) => ({ ...c, listing: { ...c.listing, minOrders: 50 } }))).toEqual(['mart_listing_flags']);
    expect(changedBy((c) => ({ ...c, carrier: { breakageTargetPer1000: 3 } }))).toEqual(['mart_carrier_weekly']);
  });

  it('changes every model for another time zone (local dates and weeks)', () => {
    expect(changedBy((c) => ({ ...c, timezone: 'Europe/Berlin' }))).toEqual(MODELS.map((m) => m.name));
  });
});
