-- grain: one row per complaint opened up to as_of and cause (a complaint may have several causes).
-- definition (CONTRACT §4): the causes of fct_complaints, one row each, with the complaint's
-- cause_method ('tagged', 'rule' or 'unclassified' for 'other'). Read from the fact table, which holds
-- every complaint (int_complaint_cause_sets holds only those an incremental build rebuilt).
select complaint_id, unnest(string_split(causes, '|')) as cause_code, cause_method
from fct_complaints
