-- The orders whose int_listing_window_skus rows may differ from the last build's
-- (pipelines/run/incremental-plan.ts): an order's rows follow from its record (placed when), its
-- items, and whether the window (as_of − window days, as_of] holds it, which moves with as_of.
-- getvariable('last_file_id') and getvariable('last_as_of') are the last build's.
-- its record was loaded since (new, or placed at another time)
select order_id from raw_orders where _file_id > getvariable('last_file_id')
union
-- it got items since
select order_id from raw_order_items where _file_id > getvariable('last_file_id')
union
-- it entered the window (placed after the last as_of) or left it (placed up to this window's start
-- and after the last one's)
select order_id from raw_orders
where (ordered_at > getvariable('last_as_of') and ordered_at <= getvariable('as_of'))
  or (ordered_at > getvariable('last_as_of') - to_days(cast(getvariable('listing_window_days') as integer))
    and ordered_at <= getvariable('as_of') - to_days(cast(getvariable('listing_window_days') as integer)))
