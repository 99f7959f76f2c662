/**
 * The headline numbers of a week and the week before, shared by the site's overview and the weekly
 * review so both print the same figures. Every ratio is Σ numerator / Σ denominator over the week's mart
 * rows (never a mean of rates). Computed from rows the pages read anyway (mart-snapshot.ts), so the
 * headline costs no query of its own.
 */
import type { ActionEffectRow, CarrierWeekRow, ListingFlagRow, OrdersWeekRow, SlaWeekRow } from '../mart-rows.ts';
import { isEarlyVerdict } from './actions-table.ts';
import { compareText } from './compare-text.ts';
import type { Formatter } from './format.ts';
import type { Labels } from './labels.ts';
import { shiftWeek } from './weeks.ts';

export interface WeekHeadline {
  week: string;
  complaints: number;
  orders: number;
  complaintsPer1000Orders: number | null;
  delivered: number;
  damaged: number;
  breakagePer1000: number | null;
  onTimeRate: number | null;
  slaComplaints: number;
  slaBreached: number;
  breachRate: number | null;
  /** Complaints of the week without a first response yet, inside their target: breachRate may still rise. */
  slaAwaitingWithinTarget: number;
  /** Complaints of the week graded crisis, and of those the ones past their first-response target. */
  crisisComplaints: number;
  crisisBreached: number;
  flaggedCarriers: string[];
}

export interface Headline {
  current: WeekHeadline;
  previous: WeekHeadline;
  /**
   * Orders of the week against the week before, as a relative change (0.42 = +42 %), when it is at least
   * ORDER_SWING either way, else null. Complaints come days after their order, so complaints per 1,000
   * orders of the same week reads low in a week of a sale and high in the week after: a drop that no
   * quality change caused.
   */
  orderSwing: number | null;
  /** Listings flagged in the window ending at as_of. */
  flaggedListings: string[];
  /** Complaints open at as_of without a first response, past target. */
  waitingPastTarget: number;
  actionsEffective: number;
  /** Of the effective ones, those judged before their after period ran its planned length. */
  actionsEffectiveEarly: number;
  /** Actions with a verdict other than pending. */
  actionsJudged: number;
  /** Actions whose rate rose significantly after them (mart_action_effectiveness.worsened), by id. */
  actionsWorsened: string[];
}

/** The mart rows a headline is computed from: whole tables, as the dashboards read them. */
export interface HeadlineSources {
  complaintsPerWeek: readonly { week: string; complaints: number }[];
  ordersPerWeek: readonly OrdersWeekRow[];
  carrierWeeks: readonly CarrierWeekRow[];
  slaWeeks: readonly SlaWeekRow[];
  listings: readonly ListingFlagRow[];
  /** Complaints open at as_of without a first response, past target. */
  waitingPastTarget: number;
  actions: readonly ActionEffectRow[];
}

/** A week-on-week change in orders from which complaints per 1,000 orders gets a caveat. */
export const ORDER_SWING = 0.25;

const sum = <Row>(rows: readonly Row[], value: (row: Row) => number) => rows.reduce((total, row) => total + value(row), 0);

function summarizeWeek(sources: HeadlineSources, week: string): WeekHeadline {
  const complaints = sources.complaintsPerWeek.find((row) => row.week === week)?.complaints ?? 0;
  const orders = sources.ordersPerWeek.find((row) => row.week === week)?.orders ?? 0;
  const carriers = sources.carrierWeeks.filter((row) => row.week === week);
  const sla = sources.slaWeeks.filter((row) => row.week === week);
  const delivered = sum(carriers, (row) => row.delivered_shipments);
  const damaged = sum(carriers, (row) => row.damaged_shipments);
  const onTime = sum(carriers, (row) => row.on_time_shipments);
  const slaComplaints = sum(sla, (row) => row.complaints);
  const slaBreached = sum(sla, (row) => row.breached);
  const crisis = sla.filter((row) => row.severity === 'crisis');
  return {
    week,
    complaints,
    orders,
    complaintsPer1000Orders: orders > 0 ? (1000 * complaints) / orders : null,
    delivered,
    damaged,
    breakagePer1000: delivered > 0 ? (1000 * damaged) / delivered : null,
    onTimeRate: delivered > 0 ? onTime / delivered : null,
    slaComplaints,
    slaBreached,
    breachRate: slaComplaints > 0 ? slaBreached / slaComplaints : null,
    slaAwaitingWithinTarget: sum(sla, (row) => row.awaiting_within_target),
    crisisComplaints: sum(crisis, (row) => row.complaints),
    crisisBreached: sum(crisis, (row) => row.breached),
    flaggedCarriers: carriers
      .filter((row) => row.flagged)
      .map((row) => row.carrier)
      .sort(compareText),
  };
}

/** The headline of `week` (and the week before). */
export function summarizeHeadline(sources: HeadlineSources, week: string): Headline {
  // Most significant first, as the review lists them; a flagged listing always has a q-value.
  const flaggedListings = sources.listings
    .filter((row) => row.flagged)
    .sort((a, b) => (a.q_value ?? Infinity) - (b.q_value ?? Infinity) || compareText(a.sku, b.sku))
    .map((row) => row.sku);
  const current = summarizeWeek(sources, week);
  const previous = summarizeWeek(sources, shiftWeek(week, -1));
  const change = previous.orders > 0 ? current.orders / previous.orders - 1 : null;
  return {
    current,
    previous,
    orderSwing: change !== null && Math.abs(change) >= ORDER_SWING ? change : null,
    flaggedListings,
    waitingPastTarget: sources.waitingPastTarget,
    actionsEffective: sources.actions.filter((row) => row.verdict === 'effective').length,
    actionsEffectiveEarly: sources.actions.filter((row) => row.verdict === 'effective' && isEarlyVerdict(row)).length,
    actionsJudged: sources.actions.filter((row) => row.verdict !== 'pending').length,
    actionsWorsened: sources.actions
      .filter((row) => row.worsened)
      .map((row) => row.action_id)
      .sort(compareText),
  };
}

/** "4 / 8", with "(4 of them early)" when some were judged before their after period ran its length. */
export function describeEffectiveCount(headline: Headline, labels: Labels, format: Formatter): string {
  const count = `${format.count(headline.actionsEffective)} / ${format.count(headline.actionsJudged)}`;
  const early = headline.actionsEffectiveEarly;
  return early > 0 ? `${count}${labels.aside(labels.headline.actionsEffectiveEarly(format.count(early)))}` : count;
}
