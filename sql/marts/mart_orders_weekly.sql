-- grain: one row per local ISO week of ordered_at (weeks with no order placed have no row).
-- definition: orders = orders placed in the week and up to as_of (the quality dashboard's p-chart and
-- the headline's complaints per 1,000 orders divide by it). An order known only from its items or
-- shipments has no ordered_at yet and is not counted: it was placed in no known week.
-- Kept as a mart so the dashboards read a few dozen rows instead of counting every order on each render,
-- and rebuilt for the weeks whose orders changed since the last build (sql/changes/order_weeks.sql):
-- the local week of 7.5 M orders cost 0.12–0.15 s of every run at benchmark scale L.
select
  local_week(ordered_at) as week,
  count(*) as orders
from stg_orders
where ordered_at is not null
  and ordered_at <= getvariable('as_of')
  and (getvariable('build_mart_orders_weekly') = 'full'
    or (within_changed_order_weeks(ordered_at) and local_week(ordered_at) in (select week from run_changed_order_weeks)))
group by week
