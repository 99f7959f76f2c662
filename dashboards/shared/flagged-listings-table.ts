/**
 * The flagged-listings table ("not as described" SKUs over their category), shared by the
 * merchandising dashboard and the weekly review so both list the same SKUs in the same order with the
 * same columns and formatting; the review adds the related corrective actions after these columns.
 */
import type { ListingFlagRow } from '../mart-rows.ts';
import type { TableColumn } from './dashboard-types.ts';
import type { Formatter } from './format.ts';
import { compareText } from './compare-text.ts';
import type { Labels } from './labels.ts';

/** A listing-flags row with its product title (merchandising-queries.ts joins it). */
type ListingRow = ListingFlagRow & { title: string };

/**
 * The flagged SKUs, strongest evidence (lowest q-value) first, then by SKU in code-point order: the
 * order the headline names them in (headline.ts), whatever the machine's locale.
 */
export function selectFlaggedListings<Row extends ListingRow>(listings: readonly Row[]): Row[] {
  return listings.filter((row) => row.flagged).sort((a, b) => (a.q_value ?? 1) - (b.q_value ?? 1) || compareText(a.sku, b.sku));
}

export function buildFlaggedListingColumns(labels: Labels): TableColumn[] {
  const f = labels.field;
  return [
    { header: f.sku, wrap: 'never' },
    { header: f.title },
    { header: f.category },
    { header: f.orders, numeric: true },
    { header: f.nadOrders, numeric: true },
    { header: f.nadRate, numeric: true },
    { header: f.categoryRate, numeric: true },
    { header: f.rateMultiple, numeric: true },
    { header: f.qValue, numeric: true },
    { header: f.excerpt },
  ];
}

export function buildFlaggedListingRow(row: ListingRow, format: Formatter): string[] {
  return [
    row.sku,
    row.title,
    row.category ?? '–',
    format.count(row.orders),
    format.count(row.nad_orders),
    format.percent(row.nad_rate),
    format.percent(row.category_rate),
    row.category_rate ? `${format.decimal(row.nad_rate / row.category_rate, 1)}×` : '–',
    format.probability(row.q_value),
    row.top_excerpt ?? '',
  ];
}
