// Edges of what the weekly review, the site's front page and the service page print: the freshness
// warning's limit (the complaint gap `status --check` uses), the one-decimal rounding, the order of
// risers and flagged listings, the service page's waiting list and the week the front page shows.
// Each case is one that a mutation audit found unpinned; the expected values are worked out by hand.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CarrierWeekRow } from '../../dashboards/mart-rows.ts';
import type { ListingRow } from '../../dashboards/merchandising/merchandising-queries.ts';
import type { CauseMoverRow } from '../../dashboards/quality/quality-queries.ts';
import type { ReviewData } from '../../dashboards/report/report-queries.ts';
import { renderMarkdown } from '../../dashboards/report/render-markdown.ts';
import { buildWeeklyReview } from '../../dashboards/report/weekly-review.ts';
import { defaultConfig } from '../../pipelines/core/config.ts';
import { describeFreshness } from '../../dashboards/shared/freshness.ts';
import { summarizeHeadline } from '../../dashboards/shared/headline.ts';
import { queryLatestCompleteWeek } from '../../dashboards/shared/weeks.ts';
import { renderIndexPage } from '../../dashboards/site/index-page.ts';
import { shiftWeek } from '../../dashboards/shared/weeks.ts';
import { createFormatter } from '../../dashboards/shared/format.ts';
import { selectLabels } from '../../dashboards/shared/labels.ts';
import { queryWaitingComplaints } from '../../dashboards/service/service-queries.ts';
import { parseConfig } from '../../pipelines/core/config.ts';
import { Warehouse } from '../../pipelines/core/warehouse.ts';
import { listingFlagRow, slaWeekRow } from '../helpers/mart-rows.ts';
import { withWarehouse } from '../helpers/warehouse.ts';
import { GOLDEN_AS_OF, runGoldenWorld, toCsv, type GoldenWorld } from '../models/golden-world.ts';
import { parseMarkdownTables } from './read-output.ts';
import { runWorld, type WorldRun } from './run-world.ts';
import { SMALL_WORLD_AS_OF, SMALL_WORLD_REPORT_WEEK, writeSmallWorld } from './small-world.ts';

/** The contract's first-response targets (CONTRACT §3), as the config's defaults. */
const SLA_TARGETS = defaultConfig().sla.targets;
const CONTROL_CHART = defaultConfig().controlChart;

const en = selectLabels('en');
const zh = selectLabels('zh');
const enFormat = createFormatter(en);
const HOUR = 3_600_000;

describe('the freshness warning', () => {
  const asOf = new Date('2026-03-30T00:00:00+08:00');
  const { maxComplaintGapHours } = parseConfig({});
  /** The freshness line and warning when the newest complaint was opened `hours` before as_of. */
  const freshness = (hours: number, complaintsThisWeek = 5) =>
    describeFreshness(
      { latestComplaintAt: new Date(asOf.getTime() - hours * HOUR).toISOString(), asOf, maxComplaintGapHours, complaintsThisWeek },
      en,
      enFormat,
    );

  it('holds the newest complaint against the complaint gap status --check uses (72 h), not the data age (26 h)', () => {
    expect(maxComplaintGapHours).toBe(72);
    // a quiet Sunday: 30 h without a complaint is past maxDataAgeHours but no stale feed
    expect(freshness(30).warning).toBeNull();
    expect(freshness(72).warning).toBeNull();
    // 72 h + 1 min: 72.0167 h, printed without decimals
    expect(freshness(72 + 1 / 60).warning).toBe(en.report.staleData('72'));
    expect(freshness(72 + 1 / 60).warning).toBe(
      "Warning: the newest complaint is 72 hours older than this review's as-of time. Check that the complaints feed has not stopped (rootloop status) before reading a quiet week as good news.",
    );
  });

  it('says when the newest complaint was opened, in its own local time', () => {
    const latestComplaintAt = '2026-03-29T21:15:00+08:00';
    expect(describeFreshness({ latestComplaintAt, asOf, maxComplaintGapHours, complaintsThisWeek: 3 }, en, enFormat)).toEqual({
      latest: `${en.report.latestComplaint}: 2026-03-29 21:15 +08:00`,
      warning: null,
    });
  });

  it('warns about an empty week only while the feed is not stale, and about an empty warehouse', () => {
    expect(freshness(10, 0).warning).toBe(en.report.noComplaintsThisWeek);
    // stale and empty: the stale warning says more (when the feed stopped)
    expect(freshness(100, 0).warning).toBe(en.report.staleData('100'));
    expect(describeFreshness({ latestComplaintAt: null, asOf, maxComplaintGapHours, complaintsThisWeek: 0 }, zh, createFormatter(zh))).toEqual({
      latest: null,
      warning: zh.report.noComplaintsYet,
    });
  });
});

