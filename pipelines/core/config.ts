/**
 * The configuration: one zod schema holding every default of CONTRACT §3 in one typed place. A config
 * file (JSON) overrides any part of it; an invalid file fails fast naming the key, the value and what
 * is allowed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { validateDetailed as validateCronDetailed } from 'node-cron';
import { configError } from './errors.ts';

/** A calendar date YYYY-MM-DD that exists (2026-02-30 failed the run deep in the models). */
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date written YYYY-MM-DD')
  .refine((day) => !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) && new Date(`${day}T00:00:00Z`).toISOString().startsWith(day), {
    error: 'not a date of the calendar',
  });
const VALID_CLOCK_TIME = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const clockTime = z.string().regex(VALID_CLOCK_TIME, 'a time written HH:MM (00:00–24:00)');

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A first-response target; a key left out keeps the severity's default (CONTRACT §3). */
const slaTarget = (minutes: number, clock: 'business' | 'calendar') =>
  z
    .strictObject({
      minutes: z.number().int().positive().default(minutes),
      clock: z.enum(['business', 'calendar']).default(clock),
    })
    .prefault({});

/** A word or pattern that is not blank: an empty one matches every text. */
const nonBlank = z.string().refine((text) => text.trim() !== '', { error: 'must not be empty (an empty word or pattern matches every text)' });

const causeRule = z.strictObject({
  cause_code: z.string(),
  include: z.array(nonBlank).min(1),
  exclude: z.array(nonBlank).default([]),
});

/** A cron expression node-cron accepts (5 fields, or 6 with seconds first); the error names the bad field. */
const cronExpression = z.string().superRefine((expression, context) => {
  const result = validateCronDetailed(expression);
  if (!result.valid) {
    const reasons = result.errors.map((e) => (e.field === 'expression' ? e.message : `${e.field}: ${e.message}`)).join('; ');
    context.addIssue({ code: 'custom', message: `not a valid cron expression (${reasons}); e.g. '*/15 * * * *' or '0 8 * * 1'` });
  }
});

const jobSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'a lower-case job name'),
  cron: cronExpression,
  task: z.enum(['refresh', 'dashboards', 'weekly_review']),
});

/** The NAME of an environment variable holding a secret; secrets never live in the config file. */
const secretEnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name (letters, digits, _)');

const webhookSchema = z.strictObject({
  url: z.url(),
  format: z.enum(['json', 'slack', 'dingtalk', 'wecom']).default('json'),
  /** Names the channel in the sent-alerts ledger; default a hash of the URL (a new URL re-announces open flags). */
  name: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, . _ -')
    .optional(),
  /** DingTalk "加签" signing: the environment variable holding the robot's SEC… secret. */
  secretEnv: secretEnvName.optional(),
});

const emailSchema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(587),
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  secure: z.boolean().default(false),
  /** Refuse to send unless the connection is upgraded with STARTTLS (set it whenever credentials are used). */
  requireTls: z.boolean().default(false),
  from: z.string().min(3),
  to: z.array(z.string().min(3)).min(1),
  /** Environment variables holding the SMTP user and password (omit both for an unauthenticated relay). */
  userEnv: secretEnvName.optional(),
  passwordEnv: secretEnvName.optional(),
  subjectPrefix: z.string().default('[rootloop]'),
});

// ---------- sources (docs/sources.md): inbox column mappings, PostgreSQL, helpdesk ----------
// Entity and column names are checked against the contract by pipelines/sources/ (core cannot import
// models), which fails with a ConfigError naming the key before any run starts.

/** Word → word, matched trimmed and case-insensitively (`{"Fulfilled": "delivered"}`). */
const valueMapSchema = z.record(z.string(), z.string());
/** DuckDB strptime formats, tried in order: `%m/%d/%Y %H:%M` reads `11/20/2026 9:05`. */
const timestampFormatsSchema = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
const sourceColumns = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
const envVarName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name (letters, digits, _)');

const mappedColumnSchema = z.union([
  /** One source column, or the first non-empty of several. */
  sourceColumns,
  z
    .strictObject({
      from: sourceColumns.optional(),
      /** Joins the non-empty values of `from` with this separator instead of taking the first. */
      join: z.string().optional(),
      /** A constant for every row (e.g. the carrier of a marketplace's own logistics). */
      value: z.string().optional(),
      /** Timestamp columns: adds the minutes held in this source column (e.g. "First reply time in minutes"). */
      addMinutesFrom: z.string().min(1).optional(),
    })
    .refine((c) => (c.from === undefined) !== (c.value === undefined), { error: 'give either from (source column(s)) or value (a constant)' }),
  /** No source column: the contract column stays empty. */
  z.null(),
]);

