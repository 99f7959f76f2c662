-- grain: one row per carrier, local ISO week of delivered_at and product category of the shipment's
-- order (categories with at least one delivery only).
-- definition: delivered_shipments and damaged_shipments as in mart_carrier_weekly, split by the category
-- of what the parcel held (int_order_categories: the order's one category, or 'mixed'), so packaging
-- problems of one category stand out from a carrier's handling; '?' when the order's items are unknown.
-- Rebuilt for the changed delivery weeks only when the last build allows (sql/changes/delivery_weeks.sql).
-- Joins as written (models/declarations.ts): the hash table is built over the deliveries of the weeks
-- built, a few days' worth on a daily run, and the orders' categories (7.5 M at scale L) only probe it.
with delivered as (
  select carrier, week, order_id, is_damaged
  from int_shipment_damage
  where getvariable('build_mart_carrier_category_weekly') = 'full' or (within_changed_delivery_weeks(delivered_at) and week in (select week from run_changed_delivery_weeks))
)
select
  d.carrier,
  d.week,
  coalesce(oc.category, '?') as category,
  count(*) as delivered_shipments,
  count(*) filter (where d.is_damaged) as damaged_shipments
from int_order_categories oc
right join delivered d on d.order_id = oc.order_id
group by all