const WEEK = '2026-03-23';
const AS_OF = new Date('2026-03-30T00:00:00+08:00');

/** Review data of WEEK with nothing in it but what a test gives (and a complaint 4 h before as_of). */
function reviewData(overrides: Partial<ReviewData>): ReviewData {
  const empty = { complaintsPerWeek: [], ordersPerWeek: [], carrierWeeks: [], slaWeeks: [], listings: [], waitingPastTarget: 0, actions: [] };
  return {
    reportWeek: WEEK,
    asOfText: '2026-03-30T00:00:00+08:00',
    latestComplaintAt: '2026-03-29T20:00:00+08:00',
    headline: summarizeHeadline({ ...empty, listings: overrides.listings ?? [] }, WEEK),
    causeWeeks: [],
    movers: [],
    ...empty,
    crisis: [],
    causeSources: { byCarrier: [], bySku: [], unclassified: 0, untagged: 0, unclassifiedExamples: [] },
    ...overrides,
  };
}

const reviewText = (data: ReviewData) =>
  renderMarkdown(
    buildWeeklyReview(data, {
      labels: en,
      format: enFormat,
      asOf: AS_OF,
      targetPer1000: 5,
      maxComplaintGapHours: 72,
      slaTargets: SLA_TARGETS,
      controlChart: CONTROL_CHART,
      charts: [],
    }).document,
  );

/** A listing with 10 of its 100 orders not as described, against 2 % in its category. */
const listing = (sku: string, q: number, flagged = true): ListingRow => ({ ...listingFlagRow(sku, flagged, q), title: `title ${sku}` });

describe("the review's p-chart row", () => {
  const weeks = Array.from({ length: 9 }, (_, i) => shiftWeek(WEEK, i - 8)); // 2026-01-26 … WEEK
  const history = (complaints: number[]) =>
    reviewData({
      complaintsPerWeek: weeks.map((week, i) => ({ week, complaints: complaints[i]! })),
      ordersPerWeek: weeks.map((week) => ({ week, orders: 1000 })),
    });
  const controlRow = (data: ReviewData) =>
    parseMarkdownTables(reviewText(data))
      .find((t) => t.header.includes(en.site.change))!
      .rows.find((r) => r[0] === en.headline.controlSignal)
      ?.slice(1);

  it('names the rules this week breaks and on which side, beside last week', () => {
    // Ramp-up (default 4 weeks) 5, 10, 20, 30 left out; centre = (44 + 40 + 48 + 40 + 90) / 5,000 =
    // 0.0524, σ = √(0.0524 · 0.9476 / 1,000) = 0.0070466, UCL = 0.073540: this week's 0.090 (z = 5.34)
    // is beyond it; last week's 0.040 (z = −1.76) breaks nothing: of its last five weeks only three lie
    // beyond 1σ (the fifth is ramp-up).
    expect(controlRow(history([5, 10, 20, 30, 44, 40, 48, 40, 90]))).toEqual([
      `${en.quality.rules.one} (${en.headline.aboveCentre})`,
      en.headline.noSignal,
      '',
    ]);
    // a drop: centre (44 + 40 + 48 + 40 + 16) / 5,000 = 0.0376, σ = 0.0060155, LCL = 0.019553; this week's
    // 0.016 is below it
    expect(controlRow(history([5, 10, 20, 30, 44, 40, 48, 40, 16]))![0]).toBe(`${en.quality.rules.one} (${en.headline.belowCentre})`);
  });

  it('says ramp-up for a week among the first of the history, and – for a week without orders', () => {
    const young = reviewData({ complaintsPerWeek: [{ week: WEEK, complaints: 30 }], ordersPerWeek: [{ week: WEEK, orders: 1000 }] });
    expect(controlRow(young)).toEqual([en.quality.phases.rampUp, '–', '']);
  });
});

