/**
 * Vega-Lite specs of the quality dashboard: Pareto of causes, cause trend, week-over-week movers,
 * complaints per 1,000 orders as a p-chart with run-rule signals, and corrective actions before/after.
 * Each builder takes rows already labelled (labels are data, never expression text) and the initial
 * filter state, and returns a complete spec with its data inline.
 */
import type { TopLevelSpec } from 'vega-lite';
import { COLORS, VERDICT_COLORS, createSpecFrame, type LayerItem } from '../shared/chart-theme.ts';
import { WEEK_RANGE_TEST, WEEK_TO_TEST, buildFilterParams, type FilterState } from '../shared/filters.ts';
import type { Labels } from '../shared/labels.ts';

export interface LabelledCauseWeek {
  week: string;
  cause_code: string;
  cause_label: string;
  party_label: string;
  complaints: number;
}

export interface MoverRow {
  week: string;
  cause_code: string;
  cause_label: string;
  complaints: number;
  previous_complaints: number;
  wow_change: number;
}

export interface ControlChartRow {
  week: string;
  complaints: number;
  orders: number;
  rate_per_1000: number | null;
  centre_per_1000: number;
  upper_per_1000: number | null;
  lower_per_1000: number | null;
  is_signal: boolean;
  /** Labels of the rules broken, joined; empty when none. */
  signal_rules: string;
  /** One of the history's first weeks: drawn hollow, without limits (control-chart.ts). */
  is_ramp_up: boolean;
  /** Ramp-up, baseline or judged against the baseline, worded. */
  phase: string;
}

export interface ActionChartRow {
  action_id: string;
  action_label: string;
  verdict: string;
  /** The verdict's name, the colour's key: one of the scale's domain. */
  verdict_name: string;
  /** The verdict as the table words it ("effective (early: …)"), for the tooltip. */
  verdict_label: string;
  scope: string;
  before_per_1000: number | null;
  after_per_1000: number | null;
  before_exposures: number;
  after_exposures: number;
  p_value: number | null;
}

export interface SpecInput<Row> {
  rows: readonly Row[];
  labels: Labels;
  state: FilterState;
}

/** Bars of complaints per cause (most first) with the cumulative-share line and the 80 % rule. */
export function buildParetoSpec({ rows, labels, state }: SpecInput<LabelledCauseWeek>): TopLevelSpec {
  const x = {
    field: 'cause_label',
    type: 'nominal',
    sort: { field: 'rank', op: 'min', order: 'ascending' },
    title: labels.field.cause,
    axis: { labelAngle: -30 },
  } as const;
  const tooltip = [
    { field: 'cause_label', type: 'nominal', title: labels.field.cause },
    { field: 'party_label', type: 'nominal', title: labels.field.party },
    { field: 'complaints', type: 'quantitative', title: labels.field.complaints },
    { field: 'share', type: 'quantitative', title: labels.field.share, format: '.1%' },
    { field: 'cumulative_share', type: 'quantitative', title: labels.quality.cumulativeShare, format: '.1%' },
  ] as const;
  return {
    ...createSpecFrame({ cause_weekly: rows }),
    params: buildFilterParams(['week-from', 'week-to'], state),
    data: { name: 'cause_weekly' },
    transform: [
      { filter: WEEK_RANGE_TEST },
      { aggregate: [{ op: 'sum', field: 'complaints', as: 'complaints' }], groupby: ['cause_code', 'cause_label', 'party_label'] },
      { joinaggregate: [{ op: 'sum', field: 'complaints', as: 'total' }] },
      {
        window: [
          { op: 'row_number', as: 'rank' },
          { op: 'sum', field: 'complaints', as: 'running' },
        ],
        sort: [
          { field: 'complaints', order: 'descending' },
          { field: 'cause_code', order: 'ascending' },
        ],
        frame: [null, 0],
      },
      { calculate: 'datum.complaints / datum.total', as: 'share' },
      { calculate: 'datum.running / datum.total', as: 'cumulative_share' },
      // Vital few: the causes needed to reach 80 % (the first one always counts).
      { calculate: '(datum.running - datum.complaints) / datum.total < 0.8', as: 'is_vital' },
    ],
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          x,
          y: { field: 'complaints', type: 'quantitative', title: labels.field.complaints },
          color: { condition: { test: 'datum.is_vital', value: COLORS.alert }, value: COLORS.neutral },
          tooltip: [...tooltip],
        },
      },
      {
        // The cumulative line and the 80 % rule share the right-hand axis.
        layer: [
          {
            mark: { type: 'line', color: '#34495e', point: { color: '#34495e' } },
            encoding: {
              x,
              y: {
                field: 'cumulative_share',
                type: 'quantitative',
                scale: { domain: [0, 1] },
                axis: { format: '.0%', orient: 'right' },
                title: labels.quality.cumulativeShare,
              },
              tooltip: [...tooltip],
            },
          },
          {
            transform: [{ filter: 'datum.rank === 1' }],
            mark: { type: 'rule', strokeDash: [4, 4], color: COLORS.target },
            encoding: { y: { datum: 0.8, type: 'quantitative' }, tooltip: { value: labels.quality.rule80 } },
          },
        ],
      },
    ],
    resolve: { scale: { y: 'independent' } },
  };
}

