/**
 * The configuration: one zod schema holding every default of CONTRACT §3 in one typed place. A config
 * file (JSON) overrides any part of it; an invalid file fails fast naming the key, the value and what
 * is allowed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { configError } from './errors.ts';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date written YYYY-MM-DD');
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'a time written HH:MM (00:00–24:00)');

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const slaTarget = z.strictObject({
  minutes: z.number().int().positive(),
  clock: z.enum(['business', 'calendar']),
});

const causeRule = z.strictObject({
  cause_code: z.string(),
  include: z.array(z.string()).min(1),
  exclude: z.array(z.string()).default([]),
});

const jobSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'a lower-case job name'),
  cron: z.string(),
  task: z.enum(['refresh', 'dashboards', 'weekly_review']),
});

const webhookSchema = z.strictObject({
  url: z.url(),
  format: z.enum(['json', 'slack', 'dingtalk', 'wecom']).default('json'),
});

export const ConfigSchema = z.strictObject({
  /** IANA zone for local times without an offset, weeks, business hours. */
  timezone: z
    .string()
    .default('Asia/Shanghai')
    .refine(isValidTimeZone, { error: (issue) => `'${String(issue.input)}' is not an IANA time zone (e.g. Asia/Shanghai, Europe/Berlin)` }),
  /** Language of dashboard and report labels. */
  language: z.enum(['zh', 'en']).default('zh'),
  paths: z
    .strictObject({
      inbox: z.string().default('inbox'),
      db: z.string().default('rootloop.duckdb'),
      out: z.string().default('out'),
    })
    .prefault({}),
  businessHours: z
    .strictObject({
      /** ISO weekdays, Monday = 1. */
      weekdays: z.array(z.number().int().min(1).max(7)).default([1, 2, 3, 4, 5]),
      start: clockTime.default('09:00'),
      end: clockTime.default('18:00'),
    })
    .refine((h) => h.start < h.end, { error: 'businessHours.start must be before businessHours.end' })
    .prefault({}),
  holidays: z.array(isoDate).default([]),
  /** Days worked although they fall on a weekend (make-up days around public holidays). */
  specialWorkdays: z.array(isoDate).default([]),
  sla: z
    .strictObject({
      targets: z
        .strictObject({
          crisis: slaTarget.default({ minutes: 60, clock: 'calendar' }),
          major: slaTarget.default({ minutes: 120, clock: 'business' }),
          important: slaTarget.default({ minutes: 240, clock: 'business' }),
          general: slaTarget.default({ minutes: 480, clock: 'business' }),
        })
        .prefault({}),
      /** A week/channel/severity whose breach rate exceeds this raises an alert. */
      alertBreachRate: z.number().min(0).max(1).default(0.2),
    })
    .prefault({}),
  severityRules: z
    .strictObject({
      /** English safety words, matched as whole words with these inflections, case-insensitively. */
      crisisWordsEnglish: z.array(z.string()).default(['allergy', 'allergic', 'injury', 'injured', 'burn', 'burned', 'burnt', 'fire']),
      /** Chinese safety words, matched as substrings. */
      crisisWordsChinese: z.array(z.string()).default(['过敏', '受伤', '烫伤', '起火', '爆炸']),
    })
    .prefault({}),
  carrier: z.strictObject({ breakageTargetPer1000: z.number().nonnegative().default(5) }).prefault({}),
  listing: z
    .strictObject({
      windowDays: z.number().int().positive().default(28),
      minOrders: z.number().int().positive().default(20),
      falseDiscoveryRate: z.number().gt(0).lt(1).default(0.05),
      minNadOrders: z.number().int().nonnegative().default(3),
      minRateMultiple: z.number().positive().default(2),
    })
    .prefault({}),
  actions: z
    .strictObject({
      beforeDays: z.number().int().positive().default(56),
      afterStartDays: z.number().int().nonnegative().default(7),
      afterEndDays: z.number().int().positive().default(63),
      minExposures: z.number().int().nonnegative().default(200),
      significance: z.number().gt(0).lt(1).default(0.05),
    })
    .prefault({}),
  /** Extra text rules per cause, added to the shipped rule set (models/rules/cause-rules.json). */
  causeRules: z.array(causeRule).default([]),
  schedule: z
    .strictObject({
      jobs: z.array(jobSchema).default([
        { name: 'refresh', cron: '*/15 * * * *', task: 'refresh' },
        { name: 'weekly-review', cron: '0 8 * * 1', task: 'weekly_review' },
      ]),
      retries: z.number().int().nonnegative().default(3),
      retryBaseMs: z.number().int().positive().default(2000),
    })
    .prefault({}),
  alerts: z
    .strictObject({
      webhooks: z.array(webhookSchema).default([]),
      dashboardUrl: z.string().default('http://127.0.0.1:8080/'),
    })
    .prefault({}),
  /** `status --check` fails when the newest data or mart is older than this. */
  maxDataAgeHours: z.number().positive().default(26),
});

export type Config = z.infer<typeof ConfigSchema>;

/** The defaults of CONTRACT §3, as used when no config file is given. */
export function defaultConfig(): Config {
  return ConfigSchema.parse({});
}

/** Validates a parsed config object; an error names every bad key, its value and what is allowed. */
export function parseConfig(input: unknown, source = 'config'): Config {
  const result = ConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const key = issue.path.join('.') || '(top level)';
    const value = lookupValue(input, issue.path);
    const shown = value === undefined ? '' : ` = ${JSON.stringify(value)}`;
    const unknownKeys = issue.code === 'unrecognized_keys' ? `: unknown key(s) ${issue.keys.join(', ')}` : `: ${issue.message}`;
    return `${key}${issue.code === 'unrecognized_keys' ? '' : shown}${unknownKeys}`;
  });
  throw configError(`invalid ${source}: ${lines.join('; ')}`);
}

function lookupValue(input: unknown, keys: readonly PropertyKey[]): unknown {
  let node: unknown = input;
  for (const key of keys) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/** Reads and validates a JSON config file; relative paths inside it resolve against its folder. */
export function loadConfigFile(file: string): Config {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw configError(`cannot read config file ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw configError(`config file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  const config = parseConfig(parsed, `config file ${file}`);
  const base = path.dirname(path.resolve(file));
  const paths = parsed !== null && typeof parsed === 'object' ? ((parsed as { paths?: Record<string, unknown> }).paths ?? {}) : {};
  for (const key of ['inbox', 'db', 'out'] as const) if (typeof paths[key] === 'string') config.paths[key] = path.resolve(base, config.paths[key]);
  return config;
}

/** Minutes after local midnight of an `HH:MM` time. */
export function minutesOfClockTime(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}