describe('the order of what the review lists', () => {
  const mover = (cause_code: string, previous: number, complaints: number, week = WEEK): CauseMoverRow => ({
    week,
    cause_code,
    complaints,
    previous_complaints: previous,
    wow_change: complaints - previous,
  });

  it('lists the three causes that rose most, largest rise first, ties by cause code; and the three that fell most alike', () => {
    const movers = [
      mover('service_attitude', 4, 5), // +1: fourth riser, left out
      mover('transit_damage', 2, 6), // +4, ties with delivery_delay: after it by code
      mover('wrong_item', 0, 6), // +6: first
      mover('delivery_delay', 1, 5), // +4
      mover('packaging', 3, 3), // no change: neither
      mover('lost_parcel', 0, 10, '2026-03-16'), // another week
      mover('refund_process', 5, 3), // −2, ties with quality_defect: after it by code
      mover('not_as_described', 4, 1), // −3: first to fall
      mover('quality_defect', 2, 0), // −2
      mover('customer_expectation', 1, 0), // −1: fourth, left out
    ];
    const text = reviewText(reviewData({ movers }));
    expect(text).toContain('- Rising: Wrong item +6 (0 → 6); Delivery delay +4 (1 → 5); Transit damage +4 (2 → 6)\n');
    expect(text).toContain('- Falling: Not as described −3 (4 → 1); Quality defect −2 (2 → 0); Refund process −2 (5 → 3)\n');
  });

  it('lists flagged listings strongest evidence first (lowest q-value), ties by SKU, unflagged ones not at all', () => {
    const listings = [listing('SKU-B', 0.01), listing('SKU-D', 0.5, false), listing('SKU-A', 0.01), listing('SKU-C', 0.001), listing('SKU-E', 0.02)];
    const text = reviewText(reviewData({ listings }));
    const table = parseMarkdownTables(text).find((t) => t.header.includes(en.field.qValue))!;
    expect(table.rows.map((r) => `${r[0]} ${r[8]}`)).toEqual(['SKU-C 0.0010', 'SKU-A 0.010', 'SKU-B 0.010', 'SKU-E 0.020']);
    // 10 of 100 orders = 10.0 % against the category's 2.0 %: 5.0× the category; no excerpt, no action
    expect(table.rows[0]).toEqual(['SKU-C', 'title SKU-C', 'toys', '100', '10', '10.0 %', '2.0 %', '5.0×', '0.0010', '', '–']);
    // the headline's line names them in the same order
    expect(parseMarkdownTables(text)[0]!.rows.find((r) => r[0] === en.headline.flaggedListings)?.[1]).toBe('SKU-C, SKU-A, SKU-B, SKU-E');
  });

  it('breaks a q-value tie between SKUs of mixed case in code-point order, in the table as in the headline', () => {
    // upper case sorts before lower case by code point ('S' 0x53 < 's' 0x73); localeCompare puts sku-a first
    const text = reviewText(reviewData({ listings: [listing('sku-a', 0.01), listing('SKU-B', 0.01)] }));
    const tables = parseMarkdownTables(text);
    expect(tables.find((t) => t.header.includes(en.field.qValue))!.rows.map((r) => r[0])).toEqual(['SKU-B', 'sku-a']);
    expect(tables[0]!.rows.find((r) => r[0] === en.headline.flaggedListings)?.[1]).toBe('SKU-B, sku-a');
    // and each gets a proposed action (none covers them), numbered in that order
    expect(tables.find((t) => t.header.includes(en.report.because))!.rows.map((r) => `${r[0]} ${r[2]}`)).toEqual([
      `P20260323-01 ${en.scopeTypes.sku}: SKU-B`,
      `P20260323-02 ${en.scopeTypes.sku}: sku-a`,
    ]);
  });
  it('names carriers of mixed case in code-point order everywhere: headline, week table, flag history, proposals', () => {
    // 'SF' before 'best' ('S' 0x53 < 'b' 0x62), as the headline and SQL's order by sort; both flagged at
    // 20.0 per 1,000 (2 of 100), neither covered by an action, so each gets a proposal, SF's first
    const flagged = (name: string): CarrierWeekRow => ({
      carrier: name,
      week: WEEK,
      delivered_shipments: 100,
      damaged_shipments: 2,
      breakage_per_1000: 20,
      breakage_ci_low_per_1000: 6,
      breakage_ci_high_per_1000: 70,
      on_time_shipments: 100,
      on_time_rate: 1,
      avg_delay_hours: null,
      flagged: true,
    });
    const carrierWeeks = [flagged('best'), flagged('SF')];
    const data = reviewData({ carrierWeeks });
    const text = reviewText({ ...data, headline: summarizeHeadline({ ...data, carrierWeeks, listings: [] }, WEEK) });
    const tables = parseMarkdownTables(text);
    expect(tables[0]!.rows.find((r) => r[0] === en.headline.flaggedCarriers)?.[1]).toBe('SF, best');
    expect(tables.find((t) => t.header.includes(en.field.onTimeRate))!.rows.map((r) => r[0])).toEqual(['SF', 'best']);
    expect(tables.find((t) => t.header.includes(en.report.weeksFlagged))!.rows.map((r) => r[0])).toEqual(['SF', 'best']);
    expect(tables.find((t) => t.header.includes(en.report.because))!.rows.map((r) => `${r[0]} ${r[2]}`)).toEqual([
      `P20260323-01 ${en.scopeTypes.carrier}: SF`,
      `P20260323-02 ${en.scopeTypes.carrier}: best`,
    ]);
  });

  it("lists the week's carriers by breakage, highest first, ties by name", () => {
    // breakage per 1,000: Heron 20 / 1,000 = 20.0; Crane and Auk 2 / 200 = 10.0 (tied: Auk first); Swan 0
    const carrier = (name: string, delivered: number, damaged: number): CarrierWeekRow => ({
      carrier: name,
      week: WEEK,
      delivered_shipments: delivered,
      damaged_shipments: damaged,
      breakage_per_1000: (1000 * damaged) / delivered,
      breakage_ci_low_per_1000: 0,
      breakage_ci_high_per_1000: 0,
      on_time_shipments: delivered,
      on_time_rate: 1,
      avg_delay_hours: null,
      flagged: false,
    });
    const carrierWeeks = [carrier('Swan', 100, 0), carrier('Crane', 200, 2), carrier('Heron', 1000, 20), carrier('Auk', 200, 2)];
    const table = parseMarkdownTables(reviewText(reviewData({ carrierWeeks }))).find((t) => t.header.includes(en.field.onTimeRate))!;
    expect(table.rows.map((r) => `${r[0]} ${r[3]}`)).toEqual(['Heron 20.0', 'Auk 10.0', 'Crane 10.0', 'Swan 0.0']);
  });

  it('lists the SLA rows with breaches, most breaches first, ties by channel then severity, and the complaints still waiting', () => {
    const sla = (channel: string, severity: string, complaints: number, breached: number) =>
      slaWeekRow(WEEK, channel, severity, complaints, breached, { median_first_response_minutes: 30, p90_first_response_minutes: 60 });
    const slaWeeks = [
      sla('chat', 'major', 10, 1),
      sla('email', 'general', 10, 3),
      sla('chat', 'general', 20, 1),
      sla('app', 'crisis', 5, 1),
      sla('hotline', 'general', 5, 0),
    ];
    const text = reviewText(reviewData({ slaWeeks, waitingPastTarget: 2 }));
    // 3 + 1 + 1 + 1 = 6 breaches of 50 complaints: 12.0 %; hotline has none and is left out
    expect(text).toContain(en.report.slaSummary('6', '50', '12.0 %'));
    const table = parseMarkdownTables(text).find((t) => t.header.includes(en.field.medianFirstResponse))!;
    expect(table.rows.map((r) => r.slice(0, 4).join(' '))).toEqual(['Email General 10 3', 'App Crisis 5 1', 'Chat General 20 1', 'Chat Major 10 1']);
    // each row's target beside its median, with the clock it counts on (the contract's defaults)
    expect(table.rows.map((r) => r.at(-1))).toEqual(['480 (business hours)', '60 (calendar)', '480 (business hours)', '120 (business hours)']);
    expect(text).toContain(`2 ${en.report.openPastTarget}`);
  });
});

