/**
 * The business-hours clock (sql/intermediate/int_business_calendar.sql + sql/macros/business_clock.sql)
 * against an independent minute-by-minute brute force, plus named cases worked out by hand.
 *
 * Reproduce a failing generative run with its printed seed: BUSINESS_CLOCK_SEED=<seed> npx vitest run
 * test/models/business-clock.test.ts
 */
import { describe, it, expect } from 'vitest';
import { readFile } from 'node:fs/promises';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';

// ---------------------------------------------------------------------------------------------------
// helper: a fresh in-memory DuckDB set up the way the production runner sets it up
// ---------------------------------------------------------------------------------------------------

interface ClockConfig {
  timezone: string;
  /** ISO weekdays, Monday = 1 */
  weekdays: readonly number[];
  openMinute: number;
  closeMinute: number;
  /** [local date YYYY-MM-DD, is_working_day] */
  exceptions: ReadonlyArray<readonly [string, boolean]>;
  /** opened_at of the complaints (ISO), which can stretch the calendar back; none by default */
  openedAt?: readonly string[];
  /** as_of (ISO), which can stretch it forward; default 2026-11-20T00:00:00+08:00 */
  asOf?: string;
}

interface Interval {
  /** ISO 8601; without an offset it is local time in the config timezone */
  a: string;
  b: string;
}

const SQL_ROOT = new URL('../../sql/', import.meta.url);
const readSql = (path: string): Promise<string> => readFile(new URL(path, SQL_ROOT), 'utf8');

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const ZONE_RE = /^[A-Za-z_+\-/0-9]+$/;