const inboxMappingSchema = z.strictObject({
  name: z.string().min(1),
  /** File-name glob (`*`, `?`), matched case-insensitively, e.g. `orders_export*.csv`. */
  pattern: z.string().min(1),
  entity: z.string(),
  /** Contract column → source column(s). Unlisted contract columns read the same-named source column if present. */
  columns: z.record(z.string(), mappedColumnSchema).default({}),
  /** Contract column → value map, applied before validation (to each `|` part of cause_code). */
  values: z.record(z.string(), valueMapSchema).default({}),
  /** strptime format(s) for every timestamp column of this mapping... */
  timestampFormat: timestampFormatsSchema.optional(),
  /** ...or per contract column. */
  timestampFormats: z.record(z.string(), timestampFormatsSchema).default({}),
  /** Rows where all these source columns are empty are not records of the entity (continuation lines); they are not read. */
  skipRowsWhereEmpty: z.array(z.string().min(1)).default([]),
});

const postgresEntitySchema = z.strictObject({
  /** Table or view, optionally schema-qualified (`shop.orders`). */
  table: z.string().min(1),
  /** Contract column → source column; null = no such column. Unlisted contract columns read the same-named column if present. */
  columns: z.record(z.string(), z.string().min(1).nullable()).default({}),
  values: z.record(z.string(), valueMapSchema).default({}),
  /** A timestamp/timestamptz column set on every insert and update; null = pull the whole table each run. */
  cursorColumn: z.string().min(1).nullable().default('updated_at'),
});

const postgresSourceSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** Name of the environment variable holding the connection string (never the string itself). */
  connectionStringEnv: envVarName.default('ROOTLOOP_PG_URL'),
  /** Look-back re-read below the cursor each pull (late commits, clock skew); rows re-read are deduped by key. */
  overlapMinutes: z.number().nonnegative().default(10),
  connectTimeoutMs: z.number().int().positive().default(10_000),
  statementTimeoutMs: z.number().int().positive().default(600_000),
  /** Attempts per pull when the server is unreachable or drops the connection. */
  retryAttempts: z.number().int().min(1).default(3),
  retryBackoffMs: z.number().int().nonnegative().default(2_000),
  /** Entity (orders, order_items, shipments, products, complaints, corrective_actions) → where it lives. */
  entities: z.record(z.string(), postgresEntitySchema).default({}),
});

const helpdeskSourceSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    kind: z.literal('zendesk').default('zendesk'),
    /** e.g. https://acme.zendesk.com */
    // No credentials in the address: a failed request's message quotes the URL, and messages are logged.
    baseUrl: z
      .url()
      .refine((url) => !/^[a-z][a-z0-9+.-]*:\/\/[^/@]*@/i.test(url), { error: 'must not hold a user or password (use tokenEnv / emailEnv)' })
      .optional(),
    /** Environment variables holding the agent's email and API token (never the token itself). */
    emailEnv: envVarName.default('ROOTLOOP_HELPDESK_EMAIL'),
    tokenEnv: envVarName.default('ROOTLOOP_HELPDESK_TOKEN'),
    /** First pull: tickets changed since this instant (later pulls continue from the saved cursor). */
    startTime: z
      .string()
      .refine((s) => /^\d{4}-\d{2}-\d{2}/.test(s) && !Number.isNaN(Date.parse(s)), { error: 'an ISO 8601 instant, e.g. 2026-01-01T00:00:00Z' })
      .default('1970-01-01T00:00:00Z'),
    pageSize: z.number().int().min(1).max(1000).default(1000),
    requestTimeoutMs: z.number().int().positive().default(30_000),
    /** Attempts per request (429, 5xx, timeouts, dropped connections). */
    retryAttempts: z.number().int().min(1).default(5),
    retryBaseMs: z.number().int().nonnegative().default(1_000),
    /** Longest single wait; a Retry-After asking for more fails the pull (retryable) instead of sleeping. */
    retryMaxMs: z.number().int().nonnegative().default(120_000),
    maxPages: z.number().int().positive().default(100_000),
    complaintIdPrefix: z.string().default(''),
    /** Custom field holding the cause (a drop-down or multi-select); its values map through causeValues. */
    causeFieldId: z.number().int().positive().nullable().default(null),
    causeValues: valueMapSchema.default({}),
    /** Tag → cause code, used when the cause field is empty. */
    causeTags: valueMapSchema.default({}),
    /** Priority → severity; unmapped priorities leave severity empty so the safety-word rules decide. */
    priorityToSeverity: valueMapSchema.default({ urgent: 'major', high: 'important' }),
    statusMap: valueMapSchema.default({ new: 'open', open: 'in_progress', pending: 'in_progress', hold: 'in_progress', solved: 'resolved', closed: 'closed' }),
    /** via.channel → contract channel; unmapped channels become `other`. */
    channelMap: valueMapSchema.default({
      email: 'email',
      chat: 'chat',
      native_messaging: 'chat',
      messaging: 'chat',
      voice: 'hotline',
      phone: 'hotline',
      mobile: 'app',
      mobile_sdk: 'app',
      sdk: 'app',
      twitter: 'social',
      facebook: 'social',
      instagram_dm: 'social',
      whatsapp: 'social',
      wechat: 'social',
      line: 'social',
      web: 'other',
      api: 'other',
    }),
    escalatedTags: z.array(z.string()).default(['escalated']),
    /** Custom fields holding contract columns (order number, SKU, ...). */
    fieldIds: z
      .strictObject({
        order_id: z.number().int().positive().optional(),
        shipment_id: z.number().int().positive().optional(),
        sku: z.number().int().positive().optional(),
        resolution: z.number().int().positive().optional(),
        compensation_amount: z.number().int().positive().optional(),
      })
      .prefault({}),
    /** satisfaction_rating.score → csat 1..5 (e.g. {"good": 5, "bad": 1}); empty = csat left empty. */
    satisfactionScores: z.record(z.string(), z.number().int().min(1).max(5)).default({}),
  })
  .refine((h) => !h.enabled || h.baseUrl !== undefined, {
    error: 'baseUrl is required when the helpdesk source is enabled (e.g. https://acme.zendesk.com)',
    path: ['baseUrl'],
  });

