/**
 * What the quality dashboard reads: the cause Pareto mart, complaints per week (fct_complaints), orders
 * per week (mart_orders_weekly, the p-chart's denominator) and the action verdicts.
 */
import type { Warehouse } from '../../pipelines/core/warehouse.ts';
import type { ActionEffectRow, CauseWeekRow, OrdersWeekRow } from '../mart-rows.ts';

export interface CauseMoverRow {
  week: string;
  cause_code: string;
  complaints: number;
  previous_complaints: number;
  wow_change: number;
}

export interface QualityData {
  causeWeeks: CauseWeekRow[];
  /** Per week, every cause present that week or the week before (a cause that vanished fell to 0). */
  movers: CauseMoverRow[];
  complaintsPerWeek: { week: string; complaints: number }[];
  ordersPerWeek: OrdersWeekRow[];
  actions: ActionEffectRow[];
}

export async function queryCauseWeeks(warehouse: Warehouse): Promise<CauseWeekRow[]> {
  return warehouse.all<CauseWeekRow>(
    `select strftime(week, '%Y-%m-%d') as week, cause_code, responsible_party, complaints::integer as complaints, share,
       rank::integer as rank, cumulative_share, wow_change::integer as wow_change
     from mart_cause_weekly
     order by week, rank`,
  );
}

export async function queryCauseMovers(warehouse: Warehouse): Promise<CauseMoverRow[]> {
  return warehouse.all<CauseMoverRow>(
    `with pairs as (
       select distinct week, cause_code from mart_cause_weekly
       union
       select distinct (week + 7)::date as week, cause_code from mart_cause_weekly
       where (week + 7)::date in (select week from mart_cause_weekly)
     )
     select strftime(p.week, '%Y-%m-%d') as week, p.cause_code,
       coalesce(cur.complaints, 0)::integer as complaints,
       coalesce(prev.complaints, 0)::integer as previous_complaints,
       (coalesce(cur.complaints, 0) - coalesce(prev.complaints, 0))::integer as wow_change
     from pairs p
     left join mart_cause_weekly cur on cur.week = p.week and cur.cause_code = p.cause_code
     left join mart_cause_weekly prev on prev.week = p.week - 7 and prev.cause_code = p.cause_code
     order by week, wow_change desc, cause_code`,
  );
}

export async function queryComplaintsPerWeek(warehouse: Warehouse): Promise<{ week: string; complaints: number }[]> {
  return warehouse.all(`select strftime(week, '%Y-%m-%d') as week, count(*)::integer as complaints from fct_complaints group by week order by week`);
}

/** Orders placed per week, up to the as_of the marts were built for. */
export async function queryOrdersPerWeek(warehouse: Warehouse): Promise<OrdersWeekRow[]> {
  return warehouse.all<OrdersWeekRow>(`select strftime(week, '%Y-%m-%d') as week, orders::integer as orders from mart_orders_weekly order by week`);
}

/**
 * The actions as they stood at as_of: one opened later is left out (a review replayed for an earlier
 * week listed actions nobody had thought of yet, and so proposed none), and one implemented or verified
 * after as_of shows as still open.
 */
export async function queryActionEffects(warehouse: Warehouse, asOf: Date): Promise<ActionEffectRow[]> {
  return warehouse.all<ActionEffectRow>(
    `select action_id, cause_code, scope_type, scope_value,
       case when status in ('implemented', 'verified') and (implemented_at is null or implemented_at > $1::timestamptz) then 'open' else status end as status,
       iso_local(implemented_at) as implemented_at,
       before_exposures::integer as before_exposures, before_events::integer as before_events, before_rate,
       after_exposures::integer as after_exposures, after_events::integer as after_events, after_rate,
       p_value, verdict, title, owner, iso_local(opened_at) as opened_at, iso_local(due_at) as due_at,
       after_days, after_days_planned::integer as after_days_planned, p_value_worse, worsened
     from mart_action_effectiveness
     where opened_at is null or opened_at <= $1::timestamptz
     order by action_id`,
    [asOf],
  );
}

export async function queryQualityData(warehouse: Warehouse, asOf: Date): Promise<QualityData> {
  return {
    causeWeeks: await queryCauseWeeks(warehouse),
    movers: await queryCauseMovers(warehouse),
    complaintsPerWeek: await queryComplaintsPerWeek(warehouse),
    ordersPerWeek: await queryOrdersPerWeek(warehouse),
    actions: await queryActionEffects(warehouse, asOf),
  };
}
