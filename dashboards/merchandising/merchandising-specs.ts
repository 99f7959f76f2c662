/**
 * Vega-Lite specs of the merchandising dashboard: the tested listings' "not as described" rate against
 * their category, and the funnel plot of rate against orders with the category's control limits.
 */
import type { TopLevelSpec } from 'vega-lite';
import { COLORS, createSpecFrame, type LayerItem } from '../shared/chart-theme.ts';
import { CATEGORY_TEST, buildFilterParams, type FilterState } from '../shared/filters.ts';
import type { Labels } from '../shared/labels.ts';
import type { FunnelLimitPoint } from './funnel-limits.ts';

export interface ListingChartRow {
  sku: string;
  sku_label: string;
  title: string;
  category: string;
  orders: number;
  nad_orders: number;
  nad_rate: number;
  category_rate: number | null;
  p_value: number | null;
  q_value: number | null;
  flagged: boolean;
  excerpt: string;
  /** Among the tested listings, by q, then p, then SKU (1 = strongest evidence); 0 for untested ones. */
  rank: number;
  /** The same within the listing's category. */
  category_rank: number;
}

interface SpecInput<Row> {
  rows: readonly Row[];
  labels: Labels;
  state: FilterState;
}

function buildListingTooltip(labels: Labels) {
  const f = labels.field;
  return [
    { field: 'sku', type: 'nominal', title: f.sku },
    { field: 'title', type: 'nominal', title: f.title },
    { field: 'category', type: 'nominal', title: f.category },
    { field: 'orders', type: 'quantitative', title: f.orders },
    { field: 'nad_orders', type: 'quantitative', title: f.nadOrders },
    { field: 'nad_rate', type: 'quantitative', title: f.nadRate, format: '.2%' },
    { field: 'category_rate', type: 'quantitative', title: f.categoryRate, format: '.2%' },
    { field: 'q_value', type: 'quantitative', title: f.qValue, format: '.2g' },
    { field: 'excerpt', type: 'nominal', title: f.excerpt },
  ] as const;
}

/** Flagged colour: red for flagged listings. */
function buildFlagColor() {
  return { condition: { test: 'datum.flagged', value: COLORS.alert }, value: COLORS.primary } as const;
}

/** Each listing's rate (dot) against its category's rate (tick), most suspicious first. */
export function buildListingRatesSpec({ rows, shown, labels, state }: SpecInput<ListingChartRow> & { shown: number }): TopLevelSpec {
  const f = labels.field;
  const y = {
    field: 'sku_label',
    type: 'nominal',
    title: f.sku,
    sort: { field: 'rank', op: 'min', order: 'ascending' },
    axis: { labelLimit: 220 },
  } as const;
  const tooltip = buildListingTooltip(labels);
  // Every tested listing is embedded so the category filter can pick its own first `shown`; the flagged
  // ones always show. One x domain for all, so an empty category draws an empty frame, not an error.
  const rates = rows.flatMap((row) => [row.nad_rate, row.category_rate ?? 0]);
  const x = { scale: { domain: [0, Math.max(0.01, ...rates)] } };
  return {
    // sized for the most rows a selection shows (a step height would drop the page's fit to its width)
    ...createSpecFrame({ tested_listings: rows }, { height: Math.max(80, 22 * Math.min(rows.length, shown + rows.filter((row) => row.flagged).length)) }),
    params: buildFilterParams(['category'], state),
    data: { name: 'tested_listings' },
    transform: [{ filter: CATEGORY_TEST }, { filter: `datum.flagged || (category === '' ? datum.rank : datum.category_rank) <= ${shown}` }],
    layer: [
      {
        mark: { type: 'rule', color: COLORS.muted },
        encoding: { y, x: { field: 'category_rate', type: 'quantitative', ...x }, x2: { field: 'nad_rate' }, tooltip: [...tooltip] },
      },
      {
        mark: { type: 'tick', color: COLORS.target, thickness: 2 },
        encoding: { y, x: { field: 'category_rate', type: 'quantitative', ...x }, tooltip: [...tooltip] },
      },
      {
        mark: { type: 'point', filled: true, size: 70 },
        encoding: {
          y,
          x: { field: 'nad_rate', type: 'quantitative', title: f.nadRate, axis: { format: '.0%' }, ...x },
          color: buildFlagColor(),
          tooltip: [...tooltip],
        },
      },
    ],
  };
}

/** Funnel plot: listings by orders (log) and rate, with each category's centre and 95 % / 99.8 % limits. */
export function buildFunnelSpec({ rows, limits, labels, state }: SpecInput<ListingChartRow> & { limits: readonly FunnelLimitPoint[] }): TopLevelSpec {
  const f = labels.field;
  const x = { field: 'orders', type: 'quantitative', title: f.orders, scale: { type: 'log' } } as const;
  const limitLine = (field: keyof FunnelLimitPoint, title: string, dash: number[]): LayerItem => ({
    mark: { type: 'line', color: COLORS.target, strokeDash: dash, strokeWidth: 1 },
    encoding: {
      x,
      y: { field, type: 'quantitative', title: f.nadRate },
      detail: { field: 'category', type: 'nominal' },
      // one category's curves at a time: with every category's drawn at once, nobody could tell which
      // curve belonged to which dot (hidden, not filtered out: an empty layer left the scales no extent)
      strokeOpacity: { condition: { test: "category === ''", value: 0 }, value: 1 },
      tooltip: [
        { field: 'category', type: 'nominal', title: f.category },
        { field: 'orders', type: 'quantitative', title: f.orders, format: ',.0f' },
        { field, type: 'quantitative', title, format: '.2%' },
      ],
    },
  });
  return {
    ...createSpecFrame({ listing_rates: rows, funnel_limits: limits }),
    params: buildFilterParams(['category'], state),
    layer: [
      {
        data: { name: 'funnel_limits' },
        transform: [{ filter: CATEGORY_TEST }],
        layer: [
          limitLine('upper998', labels.merchandising.limit998, [2, 2]),
          limitLine('upper95', labels.merchandising.limit95, [6, 3]),
          limitLine('centre', labels.merchandising.categoryRate, []),
          limitLine('lower95', labels.merchandising.limit95, [6, 3]),
        ],
      },
      {
        data: { name: 'listing_rates' },
        transform: [{ filter: CATEGORY_TEST }],
        mark: { type: 'point', filled: true, size: 70, opacity: 0.85 },
        encoding: {
          x,
          y: { field: 'nad_rate', type: 'quantitative', title: f.nadRate, axis: { format: '.0%' } },
          color: buildFlagColor(),
          tooltip: [...buildListingTooltip(labels)],
        },
      },
    ],
  };
}
