/**
 * The crisis-complaints table, shared by the service dashboard (the last 4 weeks) and the weekly review
 * (the report week), so both describe a crisis complaint alike: when and where it came in, what it is
 * about, who graded it crisis, and how its first response stands against the target.
 */
import type { CrisisComplaintRow } from '../mart-rows.ts';
import type { TableColumn } from './dashboard-types.ts';
import type { Formatter } from './format.ts';
import { labelOf, type Labels } from './labels.ts';

export function buildCrisisColumns(labels: Labels): TableColumn[] {
  const f = labels.field;
  return [
    { header: f.complaintId, wrap: 'never' },
    { header: f.opened, wrap: 'never' },
    { header: f.channel, wrap: 'spaces' },
    { header: f.sku, wrap: 'never' },
    { header: f.cause, wrap: 'spaces' },
    { header: f.gradedBy, wrap: 'spaces' },
    { header: f.firstResponseMinutes, numeric: true },
    { header: f.targetMinutes, numeric: true },
    { header: labels.crisis.missedTarget },
    { header: f.status, wrap: 'spaces' },
    { header: f.excerpt },
  ];
}

export function buildCrisisRow(row: CrisisComplaintRow, labels: Labels, format: Formatter): string[] {
  return [
    row.complaint_id,
    row.opened_at.slice(0, 16).replace('T', ' '),
    labelOf(labels.channels, row.channel),
    row.sku ?? '–',
    row.causes
      .split('|')
      .map((cause) => labelOf(labels.causes, cause))
      .join(', '),
    labelOf(labels.severityMethods, row.severity_method),
    row.first_response_minutes !== null
      ? format.decimal(row.first_response_minutes, 0)
      : labels.crisis.unanswered(format.decimal(row.elapsed_minutes_at_as_of, 0)),
    format.count(row.sla_target_minutes),
    row.sla_breached ? labels.site.yes : labels.site.no,
    labelOf(labels.complaintStatuses, row.status),
    row.excerpt ?? '',
  ];
}
