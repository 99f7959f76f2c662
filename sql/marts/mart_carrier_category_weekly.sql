-- grain: one row per carrier, local ISO week of delivered_at and product category of the shipment's
-- order (categories with at least one delivery only).
-- definition: delivered_shipments and damaged_shipments as in mart_carrier_weekly, split by the category
-- of what the parcel held, so packaging problems of one category stand out from a carrier's handling.
-- An order's category is its items' one category; 'mixed' when its items span several (an item whose
-- product is unknown counts as category '?'); '?' when the order's items are unknown. The category is
-- the order's because a shipment does not record which of the order's items it carries.
-- Memory: the per-order aggregate runs over every order line (9.7 M at benchmark scale L) and was the
-- largest allocation of a run; categories are numbered first so each order's state is two integers,
-- not two strings. One category = lowest number equals highest: no count(distinct) per order.
with categories as (
  select category, row_number() over (order by category) as category_no
  from (select coalesce(category, '?') as category from stg_products union select '?')
),
order_categories as (
  select i.order_id, min(c.category_no) as lowest, max(c.category_no) as highest
  from stg_order_items i
  left join stg_products p using (sku)
  join categories c on c.category = coalesce(p.category, '?')
  group by i.order_id
)
select
  s.carrier,
  s.week,
  case when oc.order_id is null then '?' when oc.lowest = oc.highest then c.category else 'mixed' end as category,
  count(*) as delivered_shipments,
  count(*) filter (where s.is_damaged) as damaged_shipments
from int_shipment_damage s
left join order_categories oc using (order_id)
left join categories c on c.category_no = oc.lowest
group by all
