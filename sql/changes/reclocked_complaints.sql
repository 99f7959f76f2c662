-- The complaints whose fct_complaints row moves with as_of alone (pipelines/run/incremental-plan.ts,
-- after the model's changed keys, run_changed_complaints): rows of the last build (opened by its
-- as_of) that this run does not rebuild, while a response, resolution or follow-up is still to come
-- by the last as_of, or there is no response at all (the wait so far). Their record, causes and
-- attribution are as the last build saw them; only the columns int_complaint_sla computes from as_of
-- change, and sql/reclocks/fct_complaints.sql sets them in place (rewriting the 24 k unanswered
-- complaints' rows each day cost 0.3 s at benchmark scale L, updating them 0.03 s).
select complaint_id from raw_complaints
where opened_at <= getvariable('last_as_of')
  and (first_response_at is null
    or first_response_at > getvariable('last_as_of')
    or resolved_at > getvariable('last_as_of')
    or followed_up_at > getvariable('last_as_of'))
except
select complaint_id from run_changed_complaints
