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
-- complaints with a cause some action is about (the others can be no action's event)
complaint_causes as (
  select *
  from (
    select complaint_id, order_id, shipment_id, sku, category, channel, opened_at, unnest(string_split(causes, '|')) as cause_code
    from fct_complaints
  )
  where cause_code in (select cause_code from windows)
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
-- Events found from the complaint side, which is small (one cause, one scope), then matched to their
-- exposure. A left join of every exposure against every complaint's causes took twice as long.
-- Complaints are matched to the actions first and deduplicated after: deduplicating every
-- complaint's (order, cause) before cost 0.7 s at benchmark scale L.
-- a complaint names its order's SKU (sku scope) and that SKU's category (category scope)
item_scope_events as (
  select distinct w.action_id, w.scope_type, w.scope_value, c.order_id
  from complaint_causes c
  join windows w on w.scope_type = 'sku' and c.sku = w.scope_value and c.cause_code = w.cause_code
  where c.order_id is not null
  union all
  select distinct w.action_id, w.scope_type, w.scope_value, c.order_id
  from complaint_causes c
  join windows w on w.scope_type = 'category' and c.category = w.scope_value and c.cause_code = w.cause_code
  where c.order_id is not null
),
order_events as (
  select distinct w.action_id, w.scope_type, w.scope_value, c.order_id
  from complaint_causes c
  join windows w on w.scope_type in ('merchant', 'global') and c.cause_code = w.cause_code
  where c.order_id is not null
),
-- Per action, exposures and events counted by period, from rows of (action, the instant it counts at,
-- exposures 1 for an exposure, events 1 for an event). The two big parts (carriers' shipments, the
-- orders of order scopes) run first, one after the other (materialized), not as branches of one
-- union whose hash tables would all be held at once.
carrier_counts as materialized (
  -- carrier: delivered shipments; the events counted on the exposure's row
  select
    w.action_id,
    count(*) filter (where s.delivered_at >= w.before_start and s.delivered_at < w.before_end) as before_exposures,
    count(e.shipment_id) filter (where s.delivered_at >= w.before_start and s.delivered_at < w.before_end) as before_events,
    count(*) filter (where s.delivered_at >= w.after_start and s.delivered_at < w.after_end) as after_exposures,
    count(e.shipment_id) filter (where s.delivered_at >= w.after_start and s.delivered_at < w.after_end) as after_events
  from int_shipment_damage s
  join windows w on w.scope_type = 'carrier' and s.carrier = w.scope_value
  left join (
    select distinct shipment_id, cause_code
    from complaint_causes
    where shipment_id is not null and cause_code in (select cause_code from windows where scope_type = 'carrier')
  ) e
    on e.shipment_id = s.shipment_id and e.cause_code = w.cause_code
  group by w.action_id
),
order_placed as materialized (
  -- per action of an order scope, each exposure (exposures 1) and, as a row of its own, each exposure
  -- with an event of the action's cause (events 1), at the instant its order was placed
  -- sku: orders containing it; category: orders containing any SKU of it
  select w.action_id, so.placed_at, 1 as exposures, 0 as events
  from item_scope_orders so
  join windows w on w.scope_type = so.scope_type and w.scope_value = so.scope_value
  union all
  select e.action_id, so.placed_at, 0, 1
  from item_scope_orders so
  join item_scope_events e on e.order_id = so.order_id and e.scope_type = so.scope_type and e.scope_value = so.scope_value
  union all
  -- global: the orders with an event (all orders are its exposures: global_counts, below)
  select e.action_id, o.ordered_at, 0, 1
  from orders_placed o
  join (select action_id, order_id from order_events where scope_type = 'global') e using (order_id)
),
placed as (
  select * from order_placed
  union all
  -- merchant: its orders (orders.merchant_id, else the merchant of its products)
  select w.action_id, m.ordered_at as placed_at, 1 as exposures, 0 as events
  from merchant_orders m
  join windows w on w.scope_type = 'merchant' and m.merchant_id = w.scope_value
  union all
  select e.action_id, m.ordered_at, 0, 1
  from merchant_orders m
  join order_events e on e.scope_type = 'merchant' and m.order_id = e.order_id and m.merchant_id = e.scope_value
  union all
  -- channel: complaints of the channel
  select w.action_id, f.opened_at, 1, 0
  from fct_complaints f
  join windows w on w.scope_type = 'channel' and f.channel = lower(trim(w.scope_value))
  union all
  select action_id, opened_at, 0, 1
  from (
    select distinct w.action_id, c.complaint_id, c.opened_at
    from complaint_causes c
    join windows w on w.scope_type = 'channel' and c.channel = lower(trim(w.scope_value)) and c.cause_code = w.cause_code
  )
),
placed_counts as (
  select
    w.action_id,
    sum(p.exposures) filter (where p.placed_at >= w.before_start and p.placed_at < w.before_end) as before_exposures,
    sum(p.events) filter (where p.placed_at >= w.before_start and p.placed_at < w.before_end) as before_events,
    sum(p.exposures) filter (where p.placed_at >= w.after_start and p.placed_at < w.after_end) as after_exposures,
    sum(p.events) filter (where p.placed_at >= w.after_start and p.placed_at < w.after_end) as after_events
  from placed p
  join windows w using (action_id)
  group by w.action_id
),
-- global exposures: all orders, counted in place (millions of rows, no need to carry them above)
global_counts as (
  select
    w.action_id,
    count(*) filter (where o.ordered_at >= w.before_start and o.ordered_at < w.before_end) as before_exposures,
    0 as before_events,
    count(*) filter (where o.ordered_at >= w.after_start and o.ordered_at < w.after_end) as after_exposures,
    0 as after_events
  from orders_placed o
  join windows w on w.scope_type = 'global'
  group by w.action_id
),
scope_counts as (
  select * from carrier_counts
  union all
  select * from placed_counts
  union all
  select * from global_counts
),
counted as (
  select
    a.action_id,
    -- counts as BIGINT like every other mart's (sum() of integers is a HUGEINT, a DOUBLE in Parquet)
    cast(coalesce(sum(sc.before_exposures), 0) as bigint) as before_exposures,
    cast(coalesce(sum(sc.before_events), 0) as bigint) as before_events,
    cast(coalesce(sum(sc.after_exposures), 0) as bigint) as after_exposures,
    cast(coalesce(sum(sc.after_events), 0) as bigint) as after_events
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
