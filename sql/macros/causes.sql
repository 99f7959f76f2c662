-- Whether a complaint's causes (fct_complaints.causes: sorted cause codes joined by '|') include a
-- code. The substring test first: it is cheap and false for most complaints, so the exact test of the
-- split list (a code could be part of a longer one) runs on few rows. Splitting every complaint's
-- causes cost 0.2 s per reader over the million complaints of benchmark scale L.
create or replace temp macro has_cause(causes, code) as
  contains(causes, code) and list_contains(string_split(causes, '|'), code);
