-- grain: one row per order id known from orders, order items or shipments (items and shipments may
-- arrive before their order: CONTRACT §2). ordered_at is null until the order itself is loaded.
-- Feeds attribution (CONTRACT §5): a complaint naming only its order is attributed to the order's
-- shipment when it has exactly one, and to its SKU when it holds exactly one distinct SKU.
with item_summary as (
  select order_id, count(distinct sku) as sku_count, min(sku) as first_sku
  from stg_order_items
  group by order_id
),
shipment_summary as (
  select order_id, count(*) as shipment_count, min(shipment_id) as first_shipment_id
  from stg_shipments
  group by order_id
),
order_ids as (
  select order_id from stg_orders
  union
  select order_id from item_summary
  union
  select order_id from shipment_summary
)
select
  ids.order_id,
  o.customer_id,
  o.ordered_at,
  o.merchant_id,
  coalesce(i.sku_count, 0) as sku_count,
  case when i.sku_count = 1 then i.first_sku end as sole_sku,
  coalesce(s.shipment_count, 0) as shipment_count,
  case when s.shipment_count = 1 then s.first_shipment_id end as sole_shipment_id
from order_ids ids
left join stg_orders o using (order_id)
left join item_summary i using (order_id)
left join shipment_summary s using (order_id)
