/**
 * The four facts the dashboards need that no contract mart carries yet: orders placed per week (the
 * p-chart's denominator), breakage per lane, breakage per product category, the spread of delays, and
 * product titles. STYLE says dashboards read marts only; until these become marts (each query below is
 * the body of one, ready to move to `sql/marts/`), they are read here and nowhere else
 * (test/dashboards/layers.test.ts keeps it that way).
 *
 * Proposed marts: mart_orders_weekly (week, orders), mart_shipment_breakage_weekly (carrier, week,
 * origin_region, dest_region, category, delivered_shipments, damaged_shipments), mart_delay_weekly
 * (carrier, week, delay_bin, late_shipments), and `title` as a column of mart_listing_flags.
 */
import type { Warehouse } from '../../pipelines/core/warehouse.ts';

export interface OrdersWeekRow {
  week: string;
  orders: number;
}

export interface LaneWeekRow {
  carrier: string;
  week: string;
  origin_region: string;
  dest_region: string;
  delivered_shipments: number;
  damaged_shipments: number;
}

export interface CarrierCategoryWeekRow {
  carrier: string;
  week: string;
  category: string;
  delivered_shipments: number;
  damaged_shipments: number;
}

export interface DelayWeekRow {
  carrier: string;
  week: string;
  /** Index into DELAY_BIN_EDGES_HOURS: bin i is [edge i, edge i+1). */
  delay_bin: number;
  late_shipments: number;
}

/** Lower edges (hours) of the delay bins; the last is open-ended. Labels: labels.logistics.delayBins. */
export const DELAY_BIN_EDGES_HOURS = [0, 6, 12, 24, 48, 72, 120] as const;

/** Orders placed up to as_of, per local week of ordered_at. */
export async function queryOrdersPerWeek(warehouse: Warehouse, asOf: Date): Promise<OrdersWeekRow[]> {
  return warehouse.all<OrdersWeekRow>(
    `select strftime(local_week(ordered_at), '%Y-%m-%d') as week, count(*)::integer as orders
     from int_order_facts
     where ordered_at is not null and ordered_at <= $1::timestamptz
     group by all
     order by week`,
    [asOf],
  );
}

/** Delivered and damaged shipments per carrier, week of delivery and lane (unknown regions as '?'). */
export async function queryLaneBreakage(warehouse: Warehouse): Promise<LaneWeekRow[]> {
  return warehouse.all<LaneWeekRow>(
    `select carrier, strftime(week, '%Y-%m-%d') as week,
       coalesce(origin_region, '?') as origin_region, coalesce(dest_region, '?') as dest_region,
       count(*)::integer as delivered_shipments, (count(*) filter (where is_damaged))::integer as damaged_shipments
     from int_shipment_damage
     group by all
     order by carrier, week, origin_region, dest_region`,
  );
}

/**
 * Delivered and damaged shipments per carrier, week and product category of the shipment's order: the
 * order's one category, 'mixed' when its items span several, '?' when its items are unknown.
 */
export async function queryCarrierCategoryBreakage(warehouse: Warehouse): Promise<CarrierCategoryWeekRow[]> {
  return warehouse.all<CarrierCategoryWeekRow>(
    `with order_categories as (
       select i.order_id,
         case when count(distinct coalesce(p.category, '?')) = 1 then any_value(coalesce(p.category, '?')) else 'mixed' end as category
       from stg_order_items i
       left join stg_products p using (sku)
       group by i.order_id
     )
     select s.carrier, strftime(s.week, '%Y-%m-%d') as week, coalesce(oc.category, '?') as category,
       count(*)::integer as delivered_shipments, (count(*) filter (where s.is_damaged))::integer as damaged_shipments
     from int_shipment_damage s
     left join order_categories oc using (order_id)
     group by all
     order by carrier, week, category`,
  );
}

/** Late shipments per carrier, week of delivery and delay bin. */
export async function queryDelayDistribution(warehouse: Warehouse): Promise<DelayWeekRow[]> {
  const edges = DELAY_BIN_EDGES_HOURS.slice(1);
  const binCase = `case ${edges.map((edge, i) => `when delay_hours < ${edge} then ${i}`).join(' ')} else ${edges.length} end`;
  return warehouse.all<DelayWeekRow>(
    `select carrier, strftime(week, '%Y-%m-%d') as week, ${binCase} as delay_bin, count(*)::integer as late_shipments
     from int_shipment_damage
     where delay_hours is not null
     group by all
     order by carrier, week, delay_bin`,
  );
}

/** Product titles by SKU, for the SKUs of the listing mart. */
export async function queryProductTitles(warehouse: Warehouse): Promise<Map<string, string>> {
  const rows = await warehouse.all<{ sku: string; title: string | null }>(
    `select p.sku, p.title from stg_products p where p.sku in (select sku from mart_listing_flags)`,
  );
  return new Map(rows.map((row) => [row.sku, row.title ?? '']));
}
