/**
 * Mart rows for dashboard tests: a neutral row with every column, overridden where the test cares.
 */
import type { ActionEffectRow } from '../../dashboards/mart-rows.ts';

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
    ...overrides,
  };
}
