-- grain: one row per complaint whose fct_complaints row this run builds or re-clocks: every complaint
-- opened up to as_of when fct_complaints is built whole, else those of them listed in
-- run_changed_complaints (the complaints whose inputs changed since the last build, or opened since:
-- sql/changes/fct_complaints.sql) or run_reclocked_complaints (those whose row moves with as_of alone:
-- sql/changes/reclocked_complaints.sql).
-- definition: the complaint's current record (stg_complaints). Complaints opened after as_of have not
-- happened yet and are never built.
select c.*
from stg_complaints c
where c.opened_at <= getvariable('as_of')
  -- one list of keys: two `in` tests side by side were planned as two mark joins over every complaint
  and (getvariable('build_fct_complaints') = 'full'
    or c.complaint_id in (select complaint_id from run_changed_complaints union all select complaint_id from run_reclocked_complaints))
