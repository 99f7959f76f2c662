/**
 * The run's inputs to the SQL models besides the loaded records: DuckDB variables (as_of, thresholds)
 * and small `cfg_*` tables (SLA targets, calendar exceptions, cause rules, cause → party), all derived
 * from the validated config. Kept as tables in the file, so a model can be rerun by hand in a DuckDB
 * shell with exactly the inputs of the last run.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../core/config.ts';
import { minutesOfClockTime } from '../core/config.ts';
import { configError } from '../core/errors.ts';
import { REPO_ROOT, type Warehouse } from '../core/warehouse.ts';
import { CAUSE_CODES, CAUSES, SEVERITIES } from '../../models/entities.ts';

export interface CauseRule {
  cause_code: string;
  include: string[];
  exclude?: string[];
}

export const SHIPPED_CAUSE_RULES_FILE = path.join(REPO_ROOT, 'models', 'rules', 'cause-rules.json');

export function loadShippedCauseRules(): CauseRule[] {
  const parsed = JSON.parse(fs.readFileSync(SHIPPED_CAUSE_RULES_FILE, 'utf8')) as { causes: CauseRule[] };
  return parsed.causes;
}

/** One case-insensitive RE2 alternation of several patterns. */
export function combinePatterns(patterns: readonly string[]): string | null {
  if (patterns.length === 0) return null;
  return `(?i)${patterns.map((p) => `(?:${p})`).join('|')}`;
}

const sqlLiteral = (text: string) => `'${text.replaceAll("'", "''")}'`;

const escapeRegex = (word: string) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Safety words: English as whole words, Chinese as substrings (CONTRACT §3). */
export function buildCrisisPattern(config: Config): string {
  const english = config.severityRules.crisisWordsEnglish.map(escapeRegex);
  const chinese = config.severityRules.crisisWordsChinese.map(escapeRegex);
  const parts = [];
  if (english.length) parts.push(`\\b(?:${english.join('|')})\\b`);
  if (chinese.length) parts.push(`(?:${chinese.join('|')})`);
  return parts.length ? `(?i)${parts.join('|')}` : '(?!)';
}

/** Shipped rules plus the config's extra rules, merged per cause. */
/**
 * Checks the config's extra cause rules before a run starts: a code must be one of CONTRACT §4 (an
 * unknown one matched complaints that then fell out of fct_complaints and the Pareto), and every
 * pattern must compile in DuckDB's RE2 (otherwise the run failed deep in the models). Core's config
 * schema cannot know the codes (models sit above core), hence this check here.
 */
export async function checkCauseRules(warehouse: Warehouse, rules: readonly CauseRule[]): Promise<void> {
  for (const [i, rule] of rules.entries()) {
    if (!(CAUSE_CODES as readonly string[]).includes(rule.cause_code)) {
      throw configError(`causeRules[${i}].cause_code = ${JSON.stringify(rule.cause_code)}: not one of ${CAUSE_CODES.join(', ')}`);
    }
    for (const [kind, patterns] of [
      ['include', rule.include],
      ['exclude', rule.exclude ?? []],
    ] as const) {
      for (const [j, pattern] of patterns.entries()) {
        try {
          await warehouse.run(`select regexp_matches('', $1)`, [pattern]);
        } catch (error) {
          const reason = (error as Error).message.split('\n')[0];
          throw configError(`causeRules[${i}].${kind}[${j}] = ${JSON.stringify(pattern)}: not a regular expression DuckDB (RE2) reads: ${reason}`);
        }
      }
    }
  }
}

export function mergeCauseRules(shipped: readonly CauseRule[], extra: readonly CauseRule[]): Map<string, { include: string[]; exclude: string[] }> {
  const merged = new Map<string, { include: string[]; exclude: string[] }>();
  for (const rule of [...shipped, ...extra]) {
    const entry = merged.get(rule.cause_code) ?? { include: [], exclude: [] };
    entry.include.push(...rule.include);
    entry.exclude.push(...(rule.exclude ?? []));
    merged.set(rule.cause_code, entry);
  }
  return merged;
}

