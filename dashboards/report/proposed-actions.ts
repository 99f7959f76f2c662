/**
 * Turns each new flag into a suggested corrective action, as a `corrective_actions` CSV row (CONTRACT
 * §2) ready to paste into the inbox. A flag is new when no action already works on it: an action on the
 * same cause and scope that is open, or implemented and not (yet) judged ineffective. An action judged
 * not effective, verified long ago or abandoned does not cover a flag that is still there, so the flag
 * is proposed again. An action after which its rate rose significantly (`worsened`) is a flag of its
 * own: a follow-up on the same cause and scope is proposed, to undo or rework it, until one is open.
 */
import type { ActionEffectRow, CarrierWeekRow, ListingFlagRow } from '../mart-rows.ts';
import type { Formatter } from '../shared/format.ts';
import { compareText } from '../shared/compare-text.ts';
import { labelOf, type Labels } from '../shared/labels.ts';

export interface ProposedAction {
  action_id: string;
  cause_code: string;
  scope_type: string;
  scope_value: string;
  title: string;
  owner: string;
  opened_at: string;
  status: 'open';
}

/** The columns of a proposed row, in the order of the corrective_actions entity. */
export const PROPOSED_ACTION_COLUMNS = ['action_id', 'cause_code', 'scope_type', 'scope_value', 'title', 'owner', 'opened_at', 'status'] as const;

export interface ProposalInputs {
  reportWeek: string;
  /** as_of as local ISO 8601: the proposals' opened_at. */
  asOfText: string;
  /** Carrier rows of the report week that are flagged. */
  flaggedCarriers: readonly CarrierWeekRow[];
  /** Listings flagged in the window ending at as_of. */
  flaggedListings: readonly ListingFlagRow[];
  actions: readonly ActionEffectRow[];
  targetPer1000: number;
  labels: Labels;
  format: Formatter;
}

const normalise = (value: string | null | undefined) => (value ?? '').trim().toLowerCase();

/** Whether an action already works on this cause and scope. */
export function isCoveredByAction(actions: readonly ActionEffectRow[], cause: string, scopeType: string, scopeValue: string): boolean {
  return actions.some(
    (action) =>
      action.cause_code === cause &&
      action.scope_type === scopeType &&
      normalise(action.scope_value) === normalise(scopeValue) &&
      (action.status === 'open' || (action.status === 'implemented' && action.verdict !== 'not_effective')),
  );
}

/** Proposals for the uncovered flags: carriers first (by name, code-point order), then listings (by q-value, then SKU), as the review lists them. */
export function proposeActions(inputs: ProposalInputs): ProposedAction[] {
  const { labels, format } = inputs;
  const idPrefix = `P${inputs.reportWeek.replaceAll('-', '')}`;
  const drafts: Omit<ProposedAction, 'action_id'>[] = [];
  for (const row of [...inputs.flaggedCarriers].sort((a, b) => compareText(a.carrier, b.carrier))) {
    if (isCoveredByAction(inputs.actions, 'transit_damage', 'carrier', row.carrier)) continue;
    drafts.push({
      cause_code: 'transit_damage',
      scope_type: 'carrier',
      scope_value: row.carrier,
      title: labels.report.proposalCarrier(
        row.carrier,
        row.week,
        format.per1000(row.breakage_per_1000),
        format.per1000(row.breakage_ci_low_per_1000),
        format.per1000(inputs.targetPer1000),
      ),
      owner: labels.report.ownerRoles.carrier ?? 'logistics',
      opened_at: inputs.asOfText,
      status: 'open',
    });
  }
  const listings = [...inputs.flaggedListings].sort((a, b) => (a.q_value ?? 1) - (b.q_value ?? 1) || compareText(a.sku, b.sku));
  for (const row of listings) {
    if (isCoveredByAction(inputs.actions, 'not_as_described', 'sku', row.sku)) continue;
    drafts.push({
      cause_code: 'not_as_described',
      scope_type: 'sku',
      scope_value: row.sku,
      title: labels.report.proposalListing(row.sku, format.percent(row.nad_rate), format.percent(row.category_rate), format.probability(row.q_value)),
      owner: labels.report.ownerRoles.merchandising ?? 'merchandising',
      opened_at: inputs.asOfText,
      status: 'open',
    });
  }
  // Follow-ups of the actions that made things worse (not of one already abandoned), by action id.
  const worsened = inputs.actions
    .filter((action) => action.worsened && (action.status === 'implemented' || action.status === 'verified'))
    .sort((a, b) => compareText(a.action_id, b.action_id));
  for (const action of worsened) {
    if (isCoveredByAction(inputs.actions, action.cause_code, action.scope_type, action.scope_value ?? '')) continue;
    drafts.push({
      cause_code: action.cause_code,
      scope_type: action.scope_type,
      scope_value: action.scope_value ?? '',
      title: labels.report.proposalWorsened(
        action.action_id,
        labelOf(labels.causes, action.cause_code),
        format.ratePer1000(action.before_rate),
        format.ratePer1000(action.after_rate),
        format.probability(action.p_value_worse),
      ),
      owner: action.owner ?? '',
      opened_at: inputs.asOfText,
      status: 'open',
    });
  }
  return drafts.map((draft, i) => ({ action_id: `${idPrefix}-${String(i + 1).padStart(2, '0')}`, ...draft }));
}

/**
 * One CSV cell (RFC 4180). A text a spreadsheet would run as a formula (leading =, +, -, @, tab, CR)
 * gets a leading apostrophe, as in the exported marts.
 */
export function formatCsvCell(value: string): string {
  const guarded = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replaceAll('"', '""')}"` : guarded;
}

/** The proposals as a corrective_actions CSV file: header and one line per proposal. */
export function formatProposedActionsCsv(proposals: readonly ProposedAction[]): string {
  const lines = [PROPOSED_ACTION_COLUMNS.join(','), ...proposals.map((p) => PROPOSED_ACTION_COLUMNS.map((column) => formatCsvCell(p[column])).join(','))];
  return `${lines.join('\n')}\n`;
}
