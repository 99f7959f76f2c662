/**
 * Mart rows for dashboard tests: a neutral row with every column, overridden where the test cares.
 */
import type { ActionEffectRow, ListingFlagRow, SlaWeekRow } from '../../dashboards/mart-rows.ts';

/** An implemented carrier action with no evidence yet; override what the test is about. */
export function actionEffectRow(overrides: Partial<ActionEffectRow> = {}): ActionEffectRow {
  return {
    action_id: 'A1',
    cause_code: 'transit_damage',
    scope_type: 'carrier',
    scope_value: 'Heron',
    status: 'implemented',
    implemented_at: null,
    before_exposures: 0,
    before_events: 0,
    before_rate: null,
    after_exposures: 0,
    after_events: 0,
    after_rate: null,
    p_value: null,
    verdict: 'effective',
    title: null,
    owner: null,
    opened_at: null,
    due_at: null,
    after_days: null,
    after_days_planned: 56,
    p_value_worse: null,
    worsened: null,
    ...overrides,
  };
}

/** A toys listing with 10 NAD orders of 100 against a category rate of 2 %, its q-value `q`. */
export function listingFlagRow(sku: string, flagged: boolean, q: number | null): ListingFlagRow {
  return {
    sku,
    category: 'toys',
    window_start: '2026-03-02T00:00:00+08:00',
    window_end: '2026-03-30T00:00:00+08:00',
    orders: 100,
    nad_orders: 10,
    nad_rate: 0.1,
    category_rate: 0.02,
    p_value: q,
    q_value: q,
    flagged,
    top_excerpt: null,
  };
}

/** A week of one channel and severity: every complaint answered, `breached` of them late; override the rest. */
export function slaWeekRow(
  week: string,
  channel: string,
  severity: string,
  complaints: number,
  breached: number,
  overrides: Partial<SlaWeekRow> = {},
): SlaWeekRow {
  return {
    week,
    channel,
    severity,
    complaints,
    responded: complaints,
    breached,
    breach_rate: breached / complaints,
    median_first_response_minutes: null,
    p90_first_response_minutes: null,
    awaiting_within_target: 0,
    median_resolution_hours: null,
    escalation_rate: 0,
    reopen_rate: 0,
    followup_rate: 0,
    csat_avg: null,
    ...overrides,
  };
}
