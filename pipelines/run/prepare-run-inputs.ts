/**
 * The run's inputs to the SQL models besides the loaded records: DuckDB variables (as_of, thresholds)
 * and small `cfg_*` tables (SLA targets, calendar exceptions, cause rules, cause → party), all derived
 * from the validated config. Kept as tables in the file, so a model can be rerun by hand in a DuckDB
 * shell with exactly the inputs of the last run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { quoteSqlString } from '../../models/entity-checks.ts';
import { crisisTextMacroSql } from '../../models/safety-words.ts';
import type { Config } from '../core/config.ts';
import { minutesOfClockTime } from '../core/config.ts';
import { configError } from '../core/errors.ts';
import { REPO_ROOT, type Warehouse } from '../core/warehouse.ts';
import { CAUSE_CODES, CAUSES, SEVERITIES } from '../../models/entities.ts';
import { MODELS } from '../../models/declarations.ts';

export interface CauseRule {
  cause_code: string;
  include: string[];
  exclude?: string[];
}

/** The variable a model's SQL reads to tell a whole build ('full') from an incremental one. */
export const buildModeVariable = (model: string) => `build_${model}`;

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

/** One text rule with its patterns combined: where it comes from, the cause it gives, when it matches. */
export interface CombinedCauseRule {
  cause_code: string;
  /** `shipped` (models/rules/cause-rules.json) or `causeRules[i]` of the config. */
  origin: string;
  include: string;
  exclude: string | null;
}

/**
 * The shipped rules and then the config's, one entry per rule. A rule's excludes veto only its own
 * includes: a config rule adding a phrase to a cause is not blocked by the shipped rule's excludes for
 * that cause, and a config exclude does not switch off the shipped phrases (pooling them per cause did
 * both, and surprised whoever wrote the config).
 */
export function causeRuleSet(shipped: readonly CauseRule[], extra: readonly CauseRule[]): CombinedCauseRule[] {
  const rules: CombinedCauseRule[] = [];
  const add = (rule: CauseRule, origin: string) => {
    const include = combinePatterns(rule.include);
    if (include) rules.push({ cause_code: rule.cause_code, origin, include, exclude: combinePatterns(rule.exclude ?? []) });
  };
  shipped.forEach((rule) => add(rule, 'shipped'));
  extra.forEach((rule, i) => add(rule, `causeRules[${i}]`));
  return rules;
}

/**
 * The macro matched_causes(text): the distinct causes of the rules that match. The patterns are
 * literals in the macro: DuckDB compiles a constant regex once, a pattern read from a column (or
 * variable) once per row.
 */
export function matchedCausesMacroSql(rules: readonly CombinedCauseRule[]): string {
  const tests = rules.map(
    (r) =>
      `case when regexp_matches(t, ${quoteSqlString(r.include)})${r.exclude ? ` and not regexp_matches(t, ${quoteSqlString(r.exclude)})` : ''} then ${quoteSqlString(r.cause_code)} end`,
  );
  return `create or replace temp macro matched_causes(t) as list_distinct(list_filter([${tests.join(', ') || 'null'}]::varchar[], x -> x is not null))`;
}

/**
 * One input the config gives the models, with the statements that set it up: a variable, a macro
 * generated from the rules, or a `cfg_*` table. Named, so that a model's fingerprint
 * (incremental-plan.ts) takes in exactly the inputs its SQL names. as_of is not one: it moves every
 * run, and the planner judges it on its own.
 */
export interface RunInput {
  name: string;
  statements: string[];
}

