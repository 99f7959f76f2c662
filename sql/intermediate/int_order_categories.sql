-- grain: one row per order with items (orders without known items have no row).
-- definition: the order's category: its items' one category; 'mixed' when its items span several (an
-- item whose product is unknown counts as category '?'). mart_carrier_category_weekly splits deliveries
-- by it; the category is the order's because a shipment does not record which items it carries.
-- ordered_at: when the order was placed (null while its record is unknown), so that
-- mart_action_effectiveness finds the orders of a category and their instants without reading items.
-- Kept in the file and rebuilt for the orders whose record, items or products changed since the last
-- build (sql/changes/int_order_categories.sql): the aggregate runs over every order line (9.7 M at
-- benchmark scale L, ~6.5 s with the orders' instants) and is the same from one run to the next for
-- all but the newest orders.
-- Memory: categories are numbered first so each order's state is two integers, not two strings; one
-- category = lowest number equals highest, no count(distinct) per order.
with categories as (
  select category, row_number() over (order by category) as category_no
  from (select coalesce(category, '?') as category from stg_products union select '?')
),
items as (
  select order_id, sku
  from stg_order_items
  where getvariable('build_int_order_categories') = 'full' or order_id in (select order_id from run_changed_orders)
),
placed as (
  select order_id, ordered_at
  from stg_orders
  where getvariable('build_int_order_categories') = 'full' or order_id in (select order_id from run_changed_orders)
),
numbered as (
  select i.order_id, min(c.category_no) as lowest, max(c.category_no) as highest
  from items i
  left join stg_products p using (sku)
  join categories c on c.category = coalesce(p.category, '?')
  group by i.order_id
)
select n.order_id, case when n.lowest = n.highest then c.category else 'mixed' end as category, o.ordered_at
from numbered n
join categories c on c.category_no = n.lowest
left join placed o using (order_id)
