-- The complaints whose fct_complaints row is rebuilt whole this run (pipelines/run/incremental-plan.ts
-- runs this only when the last build saw the same config, rules and SQL and an as_of no later than
-- this run's). getvariable('last_file_id') and getvariable('last_as_of') are the last build's.
-- A complaint's row depends on its record (loaded since: a new complaint, or a new version that
-- answers, resolves or re-tags it), its causes (whose record changes are among those) and its
-- attribution, whose own changes (sql/changes/complaint_inputs.sql: its order's items, shipments or
-- products, a deletion at the source) are listed first; and on as_of, which makes a row of each
-- complaint opened since. The rows that move with as_of alone (a wait, a response or resolution
-- reached) are re-clocked in place instead (sql/changes/reclocked_complaints.sql).
select complaint_id from run_changed_complaint_inputs
union
select complaint_id from raw_complaints where _file_id > getvariable('last_file_id')
union
select complaint_id from raw_complaints
where opened_at <= getvariable('as_of')
  and opened_at > getvariable('last_as_of')