describe('the one-decimal formatter', () => {
  it('rounds half away from zero on the decimal the reader sees, not truncating and not to even', () => {
    // truncation would print 0.0, 0.1, 2.4, 0.9; rounding half to even 0.2 for 0.25 and 2.4 for 2.45.
    // (2.55 and 0.15 are stored a hair below the half as doubles: toFixed(1) gives 2.5 and 0.1, the
    // formatter rounds the shortest decimal that reads back as the double, as a reader would.)
    expect([0.05, 0.15, 0.25, 2.45, 2.55, 0.949, 0.95].map((v) => enFormat.per1000(v))).toEqual(['0.1', '0.2', '0.3', '2.5', '2.6', '0.9', '1.0']);
    // percent and ratePer1000 round after scaling: 0.0015 → 0.15 %, 0.00035 → 0.35 per 1,000
    expect(enFormat.percent(0.0015)).toBe('0.2 %');
    expect(enFormat.ratePer1000(0.00035)).toBe('0.4');
    expect(enFormat.decimal(0.25)).toBe('0.3');
    expect(enFormat.decimal(1234.5, 0)).toBe('1,235');
    expect(enFormat.count(2.5)).toBe('3');
  });

  it('shows a negative value that rounds to zero without a sign, and a larger one with it', () => {
    // −0.04 → 0.0 (not -0.0); −0.05 rounds away from zero → -0.1; −0.4 → 0 as a count
    expect([enFormat.per1000(-0.04), enFormat.decimal(-0.04), enFormat.percent(-0.0004), enFormat.count(-0.4)]).toEqual(['0.0', '0.0', '0.0 %', '0']);
    expect([enFormat.per1000(-0.05), enFormat.decimal(-2.45), enFormat.count(-2.5)]).toEqual(['-0.1', '-2.5', '-3']);
  });

  it('groups thousands and keeps one decimal in both languages, and shows a dash for a missing value', () => {
    const zhFormat = createFormatter(zh);
    expect([enFormat.per1000(12345.65), zhFormat.per1000(12345.65)]).toEqual(['12,345.7', '12,345.7']);
    expect([enFormat.percent(1), enFormat.per1000(0), enFormat.decimal(3, 2)]).toEqual(['100.0 %', '0.0', '3.00']);
    expect([enFormat.per1000(null), enFormat.percent(Number.NaN), enFormat.decimal(undefined), enFormat.count(null)]).toEqual(['–', '–', '–', '–']);
  });
});

