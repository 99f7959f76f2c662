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
-- actions with an implementation date: an action without one has no periods and counts nothing
windows as (
  select action_id, scope_type, scope_value, cause_code from actions where implemented_at is not null
),
-- complaints with a cause some action is about (the rest can be no action's event)
complaint_causes as (
  select f.complaint_id, f.order_id, f.shipment_id, f.sku, f.category, f.channel, f.opened_at, cc.cause_code
  from fct_complaints f
  join int_complaint_causes cc using (complaint_id)
  where cc.cause_code in (select cause_code from windows)
),
orders_placed as not materialized (
  select order_id, ordered_at, merchant_id from stg_orders where ordered_at <= getvariable('as_of')
),
-- orders containing an action's SKU / a SKU of an action's category (a few SKUs and categories)
sku_orders as (
  select distinct order_id, sku from stg_order_items
  where sku in (select scope_value from windows where scope_type = 'sku')
),
category_orders as (
  select distinct i.order_id, p.category
  from stg_order_items i
  join stg_products p using (sku)
  where p.category in (select scope_value from windows where scope_type = 'category')
),
merchant_orders as (
  select order_id, ordered_at, merchant_id from orders_placed
  where merchant_id in (select scope_value from windows where scope_type = 'merchant')
  union
  select o.order_id, o.ordered_at, p.merchant_id
  from orders_placed o
  join stg_order_items i using (order_id)
  join stg_products p using (sku)
  where o.merchant_id is null and p.merchant_id in (select scope_value from windows where scope_type = 'merchant')
),
-- Events found from the complaint side, which is small (one cause, one scope), then joined to their
-- exposure (an order of the scope); materialized so that join starts from them rather than from
-- millions of orders. A left join of every exposure against every complaint's causes took twice as long
-- at 10 M order lines.
sku_events as materialized (
  select w.action_id, e.sku, e.order_id
  from windows w
  join (select distinct order_id, sku, cause_code from complaint_causes where order_id is not null and sku is not null) e
    on w.scope_type = 'sku' and e.sku = w.scope_value and e.cause_code = w.cause_code
),
category_events as materialized (
  select w.action_id, e.category, e.order_id
  from windows w
  join (select distinct order_id, category, cause_code from complaint_causes where order_id is not null and category is not null) e
    on w.scope_type = 'category' and e.category = w.scope_value and e.cause_code = w.cause_code
),
order_events as materialized (
  select w.action_id, w.scope_type, w.scope_value, e.order_id
  from windows w
  join (select distinct order_id, cause_code from complaint_causes where order_id is not null) e on w.scope_type in ('merchant', 'global') and e.cause_code = w.cause_code
),
-- Per action, a row per exposure (exposures 1) and, where the exposure has an event of the action's
-- cause, that event: counted on the exposure's row (events 1, carrier) or as a row of its own
-- (exposures 0, events 1: the other scopes, whose events come from the complaint side).
placed as (
  -- carrier: delivered shipments
  select w.action_id, s.delivered_at as placed_at, 1 as exposures, (e.shipment_id is not null)::int as events
  from windows w
  join int_shipment_damage s on w.scope_type = 'carrier' and s.carrier = w.scope_value
  left join (select distinct shipment_id, cause_code from complaint_causes where shipment_id is not null) e
    on e.shipment_id = s.shipment_id and e.cause_code = w.cause_code
  union all
  -- sku: orders containing it
  select w.action_id, o.ordered_at, 1, 0
  from windows w
  join sku_orders os on w.scope_type = 'sku' and os.sku = w.scope_value
  join orders_placed o using (order_id)
  union all
  select e.action_id, o.ordered_at, 0, 1
  from sku_events e
  join sku_orders os on os.order_id = e.order_id and os.sku = e.sku
  join orders_placed o on o.order_id = e.order_id
  union all
  -- category: orders containing any SKU of it
  select w.action_id, o.ordered_at, 1, 0
  from windows w
  join category_orders oc on w.scope_type = 'category' and oc.category = w.scope_value
  join orders_placed o using (order_id)
  union all
  select e.action_id, o.ordered_at, 0, 1
  from category_events e
  join category_orders oc on oc.order_id = e.order_id and oc.category = e.category
  join orders_placed o on o.order_id = e.order_id
  union all
  -- merchant: its orders (orders.merchant_id, else the merchant of its products)
  select w.action_id, m.ordered_at, 1, 0
  from windows w
  join merchant_orders m on w.scope_type = 'merchant' and m.merchant_id = w.scope_value
  union all
  select e.action_id, m.ordered_at, 0, 1
  from order_events e
  join merchant_orders m on e.scope_type = 'merchant' and m.order_id = e.order_id and m.merchant_id = e.scope_value
  union all
  -- channel: complaints of the channel
  select w.action_id, f.opened_at, 1, 0
  from windows w
  join fct_complaints f on w.scope_type = 'channel' and f.channel = lower(trim(w.scope_value))
  union all
  select w.action_id, e.opened_at, 0, 1
  from windows w
  join (select distinct complaint_id, channel, opened_at, cause_code from complaint_causes) e
    on w.scope_type = 'channel' and e.channel = lower(trim(w.scope_value)) and e.cause_code = w.cause_code
  union all
  -- global: all orders
  select w.action_id, o.ordered_at, 1, 0
  from windows w
  join (select 'global' as scope_type, ordered_at from orders_placed) o using (scope_type)
  union all
  select e.action_id, o.ordered_at, 0, 1
  from order_events e
  join orders_placed o on e.scope_type = 'global' and o.order_id = e.order_id
),
placed_counts as (
  select
    p.action_id,
    sum(p.exposures) filter (where p.placed_at >= a.before_start and p.placed_at < a.before_end) as before_exposures,
    sum(p.events) filter (where p.placed_at >= a.before_start and p.placed_at < a.before_end) as before_events,
    sum(p.exposures) filter (where p.placed_at >= a.after_start and p.placed_at < a.after_end) as after_exposures,
    sum(p.events) filter (where p.placed_at >= a.after_start and p.placed_at < a.after_end) as after_events
  from placed p
  join actions a using (action_id)
  group by p.action_id
),
counted as (
  select
    a.action_id,
    coalesce(pc.before_exposures, 0) as before_exposures,
    coalesce(pc.before_events, 0) as before_events,
    coalesce(pc.after_exposures, 0) as after_exposures,
    coalesce(pc.after_events, 0) as after_events
  from actions a
  left join placed_counts pc using (action_id)
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
