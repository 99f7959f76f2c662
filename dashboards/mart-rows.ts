/**
 * Row shapes the dashboards and the report read from the marts (CONTRACT §5, and the dashboard marts
 * declared after them in models/declarations.ts), as the dashboard queries
 * return them: weeks as `YYYY-MM-DD` strings, instants as ISO 8601 strings with the local offset,
 * counts as numbers. Only the columns a page shows are listed.
 */

export interface CauseWeekRow {
  week: string;
  cause_code: string;
  responsible_party: string;
  complaints: number;
  share: number;
  rank: number;
  cumulative_share: number;
  wow_change: number;
}

export interface CarrierWeekRow {
  carrier: string;
  week: string;
  delivered_shipments: number;
  damaged_shipments: number;
  breakage_per_1000: number;
  breakage_ci_low_per_1000: number;
  breakage_ci_high_per_1000: number;
  on_time_shipments: number;
  on_time_rate: number;
  avg_delay_hours: number | null;
  flagged: boolean;
}

export interface ListingFlagRow {
  sku: string;
  category: string | null;
  window_start: string;
  window_end: string;
  orders: number;
  nad_orders: number;
  nad_rate: number;
  category_rate: number | null;
  p_value: number | null;
  q_value: number | null;
  flagged: boolean;
  top_excerpt: string | null;
}

export interface SlaWeekRow {
  week: string;
  channel: string;
  severity: string;
  complaints: number;
  responded: number;
  breached: number;
  breach_rate: number;
  median_first_response_minutes: number | null;
  p90_first_response_minutes: number | null;
  /** Not responded by as_of and still inside the target: the week's breach rate may yet rise. */
  awaiting_within_target: number;
  median_resolution_hours: number | null;
  escalation_rate: number;
  reopen_rate: number;
  followup_rate: number;
  csat_avg: number | null;
}

/** A crisis complaint (fct_complaints.severity = 'crisis': given, or by the safety-word rule). */
export interface CrisisComplaintRow {
  complaint_id: string;
  week: string;
  /** Local ISO 8601. */
  opened_at: string;
  channel: string;
  status: string;
  severity_method: string;
  causes: string;
  sku: string | null;
  first_response_minutes: number | null;
  sla_target_minutes: number;
  sla_breached: boolean;
  elapsed_minutes_at_as_of: number | null;
  excerpt: string | null;
}

export interface ActionEffectRow {
  action_id: string;
  cause_code: string;
  scope_type: string;
  scope_value: string | null;
  status: string;
  implemented_at: string | null;
  before_exposures: number;
  before_events: number;
  before_rate: number | null;
  after_exposures: number;
  after_events: number;
  after_rate: number | null;
  p_value: number | null;
  verdict: 'pending' | 'insufficient_data' | 'effective' | 'not_effective';
  title: string | null;
  owner: string | null;
  opened_at: string | null;
  due_at: string | null;
  /** Days of the after period observed by as_of (null while pending), of after_days_planned. */
  after_days: number | null;
  after_days_planned: number;
  /** The one-sided p-value that the rate rose (after_rate > before_rate). */
  p_value_worse: number | null;
  /** Judged, and the rate rose significantly (null while pending or with insufficient data). */
  worsened: boolean | null;
}

/** mart_orders_weekly: the p-chart's denominator. */
export interface OrdersWeekRow {
  week: string;
  orders: number;
}

/** mart_carrier_lane_weekly (unknown regions as '?'). */
export interface LaneWeekRow {
  carrier: string;
  week: string;
  origin_region: string;
  dest_region: string;
  delivered_shipments: number;
  damaged_shipments: number;
}

/** mart_carrier_category_weekly: the category of the shipment's order, 'mixed' or '?'. */
export interface CarrierCategoryWeekRow {
  carrier: string;
  week: string;
  category: string;
  delivered_shipments: number;
  damaged_shipments: number;
}

/** mart_carrier_delay_weekly. */
export interface DelayWeekRow {
  carrier: string;
  week: string;
  /** Bin i of the mart's delay edges; labels.logistics.delayBins names them. */
  delay_bin: number;
  late_shipments: number;
}

/**
 * The marts a dashboard query may read: the contract's (CONTRACT §5) and the dashboard marts that are
 * built in the same model step but not exported (models/declarations.ts). See
 * dashboards/shared/mart-gap-queries.ts for the one read below them.
 */
export const MART_TABLES = [
  'fct_complaints',
  'mart_carrier_weekly',
  'mart_listing_flags',
  'mart_sla_weekly',
  'mart_cause_weekly',
  'mart_action_effectiveness',
  'mart_orders_weekly',
  'mart_carrier_lane_weekly',
  'mart_carrier_category_weekly',
  'mart_carrier_delay_weekly',
] as const;