describe("the service page's waiting list", () => {
  // as_of Monday 2026-03-30 00:00 (+08:00); general complaints, target 480 business minutes (Mon–Fri
  // 09:00–18:00). Unanswered since Mon 03-23 10:00: 480 (Mon 10–18) + 4 × 540 (Tue–Fri) = 2640 min.
  // prettier-ignore
  const complaints = toCsv(['complaint_id', 'channel', 'opened_at', 'first_response_at', 'status', 'severity', 'cause_code', 'text'], [
    ['W1', 'chat', '2026-03-23T10:00:00+08:00', null, 'open', 'general', 'other', 'waiting'],
    ['W2', 'chat', '2026-03-24T10:30:00+08:00', null, 'in_progress', 'general', 'other', 'being handled'],
    ['W3', 'email', '2026-03-23T10:00:00+08:00', null, 'reopened', 'general', 'other', 'reopened, waiting again'],
    ['W4', 'chat', '2026-03-20T10:00:00+08:00', null, 'open', 'general', 'other', 'oldest'],
    ['X1', 'chat', '2026-03-23T09:00:00+08:00', null, 'resolved', 'general', 'other', 'resolved without a recorded answer'],
    ['X2', 'chat', '2026-03-23T09:00:00+08:00', null, 'closed', 'general', 'other', 'closed'],
    ['X3', 'chat', '2026-03-27T17:00:00+08:00', null, 'open', 'general', 'other', 'within target: 60 min elapsed'],
    ['X4', 'chat', '2026-03-23T10:00:00+08:00', '2026-03-24T10:00:00+08:00', 'open', 'general', 'other', 'answered late, not waiting'],
  ]);
  let world: GoldenWorld;

  beforeAll(async () => {
    world = await runGoldenWorld({ 'complaints-2026-03-30.csv': complaints });
  });

  afterAll(() => world?.cleanup());

  it('lists the unanswered complaints past their target that are still open, in progress or reopened, oldest first, then by id', async () => {
    const warehouse = await Warehouse.open(world.databaseFile, { timezone: 'Asia/Shanghai', readOnly: true, migrate: false });
    try {
      const waiting = await queryWaitingComplaints(warehouse, new Date(GOLDEN_AS_OF));
      // W1 and W3 were opened at the same minute: by complaint_id. W4 (Fri 03-20 10:00): 480 + 5 × 540 =
      // 3180 min elapsed, 9 days 14 h = 230 h old; W1: 2640 min, 158 h; W2 (Tue 10:30): 450 + 3 × 540 =
      // 2070 min, 133.5 h. X1, X2 are settled, X3 is inside its target, X4 was answered.
      expect(waiting.map((w) => [w.complaint_id, w.week, w.status, w.opened_at, w.age_hours, w.elapsed_minutes_at_as_of, w.sla_target_minutes])).toEqual([
        ['W4', '2026-03-16', 'open', '2026-03-20T10:00:00+08:00', 230, 3180, 480],
        ['W1', '2026-03-23', 'open', '2026-03-23T10:00:00+08:00', 158, 2640, 480],
        ['W3', '2026-03-23', 'reopened', '2026-03-23T10:00:00+08:00', 158, 2640, 480],
        ['W2', '2026-03-23', 'in_progress', '2026-03-24T10:30:00+08:00', 133.5, 2070, 480],
      ]);
    } finally {
      await warehouse.close();
    }
  });
});

