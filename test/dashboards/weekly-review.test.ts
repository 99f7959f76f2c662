// The weekly review of the conformance world (test/fixtures/conformance/planted.mjs): it covers the
// planted week, names the planted carrier, listing and effective action, and every figure it prints
// is the mart's, formatted. The planted names come from the world, not from this file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryReviewData } from '../../dashboards/report/report-queries.ts';
import { renderMarkdown } from '../../dashboards/report/render-markdown.ts';
import { buildWeeklyReview, type ReviewSettings } from '../../dashboards/report/weekly-review.ts';
import { createFormatter, formatLocalInstant, formatProbability } from '../../dashboards/shared/format.ts';
import { selectLabels } from '../../dashboards/shared/labels.ts';
import { shiftWeek } from '../../dashboards/shared/weeks.ts';
import { Warehouse } from '../../pipelines/core/warehouse.ts';
import { defaultConfig } from '../../pipelines/core/config.ts';
import { parseMarkdownTables, readMartCsv, type MarkdownTable } from './read-output.ts';
import { runWorld, secondsOfStep, type WorldRun } from './run-world.ts';
import { importPlantedModule, type PlantedModule } from '../helpers/conformance-world.ts';

/** The contract's first-response targets (CONTRACT §3), as the config's defaults. */
/** English review settings with the config's defaults; a test overrides what it is about. */
function englishSettings(over: Partial<ReviewSettings> = {}): ReviewSettings {
  const en = selectLabels('en');
  const config = defaultConfig();
  return {
    labels: en,
    format: createFormatter(en),
    asOf: new Date(meta.asOf),
    targetPer1000: 5,
    maxComplaintGapHours: 72,
    slaTargets: config.sla.targets,
    controlChart: config.controlChart,
    charts: [],
    ...over,
  };
}

let dir: string;
let run: WorldRun;
let planted: PlantedModule;
let meta: { asOf: string; reportWeek: string; flaggedSku: string };
let markdown: string;
let tables: MarkdownTable[];

const zh = selectLabels('zh');
const format = createFormatter(zh);
const mart = (name: string) => readMartCsv(path.join(run.outDir, 'marts', `${name}.csv`));
/** The review table whose header has all these columns. */
const tableWith = (...headers: string[]) => tables.find((t) => headers.every((h) => t.header.includes(h)))!;

/** The review data of the planted week (or another), read from the run's warehouse. */
async function readReviewData(week = meta.reportWeek): Promise<Awaited<ReturnType<typeof queryReviewData>>> {
  const warehouse = await Warehouse.open(run.databaseFile, { timezone: 'Asia/Shanghai', readOnly: true, migrate: false });
  try {
    return await queryReviewData(warehouse, new Date(meta.asOf), week);
  } finally {
    await warehouse.close();
  }
}

beforeAll(async () => {
  planted = await importPlantedModule();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rootloop-review-'));
  meta = planted.generate(path.join(dir, 'inbox')).meta;
  run = await runWorld(dir, meta.asOf);
  markdown = fs.readFileSync(path.join(run.outDir, 'report', `weekly-${meta.reportWeek}.md`), 'utf8');
  tables = parseMarkdownTables(markdown);
  console.info(
    `conformance world: run ${run.summary.seconds.toFixed(2)} s, render_site ${secondsOfStep(run.summary, 'render_site').toFixed(2)} s, render_report ${secondsOfStep(run.summary, 'render_report').toFixed(2)} s`,
  );
});

