/**
 * What the merchandising dashboard reads: the listing-flags mart (one row per SKU with orders in the
 * window) and the product titles (not in a mart yet, see mart-gap-queries.ts).
 */
import type { Warehouse } from '../../pipelines/core/warehouse.ts';
import type { ListingFlagRow } from '../mart-rows.ts';
import { queryProductTitles } from '../shared/mart-gap-queries.ts';

export interface ListingRow extends ListingFlagRow {
  title: string;
}

export async function queryListingFlags(warehouse: Warehouse): Promise<ListingFlagRow[]> {
  return warehouse.all<ListingFlagRow>(
    `select sku, category, iso_local(window_start) as window_start, iso_local(window_end) as window_end,
       orders::integer as orders, nad_orders::integer as nad_orders, nad_rate, category_rate, p_value, q_value, flagged, top_excerpt
     from mart_listing_flags
     order by sku`,
  );
}

export async function queryListings(warehouse: Warehouse): Promise<ListingRow[]> {
  const titles = await queryProductTitles(warehouse);
  return (await queryListingFlags(warehouse)).map((row) => ({ ...row, title: titles.get(row.sku) ?? '' }));
}
