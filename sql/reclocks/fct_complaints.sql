-- Re-clocks the rows of fct_complaints that move with as_of alone (run_reclocked_complaints:
-- sql/changes/reclocked_complaints.sql) in place: the columns int_complaint_sla computes from as_of,
-- as it computed them this run. Every other column of those rows follows from their record, causes
-- and attribution, unchanged since the last build. The model runner checks that each listed complaint
-- had its row.
update fct_complaints f
set
  first_response_minutes = s.first_response_minutes,
  sla_breached = s.sla_breached,
  resolution_hours = s.resolution_hours,
  first_response_at = s.responded_at,
  resolved_at = s.resolved_at,
  elapsed_minutes_at_as_of = s.elapsed_minutes_at_as_of,
  has_follow_up = s.has_follow_up
from int_complaint_sla s
where s.complaint_id = f.complaint_id
  and s.complaint_id in (select complaint_id from run_reclocked_complaints)
