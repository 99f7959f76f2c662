-- grain: one row per SKU with orders placed in the listing window (as_of − window days, as_of].
-- definition (CONTRACT §5):
--   orders: orders placed in the window containing the SKU (orders, not units: one unhappy buyer of
--     three jars is one unhappy order)
--   nad_orders: of those, orders with a not_as_described complaint (opened up to as_of) attributed to the SKU
--   category_rate: pooled Σ nad_orders / Σ orders over the category's OTHER SKUs with orders in the
--     window (small ones included), so a SKU is compared with its peers, not with itself; null when the
--     SKU is alone in its category, and then no test is made
--   p_value: exact one-sided binomial P(X >= nad_orders), X ~ Binomial(orders, category_rate), for
--     SKUs with at least the minimum orders (exact, because counts are small and rates near zero)
--   q_value: Benjamini–Hochberg over every tested SKU of every category: hundreds of SKUs are tested
--     each week, so raw p-values would flag innocent listings by chance
--   flagged: q_value < FDR level and nad_orders >= minimum and nad_rate >= multiple × category_rate
--   top_excerpt: the text of the SKU's most recent such complaint, cut to 120 characters
with params as (
  select
    getvariable('as_of') as window_end,
    getvariable('as_of') - to_days(cast(getvariable('listing_window_days') as integer)) as window_start
),
-- Without their texts: reading the text column of every such complaint cost 0.15 s of a daily run at
-- benchmark scale L; the excerpts fetch the few they show (below).
-- Only orders placed in the window can be window orders: fct_complaints keeps each complaint's order's
-- ordered_at (order_placed_at, rebuilt with the order's record by int_complaint_attribution), so the
-- complaints on older orders are passed over before their causes are read (0.1 s a run at scale L).
nad_complaints as (
  select sku, order_id, complaint_id, opened_at
  from fct_complaints
  where sku is not null and order_id is not null
    and order_placed_at > getvariable('as_of') - to_days(cast(getvariable('listing_window_days') as integer))
    and order_placed_at <= getvariable('as_of')
    and has_cause(causes, 'not_as_described')
),
-- those on a window order that holds their SKU: the window's 2.7 M order-SKU pairs (scale L) are
-- probed once, here, for the counts and the excerpts alike (a CTE read twice is copied: this one is small)
nad_in_window as (
  select n.*
  from nad_complaints n
  semi join int_listing_window_skus so on so.sku = n.sku and so.order_id = n.order_id
),
-- the window's orders by SKU (int_listing_window_skus: one row per order and SKU)
per_sku as (
  select w.sku, w.orders, coalesce(n.nad_orders, 0) as nad_orders
  from (select sku, count(*) as orders from int_listing_window_skus group by sku) w
  left join (select sku, count(distinct order_id) as nad_orders from nad_in_window group by sku) n using (sku)
),
with_category as (
  select s.*, p.category
  from per_sku s
  left join stg_products p using (sku)
),
category_totals as (
  select category, sum(orders) as category_orders, sum(nad_orders) as category_nad_orders
  from with_category
  where category is not null
  group by category
),
rated as (
  select
    w.sku,
    w.category,
    w.orders,
    w.nad_orders,
    w.nad_orders / w.orders as nad_rate,
    (t.category_nad_orders - w.nad_orders) / nullif(t.category_orders - w.orders, 0) as category_rate
  from with_category w
  left join category_totals t using (category)
),
tested as (
  select
    rated.*,
    case when orders >= getvariable('listing_min_orders') and category_rate is not null
      then binomial_upper_tail(nad_orders, orders, category_rate) end as p_value
  from rated
),
adjusted as (
  select
    tested.*,
    case when p_value is not null then least(1.0, min(p_value * tested_count / p_rank) over (
      order by p_value desc nulls last, p_rank desc rows between unbounded preceding and current row)) end as q_value
  from (
    select tested.*, count(p_value) over () as tested_count,
      case when p_value is not null then row_number() over (order by p_value nulls last, sku) end as p_rank
    from tested
  ) tested
),
excerpts as (
  select e.sku, left(f.text, 120) as top_excerpt
  from fct_complaints f
  join (
    -- the SKU's most recent such complaint about an order of the window
    select sku, arg_max(complaint_id, (opened_at, complaint_id)) as complaint_id
    from nad_in_window
    group by sku
  ) e on e.complaint_id = f.complaint_id
)
select
  a.sku,
  a.category,
  params.window_start,
  params.window_end,
  a.orders,
  a.nad_orders,
  a.nad_rate,
  a.category_rate,
  a.p_value,
  a.q_value,
  coalesce(
    a.q_value < getvariable('listing_fdr')
    and a.nad_orders >= getvariable('listing_min_nad_orders')
    and a.nad_rate >= getvariable('listing_rate_multiple') * a.category_rate,
    false) as flagged,
  e.top_excerpt
from adjusted a
cross join params
left join excerpts e using (sku)
