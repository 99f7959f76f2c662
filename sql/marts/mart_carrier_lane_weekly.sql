-- grain: one row per carrier, local ISO week of delivered_at and lane (origin_region, dest_region),
-- lanes with at least one delivery only.
-- definition: delivered_shipments and damaged_shipments as in mart_carrier_weekly (delivered up to
-- as_of; damaged = a transit_damage complaint attributed to the shipment), split by lane so the
-- logistics dashboard can tell handling on a route from a carrier-wide problem. A region the shipment
-- does not name is '?' (a key column cannot be null, and "unknown" is a lane the lead should see).
-- Lanes and categories are two marts, not one at lane × category grain: no chart crosses them, and the
-- cross product would be several times the rows.
-- The days' counts of int_carrier_lane_days added up by week.
select
  carrier,
  cast(date_trunc('week', delivery_date) as date) as week,
  origin_region,
  dest_region,
  cast(sum(delivered_shipments) as bigint) as delivered_shipments,
  cast(sum(damaged_shipments) as bigint) as damaged_shipments
from int_carrier_lane_days
group by all