/** Complaints per cause and week. */
export function buildCauseTrendSpec({ rows, labels, state }: SpecInput<LabelledCauseWeek>): TopLevelSpec {
  return {
    ...createSpecFrame({ cause_weekly: rows }),
    params: buildFilterParams(['week-from', 'week-to'], state),
    data: { name: 'cause_weekly' },
    transform: [{ filter: WEEK_RANGE_TEST }],
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'week', type: 'ordinal', title: labels.field.week, axis: { labelAngle: -45 } },
      y: { field: 'complaints', type: 'quantitative', title: labels.field.complaints },
      color: { field: 'cause_label', type: 'nominal', title: labels.field.cause, scale: { scheme: 'tableau20' } },
      tooltip: [
        { field: 'week', type: 'ordinal', title: labels.field.week },
        { field: 'cause_label', type: 'nominal', title: labels.field.cause },
        { field: 'complaints', type: 'quantitative', title: labels.field.complaints },
      ],
    },
  };
}

/** Change per cause in the "to" week against the week before, biggest rise on top. */
export function buildMoversSpec({ rows, labels, state }: SpecInput<MoverRow>): TopLevelSpec {
  return {
    ...createSpecFrame({ cause_movers: rows }),
    params: buildFilterParams(['week-to'], state),
    data: { name: 'cause_movers' },
    transform: [{ filter: WEEK_TO_TEST }],
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'cause_label', type: 'nominal', sort: { field: 'wow_change', op: 'sum', order: 'descending' }, title: labels.field.cause },
      x: { field: 'wow_change', type: 'quantitative', title: labels.field.wowChange },
      color: { condition: { test: 'datum.wow_change > 0', value: COLORS.alert }, value: COLORS.ok },
      tooltip: [
        { field: 'week', type: 'ordinal', title: labels.field.week },
        { field: 'cause_label', type: 'nominal', title: labels.field.cause },
        { field: 'complaints', type: 'quantitative', title: labels.field.complaints },
        { field: 'previous_complaints', type: 'quantitative', title: labels.site.lastWeek },
        { field: 'wow_change', type: 'quantitative', title: labels.field.wowChange },
      ],
    },
  };
}

/** The p-chart: weekly rate, per-week 3σ limits as steps, the centre line, signals in red. */
export function buildControlChartSpec({ rows, labels, state }: SpecInput<ControlChartRow>): TopLevelSpec {
  const x = { field: 'week', type: 'ordinal', title: labels.field.week, axis: { labelAngle: -45 } } as const;
  const y = (field: string, title: string) => ({ field, type: 'quantitative', title }) as const;
  const tooltip = [
    { field: 'week', type: 'ordinal', title: labels.field.week },
    { field: 'complaints', type: 'quantitative', title: labels.field.complaints },
    { field: 'orders', type: 'quantitative', title: labels.field.orders },
    { field: 'rate_per_1000', type: 'quantitative', title: labels.field.ratePer1000, format: '.2f' },
    { field: 'centre_per_1000', type: 'quantitative', title: labels.quality.centre, format: '.2f' },
    { field: 'upper_per_1000', type: 'quantitative', title: labels.quality.ucl, format: '.2f' },
    { field: 'lower_per_1000', type: 'quantitative', title: labels.quality.lcl, format: '.2f' },
    { field: 'signal_rules', type: 'nominal', title: labels.quality.signal },
    { field: 'phase', type: 'nominal', title: labels.quality.phase },
  ] as const;
  const limit = (field: string, title: string): LayerItem => ({
    mark: { type: 'line', interpolate: 'step', strokeDash: [4, 3], color: COLORS.target },
    encoding: { x, y: y(field, title), tooltip: [...tooltip] },
  });
  // Layers only for what the rows hold: a layer without a value (no week past the ramp-up yet, or no
  // ramp-up week in a long history) gives Vega an infinite extent to warn about.
  const judged = rows.some((row) => !row.is_ramp_up && row.rate_per_1000 !== null);
  const rampUp = rows.some((row) => row.is_ramp_up && row.rate_per_1000 !== null);
  const judgedPoints: LayerItem = {
    transform: [{ filter: '!datum.is_ramp_up' }],
    mark: { type: 'point', filled: true, size: 60 },
    encoding: {
      x,
      y: y('rate_per_1000', labels.field.ratePer1000),
      color: { condition: { test: 'datum.is_signal', value: COLORS.alert }, value: COLORS.primary },
      size: { condition: { test: 'datum.is_signal', value: 140 }, value: 50 },
      tooltip: [...tooltip],
    },
  };
  // the ramp-up weeks: hollow and grey, never a signal (no limits to break)
  const rampUpPoints: LayerItem = {
    transform: [{ filter: 'datum.is_ramp_up' }],
    mark: { type: 'point', filled: false, size: 50, color: COLORS.neutral },
    encoding: { x, y: y('rate_per_1000', labels.field.ratePer1000), tooltip: [...tooltip] },
  };
  return {
    ...createSpecFrame({ control_weekly: rows }),
    params: buildFilterParams(['week-from', 'week-to'], state),
    data: { name: 'control_weekly' },
    transform: [{ filter: WEEK_RANGE_TEST }, { filter: 'isValid(datum.rate_per_1000)' }],
    layer: [
      ...(judged ? [limit('upper_per_1000', labels.field.ratePer1000), limit('lower_per_1000', labels.field.ratePer1000)] : []),
      {
        mark: { type: 'line', color: COLORS.target },
        encoding: { x, y: y('centre_per_1000', labels.field.ratePer1000), tooltip: [...tooltip] },
      },
      {
        mark: { type: 'line', color: COLORS.primary },
        encoding: { x, y: y('rate_per_1000', labels.field.ratePer1000), tooltip: [...tooltip] },
      },
      ...(judged ? [judgedPoints] : []),
      ...(rampUp ? [rampUpPoints] : []),
    ],
  };
}

