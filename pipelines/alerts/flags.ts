/**
 * The flags a run can raise, read from the marts it just built, each with a stable key so that it is
 * announced once:
 *
 * | kind                  | raised when                                                  | key (one alert per …)          |
 * | --------------------- | ------------------------------------------------------------ | ------------------------------ |
 * | carrier_breakage      | mart_carrier_weekly.flagged                                  | carrier and week               |
 * | listing_flag          | mart_listing_flags.flagged                                   | SKU and week of the window end |
 * | sla_breach            | mart_sla_weekly.breach_rate > sla.alertBreachRate            | week, channel and severity     |
 * | crisis_complaint      | fct_complaints.severity = 'crisis', opened ≤ 28 days ago     | complaint                      |
 * | action_not_effective  | mart_action_effectiveness.verdict = 'not_effective'          | action                         |
 * | action_worsened       | … and mart_action_effectiveness.worsened (the rate rose)     | action                         |
 *
 * A crisis complaint (a safety word, or the agent's grading) calls for an immediate response (应急响应),
 * so each is announced on the first run that sees it, with its first-response state at that moment. One
 * opened more than 28 days before as_of and loaded only now (a backfill) is history, for the dashboards
 * and the review; on a channel's first delivery, those of weeks before alerts.recentWeeks are too.
 *
 * An action whose rate rose is announced under a key of its own, so one first judged merely not
 * effective is announced again when it turns out to have made things worse.
 *
 * A listing is judged on a trailing window that moves with every run, so its flag is keyed by the week
 * the window ends in: a listing that stays flagged is announced again once a week, not every 15 minutes.
 */
import type { Config } from '../core/config.ts';
import type { Warehouse } from '../core/warehouse.ts';

export type AlertKind = 'carrier_breakage' | 'listing_flag' | 'sla_breach' | 'crisis_complaint' | 'action_not_effective' | 'action_worsened';

/** How long before as_of a crisis complaint may have been opened and still be announced. */
const CRISIS_LOOKBACK_DAYS = 28;

export interface AlertFlag {
  /** Stable identity of the flag, e.g. `carrier_breakage:Heron:2026-01-05`. */
  key: string;
  kind: AlertKind;
  title: string;
  text: string;
  /** The mart figures behind it, for machine consumers of the JSON webhook. */
  data: Record<string, string | number | boolean | null>;
}

type Language = Config['language'];

/**
 * The Monday (YYYY-MM-DD) of the oldest of the latest `alerts.recentWeeks` local weeks up to as_of: on
 * a channel's first delivery, weekly flags of earlier weeks are history, recorded without posting.
 */
export async function firstRecentWeek(warehouse: Warehouse, config: Config, asOf: Date): Promise<string> {
  const row = await warehouse.one<{ week: string }>(
    `select cast(cast(date_trunc('week', local_timestamp($1::timestamptz)) as date) - 7 * ($2 - 1) as varchar) as week`,
    [asOf, config.alerts.recentWeeks],
  );
  return row!.week;
}

/** A weekly flag (carrier breakage, SLA breach) or a crisis complaint of a week before `firstWeek`. */
export function isOfEarlierWeek(flag: AlertFlag, firstWeek: string): boolean {
  const week = flag.data.week;
  const weekly = flag.kind === 'carrier_breakage' || flag.kind === 'sla_breach' || flag.kind === 'crisis_complaint';
  return weekly && typeof week === 'string' && week < firstWeek;
}

const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
const str = (value: unknown): string => (value === null || value === undefined ? '' : String(value));

function fixed(value: number | null, digits: number): string {
  return value === null || !Number.isFinite(value) ? '–' : value.toFixed(digits);
}

function percent(value: number | null, language: Language): string {
  if (value === null || !Number.isFinite(value)) return '–';
  return `${(value * 100).toFixed(1)}${language === 'zh' ? '%' : ' %'}`;
}

function significant(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '–';
  return value >= 0.01 ? value.toFixed(2) : value.toExponential(1);
}

