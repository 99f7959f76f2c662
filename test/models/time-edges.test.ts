// The local-time macros (sql/macros/time.sql) in a zone west of UTC with one fixed offset, which takes
// the epoch-arithmetic shortcut with a negative offset; test/models/time-macros.test.ts covers zones east
// of UTC and one with DST. Found by mutation: an offset printed as '+' whatever its sign, and a
// fraction of a second before 1970 printed from a negative remainder, went unnoticed.
// Pacific/Marquesas has been UTC−09:30 without DST since 1912.
import { describe, expect, it } from 'vitest';
import { withWarehouse } from '../helpers/warehouse.ts';

describe('local time through the fixed-offset shortcut, at its edges', () => {
  it('Pacific/Marquesas (−09:30): offset sign and minutes, days and Monday weeks', async () => {
    const rows = await withWarehouse(
      (w) =>
        w.all<{ instant: string; iso: string; day: string; week: string }>(
          `select instant, iso_local(ts) as iso, strftime(local_date(ts), '%Y-%m-%d') as day, strftime(local_week(ts), '%Y-%m-%d') as week
           from (select instant, cast(instant as timestamptz) as ts
                 from (values ('2026-11-16T09:29:59Z'), ('2026-11-16T09:30:00Z'), ('2026-11-16T09:30:00.25Z')) as v(instant))
           order by ts`,
        ),
      'Pacific/Marquesas',
    );
    expect(rows).toEqual([
      // 09:29:59Z − 9:30 = Sunday 2026-11-15 23:59:59 local: still the week of Monday 11-09
      { instant: '2026-11-16T09:29:59Z', iso: '2026-11-15T23:59:59-09:30', day: '2026-11-15', week: '2026-11-09' },
      // 09:30Z = Monday 00:00 local: the week of 11-16
      { instant: '2026-11-16T09:30:00Z', iso: '2026-11-16T00:00:00-09:30', day: '2026-11-16', week: '2026-11-16' },
      { instant: '2026-11-16T09:30:00.25Z', iso: '2026-11-16T00:00:00.25-09:30', day: '2026-11-16', week: '2026-11-16' },
    ]);
    const offset = await withWarehouse((w) => w.one<{ offset: number }>(`select getvariable('tz_fixed_offset_us') as offset`), 'Pacific/Marquesas');
    expect(Number(offset!.offset)).toBe(-9.5 * 3600 * 1e6);
  });

  it('writes the fraction of an instant before 1970 (a negative epoch) as its own digits', async () => {
    // placeholder dates such as 1970-01-01 occur in real exports; half a second before the epoch is
    // 1970-01-01 07:59:59.5 in Shanghai (epoch_us = −500 000: the fraction is 500 000 µs, not −500 000)
    const row = await withWarehouse((w) => w.one<{ iso: string }>(`select iso_local(timestamptz '1969-12-31 23:59:59.5+00') as iso`));
    expect(row!.iso).toBe('1970-01-01T07:59:59.5+08:00');
  });
});
