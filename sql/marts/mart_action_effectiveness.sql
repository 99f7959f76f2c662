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
--     period has an event); verdict pending / insufficient_data (a period with fewer exposures than
--     the minimum, or none) / effective / not_effective.
-- Extensions: after_days = the days of the after period observed by as_of (empty while pending), of
--   after_days_planned. A verdict on a short after period is early: complaints arrive days after the
--   order or delivery they are about, so the latest exposures have not had time to draw them and the
--   after rate reads low. The outputs show the two beside the verdict.
--   p_value_worse = the same test the other way round (after_rate > before_rate); worsened = the action
--   was judged (effective or not_effective) and the rate rose significantly: p_value_worse below the
--   significance level (empty while pending or with insufficient data). "Not effective" covers both an
--   unchanged rate and one that got worse; a quality manager acts on the second at once.
-- Joins are written with the big input on the left and the small one on the right, and the model is
-- built with its joins as written (models/declarations.ts, joinsAsWritten): every table made in the
-- run's transaction looks empty to DuckDB's planner, which then built its hash tables over millions of
-- shipments and orders and ran out of memory at 10 M order lines.
with actions as (
  select
    a.*,
    a.implemented_at is null or a.implemented_at > getvariable('as_of') as is_pending,
    a.implemented_at - to_days(cast(getvariable('action_before_days') as integer)) as before_start,
    -- every exposure counted below has happened by as_of (each source is cut there, as_of included),
    -- so a pending action's before period needs no cut of its own; least(…, as_of) with the half-open
    -- [start, end) dropped the exposures at exactly as_of
    a.implemented_at as before_end,
    a.implemented_at + to_days(cast(getvariable('action_after_start_days') as integer)) as after_start,
    least(a.implemented_at + to_days(cast(getvariable('action_after_end_days') as integer)), getvariable('as_of')) as after_end
  from stg_corrective_actions a
),
-- actions with an implementation date: an action without one has no periods and counts nothing
windows as (
  select action_id, scope_type, scope_value, cause_code, before_start, before_end, after_start, after_end
  from actions
  where implemented_at is not null
),
orders_placed as not materialized (
  select order_id, ordered_at, merchant_id from stg_orders where ordered_at <= getvariable('as_of')
),
-- Orders containing an action's SKU, or a SKU of an action's category, placed by as_of, as (order,
-- placed at, scope, SKU or category). An order of one category is taken from int_order_categories,
-- which also holds when it was placed: at benchmark scale L, reading the items of the 2.7 M orders of
-- the actions' categories, deduplicating them and looking up their orders cost 1.4 s. Orders that
-- table calls 'mixed' (several categories) or '?' (none known) are read from their items: a product's
-- own category could bear either name.
orders_of_several_categories as (
  select order_id, ordered_at
  from int_order_categories
  where category in ('mixed', '?') and ordered_at <= getvariable('as_of')
),
item_scope_orders as (
  select o.order_id, o.ordered_at as placed_at, 'sku' as scope_type, i.sku as scope_value
  from orders_placed o
  join (select distinct order_id, sku from stg_order_items where sku in (select scope_value from windows where scope_type = 'sku')) i using (order_id)
  union all
  select order_id, ordered_at, 'category', category
  from int_order_categories
  where category in (select scope_value from windows where scope_type = 'category')
    and category not in ('mixed', '?')
    and ordered_at <= getvariable('as_of')
  union all
  select distinct i.order_id, m.ordered_at, 'category', p.category
  from stg_order_items i
  join stg_products p using (sku)
  join orders_of_several_categories m using (order_id)
  where p.category in (select scope_value from windows where scope_type = 'category')
),
-- The two kinds of merchant orders are disjoint (an order with a merchant_id never takes its
-- products'), so they are appended, not merged: merging hashed every order of the first kind again.
merchant_orders as (
  select order_id, ordered_at, merchant_id
  from orders_placed
  where merchant_id in (select scope_value from windows where scope_type = 'merchant')
  union all
  select o.order_id, o.ordered_at, x.merchant_id
  from orders_placed o
  join (
    select distinct i.order_id, p.merchant_id
    from stg_order_items i
    join stg_products p using (sku)
    where p.merchant_id in (select scope_value from windows where scope_type = 'merchant')
  ) x using (order_id)
  where o.merchant_id is null
),
-- Events found from the complaint side, which is small (one cause, one scope), as (action, order),
-- then counted on their exposure's row. Each reads fct_complaints and keeps the complaints of an
-- action's scope with its cause (has_cause): splitting every complaint's causes into rows once for all
-- of them, and deduplicating those, cost 1 s at benchmark scale L.
-- a complaint names its order's SKU (sku scope) and that SKU's category (category scope)
item_scope_events as (
  select distinct w.action_id, c.order_id
  from fct_complaints c
  join windows w on w.scope_type = 'sku' and c.sku = w.scope_value
  where c.order_id is not null and has_cause(c.causes, w.cause_code)
  union all
  select distinct w.action_id, c.order_id
  from fct_complaints c
  join windows w on w.scope_type = 'category' and c.category = w.scope_value
  where c.order_id is not null and has_cause(c.causes, w.cause_code)
),
order_events as (
  select distinct w.action_id, w.scope_type, c.order_id
  from fct_complaints c
  join windows w on w.scope_type in ('merchant', 'global') and has_cause(c.causes, w.cause_code)
  where c.order_id is not null
),
-- Per action, scope and period (action_period: 'before', 'after', or none), exposures and events
-- counted in one pass over the exposures, an event counted on its exposure's row (an exposure with an
-- event of the action's cause). The big ones run one after the other (materialized), not as branches
-- of one union whose hash tables would all be held at once, and none keeps its millions of rows for a
-- later step.
carrier_counts as materialized (
  -- carrier: delivered shipments
  select
    w.action_id,
    action_period(s.delivered_at, w.before_start, w.before_end, w.after_start, w.after_end) as period,
    count(*) as exposures,
    count(e.shipment_id) as events
  from int_shipment_damage s
  join windows w on w.scope_type = 'carrier' and s.carrier = w.scope_value
  left join (
    select distinct c.shipment_id, w.cause_code
    from fct_complaints c
    join (select distinct cause_code from windows where scope_type = 'carrier') w on has_cause(c.causes, w.cause_code)
    where c.shipment_id is not null
  ) e
    on e.shipment_id = s.shipment_id and e.cause_code = w.cause_code
  group by all
),
item_counts as materialized (
  -- sku: orders containing it; category: orders containing any SKU of it; by when they were placed
  select
    w.action_id,
    action_period(so.placed_at, w.before_start, w.before_end, w.after_start, w.after_end) as period,
    count(*) as exposures,
    count(e.order_id) as events
  from item_scope_orders so
  join windows w on w.scope_type = so.scope_type and w.scope_value = so.scope_value
  left join item_scope_events e on e.action_id = w.action_id and e.order_id = so.order_id
  group by all
),
merchant_counts as materialized (
  -- merchant: its orders (orders.merchant_id, else the merchant of its products)
  select
    w.action_id,
    action_period(m.ordered_at, w.before_start, w.before_end, w.after_start, w.after_end) as period,
    count(*) as exposures,
    count(e.order_id) as events
  from merchant_orders m
  join windows w on w.scope_type = 'merchant' and m.merchant_id = w.scope_value
  left join (select action_id, order_id from order_events where scope_type = 'merchant') e on e.action_id = w.action_id and e.order_id = m.order_id
  group by all
),
global_counts as materialized (
  -- global: all orders
  select
    w.action_id,
    action_period(o.ordered_at, w.before_start, w.before_end, w.after_start, w.after_end) as period,
    count(*) as exposures,
    count(e.order_id) as events
  from orders_placed o
  join windows w on w.scope_type = 'global'
  left join (select action_id, order_id from order_events where scope_type = 'global') e on e.action_id = w.action_id and e.order_id = o.order_id
  group by all
),
channel_counts as (
  -- channel: complaints of the channel, by when they were opened; events: those with the cause
  select
    w.action_id,
    action_period(f.opened_at, w.before_start, w.before_end, w.after_start, w.after_end) as period,
    count(*) as exposures,
    count(*) filter (where has_cause(f.causes, w.cause_code)) as events
  from fct_complaints f
  join windows w on w.scope_type = 'channel' and f.channel = lower(trim(w.scope_value))
  group by all
),
scope_counts as (
  select * from carrier_counts
  union all
  select * from item_counts
  union all
  select * from merchant_counts
  union all
  select * from global_counts
  union all
  select * from channel_counts
),
counted as (
  select
    a.action_id,
    -- counts as BIGINT like every other mart's (sum() of integers is a HUGEINT, a DOUBLE in Parquet)
    cast(coalesce(sum(sc.exposures) filter (where sc.period = 'before'), 0) as bigint) as before_exposures,
    cast(coalesce(sum(sc.events) filter (where sc.period = 'before'), 0) as bigint) as before_events,
    cast(coalesce(sum(sc.exposures) filter (where sc.period = 'after'), 0) as bigint) as after_exposures,
    cast(coalesce(sum(sc.events) filter (where sc.period = 'after'), 0) as bigint) as after_events
  from actions a
  left join scope_counts sc using (action_id)
  group by a.action_id
),
judged as (
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
    -- a period without exposures has no rate to compare, whatever minimum the config sets (0 allowed)
    when c.after_exposures < greatest(getvariable('action_min_exposures'), 1) or c.before_exposures < greatest(getvariable('action_min_exposures'), 1) then 'insufficient_data'
    when two_proportion_p_less(c.before_events, c.before_exposures, c.after_events, c.after_exposures) < getvariable('action_significance') then 'effective'
    else 'not_effective'
  end as verdict,
  -- extensions
  a.title,
  a.owner,
  a.opened_at,
  a.due_at,
  case when not a.is_pending then greatest(0, epoch_us(a.after_end) - epoch_us(a.after_start)) / 86400000000.0 end as after_days,
  cast(getvariable('action_after_end_days') as integer) - cast(getvariable('action_after_start_days') as integer) as after_days_planned,
  two_proportion_p_less(c.after_events, c.after_exposures, c.before_events, c.before_exposures) as p_value_worse
from actions a
join counted c using (action_id)
)
select
  *,
  case
    when verdict = 'effective' then false
    when verdict = 'not_effective' then p_value_worse < getvariable('action_significance')
  end as worsened
from judged
