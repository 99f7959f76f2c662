// The headline (dashboards/shared/headline.ts) on hand-made mart rows. The overview page and the weekly
// review print it. It is computed from rows the pages read anyway, in JavaScript, so it must keep what its
// SQL used to do: Σ/Σ ratios, empty ratios without a denominator, carriers by name and listings by
// q-value then SKU, in DuckDB's code-point order.
import { describe, expect, it } from 'vitest';
import type { ActionEffectRow, CarrierWeekRow } from '../../dashboards/mart-rows.ts';
import { describeEffectiveCount, summarizeHeadline, type HeadlineSources } from '../../dashboards/shared/headline.ts';
import { createFormatter, formatSignedPercent } from '../../dashboards/shared/format.ts';
import { selectLabels } from '../../dashboards/shared/labels.ts';
import { buildHeadlineCards } from '../../dashboards/site/index-page.ts';
import { actionEffectRow, listingFlagRow, slaWeekRow } from '../helpers/mart-rows.ts';

const WEEK = '2026-03-23';
const PREVIOUS = '2026-03-16';

const carrier = (name: string, week: string, delivered: number, damaged: number, onTime: number, flagged: boolean): CarrierWeekRow => ({
  carrier: name,
  week,
  delivered_shipments: delivered,
  damaged_shipments: damaged,
  breakage_per_1000: (1000 * damaged) / delivered,
  breakage_ci_low_per_1000: 0,
  breakage_ci_high_per_1000: 0,
  on_time_shipments: onTime,
  on_time_rate: onTime / delivered,
  avg_delay_hours: null,
  flagged,
});

const sla = (week: string, channel: string, complaints: number, breached: number, awaiting = 0) =>
  slaWeekRow(week, channel, 'general', complaints, breached, { responded: complaints - awaiting, awaiting_within_target: awaiting });

const listing = listingFlagRow;

const action = (id: string, verdict: ActionEffectRow['verdict']): ActionEffectRow => actionEffectRow({ action_id: id, scope_value: 'SF', verdict });

const sources: HeadlineSources = {
  complaintsPerWeek: [
    { week: PREVIOUS, complaints: 7 },
    { week: WEEK, complaints: 12 },
  ],
  // no orders in the previous week: its complaints per 1,000 orders is undefined, not infinite
  ordersPerWeek: [{ week: WEEK, orders: 4000 }],
  carrierWeeks: [
    carrier('ZTO', WEEK, 300, 3, 290, true),
    carrier('SF', WEEK, 600, 1, 570, true),
    carrier('best', WEEK, 100, 0, 100, true),
    carrier('YTO', WEEK, 1000, 2, 900, false),
    carrier('SF', PREVIOUS, 500, 0, 500, false),
  ],
  // 10 crisis complaints on the hotline, 1 past its target
  slaWeeks: [sla(WEEK, 'chat', 30, 3, 5), sla(WEEK, 'email', 10, 1, 2), slaWeekRow(WEEK, 'hotline', 'crisis', 10, 1)],
  listings: [listing('B', true, 0.01), listing('A', true, 0.01), listing('C', true, 0.001), listing('D', false, 0.5), listing('E', false, null)],
  waitingPastTarget: 5,
  actions: [
    action('A1', 'effective'),
    { ...action('a10', 'not_effective'), worsened: true },
    action('A2', 'not_effective'),
    action('A3', 'pending'),
    action('A4', 'insufficient_data'),
    { ...action('A9', 'not_effective'), worsened: true },
    // effective, judged on 20 of its 56 after days
    { ...action('A12', 'effective'), after_days: 20 },
  ],
};