export function runInputsOf(config: Config): RunInput[] {
  const variable = (name: string, sqlValue: string): RunInput => ({ name, statements: [`set variable ${name} = ${sqlValue}`] });
  // Each cfg_* table is written with one multi-row insert: a statement costs a few milliseconds, and a
  // calendar with a year of holidays would otherwise cost hundreds of them on every 15-minute refresh.
  const table = (name: string, columns: string, rows: readonly string[]): RunInput => ({
    name,
    statements: [`create or replace table ${name} (${columns})`, ...(rows.length ? [`insert into ${name} values ${rows.join(', ')}`] : [])],
  });
  const q = quoteSqlString;
  const rules = causeRuleSet(loadShippedCauseRules(), config.causeRules);
  return [
    variable('breakage_target_per_1000', String(config.carrier.breakageTargetPer1000)),
    variable('listing_window_days', String(config.listing.windowDays)),
    variable('listing_min_orders', String(config.listing.minOrders)),
    variable('listing_fdr', String(config.listing.falseDiscoveryRate)),
    variable('listing_min_nad_orders', String(config.listing.minNadOrders)),
    variable('listing_rate_multiple', String(config.listing.minRateMultiple)),
    variable('action_before_days', String(config.actions.beforeDays)),
    variable('action_after_start_days', String(config.actions.afterStartDays)),
    variable('action_after_end_days', String(config.actions.afterEndDays)),
    variable('action_min_exposures', String(config.actions.minExposures)),
    variable('action_significance', String(config.actions.significance)),
    variable('business_weekdays', `[${config.businessHours.weekdays.join(', ')}]::integer[]`),
    variable('business_open_minute', String(minutesOfClockTime(config.businessHours.start))),
    variable('business_close_minute', String(minutesOfClockTime(config.businessHours.end))),
    { name: 'is_crisis_text', statements: [crisisTextMacroSql(config.severityRules)] },
    table(
      'cfg_sla_targets',
      'severity varchar, target_minutes integer, clock varchar',
      SEVERITIES.map((severity) => `(${q(severity)}, ${config.sla.targets[severity].minutes}, ${q(config.sla.targets[severity].clock)})`),
    ),
    table('cfg_calendar_exceptions', 'local_date date, is_working_day boolean', [
      ...config.holidays.map((day) => `(date ${q(day)}, false)`),
      ...config.specialWorkdays.map((day) => `(date ${q(day)}, true)`),
    ]),
    table(
      'cfg_cause_parties',
      'cause_code varchar, responsible_party varchar',
      Object.entries(CAUSES).map(([cause, party]) => `(${q(cause)}, ${q(party)})`),
    ),
    table(
      'cfg_cause_rules',
      'cause_code varchar, rule_origin varchar, include_pattern varchar, exclude_pattern varchar',
      rules.map((r) => `(${q(r.cause_code)}, ${q(r.origin)}, ${q(r.include)}, ${r.exclude === null ? 'null' : q(r.exclude)})`),
    ),
    { name: 'matched_causes', statements: [matchedCausesMacroSql(rules)] },
  ];
}

/** The statement that sets the run's as_of. */
export const asOfVariableSql = (asOf: Date) => `set variable as_of = '${asOf.toISOString()}'::timestamptz`;

/**
 * Every incremental model is built whole unless the run's IncrementalBuildPlanner (incremental-plan.ts)
 * finds it can rebuild only the keys it lists in the model's run table of changed keys: the empty
 * tables of changed keys, and each model's build mode 'full'.
 */
export function wholeBuildStatements(): string[] {
  return MODELS.filter((m) => m.incremental).flatMap((model) => {
    const { key, keyType = 'varchar', changedKeys, reclocked } = model.incremental!;
    return [
      `create or replace temp table ${changedKeys} (${key} ${keyType})`,
      ...(reclocked ? [`create or replace temp table ${reclocked.changedKeys} (${key} ${keyType})`] : []),
      `set variable ${buildModeVariable(model.name)} = 'full'`,
    ];
  });
}

export async function prepareRunInputs(warehouse: Warehouse, config: Config, asOf: Date): Promise<void> {
  await warehouse.run(asOfVariableSql(asOf));
  for (const input of runInputsOf(config)) for (const statement of input.statements) await warehouse.run(statement);
  for (const statement of wholeBuildStatements()) await warehouse.run(statement);
}
