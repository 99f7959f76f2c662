-- grain: one row per local ISO week of opened_at and cause_code (causes present that week).
-- definition (CONTRACT §5): a complaint with two causes counts once for each; share = complaints /
-- all cause assignments of the week; rank 1 = most complaints, ties broken by cause_code;
-- cumulative_share summed in rank order (the Pareto line); wow_change = complaints − the same cause's
-- complaints the week before (0 when it had none).
with counts as (
  select week, cause_code, count(*) as complaints
  from (select week, unnest(string_split(causes, '|')) as cause_code from fct_complaints)
  group by week, cause_code
),
ranked as (
  select
    week,
    cause_code,
    complaints,
    complaints / sum(complaints) over (partition by week) as share,
    -- running count over the week's total (not a running sum of shares): ends at exactly 1
    sum(complaints) over (partition by week order by complaints desc, cause_code rows between unbounded preceding and current row)
      / sum(complaints) over (partition by week) as cumulative_share,
    row_number() over (partition by week order by complaints desc, cause_code) as rank
  from counts
)
select
  r.week,
  r.cause_code,
  p.responsible_party,
  r.complaints,
  r.share,
  r.rank,
  r.cumulative_share,
  r.complaints - coalesce(prev.complaints, 0) as wow_change
from ranked r
join cfg_cause_parties p using (cause_code)
left join counts prev on prev.cause_code = r.cause_code and prev.week = r.week - 7