/** Every key of the config with its default; cross-key rules are added below. */
const ConfigShape = z.strictObject({
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
  /** DuckDB's resources for a writing run (scheduler and `rootloop run`). */
  warehouse: z
    .strictObject({
      /**
       * DuckDB memory_limit. DuckDB's own default is 80 % of the machine's memory, which a 10 M-line
       * run reaches on a server shared with other services; beyond the limit DuckDB spills to
       * temporaryDirectory instead. The process uses up to ~0.6–0.8 GB more (hash tables DuckDB keeps outside
       * its buffer pool, Node). At 768MB a 10 M-line run, whose ingest now leaves ~450 MiB of the run's
       * rows in DuckDB's memory until the commit, ran out of memory in the models; 1GB peaks at 1.6–1.7
       * GiB (bench/README.md).
       */
      memoryLimit: z
        .string()
        .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, 'a size such as 1500MB or 2GB')
        .default('1GB'),
      /** DuckDB threads; null = one per core. */
      threads: z.number().int().positive().nullable().default(null),
      /** Spill folder for work beyond memoryLimit; null = DuckDB's default, `<db>.tmp` beside the database file. */
      temporaryDirectory: z.string().nullable().default(null),
    })
    .prefault({}),
  businessHours: z
    .strictObject({
      /** ISO weekdays, Monday = 1. */
      weekdays: z
        .array(z.number().int().min(1).max(7))
        .min(1, 'at least one working day (with none, no business minute ever passes and no SLA is breached)')
        .default([1, 2, 3, 4, 5]),
      start: clockTime.default('09:00'),
      end: clockTime.default('18:00'),
    })
    // compared only once both are valid times (else the refinement repeated the start's own error)
    .refine((h) => !VALID_CLOCK_TIME.test(h.start) || !VALID_CLOCK_TIME.test(h.end) || h.start < h.end, {
      error: 'businessHours.start must be before businessHours.end',
    })
    .prefault({}),
  holidays: z.array(isoDate).default([]),
  /** Days worked although they fall on a weekend (make-up days around public holidays). */
  specialWorkdays: z.array(isoDate).default([]),
  sla: z
    .strictObject({
      targets: z
        .strictObject({
          crisis: slaTarget(60, 'calendar'),
          major: slaTarget(120, 'business'),
          important: slaTarget(240, 'business'),
          general: slaTarget(480, 'business'),
        })
        .prefault({}),
      /** A week/channel/severity whose breach rate exceeds this raises an alert. */
      alertBreachRate: z.number().min(0).max(1).default(0.2),
    })
    .prefault({}),
  severityRules: z
    .strictObject({
      /**
       * English safety words, matched as whole words, case-insensitively. CONTRACT §3's words with their
       * inflections, plurals and -s/-ing forms included ("severe burns", "two injuries", "it fires up"
       * are as urgent as "burn" and "injury"); "fireworks" or "heartburn" stay whole other words.
       */
      crisisWordsEnglish: z
        .array(nonBlank)
        .default([
          'allergy',
          'allergies',
          'allergic',
          'injury',
          'injuries',
          'injure',
          'injures',
          'injured',
          'burn',
          'burns',
          'burning',
          'burned',
          'burnt',
          'fire',
          'fires',
        ]),
      /** Chinese safety words, matched as substrings. */
      crisisWordsChinese: z.array(nonBlank).default(['过敏', '受伤', '烫伤', '起火', '爆炸']),
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
    .refine((a) => a.afterStartDays < a.afterEndDays, {
      error: 'actions.afterStartDays must be less than actions.afterEndDays (the after period would be empty)',
    })
    .prefault({}),
  /**
   * The p-chart of complaints per 1,000 orders (quality page, weekly review). Complaints arrive days to
   * weeks after their order, so the first weeks of any history read low: rampUpWeeks of them are drawn
   * without limits or signals and kept out of the centre line. The centre pools baselineFrom …
   * baselineTo (local dates; their weeks, inclusive), by default every week after the ramp-up: set them
   * to a stable period after a process change so later weeks are judged against it.
   */
  controlChart: z
    .strictObject({
      rampUpWeeks: z.number().int().nonnegative().default(4),
      baselineFrom: isoDate.nullable().default(null),
      baselineTo: isoDate.nullable().default(null),
    })
    .refine((c) => c.baselineFrom === null || c.baselineTo === null || c.baselineFrom <= c.baselineTo, {
      error: 'controlChart.baselineFrom must not be after controlChart.baselineTo',
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
      /** Further attempts of a run that failed with a transient error (source timeout, database briefly locked). */
      retries: z.number().int().nonnegative().default(3),
      /** First retry delay; doubles each attempt up to retryMaxMs. */
      retryBaseMs: z.number().int().positive().default(2000),
      retryMaxMs: z.number().int().positive().default(300_000),
      /** Share of each retry delay drawn at random (0 = exact doubling, 1 = anywhere in [0, delay]). */
      retryJitter: z.number().min(0).max(1).default(0.5),
      /** A random delay of up to this many ms before each scheduled run (spreads load on shared sources). */
      jitterMs: z.number().int().nonnegative().default(0),
      /** At start, run once each job whose latest scheduled time has no successful run since (from the run log). */
      catchUp: z.boolean().default(true),
    })
    .refine((s) => new Set(s.jobs.map((j) => j.name)).size === s.jobs.length, { error: 'job names must be unique', path: ['jobs'] })
    .prefault({}),
  alerts: z
    .strictObject({
      webhooks: z.array(webhookSchema).default([]),
      dashboardUrl: z.string().default('http://127.0.0.1:8080/'),
      /** Flags per chat message; more new flags are split over several messages. */
      maxFlagsPerMessage: z.number().int().min(1).max(40).default(10),
      /**
       * On a channel's first delivery, weekly flags (carrier breakage, SLA breach rate) of weeks before
       * the latest this-many weeks up to as_of are recorded as seen, not posted: a first start on a
       * year of history posted every flag of every week (89 alerts). After that every new flag is
       * posted, also one of an older week that late complaints tipped over.
       */
      recentWeeks: z.number().int().min(1).default(2),
      timeoutMs: z.number().int().positive().default(10_000),
      /** Weekly review by email (SMTP); omitted = no email. */
      email: emailSchema.optional(),
    })
    .prefault({}),
  /** `status --check` fails when the newest data or mart is older than this. */
  maxDataAgeHours: z.number().positive().default(26),
  /**
   * `status --check` fails, and the weekly review and the site's front page warn, when the newest
   * complaint was opened longer than this before the (last run's) as-of (a stopped complaints feed).
   * Longer than maxDataAgeHours: a quiet Sunday or a holiday may bring a day without complaints, but
   * not three.
   */
  maxComplaintGapHours: z.number().positive().default(72),
  /** Inbox files in the shapes other systems export (Shopify, Zendesk CSV), mapped to an entity. */
  inboxMappings: z.array(inboxMappingSchema).default([]),
  /** Systems of record pulled after the inbox in every run (docs/sources.md). */
  sources: z.strictObject({ postgres: postgresSourceSchema.prefault({}), helpdesk: helpdeskSourceSchema.prefault({}) }).prefault({}),
});

export const ConfigSchema = ConfigShape.superRefine((config, context) => {
  // A day both a holiday and a make-up working day: which one was meant cannot be guessed.
  const workdays = new Set(config.specialWorkdays);
  for (const [i, day] of config.holidays.entries())
    if (workdays.has(day)) context.addIssue({ code: 'custom', path: ['holidays', i], message: `${day} is also in specialWorkdays; keep it in one of the two` });
});

export type InboxMappingConfig = z.infer<typeof inboxMappingSchema>;
export type PostgresSourceConfig = z.infer<typeof postgresSourceSchema>;
export type HelpdeskSourceConfig = z.infer<typeof helpdeskSourceSchema>;

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
    // a URL's user and password are not repeated in the message (it is printed, maybe logged)
    const shown = value === undefined ? '' : ` = ${JSON.stringify(value).replace(/(\/\/)[^/@"]*@/g, '$1…@')}`;
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

/**
 * Reads and validates a config file: JSON, or TypeScript / JavaScript (CONTRACT §3) whose default
 * export is the config object (`export default { timezone: 'Asia/Shanghai' } satisfies ConfigInput`),
 * imported as a module (the CLI runs under tsx, so `.ts` needs no build). Paths in it are relative
 * to the file.
 */
export async function loadConfigFile(file: string): Promise<Config> {
  const parsed = /\.(?:[cm]?ts|[cm]?js)$/.test(file) ? await importConfigModule(file) : readJsonConfig(file);
  const config = parseConfig(parsed, `config file ${file}`);
  const base = path.dirname(path.resolve(file));
  const paths = parsed !== null && typeof parsed === 'object' ? ((parsed as { paths?: Record<string, unknown> }).paths ?? {}) : {};
  for (const key of ['inbox', 'db', 'out'] as const) if (typeof paths[key] === 'string') config.paths[key] = path.resolve(base, config.paths[key]);
  return config;
}

/** A config as written, before validation and defaults (for typing a TypeScript config file). */
export type ConfigInput = z.input<typeof ConfigSchema>;

/** One line of an error message: JSON.parse quotes the text it choked on, line breaks included. */
const oneLine = (message: string) => message.replace(/\s*\n\s*/g, ' ').trim();

function readJsonConfig(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw configError(`cannot read config file ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw configError(`config file ${file} is not valid JSON: ${oneLine((error as Error).message)}`);
  }
}

async function importConfigModule(file: string): Promise<unknown> {
  if (!fs.existsSync(file)) throw configError(`cannot read config file ${file}: no such file`);
  let module: { default?: unknown };
  try {
    const url = pathToFileURL(path.resolve(file)).href;
    // tsx's scoped import reads the file as an ES module wherever it lies (a plain import judges a .ts
    // file by the package.json around it, and outside any package treats it as CommonJS).
    module = (/\.[cm]?ts$/.test(file) ? await (await import('tsx/esm/api')).tsImport(url, import.meta.url) : await import(url)) as { default?: unknown };
  } catch (error) {
    throw configError(`cannot load config file ${file}: ${oneLine((error as Error).message)}`);
  }
  // Outside an ESM package the file is compiled as CommonJS, and its default export arrives wrapped once
  // more ({ default: config }).
  const exported = module.default as { default?: unknown; __esModule?: boolean } | undefined;
  const config = exported !== null && typeof exported === 'object' && exported.__esModule ? exported.default : exported;
  if (config === undefined) throw configError(`config file ${file} has no default export: write \`export default { … }\``);
  return config;
}

/** Minutes after local midnight of an `HH:MM` time. */
export function minutesOfClockTime(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

/** Open options of a writing warehouse under this config (`Warehouse.open`). */
export function writerOpenOptions(config: Config): { timezone: string; memoryLimit: string; threads?: number; temporaryDirectory?: string } {
  return {
    timezone: config.timezone,
    memoryLimit: config.warehouse.memoryLimit,
    ...(config.warehouse.threads ? { threads: config.warehouse.threads } : {}),
    ...(config.warehouse.temporaryDirectory ? { temporaryDirectory: config.warehouse.temporaryDirectory } : {}),
  };
}
