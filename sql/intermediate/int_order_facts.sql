-- grain: one row per order id known from orders, order items or shipments (items and shipments may
-- arrive before their order: CONTRACT §2). ordered_at is null until the order itself is loaded.
-- Feeds attribution (CONTRACT §5): a complaint naming only its order is attributed to the order's
-- shipment when it has exactly one, and to its SKU when it holds exactly one distinct SKU.
-- "Exactly one SKU" is min(sku) = max(sku): two plain aggregates instead of a count(distinct).
with item_summary as (
  select order_id, min(sku) as first_sku, max(sku) as last_sku
  from stg_order_items
  group by order_id
),
shipment_summary as (
  select order_id, count(*) as shipment_count, min(shipment_id) as first_shipment_id
  from stg_shipments
  group by order_id
)
select
  coalesce(o.order_id, i.order_id, s.order_id) as order_id,
  o.customer_id,
  o.ordered_at,
  o.merchant_id,
  case when i.first_sku = i.last_sku then i.first_sku end as sole_sku,
  coalesce(s.shipment_count, 0) as shipment_count,
  case when s.shipment_count = 1 then s.first_shipment_id end as sole_shipment_id
from stg_orders o
full outer join item_summary i on i.order_id = o.order_id
full outer join shipment_summary s on s.order_id = coalesce(o.order_id, i.order_id)
