/**
 * Names (carriers, SKUs, proposed-action ids) in code-point order: the same order on every machine,
 * whatever its locale, and the same in the headline, the tables and the weekly review.
 * `localeCompare` would follow the machine's locale and interleave 'sku-a' and 'SKU-B' differently
 * from one page to the next.
 * It is also the order DuckDB sorts text in, so lists sorted in SQL and in TypeScript agree.
 */
export const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