/** Every flag the current marts raise as of `asOf`, in the order of the table above, each kind by week and name. */
export async function collectFlags(warehouse: Warehouse, config: Config, asOf: Date): Promise<AlertFlag[]> {
  const language = config.language;
  const flags: AlertFlag[] = [];

  if (await warehouse.tableExists('mart_carrier_weekly')) {
    const rows = await warehouse.all(`
      select carrier, cast(week as varchar) as week, delivered_shipments, damaged_shipments, breakage_per_1000,
        breakage_ci_low_per_1000, breakage_ci_high_per_1000
      from mart_carrier_weekly where flagged order by week, carrier`);
    const target = config.carrier.breakageTargetPer1000;
    for (const r of rows) {
      const [carrier, week] = [str(r.carrier), str(r.week)];
      const [rate, low, high] = [num(r.breakage_per_1000), num(r.breakage_ci_low_per_1000), num(r.breakage_ci_high_per_1000)];
      const [delivered, damaged] = [num(r.delivered_shipments), num(r.damaged_shipments)];
      flags.push({
        key: `carrier_breakage:${carrier}:${week}`,
        kind: 'carrier_breakage',
        title: language === 'zh' ? `承运商破损超标：${carrier}，${week} 当周` : `Carrier breakage over target: ${carrier}, week of ${week}`,
        text:
          language === 'zh'
            ? `每千单破损 ${fixed(rate, 1)}（95% 置信区间 ${fixed(low, 1)}–${fixed(high, 1)}），目标 ${target}；${delivered} 单中 ${damaged} 单破损。`
            : `${fixed(rate, 1)} damaged per 1,000 delivered (95 % CI ${fixed(low, 1)}–${fixed(high, 1)}) against a target of ${target}; ${damaged} of ${delivered} shipments.`,
        data: {
          carrier,
          week,
          delivered_shipments: delivered,
          damaged_shipments: damaged,
          breakage_per_1000: rate,
          breakage_ci_low_per_1000: low,
          breakage_ci_high_per_1000: high,
          target_per_1000: target,
        },
      });
    }
  }

  if (await warehouse.tableExists('mart_listing_flags')) {
    const rows = await warehouse.all(`
      select sku, category, cast(cast(window_start as date) as varchar) as window_start, cast(cast(window_end as date) as varchar) as window_end,
        cast(date_trunc('week', cast(window_end as date)) as varchar) as week, orders, nad_orders, nad_rate, category_rate, q_value
      from mart_listing_flags where flagged order by sku`);
    for (const r of rows) {
      const [sku, category, start, end] = [str(r.sku), str(r.category), str(r.window_start), str(r.window_end)];
      const week = str(r.week).slice(0, 10);
      const [orders, nad, rate, categoryRate, q] = [num(r.orders), num(r.nad_orders), num(r.nad_rate), num(r.category_rate), num(r.q_value)];
      flags.push({
        key: `listing_flag:${sku}:${week}`,
        kind: 'listing_flag',
        title: language === 'zh' ? `商品详情页被标记：${sku}（${category}）` : `Listing flagged: ${sku} (${category})`,
        text:
          language === 'zh'
            ? `${orders} 单中 ${nad} 单反馈与描述不符（${percent(rate, language)}），同类目为 ${percent(categoryRate, language)}（q = ${significant(q)}），统计窗口 ${start} 至 ${end}。`
            : `${nad} of ${orders} orders not as described (${percent(rate, language)}) against ${percent(categoryRate, language)} in its category (q = ${significant(q)}), ${start} to ${end}.`,
        data: { sku, category, window_start: start, window_end: end, orders, nad_orders: nad, nad_rate: rate, category_rate: categoryRate, q_value: q },
      });
    }
  }

  if (await warehouse.tableExists('mart_sla_weekly')) {
    const limit = config.sla.alertBreachRate;
    const rows = await warehouse.all(
      `select cast(week as varchar) as week, channel, severity, complaints, breached, breach_rate
       from mart_sla_weekly where breach_rate > $1 order by week, channel, severity`,
      [limit],
    );
    for (const r of rows) {
      const [week, channel, severity] = [str(r.week), str(r.channel), str(r.severity)];
      const [complaints, breached, rate] = [num(r.complaints), num(r.breached), num(r.breach_rate)];
      flags.push({
        key: `sla_breach:${week}:${channel}:${severity}`,
        kind: 'sla_breach',
        title:
          language === 'zh'
            ? `SLA 超时率 ${percent(rate, language)}，超过 ${percent(limit, language)}：${channel} / ${severity}，${week} 当周`
            : `SLA breach rate ${percent(rate, language)} over ${percent(limit, language)}: ${channel} / ${severity}, week of ${week}`,
        text:
          language === 'zh'
            ? `${complaints} 条投诉中 ${breached} 条首次响应超时。`
            : `${breached} of ${complaints} complaints missed the first-response target.`,
        data: { week, channel, severity, complaints, breached, breach_rate: rate, alert_breach_rate: limit },
      });
    }
  }

  if (await warehouse.tableExists('fct_complaints')) flags.push(...(await collectCrisisFlags(warehouse, language, asOf)));

  if (await warehouse.tableExists('mart_action_effectiveness')) {
    const rows = await warehouse.all(`select * from mart_action_effectiveness where verdict = 'not_effective' order by action_id`);
    for (const r of rows) {
      const [action, cause, scopeType, scopeValue, title] = [str(r.action_id), str(r.cause_code), str(r.scope_type), str(r.scope_value), str(r.title)];
      const [before, after, p, pWorse] = [num(r.before_rate), num(r.after_rate), num(r.p_value), num(r.p_value_worse)];
      const worsened = r.worsened === true;
      const scope = scopeValue ? `${scopeType} ${scopeValue}` : scopeType;
      const worseNote = !worsened
        ? ''
        : language === 'zh'
          ? `实施后比率显著上升（单侧 p = ${significant(pWorse)}）。`
          : ` The rate rose significantly after implementation (one-sided p = ${significant(pWorse)}).`;
      const kind = worsened ? 'action_worsened' : 'action_not_effective';
      const named = `${action}${title ? ` ${title}` : ''}`;
      const heading = worsened
        ? language === 'zh'
          ? `整改措施实施后比率上升：${named}`
          : `Corrective action made things worse: ${named}`
        : language === 'zh'
          ? `整改措施未见效：${named}`
          : `Corrective action not effective: ${named}`;
      flags.push({
        key: `${kind}:${action}`,
        kind,
        title: heading,
        text:
          language === 'zh'
            ? `${scope} 的 ${cause}：实施前 ${percent(before, language)}，实施后 ${percent(after, language)}（p = ${significant(p)}）。${worseNote}`
            : `${cause} on ${scope}: ${percent(before, language)} before, ${percent(after, language)} after implementation (p = ${significant(p)}).${worseNote}`,
        data: {
          action_id: action,
          cause_code: cause,
          scope_type: scopeType,
          scope_value: scopeValue || null,
          before_rate: before,
          after_rate: after,
          p_value: p,
          p_value_worse: pWorse,
          worsened,
        },
      });
    }
  }
  return flags;
}

