-- grain: one row per local date, in the session TimeZone (= the config timezone; the runner sets it
--   before building, and every query that joins this table must run under the same TimeZone), from
--   2000-01-01, or the local date of the earliest opened_at if that is earlier (placeholder dates such
--   as 1970-01-01 occur in real exports), through 2100-12-31, or the day after as_of if that is later:
--   every instant int_complaint_sla looks up (opened_at, a response between opened_at and as_of, as_of).
-- definition: the business-hours clock as a calendar.
--   is_working_day           cfg_calendar_exceptions.is_working_day for the date if listed (holiday =
--                            false, special working day such as a make-up Saturday = true), else whether
--                            isodow(local_date) is in getvariable('business_weekdays') (Monday = 1)
--   open_at, close_at        the instants at which that date's local wall clock reaches
--                            business_open_minute / business_close_minute (minutes after local midnight,
--                            0 <= open < close <= 1440; 1440 = next midnight); special working days use the
--                            same hours; on a non-working day both are the instant of local midnight
--   business_minutes         elapsed minutes from open_at to close_at (elapsed, so a window that contains
--                            a DST change is shorter or longer than close - open by the change, usually 60)
--   business_minutes_before  business minutes of all earlier dates in the table (0 on its first date)
--   business_us, business_us_before  the same two in integer microseconds, for exact differences
-- Cumulative business minutes at an instant ts =
--   business_minutes_before + business_minutes_into_day(ts, open_at, close_at) on local_date = cast(ts as date)
-- (macro and join pattern: sql/macros/business_clock.sql). Outside the table's dates the join finds no row (null).
--
-- DST: a local wall time is turned into an instant by one rule, "the first instant at which the local
-- wall clock reads this time or later". DuckDB's own cast(timestamp as timestamptz) (ICU, same results as
-- PostgreSQL; checked on DuckDB 1.5.5) agrees with it for every wall time that exists exactly once; it
-- differs in the two DST edge cases, handled below:
--   * spring-forward gap (e.g. America/New_York 2026-03-08, 02:00 -> 03:00): the cast reads a skipped time
--     with the pre-transition offset, i.e. moves it forward by the gap (02:30 -> 03:30 EDT). An opening
--     time inside the gap opens at the transition instant instead (02:30 -> 03:00 EDT = 07:00Z), the moment
--     the clock passes 02:30; likewise a closing time. A wall time exactly at the gap's start (a midnight
--     transition and a 00:00 opening) is the transition instant under both readings.
--   * fall-back overlap (2026-11-01, 01:00-02:00 happens twice): the cast picks the later occurrence; the
--     first occurrence is used (the office opens, or closes, the first time the clock shows the time).
--     The day keeps a single window [open_at, close_at); a wall-clock-membership reading would instead
--     skip or re-count the repeated part when open or close lies inside the repeated hour.
-- Changes happen around midnight to 03:00 local, so with daytime hours (09:00-18:00) neither case arises;
-- Asia/Shanghai has had no DST since 1991. Missing or impossible hours raise an error (settings below).
with
-- missing or impossible hours stop the build (the config validator should have caught them already)
settings as (
    select
        business_weekdays,
        case
            when open_minute is null or close_minute is null or business_weekdays is null
                then error('int_business_calendar: set variables business_weekdays, business_open_minute and business_close_minute first')
            when not (0 <= open_minute and open_minute < close_minute and close_minute <= 1440)
                then error(format('int_business_calendar: business hours must satisfy 0 <= open < close <= 1440 minutes, got {} to {}', open_minute, close_minute))
            else open_minute
        end as open_minute,
        close_minute
    from (
        select
            cast(getvariable('business_weekdays') as integer[]) as business_weekdays,
            cast(getvariable('business_open_minute') as integer) as open_minute,
            cast(getvariable('business_close_minute') as integer) as close_minute
    )
),

-- a date listed twice is a config error; holiday (false) wins so the result does not depend on row order
exceptions as (
    select local_date, bool_and(is_working_day) as is_working_day
    from cfg_calendar_exceptions
    where local_date is not null and is_working_day is not null
    group by local_date
),

