-- The complaints whose fct_complaints row may differ from the last build's (pipelines/run/incremental-plan.ts
-- runs this only when that build saw the same config, rules and SQL and an as_of no later than this
-- run's). getvariable('last_file_id') and getvariable('last_as_of') are the last build's.
-- A complaint's row depends on its record, its causes and its attribution, whose own changes
-- (sql/changes/complaint_inputs.sql, which includes every complaint whose record changed) are listed
-- first; and on as_of, while a response, resolution or follow-up is still to come or there is no
-- response at all (the wait so far).
select complaint_id from run_changed_complaint_inputs
union
-- opened since (a skewed clock may have stamped its response earlier), or still moving with as_of
select complaint_id from raw_complaints
where opened_at <= getvariable('as_of')
  and (opened_at > getvariable('last_as_of')
    or first_response_at is null
    or first_response_at > getvariable('last_as_of')
    or resolved_at > getvariable('last_as_of')
    or followed_up_at > getvariable('last_as_of'))
