-- The local dates whose int_action_exposure_days rows may differ from the last build's
-- (pipelines/run/incremental-plan.ts). A date's rows follow from the orders placed and the shipments
-- delivered on it, the items and products that put an order in a scope, the actions' periods and
-- scopes, and as_of (exposures are cut at it, and the after period ends at it). Run after
-- int_order_categories was rebuilt for its changed orders this run (an input, so the planner builds
-- this model whole otherwise): its rebuilt rows are the orders whose record, items or products
-- changed, with when they were placed, without a lookup among millions of orders (a semi-join of
-- raw_orders cost 2.7 s at benchmark scale L).
-- getvariable('last_file_id') and getvariable('last_as_of') are the last build's.
select distinct local_date(t) as day
from (
  -- orders loaded since: new ones and new versions (placed at, merchant), with items or without
  select ordered_at as t from raw_orders where _file_id > getvariable('last_file_id')
  union all
  -- the versions those replaced (placed at another time)
  select ordered_at from raw_removed_rows where entity = 'orders'
  union all
  -- orders whose items, or a product of them, changed (category, merchant); when one was placed
  -- before, if its record changed too, is among the replaced versions above
  select ordered_at from rebuilt_int_order_categories
  union all
  -- shipments loaded since, and the versions they replaced (delivered at another time, or not yet)
  select delivered_at from raw_shipments where _file_id > getvariable('last_file_id')
  union all
  select delivered_at from raw_removed_rows where entity = 'shipments'
) changed
where t is not null
union
-- the dates from the last build's as_of to this one's: instants after the last as_of were cut then
select cast(unnest(generate_series(local_date(getvariable('last_as_of')), local_date(getvariable('as_of')), interval 1 day)) as date)
union
-- an action that got a version since: the dates its rows held (its old periods and scope)
select day from int_action_exposure_days
where action_id in (select action_id from raw_corrective_actions where _file_id > getvariable('last_file_id'))
union
-- and the dates of its periods now
select cast(unnest(generate_series(local_date(before_start), local_date(greatest(before_end, after_end)), interval 1 day)) as date)
from int_action_periods
where action_id in (select action_id from raw_corrective_actions where _file_id > getvariable('last_file_id'))
