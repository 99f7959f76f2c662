-- grain: one row per local ISO week of opened_at, channel and severity (only combinations with complaints).
-- definition (CONTRACT §5): breach_rate = breached / complaints; median and p90 first response
-- (linear interpolation, quantile_cont) over the responded complaints; median resolution hours over
-- the resolved ones; escalation, reopen and follow-up rates over all complaints; csat_avg over given csat.
-- Extension: awaiting_within_target = complaints without a first response by as_of whose clock is still
-- inside the target. They are not breached yet but may be, so the breach rate of a week that has them
-- (the latest) is provisional and can only rise; the outputs say so next to it.
select
  week,
  channel,
  severity,
  count(*) as complaints,
  count(first_response_minutes) as responded,
  count(*) filter (where sla_breached) as breached,
  count(*) filter (where sla_breached) / count(*) as breach_rate,
  quantile_cont(first_response_minutes, 0.5) as median_first_response_minutes,
  quantile_cont(first_response_minutes, 0.9) as p90_first_response_minutes,
  quantile_cont(resolution_hours, 0.5) as median_resolution_hours,
  count(*) filter (where is_escalated) / count(*) as escalation_rate,
  count(*) filter (where is_reopened) / count(*) as reopen_rate,
  count(*) filter (where has_follow_up) / count(*) as followup_rate,
  avg(csat) as csat_avg,
  count(*) filter (where first_response_minutes is null and not sla_breached) as awaiting_within_target
from fct_complaints
where getvariable('build_mart_sla_weekly') = 'full' or week in (select week from run_changed_opened_weeks)
group by week, channel, severity
