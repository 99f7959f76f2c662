/**
 * The one fact the dashboards need that no mart carries yet: product titles. STYLE says dashboards read
 * marts only; until `title` becomes a column of mart_listing_flags, it is read here and nowhere else
 * (test/dashboards/layers.test.ts keeps it that way). A small read (one row per listed SKU), so it
 * costs the render nothing worth a mart of its own.
 */
import type { Warehouse } from '../../pipelines/core/warehouse.ts';

/** Product titles by SKU, for the SKUs of the listing mart. */
export async function queryProductTitles(warehouse: Warehouse): Promise<Map<string, string>> {
  const rows = await warehouse.all<{ sku: string; title: string | null }>(
    `select p.sku, p.title from stg_products p where p.sku in (select sku from mart_listing_flags)`,
  );
  return new Map(rows.map((row) => [row.sku, row.title ?? '']));
}
