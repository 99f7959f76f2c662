/**
 * The corrective-actions table (verdicts with before/after evidence), shared by the quality dashboard
 * and the weekly review so both show the same columns and formatting.
 */
import type { ActionEffectRow } from '../mart-rows.ts';
import type { TableColumn } from './dashboard-types.ts';
import type { Formatter } from './format.ts';
import { labelOf, type Labels } from './labels.ts';

/** "Carrier: HeronExpress", or just the scope type for global scopes. */
export function describeActionScope(row: ActionEffectRow, labels: Labels): string {
  if (!row.scope_value) return labelOf(labels.scopeTypes, row.scope_type);
  // a channel is named as the pages name channels (邮件, not email); carriers, SKUs and categories are data
  const value = row.scope_type === 'channel' ? labelOf(labels.channels, row.scope_value.trim().toLowerCase()) : row.scope_value;
  return `${labelOf(labels.scopeTypes, row.scope_type)}: ${value}`;
}

export function buildActionsTableColumns(labels: Labels): TableColumn[] {
  const f = labels.field;
  return [
    { header: f.action, wrap: 'never' },
    { header: f.actionTitle },
    { header: f.cause, wrap: 'spaces' },
    { header: f.scope, wrap: 'spaces' },
    { header: f.status, wrap: 'spaces' },
    { header: f.implemented, wrap: 'never' },
    { header: `${f.events} / ${f.exposures} (${f.before})`, numeric: true },
    { header: f.beforeRate, numeric: true },
    { header: `${f.events} / ${f.exposures} (${f.after})`, numeric: true },
    { header: f.afterRate, numeric: true },
    { header: f.pValue, numeric: true },
    { header: f.verdict },
  ];
}

export function buildActionsTableRows(actions: readonly ActionEffectRow[], labels: Labels, format: Formatter): string[][] {
  return actions.map((row) => [
    row.action_id,
    row.title ?? '',
    labelOf(labels.causes, row.cause_code),
    describeActionScope(row, labels),
    labelOf(labels.actionStatuses, row.status),
    row.implemented_at?.slice(0, 10) ?? '–',
    `${format.count(row.before_events)} / ${format.count(row.before_exposures)}`,
    format.ratePer1000(row.before_rate),
    `${format.count(row.after_events)} / ${format.count(row.after_exposures)}`,
    format.ratePer1000(row.after_rate),
    format.probability(row.p_value),
    describeVerdict(row, labels, format),
  ]);
}

/** A verdict on an after period shorter than planned: its after rate reads low (see earlyNote). */
/** A judged verdict (effective or not) whose after period has not run its planned length by as_of. */
export function isEarlyVerdict(row: ActionEffectRow): row is ActionEffectRow & { after_days: number } {
  return (row.verdict === 'effective' || row.verdict === 'not_effective') && row.after_days !== null && row.after_days < row.after_days_planned;
}

/** What "early" means, said once under a table with an early verdict (each row only counts the days). */
export function explainEarlyVerdicts(actions: readonly ActionEffectRow[], labels: Labels): string | undefined {
  return actions.some(isEarlyVerdict) ? labels.quality.actionsTable.earlyNote : undefined;
}

/**
 * The verdict as a reader should take it: an abandoned action that was never implemented has none to
 * wait for, a "not effective" whose rate rose significantly says so (it needs acting on, not waiting
 * for), and a verdict whose after period has not run its planned length is marked early.
 */
export function describeVerdict(row: ActionEffectRow, labels: Labels, format: Formatter): string {
  if (row.status === 'abandoned' && row.verdict === 'pending') return '–';
  const table = labels.quality.actionsTable;
  const notes: string[] = [];
  if (row.worsened) notes.push(table.worsened(format.probability(row.p_value_worse)));
  if (isEarlyVerdict(row)) notes.push(table.early(format.decimal(row.after_days, 1), format.count(row.after_days_planned)));
  // "insufficient data" for an action whose after period begins only after as_of: nothing to judge yet
  if (row.verdict === 'insufficient_data' && row.after_days === 0) notes.push(table.afterNotStarted);
  const verdict = labelOf(labels.verdicts, row.verdict);
  return notes.length ? `${verdict}${labels.aside(notes.join(table.noteSeparator))}` : verdict;
}

/**
 * The actions on one scope (a carrier, say), each with its status and verdict; '–' when none. An
 * action's scope_value matches case-insensitively and without surrounding spaces, as the mart does.
 */
export function describeScopeActions(actions: readonly ActionEffectRow[], labels: Labels, format: Formatter, scopeType: string, scopeValue: string): string {
  const related = actions.filter((a) => a.scope_type === scopeType && (a.scope_value ?? '').trim().toLowerCase() === scopeValue.trim().toLowerCase());
  const describe = (a: ActionEffectRow) =>
    `${a.action_id}${labels.aside(`${labelOf(labels.actionStatuses, a.status)}${labels.clauseSeparator}${describeVerdict(a, labels, format)}`)}`;
  return related.map(describe).join(labels.quality.actionsTable.noteSeparator) || '–';
}
