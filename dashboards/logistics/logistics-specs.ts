/**
 * Vega-Lite specs of the logistics dashboard: breakage per carrier with Wilson intervals against the
 * target, per-carrier weekly breakage and on-time trends, the delay distribution, and breakage heat maps
 * by lane and by carrier × product category.
 */
import type { TopLevelSpec } from 'vega-lite';
import { COLORS, createSpecFrame, type LayerItem } from '../shared/chart-theme.ts';
import { CARRIER_TEST, CATEGORY_TEST, WEEK_RANGE_TEST, buildFilterParams, type FilterState } from '../shared/filters.ts';
import type { Labels } from '../shared/labels.ts';

interface SpecInput<Row> {
  rows: readonly Row[];
  labels: Labels;
  state: FilterState;
  targetPer1000: number;
}

/** A corrective action on a carrier, marked in the week it was implemented. */
export interface CarrierActionMarker {
  carrier: string;
  week: string;
  action_id: string;
  action_label: string;
  cause_label: string;
  implemented_at: string;
}

export interface CarrierWeekChartRow {
  carrier: string;
  week: string;
  delivered_shipments: number;
  damaged_shipments: number;
  breakage_per_1000: number;
  breakage_ci_low_per_1000: number;
  breakage_ci_high_per_1000: number;
  on_time_rate: number;
  avg_delay_hours: number | null;
  flagged: boolean;
}

export interface BreakageCellRow {
  carrier: string;
  week: string;
  /** The heat map's row and column keys (origin × destination, or carrier × category). */
  row_key: string;
  column_key: string;
  delivered_shipments: number;
  damaged_shipments: number;
}

export interface DelayChartRow {
  carrier: string;
  week: string;
  delay_bin: number;
  delay_label: string;
  late_shipments: number;
}

const Z = 1.959963984540054;

/**
 * The 95 % Wilson bound per 1,000 of the summed counts, as a Vega expression over `damaged` and
 * `delivered`: the mart's wilson_low / wilson_high (sql/macros/statistics.sql) re-applied to the selected
 * weeks, in the same cancellation-free form. With b = z·√(x(n − x)/n + z²/4), the lower bound is
 * x² / (n(x + z²/2 + b)), exactly 0 at x = 0, and the upper one 1 − the lower bound of n − x. The
 * textbook (centre − half) form leaves ~1e-16 at x = 0, which would paint a carrier without damage
 * "over" a target of 0 that the mart does not flag.
 */
function wilsonExpression(bound: 'low' | 'high'): string {
  const n = 'datum.delivered';
  const x = 'datum.damaged';
  const z2 = Z * Z;
  const b = `(${Z} * sqrt(${x} * (${n} - ${x}) / ${n} + ${z2} / 4))`;
  const lowerBoundOf = (count: string) => `(${count}) * (${count}) / (${n} * ((${count}) + ${z2} / 2 + ${b}))`;
  const value = bound === 'low' ? lowerBoundOf(x) : `1 - ${lowerBoundOf(`${n} - ${x}`)}`;
  return `${n} > 0 ? 1000 * max(0, min(1, ${value})) : null`;
}

function numberLiteral(value: number): string {
  return Number.isFinite(value) ? String(value) : '0';
}

/** A dashed horizontal rule at the target, from its own one-row data set. */
function buildTargetRule(labels: Labels, targetPer1000: number): LayerItem {
  const target = { target: targetPer1000, label: `${labels.logistics.target} ${targetPer1000}` };
  const y = { field: 'target', type: 'quantitative' } as const;
  return {
    data: { values: [target] },
    layer: [
      {
        mark: { type: 'rule', strokeDash: [6, 4], color: COLORS.target, strokeWidth: 1.5 },
        encoding: { y, tooltip: [{ field: 'target', type: 'quantitative', title: labels.logistics.target }] },
      },
      // named on the line itself: a dashed line without a word was read as one more carrier
      {
        mark: { type: 'text', align: 'right', baseline: 'bottom', dy: -2, x: 'width', color: COLORS.target, fontSize: 10 },
        encoding: { y, text: { field: 'label', type: 'nominal' }, tooltip: [{ field: 'target', type: 'quantitative', title: labels.logistics.target }] },
      },
    ],
  };
}

