-- grain: one row per complaint whose fct_complaints row this run builds: every complaint opened up to
-- as_of when fct_complaints is built whole, else those of them listed in run_changed_complaints (the
-- complaints whose inputs changed since the last build: sql/changes/fct_complaints.sql).
-- definition: the complaint's current record (stg_complaints). Complaints opened after as_of have not
-- happened yet and are never built.
select c.*
from stg_complaints c
where c.opened_at <= getvariable('as_of')
  and (getvariable('build_fct_complaints') = 'full' or c.complaint_id in (select complaint_id from run_changed_complaints))