/** Opens an in-memory DuckDB with the clock's inputs, the macro and the materialised calendar. */
async function withBusinessClock<T>(config: ClockConfig, fn: (c: DuckDBConnection) => Promise<T>): Promise<T> {
  const db = await DuckDBInstance.create(':memory:', {
    autoinstall_known_extensions: 'false',
  });
  const c = await db.connect();
  try {
    // test constants only, but keep them shaped like what the config validator lets through
    if (!ZONE_RE.test(config.timezone)) throw new Error(`bad zone ${config.timezone}`);
    const ints = [...config.weekdays, config.openMinute, config.closeMinute];
    if (!ints.every(Number.isInteger)) throw new Error('weekdays and minutes must be integers');
    await c.run(`SET TimeZone = '${config.timezone}'`);
    await c.run(`SET VARIABLE business_weekdays = [${config.weekdays.join(', ')}]`);
    await c.run(`SET VARIABLE business_open_minute = ${config.openMinute}`);
    await c.run(`SET VARIABLE business_close_minute = ${config.closeMinute}`);
    await c.run('create table cfg_calendar_exceptions (local_date DATE, is_working_day BOOLEAN)');
    // The calendar spans the complaints' opening dates and as_of (beyond 2000..2100 when they are).
    await c.run('create table stg_complaints (opened_at TIMESTAMPTZ)');
    for (const opened of config.openedAt ?? []) await c.run(`insert into stg_complaints values ('${opened}'::timestamptz)`);
    await c.run(`SET VARIABLE as_of = '${config.asOf ?? '2026-11-20T00:00:00+08:00'}'::timestamptz`);
    for (const [date, working] of config.exceptions) {
      if (!DATE_RE.test(date)) throw new Error(`bad date ${date}`);
      await c.run(`insert into cfg_calendar_exceptions values (date '${date}', ${working})`);
    }
    await c.run(await readSql('macros/business_clock.sql'));
    const calendar = await readSql('intermediate/int_business_calendar.sql');
    await c.run(`create or replace table int_business_calendar as ${calendar}`);
    return await fn(c);
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

/** Business minutes for each (a, b), via the documented join pattern; results in input order. */
async function queryBusinessMinutes(c: DuckDBConnection, intervals: readonly Interval[]): Promise<number[]> {
  await c.run('create or replace table clock_intervals (interval_id INTEGER, a VARCHAR, b VARCHAR)');
  const appender = await c.createAppender('clock_intervals');
  intervals.forEach(({ a, b }, i) => {
    appender.appendInteger(i);
    appender.appendVarchar(a);
    appender.appendVarchar(b);
    appender.endRow();
  });
  appender.closeSync();
  const reader = await c.runAndReadAll(`
    with typed as (
      select interval_id, cast(a as timestamptz) as a_at, cast(b as timestamptz) as b_at
      from clock_intervals
    ),
    cumulative as (
      select
        t.interval_id,
        t.a_at,
        t.b_at,
        ca.business_minutes_before + business_minutes_into_day(t.a_at, ca.open_at, ca.close_at) as cum_a,
        cb.business_minutes_before + business_minutes_into_day(t.b_at, cb.open_at, cb.close_at) as cum_b
      from typed as t
      join int_business_calendar as ca on ca.local_date = cast(t.a_at as date)
      join int_business_calendar as cb on cb.local_date = cast(t.b_at as date)
    )
    select interval_id, case when b_at < a_at then 0 else cum_b - cum_a end as business_minutes
    from cumulative
    order by interval_id`);
  const rows = reader.getRowObjectsJson();
  if (rows.length !== intervals.length) throw new Error(`expected ${intervals.length} rows, got ${rows.length}`);
  return rows.map((r) => Number(r['business_minutes']));
}

async function businessMinutes(config: ClockConfig, a: string, b: string): Promise<number> {
  const [minutes] = await withBusinessClock(config, (c) => queryBusinessMinutes(c, [{ a, b }]));
  if (minutes === undefined) throw new Error('no result');
  return minutes;
}

// ---------------------------------------------------------------------------------------------------
// brute force: walk [a, b) minute by minute, reading the local wall clock with Intl
// ---------------------------------------------------------------------------------------------------

const MINUTE_MS = 60_000;
const ISO_DOW: Record<string, number> = {
  Mon: 1,
  Tue: 2,
  Wed: 3,
  Thu: 4,
  Fri: 5,
  Sat: 6,
  Sun: 7,
};

interface WallTime {
  date: string;
  isoDow: number;
  minuteOfDay: number;
  /** UTC offset in minutes */
  offsetMinutes: number;
  text: string;
}

function makeWallClock(timezone: string): (ms: number) => WallTime {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    hourCycle: 'h23',
    weekday: 'short',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  return (ms) => {
    const p: Record<string, string> = {};
    for (const part of format.formatToParts(ms)) p[part.type] = part.value;
    const [y, mo, d, h, mi, s] = [p['year'], p['month'], p['day'], p['hour'], p['minute'], p['second']].map(Number);
    if ([y, mo, d, h, mi, s].some((v) => v === undefined || Number.isNaN(v))) throw new Error(`Intl parts ${ms}`);
    const wallAsUtc = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
    const date = `${p['year']}-${p['month']}-${p['day']}`;
    return {
      date,
      isoDow: ISO_DOW[p['weekday'] ?? ''] ?? Number.NaN,
      minuteOfDay: h! * 60 + mi!,
      offsetMinutes: Math.round((wallAsUtc - Math.floor(ms / 1000) * 1000) / MINUTE_MS),
      text: `${date}T${p['hour']}:${p['minute']}:${p['second']}`,
    };
  };
}

/** Business/closed flag of every UTC minute of some spans of time. */
interface MinuteTable {
  spans: Array<{ startMs: number; flags: Uint8Array }>;
}

/**
 * Whether each UTC minute of the spans is a business minute: its local wall time is on a working date
 * (exception, else weekday) and within [open, close). All offsets involved are whole minutes, so a UTC
 * minute is also one local minute.
 */
function tabulateBusinessMinutes(config: ClockConfig, spans: ReadonlyArray<readonly [number, number]>): MinuteTable {
  const wall = makeWallClock(config.timezone);
  const exceptions = new Map(config.exceptions);
  return {
    spans: spans.map(([startMs, endMs]) => {
      const flags = new Uint8Array((endMs - startMs) / MINUTE_MS);
      for (let i = 0; i < flags.length; i++) {
        const w = wall(startMs + i * MINUTE_MS);
        const working = exceptions.get(w.date) ?? config.weekdays.includes(w.isoDow);
        flags[i] = working && w.minuteOfDay >= config.openMinute && w.minuteOfDay < config.closeMinute ? 1 : 0;
      }
      return { startMs, flags };
    }),
  };
}

function isBusinessMinute(table: MinuteTable, minuteMs: number): boolean {
  for (const { startMs, flags } of table.spans) {
    const flag = flags[(minuteMs - startMs) / MINUTE_MS];
    if (flag !== undefined) return flag === 1;
  }
  throw new Error(`instant ${new Date(minuteMs).toISOString()} outside the tabulated spans`);
}

/** Walks [a, b) minute by minute; a partial first or last minute counts its share. */
function bruteForceBusinessMinutes(table: MinuteTable, aMs: number, bMs: number): number {
  if (bMs <= aMs) return 0;
  let totalMs = 0;
  for (let m = Math.floor(aMs / MINUTE_MS) * MINUTE_MS; m < bMs; m += MINUTE_MS) {
    if (isBusinessMinute(table, m)) totalMs += Math.min(bMs, m + MINUTE_MS) - Math.max(aMs, m);
  }
  return totalMs / MINUTE_MS;
}

// ---------------------------------------------------------------------------------------------------
// seeded generator
// ---------------------------------------------------------------------------------------------------

/** mulberry32 */
function makeRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BASE_SEED = Number(process.env['BUSINESS_CLOCK_SEED'] ?? 20261101);

interface GeneratedInterval extends Interval {
  aMs: number;
  bMs: number;
}

interface Scenario {
  name: string;
  config: ClockConfig;
  /** windows [from, to) in which the first instant a is drawn */
  windows: ReadonlyArray<readonly [string, string]>;
  count: number;
  /** write some instants as naive local wall time (only where no wall time repeats) */
  allowNaive: boolean;
  seed: number;
}

function generateIntervals(s: Scenario, table: MinuteTable): GeneratedInterval[] {
  const random = makeRandom(s.seed);
  const wall = makeWallClock(s.config.timezone);
  const pick = <T>(xs: readonly T[]): T => {
    const x = xs[Math.floor(random() * xs.length)];
    if (x === undefined) throw new Error('empty pick');
    return x;
  };
  // minutes where the brute force switches between open and closed: opening, closing, DST edges
  const edges: number[] = [];
  for (const { startMs, flags } of table.spans) {
    for (let i = 1; i < flags.length; i++) if (flags[i] !== flags[i - 1]) edges.push(startMs + i * MINUTE_MS);
  }
  const windows = s.windows.map(([from, to]) => [Date.parse(from), Date.parse(to)] as const);

  const drawInstant = ([from, to]: readonly [number, number], withSeconds: boolean): number => {
    let ms: number;
    if (random() < 0.35) {
      const edge = pick(edges.filter((e) => e >= from && e < to));
      ms = edge + pick([0, 0, -1, 1, -60, 60]) * MINUTE_MS;
    } else {
      ms = from + Math.floor((random() * (to - from)) / MINUTE_MS) * MINUTE_MS;
    }
    return withSeconds ? ms + Math.floor(random() * 60) * 1000 + pick([0, 0, 500]) : ms;
  };
  const format = (ms: number): string => {
    const w = wall(ms);
    const style = pick(s.allowNaive ? ['Z', 'offset', 'naive'] : ['Z', 'offset']);
    const frac = ms % 1000 === 0 ? '' : `.${String(ms % 1000).padStart(3, '0')}`;
    const sign = w.offsetMinutes < 0 ? '-' : '+';
    const abs = Math.abs(w.offsetMinutes);
    const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
    const text =
      style === 'Z' ? new Date(ms).toISOString() : style === 'naive' ? `${w.text.replace('T', pick(['T', ' ']))}${frac}` : `${w.text}${frac}${offset}`;
    // the string must denote the intended instant, or the comparison proves nothing
    const denoted = style === 'naive' ? Date.parse(`${w.text}${frac}${offset}`) : Date.parse(text);
    if (denoted !== ms) throw new Error(`generator: ${text} does not denote ${new Date(ms).toISOString()}`);
    return text;
  };

  const out: GeneratedInterval[] = [];
  for (let i = 0; i < s.count; i++) {
    const withSeconds = random() < 0.5;
    const window = pick(windows);
    const aMs = drawInstant(window, withSeconds);
    const r = random();
    let bMs: number;
    if (r < 0.05) {
      bMs = aMs - Math.floor(random() * 3 * 1440) * MINUTE_MS - (withSeconds ? 7000 : 0); // b < a
    } else if (r < 0.1) {
      bMs = aMs; // empty
    } else if (r < 0.3) {
      bMs = drawInstant(window, withSeconds); // e.g. edge to edge, either order
    } else {
      const maxMinutes = pick([60, 600, 3 * 1440, 3 * 1440, 14 * 1440]);
      bMs = aMs + Math.floor(random() * maxMinutes) * MINUTE_MS + (withSeconds ? Math.floor(random() * 60_000) : 0);
    }
    out.push({ a: format(aMs), b: format(bMs), aMs, bMs });
  }
  return out;
}

async function checkAgainstBruteForce(s: Scenario): Promise<number> {
  // a is drawn in a window, b at most 14 days after it or 3 days before it
  const pad = 16 * 86_400_000;
  const spans = s.windows.map(([from, to]) => [Date.parse(from) - pad, Date.parse(to) + pad] as const);
  const table = tabulateBusinessMinutes(s.config, spans);
  const intervals = generateIntervals(s, table);
  const actual = await withBusinessClock(s.config, (c) => queryBusinessMinutes(c, intervals));
  let checked = 0;
  intervals.forEach((iv, i) => {
    const expected = bruteForceBusinessMinutes(table, iv.aMs, iv.bMs);
    const got = actual[i];
    if (got === undefined || Math.abs(got - expected) > 1e-6) {
      throw new Error(
        `${s.name}: seed ${s.seed}, interval #${i}: a=${iv.a} (${new Date(iv.aMs).toISOString()}) ` +
          `b=${iv.b} (${new Date(iv.bMs).toISOString()}): SQL ${got}, brute force ${expected}`,
      );
    }
    checked++;
  });
  return checked;
}

// ---------------------------------------------------------------------------------------------------
// configurations
// ---------------------------------------------------------------------------------------------------

const MON_FRI = [1, 2, 3, 4, 5] as const;
const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7] as const;

/** Default hours; National Day week off, two make-up days, and a lone holiday Thursday. */
const SHANGHAI: ClockConfig = {
  timezone: 'Asia/Shanghai',
  weekdays: MON_FRI,
  openMinute: 540,
  closeMinute: 1080,
  exceptions: [
    ['2026-05-14', false], // Thursday
    ['2026-09-27', true], // Sunday, worked
    ...['01', '02', '03', '04', '05', '06', '07'].map((d) => [`2026-10-${d}`, false] as const),
    ['2026-10-10', true], // Saturday, worked
  ],
};

/** DST: 2026-03-08 02:00 EST -> 03:00 EDT, 2026-11-01 02:00 EDT -> 01:00 EST (both Sundays). */
const NEW_YORK: ClockConfig = {
  timezone: 'America/New_York',
  weekdays: MON_FRI,
  openMinute: 540,
  closeMinute: 1080,
  exceptions: [
    ['2026-03-10', false], // Tuesday after the spring change
    ['2026-11-03', false], // Tuesday after the autumn change
    ['2026-11-01', true], // the autumn-change Sunday (25 hours long), worked 09:00-18:00 EST = 540 minutes
  ],
};

/** Every day 02:30-18:00: the opening time falls in the 2026-03-08 gap. */
const NEW_YORK_OPEN_IN_GAP: ClockConfig = {
  ...NEW_YORK,
  weekdays: EVERY_DAY,
  openMinute: 150,
  exceptions: [],
};

/**
 * Every day 00:00-02:30: the closing time falls in the spring gap, and the whole repeated autumn hour
 * lies inside the window (the one case of a repeated hour a single window can represent exactly).
 */
const NEW_YORK_NIGHT: ClockConfig = {
  ...NEW_YORK,
  weekdays: EVERY_DAY,
  openMinute: 0,
  closeMinute: 150,
  exceptions: [],
};

// ---------------------------------------------------------------------------------------------------
// tests
// ---------------------------------------------------------------------------------------------------

describe('business clock vs minute-by-minute brute force (seeded)', () => {
  const DST_WINDOWS = [
    ['2026-03-01T00:00:00Z', '2026-03-16T00:00:00Z'],
    ['2026-10-24T00:00:00Z', '2026-11-09T00:00:00Z'],
  ] as const;
  const scenarios: Scenario[] = [
    {
      name: 'Asia/Shanghai, holiday week and make-up days',
      config: SHANGHAI,
      windows: [['2026-09-15T00:00:00+08:00', '2026-10-20T00:00:00+08:00']],
      count: 4000,
      allowNaive: true,
      seed: BASE_SEED,
    },
    {
      name: 'America/New_York, 09-18 across both DST changes',
      config: NEW_YORK,
      windows: DST_WINDOWS,
      count: 4000,
      allowNaive: false,
      seed: BASE_SEED + 1,
    },
    {
      name: 'America/New_York, opening inside the spring gap',
      config: NEW_YORK_OPEN_IN_GAP,
      windows: DST_WINDOWS,
      count: 1500,
      allowNaive: false,
      seed: BASE_SEED + 2,
    },
    {
      name: 'America/New_York, 00:00-02:30 night window',
      config: NEW_YORK_NIGHT,
      windows: DST_WINDOWS,
      count: 1500,
      allowNaive: false,
      seed: BASE_SEED + 3,
    },
  ];
  for (const s of scenarios) {
    it(`${s.name}: ${s.count} intervals`, async () => {
      const checked = await checkAgainstBruteForce(s);
      console.log(`business clock: ${s.name}: ${checked} random intervals match (seed ${s.seed})`);
      expect(checked).toBe(s.count);
    });
  }
});

describe('business clock, named cases (Asia/Shanghai, 09:00-18:00 Mon-Fri)', () => {
  const cases: ReadonlyArray<readonly [string, string, string, number]> = [
    // Fri 17:30 -> 18:00 = 30, weekend 0, Mon 09:00 -> 09:30 = 30
    ['Friday 17:30 -> Monday 09:30', '2026-03-06T17:30:00+08:00', '2026-03-09T09:30:00+08:00', 60],
    // Fri after closing, weekend, Mon before opening: nothing open
    ['Friday evening -> Monday before opening', '2026-03-06T19:00:00+08:00', '2026-03-09T08:00:00+08:00', 0],
    // Wed 17:00 -> 18:00 = 60, Thu 2026-05-14 holiday = 0, Fri 09:00 -> 10:00 = 60
    ['holiday Thursday in between', '2026-05-13T17:00:00+08:00', '2026-05-15T10:00:00+08:00', 120],
    // opened 07:00, answered 08:30, both before opening
    ['response before opening hours', '2026-03-10T07:00:00+08:00', '2026-03-10T08:30:00+08:00', 0],
    // opened before opening, answered after: counts from 09:00 -> 10:15 = 75
    ['opened before opening, answered during', '2026-03-10T07:00:00+08:00', '2026-03-10T10:15:00+08:00', 75],
    // Fri 2026-07-31 16:00 -> 18:00 = 120, weekend, Mon 2026-08-03 09:00 -> 11:00 = 120
    ['across a month end', '2026-07-31T16:00:00+08:00', '2026-08-03T11:00:00+08:00', 240],
    // Thu 2026-12-31 17:00 -> 18:00 = 60, Fri 2027-01-01 (no holiday configured) 09:00 -> 10:00 = 60
    ['across a year end', '2026-12-31T17:00:00+08:00', '2027-01-01T10:00:00+08:00', 120],
    // Fri 10-09 17:00 -> 18:00 = 60, Sat 10-10 worked 09:00-18:00 = 540, Sun 0, Mon 09:00 -> 10:00 = 60
    ['special working Saturday', '2026-10-09T17:00:00+08:00', '2026-10-12T10:00:00+08:00', 660],
    // Sat 09-26 0, Sun 09-27 worked 09:00 -> 12:00 = 180
    ['special working Sunday', '2026-09-26T12:00:00+08:00', '2026-09-27T12:00:00+08:00', 180],
    // Wed 09-30 17:00 -> 18:00 = 60, Oct 1-7 holidays, Thu 10-08 09:00 -> 10:00 = 60
    ['across the holiday week', '2026-09-30T17:00:00+08:00', '2026-10-08T10:00:00+08:00', 120],
    // 10:15:30 -> 11:00:00 = 44 min 30 s
    ['seconds', '2026-03-09T10:15:30+08:00', '2026-03-09T11:00:00+08:00', 44.5],
    // 17:59:59.500 -> Monday 09:00:00.250: 0.5 s + 0.25 s = 0.75 s = 0.0125 min
    ['sub-second around closing and opening', '2026-03-06T17:59:59.500+08:00', '2026-03-09T09:00:00.250+08:00', 0.0125],
    // answered before it was opened
    ['b < a gives 0', '2026-03-09T10:00:00+08:00', '2026-03-09T09:00:00+08:00', 0],
    ['b < a across days gives 0', '2026-03-10T10:00:00+08:00', '2026-03-06T09:00:00+08:00', 0],
    ['a = b gives 0', '2026-03-09T10:00:00+08:00', '2026-03-09T10:00:00+08:00', 0],
  ];
  for (const [name, a, b, expected] of cases) {
    it(`${name}: ${expected} min`, async () => {
      expect(await businessMinutes(SHANGHAI, a, b)).toBeCloseTo(expected, 9);
    });
  }

  it('the same instants written with Z, +08:00 and no offset agree (Fri 17:30 -> Mon 09:30 = 60)', async () => {
    const as = ['2026-03-06T09:30:00Z', '2026-03-06T17:30:00+08:00', '2026-03-06T17:30:00', '2026-03-06 17:30:00'];
    const bs = ['2026-03-09T01:30:00Z', '2026-03-09T09:30:00+08:00', '2026-03-09T09:30:00', '2026-03-09 09:30:00'];
    const intervals = as.flatMap((a) => bs.map((b) => ({ a, b })));
    const results = await withBusinessClock(SHANGHAI, (c) => queryBusinessMinutes(c, intervals));
    expect(results).toEqual(intervals.map(() => 60));
  });

  it('a naive TIMESTAMP passed to the macro is local wall time', async () => {
    const rows = await withBusinessClock(SHANGHAI, async (c) =>
      (
        await c.runAndReadAll(`
          select
            business_minutes_into_day(timestamp '2026-03-06 17:30:00', open_at, close_at) as naive,
            business_minutes_into_day(timestamptz '2026-03-06 09:30:00+00', open_at, close_at) as utc
          from int_business_calendar where local_date = date '2026-03-06'`)
      ).getRowObjectsJson(),
    );
    // 09:00 -> 17:30 = 510
    expect(rows).toEqual([{ naive: 510, utc: 510 }]);
  });
});

describe('business clock, named cases (America/New_York)', () => {
  it('Friday 17:30 EST -> Monday 09:30 EDT across the spring change = 60', async () => {
    // 30 + 30; the lost hour is on a Sunday night and not business time
    expect(await businessMinutes(NEW_YORK, '2026-03-06T17:30:00-05:00', '2026-03-09T09:30:00-04:00')).toBe(60);
  });

  it('Friday 17:30 EDT -> Monday 09:30 EST across the autumn change, Sunday worked = 600', async () => {
    // Fri 30 + Sun 2026-11-01 worked 09:00-18:00 EST 540 + Mon 30
    expect(await businessMinutes(NEW_YORK, '2026-10-30T17:30:00-04:00', '2026-11-02T09:30:00-05:00')).toBe(600);
  });

  it('one instant, any offset notation: 2026-03-09 14:00Z = 10:00 EDT', async () => {
    const intervals = ['2026-03-09T14:00:00Z', '2026-03-09T10:00:00-04:00', '2026-03-09T09:00:00-05:00'].map((b) => ({
      a: '2026-03-09T09:00:00-04:00',
      b,
    }));
    const results = await withBusinessClock(NEW_YORK, (c) => queryBusinessMinutes(c, intervals));
    expect(results).toEqual([60, 60, 60]);
  });

  it('opening time inside the spring gap opens at the transition instant', async () => {
    // 02:30 does not exist on 2026-03-08; the clock passes it at 02:00 EST -> 03:00 EDT = 07:00Z.
    // Window 03:00 EDT -> 18:00 EDT (22:00Z) = 900 minutes (DuckDB's own cast would give 03:30, 870).
    const row = await withBusinessClock(NEW_YORK_OPEN_IN_GAP, async (c) => {
      const rows = (
        await c.runAndReadAll(`
          select epoch_ms(open_at) as open_ms, epoch_ms(close_at) as close_ms, business_minutes
          from int_business_calendar where local_date = date '2026-03-08'`)
      ).getRowObjectsJson();
      return rows[0];
    });
    expect(row).toEqual({
      open_ms: String(Date.parse('2026-03-08T07:00:00Z')),
      close_ms: String(Date.parse('2026-03-08T22:00:00Z')),
      business_minutes: 900,
    });
    expect(await businessMinutes(NEW_YORK_OPEN_IN_GAP, '2026-03-08T00:00:00-05:00', '2026-03-09T00:00:00-04:00')).toBe(900);
  });

  it('closing time inside the spring gap closes at the transition; a repeated hour inside the window counts twice', async () => {
    // 2026-03-08: 00:00 EST (05:00Z) -> transition 07:00Z = 120 (wall clock 00:00-02:00)
    // 2026-11-01: 00:00 EDT (04:00Z) -> 02:30 EST (07:30Z) = 210 (01:00-02:00 is lived twice)
    const results = await withBusinessClock(NEW_YORK_NIGHT, (c) =>
      queryBusinessMinutes(c, [
        { a: '2026-03-08T00:00:00-05:00', b: '2026-03-08T12:00:00-04:00' },
        { a: '2026-11-01T00:00:00-04:00', b: '2026-11-01T12:00:00-05:00' },
      ]),
    );
    expect(results).toEqual([120, 210]);
  });

  it('opening time inside the repeated autumn hour opens at its first occurrence', async () => {
    // Every day 01:30-18:00. On 2026-11-01 01:30 happens at 05:30Z (EDT) and again at 06:30Z (EST);
    // the office opens the first time: 05:30Z -> 18:00 EST (23:00Z) = 17.5 h = 1050 minutes.
    // (A wall-clock-membership count would drop 01:00-01:30 EST and give 1020; see the calendar's header.)
    const config: ClockConfig = {
      ...NEW_YORK,
      weekdays: EVERY_DAY,
      openMinute: 90,
      exceptions: [],
    };
    const row = await withBusinessClock(config, async (c) => {
      const rows = (
        await c.runAndReadAll(`
          select epoch_ms(open_at) as open_ms, business_minutes
          from int_business_calendar where local_date = date '2026-11-01'`)
      ).getRowObjectsJson();
      return rows[0];
    });
    expect(row).toEqual({
      open_ms: String(Date.parse('2026-11-01T05:30:00Z')),
      business_minutes: 1050,
    });
  });
});

describe('int_business_calendar shape', () => {
  it('reaches back to the earliest opened_at and past as_of when they lie outside 2000..2100', async () => {
    // A placeholder date (1970) in an export must not fall off the calendar: a lookup that finds no
    // date gives null, which once read as 0 minutes and "not breached".
    const config: ClockConfig = { ...SHANGHAI, openedAt: ['1970-01-01T00:00:00+08:00', '2026-11-02T10:00:00+08:00'], asOf: '2101-03-01T00:00:00+08:00' };
    const [row] = await withBusinessClock(config, async (c) =>
      (
        await c.runAndReadAll(`
          select min(local_date)::varchar as first_date, max(local_date)::varchar as last_date,
            (select business_minutes_before from int_business_calendar where local_date = date '1970-01-02') as before_jan_2
          from int_business_calendar`)
      ).getRowObjectsJson(),
    );
    // 1970-01-01 was a Thursday, a working day of 540 minutes.
    expect(row).toEqual({ first_date: '1970-01-01', last_date: '2101-03-02', before_jan_2: 540 });
  });

  it('one row per date 2000-01-01..2100-12-31, cumulative minutes consistent, non-working days empty', async () => {
    const [row] = await withBusinessClock(SHANGHAI, async (c) =>
      (
        await c.runAndReadAll(`
          with checked as (
            select *, coalesce(
              sum(business_minutes) over (order by local_date rows between unbounded preceding and 1 preceding), 0)
              as recomputed_before
            from int_business_calendar
          )
          select
            count(*) as days,
            count(distinct local_date) as dates,
            min(local_date)::varchar as first_date,
            max(local_date)::varchar as last_date,
            count(*) filter (where business_minutes_before <> recomputed_before) as bad_cumulative,
            count(*) filter (where not is_working_day
              and (open_at <> close_at or open_at <> cast(local_date as timestamptz) or business_minutes <> 0))
              as bad_closed_days,
            count(*) filter (where is_working_day and business_minutes <> 540) as bad_open_days,
            string_agg(typeof(business_minutes) || '/' || typeof(business_minutes_before) || '/' || typeof(open_at), ',')
              filter (where local_date = date '2026-01-05') as types
          from checked`)
      ).getRowObjectsJson(),
    );
    expect(row).toEqual({
      days: '36890',
      dates: '36890',
      first_date: '2000-01-01',
      last_date: '2100-12-31',
      bad_cumulative: '0',
      bad_closed_days: '0',
      bad_open_days: '0',
      types: 'DOUBLE/DOUBLE/TIMESTAMP WITH TIME ZONE',
    });
  });
});

describe('business clock guards', () => {
  it('impossible business hours stop the calendar build', async () => {
    await expect(withBusinessClock({ ...SHANGHAI, openMinute: 600, closeMinute: 540 }, async () => 0)).rejects.toThrow(/0 <= open < close <= 1440/);
  });

  it('a null instant gives null, not a clamped value (greatest/least would skip the null)', async () => {
    const rows = await withBusinessClock(SHANGHAI, async (c) =>
      (
        await c.runAndReadAll(`
          select business_minutes_into_day(null::timestamptz, open_at, close_at) as minutes
          from int_business_calendar where local_date = date '2026-03-06'`)
      ).getRowObjectsJson(),
    );
    expect(rows).toEqual([{ minutes: null }]);
  });
});
