/** JS values from DuckDB rows, the same for plain queries and Kysely's. */

/** BIGINT as a number when exact (counts), else as its decimal text; everything else as is. */
export function normaliseDuckValue(value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  return value;
}

export function normaliseDuckRow(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) out[key] = normaliseDuckValue(value);
  return out;
}
