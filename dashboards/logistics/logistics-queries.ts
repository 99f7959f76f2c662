/**
 * What the logistics dashboard reads: the carrier scorecard mart, plus breakage per lane and per product
 * category and the spread of delays (the dashboard marts mart_carrier_lane_weekly,
 * mart_carrier_category_weekly and mart_carrier_delay_weekly).
 */
import type { Warehouse } from '../../pipelines/core/warehouse.ts';
import type { CarrierCategoryWeekRow, CarrierWeekRow, DelayWeekRow, LaneWeekRow } from '../mart-rows.ts';

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

export async function queryLaneBreakage(warehouse: Warehouse): Promise<LaneWeekRow[]> {
  return warehouse.all<LaneWeekRow>(
    `select carrier, strftime(week, '%Y-%m-%d') as week, origin_region, dest_region,
       delivered_shipments::integer as delivered_shipments, damaged_shipments::integer as damaged_shipments
     from mart_carrier_lane_weekly
     order by carrier, week, origin_region, dest_region`,
  );
}

export async function queryCarrierCategoryBreakage(warehouse: Warehouse): Promise<CarrierCategoryWeekRow[]> {
  return warehouse.all<CarrierCategoryWeekRow>(
    `select carrier, strftime(week, '%Y-%m-%d') as week, category,
       delivered_shipments::integer as delivered_shipments, damaged_shipments::integer as damaged_shipments
     from mart_carrier_category_weekly
     order by carrier, week, category`,
  );
}

export async function queryDelayDistribution(warehouse: Warehouse): Promise<DelayWeekRow[]> {
  return warehouse.all<DelayWeekRow>(
    `select carrier, strftime(week, '%Y-%m-%d') as week, delay_bin::integer as delay_bin, late_shipments::integer as late_shipments
     from mart_carrier_delay_weekly
     order by carrier, week, delay_bin`,
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
