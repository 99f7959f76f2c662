/**
 * `--as-of` names the same instant a record stamped with the same text names (CONTRACT §2: no offset =
 * local time in the configured zone; §5: only what is after as_of has not happened). The JavaScript
 * parser it replaces read '…12:00:00.000' in the machine's zone (8 hours off on a UTC host), put DST gap
 * and overlap times an hour away from the inbox's reading, and refused the ISO offset '-05'.
 */
import { describe, expect, it } from 'vitest';
import { parseAsOf } from '../../pipelines/run/as-of.ts';
import { Warehouse } from '../../pipelines/core/warehouse.ts';
import { buildTypedValueSql } from '../../models/entity-checks.ts';

/** The instant the inbox loads for a timestamp cell holding `text`. */
async function inboxInstant(text: string, timeZone: string): Promise<string> {
  const warehouse = await Warehouse.open(':memory:', { timezone: timeZone, migrate: false });
  try {
    const typed = buildTypedValueSql({ name: 'cell', type: 'timestamp', required: true });
    const [row] = await warehouse.all<{ t: Date }>(`select ${typed} as t from (select $1::varchar as cell)`, [text]);
    return row!.t.toISOString();
  } finally {
    await warehouse.close();
  }
}

describe('--as-of', () => {
  it.each([
    // a fraction of a second without an offset: Shanghai noon, whatever the machine's zone
    ['2026-11-18T12:00:00.000', 'Asia/Shanghai', '2026-11-18T04:00:00.000Z'],
    ['2026-11-18 12:00:00.5', 'Asia/Shanghai', '2026-11-18T04:00:00.500Z'],
    ['2026-11-18', 'Asia/Shanghai', '2026-11-17T16:00:00.000Z'],
    ['2026-11-18T12:00', 'America/New_York', '2026-11-18T17:00:00.000Z'],
    // the hour New York's clocks skip (02:30 does not exist on 8 March) and the one they repeat
    ['2026-03-08T02:30:00', 'America/New_York', '2026-03-08T07:30:00.000Z'],
    ['2026-11-01T01:30:00', 'America/New_York', '2026-11-01T06:30:00.000Z'],
    // offsets decide, the zone does not
    ['2026-11-18T12:00:00-05', 'Asia/Shanghai', '2026-11-18T17:00:00.000Z'],
    ['2026-11-18T12:00:00+0530', 'Asia/Shanghai', '2026-11-18T06:30:00.000Z'],
    ['2026-11-18T12:00:00Z', 'America/New_York', '2026-11-18T12:00:00.000Z'],
    // RFC 3339 allows lower-case t and z
    ['2026-11-18t12:00:00z', 'America/New_York', '2026-11-18T12:00:00.000Z'],
  ])('%s in %s is %s, the instant the inbox reads from the same text', async (text, zone, expected) => {
    expect((await parseAsOf(text, zone)).toISOString()).toBe(expected);
    expect(await inboxInstant(text, zone)).toBe(expected);
  });

  // (+99 and +24:00 are offsets no clock has: DuckDB read +99 as 99 hours, moving a typo for +08 by days)
  it.each([
    ['2026-13-01', /^--as-of '2026-13-01': 13 is no month \(01 to 12\)$/],
    ['2026-02-30T00:00:00+08:00', /^--as-of '2026-02-30T00:00:00\+08:00': 2026-02-30 is no calendar date \(2026-02 has 28 days\)$/],
    ['2028-02-30', /2028-02-30 is no calendar date \(2028-02 has 29 days\)$/],
    ['2026-11-31', /2026-11-31 is no calendar date \(2026-11 has 30 days\)$/],
  ])('names the day that does not exist in %j', async (text, reason) => {
    await expect(parseAsOf(text, 'Asia/Shanghai')).rejects.toThrow(reason);
  });

  it.each(['2026-11-20T25:00', 'yesterday', '2026-11-20 CST', 'epoch', '', '2026-11-16T10:00:00+99', '2026-11-16T10:00:00+24:00', '2026-11-16T10:00:00+08:60'])(
    'refuses %j with the reason',
    async (text) => {
      await expect(parseAsOf(text, 'Asia/Shanghai')).rejects.toThrow(/is not an ISO 8601 timestamp/);
    },
  );
});
