-- grain: one row per corrective action.
-- definition (CONTRACT §5): the two periods an action is judged on, as half-open instant ranges:
--   before = [implemented_at − 56 days, implemented_at); after = [implemented_at + 7 days,
--   min(implemented_at + 63 days, as_of)) (the day counts are the config's actions settings). The first
--   week after is skipped because a fix takes time to reach parcels already in the network.
-- An action without implemented_at has no periods (null bounds) and counts nothing; is_pending marks
-- one not implemented by as_of, whose verdict is pending.
-- Every exposure counted has happened by as_of (each source is cut there, as_of included), so a pending
-- action's before period needs no cut of its own; least(…, as_of) with the half-open [start, end)
-- dropped the exposures at exactly as_of.
select
  a.action_id,
  a.scope_type,
  a.scope_value,
  a.cause_code,
  a.implemented_at,
  a.implemented_at is null or a.implemented_at > getvariable('as_of') as is_pending,
  a.implemented_at - to_days(cast(getvariable('action_before_days') as integer)) as before_start,
  a.implemented_at as before_end,
  a.implemented_at + to_days(cast(getvariable('action_after_start_days') as integer)) as after_start,
  least(a.implemented_at + to_days(cast(getvariable('action_after_end_days') as integer)), getvariable('as_of')) as after_end
from stg_corrective_actions a
