-- grain: one row per shipment delivered up to as_of (status delivered, delivered_at <= as_of).
-- definition (CONTRACT §5): damaged = at least one complaint opened up to as_of with cause
-- transit_damage attributed to the shipment; on time = delivered_at <= promised_at; delay hours are
-- calendar hours past the promise, for late ones only.
-- A complaint's causes are read from fct_complaints.causes (sorted codes joined by '|'), not joined
-- from a table of one row per cause: that join of a million complaints cost 0.8 s per reader at L.
with damaged as (
  select distinct shipment_id
  from fct_complaints
  where shipment_id is not null and has_cause(causes, 'transit_damage')
)
select
  s.shipment_id,
  s.order_id,
  s.carrier,
  s.origin_region,
  s.dest_region,
  s.delivered_at,
  s.promised_at,
  local_week(s.delivered_at) as week,
  d.shipment_id is not null as is_damaged,
  s.delivered_at <= s.promised_at as is_on_time,
  case when s.delivered_at > s.promised_at then hours_between(s.promised_at, s.delivered_at) end as delay_hours,
  -- the same delay in whole microseconds: sums of it are exact, so averages do not depend on the order
  -- in which parallel threads add them up
  case when s.delivered_at > s.promised_at then epoch_us(s.delivered_at) - epoch_us(s.promised_at) end as delay_us
from stg_shipments s
left join damaged d using (shipment_id)
where s.status = 'delivered'
  and s.delivered_at is not null
  and s.delivered_at <= getvariable('as_of')
