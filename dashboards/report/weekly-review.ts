/**
 * The weekly root-cause review of the latest complete week, as a document: headline numbers against the
 * week before, the week's Pareto and movers, carriers (the week and the flags of the last 12 weeks),
 * flagged listings, SLA breaches, corrective actions due and their verdicts, and proposed actions for
 * the new flags. Every figure is a mart value formatted by the shared formatter, so it can be checked
 * against the marts.
 */
import { buildActionsTableColumns, buildActionsTableRows, describeScopeActions, explainEarlyVerdicts } from '../shared/actions-table.ts';
import { buildCarrierWeekColumns, buildCarrierWeekRow, selectCarrierWeek } from '../shared/carrier-week-table.ts';
import { buildCrisisColumns, buildCrisisRow } from '../shared/crisis-table.ts';
import { buildFlaggedListingColumns, buildFlaggedListingRow, selectFlaggedListings } from '../shared/flagged-listings-table.ts';
import type { Config } from '../../pipelines/core/config.ts';
import type { ActionEffectRow, CauseWeekRow } from '../mart-rows.ts';
import { formatLocalInstant, formatSignedPercent, type Formatter } from '../shared/format.ts';
import { describeFreshness } from '../shared/freshness.ts';
import { describeEffectiveCount } from '../shared/headline.ts';
import { compareText } from '../shared/compare-text.ts';
import { labelOf, type Labels } from '../shared/labels.ts';
import { lastDayOfWeek, shiftWeek } from '../shared/weeks.ts';
import { formatProposedActionsCsv, proposeActions, type ProposedAction } from './proposed-actions.ts';
import type { ReviewData } from './report-queries.ts';
import { buildControlRows, describeControlSignal } from '../quality/quality-dashboard.ts';
import type { ReviewBlock, ReviewDocument } from './review-document.ts';

/** How far back the review looks for carrier flags. */
const FLAG_LOOKBACK_WEEKS = 12;
/** An open action due within this many days is listed as due. */
const DUE_WITHIN_DAYS = 7;

export interface ReviewSettings {
  labels: Labels;
  format: Formatter;
  asOf: Date;
  targetPer1000: number;
  /** A newest complaint older than this (hours before as_of) draws a warning: config maxComplaintGapHours, as `status --check`. */
  maxComplaintGapHours: number;
  /** First-response targets by severity (config sla.targets): shown beside each SLA row's actuals. */
  slaTargets: Config['sla']['targets'];
  /** The p-chart's ramp-up and baseline (config controlChart), for the headline's signal row. */
  controlChart: Config['controlChart'];
  /** Chart images beside the review: file name and alt text. */
  charts: readonly { file: string; title: string }[];
}

export interface WeeklyReview {
  document: ReviewDocument;
  proposals: ProposedAction[];
}

/** The review's file name stem for a week: `weekly-YYYY-MM-DD`. */
export function reviewStemOf(week: string): string {
  return `weekly-${week}`;
}

export function buildWeeklyReview(data: ReviewData, settings: ReviewSettings): WeeklyReview {
  const { labels } = settings;
  const week = data.reportWeek;
  const proposals = proposeActions({
    reportWeek: week,
    asOfText: data.asOfText,
    flaggedCarriers: data.carrierWeeks.filter((row) => row.week === week && row.flagged),
    flaggedListings: data.listings.filter((row) => row.flagged),
    actions: data.actions,
    targetPer1000: settings.targetPer1000,
    labels,
    format: settings.format,
  });
  const title = `${labels.report.title} · ${week} ${labels.report.to} ${lastDayOfWeek(week)}`;
  const blocks: ReviewBlock[] = [
    { kind: 'heading', level: 1, text: title },
    { kind: 'paragraph', text: `${labels.report.generated} ${formatLocalInstant(data.asOfText)}` },
    ...buildFreshnessSection(data, settings),
    ...buildHeadlineSection(data, settings),
    ...buildCrisisSection(data, settings),
    ...buildCauseSection(data, settings),
    ...buildCarrierSection(data, settings),
    ...buildListingSection(data, settings),
    ...buildSlaSection(data, settings),
    ...buildActionSection(data, settings),
    ...buildProposalSection(proposals, settings),
    ...buildChartSection(settings),
  ];
  // A table without rows (a week without deliveries, an empty inbox) says so instead of showing a bare header.
  const shown = blocks.map((block): ReviewBlock =>
    block.kind === 'table' && block.rows.length === 0 ? { kind: 'paragraph', text: labels.report.noData } : block,
  );
  return { document: { title, lang: labels.htmlLang, blocks: shown }, proposals };
}

