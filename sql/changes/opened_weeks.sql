-- The local weeks of opened_at whose mart_sla_weekly rows may differ from the last build's
-- (pipelines/run/incremental-plan.ts). A week's rows follow from the fct_complaints rows opened in it
-- alone, and the only rows of fct_complaints that differ from the last build's are the ones it rebuilt
-- this run (run after it: the planner builds the mart whole when fct_complaints was built whole): the
-- week each of them was opened in before (a new record may move opened_at, a deleted complaint leaves)
-- and now; and the weeks of the rows it re-clocked in place (their record, so their week, unchanged).
select week from replaced_fct_complaints
union
select week from rebuilt_fct_complaints
union
select week from fct_complaints where complaint_id in (select complaint_id from run_reclocked_complaints)
