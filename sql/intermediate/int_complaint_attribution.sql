-- grain: one row per complaint opened up to as_of.
-- definition (CONTRACT §5): the shipment is the complaint's shipment_id, else the only shipment of its
-- order, else none (unattributed); the SKU is its sku, else the only SKU of its order, else none.
-- A complaint that names a shipment but no order belongs to that shipment's order (our choice where
-- the contract is silent: the shipment says which order it is about).
-- carrier and category follow from the attributed shipment and SKU.
with complaints as (
  select c.*, coalesce(c.order_id, named.order_id) as attributed_order_id
  from stg_complaints c
  left join stg_shipments named on named.shipment_id = c.shipment_id
  where c.opened_at <= getvariable('as_of')
)
select
  c.complaint_id,
  c.attributed_order_id as order_id,
  coalesce(c.shipment_id, o.sole_shipment_id) as shipment_id,
  case when c.shipment_id is not null then 'given' when o.sole_shipment_id is not null then 'order' else 'none' end as shipment_attribution,
  coalesce(c.sku, o.sole_sku) as sku,
  case when c.sku is not null then 'given' when o.sole_sku is not null then 'order' else 'none' end as sku_attribution,
  s.carrier,
  p.category
from complaints c
left join int_order_facts o on o.order_id = c.attributed_order_id
left join stg_shipments s on s.shipment_id = coalesce(c.shipment_id, o.sole_shipment_id)
left join stg_products p on p.sku = coalesce(c.sku, o.sole_sku)
