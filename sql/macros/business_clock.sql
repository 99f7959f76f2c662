-- business_us_into_day(ts, open_at, close_at) / business_minutes_into_day(…): microseconds / minutes of one day's opening window [open_at, close_at)
-- elapsed at instant ts, clamped to [0, close_at - open_at]; fractional minutes are kept (seconds and
-- microseconds count). 0 before opening, the whole window after closing.
--
-- Intended use, with int_business_calendar (sql/intermediate/int_business_calendar.sql) as cal:
-- cumulative business minutes at instant ts:
--   cal.business_minutes_before + business_minutes_into_day(ts, cal.open_at, cal.close_at)
-- joined on cal.local_date = cast(ts as date)      (session TimeZone = config timezone)
-- business minutes between a and b (a <= b) = cum(b) - cum(a); if b < a the result is 0
--
-- e.g. first-response minutes on the business clock (a left join keeps unanswered complaints):
--   with clocked as (
--     select c.complaint_id, c.opened_at, c.first_response_at,
--            o.business_minutes_before + business_minutes_into_day(c.opened_at, o.open_at, o.close_at) as opened_cum,
--            r.business_minutes_before + business_minutes_into_day(c.first_response_at, r.open_at, r.close_at) as response_cum
--     from complaints as c
--     join int_business_calendar as o on o.local_date = cast(c.opened_at as date)
--     left join int_business_calendar as r on r.local_date = cast(c.first_response_at as date)
--   )
--   select complaint_id,
--          case when first_response_at < opened_at then 0 else response_cum - opened_cum end as first_response_minutes
--   from clocked
-- Exact: business_us_into_day and int_business_calendar.business_us_before count integer microseconds,
-- so cum_us(b) - cum_us(a) is exact and one division makes minutes (int_complaint_sla does that). The
-- _minutes_ forms are doubles for reading; cumulative doubles in the millions of minutes carry ~1e-9
-- of rounding, which once turned a response at exactly the target into a breach.
-- A ts outside the calendar's dates finds no row and gives null.
--
-- ts should be a TIMESTAMPTZ. A naive TIMESTAMP is read as local wall time in the session TimeZone, both
-- here and in cast(ts as date), so it works too; a VARCHAR with an offset must be cast to TIMESTAMPTZ
-- first (cast('...Z' as date) would take the date as written, not the local date).
-- Arithmetic is on epoch microseconds, so an interval never depends on calendar-day rules. Clamped with
-- case, not greatest/least: those skip nulls in DuckDB, and a null ts must give null, not a whole window.
create or replace temp macro business_us_into_day(ts, open_at, close_at) as
    case
        when epoch_us(cast(ts as timestamptz)) <= epoch_us(cast(open_at as timestamptz)) then 0
        when epoch_us(cast(ts as timestamptz)) >= epoch_us(cast(close_at as timestamptz))
            then epoch_us(cast(close_at as timestamptz)) - epoch_us(cast(open_at as timestamptz))
        else epoch_us(cast(ts as timestamptz)) - epoch_us(cast(open_at as timestamptz))
    end;
create or replace temp macro business_minutes_into_day(ts, open_at, close_at) as
    cast(business_us_into_day(ts, open_at, close_at) as double) / 60000000;
