-- Time helpers. The session TimeZone is the configured timezone, so casting a timestamptz to
-- timestamp or date gives local wall time: weeks and days are local (CONTRACT §3).
--
-- Speed: ICU converts an instant to wall time at ~2-3 M values/s here, which made the local week of
-- every shipment and every exported timestamp a visible share of a run (issue 7). A zone with one UTC
-- offset throughout 2000-2100 (Asia/Shanghai has had no DST since 1991) gets wall time by epoch
-- arithmetic instead, ~7x faster; other instants, and zones with DST, still go through ICU.
-- tz_fixed_offset_us: that offset in microseconds, or null when the zone's offset changes in the range.
-- Sampled daily at noon UTC: every real offset change lasts months, so a daily sample sees it.
set variable tz_fixed_offset_us = (
  select case when count(distinct epoch_us(cast(t as timestamp)) - epoch_us(t)) = 1 then min(epoch_us(cast(t as timestamp)) - epoch_us(t)) end
  from generate_series(timestamptz '2000-01-01 12:00:00+00', timestamptz '2100-12-31 12:00:00+00', interval 1 day) as s(t)
);
-- The same offset written as in ISO 8601 (+08:00), for iso_local.
set variable tz_fixed_offset_text = (
  select (case when o < 0 then '-' else '+' end) || lpad(cast(abs(o) // 3600000000 as varchar), 2, '0') || ':' || lpad(cast((abs(o) % 3600000000) // 60000000 as varchar), 2, '0')
  from (select cast(getvariable('tz_fixed_offset_us') as bigint) as o)
);

-- Local wall time of an instant (a timestamptz). 2000-01-01 .. 2101-01-01 UTC is the sampled range.
create or replace temp macro local_timestamp(ts) as
  case
    when getvariable('tz_fixed_offset_us') is not null and epoch_us(ts) >= 946684800000000 and epoch_us(ts) < 4133980800000000
      then make_timestamp(epoch_us(ts) + getvariable('tz_fixed_offset_us'))
    else cast(ts as timestamp)
  end;

-- The local date of an instant.
create or replace temp macro local_date(ts) as cast(local_timestamp(ts) as date);

-- The local ISO week (Monday) an instant falls in, named by the date of its Monday.
create or replace temp macro local_week(ts) as cast(date_trunc('week', local_timestamp(ts)) as date);

-- ISO 8601 with the local offset, e.g. 2026-11-16T09:30:00+08:00 (CSV exports; CONTRACT §5).
-- The offset is computed from epoch_us (BIGINT), not epoch(): DuckDB 1.5's epoch() returns DOUBLE, and
-- `8.0 // 1` stays 8.0, which printed offsets as '+8.:0.' (fixed by the golden tests, test/models/golden-*).
-- A fixed-offset zone appends its offset text as is. Fractional seconds are written when there are
-- any (as many digits as needed, up to microseconds: 09:30:00.123+08:00), so no instant is rounded away.
create or replace temp macro iso_local(ts) as
  case when ts is not null then
    strftime(local_timestamp(ts), '%Y-%m-%dT%H:%M:%S')
    || case
      when epoch_us(ts) % 1000000 = 0 then ''
      else '.' || rtrim(lpad(cast((epoch_us(ts) % 1000000 + 1000000) % 1000000 as varchar), 6, '0'), '0')
    end
    || case
      when getvariable('tz_fixed_offset_us') is not null and epoch_us(ts) >= 946684800000000 and epoch_us(ts) < 4133980800000000
        then getvariable('tz_fixed_offset_text')
      else
        (case when epoch_us(cast(ts as timestamp)) - epoch_us(ts) < 0 then '-' else '+' end)
        || lpad(cast(abs(epoch_us(cast(ts as timestamp)) - epoch_us(ts)) // 3600000000 as varchar), 2, '0') || ':'
        || lpad(cast((abs(epoch_us(cast(ts as timestamp)) - epoch_us(ts)) % 3600000000) // 60000000 as varchar), 2, '0')
    end
  end;

-- Hours between two instants, fractional (calendar clock). The difference is taken in integer
-- microseconds and divided once: epoch() gives seconds as a double, and two of those near 1.8e9 s
-- subtract with ~1e-7 s of rounding, so a duration with fractions of a second came out a hair off.
create or replace temp macro hours_between(a, b) as (epoch_us(b) - epoch_us(a)) / 3600000000.0;
-- Minutes between two instants, fractional (calendar clock), exact in the same way.
create or replace temp macro minutes_between(a, b) as (epoch_us(b) - epoch_us(a)) / 60000000.0;

-- Whether an instant lies within the local dates first_date through last_date, a day either side to
-- cover any UTC offset. An incremental build tests this before `<its key> in (select … from <its
-- changed keys>)`: with bounds that are constants (variables the planner sets for a date-keyed table
-- of changed keys, pipelines/run/incremental-plan.ts) a scan skips the row groups outside them (zone
-- maps), which the `in` alone cannot. At benchmark scale L a daily run's carrier marts then read about
-- one week of 7.3 M shipments.
create or replace temp macro within_dates(instant, first_date, last_date) as
  instant >= cast(cast(first_date as date) - interval 1 day as timestamptz)
  and instant < cast(cast(last_date as date) + interval 2 day as timestamptz);

-- The same for weeks named by their Mondays.
create or replace temp macro within_weeks(instant, first_week, last_week) as
  within_dates(instant, first_week, cast(last_week as date) + 6);

-- The changed delivery dates of the carrier day tables (sql/changes/delivery_days.sql).
create or replace temp macro within_changed_delivery_days(delivered_at) as
  within_dates(delivered_at, getvariable('run_changed_delivery_days_first'), getvariable('run_changed_delivery_days_last'));

-- The changed order weeks of mart_orders_weekly (sql/changes/order_weeks.sql).
create or replace temp macro within_changed_order_weeks(ordered_at) as
  within_weeks(ordered_at, getvariable('run_changed_order_weeks_first'), getvariable('run_changed_order_weeks_last'));

-- The changed dates of int_action_exposure_days (sql/changes/int_action_exposure_days.sql).
create or replace temp macro within_changed_action_days(instant) as
  within_dates(instant, getvariable('run_changed_action_days_first'), getvariable('run_changed_action_days_last'));

-- The period of a corrective action an instant falls in (mart_action_effectiveness, CONTRACT §5):
-- 'before' in [before_start, before_end), 'after' in [after_start, after_end), else null. The two never
-- overlap: before ends at implemented_at and after starts actions.afterStartDays (>= 0) later.
create or replace temp macro action_period(instant, before_start, before_end, after_start, after_end) as
  case
    when instant >= before_start and instant < before_end then 'before'
    when instant >= after_start and instant < after_end then 'after'
  end;

