/**
 * Vega-Lite specs of the service dashboard: breach rate by channel × severity, weekly breach rate per
 * channel, the first-response time distribution, and complaints still waiting past target by age.
 */
import type { TopLevelSpec } from 'vega-lite';
import { COLORS, createSpecFrame } from '../shared/chart-theme.ts';
import { CHANNEL_TEST, WEEK_RANGE_TEST, buildFilterParams, type FilterState } from '../shared/filters.ts';
import type { Labels } from '../shared/labels.ts';

export interface SlaChartRow {
  week: string;
  channel: string;
  channel_label: string;
  severity_label: string;
  severity_rank: number;
  complaints: number;
  breached: number;
  responded: number;
  /** Not answered yet and still inside their target: the week's breach rate can only rise. */
  awaiting_within_target: number;
}

export interface ResponseChartRow {
  week: string;
  channel: string;
  response_bin: number;
  response_label: string;
  target_label: string;
  is_breached: boolean;
  complaints: number;
}

export interface WaitingChartRow {
  channel: string;
  severity_label: string;
  severity_rank: number;
  age_bin: number;
  age_label: string;
  complaints: number;
}

interface SpecInput<Row> {
  rows: readonly Row[];
  labels: Labels;
  state: FilterState;
}

/** Breach rate per channel × severity over the selected weeks, the rate printed in each cell. */
export function buildBreachHeatmapSpec({ rows, labels, state }: SpecInput<SlaChartRow>): TopLevelSpec {
  const f = labels.field;
  const x = {
    field: 'severity_label',
    type: 'ordinal',
    title: f.severity,
    sort: { field: 'severity_rank', op: 'min', order: 'ascending' },
    axis: { labelAngle: 0 },
  } as const;
  const y = { field: 'channel_label', type: 'nominal', title: f.channel } as const;
  const tooltip = [
    { field: 'channel_label', type: 'nominal', title: f.channel },
    { field: 'severity_label', type: 'nominal', title: f.severity },
    ...describeBreaches(labels),
  ] as const;
  return {
    ...createSpecFrame({ sla_weekly: rows }, { width: { step: 90 }, height: { step: 38 } }),
    params: buildFilterParams(['week-from', 'week-to', 'channel'], state),
    data: { name: 'sla_weekly' },
    transform: [
      ...breachRatePerGroup(['channel_label', 'severity_label'], [{ op: 'min', field: 'severity_rank', as: 'severity_rank' }]),
      // the counts under the rate: 50 % of 2 complaints is not 50 % of 200
      { calculate: "format(datum.breach_rate, '.0%') + '\\n' + datum.breached + ' / ' + datum.complaints", as: 'cell_text' },
    ],
    layer: [
      {
        mark: { type: 'rect' },
        encoding: {
          x,
          y,
          color: { field: 'breach_rate', type: 'quantitative', title: f.breachRate, scale: { scheme: 'orangered', domain: [0, 1] }, legend: { format: '.0%' } },
          tooltip: [...tooltip],
        },
      },
      {
        mark: { type: 'text', fontSize: 11, lineBreak: '\n' },
        encoding: {
          x,
          y,
          text: { field: 'cell_text', type: 'nominal' },
          color: { condition: { test: 'datum.breach_rate > 0.5', value: 'white' }, value: 'black' },
          tooltip: [...tooltip],
        },
      },
    ],
  };
}

/** The tooltip lines of a group's breaches (breachRatePerGroup's fields). */
function describeBreaches({ field: f }: Labels) {
  return [
    { field: 'complaints', type: 'quantitative', title: f.complaints },
    { field: 'breached', type: 'quantitative', title: f.breached },
    { field: 'breach_rate', type: 'quantitative', title: f.breachRate, format: '.1%' },
  ] as const;
}

type SpecTransform = NonNullable<Extract<TopLevelSpec, { transform?: unknown }>['transform']>[number];
type AggregateOp = { op: 'sum' | 'min'; field: string; as: string };

/** The filtered weeks and channels, complaints and breaches summed per group, and each group's breach rate. */
function breachRatePerGroup(groupby: string[], extra: AggregateOp[] = []): SpecTransform[] {
  return [
    { filter: WEEK_RANGE_TEST },
    { filter: CHANNEL_TEST },
    {
      aggregate: [
        { op: 'sum', field: 'complaints', as: 'complaints' },
        { op: 'sum', field: 'breached', as: 'breached' },
        { op: 'sum', field: 'awaiting_within_target', as: 'awaiting' },
        ...extra,
      ],
      groupby,
    },
    { calculate: 'datum.breached / datum.complaints', as: 'breach_rate' },
  ];
}