span as (
    select
        -- the local date of the earliest instant (the same as the earliest local date, and one ICU
        -- conversion instead of a million: 0.18 s of every run at benchmark scale L)
        least(date '2000-01-01', coalesce(cast(min(opened_at) as date), date '2000-01-01')) as first_date,
        greatest(date '2101-01-01', cast(getvariable('as_of') as date) + 2) as end_date
    from stg_complaints
),

days as (
    select
        cast(r.d as date) as local_date,
        coalesce(x.is_working_day, list_contains(s.business_weekdays, isodow(cast(r.d as date)))) as is_working_day,
        s.open_minute,
        s.close_minute
    from span
    cross join range(span.first_date, span.end_date, interval 1 day) as r(d)
    cross join settings as s
    left join exceptions as x on x.local_date = cast(r.d as date)
),

-- the two local wall times per date to turn into instants
walls as (
    select local_date, 'open' as edge,
        local_date + to_minutes(case when is_working_day then open_minute else 0 end) as wall
    from days
    union all
    select local_date, 'close' as edge,
        local_date + to_minutes(case when is_working_day then close_minute else 0 end) as wall
    from days
),

-- shift_us > 0: the wall time does not exist (gap) and ICU moved it forward by shift_us.
-- fallback_us > 0: the offset dropped within the 24 h before icu_at, so the wall time may exist twice.
probed as (
    select
        local_date, edge, wall, icu_at,
        epoch_us(cast(icu_at as timestamp)) - epoch_us(wall) as shift_us,
        (epoch_us(cast(make_timestamptz(epoch_us(icu_at) - 86400000000) as timestamp))
            - (epoch_us(icu_at) - 86400000000))
        - (epoch_us(cast(icu_at as timestamp)) - epoch_us(icu_at)) as fallback_us
    from (select *, cast(wall as timestamptz) as icu_at from walls)
),

-- the transition instant lies in (icu_at - shift_us, icu_at]: the first whole minute there at which the
-- clock reads >= wall (UTC offsets and transitions are whole minutes). Runs only for the rare gap rows.
gap_resolved as (
    select local_date, edge, min(candidate_at) as resolved_at
    from (
        select
            local_date, edge, wall,
            make_timestamptz(epoch_us(icu_at) - shift_us + step * 60000000) as candidate_at
        from (
            select *, unnest(range(0, shift_us // 60000000 + 1)) as step
            from probed
            where shift_us > 0
        )
    )
    where cast(candidate_at as timestamp) >= wall
    group by local_date, edge
),

resolved as (
    select
        p.local_date,
        p.edge,
        case
            when p.shift_us > 0 then g.resolved_at
            when p.fallback_us > 0
                and cast(make_timestamptz(epoch_us(p.icu_at) - p.fallback_us) as timestamp) = p.wall
                then make_timestamptz(epoch_us(p.icu_at) - p.fallback_us)
            else p.icu_at
        end as resolved_at
    from probed as p
    left join gap_resolved as g on g.local_date = p.local_date and g.edge = p.edge
),

windows as (
    select
        d.local_date,
        d.is_working_day,
        o.resolved_at as open_at,
        c.resolved_at as close_at
    from days as d
    join resolved as o on o.local_date = d.local_date and o.edge = 'open'
    join resolved as c on c.local_date = d.local_date and c.edge = 'close'
)

select
    local_date,
    is_working_day,
    open_at,
    close_at,
    business_us,
    business_us_before,
    cast(business_us as double) / 60000000 as business_minutes,
    cast(business_us_before as double) / 60000000 as business_minutes_before
from (
    select
        *,
        epoch_us(close_at) - epoch_us(open_at) as business_us,
        -- integer microseconds, so cumulative differences are exact (sql/macros/business_clock.sql)
        cast(coalesce(
            sum(epoch_us(close_at) - epoch_us(open_at))
                over (order by local_date rows between unbounded preceding and 1 preceding),
            0
        ) as bigint) as business_us_before
    from windows
)
order by local_date
