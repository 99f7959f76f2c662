-- The complaints whose int_complaint_attribution row may differ from the last build's
-- (pipelines/run/incremental-plan.ts). A complaint's attribution depends on its record's order_id,
-- shipment_id and sku; on the items and shipments of its attributed order, its named or attributed
-- shipment and its SKU's product; and on its order's record and the products of all its items (the columns describing its exposures
-- for the corrective actions: placed when, by which merchant, holding which categories). Not on as_of.
-- getvariable('last_file_id') is the last build's.
-- its record was loaded since and names another order, shipment or SKU than the one it was attributed
-- from (or is new): most new versions of a complaint only answer or resolve it (fct_complaints rebuilds
-- those rows: sql/changes/fct_complaints.sql); the kept attributions are probed, the loaded records hashed
with loaded as (
  select complaint_id, hash(order_id, shipment_id, sku) as attributed_from
  from raw_complaints
  where _file_id > getvariable('last_file_id')
),
unchanged as (
  select a.complaint_id, a.attributed_from
  from int_complaint_attribution a
  semi join loaded l on l.complaint_id = a.complaint_id
)
select complaint_id from (select * from loaded except select * from unchanged)
union
-- it was deleted at its source
select key_value from raw_removed_rows where entity = 'complaints'
union
-- its order got items, shipments or a record version since, lost a shipment to another order, or
-- holds a product that got a version since
select complaint_id from int_complaint_attribution where order_id in (
  select order_id from raw_order_items where _file_id > getvariable('last_file_id')
  union select order_id from raw_shipments where _file_id > getvariable('last_file_id')
  union select order_id from raw_removed_rows where entity = 'shipments'
  union select order_id from raw_orders where _file_id > getvariable('last_file_id')
  union select order_id from raw_order_items where sku in (select sku from raw_products where _file_id > getvariable('last_file_id')))
union
-- its shipment got a version since (also one named before it was loaded: no order to match yet)
select complaint_id from int_complaint_attribution where shipment_id in (select shipment_id from raw_shipments where _file_id > getvariable('last_file_id'))
union
-- its SKU's product got a version since (category)
select complaint_id from int_complaint_attribution where sku in (select sku from raw_products where _file_id > getvariable('last_file_id'))