afterAll(() => {
  if (dir && !process.env.ROOTLOOP_KEEP_TMP) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the weekly review of the conformance world', () => {
  it('reviews the planted week, the latest complete one before as_of', () => {
    expect(fs.readdirSync(path.join(run.outDir, 'report'))).toContain(`weekly-${meta.reportWeek}.html`);
    expect(markdown.split('\n')[0]).toContain(meta.reportWeek);
  });

  it('gives headline numbers from the marts', () => {
    const complaints = mart('fct_complaints');
    const count = (week: string) => complaints.filter((c) => c.week === week).length;
    const headline = tableWith(zh.report.metric);
    const row = headline.rows.find((r) => r[0] === zh.headline.complaints)!;
    expect(row.slice(1, 3)).toEqual([format.count(count(meta.reportWeek)), format.count(count(shiftWeek(meta.reportWeek, -1)))]);
    const sla = mart('mart_sla_weekly').filter((r) => r.week === meta.reportWeek);
    const breached = sla.reduce((n, r) => n + Number(r.breached), 0);
    const all = sla.reduce((n, r) => n + Number(r.complaints), 0);
    // a week with complaints still inside their target is marked provisional, with the count beside the table
    const awaiting = sla.reduce((n, r) => n + Number(r.awaiting_within_target), 0);
    expect(headline.rows.find((r) => r[0] === zh.headline.breachRate)![1]).toBe(format.percent(breached / all) + (awaiting > 0 ? ' *' : ''));
    if (awaiting > 0) expect(markdown).toContain(`* ${meta.reportWeek}: ${zh.headline.breachProvisional(format.count(awaiting))}`);
  });

  it("lists the week's crisis complaints one by one and counts them in the headline, as fct_complaints has them", async () => {
    // The world's crisis complaints: SEV1 (过敏, graded by the safety-word rule) in the planted week, SLA3
    // (graded by the agent) in the week before.
    const crisis = mart('fct_complaints').filter((c) => c.severity === 'crisis');
    const week = crisis.filter((c) => c.week === meta.reportWeek);
    expect(week.map((c) => c.complaint_id)).toEqual(['SEV1']);
    const previous = crisis.filter((c) => c.week === shiftWeek(meta.reportWeek, -1)).length;
    const headline = tableWith(zh.report.metric).rows.find((r) => r[0] === zh.headline.crisis)!;
    expect(headline.slice(1)).toEqual(['1', format.count(previous), format.signed(1 - previous)]);
    const sev1 = week[0]!;
    expect(markdown).toContain(`## ${zh.crisis.title}\n\n${zh.crisis.summary('1', sev1.sla_breached === 'true' ? '1' : '0')}`);
    const row = tableWith(zh.field.gradedBy).rows.find((r) => r[0] === 'SEV1')!;
    expect(row).toEqual([
      'SEV1',
      formatLocalInstant(sev1.opened_at!).slice(0, 16),
      zh.channels.social,
      '–',
      zh.causes.quality_defect,
      zh.severityMethods.rule,
      format.decimal(Number(sev1.first_response_minutes), 0),
      sev1.sla_target_minutes,
      sev1.sla_breached === 'true' ? zh.site.yes : zh.site.no,
      zh.complaintStatuses.resolved,
      sev1.text,
    ]);
    // the review of the week before (read outside a run) lists that week's own
    expect((await readReviewData(shiftWeek(meta.reportWeek, -1))).crisis.map((c) => c.complaint_id)).toEqual(['SLA3']);
  });

  it('names the carrier or SKU behind each top cause, and the unclassified share, as fct_complaints has them', () => {
    const week = mart('fct_complaints').filter((c) => c.week === meta.reportWeek);
    const pareto = mart('mart_cause_weekly').filter((r) => r.week === meta.reportWeek && r.cause_code !== 'other');
    pareto.sort((a, b) => Number(a.rank) - Number(b.rank));
    const top = pareto[0]!;
    const column = top.responsible_party === 'carrier' ? 'carrier' : 'sku';
    const counts = new Map<string, number>();
    for (const c of week.filter((c) => c.causes!.split('|').includes(top.cause_code!)))
      if (c[column]) counts.set(c[column]!, (counts.get(c[column]!) ?? 0) + 1);
    const [name, count] = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]!;
    expect(markdown).toContain(`- ${zh.causes[top.cause_code!]}（${format.count(Number(top.complaints))}）: ${name} ${format.count(count)}`);
    // a carrier's count comes with its rate per 1,000 parcels it delivered in the week, explained once
    const carrierCause = pareto.find((r) => r.responsible_party === 'carrier')!;
    const carrierCounts = new Map<string, number>();
    for (const c of week.filter((c) => c.causes!.split('|').includes(carrierCause.cause_code!)))
      if (c.carrier) carrierCounts.set(c.carrier, (carrierCounts.get(c.carrier) ?? 0) + 1);
    const [carrier, complaints] = [...carrierCounts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]!;
    const delivered = Number(mart('mart_carrier_weekly').find((r) => r.carrier === carrier && r.week === meta.reportWeek)!.delivered_shipments);
    expect(markdown).toContain(`${carrier} ${format.count(complaints)}（${format.per1000((1000 * complaints) / delivered)}‰）`);
    expect(markdown).toContain(zh.report.perMilleDelivered);
    const unclassified = week.filter((c) => c.cause_method === 'unclassified').length;
    // as a share of the complaints the rules classify (no agent's tag), as `status` counts it
    const untagged = week.filter((c) => c.cause_method !== 'tagged').length;
    if (unclassified > 0)
      expect(markdown).toContain(zh.report.unclassified(format.count(unclassified), format.count(untagged), format.percent(unclassified / untagged)));
  });

  it('names the planted carrier with its flagged weeks, as the mart has them', () => {
    const carrier = planted.PUBLIC.carriers.fixed;
    const flagged = mart('mart_carrier_weekly').filter(
      (r) => r.carrier === carrier && r.flagged === 'true' && r.week! >= shiftWeek(meta.reportWeek, -11) && r.week! <= meta.reportWeek,
    );
    expect(flagged.length).toBeGreaterThan(0);
    const last = flagged.reduce((a, b) => (b.week! > a.week! ? b : a));
    const history = tableWith(zh.report.weeksFlagged, zh.report.lastFlagged);
    const row = history.rows.find((r) => r[0] === carrier)!;
    expect(row).toBeDefined();
    expect(row.slice(1, 5)).toEqual([
      String(flagged.length),
      last.week,
      format.per1000(Number(last.breakage_per_1000)),
      `${format.per1000(Number(last.breakage_ci_low_per_1000))} – ${format.per1000(Number(last.breakage_ci_high_per_1000))}`,
    ]);
    // A1's after period has run 28 of its 56 days at as_of: the verdict is marked early
    const a1 = mart('mart_action_effectiveness').find((r) => r.action_id === 'A1')!;
    // Chinese parentheses and comma around the status and verdict
    expect(row[5]).toBe(`A1（已实施，有效（${zh.quality.actionsTable.early(format.decimal(Number(a1.after_days), 1), a1.after_days_planned!)}））`);
    // And its row of the week itself.
    const week = mart('mart_carrier_weekly').find((r) => r.carrier === carrier && r.week === meta.reportWeek)!;
    const weekRow = tableWith(zh.field.delivered, zh.field.onTimeRate).rows.find((r) => r[0] === carrier)!;
    expect(weekRow.slice(1, 4)).toEqual([
      format.count(Number(week.delivered_shipments)),
      format.count(Number(week.damaged_shipments)),
      format.per1000(Number(week.breakage_per_1000)),
    ]);
  });

  it('names the planted listing with its evidence, as the mart has it', () => {
    const listing = mart('mart_listing_flags').find((r) => r.sku === meta.flaggedSku)!;
    expect(listing.flagged).toBe('true');
    const row = tableWith(zh.field.sku, zh.field.qValue).rows.find((r) => r[0] === meta.flaggedSku)!;
    expect(row).toBeDefined();
    // The same columns as the merchandising dashboard's table (shared/flagged-listings-table.ts).
    expect([row[3], row[4], row[5], row[6], row[7], row[8]]).toEqual([
      format.count(Number(listing.orders)),
      format.count(Number(listing.nad_orders)),
      format.percent(Number(listing.nad_rate)),
      format.percent(Number(listing.category_rate)),
      `${format.decimal(Number(listing.nad_rate) / Number(listing.category_rate), 1)}×`,
      formatProbability(Number(listing.q_value)),
    ]);
    expect(row[9]).toBe(listing.top_excerpt);
  });

  it('shows the effective action with its before/after rates and p-value, as the mart has them', () => {
    const effective = mart('mart_action_effectiveness').filter((r) => r.verdict === 'effective');
    expect(effective.map((r) => r.action_id)).toEqual(['A1']);
    const action = effective[0]!;
    const row = tableWith(zh.field.verdict, zh.field.pValue).rows.find((r) => r[0] === 'A1')!;
    expect(row.slice(6)).toEqual([
      `${format.count(Number(action.before_events))} / ${format.count(Number(action.before_exposures))}`,
      format.ratePer1000(Number(action.before_rate)),
      `${format.count(Number(action.after_events))} / ${format.count(Number(action.after_exposures))}`,
      format.ratePer1000(Number(action.after_rate)),
      formatProbability(Number(action.p_value)),
      `${zh.verdicts.effective}（${zh.quality.actionsTable.early(format.decimal(Number(action.after_days), 1), action.after_days_planned!)}）`,
    ]);
  });

  it('proposes nothing when every flag already has a working action', () => {
    // The flagged listing has A2 (implemented, not yet judged); the carrier is no longer flagged.
    expect(markdown).toContain(zh.report.noProposals);
    expect(fs.readdirSync(path.join(run.outDir, 'report')).some((n) => n.startsWith('corrective_actions-proposed'))).toBe(false);
  });

  it('keeps the planted hostile complaint text inert in the review and on every page', () => {
    const files = [
      ...fs.readdirSync(path.join(run.outDir, 'report')).map((n) => path.join(run.outDir, 'report', n)),
      ...fs.readdirSync(path.join(run.outDir, 'site')).map((n) => path.join(run.outDir, 'site', n)),
    ].filter((f) => /\.(md|html)$/.test(f));
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      expect(text, path.basename(file)).not.toMatch(/<script>alert|<img src=x/i);
    }
  });

  it('reads the same in English', async () => {
    const en = selectLabels('en');
    const data = await readReviewData();
    const review = buildWeeklyReview(data, englishSettings());
    const text = renderMarkdown(review.document);
    expect(text).toContain(`# Weekly root-cause review · ${meta.reportWeek}`);
    expect(text).toMatch(new RegExp(`\\| ${planted.PUBLIC.carriers.fixed} \\| \\d+ \\| ${meta.reportWeek.slice(0, 4)}`));
    expect(text).toContain('A1 (Implemented, Effective (early: 28.0 of 56 days observed))');
    // what "early" means, once, under the actions table
    expect(text).toContain(`|\n\n${en.quality.actionsTable.earlyNote}\n`);
    expect(text).toContain(`| ${meta.flaggedSku} |`);
  });

  it("prints each change as this week minus the week before, in the metric's own units, with the provisional marks", async () => {
    const en = selectLabels('en');
    const data = await readReviewData();
    const week = (over: Partial<(typeof data.headline)['current']>) => ({
      ...data.headline.current,
      flaggedCarriers: [],
      slaAwaitingWithinTarget: 0,
      ...over,
    });
    // this week 12 complaints on 2,000 orders (6.0 per 1000), last week 8 (4.0): +4 and +2.0; breakage
    // 3.0 after 5.0: −2.0; on time 90 % after 80 %: +10.0 pp (points, not +12.5 %); breaches 10 % after
    // 5 %: +5.0 pp. Last week still has 3 complaints awaiting a first response: its rate is marked **.
    const headline = {
      ...data.headline,
      // the world's orders swing between these weeks; that mark is tested on its own (presentation-edges)
      orderSwing: null,
      current: week({ week: meta.reportWeek, complaints: 12, complaintsPer1000Orders: 6, breakagePer1000: 3, onTimeRate: 0.9, breachRate: 0.1 }),
      previous: week({
        week: shiftWeek(meta.reportWeek, -1),
        complaints: 8,
        complaintsPer1000Orders: 4,
        breakagePer1000: 5,
        onTimeRate: 0.8,
        breachRate: 0.05,
        slaAwaitingWithinTarget: 3,
      }),
    };
    const settings = englishSettings();
    const review = (h: typeof headline) => renderMarkdown(buildWeeklyReview({ ...data, headline: h }, settings).document);
    const text = review(headline);
    const table = parseMarkdownTables(text).find((t) => t.header.includes(en.site.change))!;
    const rowOf = (metric: string) => table.rows.find((r) => r[0] === metric)?.slice(1);
    const h = en.headline;
    expect(rowOf(h.complaints)).toEqual(['12', '8', '+4']);
    expect(rowOf(h.complaintsPer1000)).toEqual(['6.0', '4.0', '+2.0']);
    expect(rowOf(h.breakagePer1000)).toEqual(['3.0', '5.0', '−2.0']);
    expect(rowOf(h.onTimeRate)).toEqual(['90.0 %', '80.0 %', '+10.0 pp']);
    expect(rowOf(h.breachRate)).toEqual(['10.0 %', '5.0 % **', '+5.0 pp']);
    // the actions after which the rate rose get a row of their own, only when there are any
    expect(rowOf(h.actionsWorsenedMetric)).toBeUndefined();
    const worse = parseMarkdownTables(review({ ...headline, actionsWorsened: ['A9', 'a10'] })).find((t) => t.header.includes(en.site.change))!;
    expect(worse.rows.find((r) => r[0] === h.actionsWorsenedMetric)?.slice(1)).toEqual(['A9, a10', '', '']);
    // (the Markdown escapes the asterisks of the footnote marks)
    expect(text).toContain(`\\*\\* ${shiftWeek(meta.reportWeek, -1)}: ${h.breachProvisional('3')}`);
    expect(text).not.toContain(`\\* ${meta.reportWeek}:`);
    // a change that rounds to nothing is neither up nor down
    const flat = review({ ...headline, current: { ...headline.current, complaintsPer1000Orders: 4.02 } });
    expect(
      parseMarkdownTables(flat)
        .find((t) => t.header.includes(en.site.change))!
        .rows.find((r) => r[0] === h.complaintsPer1000)?.[3],
    ).toBe('±0.0');
  });

  it('lists actions due within 7 days of as_of (inclusive) as due or overdue, counts flags up to the report week only, and sums the SLA section over the week', async () => {
    const en = selectLabels('en');
    const data = await readReviewData();
    const asOf = new Date(meta.asOf);
    const at = (hours: number) => new Date(asOf.getTime() + hours * 3_600_000).toISOString();
    const action = (id: string, dueAt: string) => ({ ...data.actions[0]!, action_id: id, title: `title ${id}`, status: 'open', due_at: dueAt });
    // due exactly at as_of: due, not overdue; exactly as_of + 7 days: due; + 8 days: not listed; 1 s before as_of: overdue
    const actions = [action('D0', at(0)), action('D7', at(7 * 24)), action('D8', at(8 * 24)), action('DX', new Date(asOf.getTime() - 1000).toISOString())];
    // carrier ZZ flagged in the report week and again the week after it (data the review must not count)
    const flagRow = (week: string) => ({ ...data.carrierWeeks[0]!, carrier: 'ZZ', week, flagged: true });
    const carrierWeeks = [...data.carrierWeeks, flagRow(meta.reportWeek), flagRow(shiftWeek(meta.reportWeek, 1))];
    // the report week's SLA rows: 6 + 4 complaints, 2 + 0 breached → 2 of 10 (20.0 %); 3 waiting now
    const slaRow = (channel: string, complaints: number, breached: number) => ({
      ...data.slaWeeks[0]!,
      week: meta.reportWeek,
      channel,
      complaints,
      breached,
      breach_rate: breached / complaints,
    });
    const slaWeeks = [...data.slaWeeks.filter((r) => r.week !== meta.reportWeek), slaRow('chat', 6, 2), slaRow('email', 4, 0)];
    const text = renderMarkdown(buildWeeklyReview({ ...data, actions, carrierWeeks, slaWeeks, waitingPastTarget: 3 }, englishSettings({ asOf })).document);
    const tablesOf = parseMarkdownTables(text);
    const due = tablesOf.find((t) => t.header.includes(en.field.due))!;
    expect(due.rows.map((r) => [r[0], r[r.length - 1]])).toEqual([
      ['D0', en.report.dueThisWeek],
      ['D7', en.report.dueThisWeek],
      ['DX', en.report.overdue],
    ]);
    const history = tablesOf.find((t) => t.header.includes(en.report.weeksFlagged))!;
    expect(history.rows.find((r) => r[0] === 'ZZ')?.slice(1, 3)).toEqual(['1', meta.reportWeek]);
    expect(text).toContain(en.report.slaSummary('2', '10', '20.0 %'));
    expect(text).toContain(`3 ${en.report.openPastTarget}`);
  });

  it('says how fresh the data is, warns when it is stale or missing, and says so for a table without rows', async () => {
    const en = selectLabels('en');
    const data = await readReviewData();
    const latest = mart('fct_complaints').reduce((a, b) => (Date.parse(b.opened_at!) > Date.parse(a) ? b.opened_at! : a), '1970-01-01T00:00:00Z');
    expect(Date.parse(data.latestComplaintAt!)).toBe(Date.parse(latest));
    const review = (asOf: Date, latestComplaintAt: string | null) =>
      renderMarkdown(buildWeeklyReview({ ...data, latestComplaintAt }, englishSettings({ asOf })).document);
    const fresh = review(new Date(meta.asOf), data.latestComplaintAt);
    expect(fresh).toContain(`${en.report.latestComplaint}: ${formatLocalInstant(data.latestComplaintAt!)}`);
    expect(fresh).not.toContain('Warning');
    // the same data reviewed 73 hours after its newest complaint: an hour past maxComplaintGapHours (72)
    const later = new Date(Date.parse(data.latestComplaintAt!) + 73 * 3_600_000);
    expect(review(later, data.latestComplaintAt)).toContain(en.report.staleData('73'));
    expect(review(new Date(meta.asOf), null)).toContain(en.report.noComplaintsYet);
    // a table without rows says so instead of printing a bare header
    const empty = renderMarkdown(buildWeeklyReview({ ...data, causeWeeks: [], carrierWeeks: [] }, englishSettings()).document);
    expect(empty).toContain(en.report.noData);
    expect(empty).not.toContain(`| ${en.field.rank} |`);
  });
});
