-- grain: one row per local date of delivered_at, carrier and lane (origin_region, dest_region), with
-- at least one shipment delivered up to as_of.
-- definition: the day's counts behind mart_carrier_weekly, mart_carrier_lane_weekly and
-- mart_carrier_delay_weekly, which add them up by week (every one of their figures is a count or a sum):
--   delivered_shipments, damaged_shipments (a transit_damage complaint attributed to the shipment),
--   on_time_shipments (delivered_at <= promised_at), late_shipments and late_us (the late ones and
--   their delay in microseconds, summed: avg_delay_hours = late_us / late_shipments), and
--   late_in_bin: the late ones per delay bin (a list of 7 counts; bins as in mart_carrier_delay_weekly).
-- A region the shipment does not name is '?', as in mart_carrier_lane_weekly.
-- Kept in the file and rebuilt for the dates whose shipments, damage or order categories changed
-- (sql/changes/delivery_days.sql): the week in progress, 650 k shipments at benchmark scale L, had been
-- re-counted each day for the weekly marts (0.6 s), a day's shipments are a seventh of that.
select
  local_date(delivered_at) as delivery_date,
  carrier,
  coalesce(origin_region, '?') as origin_region,
  coalesce(dest_region, '?') as dest_region,
  count(*) as delivered_shipments,
  count(*) filter (where is_damaged) as damaged_shipments,
  count(*) filter (where is_on_time) as on_time_shipments,
  count(delay_us) as late_shipments,
  -- exact: a sum of integers (a 128-bit one in DuckDB)
  sum(delay_us) as late_us,
  [
    count(*) filter (where delay_hours < 6),
    count(*) filter (where delay_hours >= 6 and delay_hours < 12),
    count(*) filter (where delay_hours >= 12 and delay_hours < 24),
    count(*) filter (where delay_hours >= 24 and delay_hours < 48),
    count(*) filter (where delay_hours >= 48 and delay_hours < 72),
    count(*) filter (where delay_hours >= 72 and delay_hours < 120),
    count(*) filter (where delay_hours >= 120)
  ] as late_in_bin
from int_shipment_damage
where getvariable('build_int_carrier_lane_days') = 'full'
  or (within_changed_delivery_days(delivered_at) and local_date(delivered_at) in (select delivery_date from run_changed_delivery_days))
group by all
