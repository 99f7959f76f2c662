-- grain: one row per complaint opened up to as_of and cause (a complaint may have several causes).
-- definition (CONTRACT §4): an agent-tagged cause_code wins (cause_method 'tagged', each `|`-separated
-- code one row); otherwise every cause with a text rule that matches (cause_method 'rule': one of the
-- rule's include patterns matches and none of that same rule's exclude patterns does); otherwise
-- 'other' ('unclassified'). cfg_cause_rules holds one row per rule (the shipped ones, then the
-- config's), its patterns combined into case-insensitive regexes; the run compiles them into the macro
-- matched_causes(text) with the patterns as literals, so each regex is compiled once per run (a pattern
-- read from a column is recompiled for every row).
with complaints as (
  select complaint_id, cause_code, text
  from stg_complaints
  where opened_at <= getvariable('as_of')
),
tagged as (
  select complaint_id, unnest(string_split(cause_code, '|')) as cause_code, 'tagged' as cause_method
  from complaints
  where cause_code is not null
),
ruled as (
  select complaint_id, unnest(matched_causes(text)) as cause_code, 'rule' as cause_method
  from complaints
  where cause_code is null
),
unclassified as (
  select c.complaint_id, 'other' as cause_code, 'unclassified' as cause_method
  from complaints c
  where c.cause_code is null
    and not exists (select 1 from ruled r where r.complaint_id = c.complaint_id)
)
select * from tagged
union all
select * from ruled
union all
select * from unclassified
