-- Time helpers. The session TimeZone is the configured timezone, so casting a timestamptz to
-- timestamp or date gives local wall time: weeks and days are local (CONTRACT §3).

-- The local ISO week (Monday) an instant falls in, named by the date of its Monday.
create or replace temp macro local_week(ts) as cast(date_trunc('week', cast(ts as timestamp)) as date);

-- ISO 8601 with the local offset, e.g. 2026-11-16T09:30:00+08:00 (CSV exports; CONTRACT §5).
-- The offset is computed from epoch_us (BIGINT), not epoch(): DuckDB 1.5's epoch() returns DOUBLE, and
-- `8.0 // 1` stays 8.0, which printed offsets as '+8.:0.' (fixed by the golden tests, test/models/golden-*).
create or replace temp macro iso_local(ts) as
  case when ts is not null then
    strftime(cast(ts as timestamp), '%Y-%m-%dT%H:%M:%S')
    || (case when epoch_us(cast(ts as timestamp)) - epoch_us(ts) < 0 then '-' else '+' end)
    || lpad(cast(abs(epoch_us(cast(ts as timestamp)) - epoch_us(ts)) // 3600000000 as varchar), 2, '0') || ':'
    || lpad(cast((abs(epoch_us(cast(ts as timestamp)) - epoch_us(ts)) % 3600000000) // 60000000 as varchar), 2, '0')
  end;

-- Whole hours between two instants, fractional (calendar clock).
create or replace temp macro hours_between(a, b) as (epoch(b) - epoch(a)) / 3600.0;
