-- The complaints whose fct_complaints row may differ from the last build's (pipelines/run/incremental-plan.ts
-- runs this only when that build saw the same config, rules and SQL and an as_of no later than this
-- run's). getvariable('last_file_id') and getvariable('last_as_of') are the last build's.
-- A complaint's row depends on its own record; on the items and shipments of its attributed order,
-- its named or attributed shipment and its SKU's product (attribution); on its order's record and the
-- products of all its items (the internal columns describing its exposures for the corrective
-- actions: placed when, by which merchant, holding which categories); and on as_of, while a
-- response, resolution or follow-up is still to come or there is no response at all (the wait so far).
-- its record was loaded since
select complaint_id from raw_complaints where _file_id > getvariable('last_file_id')
union
-- opened since (a skewed clock may have stamped its response earlier), or still moving with as_of
select complaint_id from raw_complaints
where opened_at <= getvariable('as_of')
  and (opened_at > getvariable('last_as_of')
    or first_response_at is null
    or first_response_at > getvariable('last_as_of')
    or resolved_at > getvariable('last_as_of')
    or followed_up_at > getvariable('last_as_of'))
union
-- its order got items or shipments since, or lost a shipment to another order
select complaint_id from fct_complaints where order_id in (
  select order_id from raw_order_items where _file_id > getvariable('last_file_id')
  union select order_id from raw_shipments where _file_id > getvariable('last_file_id')
  union select order_id from raw_removed_rows where entity = 'shipments')
union
-- its shipment got a version since (also one named before it was loaded: no order to match yet)
select complaint_id from fct_complaints where shipment_id in (select shipment_id from raw_shipments where _file_id > getvariable('last_file_id'))
union
-- its SKU's product got a version since (category)
select complaint_id from fct_complaints where sku in (select sku from raw_products where _file_id > getvariable('last_file_id'))
union
-- its order got a record version since (placed when, merchant), or holds a product that got one
-- (the categories and merchants of its items)
select complaint_id from fct_complaints where order_id in (
  select order_id from raw_orders where _file_id > getvariable('last_file_id')
  union select order_id from raw_order_items where sku in (select sku from raw_products where _file_id > getvariable('last_file_id')))
union
-- deleted at its source
select key_value from raw_removed_rows where entity = 'complaints'
