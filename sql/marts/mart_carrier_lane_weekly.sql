-- grain: one row per carrier, local ISO week of delivered_at and lane (origin_region, dest_region),
-- lanes with at least one delivery only.
-- definition: delivered_shipments and damaged_shipments as in mart_carrier_weekly (delivered up to
-- as_of; damaged = a transit_damage complaint attributed to the shipment), split by lane so the
-- logistics dashboard can tell handling on a route from a carrier-wide problem. A region the shipment
-- does not name is '?' (a key column cannot be null, and "unknown" is a lane the lead should see).
-- Lanes and categories are two marts, not one at lane × category grain: no chart crosses them, and the
-- cross product would be several times the rows.
-- Rebuilt for the changed delivery weeks only when the last build allows (sql/changes/delivery_weeks.sql).
select
  carrier,
  week,
  coalesce(origin_region, '?') as origin_region,
  coalesce(dest_region, '?') as dest_region,
  count(*) as delivered_shipments,
  count(*) filter (where is_damaged) as damaged_shipments
from int_shipment_damage
where (getvariable('build_mart_carrier_lane_weekly') = 'full' or (within_changed_delivery_weeks(delivered_at) and week in (select week from run_changed_delivery_weeks)))
group by all