/** The last RECENT_WEEKS weeks up to the "to" week (weeks are named by their Monday, YYYY-MM-DD in UTC terms). */
const RECENT_WEEKS = 4;
const RECENT_WEEK_TEST = `datum.week > utcFormat(utcOffset('week', toDate(weekTo), -${RECENT_WEEKS}), '%Y-%m-%d')`;

/**
 * Breakage per 1,000 per carrier over the selected weeks, with Wilson error bars and the target line.
 * `markRecent`: the diamond for the range's last weeks (left out where the range is one week, as in the review).
 */
export function buildCarrierBreakageSpec({
  rows,
  labels,
  state,
  targetPer1000,
  markRecent = true,
}: SpecInput<CarrierWeekChartRow> & { markRecent?: boolean }): TopLevelSpec {
  const f = labels.field;
  const tooltip = [
    { field: 'carrier', type: 'nominal', title: f.carrier },
    { field: 'delivered', type: 'quantitative', title: f.delivered },
    { field: 'damaged', type: 'quantitative', title: f.damaged },
    { field: 'breakage_per_1000', type: 'quantitative', title: f.breakagePer1000, format: '.1f' },
    { field: 'ci_low', type: 'quantitative', title: f.ciLow, format: '.1f' },
    { field: 'ci_high', type: 'quantitative', title: f.ciHigh, format: '.1f' },
    { field: 'recent_per_1000', type: 'quantitative', title: f.recentBreakagePer1000, format: '.1f' },
    { field: 'recent_delivered', type: 'quantitative', title: f.recentDelivered },
  ] as const;
  const x = {
    field: 'carrier',
    type: 'nominal',
    title: f.carrier,
    sort: { field: 'breakage_per_1000', op: 'max', order: 'descending' },
    axis: { labelAngle: 0 },
  } as const;
  const recentDiamonds: LayerItem = {
    transform: [{ filter: 'isValid(datum.recent_per_1000)' }],
    mark: { type: 'point', shape: 'diamond', filled: true, size: 90, color: COLORS.warn, stroke: 'white', strokeWidth: 1 },
    encoding: { x, y: { field: 'recent_per_1000', type: 'quantitative' }, tooltip: [...tooltip] },
  };
  return {
    ...createSpecFrame({ carrier_weekly: rows }),
    params: buildFilterParams(['week-from', 'week-to', 'carrier'], state),
    layer: [
      {
        data: { name: 'carrier_weekly' },
        transform: [
          { filter: WEEK_RANGE_TEST },
          { filter: CARRIER_TEST },
          // The range's last weeks on their own: over a quarter, a carrier fixed two months ago still
          // reads red (12.0 per 1,000 over the range, 1.4 since its action, in the demo).
          { calculate: RECENT_WEEK_TEST, as: 'is_recent' },
          { calculate: 'datum.is_recent ? datum.delivered_shipments : 0', as: 'recent_delivered_shipments' },
          { calculate: 'datum.is_recent ? datum.damaged_shipments : 0', as: 'recent_damaged_shipments' },
          {
            aggregate: [
              { op: 'sum', field: 'delivered_shipments', as: 'delivered' },
              { op: 'sum', field: 'damaged_shipments', as: 'damaged' },
              { op: 'sum', field: 'recent_delivered_shipments', as: 'recent_delivered' },
              { op: 'sum', field: 'recent_damaged_shipments', as: 'recent_damaged' },
            ],
            groupby: ['carrier'],
          },
          { calculate: '1000 * datum.damaged / datum.delivered', as: 'breakage_per_1000' },
          { calculate: 'datum.recent_delivered > 0 ? 1000 * datum.recent_damaged / datum.recent_delivered : null', as: 'recent_per_1000' },
          { calculate: wilsonExpression('low'), as: 'ci_low' },
          { calculate: wilsonExpression('high'), as: 'ci_high' },
          { calculate: `datum.ci_low > ${numberLiteral(targetPer1000)}`, as: 'is_over_target' },
        ],
        layer: [
          {
            mark: { type: 'bar', width: { band: 0.6 } },
            encoding: {
              x,
              y: { field: 'breakage_per_1000', type: 'quantitative', title: f.breakagePer1000 },
              color: { condition: { test: 'datum.is_over_target', value: COLORS.alert }, value: COLORS.primary },
              tooltip: [...tooltip],
            },
          },
          {
            mark: { type: 'rule', color: '#2c3e50', strokeWidth: 1.5 },
            encoding: { x, y: { field: 'ci_low', type: 'quantitative' }, y2: { field: 'ci_high' }, tooltip: [...tooltip] },
          },
          {
            mark: { type: 'tick', color: '#2c3e50', thickness: 1.5, size: 14 },
            encoding: { x, y: { field: 'ci_high', type: 'quantitative' }, tooltip: [...tooltip] },
          },
          {
            mark: { type: 'tick', color: '#2c3e50', thickness: 1.5, size: 14 },
            encoding: { x, y: { field: 'ci_low', type: 'quantitative' }, tooltip: [...tooltip] },
          },
          ...(markRecent ? [recentDiamonds] : []),
        ],
      },
      buildTargetRule(labels, targetPer1000),
    ],
  };
}