/** How fresh the data is, and a warning when it looks stale or missing (shared/freshness.ts). */
function buildFreshnessSection(data: ReviewData, { labels, format, asOf, maxComplaintGapHours }: ReviewSettings): ReviewBlock[] {
  const { latest, warning } = describeFreshness(
    { latestComplaintAt: data.latestComplaintAt, asOf, maxComplaintGapHours, complaintsThisWeek: data.headline.current.complaints },
    labels,
    format,
  );
  return [latest, warning].filter((text): text is string => text !== null).map((text) => ({ kind: 'paragraph', text }));
}

function signedDecimal(value: number | null, digits: number, format: Formatter, suffix = ''): string {
  if (value === null || Number.isNaN(value)) return '–';
  const rounded = Number(value.toFixed(digits));
  const text = format.decimal(Math.abs(rounded), digits);
  return `${rounded > 0 ? '+' : rounded < 0 ? '−' : '±'}${text}${suffix}`;
}

const difference = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);

function buildHeadlineSection(data: ReviewData, { labels, format, controlChart }: ReviewSettings): ReviewBlock[] {
  const { current, previous } = data.headline;
  const h = labels.headline;
  const control = buildControlRows(data, data.reportWeek, labels, controlChart).rows;
  const signalOf = (week: string) =>
    describeControlSignal(
      control.find((row) => row.week === week),
      labels,
    );
  const rows: string[][] = [
    [h.complaints, format.count(current.complaints), format.count(previous.complaints), format.signed(current.complaints - previous.complaints)],
    [
      h.complaintsPer1000,
      `${format.per1000(current.complaintsPer1000Orders)}${data.headline.orderSwing !== null ? ' †' : ''}`,
      format.per1000(previous.complaintsPer1000Orders),
      signedDecimal(difference(current.complaintsPer1000Orders, previous.complaintsPer1000Orders), 1, format),
    ],
    // whether the change is more than week-to-week noise: the p-chart's verdict on each week
    [h.controlSignal, signalOf(data.reportWeek), signalOf(shiftWeek(data.reportWeek, -1)), ''],
    [
      h.breakagePer1000,
      format.per1000(current.breakagePer1000),
      format.per1000(previous.breakagePer1000),
      signedDecimal(difference(current.breakagePer1000, previous.breakagePer1000), 1, format),
    ],
    [
      h.onTimeRate,
      format.percent(current.onTimeRate),
      format.percent(previous.onTimeRate),
      signedDecimal(scaled(difference(current.onTimeRate, previous.onTimeRate)), 1, format, labels.report.percentagePoints),
    ],
    [
      h.breachRate,
      `${format.percent(current.breachRate)}${current.slaAwaitingWithinTarget > 0 ? ' *' : ''}`,
      `${format.percent(previous.breachRate)}${previous.slaAwaitingWithinTarget > 0 ? ' **' : ''}`,
      signedDecimal(scaled(difference(current.breachRate, previous.breachRate)), 1, format, labels.report.percentagePoints),
    ],
    [
      h.crisis,
      format.count(current.crisisComplaints),
      format.count(previous.crisisComplaints),
      format.signed(current.crisisComplaints - previous.crisisComplaints),
    ],
    [h.flaggedCarriers, current.flaggedCarriers.join(', ') || '–', previous.flaggedCarriers.join(', ') || '–', ''],
    [h.flaggedListings, data.headline.flaggedListings.join(', ') || '–', '', ''],
    [h.openPastTarget, format.count(data.waitingPastTarget), '', ''],
    [h.actionsEffective, describeEffectiveCount(data.headline, labels, format), '', ''],
    ...(data.headline.actionsWorsened.length ? [[h.actionsWorsenedMetric, data.headline.actionsWorsened.join(', '), '', '']] : []),
  ];
  return [
    { kind: 'heading', level: 2, text: labels.report.headline },
    {
      kind: 'table',
      columns: [
        { header: labels.report.metric },
        { header: `${labels.site.thisWeek}${labels.aside(data.reportWeek)}`, numeric: true },
        { header: `${labels.site.lastWeek}${labels.aside(shiftWeek(data.reportWeek, -1))}`, numeric: true },
        { header: labels.site.change, numeric: true },
      ],
      rows,
    },
    // A week's rate counts only the breaches so far: comparing it with a settled week showed a drop each
    // Monday that nothing real caused.
    ...[current, previous]
      .filter((week) => week.slaAwaitingWithinTarget > 0)
      .map((week): ReviewBlock => ({
        kind: 'paragraph',
        text: `${week === current ? '*' : '**'} ${week.week}: ${h.breachProvisional(format.count(week.slaAwaitingWithinTarget))}`,
      })),
    ...(data.headline.orderSwing !== null
      ? [{ kind: 'paragraph' as const, text: `† ${h.orderSwing(formatSignedPercent(data.headline.orderSwing, format))}` }]
      : []),
  ];
}

