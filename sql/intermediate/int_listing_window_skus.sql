-- grain: one row per order placed in the listing window (as_of − window days, as_of] and SKU it holds.
-- definition: the orders mart_listing_flags counts per SKU: orders, not units, so an order's lines of
-- one SKU are one row.
-- Kept in the file and rebuilt for the orders that entered or left the window, or whose record or
-- items changed, since the last build (sql/changes/int_listing_window_skus.sql): at benchmark scale L
-- the window holds 2.7 M order-SKU pairs, and finding them anew each run (9.7 M order lines joined to
-- the window's orders) cost 1.1–1.8 s.
with window_orders as (
  select order_id, ordered_at
  from stg_orders
  where ordered_at > getvariable('as_of') - to_days(cast(getvariable('listing_window_days') as integer))
    and ordered_at <= getvariable('as_of')
    and (getvariable('build_int_listing_window_skus') = 'full' or order_id in (select order_id from run_changed_listing_orders))
)
select distinct i.order_id, i.sku, o.ordered_at
from stg_order_items i
join window_orders o using (order_id)
