-- grain: one row per carrier, local ISO week of delivered_at and product category of the shipment's
-- order (categories with at least one delivery only).
-- definition: delivered_shipments and damaged_shipments as in mart_carrier_weekly, split by the category
-- of what the parcel held (int_order_categories: the order's one category, or 'mixed'), so packaging
-- problems of one category stand out from a carrier's handling; '?' when the order's items are unknown.
-- The days' counts of int_carrier_category_days added up by week.
select
  carrier,
  cast(date_trunc('week', delivery_date) as date) as week,
  category,
  cast(sum(delivered_shipments) as bigint) as delivered_shipments,
  cast(sum(damaged_shipments) as bigint) as damaged_shipments
from int_carrier_category_days
group by all
