-- grain: one row per corrective action.
-- definition (CONTRACT §5): did the action move its metric?
--   exposures by scope, placed in time by: carrier → its delivered shipments (delivered_at);
--     sku → orders containing it (ordered_at); category → orders containing any SKU of it;
--     merchant → its orders (orders.merchant_id, else the merchant of the order's products);
--     channel → complaints of the channel (opened_at); global → all orders (ordered_at)
--   events: exposures with a complaint (opened up to as_of) of the action's cause, attributed to the
--     shipment (carrier), to the SKU / a SKU of the category (sku, category), to the order (merchant,
--     global); for channel the complaint itself having the cause
--   before = [implemented_at − 56 d, implemented_at); after = [implemented_at + 7 d,
--     min(implemented_at + 63 d, as_of)): the first week is skipped because a fix takes time to reach
--     parcels already in the network
--   p_value: one-sided pooled two-proportion z-test that after_rate < before_rate (1 when neither
--     period has an event); verdict pending / insufficient_data (a period with fewer exposures than
--     the minimum, or none) / effective / not_effective.
-- Extensions: after_days = the days of the after period observed by as_of (empty while pending), of
--   after_days_planned. A verdict on a short after period is early: complaints arrive days after the
--   order or delivery they are about, so the latest exposures have not had time to draw them and the
--   after rate reads low. The outputs show the two beside the verdict.
--   p_value_worse = the same test the other way round (after_rate > before_rate); worsened = the action
--   was judged (effective or not_effective) and the rate rose significantly: p_value_worse below the
--   significance level (empty while pending or with insufficient data). "Not effective" covers both an
--   unchanged rate and one that got worse; a quality manager acts on the second at once.
-- Exposures are counted per date in int_action_exposure_days (kept in the file, rebuilt for the dates
-- that changed); this model sums them and counts the events. Joins are written with the big input
-- (fct_complaints) on the left and built as written (joinsAsWritten): every table made in the run's
-- transaction looks empty to DuckDB's planner.
with actions as (
  select a.*, p.is_pending, p.before_start, p.before_end, p.after_start, p.after_end
  from stg_corrective_actions a
  join int_action_periods p using (action_id)
),
-- actions with an implementation date: an action without one has no periods and counts nothing
windows as (
  select action_id, scope_type, scope_value, cause_code, before_start, before_end, after_start, after_end
  from int_action_periods
  where implemented_at is not null
),
-- Events are found from the complaint side, which is small (one cause, one scope): the complaints of
-- an action's scope with its cause (has_cause), then their exposure, which fct_complaints describes
-- (internal columns: int_complaint_attribution looked up the complaint's order and shipment when it
-- was built), counted once however many complaints it drew. Looking the exposures up here among all
-- orders, items and shipments cost 0.75–1.1 s of every run at benchmark scale L; splitting every
-- complaint's causes into rows once for all actions, and deduplicating those, 1 s.
events as (
  -- carrier: the shipment a complaint was attributed to, of the carrier, delivered by as_of
  select distinct w.action_id, c.shipment_id as exposure, c.shipment_delivered_at as happened_at
  from fct_complaints c
  join windows w on w.scope_type = 'carrier' and c.carrier = w.scope_value and has_cause(c.causes, w.cause_code)
  where c.shipment_id is not null and c.shipment_delivered_at <= getvariable('as_of')
  union all
  -- order scopes: the order, placed by as_of, holding the complaint's SKU (sku), a SKU of its
  -- category (category), of the merchant (merchant), or any (global)
  select distinct w.action_id, c.order_id, c.order_placed_at
  from fct_complaints c
  join windows w
    on w.scope_type in ('sku', 'category', 'merchant', 'global')
    and has_cause(c.causes, w.cause_code)
    and case w.scope_type
      when 'sku' then c.sku = w.scope_value and c.sku_in_order
      when 'category' then c.category = w.scope_value and c.category_in_order
      when 'merchant' then list_contains(c.order_merchants, w.scope_value)
      else true
    end
  where c.order_id is not null and c.order_placed_at <= getvariable('as_of')
),
-- Per action and period, exposures (int_action_exposure_days, kept in the file; channel's below)
-- and events.
scope_counts as (
  select
    action_id,
    'before' as period,
    sum(before_exposures) as exposures,
    0 as events
  from int_action_exposure_days
  group by action_id
  union all
  select action_id, 'after', sum(after_exposures), 0
  from int_action_exposure_days
  group by action_id
  union all
  select
    w.action_id,
    action_period(e.happened_at, w.before_start, w.before_end, w.after_start, w.after_end),
    0,
    count(*)
  from events e
  join windows w using (action_id)
  group by all
  union all
  -- channel: complaints of the channel, by when they were opened; events: those with the cause
  select
    w.action_id,
    action_period(f.opened_at, w.before_start, w.before_end, w.after_start, w.after_end) as period,
    count(*) as exposures,
    count(*) filter (where has_cause(f.causes, w.cause_code)) as events
  from fct_complaints f
  join windows w on w.scope_type = 'channel' and f.channel = lower(trim(w.scope_value))
  group by all
),
counted as (
  select
    a.action_id,
    -- counts as BIGINT like every other mart's (sum() of integers is a HUGEINT, a DOUBLE in Parquet)
    cast(coalesce(sum(sc.exposures) filter (where sc.period = 'before'), 0) as bigint) as before_exposures,
    cast(coalesce(sum(sc.events) filter (where sc.period = 'before'), 0) as bigint) as before_events,
    cast(coalesce(sum(sc.exposures) filter (where sc.period = 'after'), 0) as bigint) as after_exposures,
    cast(coalesce(sum(sc.events) filter (where sc.period = 'after'), 0) as bigint) as after_events
  from actions a
  left join scope_counts sc using (action_id)
  group by a.action_id
),
judged as (
select
  a.action_id,
  a.cause_code,
  a.scope_type,
  a.scope_value,
  a.status,
  a.implemented_at,
  c.before_exposures,
  c.before_events,
  c.before_events / nullif(c.before_exposures, 0) as before_rate,
  c.after_exposures,
  c.after_events,
  c.after_events / nullif(c.after_exposures, 0) as after_rate,
  two_proportion_p_less(c.before_events, c.before_exposures, c.after_events, c.after_exposures) as p_value,
  case
    when a.is_pending then 'pending'
    -- a period without exposures has no rate to compare, whatever minimum the config sets (0 allowed)
    when c.after_exposures < greatest(getvariable('action_min_exposures'), 1) or c.before_exposures < greatest(getvariable('action_min_exposures'), 1) then 'insufficient_data'
    when two_proportion_p_less(c.before_events, c.before_exposures, c.after_events, c.after_exposures) < getvariable('action_significance') then 'effective'
    else 'not_effective'
  end as verdict,
  -- extensions
  a.title,
  a.owner,
  a.opened_at,
  a.due_at,
  case when not a.is_pending then greatest(0, epoch_us(a.after_end) - epoch_us(a.after_start)) / 86400000000.0 end as after_days,
  cast(getvariable('action_after_end_days') as integer) - cast(getvariable('action_after_start_days') as integer) as after_days_planned,
  two_proportion_p_less(c.after_events, c.after_exposures, c.before_events, c.before_exposures) as p_value_worse
from actions a
join counted c using (action_id)
)
select
  *,
  case
    when verdict = 'effective' then false
    when verdict = 'not_effective' then p_value_worse < getvariable('action_significance')
  end as worsened
from judged