/** Weekly breakage per carrier with its interval as a band. */
export function buildBreakageTrendSpec({
  rows,
  actions,
  labels,
  state,
  targetPer1000,
}: SpecInput<CarrierWeekChartRow> & { actions: readonly CarrierActionMarker[] }): TopLevelSpec {
  const f = labels.field;
  const x = { field: 'week', type: 'ordinal', title: f.week, axis: { labelAngle: -45 } } as const;
  const color = { field: 'carrier', type: 'nominal', title: f.carrier } as const;
  const tooltip = [
    { field: 'carrier', type: 'nominal', title: f.carrier },
    { field: 'week', type: 'ordinal', title: f.week },
    { field: 'delivered_shipments', type: 'quantitative', title: f.delivered },
    { field: 'damaged_shipments', type: 'quantitative', title: f.damaged },
    { field: 'breakage_per_1000', type: 'quantitative', title: f.breakagePer1000, format: '.1f' },
    { field: 'breakage_ci_low_per_1000', type: 'quantitative', title: f.ciLow, format: '.1f' },
    { field: 'breakage_ci_high_per_1000', type: 'quantitative', title: f.ciHigh, format: '.1f' },
    { field: 'flagged', type: 'nominal', title: f.flagged },
  ] as const;
  return {
    ...createSpecFrame({ carrier_weekly: rows, carrier_actions: actions }),
    params: buildFilterParams(['week-from', 'week-to', 'carrier'], state),
    layer: [
      // each corrective action on a carrier in the week it took effect: did the line move after it?
      {
        data: { name: 'carrier_actions' },
        transform: [{ filter: WEEK_RANGE_TEST }, { filter: CARRIER_TEST }],
        layer: [
          {
            mark: { type: 'rule', strokeDash: [2, 3], color: COLORS.muted, strokeWidth: 1.5 },
            encoding: {
              x,
              tooltip: [
                { field: 'action_label', type: 'nominal', title: f.action },
                { field: 'carrier', type: 'nominal', title: f.carrier },
                { field: 'cause_label', type: 'nominal', title: f.cause },
                { field: 'implemented_at', type: 'nominal', title: f.implemented },
              ],
            },
          },
          {
            // along the line, from the top down: actions a week apart would write over each other across
            mark: { type: 'text', y: 0, angle: 270, align: 'right', baseline: 'bottom', dy: -2, color: COLORS.muted, fontSize: 10 },
            encoding: { x, text: { field: 'action_id', type: 'nominal' }, tooltip: [{ field: 'action_label', type: 'nominal', title: f.action }] },
          },
        ],
      },
      {
        data: { name: 'carrier_weekly' },
        transform: [{ filter: WEEK_RANGE_TEST }, { filter: CARRIER_TEST }],
        layer: [
          {
            mark: { type: 'area', opacity: 0.15 },
            encoding: {
              x,
              y: { field: 'breakage_ci_low_per_1000', type: 'quantitative', title: f.breakagePer1000 },
              y2: { field: 'breakage_ci_high_per_1000' },
              // the legend comes from the lines: the pale bands made every carrier's swatch the same grey.
              // `fill`, not `color`, so a band's legend can be left out without disabling the lines' one;
              // both scales list the same carriers in the same order, so each band takes its line's colour.
              fill: { ...color, legend: null },
              tooltip: [...tooltip],
            },
          },
          {
            mark: { type: 'line', point: true },
            encoding: {
              x,
              y: { field: 'breakage_per_1000', type: 'quantitative' },
              color,
              tooltip: [...tooltip],
            },
          },
        ],
      },
      buildTargetRule(labels, targetPer1000),
    ],
  };
}