function scaled(value: number | null): number | null {
  return value === null ? null : value * 100;
}

/**
 * The week's crisis complaints one by one: each called for an immediate response (应急响应), and a
 * safety word (过敏, 起火 …) points at a product to check, so the review names them rather than counting.
 */
function buildCrisisSection(data: ReviewData, { labels, format }: ReviewSettings): ReviewBlock[] {
  const { crisisComplaints, crisisBreached } = data.headline.current;
  return [
    { kind: 'heading', level: 2, text: labels.crisis.title },
    data.crisis.length
      ? { kind: 'paragraph', text: labels.crisis.summary(format.count(crisisComplaints), format.count(crisisBreached)) }
      : { kind: 'paragraph', text: labels.crisis.none },
    ...(data.crisis.length
      ? [{ kind: 'table' as const, columns: buildCrisisColumns(labels), rows: data.crisis.map((row) => buildCrisisRow(row, labels, format)) }]
      : []),
  ];
}

function buildCauseSection(data: ReviewData, { labels, format }: ReviewSettings): ReviewBlock[] {
  const f = labels.field;
  const causes = data.causeWeeks.filter((row) => row.week === data.reportWeek);
  const movers = data.movers.filter((row) => row.week === data.reportWeek && row.wow_change !== 0);
  const describe = (row: (typeof movers)[number]) =>
    `${labelOf(labels.causes, row.cause_code)} ${format.signed(row.wow_change)}${labels.aside(`${format.count(row.previous_complaints)} → ${format.count(row.complaints)}`)}`;
  const risers = movers
    .filter((row) => row.wow_change > 0)
    .sort((a, b) => b.wow_change - a.wow_change || a.cause_code.localeCompare(b.cause_code))
    .slice(0, 3);
  const fallers = movers
    .filter((row) => row.wow_change < 0)
    .sort((a, b) => a.wow_change - b.wow_change || a.cause_code.localeCompare(b.cause_code))
    .slice(0, 3);
  return [
    { kind: 'heading', level: 2, text: labels.report.topCauses },
    {
      kind: 'table',
      columns: [
        { header: f.rank, numeric: true },
        { header: f.cause },
        { header: f.party },
        { header: f.complaints, numeric: true },
        { header: f.share, numeric: true },
        { header: labels.quality.cumulativeShare, numeric: true },
        { header: f.wowChange, numeric: true },
      ],
      rows: causes.map((row) => [
        format.count(row.rank),
        labelOf(labels.causes, row.cause_code),
        labelOf(labels.parties, row.responsible_party),
        format.count(row.complaints),
        format.percent(row.share),
        format.percent(row.cumulative_share),
        format.signed(row.wow_change),
      ]),
    },
    { kind: 'heading', level: 3, text: labels.report.movers },
    movers.length
      ? {
          kind: 'list',
          items: [
            ...(risers.length ? [`${labels.report.risers}: ${risers.map(describe).join('; ')}`] : []),
            ...(fallers.length ? [`${labels.report.fallers}: ${fallers.map(describe).join('; ')}`] : []),
          ],
        }
      : { kind: 'paragraph', text: labels.report.noMovers },
    ...buildCauseSourceBlocks(data, causes, labels, format),
  ];
}

