-- grain: one row per carrier, local ISO week of delivered_at and product category of the shipment's
-- order (categories with at least one delivery only).
-- definition: delivered_shipments and damaged_shipments as in mart_carrier_weekly, split by the category
-- of what the parcel held (int_order_categories: the order's one category, or 'mixed'), so packaging
-- problems of one category stand out from a carrier's handling; '?' when the order's items are unknown.
-- Rebuilt for the changed delivery weeks only when the last build allows (sql/changes/delivery_weeks.sql).
select
  s.carrier,
  s.week,
  coalesce(oc.category, '?') as category,
  count(*) as delivered_shipments,
  count(*) filter (where s.is_damaged) as damaged_shipments
from int_shipment_damage s
left join int_order_categories oc using (order_id)
where (getvariable('build_mart_carrier_category_weekly') = 'full' or s.week in (select week from run_changed_delivery_weeks))
group by all