/** Weekly on-time rate per carrier. */
export function buildOnTimeSpec({ rows, labels, state }: Omit<SpecInput<CarrierWeekChartRow>, 'targetPer1000'>): TopLevelSpec {
  const f = labels.field;
  return {
    ...createSpecFrame({ carrier_weekly: rows }),
    params: buildFilterParams(['week-from', 'week-to', 'carrier'], state),
    data: { name: 'carrier_weekly' },
    transform: [{ filter: WEEK_RANGE_TEST }, { filter: CARRIER_TEST }],
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'week', type: 'ordinal', title: f.week, axis: { labelAngle: -45 } },
      y: { field: 'on_time_rate', type: 'quantitative', title: f.onTimeRate, axis: { format: '.0%' } },
      color: { field: 'carrier', type: 'nominal', title: f.carrier },
      tooltip: [
        { field: 'carrier', type: 'nominal', title: f.carrier },
        { field: 'week', type: 'ordinal', title: f.week },
        { field: 'delivered_shipments', type: 'quantitative', title: f.delivered },
        { field: 'on_time_rate', type: 'quantitative', title: f.onTimeRate, format: '.1%' },
        { field: 'avg_delay_hours', type: 'quantitative', title: f.avgDelayHours, format: '.1f' },
      ],
    },
  };
}

/** Late shipments by hours late, stacked by carrier. */
export function buildDelayDistributionSpec({ rows, labels, state }: Omit<SpecInput<DelayChartRow>, 'targetPer1000'>): TopLevelSpec {
  const f = labels.field;
  return {
    ...createSpecFrame({ delay_weekly: rows }),
    params: buildFilterParams(['week-from', 'week-to', 'carrier'], state),
    data: { name: 'delay_weekly' },
    transform: [
      { filter: WEEK_RANGE_TEST },
      { filter: CARRIER_TEST },
      { aggregate: [{ op: 'sum', field: 'late_shipments', as: 'late_shipments' }], groupby: ['carrier', 'delay_bin', 'delay_label'] },
    ],
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'delay_label', type: 'ordinal', title: f.delayHours, sort: { field: 'delay_bin', op: 'min', order: 'ascending' }, axis: { labelAngle: 0 } },
      y: { field: 'late_shipments', type: 'quantitative', title: f.lateShipments },
      color: { field: 'carrier', type: 'nominal', title: f.carrier },
      tooltip: [
        { field: 'carrier', type: 'nominal', title: f.carrier },
        { field: 'delay_label', type: 'ordinal', title: f.delayHours },
        { field: 'late_shipments', type: 'quantitative', title: f.lateShipments },
      ],
    },
  };
}

