-- grain: one row per corrective action with implemented_at and local date holding exposures of its
-- before or after period (int_action_periods).
-- definition (CONTRACT §5): the exposures of an action's scope, placed in time by: carrier → its
--   delivered shipments (delivered_at); sku → orders containing it (ordered_at); category → orders
--   containing any SKU of it; merchant → its orders (orders.merchant_id, else the merchant of the
--   order's products); global → all orders. Each counted on the local date of that instant, in the
--   period it falls in (action_period). Channel exposures are complaints, counted in the mart.
--   before_exposures, after_exposures: that date's exposures in each period; mart_action_effectiveness
--   sums them per action.
-- Kept in the file and rebuilt for the dates whose exposures may have changed since the last build
-- (sql/changes/int_action_exposure_days.sql): at benchmark scale L counting the 16 weeks of exposures
-- of ten actions, millions of orders and shipments, cost ~1.3 s of every run; a day's run now counts
-- its day's. A date's counts do not move with as_of once as_of has passed it: an instant before the
-- last build's as_of was already cut and classified the same way (the after period ends at
-- min(implemented_at + 63 days, as_of), and the instant lies before both as_of's).
-- Joins are written with the big input on the left and the small one on the right, and built as
-- written (joinsAsWritten): tables made in the run's transaction look empty to the planner.
with windows as (
  select action_id, scope_type, scope_value, before_start, before_end, after_start, after_end
  from int_action_periods
  where implemented_at is not null
),
orders_placed as not materialized (
  select order_id, ordered_at, merchant_id
  from stg_orders
  where ordered_at <= getvariable('as_of') and (getvariable('build_int_action_exposure_days') = 'full' or (within_changed_action_days(ordered_at) and local_date(ordered_at) in (select day from run_changed_action_days)))
),
-- The order lines of the orders counted: all in a whole build; in an incremental one those of the
-- orders placed on the changed dates, semi-joined so that the scan skips the row groups of other
-- orders (the hash join's range of order_ids; the whole 9.7 M lines at scale L cost 0.25 s). The
-- branch the build does not take is constant-folded away.
items_counted as not materialized (
  select order_id, sku from stg_order_items
  where getvariable('build_int_action_exposure_days') = 'full'
  union all
  select i.order_id, i.sku
  from stg_order_items i
  semi join orders_placed o on o.order_id = i.order_id
  where getvariable('build_int_action_exposure_days') = 'incremental'
),
-- Orders containing an action's SKU, or a SKU of an action's category, as (order, placed at, scope).
-- An order of one category is taken from int_order_categories, which also holds when it was placed:
-- at benchmark scale L, reading the items of the 2.7 M orders of the actions' categories,
-- deduplicating them and looking up their orders cost 1.4 s. Orders that table calls 'mixed' (several
-- categories) or '?' (none known) are read from their items: a product's own category could bear
-- either name.
orders_of_several_categories as (
  select order_id, ordered_at
  from int_order_categories
  where category in ('mixed', '?') and ordered_at <= getvariable('as_of') and (getvariable('build_int_action_exposure_days') = 'full' or (within_changed_action_days(ordered_at) and local_date(ordered_at) in (select day from run_changed_action_days)))
),
item_scope_orders as (
  select o.order_id, o.ordered_at as placed_at, 'sku' as scope_type, i.sku as scope_value
  from orders_placed o
  join (select distinct order_id, sku from items_counted where sku in (select scope_value from windows where scope_type = 'sku')) i using (order_id)
  union all
  select order_id, ordered_at, 'category', category
  from int_order_categories
  where category in (select scope_value from windows where scope_type = 'category')
    and category not in ('mixed', '?')
    and ordered_at <= getvariable('as_of')
    and (getvariable('build_int_action_exposure_days') = 'full' or (within_changed_action_days(ordered_at) and local_date(ordered_at) in (select day from run_changed_action_days)))
  union all
  select distinct i.order_id, m.ordered_at, 'category', p.category
  from items_counted i
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
    from items_counted i
    join stg_products p using (sku)
    where p.merchant_id in (select scope_value from windows where scope_type = 'merchant')
  ) x using (order_id)
  where o.merchant_id is null
),
-- Per action, date and period, the exposures. The big ones run one after the other (materialized),
-- not as branches of one union whose hash tables would all be held at once.
carrier_days as materialized (
  -- carrier: delivered shipments (delivered by as_of, as int_shipment_damage reads them; read here
  -- from staging, without that view's damage flags)
  select
    w.action_id,
    local_date(s.delivered_at) as day,
    action_period(s.delivered_at, w.before_start, w.before_end, w.after_start, w.after_end) as period,
    count(*) as exposures
  from stg_shipments s
  join windows w on w.scope_type = 'carrier' and s.carrier = w.scope_value
  where s.status = 'delivered'
    and s.delivered_at is not null
    and s.delivered_at <= getvariable('as_of')
    and (getvariable('build_int_action_exposure_days') = 'full' or (within_changed_action_days(s.delivered_at) and local_date(s.delivered_at) in (select day from run_changed_action_days)))
  group by all
),
item_days as materialized (
  select
    w.action_id,
    local_date(so.placed_at) as day,
    action_period(so.placed_at, w.before_start, w.before_end, w.after_start, w.after_end) as period,
    count(*) as exposures
  from item_scope_orders so
  join windows w on w.scope_type = so.scope_type and w.scope_value = so.scope_value
  group by all
),
merchant_days as materialized (
  select
    w.action_id,
    local_date(m.ordered_at) as day,
    action_period(m.ordered_at, w.before_start, w.before_end, w.after_start, w.after_end) as period,
    count(*) as exposures
  from merchant_orders m
  join windows w on w.scope_type = 'merchant' and m.merchant_id = w.scope_value
  group by all
),
global_days as materialized (
  select
    w.action_id,
    local_date(o.ordered_at) as day,
    action_period(o.ordered_at, w.before_start, w.before_end, w.after_start, w.after_end) as period,
    count(*) as exposures
  from orders_placed o
  join windows w on w.scope_type = 'global'
  group by all
),
scope_days as (
  select * from carrier_days
  union all
  select * from item_days
  union all
  select * from merchant_days
  union all
  select * from global_days
)
select
  action_id,
  day,
  -- BIGINT like every other count (sum() of integers is a HUGEINT)
  cast(coalesce(sum(exposures) filter (where period = 'before'), 0) as bigint) as before_exposures,
  cast(coalesce(sum(exposures) filter (where period = 'after'), 0) as bigint) as after_exposures
from scope_days
where period is not null
group by action_id, day