/** How many causes of the week get their carriers or SKUs named, and how many of each. */
const SOURCED_CAUSES = 3;
const SOURCES_PER_CAUSE = 3;

function buildCauseSourceBlocks(data: ReviewData, causes: readonly CauseWeekRow[], labels: Labels, format: Formatter): ReviewBlock[] {
  const { byCarrier, bySku, unclassified, untagged, unclassifiedExamples } = data.causeSources;
  // A carrier's complaints against the parcels it delivered in the week (mart_carrier_weekly): by count
  // alone the busiest carrier always leads.
  const delivered = new Map(data.carrierWeeks.filter((row) => row.week === data.reportWeek).map((row) => [row.carrier, row.delivered_shipments]));
  const perMille = (carrier: string, complaints: number): string | null => {
    const parcels = delivered.get(carrier);
    return parcels ? `${format.per1000((1000 * complaints) / parcels)}‰` : null;
  };
  const sourced = causes
    .filter((row) => row.cause_code !== 'other')
    .slice(0, SOURCED_CAUSES)
    .map((row) => {
      const byParty = row.responsible_party === 'carrier';
      const sources = (byParty ? byCarrier : bySku).filter((s) => s.cause_code === row.cause_code);
      const named = sources
        .filter((s): s is typeof s & { source: string } => s.source !== null)
        .slice(0, SOURCES_PER_CAUSE)
        .map((s) => ({ ...s, rate: byParty ? perMille(s.source, s.complaints) : null }));
      const unattributed = sources.find((s) => s.source === null)?.complaints ?? 0;
      const parts = [
        ...named.map((s) => `${s.source} ${format.count(s.complaints)}${s.rate ? labels.aside(s.rate) : ''}`),
        ...(unattributed ? [`${labels.report.unattributed} ${format.count(unattributed)}`] : []),
      ];
      return {
        text: `${labelOf(labels.causes, row.cause_code)}${labels.aside(format.count(row.complaints))}: ${parts.join(', ') || '–'}`,
        rated: named.some((s) => s.rate),
      };
    });
  const items = sourced.map((item) => item.text);
  return [
    ...(items.length ? [{ kind: 'heading', level: 3, text: labels.report.causeSources } as const, { kind: 'list', items } as const] : []),
    ...(sourced.some((item) => item.rated) ? [{ kind: 'paragraph', text: labels.report.perMilleDelivered } as const] : []),
    // an unclassified complaint is an untagged one, so `untagged` is at least 1 here
    ...(unclassified > 0
      ? [
          {
            kind: 'paragraph',
            text: labels.report.unclassified(format.count(unclassified), format.count(untagged), format.percent(unclassified / untagged)),
          } as const,
          { kind: 'list', items: unclassifiedExamples } as const,
        ]
      : []),
  ];
}