describe('summarizeHeadline', () => {
  const headline = summarizeHeadline(sources, WEEK);

  it('sums the week over its mart rows and takes ratios of the sums', () => {
    // delivered 300 + 600 + 100 + 1000 = 2000, damaged 3 + 1 + 0 + 2 = 6, on time 290 + 570 + 100 + 900 = 1860
    expect(headline.current).toEqual({
      week: WEEK,
      complaints: 12,
      orders: 4000,
      complaintsPer1000Orders: 3,
      delivered: 2000,
      damaged: 6,
      breakagePer1000: 3,
      onTimeRate: 0.93,
      slaComplaints: 50,
      slaBreached: 5,
      breachRate: 0.1,
      // 5 + 2 not answered yet and inside their target: the 10 % may still rise
      slaAwaitingWithinTarget: 7,
      crisisComplaints: 10,
      crisisBreached: 1,
      // code-point order, as SQL's `order by carrier`: upper case before lower case
      flaggedCarriers: ['SF', 'ZTO', 'best'],
    });
  });

  it('leaves a ratio without a denominator empty, and a week without rows at zero', () => {
    expect(headline.previous).toMatchObject({ week: PREVIOUS, complaints: 7, orders: 0, complaintsPer1000Orders: null, delivered: 500 });
    expect(headline.previous).toMatchObject({
      slaComplaints: 0,
      slaBreached: 0,
      breachRate: null,
      slaAwaitingWithinTarget: 0,
      crisisComplaints: 0,
      flaggedCarriers: [],
    });
    expect(summarizeHeadline(sources, '2026-03-02').current).toMatchObject({ delivered: 0, breakagePer1000: null, onTimeRate: null });
  });

  it('names a swing in orders of 25 % or more either way, which skews complaints per 1,000 orders of the same week', () => {
    const swing = (previousOrders: number, orders: number) =>
      summarizeHeadline(
        {
          ...sources,
          ordersPerWeek: [
            { week: PREVIOUS, orders: previousOrders },
            { week: WEEK, orders },
          ],
        },
        WEEK,
      ).orderSwing;
    // no orders the week before: no change to speak of
    expect(headline.orderSwing).toBeNull();
    expect([swing(1000, 1250), swing(1000, 1249), swing(1000, 750), swing(1000, 751), swing(1929, 2736)]).toEqual([0.25, null, -0.25, null, 2736 / 1929 - 1]);
    expect(formatSignedPercent(2736 / 1929 - 1, createFormatter(selectLabels('en')))).toBe('+42 %');
    expect(formatSignedPercent(-0.25, createFormatter(selectLabels('zh')))).toBe('−25 %');
  });

  it('lists flagged listings by q-value, then SKU; counts judged and effective actions and names the ones that made things worse', () => {
    expect(headline.flaggedListings).toEqual(['C', 'A', 'B']);
    expect(headline.waitingPastTarget).toBe(5);
    expect(headline.actionsEffective).toBe(2);
    expect(headline.actionsEffectiveEarly).toBe(1);
    expect(headline.actionsJudged).toBe(6);
    expect(describeEffectiveCount(headline, selectLabels('en'), createFormatter(selectLabels('en')))).toBe('2 / 6 (1 of them early)');
    expect(describeEffectiveCount({ ...headline, actionsEffectiveEarly: 0 }, selectLabels('zh'), createFormatter(selectLabels('zh')))).toBe('2 / 6');
    // the ones whose rate rose, in code-point order; the front page names them under the count
    expect(headline.actionsWorsened).toEqual(['A9', 'a10']);
    const labels = selectLabels('en');
    const card = buildHeadlineCards(headline, { labels, asOfText: '', runId: 'R' }, createFormatter(labels)).find(
      (c) => c.label === labels.headline.actionsEffective,
    );
    // the count stays short on the card; the early ones and the worsened ones are its note
    expect(card).toMatchObject({ value: '2 / 6', note: '1 of them early; Rate rose after: A9, a10' });
    const quiet = summarizeHeadline({ ...sources, actions: [action('A1', 'effective')] }, WEEK);
    expect(buildHeadlineCards(quiet, { labels, asOfText: '', runId: 'R' }, createFormatter(labels)).at(-1)).not.toHaveProperty('note');
  });

  it("notes the p-chart's signal on the complaints-per-1,000 card, before an order swing, and nothing without one", () => {
    const labels = selectLabels('en');
    const meta = { labels, asOfText: '', runId: 'R' };
    const rateCard = (h: typeof headline, signal: string | null) =>
      buildHeadlineCards(h, meta, createFormatter(labels), signal).find((c) => c.label === labels.headline.complaintsPer1000)!;
    const signal = `${labels.quality.rules.one} (${labels.headline.belowCentre})`;
    expect(rateCard({ ...headline, orderSwing: null }, signal).note).toBe('p-chart: Rule 1: a point beyond 3 sigma (below the centre line)');
    expect(rateCard({ ...headline, orderSwing: 0.42 }, signal).note).toBe(
      `p-chart: Rule 1: a point beyond 3 sigma (below the centre line); ${labels.headline.orderSwing('+42 %')}`,
    );
    expect(rateCard({ ...headline, orderSwing: null }, null)).not.toHaveProperty('note');
  });
});
