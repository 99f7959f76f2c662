-- grain: one row per corrective action.
-- definition (CONTRACT §5): did the action move its metric?
--   exposures by scope, placed in time by: carrier → its delivered shipments (delivered_at);
--     sku → orders containing it (ordered_at); category → orders containing any SKU of it;
--     merchant → its orders (orders.merchant_id, else the merchant of the order's products);
--     channel → complaints of the channel (opened_at); global → all orders (ordered_at)
--   events: exposures with a complaint (opened up to as_of) of the action's cause, attributed to the
--     shipment (carrier), to the SKU / a SKU of the category (sku, category), to the order (merchant,
--     global); for channel the complaint itself having the cause
--   before = [implemented_at − 56 d, implemented_at); after = [implemented_at + 7 d,
--     min(implemented_at + 63 d, as_of)): the first week is skipped because a fix takes time to reach
--     parcels already in the network
--   p_value: one-sided pooled two-proportion z-test that after_rate < before_rate (1 when neither
--     period has an event); verdict pending / insufficient_data / effective / not_effective.
with actions as (
  select
    a.*,
    a.implemented_at is null or a.implemented_at > getvariable('as_of') as is_pending,
    a.implemented_at - to_days(cast(getvariable('action_before_days') as integer)) as before_start,
    least(a.implemented_at, getvariable('as_of')) as before_end,
    a.implemented_at + to_days(cast(getvariable('action_after_start_days') as integer)) as after_start,
    least(a.implemented_at + to_days(cast(getvariable('action_after_end_days') as integer)), getvariable('as_of')) as after_end
  from stg_corrective_actions a
),
complaint_causes as (
  select f.complaint_id, f.order_id, f.shipment_id, f.sku, f.category, f.channel, f.opened_at, cc.cause_code
  from fct_complaints f
  join int_complaint_causes cc using (complaint_id)
),
orders_placed as (
  select order_id, ordered_at, merchant_id from stg_orders where ordered_at <= getvariable('as_of')
),
-- only the order lines an action's scope can reach (a handful of SKUs, categories, merchants); not
-- deduplicated here: each use below keeps the distinct columns it needs (a distinct over all four
-- columns of millions of lines was the costliest step at 10 M lines)
order_skus as (
  select i.order_id, i.sku, p.category, p.merchant_id as product_merchant_id
  from stg_order_items i
  left join stg_products p using (sku)
  where i.sku in (select scope_value from actions where scope_type = 'sku')
     or p.category in (select scope_value from actions where scope_type = 'category')
     or p.merchant_id in (select scope_value from actions where scope_type = 'merchant')
),
-- events as distinct keys, so each exposure is one lookup join rather than a correlated subquery
shipment_events as (select distinct shipment_id, cause_code from complaint_causes where shipment_id is not null),
order_events as (select distinct order_id, cause_code from complaint_causes where order_id is not null),
order_sku_events as (select distinct order_id, sku, cause_code from complaint_causes where order_id is not null and sku is not null),
order_category_events as (select distinct order_id, category, cause_code from complaint_causes where order_id is not null and category is not null),
complaint_events as (select distinct complaint_id, cause_code from complaint_causes),
-- only the merchants some action is scoped to: the distinct below would otherwise run over every order
merchant_orders as (
  select order_id, ordered_at, merchant_id from orders_placed
  where merchant_id in (select scope_value from actions where scope_type = 'merchant')
  union
  select o.order_id, o.ordered_at, os.product_merchant_id
  from orders_placed o join order_skus os using (order_id)
  where o.merchant_id is null and os.product_merchant_id in (select scope_value from actions where scope_type = 'merchant')
),
exposures as (
  -- carrier: delivered shipments
  select a.action_id, s.delivered_at as placed_at, e.shipment_id is not null as is_event
  from actions a
  join int_shipment_damage s on a.scope_type = 'carrier' and s.carrier = a.scope_value
  left join shipment_events e on e.shipment_id = s.shipment_id and e.cause_code = a.cause_code
  union all
  -- sku: orders containing it
  select a.action_id, o.ordered_at, e.order_id is not null
  from actions a
  join (select distinct order_id, sku from order_skus) os on a.scope_type = 'sku' and os.sku = a.scope_value
  join orders_placed o using (order_id)
  left join order_sku_events e on e.order_id = o.order_id and e.sku = a.scope_value and e.cause_code = a.cause_code
  union all
  -- category: orders containing any SKU of it
  select a.action_id, o.ordered_at, e.order_id is not null
  from actions a
  join (select distinct order_id, category from order_skus) oc on a.scope_type = 'category' and oc.category = a.scope_value
  join orders_placed o using (order_id)
  left join order_category_events e on e.order_id = o.order_id and e.category = a.scope_value and e.cause_code = a.cause_code
  union all
  -- merchant: its orders (orders.merchant_id, else the merchant of its products)
  select a.action_id, m.ordered_at, e.order_id is not null
  from actions a
  join merchant_orders m on a.scope_type = 'merchant' and m.merchant_id = a.scope_value
  left join order_events e on e.order_id = m.order_id and e.cause_code = a.cause_code
  union all
  -- channel: complaints of the channel
  select a.action_id, f.opened_at, e.complaint_id is not null
  from actions a
  join fct_complaints f on a.scope_type = 'channel' and f.channel = lower(trim(a.scope_value))
  left join complaint_events e on e.complaint_id = f.complaint_id and e.cause_code = a.cause_code
  union all
  -- global: all orders
  select a.action_id, o.ordered_at, e.order_id is not null
  from actions a
  join orders_placed o on a.scope_type = 'global'
  left join order_events e on e.order_id = o.order_id and e.cause_code = a.cause_code
),
counted as (
  select
    a.action_id,
    count(e.placed_at) filter (where e.placed_at >= a.before_start and e.placed_at < a.before_end) as before_exposures,
    count(e.placed_at) filter (where e.placed_at >= a.before_start and e.placed_at < a.before_end and e.is_event) as before_events,
    count(e.placed_at) filter (where e.placed_at >= a.after_start and e.placed_at < a.after_end) as after_exposures,
    count(e.placed_at) filter (where e.placed_at >= a.after_start and e.placed_at < a.after_end and e.is_event) as after_events
  from actions a
  left join exposures e using (action_id)
  group by a.action_id
)
select
  a.action_id,
  a.cause_code,
  a.scope_type,
  a.scope_value,
  a.status,
  a.implemented_at,
  c.before_exposures,
  c.before_events,
  c.before_events / nullif(c.before_exposures, 0) as before_rate,
  c.after_exposures,
  c.after_events,
  c.after_events / nullif(c.after_exposures, 0) as after_rate,
  two_proportion_p_less(c.before_events, c.before_exposures, c.after_events, c.after_exposures) as p_value,
  case
    when a.is_pending then 'pending'
    when c.after_exposures < getvariable('action_min_exposures') or c.before_exposures < getvariable('action_min_exposures') then 'insufficient_data'
    when two_proportion_p_less(c.before_events, c.before_exposures, c.after_events, c.after_exposures) < getvariable('action_significance') then 'effective'
    else 'not_effective'
  end as verdict,
  -- extensions
  a.title,
  a.owner,
  a.opened_at,
  a.due_at
from actions a
join counted c using (action_id)
