/**
 * The SQL of pipelines/run/prepare-run-inputs.ts as one batch of literal statements (variables, the
 * regex macros, the cfg_* tables), built with its pure helpers, for the bare-engine reference. The
 * benchmark writes it to a file before starting bare-engine.ts, so that script does not load rootloop's
 * modules (config, zod, kysely …) and its start-up stays that of a bare DuckDB script.
 */
import type { Config } from '../pipelines/core/config.ts';
import { minutesOfClockTime } from '../pipelines/core/config.ts';
import { crisisTextMacroSql } from '../models/safety-words.ts';
import { causeRuleSet, loadShippedCauseRules, matchedCausesMacroSql } from '../pipelines/run/prepare-run-inputs.ts';
import { CAUSES, SEVERITIES } from '../models/entities.ts';

const lit = (text: string) => `'${text.replaceAll("'", "''")}'`;

export function buildRunInputsSql(config: Config, asOf: Date): string {
  const variables: [string, string][] = [
    ['as_of', `${lit(asOf.toISOString())}::timestamptz`],
    ['breakage_target_per_1000', String(config.carrier.breakageTargetPer1000)],
    ['listing_window_days', String(config.listing.windowDays)],
    ['listing_min_orders', String(config.listing.minOrders)],
    ['listing_fdr', String(config.listing.falseDiscoveryRate)],
    ['listing_min_nad_orders', String(config.listing.minNadOrders)],
    ['listing_rate_multiple', String(config.listing.minRateMultiple)],
    ['action_before_days', String(config.actions.beforeDays)],
    ['action_after_start_days', String(config.actions.afterStartDays)],
    ['action_after_end_days', String(config.actions.afterEndDays)],
    ['action_min_exposures', String(config.actions.minExposures)],
    ['action_significance', String(config.actions.significance)],
    ['business_weekdays', `[${config.businessHours.weekdays.join(', ')}]::integer[]`],
    ['business_open_minute', String(minutesOfClockTime(config.businessHours.start))],
    ['business_close_minute', String(minutesOfClockTime(config.businessHours.end))],
  ];
  const rules = causeRuleSet(loadShippedCauseRules(), config.causeRules);
  const ruleRows = rules.map((r) => `(${lit(r.cause_code)}, ${lit(r.origin)}, ${lit(r.include)}, ${r.exclude ? lit(r.exclude) : 'null'})`);
  const exceptions = [...config.holidays.map((d) => `(date ${lit(d)}, false)`), ...config.specialWorkdays.map((d) => `(date ${lit(d)}, true)`)];
  const targets = SEVERITIES.map((s) => `(${lit(s)}, ${config.sla.targets[s].minutes}, ${lit(config.sla.targets[s].clock)})`);
  const parties = Object.entries(CAUSES).map(([cause, party]) => `(${lit(cause)}, ${lit(party)})`);
  return [
    ...variables.map(([name, value]) => `set variable ${name} = ${value}`),
    crisisTextMacroSql(config.severityRules),
    matchedCausesMacroSql(rules),
    `create or replace table cfg_sla_targets (severity varchar, target_minutes integer, clock varchar)`,
    `insert into cfg_sla_targets values ${targets.join(', ')}`,
    `create or replace table cfg_calendar_exceptions (local_date date, is_working_day boolean)`,
    ...(exceptions.length ? [`insert into cfg_calendar_exceptions values ${exceptions.join(', ')}`] : []),
    `create or replace table cfg_cause_parties (cause_code varchar, responsible_party varchar)`,
    `insert into cfg_cause_parties values ${parties.join(', ')}`,
    `create or replace table cfg_cause_rules (cause_code varchar, rule_origin varchar, include_pattern varchar, exclude_pattern varchar)`,
    ...(ruleRows.length ? [`insert into cfg_cause_rules values ${ruleRows.join(', ')}`] : []),
  ].join(';\n');
}
