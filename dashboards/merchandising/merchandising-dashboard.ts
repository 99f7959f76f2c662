/**
 * The merchandiser's page: which listings draw "not as described" complaints well beyond their category
 * (the flags, with a customer's own words), and a funnel plot so volume and rate read together.
 */
import type { Dashboard, DashboardContext, TableDefinition } from '../shared/dashboard-types.ts';
import { buildFilterControls, createInitialFilterState } from '../shared/filters.ts';
import { compareText } from '../shared/compare-text.ts';
import { buildFlaggedListingColumns, buildFlaggedListingRow, selectFlaggedListings } from '../shared/flagged-listings-table.ts';
import { computeFunnelLimits } from './funnel-limits.ts';
import type { ListingRow } from './merchandising-queries.ts';
import { buildFunnelSpec, buildListingRatesSpec, type ListingChartRow } from './merchandising-specs.ts';

/** How many tested listings the rate chart shows (flagged ones always). */
const RATE_CHART_LISTINGS = 15;

export function assembleMerchandisingDashboard(listings: readonly ListingRow[], context: DashboardContext): Dashboard {
  const { labels } = context;
  const state = createInitialFilterState([], context.reportWeek);
  const categories = [...new Set(listings.map((row) => row.category ?? '?'))].sort();
  const rows: ListingChartRow[] = listings.map((row) => ({
    sku: row.sku,
    sku_label: row.title ? `${row.sku} ${row.title}` : row.sku,
    title: row.title,
    category: row.category ?? '?',
    orders: row.orders,
    nad_orders: row.nad_orders,
    nad_rate: row.nad_rate,
    category_rate: row.category_rate,
    p_value: row.p_value,
    q_value: row.q_value,
    flagged: row.flagged,
    excerpt: row.top_excerpt ?? '',
    rank: 0,
    category_rank: 0,
  }));
  const limits = computeFunnelLimits(rows.map((row) => ({ category: row.category, orders: row.orders, nad_orders: row.nad_orders })));
  const input = { labels, state };
  return {
    id: 'merchandising',
    title: labels.dashboards.merchandising.title,
    question: labels.dashboards.merchandising.question,
    filters: buildFilterControls(['category'], state, labels, { categories }),
    sections: [
      buildFlaggedTable(listings, context),
      {
        kind: 'chart',
        id: 'listing-rates',
        ...labels.merchandising.rates,
        spec: buildListingRatesSpec({ rows: rankTestedListings(rows), shown: RATE_CHART_LISTINGS, ...input }),
      },
      { kind: 'chart', id: 'funnel', ...labels.merchandising.funnel, spec: buildFunnelSpec({ rows, limits, ...input }) },
    ],
  };
}

/**
 * The tested listings (those with a q-value), strongest evidence first, ranked overall and within their
 * category: the chart shows the first RATE_CHART_LISTINGS of the category the filter selects. With many
 * SKUs tested, Benjamini–Hochberg lifts most q-values to exactly 1, so p breaks those ties: the near
 * misses come before SKUs with nothing to show, not in SKU order.
 */
export function rankTestedListings(rows: readonly ListingChartRow[]): ListingChartRow[] {
  const tested = rows
    .filter((row) => row.q_value !== null)
    .sort((a, b) => a.q_value! - b.q_value! || (a.p_value ?? 1) - (b.p_value ?? 1) || compareText(a.sku, b.sku));
  const perCategory = new Map<string, number>();
  return tested.map((row, i) => {
    const categoryRank = (perCategory.get(row.category) ?? 0) + 1;
    perCategory.set(row.category, categoryRank);
    return { ...row, rank: i + 1, category_rank: categoryRank };
  });
}

function buildFlaggedTable(listings: readonly ListingRow[], { labels, format }: DashboardContext): TableDefinition {
  return {
    kind: 'table',
    id: 'flagged-listings',
    ...labels.merchandising.flagged,
    columns: buildFlaggedListingColumns(labels),
    rows: selectFlaggedListings(listings).map((row) => buildFlaggedListingRow(row, format)),
  };
}
