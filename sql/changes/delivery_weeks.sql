-- The local weeks of delivered_at whose carrier counts (mart_carrier_weekly, _lane_, _category_ and
-- _delay_weekly) may differ from the last build's (pipelines/run/incremental-plan.ts). A week's counts
-- follow from the shipments delivered in it by as_of, their orders' categories and the transit damage
-- complaints attributed to them. Run after fct_complaints was rebuilt for its changed complaints this
-- run (the marts read it, so the planner builds them whole otherwise): its replaced and rebuilt rows
-- say which shipments a complaint was or is now attributed to. getvariable('last_file_id') and
-- getvariable('last_as_of') are the last build's.
select distinct local_week(delivered_at) as week
from (
  -- shipments loaded since: new ones and new versions
  select delivered_at from raw_shipments where _file_id > getvariable('last_file_id')
  union all
  -- the versions those replaced (delivered in another week, or not at all)
  select delivered_at from raw_removed_rows where entity = 'shipments'
  union all
  -- delivered since the last build's as_of (a shipment counts once delivered by as_of)
  select delivered_at from raw_shipments where delivered_at > getvariable('last_as_of') and delivered_at <= getvariable('as_of')
  union all
  -- the shipments a complaint rebuilt this run was or is attributed to (damage), and the shipments of
  -- the orders whose category is rebuilt this run (run_changed_orders: mart_carrier_category_weekly)
  select delivered_at from raw_shipments
  where shipment_id in (select shipment_id from replaced_fct_complaints union select shipment_id from rebuilt_fct_complaints)
    or order_id in (select order_id from run_changed_orders)
)
where delivered_at is not null