/** One row per action: a line from the before rate to the after rate, dots coloured by verdict. */
export function buildActionEffectSpec({ rows, labels }: Omit<SpecInput<ActionChartRow>, 'state'>): TopLevelSpec {
  const verdicts = ['effective', 'not_effective', 'insufficient_data', 'pending'];
  // Coloured by the verdict's name, not its wording: an "early" or "the rate rose" note made a value
  // outside the domain, and those marks were drawn without a colour.
  const color = {
    field: 'verdict_name',
    type: 'nominal',
    title: labels.field.verdict,
    scale: { domain: verdicts.map((v) => labels.verdicts[v] ?? v), range: verdicts.map((v) => VERDICT_COLORS[v]!) },
  } as const;
  const yAxis = {
    field: 'action_label',
    type: 'nominal',
    title: labels.field.action,
    sort: { field: 'action_id', op: 'min', order: 'ascending' },
    axis: { labelLimit: 260 },
  } as const;
  const tooltip = [
    { field: 'action_label', type: 'nominal', title: labels.field.action },
    { field: 'scope', type: 'nominal', title: labels.field.scope },
    { field: 'before_per_1000', type: 'quantitative', title: labels.field.beforeRate, format: '.2f' },
    { field: 'after_per_1000', type: 'quantitative', title: labels.field.afterRate, format: '.2f' },
    { field: 'before_exposures', type: 'quantitative', title: `${labels.field.exposures} (${labels.field.before})` },
    { field: 'after_exposures', type: 'quantitative', title: `${labels.field.exposures} (${labels.field.after})` },
    { field: 'p_value', type: 'quantitative', title: labels.field.pValue, format: '.2g' },
    { field: 'verdict_label', type: 'nominal', title: labels.field.verdict },
  ] as const;
  const height = Math.max(60, 28 * rows.length);
  // An explicit domain: with no judged action yet the data is empty, and an empty extent makes Vega warn.
  const rates = rows.flatMap((row) => [row.before_per_1000, row.after_per_1000]).filter((v): v is number => v !== null);
  const xScale = { domain: [0, Math.max(1, ...rates) * 1.05] };
  return {
    ...createSpecFrame({ action_effects: rows }, { height }),
    data: { name: 'action_effects' },
    transform: [{ filter: 'isValid(datum.before_per_1000) || isValid(datum.after_per_1000)' }],
    layer: [
      {
        transform: [{ filter: 'isValid(datum.before_per_1000) && isValid(datum.after_per_1000)' }],
        mark: { type: 'rule', strokeWidth: 2 },
        encoding: {
          y: yAxis,
          x: { field: 'before_per_1000', type: 'quantitative', title: labels.field.eventsPer1000Exposures, scale: xScale },
          x2: { field: 'after_per_1000' },
          color,
          tooltip: [...tooltip],
        },
      },
      {
        mark: { type: 'point', filled: false, size: 80 },
        encoding: { y: yAxis, x: { field: 'before_per_1000', type: 'quantitative', scale: xScale }, color, tooltip: [...tooltip] },
      },
      {
        mark: { type: 'point', filled: true, size: 80 },
        encoding: { y: yAxis, x: { field: 'after_per_1000', type: 'quantitative', scale: xScale }, color, tooltip: [...tooltip] },
      },
    ],
  };
}