/** One flag per crisis complaint opened in the CRISIS_LOOKBACK_DAYS before as_of, oldest first. */
async function collectCrisisFlags(warehouse: Warehouse, language: Language, asOf: Date): Promise<AlertFlag[]> {
  const rows = await warehouse.all(
    `select complaint_id, cast(week as varchar) as week, iso_local(opened_at) as opened_at, channel, status, severity_method, causes,
       sku, first_response_minutes, sla_target_minutes, sla_breached, elapsed_minutes_at_as_of, left(text, 120) as excerpt
     from fct_complaints
     where severity = 'crisis' and opened_at > $1::timestamptz - to_days($2::integer)
     order by opened_at, complaint_id`,
    [asOf, CRISIS_LOOKBACK_DAYS],
  );
  return rows.map((r): AlertFlag => {
    const [id, week, opened, channel, causes, sku, excerpt] = [
      str(r.complaint_id),
      str(r.week),
      str(r.opened_at),
      str(r.channel),
      str(r.causes),
      str(r.sku),
      str(r.excerpt),
    ];
    const [minutes, target, elapsed] = [num(r.first_response_minutes), num(r.sla_target_minutes), num(r.elapsed_minutes_at_as_of)];
    const breached = r.sla_breached === true;
    const byRule = r.severity_method === 'rule';
    const when = opened.slice(0, 16).replace('T', ' ');
    const zh = language === 'zh';
    const response =
      minutes !== null
        ? zh
          ? `首次响应用时 ${fixed(minutes, 0)} 分钟（目标 ${fixed(target, 0)} 分钟${breached ? '，已超时' : ''}）。`
          : `First response after ${fixed(minutes, 0)} min (target ${fixed(target, 0)} min${breached ? ', missed' : ''}).`
        : zh
          ? `尚未首次响应，已过 ${fixed(elapsed, 0)} 分钟（目标 ${fixed(target, 0)} 分钟${breached ? '，已超时' : ''}）。`
          : `No first response yet, ${fixed(elapsed, 0)} min since it was opened (target ${fixed(target, 0)} min${breached ? ', missed' : ''}).`;
    const about = zh ? `原因：${causes}${sku ? `；SKU ${sku}` : ''}。` : ` Causes: ${causes}${sku ? `; SKU ${sku}` : ''}.`;
    const rule = !byRule ? '' : zh ? '按安全词规则判为危机。' : ' Graded crisis by the safety-word rule.';
    const quote = !excerpt ? '' : zh ? `“${excerpt}”` : ` "${excerpt}"`;
    return {
      key: `crisis_complaint:${id}`,
      kind: 'crisis_complaint',
      title: zh ? `危机投诉：${id}（${channel}，${when} 开启）` : `Crisis complaint ${id} (${channel}, opened ${when})`,
      text: `${response}${about}${rule}${quote}`,
      data: {
        complaint_id: id,
        week,
        opened_at: opened,
        channel,
        status: str(r.status),
        severity_method: str(r.severity_method),
        causes,
        sku: sku || null,
        first_response_minutes: minutes,
        sla_target_minutes: target,
        sla_breached: breached,
        elapsed_minutes_at_as_of: elapsed,
      },
    };
  });
}
