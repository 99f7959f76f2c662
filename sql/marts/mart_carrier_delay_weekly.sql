-- grain: one row per carrier, local ISO week of delivered_at and delay bin (bins with late shipments only).
-- definition: late_shipments = shipments delivered up to as_of after their promised_at, counted by how
-- late (calendar hours past the promise, int_shipment_damage.delay_hours). delay_bin i covers
-- [edge i, edge i+1) hours with edges 0, 6, 12, 24, 48, 72, 120; bin 6 is 120 hours and more.
-- dashboards/shared/labels.ts names the bins (labels.logistics.delayBins, in this order): change both
-- together. Binned here, so the dashboard reads a few rows per carrier and week, not every late shipment.
-- The days' late shipments per bin (int_carrier_lane_days.late_in_bin) added up by week.
select carrier, week, delay_bin, late_shipments
from (
  select
    d.carrier,
    cast(date_trunc('week', d.delivery_date) as date) as week,
    cast(bin.n as integer) as delay_bin,
    cast(sum(d.late_in_bin[bin.n + 1]) as bigint) as late_shipments
  from int_carrier_lane_days d, range(7) as bin(n)
  where d.late_shipments > 0
  group by all
)
where late_shipments > 0