export async function prepareRunInputs(warehouse: Warehouse, config: Config, asOf: Date): Promise<void> {
  const setVariable = (name: string, sqlValue: string) => warehouse.run(`set variable ${name} = ${sqlValue}`);
  await warehouse.run(`set variable as_of = $1::timestamptz`.replace('$1', `'${asOf.toISOString()}'`));
  await setVariable('breakage_target_per_1000', String(config.carrier.breakageTargetPer1000));
  await setVariable('listing_window_days', String(config.listing.windowDays));
  await setVariable('listing_min_orders', String(config.listing.minOrders));
  await setVariable('listing_fdr', String(config.listing.falseDiscoveryRate));
  await setVariable('listing_min_nad_orders', String(config.listing.minNadOrders));
  await setVariable('listing_rate_multiple', String(config.listing.minRateMultiple));
  await setVariable('action_before_days', String(config.actions.beforeDays));
  await setVariable('action_after_start_days', String(config.actions.afterStartDays));
  await setVariable('action_after_end_days', String(config.actions.afterEndDays));
  await setVariable('action_min_exposures', String(config.actions.minExposures));
  await setVariable('action_significance', String(config.actions.significance));
  await setVariable('business_weekdays', `[${config.businessHours.weekdays.join(', ')}]::integer[]`);
  await setVariable('business_open_minute', String(minutesOfClockTime(config.businessHours.start)));
  await setVariable('business_close_minute', String(minutesOfClockTime(config.businessHours.end)));
  // Patterns are inlined as literals into temp macros: DuckDB compiles a constant regex once, but a
  // pattern read from a column (or variable) per row is recompiled for every row.
  await warehouse.run(`create or replace temp macro is_crisis_text(t) as regexp_matches(t, ${sqlLiteral(buildCrisisPattern(config))})`);

  // Each cfg_* table is written with one multi-row insert: a statement costs a few milliseconds, and a
  // calendar with a year of holidays would otherwise cost hundreds of them on every 15-minute refresh.
  const insertRows = async (table: string, rows: readonly (readonly unknown[])[], casts: readonly string[] = []) => {
    if (!rows.length) return;
    const width = rows[0]!.length;
    const placeholders = rows.map((_, r) => `(${Array.from({ length: width }, (_, c) => `$${r * width + c + 1}${casts[c] ?? ''}`).join(', ')})`);
    await warehouse.run(`insert into ${table} values ${placeholders.join(', ')}`, rows.flat());
  };
  await warehouse.run(`create or replace table cfg_sla_targets (severity varchar, target_minutes integer, clock varchar)`);
  await insertRows(
    'cfg_sla_targets',
    SEVERITIES.map((severity) => [severity, config.sla.targets[severity].minutes, config.sla.targets[severity].clock]),
  );

  await warehouse.run(`create or replace table cfg_calendar_exceptions (local_date date, is_working_day boolean)`);
  await insertRows('cfg_calendar_exceptions', [...config.holidays.map((day) => [day, false]), ...config.specialWorkdays.map((day) => [day, true])], ['::date']);

  await warehouse.run(`create or replace table cfg_cause_parties (cause_code varchar, responsible_party varchar)`);
  await insertRows('cfg_cause_parties', Object.entries(CAUSES));

  await warehouse.run(`create or replace table cfg_cause_rules (cause_code varchar, include_pattern varchar, exclude_pattern varchar)`);
  const rules = mergeCauseRules(loadShippedCauseRules(), config.causeRules);
  const tests: string[] = [];
  const ruleRows: (string | null)[][] = [];
  for (const [cause, rule] of rules) {
    const include = combinePatterns(rule.include);
    const exclude = combinePatterns(rule.exclude);
    ruleRows.push([cause, include, exclude]);
    if (!include) continue;
    const excluded = exclude ? ` and not regexp_matches(t, ${sqlLiteral(exclude)})` : '';
    tests.push(`case when regexp_matches(t, ${sqlLiteral(include)})${excluded} then ${sqlLiteral(cause)} end`);
  }
  await insertRows('cfg_cause_rules', ruleRows);
  // matched_causes(text): the causes whose rules match, in rule order (cfg_cause_rules documents them).
  await warehouse.run(`create or replace temp macro matched_causes(t) as list_filter([${tests.join(', ') || 'null'}]::varchar[], x -> x is not null)`);
}
