-- grain: one row per complaint of int_complaints_to_build (opened up to as_of).
-- definition (CONTRACT §3, §5):
--   severity: the given one, else from rules: safety words make it crisis, else escalated makes it
--     major, else general (severity_method 'given' / 'rule'); the safety pattern is the run's macro is_crisis_text.
--   first_response_minutes: opened_at → first_response_at on the severity's clock (business hours from
--     int_business_calendar, or the calendar clock); a response stamped before opened_at counts as 0;
--     a response after as_of has not happened yet (null).
--   sla_breached: minutes > target (strictly), or no response yet and the minutes elapsed at as_of > target.
--   elapsed_minutes_at_as_of: opened_at → as_of on the clock, for complaints with no response by as_of.
--   resolution_hours: calendar hours to resolved_at, for complaints resolved by as_of.
--   has_follow_up: followed up by as_of. Every column that moves with as_of is computed here, so that
--     sql/reclocks/fct_complaints.sql can re-clock a row of fct_complaints from this model alone.
-- Business time between a and b = cum(b) − cum(a), with cum(t) = microseconds open on all earlier local
-- dates + those of t's own date elapsed at t: one lookup join per instant, no per-complaint loop.
-- Integer microseconds, divided into minutes once, so the minutes are exact (no float noise to round).
with complaints as (
  select
    complaint_id,
    opened_at,
    case when first_response_at <= getvariable('as_of') then first_response_at end as responded_at,
    case when resolved_at <= getvariable('as_of') then resolved_at end as resolved_at,
    (followed_up_at is not null and followed_up_at <= getvariable('as_of')) as has_follow_up,
    coalesce(severity, case
      when is_crisis_text(text) then 'crisis'
      when escalated then 'major'
      else 'general' end) as severity,
    case when severity is null then 'rule' else 'given' end as severity_method
  from int_complaints_to_build
),
as_of_clock as (
  select cal.business_us_before + business_us_into_day(getvariable('as_of'), cal.open_at, cal.close_at) as cum_us
  from int_business_calendar cal
  where cal.local_date = local_date(getvariable('as_of'))
),
clocked as (
  select
    c.*,
    t.target_minutes,
    t.clock,
    opened_cal.business_us_before + business_us_into_day(c.opened_at, opened_cal.open_at, opened_cal.close_at) as opened_cum_us,
    responded_cal.business_us_before + business_us_into_day(c.responded_at, responded_cal.open_at, responded_cal.close_at) as responded_cum_us
  from complaints c
  join cfg_sla_targets t on t.severity = c.severity
  left join int_business_calendar opened_cal on opened_cal.local_date = local_date(c.opened_at)
  left join int_business_calendar responded_cal on responded_cal.local_date = local_date(c.responded_at)
),
measured as (
  select
    clocked.*,
    case
      when responded_at is null then null
      -- differences of integer microseconds, divided once: exact to the double, so a response at
      -- exactly the target is never "> target" and nothing is rounded
      when clock = 'calendar' then greatest(0, minutes_between(opened_at, responded_at))
      when responded_at < opened_at then 0
      else (responded_cum_us - opened_cum_us) / 60000000.0
    end as first_response_minutes,
    -- only while there is no response: the wait so far, which moves with as_of (an answered
    -- complaint's row does not, so an incremental build need not touch it again)
    case
      when responded_at is not null then null
      when clock = 'calendar' then greatest(0, minutes_between(opened_at, getvariable('as_of')))
      -- opened_at <= as_of, and the calendar spans both (a missing date would give null, not 0)
      else ((select cum_us from as_of_clock) - opened_cum_us) / 60000000.0
    end as elapsed_minutes_at_as_of
  from clocked
)
select
  complaint_id,
  severity,
  severity_method,
  clock as sla_clock,
  target_minutes as sla_target_minutes,
  responded_at,
  resolved_at,
  first_response_minutes,
  elapsed_minutes_at_as_of,
  coalesce(first_response_minutes, elapsed_minutes_at_as_of) > target_minutes as sla_breached,
  case when resolved_at is not null then greatest(0, hours_between(opened_at, resolved_at)) end as resolution_hours,
  has_follow_up
from measured
