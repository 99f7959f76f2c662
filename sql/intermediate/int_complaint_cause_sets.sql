-- grain: one row per complaint (any opened_at): its causes as a sorted list, and how they were found.
-- definition (CONTRACT §4): an agent-tagged cause_code wins (cause_method 'tagged', its `|`-separated
-- codes); otherwise every cause with a text rule that matches (cause_method 'rule': one of the rule's
-- include patterns matches and none of that same rule's exclude patterns does); otherwise ['other']
-- ('unclassified'). cfg_cause_rules holds one row per rule (the shipped ones, then the config's), its
-- patterns combined into case-insensitive regexes; the run compiles them into the macro
-- matched_causes(text) with the patterns as literals, so each regex is compiled once per run (a pattern
-- read from a column is recompiled for every row).
-- Complaint grain so that fct_complaints needs no group-by over a million complaints to put each
-- complaint's causes back together (1.7 CPU-s at benchmark scale L).
-- Kept in the file and rebuilt for the complaints whose tags or text changed since the last build
-- (sql/changes/complaint_records.sql): a complaint's causes follow from those and the rules alone (a
-- rule change rebuilds everything), so a complaint answered, resolved or re-clocked keeps its causes
-- (matching the rules on the texts of every new record version cost 0.15-0.25 s a day at scale L).
-- causes_from: a 64-bit hash of the tags and text they were found from, for that comparison.
with complaints as (
  select
    complaint_id,
    cause_code,
    case when cause_code is null then matched_causes(text) end as matched,
    hash(cause_code, text) as causes_from
  from stg_complaints
  where getvariable('build_int_complaint_cause_sets') = 'full'
    or complaint_id in (select complaint_id from run_changed_complaint_records)
)
select
  complaint_id,
  case
    when cause_code is not null then list_sort(string_split(cause_code, '|'))
    when len(matched) > 0 then list_sort(matched)
    else ['other']
  end as cause_codes,
  case
    when cause_code is not null then 'tagged'
    when len(matched) > 0 then 'rule'
    else 'unclassified'
  end as cause_method,
  causes_from
from complaints
