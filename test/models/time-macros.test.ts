/**
 * The local-time macros of sql/macros/time.sql. A zone with one UTC offset over 2000-2100 gets wall
 * time by epoch arithmetic instead of ICU; these tests hold that shortcut to ICU's answers, at the
 * edges where it could slip: week and day boundaries, the ends of the sampled range, instants before
 * it (Shanghai kept DST until 1991), and zones with DST, which must not take the shortcut at all.
 */
import { describe, expect, it } from 'vitest';
import { withWarehouse } from '../helpers/warehouse.ts';

/** Instants (UTC) around local midnights, week starts, the range ends and DST changes. */
const INSTANTS = [
  '2026-11-15T15:59:59.999999Z', // Shanghai: Sunday 23:59:59.999999, still week 2026-11-09
  '2026-11-15T16:00:00Z', // Shanghai: Monday 00:00, week 2026-11-16
  '2026-12-31T16:00:00Z', // Shanghai: new year's day 00:00
  '1999-12-31T23:59:59Z', // before the sampled range
  '2000-01-01T00:00:00Z', // its first instant
  '2100-12-31T23:59:59Z', // its last day
  '2101-01-01T00:00:00Z', // past it
  '1988-06-01T12:00:00Z', // Shanghai on DST (+09:00) that summer
  '2026-03-08T06:59:59Z', // New York: 01:59:59 EST, a second before spring-forward
  '2026-03-08T07:00:00Z', // New York: 03:00 EDT
  '2026-11-01T05:30:00Z', // New York: 01:30 EDT, the first of the repeated hour
  '2026-11-01T06:30:00Z', // New York: 01:30 EST, the second
];

interface Checked {
  instant: string;
  wall: string;
  icu_wall: string;
  day: string;
  icu_day: string;
  week: string;
  icu_week: string;
  iso: string;
}

async function checkAll(timezone: string): Promise<{ offset: number | null; rows: Checked[] }> {
  return withWarehouse(async (w) => {
    const offset = (await w.one<{ offset: number | null }>(`select getvariable('tz_fixed_offset_us') as offset`))!.offset;
    const rows = await w.all<Checked>(
      `select instant,
         strftime(local_timestamp(ts), '%Y-%m-%d %H:%M:%S.%f') as wall, strftime(cast(ts as timestamp), '%Y-%m-%d %H:%M:%S.%f') as icu_wall,
         strftime(local_date(ts), '%Y-%m-%d') as day, strftime(cast(ts as date), '%Y-%m-%d') as icu_day,
         strftime(local_week(ts), '%Y-%m-%d') as week, strftime(cast(date_trunc('week', cast(ts as timestamp)) as date), '%Y-%m-%d') as icu_week,
         iso_local(ts) as iso
       from (select instant, cast(instant as timestamptz) as ts from (values ${INSTANTS.map((at) => `('${at}')`).join(', ')}) as v(instant))`,
    );
    return { offset: offset === null ? null : Number(offset), rows };
  }, timezone);
}

describe('local time macros', () => {
  it('Asia/Shanghai takes the fixed +08:00 shortcut and agrees with ICU everywhere, including 1988 DST', async () => {
    const { offset, rows } = await checkAll('Asia/Shanghai');
    expect(offset).toBe(8 * 3600 * 1e6);
    for (const r of rows) expect([r.instant, r.wall, r.day, r.week]).toEqual([r.instant, r.icu_wall, r.icu_day, r.icu_week]);
    const byInstant = Object.fromEntries(rows.map((r) => [r.instant, r]));
    expect(byInstant['2026-11-15T15:59:59.999999Z']!.week).toBe('2026-11-09');
    expect(byInstant['2026-11-15T16:00:00Z']!.week).toBe('2026-11-16');
    expect(byInstant['2026-11-15T16:00:00Z']!.iso).toBe('2026-11-16T00:00:00+08:00');
    expect(byInstant['1988-06-01T12:00:00Z']!.iso).toBe('1988-06-01T21:00:00+09:00');
    expect(byInstant['2101-01-01T00:00:00Z']!.iso).toBe('2101-01-01T08:00:00+08:00');
    // fractional seconds are kept, with as many digits as they need
    expect(byInstant['2026-11-15T15:59:59.999999Z']!.iso).toBe('2026-11-15T23:59:59.999999+08:00');
  });

  it('America/New_York (DST) keeps ICU: no fixed offset, offsets follow the season', async () => {
    const { offset, rows } = await checkAll('America/New_York');
    expect(offset).toBeNull();
    for (const r of rows) expect([r.instant, r.wall, r.day, r.week]).toEqual([r.instant, r.icu_wall, r.icu_day, r.icu_week]);
    const iso = Object.fromEntries(rows.map((r) => [r.instant, r.iso]));
    expect(iso['2026-03-08T06:59:59Z']).toBe('2026-03-08T01:59:59-05:00');
    expect(iso['2026-03-08T07:00:00Z']).toBe('2026-03-08T03:00:00-04:00');
    expect(iso['2026-11-01T05:30:00Z']).toBe('2026-11-01T01:30:00-04:00');
    expect(iso['2026-11-01T06:30:00Z']).toBe('2026-11-01T01:30:00-05:00');
  });

  it('a zone with a fixed non-whole-hour offset (Asia/Kolkata, +05:30) takes the shortcut too', async () => {
    const { offset, rows } = await checkAll('Asia/Kolkata');
    expect(offset).toBe(5.5 * 3600 * 1e6);
    for (const r of rows) expect([r.instant, r.wall, r.day, r.week]).toEqual([r.instant, r.icu_wall, r.icu_day, r.icu_week]);
    expect(rows.find((r) => r.instant === '2026-11-15T16:00:00Z')!.iso).toBe('2026-11-15T21:30:00+05:30');
  });
});
