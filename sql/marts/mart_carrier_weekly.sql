-- grain: one row per carrier and local ISO week of delivered_at (weeks with no delivery have no row).
-- definition (CONTRACT §5):
--   delivered_shipments: status delivered, delivered_at in the week (and up to as_of)
--   damaged_shipments: of those, the ones with a transit_damage complaint attributed to the shipment
--   breakage_per_1000 = 1000 × damaged / delivered, with a 95 % Wilson score interval: unlike the
--     normal approximation it stays inside [0, 1] and is honest for small volumes and zero counts
--   on_time_rate = on time / delivered; avg_delay_hours over the late ones (null when none is late)
--   flagged: the interval's lower bound exceeds the breakage target, i.e. the carrier is over target
--     beyond reasonable doubt, not merely by one unlucky parcel.
-- Rebuilt for the changed delivery weeks only when the last build allows (sql/changes/delivery_weeks.sql).
select
  carrier,
  week,
  count(*) as delivered_shipments,
  count(*) filter (where is_damaged) as damaged_shipments,
  1000.0 * count(*) filter (where is_damaged) / count(*) as breakage_per_1000,
  1000.0 * wilson_low(count(*) filter (where is_damaged), count(*)) as breakage_ci_low_per_1000,
  1000.0 * wilson_high(count(*) filter (where is_damaged), count(*)) as breakage_ci_high_per_1000,
  count(*) filter (where is_on_time) as on_time_shipments,
  count(*) filter (where is_on_time) / count(*) as on_time_rate,
  -- averaged over exact integer microseconds: a float average varies in its last digits with the
  -- order parallel threads add in, and the export must be the same for the same data
  avg(delay_us) / 3600000000.0 as avg_delay_hours,
  1000.0 * wilson_low(count(*) filter (where is_damaged), count(*)) > getvariable('breakage_target_per_1000') as flagged
from int_shipment_damage
where (getvariable('build_mart_carrier_weekly') = 'full' or (within_changed_delivery_weeks(delivered_at) and week in (select week from run_changed_delivery_weeks)))
group by carrier, week
