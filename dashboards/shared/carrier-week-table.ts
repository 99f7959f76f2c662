/**
 * One week's carriers as a table, shared by the weekly review and the logistics page, so the figures a
 * logistics lead takes to a carrier review are the same in both: delivered, damaged, breakage per 1,000
 * with its 95 % interval, on-time rate, average delay and the flag, worst breakage first.
 */
import type { CarrierWeekRow } from '../mart-rows.ts';
import { compareText } from './compare-text.ts';
import type { TableColumn } from './dashboard-types.ts';
import type { Formatter } from './format.ts';
import type { Labels } from './labels.ts';

/** The week's rows, worst breakage first, ties by carrier name. */
export function selectCarrierWeek(rows: readonly CarrierWeekRow[], week: string): CarrierWeekRow[] {
  return rows.filter((row) => row.week === week).sort((a, b) => b.breakage_per_1000 - a.breakage_per_1000 || compareText(a.carrier, b.carrier));
}

export function buildCarrierWeekColumns(labels: Labels): TableColumn[] {
  const f = labels.field;
  return [
    { header: f.carrier, wrap: 'never' },
    { header: f.delivered, numeric: true },
    { header: f.damaged, numeric: true },
    { header: f.breakagePer1000, numeric: true },
    { header: f.ci95, numeric: true },
    { header: f.onTimeRate, numeric: true },
    { header: f.avgDelayHours, numeric: true },
    { header: f.flagged },
  ];
}

export function buildCarrierWeekRow(row: CarrierWeekRow, labels: Labels, format: Formatter): string[] {
  return [
    row.carrier,
    format.count(row.delivered_shipments),
    format.count(row.damaged_shipments),
    format.per1000(row.breakage_per_1000),
    `${format.per1000(row.breakage_ci_low_per_1000)} – ${format.per1000(row.breakage_ci_high_per_1000)}`,
    format.percent(row.on_time_rate),
    format.decimal(row.avg_delay_hours, 1),
    row.flagged ? labels.site.yes : labels.site.no,
  ];
}
