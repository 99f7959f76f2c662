-- grain: one row per carrier and local ISO week of delivered_at (weeks with no delivery have no row).
-- definition (CONTRACT §5):
--   delivered_shipments: status delivered, delivered_at in the week (and up to as_of)
--   damaged_shipments: of those, the ones with a transit_damage complaint attributed to the shipment
--   breakage_per_1000 = 1000 × damaged / delivered, with a 95 % Wilson score interval: unlike the
--     normal approximation it stays inside [0, 1] and is honest for small volumes and zero counts
--   on_time_rate = on time / delivered; avg_delay_hours over the late ones (null when none is late)
--   flagged: the interval's lower bound exceeds the breakage target, i.e. the carrier is over target
--     beyond reasonable doubt, not merely by one unlucky parcel.
-- The days' counts of int_carrier_lane_days added up by week (each figure here is a count, a sum or a
-- function of them), so the weekly marts are rebuilt whole from a few thousand rows each run.
with weekly as (
  -- sum() of counts is a 128-bit integer in DuckDB: back to the counts' own type
  select
    carrier,
    cast(date_trunc('week', delivery_date) as date) as week,
    cast(sum(delivered_shipments) as bigint) as delivered,
    cast(sum(damaged_shipments) as bigint) as damaged,
    cast(sum(on_time_shipments) as bigint) as on_time,
    cast(sum(late_shipments) as bigint) as late,
    sum(late_us) as late_us
  from int_carrier_lane_days
  group by carrier, week
)
select
  carrier,
  week,
  delivered as delivered_shipments,
  damaged as damaged_shipments,
  1000.0 * damaged / delivered as breakage_per_1000,
  1000.0 * wilson_low(damaged, delivered) as breakage_ci_low_per_1000,
  1000.0 * wilson_high(damaged, delivered) as breakage_ci_high_per_1000,
  on_time as on_time_shipments,
  on_time / delivered as on_time_rate,
  -- the mean delay of the late ones (null when none is late), from their delays summed as exact
  -- integer microseconds: a float sum varies in its last digits with the order parallel threads add
  -- in, and the export must be the same for the same data
  cast(late_us as double) / nullif(late, 0) / 3600000000.0 as avg_delay_hours,
  1000.0 * wilson_low(damaged, delivered) > getvariable('breakage_target_per_1000') as flagged
from weekly
