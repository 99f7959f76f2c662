-- The local dates of delivered_at whose carrier counts (int_carrier_lane_days, int_carrier_category_days)
-- may differ from the last build's (pipelines/run/incremental-plan.ts). A date's counts follow from the
-- shipments delivered on it by as_of, their orders' categories and the transit damage complaints
-- attributed to them. Run after fct_complaints and int_order_categories were rebuilt for their changed
-- keys this run (the day tables read them, so the planner builds them whole otherwise):
-- their replaced and rebuilt rows say which complaints and orders really changed.
-- getvariable('last_file_id') and getvariable('last_as_of') are the last build's.
with damage_complaints as (
  -- the transit damage complaints rebuilt this run, as they were and as they are now
  select 'replaced' as version, complaint_id, shipment_id
  from replaced_fct_complaints
  where has_cause(causes, 'transit_damage')
  union all
  select 'rebuilt', complaint_id, shipment_id
  from rebuilt_fct_complaints
  where has_cause(causes, 'transit_damage')
),
categories as (
  select 'replaced' as version, order_id, category from replaced_int_order_categories
  union all
  select 'rebuilt', order_id, category from rebuilt_int_order_categories
)
select distinct local_date(delivered_at) as delivery_date
from (
  -- shipments loaded since: new ones and new versions
  select delivered_at from raw_shipments where _file_id > getvariable('last_file_id')
  union all
  -- the versions those replaced (delivered on another date, or not at all)
  select delivered_at from raw_removed_rows where entity = 'shipments'
  union all
  -- delivered since the last build's as_of (a shipment counts once delivered by as_of)
  select delivered_at from raw_shipments where delivered_at > getvariable('last_as_of') and delivered_at <= getvariable('as_of')
  union all
  -- the shipments a transit damage complaint was attributed to before or is now, only where that changed
  select delivered_at from raw_shipments where shipment_id in (
    select shipment_id from damage_complaints group by complaint_id, shipment_id having count(distinct version) = 1)
  union all
  -- the shipments of the orders whose category changed (or that got their first items)
  select delivered_at from raw_shipments where order_id in (
    select order_id from categories group by order_id, category having count(distinct version) = 1)
)
where delivered_at is not null