function buildCarrierSection(data: ReviewData, { labels, format }: ReviewSettings): ReviewBlock[] {
  const f = labels.field;
  const week = data.reportWeek;
  const thisWeek = selectCarrierWeek(data.carrierWeeks, week);
  const since = shiftWeek(week, -(FLAG_LOOKBACK_WEEKS - 1));
  const flaggedRows = data.carrierWeeks.filter((row) => row.flagged && row.week >= since && row.week <= week);
  const history = new Map<string, typeof flaggedRows>();
  for (const row of flaggedRows) history.set(row.carrier, [...(history.get(row.carrier) ?? []), row]);
  // Carriers in code-point order, as the headline names the flagged ones (headline.ts)
  const historyRows = [...history.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([carrier, rows]) => {
      const last = rows.reduce((a, b) => (b.week > a.week ? b : a));
      return [
        carrier,
        format.count(rows.length),
        last.week,
        format.per1000(last.breakage_per_1000),
        `${format.per1000(last.breakage_ci_low_per_1000)} – ${format.per1000(last.breakage_ci_high_per_1000)}`,
        describeScopeActions(data.actions, labels, format, 'carrier', carrier),
      ];
    });
  return [
    { kind: 'heading', level: 2, text: labels.report.carriers },
    { kind: 'heading', level: 3, text: labels.report.carriersWeek },
    {
      kind: 'table',
      columns: buildCarrierWeekColumns(labels),
      rows: thisWeek.map((row) => buildCarrierWeekRow(row, labels, format)),
    },
    { kind: 'heading', level: 3, text: labels.report.flagHistory },
    historyRows.length
      ? {
          kind: 'table',
          columns: [
            { header: f.carrier },
            { header: labels.report.weeksFlagged, numeric: true },
            { header: labels.report.lastFlagged },
            // the figures of that week, not of the week reviewed
            { header: labels.report.lastFlaggedBreakage, numeric: true },
            { header: f.ci95, numeric: true },
            { header: labels.report.relatedActions },
          ],
          rows: historyRows,
        }
      : { kind: 'paragraph', text: labels.report.noCarrierFlags },
  ];
}

function buildListingSection(data: ReviewData, { labels, format }: ReviewSettings): ReviewBlock[] {
  const flagged = selectFlaggedListings(data.listings);
  const window = data.listings[0]
    ? `${labels.report.listingWindow}: ${formatLocalInstant(data.listings[0].window_start)} – ${formatLocalInstant(data.listings[0].window_end)}`
    : '';
  return [
    { kind: 'heading', level: 2, text: labels.report.listings },
    ...(window ? [{ kind: 'paragraph', text: window } as const] : []),
    flagged.length
      ? {
          kind: 'table',
          columns: [...buildFlaggedListingColumns(labels), { header: labels.report.relatedActions }],
          rows: flagged.map((row) => [...buildFlaggedListingRow(row, format), describeScopeActions(data.actions, labels, format, 'sku', row.sku)]),
        }
      : { kind: 'paragraph', text: labels.report.noListingFlags },
  ];
}

function buildSlaSection(data: ReviewData, { labels, format, slaTargets }: ReviewSettings): ReviewBlock[] {
  const f = labels.field;
  const rows = data.slaWeeks.filter((row) => row.week === data.reportWeek);
  const complaints = rows.reduce((n, row) => n + row.complaints, 0);
  const breached = rows.reduce((n, row) => n + row.breached, 0);
  const breachedRows = rows
    .filter((row) => row.breached > 0)
    .sort((a, b) => b.breached - a.breached || a.channel.localeCompare(b.channel) || a.severity.localeCompare(b.severity));
  return [
    { kind: 'heading', level: 2, text: labels.report.sla },
    breached > 0
      ? { kind: 'paragraph', text: labels.report.slaSummary(format.count(breached), format.count(complaints), format.percent(breached / complaints)) }
      : { kind: 'paragraph', text: labels.report.noSlaBreaches },
    ...(breachedRows.length
      ? [
          {
            kind: 'table' as const,
            columns: [
              { header: f.channel },
              { header: f.severity },
              { header: f.complaints, numeric: true },
              { header: f.breached, numeric: true },
              { header: f.breachRate, numeric: true },
              { header: f.medianFirstResponse, numeric: true },
              { header: f.targetMinutes, numeric: true },
            ],
            rows: breachedRows.map((row) => [
              labelOf(labels.channels, row.channel),
              labelOf(labels.severities, row.severity),
              format.count(row.complaints),
              format.count(row.breached),
              format.percent(row.breach_rate),
              format.decimal(row.median_first_response_minutes, 0),
              describeTarget(slaTargets, row.severity, labels, format),
            ]),
          },
        ]
      : []),
    { kind: 'paragraph', text: `${format.count(data.waitingPastTarget)} ${labels.report.openPastTarget}` },
  ];
}

