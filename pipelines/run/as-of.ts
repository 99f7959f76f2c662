/**
 * `--as-of` text → the instant it names, read exactly as the inbox reads a timestamp: the same SQL
 * (models/entity-checks.ts) in a DuckDB session set to the configured zone. Text without an offset is
 * local time there, with ICU's rule for the hour a DST change skips or repeats, so an as_of and a record
 * stamped with the same text are the same instant and the record is included (CONTRACT §5: only what is
 * after as_of has not happened). A second parser in JavaScript disagreed with the inbox: it read a
 * fraction of a second without an offset in the machine's zone, placed DST gap and overlap times an
 * hour apart from the inbox, and refused `-05`.
 */
import { inputError } from '../core/errors.ts';
import { Warehouse } from '../core/warehouse.ts';
import { buildTypedValueSql } from '../../models/entity-checks.ts';

export async function parseAsOf(text: string, timeZone: string): Promise<Date> {
  const warehouse = await Warehouse.open(':memory:', { timezone: timeZone, migrate: false });
  try {
    const typed = buildTypedValueSql({ name: 'as_of_text', type: 'timestamp', required: true });
    const [row] = await warehouse.all<{ instant: Date | null }>(`select ${typed} as instant from (select $1::varchar as as_of_text)`, [text]);
    const instant = row?.instant;
    if (!(instant instanceof Date) || Number.isNaN(instant.getTime())) {
      const missingDay = describeMissingDay(text);
      if (missingDay) throw inputError(`--as-of '${text}': ${missingDay}`);
      throw inputError(`'${text}' is not an ISO 8601 timestamp (--as-of: e.g. 2026-11-16T00:00:00+08:00, or without an offset local time in ${timeZone})`);
    }
    return instant;
  } finally {
    await warehouse.close();
  }
}

/** "2026-11-31 is no calendar date (2026-11 has 30 days)" for a well-formed date that does not exist, else null. */
function describeMissingDay(text: string): string | null {
  const match = /^\s*(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12) return `${match[2]} is no month (01 to 12)`;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day < 1 || day > days ? `${match[1]}-${match[2]}-${match[3]} is no calendar date (${match[1]}-${match[2]} has ${days} days)` : null;
}
