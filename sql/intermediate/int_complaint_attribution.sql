-- grain: one row per complaint (any opened_at: nothing here depends on as_of).
-- Kept in the file and rebuilt for the complaints whose order, shipment or SKU as recorded, or whose
-- order's items, shipments or products, changed since the last build (sql/changes/complaint_inputs.sql);
-- fct_complaints also rebuilds the complaints whose record changed otherwise or whose clock moved with
-- as_of, and reads their attribution here as it was. attributed_from: a 64-bit hash of the recorded
-- order_id, shipment_id and sku, so that a new version of the record that keeps them (an answer, a
-- resolution) is not attributed again.
-- definition (CONTRACT §5): the shipment is the complaint's shipment_id, else the only shipment of its
-- order, else none (unattributed); the SKU is its sku, else the only SKU of its order, else none.
-- A complaint that names a shipment but no order belongs to that shipment's order (our choice where
-- the contract is silent: the shipment says which order it is about).
-- carrier and category follow from the attributed shipment and SKU.
-- The exposures the complaint is about, as mart_action_effectiveness counts events on them (CONTRACT
-- §5), are described here once per complaint and kept in fct_complaints (internal columns, not
-- exported), so that the mart reads them there instead of looking up hundreds of thousands of orders,
-- items and shipments among millions each run (0.75–1.1 s at benchmark scale L):
--   shipment_delivered_at: the attributed shipment's delivered_at when its status is delivered;
--   order_placed_at: the attributed order's ordered_at (null without an order record);
--   sku_in_order, category_in_order: whether the order holds the attributed SKU, or a SKU of its
--     category; order_merchants: the order's merchant_id, else the merchants of its products.
-- Orders, items and shipments may arrive in any order (CONTRACT §2): an order's items and shipments
-- count whether or not the order itself is loaded yet.
-- Speed: only the orders complaints name are summarised (a semi-join), not every order of the
-- business; "exactly one SKU" is min(sku) = max(sku), two plain aggregates instead of a count(distinct).
-- Joins: big inputs on the left, small on the right, built as written (joinsAsWritten in
-- models/declarations.ts): the planner estimates every table of the run's transaction empty and built
-- its hash tables over all shipments. The shipments are therefore only ever probed, and scanned once
-- for the orders complaints name: the shipment a complaint names is nearly always one of its order's,
-- so only the named shipments not found among them are looked up by shipment_id (a second scan of
-- every shipment, 0.2 s a day at scale L, that a hash join with nothing to probe for ends at once).
with complaints_to_attribute as (
  select complaint_id, order_id, shipment_id, sku
  from stg_complaints
  where getvariable('build_int_complaint_attribution') = 'full'
    or complaint_id in (select complaint_id from run_changed_complaint_inputs)
),
-- the shipments of the orders complaints name
given_order_shipments as (
  select s.shipment_id, s.order_id, s.carrier, case when s.status = 'delivered' then s.delivered_at end as delivered_at
  from stg_shipments s
  semi join (select distinct order_id from complaints_to_attribute where order_id is not null) o on o.order_id = s.order_id
),
-- the shipments complaints name: among those, else looked up
named_shipments as (
  select * from given_order_shipments
  semi join complaints_to_attribute c on c.shipment_id = given_order_shipments.shipment_id
  union all
  select s.shipment_id, s.order_id, s.carrier, case when s.status = 'delivered' then s.delivered_at end as delivered_at
  from stg_shipments s
  semi join (
    select shipment_id from complaints_to_attribute where shipment_id is not null
    except
    select shipment_id from given_order_shipments
  ) n on n.shipment_id = s.shipment_id
),
complaints as (
  select c.*, coalesce(c.order_id, named.order_id) as attributed_order_id, named.carrier as named_carrier, named.delivered_at as named_delivered_at
  from complaints_to_attribute c
  left join named_shipments named on named.shipment_id = c.shipment_id
),
complained_orders as (
  select distinct attributed_order_id as order_id from complaints where attributed_order_id is not null
),
-- the complained orders' lines, with their product's category and merchant (products are few: built)
order_lines as (
  select i.order_id, i.sku, p.category, p.merchant_id
  from stg_order_items i
  semi join complained_orders o on o.order_id = i.order_id
  left join stg_products p using (sku)
),
order_skus as (
  select
    order_id,
    case when min(sku) = max(sku) then min(sku) end as sole_sku,
    -- one entry per line, repeats left in: list(distinct …) cost 2 s more at scale L's 900 k orders
    list(sku) as skus,
    list(category) as categories,
    list(merchant_id) filter (where merchant_id is not null) as product_merchants
  from order_lines
  group by order_id
),
-- an order's sole shipment, which only a complaint naming no shipment is attributed to: such a
-- complaint's order is the one it names
order_shipments as (
  select
    order_id,
    case when count(*) = 1 then min(shipment_id) end as sole_shipment_id,
    case when count(*) = 1 then min(carrier) end as sole_carrier,
    case when count(*) = 1 then min(delivered_at) end as sole_delivered_at
  from given_order_shipments
  group by order_id
),
order_records as (
  select o.order_id, o.ordered_at, o.merchant_id
  from stg_orders o
  semi join complained_orders c on c.order_id = o.order_id
)
select
  c.complaint_id,
  c.attributed_order_id as order_id,
  coalesce(c.shipment_id, os.sole_shipment_id) as shipment_id,
  case when c.shipment_id is not null then 'given' when os.sole_shipment_id is not null then 'order' else 'none' end as shipment_attribution,
  coalesce(c.sku, oi.sole_sku) as sku,
  case when c.sku is not null then 'given' when oi.sole_sku is not null then 'order' else 'none' end as sku_attribution,
  case when c.shipment_id is not null then c.named_carrier else os.sole_carrier end as carrier,
  p.category,
  case when c.shipment_id is not null then c.named_delivered_at else os.sole_delivered_at end as shipment_delivered_at,
  r.ordered_at as order_placed_at,
  coalesce(list_contains(oi.skus, coalesce(c.sku, oi.sole_sku)), false) as sku_in_order,
  coalesce(list_contains(oi.categories, p.category), false) as category_in_order,
  case when r.merchant_id is not null then [r.merchant_id] else coalesce(list_distinct(oi.product_merchants), []) end as order_merchants,
  hash(c.order_id, c.shipment_id, c.sku) as attributed_from
from complaints c
left join order_skus oi on oi.order_id = c.attributed_order_id
left join order_shipments os on os.order_id = c.attributed_order_id
left join order_records r on r.order_id = c.attributed_order_id
left join stg_products p on p.sku = coalesce(c.sku, oi.sole_sku)
