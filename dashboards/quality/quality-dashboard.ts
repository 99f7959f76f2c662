/**
 * The quality manager's page: what customers complain about (Pareto, trend), what moved this week,
 * whether the complaint rate is out of control, and whether corrective actions worked.
 */
import { buildActionsTableColumns, buildActionsTableRows, describeActionScope, describeVerdict, explainEarlyVerdicts } from '../shared/actions-table.ts';
import type { ActionEffectRow } from '../mart-rows.ts';
import type { Config } from '../../pipelines/core/config.ts';
import type { ChartDefinition, Dashboard, DashboardContext, TableDefinition } from '../shared/dashboard-types.ts';
import { buildFilterControls, createInitialFilterState } from '../shared/filters.ts';
import { labelOf, type Labels } from '../shared/labels.ts';
import type { Formatter } from '../shared/format.ts';
import { collectWeeks, shiftWeek, weekOfLocalDate } from '../shared/weeks.ts';
import { computeControlChart, type RunRule } from './control-chart.ts';
import type { QualityData } from './quality-queries.ts';
import {
  buildActionEffectSpec,
  buildCauseTrendSpec,
  buildControlChartSpec,
  buildMoversSpec,
  buildParetoSpec,
  type ActionChartRow,
  type ControlChartRow,
  type SpecInput,
} from './quality-specs.ts';

/** The page from already-queried data (pure, so tests can build it from hand-made rows). */
export function assembleQualityDashboard(data: QualityData, context: DashboardContext): Dashboard {
  const { labels, reportWeek } = context;
  const weeks = collectWeeks([data.causeWeeks, data.complaintsPerWeek, data.ordersPerWeek], shiftWeek(reportWeek, 1));
  const state = createInitialFilterState(weeks, reportWeek);
  const causeRows = data.causeWeeks.map((row) => ({
    week: row.week,
    cause_code: row.cause_code,
    cause_label: labelOf(labels.causes, row.cause_code),
    party_label: labelOf(labels.parties, row.responsible_party),
    complaints: row.complaints,
  }));
  const moverRows = data.movers.map((row) => ({ ...row, cause_label: labelOf(labels.causes, row.cause_code) }));
  const input = { labels, state };
  return {
    id: 'quality',
    title: labels.dashboards.quality.title,
    question: labels.dashboards.quality.question,
    filters: buildFilterControls(['week-from', 'week-to'], state, labels, { weeks }),
    sections: [
      { kind: 'chart', id: 'pareto', ...labels.quality.pareto, spec: buildParetoSpec({ rows: causeRows, ...input }) },
      buildControlChartSection(data, context, input),
      { kind: 'chart', id: 'movers', ...labels.quality.movers, spec: buildMoversSpec({ rows: moverRows, ...input }) },
      { kind: 'chart', id: 'cause-trend', ...labels.quality.trend, spec: buildCauseTrendSpec({ rows: causeRows, ...input }) },
      {
        kind: 'chart',
        id: 'actions',
        ...labels.quality.actions,
        spec: buildActionEffectSpec({ rows: buildActionChartRows(data.actions, labels, context.format), labels }),
      },
      buildActionsTable(data.actions, labels, context.format),
    ],
  };
}

function buildControlChartSection(data: QualityData, context: DashboardContext, input: Omit<SpecInput<ControlChartRow>, 'rows'>): ChartDefinition {
  const chart = buildControlRows(data, context.reportWeek, context.labels, context.controlChart);
  const { title, description } = context.labels.quality.pChart;
  return {
    kind: 'chart',
    id: 'p-chart',
    title,
    description: [description, ...describeControlBaseline(chart, context.labels)].join(context.labels.sentenceGap),
    spec: buildControlChartSpec({ rows: chart.rows, ...input }),
  };
}

export interface ControlChartRows {
  rows: ControlChartRow[];
  baselineFrom: string | null;
  baselineTo: string | null;
  /** The ramp-up weeks shown (the first weeks of the history). */
  rampUpWeeks: string[];
}

/**
 * p-chart rows for the complete weeks from the first week with orders to the report week, the centre
 * pooled over the configured baseline (control-chart.ts says why the first weeks are set apart).
 */