describe("the front page's week and cards", () => {
  it('shows the latest week complete at as_of: one ending exactly at as_of counts, one ending a second later does not', async () => {
    // 2026-03-02 is a Monday; local weeks in Asia/Shanghai (+08:00) start at its 00:00
    const weeks = await withWarehouse(async (warehouse) => {
      const at = (iso: string) => queryLatestCompleteWeek(warehouse, new Date(iso));
      return [
        await at('2026-03-02T00:00:00+08:00'),
        await at('2026-03-01T23:59:59+08:00'),
        await at('2026-03-02T00:00:00Z'), // 08:00 local on Monday
        await at('2026-03-08T23:59:59+08:00'),
      ];
    });
    expect(weeks).toEqual(['2026-02-23', '2026-02-16', '2026-02-23', '2026-02-23']);
  });

  /** The front page of WEEK whose breach rate (10.0 %, 5.0 % the week before) awaits `awaiting` answers. */
  const frontPage = (awaiting: number, awaitingWeekBefore = 0) => {
    const headline = reviewData({}).headline;
    return renderIndexPage(
      {
        ...headline,
        current: { ...headline.current, slaComplaints: 40, slaBreached: 4, breachRate: 0.1, slaAwaitingWithinTarget: awaiting },
        previous: { ...headline.previous, slaComplaints: 20, slaBreached: 1, breachRate: 0.05, slaAwaitingWithinTarget: awaitingWeekBefore },
      },
      { labels: en, asOfText: '2026-03-30 00:00 +08:00', runId: 'R1', reviewHref: `report/weekly-${WEEK}.html` },
      enFormat,
    );
  };

  it('names the report week and links the review of that week', () => {
    const page = frontPage(0);
    expect(page).toContain(`<p class="question">${en.site.reportWeek}: 2026-03-23 – 2026-03-29</p>`);
    expect(page).toContain(
      `<a href="report/weekly-2026-03-23.html"><strong>${en.site.weeklyReview}</strong><span>${en.site.openReview} (2026-03-23)</span></a>`,
    );
  });

  it("marks this week's breach rate provisional while answers are awaited inside their target, and not once none is", () => {
    const breachCard = `<div class="label">${en.headline.breachRate}</div><div class="value">10.0 %</div><div class="change">${en.site.lastWeek}: 5.0 %</div>`;
    expect(frontPage(7)).toContain(`${breachCard}<div class="note">${en.headline.breachProvisional('7')}</div></div>`);
    // the week before still awaiting answers does not mark this week's card
    for (const page of [frontPage(0), frontPage(0, 2)]) {
      expect(page).toContain(`${breachCard}</div>`);
      expect(page).not.toContain('class="note"');
    }
  });
});

