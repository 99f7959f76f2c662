/**
 * Everything the weekly review reads, in one pass over the marts: the headline numbers, the week's
 * causes and movers, carrier rows, listing flags, SLA rows, waiting complaints and action verdicts.
 */
import type { Warehouse } from '../../pipelines/core/warehouse.ts';
import { queryCarrierWeeks } from '../logistics/logistics-queries.ts';
import { queryListings, type ListingRow } from '../merchandising/merchandising-queries.ts';
import type { ActionEffectRow, CarrierWeekRow, CauseWeekRow, SlaWeekRow } from '../mart-rows.ts';
import { queryActionEffects, queryCauseMovers, queryCauseWeeks, queryComplaintsPerWeek, type CauseMoverRow } from '../quality/quality-queries.ts';
import { querySlaWeeks, queryWaitingComplaints } from '../service/service-queries.ts';
import { queryHeadline, type Headline } from '../shared/headline-queries.ts';
import { queryOrdersPerWeek, type OrdersWeekRow } from '../shared/mart-gap-queries.ts';
import { queryLocalTimestamp } from '../shared/weeks.ts';

export interface ReviewData {
  reportWeek: string;
  asOfText: string;
  headline: Headline;
  causeWeeks: CauseWeekRow[];
  movers: CauseMoverRow[];
  complaintsPerWeek: { week: string; complaints: number }[];
  ordersPerWeek: OrdersWeekRow[];
  carrierWeeks: CarrierWeekRow[];
  listings: ListingRow[];
  slaWeeks: SlaWeekRow[];
  waitingPastTarget: number;
  actions: ActionEffectRow[];
}

export async function queryReviewData(warehouse: Warehouse, asOf: Date, reportWeek: string): Promise<ReviewData> {
  return {
    reportWeek,
    asOfText: await queryLocalTimestamp(warehouse, asOf),
    headline: await queryHeadline(warehouse, asOf, reportWeek),
    causeWeeks: await queryCauseWeeks(warehouse),
    movers: await queryCauseMovers(warehouse),
    complaintsPerWeek: await queryComplaintsPerWeek(warehouse),
    ordersPerWeek: await queryOrdersPerWeek(warehouse, asOf),
    carrierWeeks: await queryCarrierWeeks(warehouse),
    listings: await queryListings(warehouse),
    slaWeeks: await querySlaWeeks(warehouse),
    waitingPastTarget: (await queryWaitingComplaints(warehouse, asOf)).length,
    actions: await queryActionEffects(warehouse),
  };
}