export function buildControlRows(
  data: Pick<QualityData, 'complaintsPerWeek' | 'ordersPerWeek'>,
  reportWeek: string,
  labels: Labels,
  settings: Config['controlChart'],
): ControlChartRows {
  const complaints = new Map(data.complaintsPerWeek.map((row) => [row.week, row.complaints]));
  const orders = new Map(data.ordersPerWeek.map((row) => [row.week, row.orders]));
  const first = data.ordersPerWeek[0]?.week;
  if (!first) return { rows: [], baselineFrom: null, baselineTo: null, rampUpWeeks: [] };
  const weeks: string[] = [];
  for (let week = first; week <= reportWeek; week = shiftWeek(week, 1)) weeks.push(week);
  const ruleLabels: Record<RunRule, string> = {
    1: labels.quality.rules.one,
    2: labels.quality.rules.two,
    3: labels.quality.rules.three,
    4: labels.quality.rules.four,
  };
  const chart = computeControlChart(
    weeks.map((week) => ({ week, events: complaints.get(week) ?? 0, exposures: orders.get(week) ?? 0 })),
    {
      rampUpWeeks: settings.rampUpWeeks,
      fromWeek: settings.baselineFrom === null ? null : weekOfLocalDate(settings.baselineFrom),
      toWeek: settings.baselineTo === null ? null : weekOfLocalDate(settings.baselineTo),
    },
  );
  const { phases } = labels.quality;
  const rows = chart.points.map((point) => ({
    week: point.week,
    complaints: point.events,
    orders: point.exposures,
    rate_per_1000: point.rate === null ? null : point.rate * 1000,
    centre_per_1000: point.centre * 1000,
    upper_per_1000: point.upper === null ? null : point.upper * 1000,
    lower_per_1000: point.lower === null ? null : point.lower * 1000,
    is_signal: point.rules.length > 0,
    signal_rules: point.rules.map((rule) => ruleLabels[rule]).join('; '),
    is_ramp_up: point.isRampUp,
    phase: point.isRampUp ? phases.rampUp : point.inBaseline ? phases.baseline : phases.monitored,
  }));
  return {
    rows,
    baselineFrom: chart.baselineFrom,
    baselineTo: chart.baselineTo,
    rampUpWeeks: chart.points.filter((point) => point.isRampUp).map((point) => point.week),
  };
}

/** What the centre line was pooled over and which weeks are ramp-up, as sentences for the chart's note. */
export function describeControlBaseline(chart: ControlChartRows, labels: Labels): string[] {
  const notes: string[] = [];
  if (chart.baselineFrom && chart.baselineTo) notes.push(labels.quality.baselineNote(chart.baselineFrom, chart.baselineTo));
  if (chart.rampUpWeeks.length) notes.push(labels.quality.rampUpNote(chart.rampUpWeeks.length, chart.rampUpWeeks[0]!));
  return notes;
}

/** A week's p-chart verdict: the rules it breaks and on which side, none, or ramp-up; – without orders. */
export function describeControlSignal(row: ControlChartRow | undefined, labels: Labels): string {
  if (!row || row.rate_per_1000 === null) return '–';
  if (row.is_ramp_up) return labels.quality.phases.rampUp;
  if (!row.is_signal) return labels.headline.noSignal;
  const side = row.rate_per_1000 > row.centre_per_1000 ? labels.headline.aboveCentre : labels.headline.belowCentre;
  return labels.headline.signalSide(row.signal_rules, side);
}

function buildActionChartRows(actions: readonly ActionEffectRow[], labels: Labels, format: Formatter): ActionChartRow[] {
  return actions.map((row) => ({
    action_id: row.action_id,
    action_label: row.title ? `${row.action_id} ${row.title}` : row.action_id,
    verdict: row.verdict,
    // the colour's key: the verdict alone (the scale lists exactly these names)
    verdict_name: labelOf(labels.verdicts, row.verdict),
    // the tooltip's, as the table words it: with "the rate rose" and "early" where they apply
    verdict_label: describeVerdict(row, labels, format),
    scope: describeActionScope(row, labels),
    before_per_1000: row.before_rate === null ? null : row.before_rate * 1000,
    after_per_1000: row.after_rate === null ? null : row.after_rate * 1000,
    before_exposures: row.before_exposures,
    after_exposures: row.after_exposures,
    p_value: row.p_value,
  }));
}

function buildActionsTable(actions: readonly ActionEffectRow[], labels: Labels, format: Formatter): TableDefinition {
  return {
    kind: 'table',
    id: 'actions-table',
    title: labels.quality.actionsTable.title,
    description: explainEarlyVerdicts(actions, labels),
    columns: buildActionsTableColumns(labels),
    rows: buildActionsTableRows(actions, labels, format),
  };
}