/** A severity's first-response target with the clock it counts on: "120 (business hours)". */
function describeTarget(targets: ReviewSettings['slaTargets'], severity: string, labels: Labels, format: Formatter): string {
  const target = targets[severity as keyof typeof targets];
  return target ? `${format.count(target.minutes)}${labels.aside(labelOf(labels.slaClocks, target.clock))}` : '–';
}

function buildActionSection(data: ReviewData, { labels, format, asOf }: ReviewSettings): ReviewBlock[] {
  const f = labels.field;
  if (data.actions.length === 0)
    return [
      { kind: 'heading', level: 2, text: labels.report.actions },
      { kind: 'paragraph', text: labels.report.noActions },
    ];
  const horizon = asOf.getTime() + DUE_WITHIN_DAYS * 86_400_000;
  const due = data.actions.filter((a) => a.status === 'open' && a.due_at !== null && Date.parse(a.due_at) <= horizon);
  return [
    { kind: 'heading', level: 2, text: labels.report.actions },
    { kind: 'heading', level: 3, text: labels.report.dueSoon },
    due.length
      ? {
          kind: 'table',
          columns: [{ header: f.action }, { header: f.actionTitle }, { header: f.owner }, { header: f.due }, { header: f.status }],
          rows: due.map((a): string[] => [
            a.action_id,
            a.title ?? '',
            a.owner ?? '–',
            a.due_at ? formatLocalInstant(a.due_at) : '',
            Date.parse(a.due_at!) < asOf.getTime() ? labels.report.overdue : labels.report.dueThisWeek,
          ]),
        }
      : { kind: 'paragraph', text: labels.report.noDueActions },
    { kind: 'heading', level: 3, text: labels.quality.actionsTable.title },
    {
      kind: 'table',
      columns: buildActionsTableColumns(labels),
      rows: buildActionsTableRows(data.actions, labels, format),
    },
    ...explainedEarlyVerdicts(data.actions, labels),
  ];
}

function explainedEarlyVerdicts(actions: readonly ActionEffectRow[], labels: Labels): ReviewBlock[] {
  const note = explainEarlyVerdicts(actions, labels);
  return note ? [{ kind: 'paragraph', text: note }] : [];
}

function buildProposalSection(proposals: readonly ProposedAction[], { labels }: ReviewSettings): ReviewBlock[] {
  const f = labels.field;
  if (proposals.length === 0)
    return [
      { kind: 'heading', level: 2, text: labels.report.proposed },
      { kind: 'paragraph', text: labels.report.noProposals },
    ];
  return [
    { kind: 'heading', level: 2, text: labels.report.proposed },
    { kind: 'paragraph', text: labels.report.proposedIntro },
    {
      kind: 'table',
      columns: [
        { header: f.action, wrap: 'never' },
        { header: f.cause, wrap: 'spaces' },
        { header: f.scope, wrap: 'spaces' },
        { header: f.owner },
        { header: labels.report.because },
      ],
      rows: proposals.map((p) => [
        p.action_id,
        labelOf(labels.causes, p.cause_code),
        // a global scope has no value
        p.scope_value ? `${labelOf(labels.scopeTypes, p.scope_type)}: ${p.scope_value}` : labelOf(labels.scopeTypes, p.scope_type),
        p.owner,
        p.title,
      ]),
    },
    { kind: 'code', language: 'csv', text: formatProposedActionsCsv(proposals) },
  ];
}

function buildChartSection({ labels, charts }: ReviewSettings): ReviewBlock[] {
  if (charts.length === 0) return [];
  return [
    { kind: 'heading', level: 2, text: labels.report.charts },
    ...charts.flatMap((chart): ReviewBlock[] => [
      { kind: 'heading', level: 3, text: chart.title },
      { kind: 'image', src: chart.file, alt: chart.title },
    ]),
  ];
}
