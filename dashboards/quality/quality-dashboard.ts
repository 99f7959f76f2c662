/**
 * The quality manager's page: what customers complain about (Pareto, trend), what moved this week,
 * whether the complaint rate is out of control, and whether corrective actions worked.
 */
import { buildActionsTableColumns, buildActionsTableRows, describeActionScope, describeVerdict, explainEarlyVerdicts } from '../shared/actions-table.ts';
import type { ActionEffectRow } from '../mart-rows.ts';
import type { Dashboard, DashboardContext, TableDefinition } from '../shared/dashboard-types.ts';
import { buildFilterControls, createInitialFilterState } from '../shared/filters.ts';
import { labelOf, type Labels } from '../shared/labels.ts';
import type { Formatter } from '../shared/format.ts';
import { collectWeeks, shiftWeek } from '../shared/weeks.ts';
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
      { kind: 'chart', id: 'p-chart', ...labels.quality.pChart, spec: buildControlChartSpec({ rows: buildControlRows(data, reportWeek, labels), ...input }) },
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

/** p-chart rows for the complete weeks from the first week with orders to the report week. */
export function buildControlRows(data: Pick<QualityData, 'complaintsPerWeek' | 'ordersPerWeek'>, reportWeek: string, labels: Labels): ControlChartRow[] {
  const complaints = new Map(data.complaintsPerWeek.map((row) => [row.week, row.complaints]));
  const orders = new Map(data.ordersPerWeek.map((row) => [row.week, row.orders]));
  const first = data.ordersPerWeek[0]?.week;
  if (!first) return [];
  const weeks: string[] = [];
  for (let week = first; week <= reportWeek; week = shiftWeek(week, 1)) weeks.push(week);
  const ruleLabels: Record<RunRule, string> = {
    1: labels.quality.rules.one,
    2: labels.quality.rules.two,
    3: labels.quality.rules.three,
    4: labels.quality.rules.four,
  };
  return computeControlChart(weeks.map((week) => ({ week, events: complaints.get(week) ?? 0, exposures: orders.get(week) ?? 0 }))).map((point) => ({
    week: point.week,
    complaints: point.events,
    orders: point.exposures,
    rate_per_1000: point.rate === null ? null : point.rate * 1000,
    centre_per_1000: point.centre * 1000,
    upper_per_1000: point.upper === null ? null : point.upper * 1000,
    lower_per_1000: point.lower === null ? null : point.lower * 1000,
    is_signal: point.rules.length > 0,
    signal_rules: point.rules.map((rule) => ruleLabels[rule]).join('; '),
  }));
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
