/**
 * The service lead's page: where first responses come too late (channel × severity, by week), how long
 * answers take, which complaints are still waiting past their target, and the recent crisis complaints.
 */
import { buildCrisisColumns, buildCrisisRow } from '../shared/crisis-table.ts';
import type { Dashboard, DashboardContext, TableDefinition } from '../shared/dashboard-types.ts';
import { buildFilterControls, createInitialFilterState } from '../shared/filters.ts';
import { labelOf } from '../shared/labels.ts';
import { collectWeeks, shiftWeek } from '../shared/weeks.ts';
import { CRISIS_WEEKS, type ServiceData, type WaitingComplaintRow } from './service-queries.ts';
import { buildBreachHeatmapSpec, buildBreachTrendSpec, buildResponseTimeSpec, buildWaitingSpec, type WaitingChartRow } from './service-specs.ts';

const SEVERITY_ORDER = ['general', 'important', 'major', 'crisis'];
const CHANNEL_ORDER = ['chat', 'hotline', 'app', 'email', 'social', 'other'];
/** Position of a channel in CHANNEL_ORDER; channels outside it come last. */
const channelRank = (channel: string) => CHANNEL_ORDER.indexOf(channel) + 1 || CHANNEL_ORDER.length + 1;
/** Upper edges (hours) of the waiting-age bins; labels: labels.service.ageBins. */
const AGE_BIN_EDGES_HOURS = [24, 72, 168, 336];
/** How many waiting complaints the table lists. */
const WAITING_TABLE_ROWS = 20;
/** How many crisis complaints the table lists, newest first. */
const CRISIS_TABLE_ROWS = 30;

/** The age bin of a waiting complaint. */
export function findAgeBin(ageHours: number): number {
  const index = AGE_BIN_EDGES_HOURS.findIndex((edge) => ageHours < edge);
  return index === -1 ? AGE_BIN_EDGES_HOURS.length : index;
}

export function assembleServiceDashboard(data: ServiceData, context: DashboardContext): Dashboard {
  const { labels, reportWeek } = context;
  const weeks = collectWeeks([data.slaWeeks], shiftWeek(reportWeek, 1));
  const state = createInitialFilterState(weeks, reportWeek);
  const severityRank = (severity: string) => SEVERITY_ORDER.indexOf(severity) + 1 || SEVERITY_ORDER.length + 1;
  const channelsPresent = new Set([...data.slaWeeks.map((row) => row.channel), ...data.waiting.map((row) => row.channel)]);
  const channels = [...channelsPresent]
    .sort((a, b) => channelRank(a) - channelRank(b) || a.localeCompare(b))
    .map((value) => ({ value, label: labelOf(labels.channels, value) }));
  const slaRows = data.slaWeeks.map((row) => ({
    week: row.week,
    channel: row.channel,
    channel_label: labelOf(labels.channels, row.channel),
    severity_label: labelOf(labels.severities, row.severity),
    severity_rank: severityRank(row.severity),
    complaints: row.complaints,
    breached: row.breached,
    responded: row.responded,
    awaiting_within_target: row.awaiting_within_target,
  }));
  const responseRows = data.responseBins.map((row) => ({
    week: row.week,
    channel: row.channel,
    response_bin: row.response_bin,
    response_label: labels.service.responseBins[row.response_bin] ?? String(row.response_bin),
    target_label: row.is_breached ? labels.service.overTarget : labels.service.withinTarget,
    is_breached: row.is_breached,
    complaints: row.complaints,
  }));
  const input = { labels, state };
  return {
    id: 'service',
    title: labels.dashboards.service.title,
    question: labels.dashboards.service.question,
    filters: buildFilterControls(['week-from', 'week-to', 'channel'], state, labels, { weeks, channels }),
    sections: [
      { kind: 'chart', id: 'breach-heatmap', ...labels.service.breach, spec: buildBreachHeatmapSpec({ rows: slaRows, ...input }) },
      { kind: 'chart', id: 'breach-trend', ...labels.service.trend, spec: buildBreachTrendSpec({ rows: slaRows, ...input }) },
      { kind: 'chart', id: 'response-time', ...labels.service.response, spec: buildResponseTimeSpec({ rows: responseRows, ...input }) },
      {
        kind: 'chart',
        id: 'waiting',
        ...labels.service.open,
        spec: buildWaitingSpec({ rows: buildWaitingRows(data.waiting, context, severityRank), ...input }),
      },
      buildWaitingTable(data.waiting, context, severityRank),
      buildCrisisTable(data, context),
      buildFollowThroughTable(data, context, severityRank),
    ],
  };
}

