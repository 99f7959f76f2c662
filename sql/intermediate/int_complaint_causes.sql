-- grain: one row per complaint opened up to as_of and cause (a complaint may have several causes).
-- definition (CONTRACT §4): the causes of int_complaint_cause_sets, one row each, with the complaint's
-- cause_method ('tagged', 'rule' or 'unclassified' for 'other').
select complaint_id, unnest(cause_codes) as cause_code, cause_method
from int_complaint_cause_sets
