-- grain: one row per carrier, local ISO week of delivered_at and product category of the shipment's
-- order (categories with at least one delivery only).
-- definition: delivered_shipments and damaged_shipments as in mart_carrier_weekly, split by the category
-- of what the parcel held, so packaging problems of one category stand out from a carrier's handling.
-- An order's category is its items' one category; 'mixed' when its items span several (an item whose
-- product is unknown counts as category '?'); '?' when the order's items are unknown. The category is
-- the order's because a shipment does not record which of the order's items it carries.
with order_categories as (
  select
    i.order_id,
    -- one category = min equals max: two plain aggregates instead of a count(distinct) per order
    case when min(coalesce(p.category, '?')) = max(coalesce(p.category, '?')) then min(coalesce(p.category, '?')) else 'mixed' end as category
  from stg_order_items i
  left join stg_products p using (sku)
  group by i.order_id
)
select
  s.carrier,
  s.week,
  coalesce(oc.category, '?') as category,
  count(*) as delivered_shipments,
  count(*) filter (where s.is_damaged) as damaged_shipments
from int_shipment_damage s
left join order_categories oc using (order_id)
group by all
