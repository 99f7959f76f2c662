-- The complaints whose record changed since the last build (pipelines/run/incremental-plan.ts):
-- int_complaint_cause_sets rebuilds them, a complaint's causes following from its record alone.
-- getvariable('last_file_id') is the last build's.
-- its record was loaded since
select complaint_id from raw_complaints where _file_id > getvariable('last_file_id')
union
-- deleted at its source
select key_value from raw_removed_rows where entity = 'complaints'