function buildWaitingRows(
  waiting: readonly WaitingComplaintRow[],
  { labels }: DashboardContext,
  severityRank: (severity: string) => number,
): WaitingChartRow[] {
  const counts = new Map<string, WaitingChartRow>();
  for (const row of waiting) {
    const ageBin = findAgeBin(row.age_hours);
    const key = `${row.channel}\u0000${row.severity}\u0000${ageBin}`;
    const entry = counts.get(key) ?? {
      channel: row.channel,
      severity_label: labelOf(labels.severities, row.severity),
      severity_rank: severityRank(row.severity),
      age_bin: ageBin,
      age_label: labels.service.ageBins[ageBin] ?? String(ageBin),
      complaints: 0,
    };
    entry.complaints += 1;
    counts.set(key, entry);
  }
  return [...counts.values()];
}

/** The report week's follow-through per channel and severity, as mart_sla_weekly has it (no re-weighting). */
function buildFollowThroughTable(
  data: ServiceData,
  { labels, format, reportWeek }: DashboardContext,
  severityRank: (severity: string) => number,
): TableDefinition {
  const f = labels.field;
  const t = labels.service.followThrough;
  const rows = data.slaWeeks
    .filter((row) => row.week === reportWeek)
    .sort((a, b) => channelRank(a.channel) - channelRank(b.channel) || severityRank(b.severity) - severityRank(a.severity));
  return {
    kind: 'table',
    id: 'follow-through',
    title: `${t.title} (${reportWeek})`,
    description: t.description,
    columns: [
      { header: f.channel },
      { header: f.severity },
      { header: f.complaints, numeric: true },
      { header: t.medianResolutionHours, numeric: true },
      { header: t.escalationRate, numeric: true },
      { header: t.reopenRate, numeric: true },
      { header: t.followupRate, numeric: true },
      { header: t.csatAvg, numeric: true },
    ],
    rows: rows.map((row) => [
      labelOf(labels.channels, row.channel),
      labelOf(labels.severities, row.severity),
      format.count(row.complaints),
      format.decimal(row.median_resolution_hours, 1),
      format.percent(row.escalation_rate),
      format.percent(row.reopen_rate),
      format.percent(row.followup_rate),
      format.decimal(row.csat_avg, 2),
    ]),
  };
}

function buildCrisisTable({ crisis }: ServiceData, { labels, format, reportWeek }: DashboardContext): TableDefinition {
  const shown = crisis.slice(-CRISIS_TABLE_ROWS).reverse();
  const truncated = shown.length < crisis.length ? ` ${labels.crisis.truncated(format.count(shown.length), format.count(crisis.length))}` : '';
  return {
    kind: 'table',
    id: 'crisis-table',
    title: labels.crisis.tableTitle(shiftWeek(reportWeek, -(CRISIS_WEEKS - 1))),
    description: `${labels.crisis.description}${truncated}`,
    columns: buildCrisisColumns(labels),
    rows: shown.map((row) => buildCrisisRow(row, labels, format)),
  };
}

/**
 * The waiting complaints a service lead answers first: gravest severity, then furthest over the target
 * on the target's own clock (a calendar age set against business-hours minutes read 15 times over where
 * 1.5 was true).
 */
function buildWaitingTable(
  waiting: readonly WaitingComplaintRow[],
  { labels, format }: DashboardContext,
  severityRank: (severity: string) => number,
): TableDefinition {
  const f = labels.field;
  const overage = (row: WaitingComplaintRow) => row.elapsed_minutes_at_as_of / row.sla_target_minutes;
  const urgent = [...waiting].sort(
    (a, b) => severityRank(b.severity) - severityRank(a.severity) || overage(b) - overage(a) || a.complaint_id.localeCompare(b.complaint_id),
  );
  return {
    kind: 'table',
    id: 'waiting-table',
    ...labels.service.openTable,
    columns: [
      { header: f.complaintId, wrap: 'never' },
      { header: f.channel, wrap: 'spaces' },
      { header: f.severity, wrap: 'spaces' },
      { header: f.opened, wrap: 'never' },
      { header: f.waitedSlaMinutes, numeric: true },
      { header: f.targetMinutes, numeric: true },
      { header: f.timesTarget, numeric: true },
      { header: f.ageHours, numeric: true },
      { header: f.text },
    ],
    rows: urgent
      .slice(0, WAITING_TABLE_ROWS)
      .map((row) => [
        row.complaint_id,
        labelOf(labels.channels, row.channel),
        labelOf(labels.severities, row.severity),
        row.opened_at.slice(0, 16).replace('T', ' '),
        format.count(Math.round(row.elapsed_minutes_at_as_of)),
        format.count(row.sla_target_minutes),
        `${format.decimal(overage(row), 1)}×`,
        format.decimal(row.age_hours, 1),
        row.excerpt ?? '',
      ]),
  };
}
