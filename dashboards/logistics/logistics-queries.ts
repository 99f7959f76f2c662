/**
 * What the logistics dashboard reads: the carrier scorecard mart, plus breakage per lane and per product
 * category and the spread of delays (not in a mart yet, see mart-gap-queries.ts).
 */
import type { Warehouse } from '../../pipelines/core/warehouse.ts';
import type { CarrierWeekRow } from '../mart-rows.ts';
import {
  queryCarrierCategoryBreakage,
  queryDelayDistribution,
  queryLaneBreakage,
  type CarrierCategoryWeekRow,
  type DelayWeekRow,
  type LaneWeekRow,
} from '../shared/mart-gap-queries.ts';

export interface LogisticsData {
  carrierWeeks: CarrierWeekRow[];
  lanes: LaneWeekRow[];
  carrierCategories: CarrierCategoryWeekRow[];
  delays: DelayWeekRow[];
}

export async function queryCarrierWeeks(warehouse: Warehouse): Promise<CarrierWeekRow[]> {
  return warehouse.all<CarrierWeekRow>(
    `select carrier, strftime(week, '%Y-%m-%d') as week, delivered_shipments::integer as delivered_shipments,
       damaged_shipments::integer as damaged_shipments, breakage_per_1000, breakage_ci_low_per_1000, breakage_ci_high_per_1000,
       on_time_shipments::integer as on_time_shipments, on_time_rate, avg_delay_hours, flagged
     from mart_carrier_weekly
     order by carrier, week`,
  );
}

export async function queryLogisticsData(warehouse: Warehouse): Promise<LogisticsData> {
  return {
    carrierWeeks: await queryCarrierWeeks(warehouse),
    lanes: await queryLaneBreakage(warehouse),
    carrierCategories: await queryCarrierCategoryBreakage(warehouse),
    delays: await queryDelayDistribution(warehouse),
  };
}
