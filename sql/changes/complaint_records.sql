-- The complaints whose int_complaint_cause_sets row may differ from the last build's
-- (pipelines/run/incremental-plan.ts): a complaint's causes follow from its agent tags and its text
-- alone, so of the records loaded since, only the new complaints and those whose tags or text changed
-- (another hash than the one their causes were found from) are matched again; most new versions of a
-- complaint only answer, resolve or follow it up. getvariable('last_file_id') is the last build's.
-- Joins are built as written (the planner): the kept causes are probed, the loaded records hashed.
with loaded as (
  select complaint_id, hash(cause_code, text) as causes_from
  from raw_complaints
  where _file_id > getvariable('last_file_id')
),
unchanged as (
  select c.complaint_id, c.causes_from
  from int_complaint_cause_sets c
  semi join loaded l on l.complaint_id = c.complaint_id
)
select complaint_id from (select * from loaded except select * from unchanged)
union
-- deleted at its source
select key_value from raw_removed_rows where entity = 'complaints'