describe('a swing in orders', () => {
  // Orders 1,929 the week before, 2,736 in the week (a sale): +42 %; complaints 281 and 305.
  const swung = (orders: number) => {
    const sources = {
      complaintsPerWeek: [
        { week: shiftWeek(WEEK, -1), complaints: 281 },
        { week: WEEK, complaints: 305 },
      ],
      ordersPerWeek: [
        { week: shiftWeek(WEEK, -1), orders: 1929 },
        { week: WEEK, orders },
      ],
      carrierWeeks: [],
      slaWeeks: [],
      listings: [],
      waitingPastTarget: 0,
      actions: [],
    };
    return reviewData({ ...sources, headline: summarizeHeadline(sources, WEEK) });
  };

  it('marks complaints per 1,000 orders in the review and on the front page, saying which way it skews', () => {
    const note = en.headline.orderSwing('+42 %');
    const text = reviewText(swung(2736));
    expect(text).toContain(`| ${en.headline.complaintsPer1000} | 111.5 † | 145.7 | −34.2 |`);
    expect(text).toContain(`† ${note}`);
    const page = renderIndexPage(swung(2736).headline, { labels: en, asOfText: '2026-03-30 00:00 +08:00', runId: 'R1' }, enFormat);
    expect(page).toContain(`<div class="note">${note}</div>`);
    // 1,929 → 2,200 is +14 %: no mark
    expect(reviewText(swung(2200))).not.toContain('†');
  });
});

describe('the small world published with a short complaint gap', () => {
  let dir: string;
  let run: WorldRun;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rootloop-edges-'));
    writeSmallWorld(path.join(dir, 'inbox'));
    // The newest complaint (Swift's, Sunday 2026-03-01 20:00) is 4 h old at as_of: past a 3-hour gap,
    // well inside a generous data age. Both outputs must read the gap, not the data age.
    run = await runWorld(dir, SMALL_WORLD_AS_OF, { maxDataAgeHours: 1000, maxComplaintGapHours: 3 });
  });

  afterAll(() => {
    if (dir && !process.env.ROOTLOOP_KEEP_TMP) fs.rmSync(dir, { recursive: true, force: true });
  });

  const siteFile = (name: string) => fs.readFileSync(path.join(run.outDir, 'site', name), 'utf8');
  const review = () => fs.readFileSync(path.join(run.outDir, 'report', `weekly-${SMALL_WORLD_REPORT_WEEK}.md`), 'utf8');

  it('shows on the front page the week the review covers, with the same numbers', () => {
    const index = siteFile('index.html');
    expect(index).toContain(`<p class="question">${zh.site.reportWeek}: 2026-02-23 – 2026-03-01</p>`);
    expect(index).toContain(`<a href="report/weekly-2026-02-23.html">`);
    // the complaints card against the review's headline row: this week, then the week before
    const row = parseMarkdownTables(review())[0]!.rows.find((r) => r[0] === zh.headline.complaints)!;
    expect(index).toContain(
      `<div class="label">${zh.headline.complaints}</div><div class="value">${row[1]}</div><div class="change">${zh.site.lastWeek}: ${row[2]}</div>`,
    );
  });

  it('counts the one complaint waiting past its target (WAIT1) in the review and on the front page', () => {
    expect(review()).toContain(`1 ${zh.report.openPastTarget}`);
    expect(siteFile('index.html')).toContain(`<div class="label">${zh.headline.openPastTarget}</div><div class="value">1</div>`);
  });

  it('warns on the front page and in the review alike', () => {
    expect(review()).toContain(zh.report.staleData('4'));
    expect(siteFile('index.html')).toContain(`<p class="warning">${zh.report.staleData('4')}</p>`);
  });
});
