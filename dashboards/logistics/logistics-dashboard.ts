/**
 * The logistics lead's page: which carrier breaks parcels beyond its target and whether it is getting
 * better, who is late and by how much, and whether damage follows a lane (handling) or a product
 * category (packaging).
 */
import type { ActionEffectRow } from '../mart-rows.ts';
import { describeScopeActions } from '../shared/actions-table.ts';
import { buildCarrierWeekColumns, buildCarrierWeekRow, selectCarrierWeek } from '../shared/carrier-week-table.ts';
import type { Dashboard, DashboardContext, TableDefinition } from '../shared/dashboard-types.ts';
import { buildFilterControls, createInitialFilterState } from '../shared/filters.ts';
import { labelOf, type Labels } from '../shared/labels.ts';
import { collectWeeks, shiftWeek, weekOfLocalDate } from '../shared/weeks.ts';
import type { LogisticsData } from './logistics-queries.ts';
import {
  buildBreakageHeatmapSpec,
  buildBreakageTrendSpec,
  buildCarrierBreakageSpec,
  buildDelayDistributionSpec,
  buildOnTimeSpec,
  type CarrierActionMarker,
} from './logistics-specs.ts';

/** `actions`: the corrective actions (as the quality page reads them), to mark those on a carrier. */
export function assembleLogisticsDashboard(data: LogisticsData, context: DashboardContext, actions: readonly ActionEffectRow[]): Dashboard {
  const { labels, reportWeek, breakageTargetPer1000: targetPer1000 } = context;
  const weeks = collectWeeks([data.carrierWeeks], shiftWeek(reportWeek, 1));
  const state = createInitialFilterState(weeks, reportWeek);
  const carriers = [...new Set(data.carrierWeeks.map((row) => row.carrier))].sort();
  const categories = [...new Set(data.carrierCategories.map((row) => row.category))].sort();
  const carrierRows = data.carrierWeeks.map(({ on_time_shipments: _, ...row }) => row);
  const cell = (row: { carrier: string; week: string; delivered_shipments: number; damaged_shipments: number }, rowKey: string, columnKey: string) => ({
    carrier: row.carrier,
    week: row.week,
    row_key: rowKey,
    column_key: columnKey,
    delivered_shipments: row.delivered_shipments,
    damaged_shipments: row.damaged_shipments,
  });
  // Destinations down, origins across: a shop ships from a few warehouses to many regions, and 28
  // destinations across ran past the panel's edge with nothing to show there was more.
  const laneRows = data.lanes.map((row) => cell(row, row.dest_region, row.origin_region));
  // The category heat map filters on category too; its column key is the category.
  const categoryRows = data.carrierCategories.map((row) => ({ ...cell(row, row.carrier, row.category), category: row.category }));
  const delayRows = data.delays.map((row) => ({ ...row, delay_label: labels.logistics.delayBins[row.delay_bin] ?? String(row.delay_bin) }));
  const input = { labels, state, targetPer1000 };
  // A heat map cell is 48 px wide (buildBreakageHeatmapSpec): past 8 columns it outgrows a half-row
  // panel (560 px at the least), so it takes the whole row.
  const needsWholeRow = (rows: readonly { column_key: string }[]) => new Set(rows.map((r) => r.column_key)).size > 8;
  return {
    id: 'logistics',
    title: labels.dashboards.logistics.title,
    question: labels.dashboards.logistics.question,
    filters: buildFilterControls(['week-from', 'week-to', 'carrier', 'category'], state, labels, { weeks, carriers, categories }),
    sections: [
      buildCarrierWeekTable(data, context, actions),
      { kind: 'chart', id: 'carrier-breakage', ...labels.logistics.breakage, spec: buildCarrierBreakageSpec({ rows: carrierRows, ...input }) },
      {
        kind: 'chart',
        id: 'breakage-trend',
        ...labels.logistics.trend,
        spec: buildBreakageTrendSpec({ rows: carrierRows, actions: buildCarrierActionMarkers(actions, carriers, labels), ...input }),
      },
      { kind: 'chart', id: 'on-time', ...labels.logistics.onTime, spec: buildOnTimeSpec({ rows: carrierRows, ...input }) },
      { kind: 'chart', id: 'delay-distribution', ...labels.logistics.delay, spec: buildDelayDistributionSpec({ rows: delayRows, ...input }) },
      {
        kind: 'chart',
        id: 'lane-heatmap',
        ...labels.logistics.lanes,
        wide: needsWholeRow(laneRows),
        spec: buildBreakageHeatmapSpec(
          { rows: laneRows, ...input },
          { dataset: 'lane_cells', rowTitle: labels.field.destination, columnTitle: labels.field.origin, filters: ['carrier'] },
        ),
      },
      {
        kind: 'chart',
        id: 'category-heatmap',
        ...labels.logistics.categories,
        wide: needsWholeRow(categoryRows),
        spec: buildBreakageHeatmapSpec(
          { rows: categoryRows, ...input },
          { dataset: 'carrier_category_cells', rowTitle: labels.field.carrier, columnTitle: labels.field.category, filters: ['carrier', 'category'] },
        ),
      },
    ],
  };
}

/** The report week's carriers, as the weekly review lists them, with the actions on each. */
function buildCarrierWeekTable(data: LogisticsData, { labels, format, reportWeek }: DashboardContext, actions: readonly ActionEffectRow[]): TableDefinition {
  return {
    kind: 'table',
    id: 'carrier-week-table',
    title: labels.logistics.weekTable.title(reportWeek),
    description: labels.logistics.weekTable.description,
    columns: [...buildCarrierWeekColumns(labels), { header: labels.report.relatedActions }],
    rows: selectCarrierWeek(data.carrierWeeks, reportWeek).map((row) => [
      ...buildCarrierWeekRow(row, labels, format),
      describeScopeActions(actions, labels, format, 'carrier', row.carrier),
    ]),
  };
}

/**
 * The implemented corrective actions on a carrier, each in the local week it took effect, named as the
 * carrier's rows name it (an action's scope_value matches a carrier case-insensitively, as the mart does).
 */
export function buildCarrierActionMarkers(actions: readonly ActionEffectRow[], carriers: readonly string[], labels: Labels): CarrierActionMarker[] {
  const byName = new Map(carriers.map((carrier) => [carrier.trim().toLowerCase(), carrier]));
  return actions
    .filter((a) => a.scope_type === 'carrier' && a.scope_value && a.implemented_at && (a.status === 'implemented' || a.status === 'verified'))
    .map((a) => ({
      carrier: byName.get(a.scope_value!.trim().toLowerCase()) ?? a.scope_value!.trim(),
      week: weekOfLocalDate(a.implemented_at!.slice(0, 10)),
      action_id: a.action_id,
      action_label: a.title ? `${a.action_id} ${a.title}` : a.action_id,
      cause_label: labelOf(labels.causes, a.cause_code),
      implemented_at: a.implemented_at!.slice(0, 16).replace('T', ' '),
    }));
}
