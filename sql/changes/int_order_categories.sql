-- The orders whose int_order_categories row may differ from the last build's
-- (pipelines/run/incremental-plan.ts): an order's category follows from its items and their products,
-- its ordered_at from its own record, neither from as_of.
-- its record was loaded since (ordered_at)
select order_id from raw_orders where _file_id > getvariable('last_file_id')
union
-- it got items since
select order_id from raw_order_items where _file_id > getvariable('last_file_id')
union
-- a product of its items got a version since (its category may have changed)
select order_id from raw_order_items where sku in (select sku from raw_products where _file_id > getvariable('last_file_id'))
