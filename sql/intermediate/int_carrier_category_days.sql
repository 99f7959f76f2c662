-- grain: one row per local date of delivered_at, carrier and product category of the shipment's order,
-- with at least one shipment delivered up to as_of.
-- definition: the day's counts behind mart_carrier_category_weekly, which adds them up by week:
-- delivered_shipments and damaged_shipments as in int_carrier_lane_days, split by the category of what
-- the parcel held (int_order_categories: the order's one category, or 'mixed'); '?' when the order's
-- items are unknown.
-- Kept in the file and rebuilt for the changed dates (sql/changes/delivery_days.sql), like
-- int_carrier_lane_days.
-- Joins as written (models/declarations.ts): the hash table is built over the deliveries of the dates
-- built, a day or two's worth on a daily run, and the orders' categories (7.5 M at scale L) only probe it.
with delivered as (
  select carrier, delivered_at, order_id, is_damaged
  from int_shipment_damage
  where getvariable('build_int_carrier_category_days') = 'full'
    or (within_changed_delivery_days(delivered_at) and local_date(delivered_at) in (select delivery_date from run_changed_delivery_days))
)
select
  local_date(d.delivered_at) as delivery_date,
  d.carrier,
  coalesce(oc.category, '?') as category,
  count(*) as delivered_shipments,
  count(*) filter (where d.is_damaged) as damaged_shipments
from int_order_categories oc
right join delivered d on d.order_id = oc.order_id
group by all
