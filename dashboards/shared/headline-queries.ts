/**
 * The headline numbers of a week and the week before, shared by the site's overview and the weekly
 * review so both print the same figures. Every ratio is Σ numerator / Σ denominator over the week's mart
 * rows (never a mean of rates).
 */
import type { Warehouse } from '../../pipelines/core/warehouse.ts';
import { queryOrdersPerWeek } from './mart-gap-queries.ts';
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
  flaggedCarriers: string[];
}

export interface Headline {
  current: WeekHeadline;
  previous: WeekHeadline;
  /** Listings flagged in the window ending at as_of. */
  flaggedListings: string[];
  /** Complaints open at as_of without a first response, past target. */
  waitingPastTarget: number;
  actionsEffective: number;
  /** Actions with a verdict other than pending. */
  actionsJudged: number;
}

async function queryWeekHeadline(warehouse: Warehouse, week: string, ordersByWeek: Map<string, number>): Promise<WeekHeadline> {
  const complaints = await warehouse.scalar(`select count(*) from fct_complaints where week = $1::date`, [week]);
  const carriers = await warehouse.one<{ delivered: number | null; damaged: number | null; on_time: number | null }>(
    `select sum(delivered_shipments)::integer as delivered, sum(damaged_shipments)::integer as damaged, sum(on_time_shipments)::integer as on_time
     from mart_carrier_weekly where week = $1::date`,
    [week],
  );
  const flagged = await warehouse.all<{ carrier: string }>(`select carrier from mart_carrier_weekly where week = $1::date and flagged order by carrier`, [
    week,
  ]);
  const sla = await warehouse.one<{ complaints: number | null; breached: number | null }>(
    `select sum(complaints)::integer as complaints, sum(breached)::integer as breached from mart_sla_weekly where week = $1::date`,
    [week],
  );
  const orders = ordersByWeek.get(week) ?? 0;
  const delivered = carriers?.delivered ?? 0;
  const damaged = carriers?.damaged ?? 0;
  const slaComplaints = sla?.complaints ?? 0;
  const slaBreached = sla?.breached ?? 0;
  return {
    week,
    complaints,
    orders,
    complaintsPer1000Orders: orders > 0 ? (1000 * complaints) / orders : null,
    delivered,
    damaged,
    breakagePer1000: delivered > 0 ? (1000 * damaged) / delivered : null,
    onTimeRate: delivered > 0 ? (carriers?.on_time ?? 0) / delivered : null,
    slaComplaints,
    slaBreached,
    breachRate: slaComplaints > 0 ? slaBreached / slaComplaints : null,
    flaggedCarriers: flagged.map((row) => row.carrier),
  };
}

export async function queryHeadline(warehouse: Warehouse, asOf: Date, week: string): Promise<Headline> {
  const ordersByWeek = new Map((await queryOrdersPerWeek(warehouse, asOf)).map((row) => [row.week, row.orders]));
  const listings = await warehouse.all<{ sku: string }>(`select sku from mart_listing_flags where flagged order by q_value, sku`);
  const waitingPastTarget = await warehouse.scalar(
    `select count(*) from fct_complaints where first_response_minutes is null and sla_breached and status in ('open', 'in_progress', 'reopened')`,
  );
  const verdicts = await warehouse.one<{ effective: number; judged: number }>(
    `select (count(*) filter (where verdict = 'effective'))::integer as effective, (count(*) filter (where verdict <> 'pending'))::integer as judged
     from mart_action_effectiveness`,
  );
  return {
    current: await queryWeekHeadline(warehouse, week, ordersByWeek),
    previous: await queryWeekHeadline(warehouse, shiftWeek(week, -1), ordersByWeek),
    flaggedListings: listings.map((row) => row.sku),
    waitingPastTarget,
    actionsEffective: verdicts?.effective ?? 0,
    actionsJudged: verdicts?.judged ?? 0,
  };
}