/**
 * A heat map of breakage per 1,000 over the selected weeks: rows × columns (origin × destination, or
 * carrier × category), the rate printed in each cell. The colour is the lower end of the rate's 95 %
 * Wilson interval (as mart_carrier_weekly's flag uses), not the rate: a lane with 2 damaged of 36 would
 * otherwise glow darkest beside lanes of thousands of parcels, on the strength of two parcels.
 */
export function buildBreakageHeatmapSpec(
  { rows, labels, state }: Omit<SpecInput<BreakageCellRow>, 'targetPer1000'>,
  axes: { dataset: string; rowTitle: string; columnTitle: string; filters: ('carrier' | 'category')[] },
): TopLevelSpec {
  const f = labels.field;
  const tooltip = [
    { field: 'row_key', type: 'nominal', title: axes.rowTitle },
    { field: 'column_key', type: 'nominal', title: axes.columnTitle },
    { field: 'delivered', type: 'quantitative', title: f.delivered },
    { field: 'damaged', type: 'quantitative', title: f.damaged },
    { field: 'breakage_per_1000', type: 'quantitative', title: f.breakagePer1000, format: '.1f' },
    { field: 'ci_low_per_1000', type: 'quantitative', title: f.ciLow, format: '.1f' },
  ] as const;
  const x = { field: 'column_key', type: 'nominal', title: axes.columnTitle, axis: { labelAngle: -30 } } as const;
  // busiest rows on top: where most parcels go, a rate means most
  const y = { field: 'row_key', type: 'nominal', title: axes.rowTitle, sort: { field: 'delivered', op: 'sum', order: 'descending' } } as const;
  const tests = { carrier: CARRIER_TEST, category: CATEGORY_TEST };
  return {
    ...createSpecFrame({ [axes.dataset]: rows }, { width: { step: 48 }, height: { step: 30 } }),
    params: buildFilterParams(['week-from', 'week-to', ...axes.filters], state),
    data: { name: axes.dataset },
    transform: [
      { filter: WEEK_RANGE_TEST },
      ...axes.filters.map((filter) => ({ filter: tests[filter] })),
      {
        aggregate: [
          { op: 'sum', field: 'delivered_shipments', as: 'delivered' },
          { op: 'sum', field: 'damaged_shipments', as: 'damaged' },
        ],
        groupby: ['row_key', 'column_key'],
      },
      { calculate: '1000 * datum.damaged / datum.delivered', as: 'breakage_per_1000' },
      // Wilson score interval, 95 % (z = 1.959964): its lower end, per 1,000
      {
        calculate:
          '1000 * (datum.damaged / datum.delivered + 1.959964 * 1.959964 / (2 * datum.delivered) - 1.959964 * sqrt((datum.damaged / datum.delivered) * (1 - datum.damaged / datum.delivered) / datum.delivered + 1.959964 * 1.959964 / (4 * datum.delivered * datum.delivered))) / (1 + 1.959964 * 1.959964 / datum.delivered)',
        as: 'ci_low_per_1000',
      },
    ],
    layer: [
      {
        mark: { type: 'rect' },
        encoding: {
          x,
          y,
          // the legend on top: beside a map of many columns it was scrolled out of sight
          color: { field: 'ci_low_per_1000', type: 'quantitative', title: f.ciLow, scale: { scheme: 'orangered', domainMin: 0 }, legend: { orient: 'top' } },
          tooltip: [...tooltip],
        },
      },
      {
        mark: { type: 'text', fontSize: 11 },
        encoding: {
          x,
          y,
          text: { field: 'breakage_per_1000', type: 'quantitative', format: '.1f' },
          color: { condition: { test: 'datum.ci_low_per_1000 > 20', value: 'white' }, value: 'black' },
          tooltip: [...tooltip],
        },
      },
    ],
  };
}
