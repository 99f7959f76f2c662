-- grain: one row per local ISO week of ordered_at (weeks with no order placed have no row).
-- definition: orders = orders placed in the week and up to as_of (the quality dashboard's p-chart and
-- the headline's complaints per 1,000 orders divide by it). An order known only from its items or
-- shipments has no ordered_at yet and is not counted: it was placed in no known week.
-- Kept as a mart so the dashboards read a few dozen rows instead of counting every order on each render.
select
  local_week(ordered_at) as week,
  count(*) as orders
from stg_orders
where ordered_at is not null
  and ordered_at <= getvariable('as_of')
group by week
