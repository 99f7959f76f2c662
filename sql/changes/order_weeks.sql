-- The local weeks of ordered_at whose mart_orders_weekly row may differ from the last build's
-- (pipelines/run/incremental-plan.ts): a week's count follows from the orders placed in it by as_of.
-- getvariable('last_file_id') and getvariable('last_as_of') are the last build's.
select distinct local_week(t) as week
from (
  -- orders loaded since: new ones and new versions
  select ordered_at as t from raw_orders where _file_id > getvariable('last_file_id')
  union all
  -- the versions those replaced (placed in another week)
  select ordered_at from raw_removed_rows where entity = 'orders'
) changed
where t is not null
union
-- the weeks the as_of cut moved over: the last as_of's week through this one's
select cast(unnest(generate_series(
  local_week(getvariable('last_as_of')),
  local_week(getvariable('as_of')),
  interval 7 day)) as date)