/**
 * Weekly breach rate per channel. A week with complaints still awaiting a first response inside their
 * target is drawn hollow: its rate can only rise, so its dip is not yet a gain.
 */
export function buildBreachTrendSpec({ rows, labels, state }: SpecInput<SlaChartRow>): TopLevelSpec {
  const f = labels.field;
  const x = { field: 'week', type: 'ordinal', title: f.week, axis: { labelAngle: -45 } } as const;
  const y = { field: 'breach_rate', type: 'quantitative', title: f.breachRate, axis: { format: '.1%' } } as const;
  const color = { field: 'channel_label', type: 'nominal', title: f.channel } as const;
  const tooltip = [
    { field: 'week', type: 'ordinal', title: f.week },
    { field: 'channel_label', type: 'nominal', title: f.channel },
    ...describeBreaches(labels),
    { field: 'awaiting', type: 'quantitative', title: labels.service.awaiting },
  ] as const;
  return {
    ...createSpecFrame({ sla_weekly: rows }),
    params: buildFilterParams(['week-from', 'week-to', 'channel'], state),
    data: { name: 'sla_weekly' },
    transform: [...breachRatePerGroup(['week', 'channel_label'])],
    layer: [
      { mark: { type: 'line' }, encoding: { x, y, color, tooltip: [...tooltip] } },
      {
        mark: { type: 'point', size: 50, strokeWidth: 2 },
        encoding: {
          x,
          y,
          color,
          fill: { condition: { test: 'datum.awaiting > 0', value: 'white' }, field: 'channel_label', type: 'nominal', legend: null },
          tooltip: [...tooltip],
        },
      },
    ],
  };
}

/** Answered complaints by time to first response, stacked by within / over target. */
export function buildResponseTimeSpec({ rows, labels, state }: SpecInput<ResponseChartRow>): TopLevelSpec {
  const f = labels.field;
  return {
    ...createSpecFrame({ response_bins: rows }),
    params: buildFilterParams(['week-from', 'week-to', 'channel'], state),
    data: { name: 'response_bins' },
    transform: [
      { filter: WEEK_RANGE_TEST },
      { filter: CHANNEL_TEST },
      { aggregate: [{ op: 'sum', field: 'complaints', as: 'complaints' }], groupby: ['response_bin', 'response_label', 'target_label', 'is_breached'] },
    ],
    mark: { type: 'bar' },
    encoding: {
      x: {
        field: 'response_label',
        type: 'ordinal',
        title: f.firstResponse,
        sort: { field: 'response_bin', op: 'min', order: 'ascending' },
        // slanted: eight labels such as "15–30 分钟" ran into each other when level
        axis: { labelAngle: -30 },
      },
      y: { field: 'complaints', type: 'quantitative', title: f.complaints },
      color: {
        field: 'target_label',
        type: 'nominal',
        title: f.status,
        scale: { domain: [labels.service.withinTarget, labels.service.overTarget], range: [COLORS.ok, COLORS.alert] },
      },
      tooltip: [
        { field: 'response_label', type: 'ordinal', title: f.firstResponse },
        { field: 'target_label', type: 'nominal', title: f.status },
        { field: 'complaints', type: 'quantitative', title: f.complaints },
      ],
    },
  };
}

/** Complaints waiting past target, by age, stacked by severity. */
export function buildWaitingSpec({ rows, labels, state }: SpecInput<WaitingChartRow>): TopLevelSpec {
  const f = labels.field;
  return {
    ...createSpecFrame({ waiting_complaints: rows }),
    params: buildFilterParams(['channel'], state),
    data: { name: 'waiting_complaints' },
    transform: [
      { filter: CHANNEL_TEST },
      {
        aggregate: [
          { op: 'sum', field: 'complaints', as: 'complaints' },
          { op: 'min', field: 'severity_rank', as: 'severity_rank' },
        ],
        groupby: ['age_bin', 'age_label', 'severity_label'],
      },
    ],
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'age_label', type: 'ordinal', title: f.age, sort: { field: 'age_bin', op: 'min', order: 'ascending' }, axis: { labelAngle: 0 } },
      y: { field: 'complaints', type: 'quantitative', title: f.complaints },
      color: {
        field: 'severity_label',
        type: 'nominal',
        title: f.severity,
        sort: { field: 'severity_rank', op: 'min', order: 'ascending' },
        scale: { scheme: 'orangered' },
      },
      tooltip: [
        { field: 'age_label', type: 'ordinal', title: f.age },
        { field: 'severity_label', type: 'nominal', title: f.severity },
        { field: 'complaints', type: 'quantitative', title: f.complaints },
      ],
    },
  };
}
