-- grain: one row per carrier, local ISO week of delivered_at and delay bin (bins with late shipments only).
-- definition: late_shipments = shipments delivered up to as_of after their promised_at, counted by how
-- late (calendar hours past the promise, int_shipment_damage.delay_hours). delay_bin i covers
-- [edge i, edge i+1) hours with edges 0, 6, 12, 24, 48, 72, 120; bin 6 is 120 hours and more.
-- dashboards/shared/labels.ts names the bins (labels.logistics.delayBins, in this order): change both
-- together. Binned here, so the dashboard reads a few rows per carrier and week, not every late shipment.
-- Rebuilt for the changed delivery weeks only when the last build allows (sql/changes/delivery_weeks.sql).
select
  carrier,
  week,
  case
    when delay_hours < 6 then 0
    when delay_hours < 12 then 1
    when delay_hours < 24 then 2
    when delay_hours < 48 then 3
    when delay_hours < 72 then 4
    when delay_hours < 120 then 5
    else 6
  end as delay_bin,
  count(*) as late_shipments
from int_shipment_damage
where delay_hours is not null
  and (getvariable('build_mart_carrier_delay_weekly') = 'full' or (within_changed_delivery_weeks(delivered_at) and week in (select week from run_changed_delivery_weeks)))
group by all
