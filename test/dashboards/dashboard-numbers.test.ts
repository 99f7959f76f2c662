// The numbers the four dashboards put in front of their readers, worked out by hand on small mart rows:
// the weeks a page offers and starts on, what each chart aggregates, filters, sorts and colours once
// Vega has run it (read back from a headless view's scenegraph, so the transforms are evaluated, not
// just compiled), the control and funnel limits, and which rows a table lists. specs.test.ts checks
// that every chart compiles and draws; this file checks that what it draws is right.
import { describe, expect, it } from 'vitest';
import type { TopLevelSpec } from 'vega-lite';
import { assembleLogisticsDashboard, buildCarrierActionMarkers } from '../../dashboards/logistics/logistics-dashboard.ts';
import {
  buildBreakageHeatmapSpec,
  buildBreakageTrendSpec,
  buildCarrierBreakageSpec,
  buildDelayDistributionSpec,
  buildOnTimeSpec,
  type CarrierWeekChartRow,
} from '../../dashboards/logistics/logistics-specs.ts';
import type { LogisticsData } from '../../dashboards/logistics/logistics-queries.ts';
import type { ActionEffectRow, CarrierWeekRow, CrisisComplaintRow } from '../../dashboards/mart-rows.ts';
import { computeFunnelLimits } from '../../dashboards/merchandising/funnel-limits.ts';
import { assembleMerchandisingDashboard } from '../../dashboards/merchandising/merchandising-dashboard.ts';
import type { ListingRow } from '../../dashboards/merchandising/merchandising-queries.ts';
import { computeControlChart } from '../../dashboards/quality/control-chart.ts';
import { assembleQualityDashboard, buildControlRows } from '../../dashboards/quality/quality-dashboard.ts';
import type { QualityData } from '../../dashboards/quality/quality-queries.ts';
import { buildMoversSpec, buildParetoSpec } from '../../dashboards/quality/quality-specs.ts';
import { assembleServiceDashboard, findAgeBin } from '../../dashboards/service/service-dashboard.ts';
import type { ServiceData, WaitingComplaintRow } from '../../dashboards/service/service-queries.ts';
import { buildActionsTableRows, describeActionScope, describeVerdict } from '../../dashboards/shared/actions-table.ts';
import { COLORS, createSpecFrame } from '../../dashboards/shared/chart-theme.ts';
import type { ChartDefinition, Dashboard, DashboardContext, TableDefinition } from '../../dashboards/shared/dashboard-types.ts';
import { createInitialFilterState, type FilterState } from '../../dashboards/shared/filters.ts';
import { createFormatter } from '../../dashboards/shared/format.ts';
import { summarizeHeadline } from '../../dashboards/shared/headline.ts';
import { selectLabels } from '../../dashboards/shared/labels.ts';
import { compileToVega, loadVegaModules } from '../../dashboards/shared/render-svg.ts';
import { collectWeeks, lastDayOfWeek, shiftWeek } from '../../dashboards/shared/weeks.ts';
import { renderDashboardPage } from '../../dashboards/site/dashboard-page.ts';
import { computeWilsonInterval } from '../../models/statistics.ts';
import { actionEffectRow, slaWeekRow } from '../helpers/mart-rows.ts';

const labels = selectLabels('en');
/** The p-chart pooled over every week (the config's default sets the first 4 weeks apart as ramp-up). */
const NO_RAMP_UP = { rampUpWeeks: 0, baselineFrom: null, baselineTo: null };
const format = createFormatter(labels);
const context = (reportWeek: string): DashboardContext => ({
  asOf: new Date(`${shiftWeek(reportWeek, 1)}T00:00:00+08:00`),
  labels,
  format,
  reportWeek,
  breakageTargetPer1000: 5,
  controlChart: NO_RAMP_UP,
});
const state = (weekFrom: string, weekTo: string): FilterState => ({ weekFrom, weekTo, carrier: '', category: '', channel: '' });

interface DrawnItem {
  datum: Record<string, unknown>;
  x: number;
  y: number;
  fill?: string;
  stroke?: string;
}
interface DrawnMark {
  name: string;
  type: string;
  items: DrawnItem[];
}
type SceneNode = { marktype?: string; role?: string; name?: string; items?: SceneNode[] } & Partial<DrawnItem>;

/**
 * The marks a spec draws in a headless Vega view, with `signals` set as the page's selects would set
 * them: each mark's items with the datum Vega computed, their position and fill.
 */
async function drawMarks(spec: TopLevelSpec, signals: Record<string, string> = {}): Promise<DrawnMark[]> {
  const [vega] = await loadVegaModules();
  const view = new vega.View(vega.parse(await compileToVega(spec)), { renderer: 'none' });
  try {
    for (const [name, value] of Object.entries(signals)) view.signal(name, value);
    await view.runAsync();
    const marks: DrawnMark[] = [];
    const walk = (node: SceneNode) => {
      if (node.role === 'mark' && node.marktype && node.marktype !== 'group') {
        marks.push({ name: node.name ?? '', type: node.marktype, items: (node.items ?? []) as DrawnItem[] });
      }
      for (const child of node.items ?? []) walk(child);
    };
    walk((view.scenegraph() as unknown as { root: SceneNode }).root);
    return marks;
  } finally {
    view.finalize();
  }
}

/** The items of the only mark of `type` (or the n-th), left to right (or top to bottom), then the other way. */
function itemsOf(marks: DrawnMark[], type: string, index = 0, order: 'x' | 'y' = 'x'): DrawnItem[] {
  const mark = marks.filter((m) => m.type === type)[index];
  if (!mark) throw new Error(`no ${type} mark #${index} among ${marks.map((m) => m.type).join(', ')}`);
  const other = order === 'x' ? 'y' : 'x';
  return [...mark.items].sort((a, b) => a[order] - b[order] || a[other] - b[other]);
}

const pick = (items: DrawnItem[], ...fields: string[]) => items.map((item) => Object.fromEntries(fields.map((f) => [f, item.datum[f]])));

function findTable(dashboard: Dashboard, id: string): TableDefinition {
  const section = dashboard.sections.find((s) => s.id === id);
  if (section?.kind !== 'table') throw new Error(`no table ${id}`);
  return section;
}
function findSpec(dashboard: Dashboard, id: string): TopLevelSpec {
  const section = dashboard.sections.find((s) => s.id === id);
  if (section?.kind !== 'chart') throw new Error(`no chart ${id}`);
  return section.spec;
}
const datasetOf = (spec: TopLevelSpec, name: string) => (spec.datasets as Record<string, Record<string, unknown>[]>)[name]!;

describe('the chart frame', () => {
  it('fits a chart to the width of its container unless it sets its own width', () => {
    expect(createSpecFrame({})).toMatchObject({ width: 'container', height: 260, autosize: { type: 'fit-x', contains: 'padding' } });
    const stepped = createSpecFrame({}, { width: { step: 70 }, height: { step: 30 } });
    expect(stepped).toMatchObject({ width: { step: 70 }, height: { step: 30 } });
    expect(stepped).not.toHaveProperty('autosize');
  });
});

describe('weeks and the initial filter state', () => {
  it('names a week by its Monday and ends it on the Sunday, across a year end', () => {
    expect(shiftWeek('2026-12-28', 1)).toBe('2027-01-04');
    expect(shiftWeek('2026-01-05', -1)).toBe('2025-12-29');
    // the weekly review's title and the overview say "2026-02-23 to 2026-03-01"
    expect(lastDayOfWeek('2026-02-23')).toBe('2026-03-01');
  });

  it('offers the weeks of the rows, in order, up to and including the last week allowed', () => {
    const weeks = collectWeeks(
      [
        [{ week: '2026-03-02' }, { week: '2026-02-16' }],
        [{ week: '2026-02-16' }, { week: '2026-03-09' }, { week: '2026-02-23' }],
      ],
      '2026-03-02',
    );
    expect(weeks).toEqual(['2026-02-16', '2026-02-23', '2026-03-02']);
  });

  it('starts on the 13 weeks ending with the latest complete week, not the week in progress', () => {
    // 15 weeks 2025-12-01 … 2026-03-09; report week 2026-03-02, so 2026-03-09 is in progress. The 14
    // complete weeks end 2026-03-02; 13 of them start 12 weeks earlier, on 2025-12-08.
    const weeks = Array.from({ length: 15 }, (_, i) => shiftWeek('2025-12-01', i));
    expect(createInitialFilterState(weeks, '2026-03-02')).toEqual(state('2025-12-08', '2026-03-02'));
    // fewer than 13 complete weeks: from the first
    expect(createInitialFilterState(weeks.slice(10), '2026-03-02')).toMatchObject({ weekFrom: '2026-02-09', weekTo: '2026-03-02' });
  });

  it('lets each page pick the week in progress, but starts on the report week', () => {
    // Data up to the week after the report week (provisional) and one week beyond it (none should exist,
    // but a late row must not widen the choice).
    const report = '2026-02-23';
    const weeks = ['2026-02-09', '2026-02-16', report, '2026-03-02', '2026-03-09'];
    const carrierWeeks = weeks.map((week) => carrierWeek('Heron', week, 100, 1));
    const slaWeeks = weeks.map((week) => slaWeek(week, 'email', 'general', 10, 1));
    const pages = [
      assembleLogisticsDashboard({ carrierWeeks, lanes: [], carrierCategories: [], delays: [] }, context(report), []),
      assembleQualityDashboard(
        { causeWeeks: [], movers: [], complaintsPerWeek: [], ordersPerWeek: weeks.map((week) => ({ week, orders: 10 })), actions: [] },
        context(report),
      ),
      assembleServiceDashboard({ slaWeeks, responseBins: [], waiting: [], crisis: [] }, context(report)),
    ];
    for (const page of pages) {
      const weekTo = page.filters.find((f) => f.id === 'week-to')!;
      expect(
        weekTo.options.map((o) => o.value),
        page.id,
      ).toEqual(['2026-02-09', '2026-02-16', report, '2026-03-02']);
      expect(weekTo.value, page.id).toBe(report);
      expect(page.filters.find((f) => f.id === 'week-from')!.value, page.id).toBe('2026-02-09');
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// Logistics

function carrierWeek(carrier: string, week: string, delivered: number, damaged: number): CarrierWeekRow {
  // Only the counts matter to the charts that aggregate; the per-week figures are the mart's and not
  // recomputed here.
  return {
    carrier,
    week,
    delivered_shipments: delivered,
    damaged_shipments: damaged,
    breakage_per_1000: (1000 * damaged) / delivered,
    breakage_ci_low_per_1000: 1,
    breakage_ci_high_per_1000: 2,
    on_time_shipments: delivered,
    on_time_rate: 0.9,
    avg_delay_hours: 3,
    flagged: false,
  };
}

const W1 = '2026-01-05';
const W2 = '2026-01-12';
const W3 = '2026-01-19';
/** Weeks 2 and 3 selected; week 1 lies before the range and must not count. */
const LATE_WEEKS = state(W2, W3);

/**
 * A: week 1 1000 / 100 (outside), weeks 2–3 50 / 5 each → 100 / 10 = 100 per 1,000.
 * B: 100 / 2 and 100 / 0 → 200 / 2 = 10 per 1,000. C: 400 / 0 twice → 800 / 0 = 0.
 * Wilson 95 % (z = 1.959964), per 1,000: 10 of 100 → [55.229, 174.366] (the textbook interval
 * 0.0552–0.1744); 2 of 200 → [2.747, 35.722]; 0 of 800 → [0, 4.779] (z²/(n + z²)).
 */
const carrierRows: CarrierWeekChartRow[] = [
  carrierWeek('A', W1, 1000, 100),
  carrierWeek('A', W2, 50, 5),
  carrierWeek('A', W3, 50, 5),
  carrierWeek('B', W2, 100, 2),
  carrierWeek('B', W3, 100, 0),
  carrierWeek('C', W2, 400, 0),
  carrierWeek('C', W3, 400, 0),
];

describe("logistics: the report week's carriers", () => {
  it('lists the report week per carrier, worst breakage first, with the actions on each, as the review does', () => {
    // W3: A 50 / 5 = 100 per 1,000, B 100 / 0, C 400 / 0 (B before C by name: a tie at 0); W2 rows left out
    const rows = [
      carrierWeek('A', W2, 50, 5),
      carrierWeek('C', W3, 400, 0),
      carrierWeek('A', W3, 50, 5),
      carrierWeek('B', W3, 100, 0),
      { ...carrierWeek('D', W3, 200, 1), flagged: true, on_time_rate: 0.875, avg_delay_hours: null },
    ];
    const actions = [
      actionEffectRow({ action_id: 'A7', scope_value: ' d ', verdict: 'not_effective', status: 'verified' }),
      actionEffectRow({ action_id: 'A8', scope_type: 'sku', scope_value: 'A' }),
    ];
    const page = assembleLogisticsDashboard({ carrierWeeks: rows, lanes: [], carrierCategories: [], delays: [] }, context(W3), actions);
    const table = findTable(page, 'carrier-week-table');
    expect(table.title).toBe(`Carriers in the week of ${W3}`);
    expect(table.columns.map((c) => c.header)).toEqual([
      'Carrier',
      'Delivered',
      'Damaged',
      'Breakage per 1,000',
      '95 % CI',
      'On-time rate',
      'Average delay (h)',
      labels.field.flagged,
      labels.report.relatedActions,
    ]);
    expect(table.rows).toEqual([
      ['A', '50', '5', '100.0', '1.0 – 2.0', '90.0 %', '3.0', labels.site.no, '–'],
      // D's action names it in other case and with spaces: matched as the mart matches it
      ['D', '200', '1', '5.0', '1.0 – 2.0', '87.5 %', '–', labels.site.yes, `A7 (${labels.actionStatuses.verified}, ${labels.verdicts.not_effective})`],
      ['B', '100', '0', '0.0', '1.0 – 2.0', '90.0 %', '3.0', labels.site.no, '–'],
      ['C', '400', '0', '0.0', '1.0 – 2.0', '90.0 %', '3.0', labels.site.no, '–'],
    ]);
  });
});

describe('logistics: breakage per carrier', () => {
  const spec = (targetPer1000 = 5) => buildCarrierBreakageSpec({ rows: carrierRows, labels, state: LATE_WEEKS, targetPer1000 });

  it('sums the selected weeks per carrier, with Wilson bounds, worst first', async () => {
    const bars = itemsOf(await drawMarks(spec()), 'rect');
    expect(pick(bars, 'carrier', 'delivered', 'damaged', 'breakage_per_1000')).toEqual([
      { carrier: 'A', delivered: 100, damaged: 10, breakage_per_1000: 100 },
      { carrier: 'B', delivered: 200, damaged: 2, breakage_per_1000: 10 },
      { carrier: 'C', delivered: 800, damaged: 0, breakage_per_1000: 0 },
    ]);
    const bounds = bars.map((bar) => [bar.datum.ci_low, bar.datum.ci_high] as number[]);
    expect(bounds[0]![0]).toBeCloseTo(55.229, 3);
    expect(bounds[0]![1]).toBeCloseTo(174.366, 3);
    expect(bounds[1]![0]).toBeCloseTo(2.747, 3);
    expect(bounds[1]![1]).toBeCloseTo(35.722, 3);
    expect(bounds[2]![0]).toBeCloseTo(0, 9);
    expect(bounds[2]![1]).toBeCloseTo(4.779, 3);
  });

  it('paints a bar red only when its whole interval lies above the target', async () => {
    // A: 55.2 > 5, red. B: 10 per 1,000 is above 5 but its lower bound 2.7 is not: blue.
    const bars = itemsOf(await drawMarks(spec()), 'rect');
    expect(bars.map((bar) => bar.fill)).toEqual([COLORS.alert, COLORS.primary, COLORS.primary]);
  });

  it('computes the bounds as the mart does, so a carrier without damage is never over a target of 0', async () => {
    // The mart's wilson_low is exactly 0 at 0 damaged and mart_carrier_weekly flags only ci_low > target;
    // the chart re-applies it to the selected weeks and must agree, also at the configurable target 0.
    const bars = itemsOf(await drawMarks(spec(0)), 'rect');
    expect(bars.map((bar) => [bar.datum.carrier, bar.datum.ci_low, bar.fill])).toEqual([
      ['A', expect.closeTo(1000 * computeWilsonInterval(10, 100)!.low, 9), COLORS.alert],
      ['B', expect.closeTo(1000 * computeWilsonInterval(2, 200)!.low, 9), COLORS.alert],
      ['C', 0, COLORS.primary],
    ]);
    expect(bars.map((bar) => bar.datum.ci_high)).toEqual(
      [10, 2, 0].map((x, i) => expect.closeTo(1000 * computeWilsonInterval(x, [100, 200, 800][i]!)!.high, 9)),
    );
  });

  it("marks each carrier's last 4 weeks of the range with a diamond, so a recovered carrier shows it", async () => {
    // Eight weeks 2025-12-01 … 2026-01-19. R: 100 delivered a week; 10 damaged in each of the first four,
    // 1 in the last → bar 41 / 800 = 51.25 per 1,000, diamond (12-29 … 01-19) 1 / 400 = 2.5.
    // S delivered only in the first four weeks: a bar, no diamond.
    const weeks = Array.from({ length: 8 }, (_, i) => shiftWeek('2025-12-01', i));
    const rows = [
      ...weeks.map((week, i) => carrierWeek('R', week, 100, i < 4 ? 10 : i === 7 ? 1 : 0)),
      ...weeks.slice(0, 4).map((week) => carrierWeek('S', week, 50, 1)),
    ];
    const quarter = buildCarrierBreakageSpec({ rows, labels, state: state(weeks[0]!, weeks[7]!), targetPer1000: 5 });
    const marks = await drawMarks(quarter);
    expect(pick(itemsOf(marks, 'rect'), 'carrier', 'breakage_per_1000')).toEqual([
      { carrier: 'R', breakage_per_1000: 51.25 },
      { carrier: 'S', breakage_per_1000: 20 },
    ]);
    const diamonds = itemsOf(marks, 'symbol');
    expect(diamonds.map((d) => [d.datum.carrier, d.datum.recent_per_1000, d.datum.recent_delivered, d.fill])).toEqual([['R', 2.5, 400, COLORS.warn]]);
    // a range of two weeks: its last 4 weeks are the whole range, the diamond sits on the bar
    const short = await drawMarks(buildCarrierBreakageSpec({ rows, labels, state: state(weeks[6]!, weeks[7]!), targetPer1000: 5 }));
    expect(itemsOf(short, 'symbol').map((d) => [d.datum.carrier, d.datum.recent_per_1000, d.datum.breakage_per_1000])).toEqual([['R', 5, 5]]);
    // the weekly review's chart shows one week: no diamond there
    const review = await drawMarks(buildCarrierBreakageSpec({ rows, labels, state: state(weeks[7]!, weeks[7]!), targetPer1000: 5, markRecent: false }));
    expect(review.filter((m) => m.type === 'symbol')).toEqual([]);
  });

  it('draws the target line at the target, and shows one carrier when one is selected', async () => {
    const marks = await drawMarks(spec(), { carrier: 'B' });
    expect(pick(itemsOf(marks, 'rect'), 'carrier', 'delivered')).toEqual([{ carrier: 'B', delivered: 200 }]);
    const target = marks.filter((m) => m.type === 'rule').at(-1)!;
    expect(target.items.map((item) => item.datum.target)).toEqual([5]);
  });
});

describe('logistics: trends and delays', () => {
  it('draws the weekly breakage band from the interval and the on-time rate, for the selected carrier and weeks', async () => {
    const trend = buildBreakageTrendSpec({ rows: carrierRows, actions: [], labels, state: LATE_WEEKS, targetPer1000: 5 });
    const marks = await drawMarks(trend, { carrier: 'A' });
    // one line per carrier drawn: only A's
    const lines = marks.filter((m) => m.type === 'line');
    expect(lines.flatMap((line) => line.items.map((item) => [item.datum.carrier, item.datum.week]))).toEqual([
      ['A', W2],
      ['A', W3],
    ]);
    // (layer 0 holds the corrective actions' markers)
    const layers = (trend as { layer: { layer?: { encoding: Record<string, { field?: string }> }[] }[] }).layer[1]!.layer!;
    expect(layers.map((l) => [l.encoding.y!.field, l.encoding.y2?.field])).toEqual([
      ['breakage_ci_low_per_1000', 'breakage_ci_high_per_1000'],
      ['breakage_per_1000', undefined],
    ]);
    const onTime = buildOnTimeSpec({ rows: carrierRows, labels, state: LATE_WEEKS }) as { encoding: { y: { field: string } } };
    expect(onTime.encoding.y.field).toBe('on_time_rate');
  });

  it('marks each implemented action on a carrier in its local week, for the selected carrier only', async () => {
    // implemented Sunday 2026-01-18 23:30 local: the week of W2; Monday 00:00 local: W3
    const actions = [
      actionEffectRow({ action_id: 'CA1', scope_type: 'carrier', scope_value: ' a ', implemented_at: '2026-01-18T23:30:00+08:00', status: 'implemented' }),
      actionEffectRow({ action_id: 'CA2', scope_type: 'carrier', scope_value: 'B', implemented_at: '2026-01-19T00:00:00+08:00', status: 'verified' }),
      // not marked: not implemented by as_of (shown as open), abandoned, or not on a carrier
      actionEffectRow({ action_id: 'CA3', scope_type: 'carrier', scope_value: 'A', implemented_at: null, status: 'open' }),
      actionEffectRow({ action_id: 'CA4', scope_type: 'carrier', scope_value: 'A', implemented_at: '2026-01-14T00:00:00+08:00', status: 'abandoned' }),
      actionEffectRow({ action_id: 'CA5', scope_type: 'sku', scope_value: 'A', implemented_at: '2026-01-14T00:00:00+08:00', status: 'implemented' }),
    ];
    const markers = buildCarrierActionMarkers(actions, ['A', 'B'], labels);
    expect(markers.map((m) => [m.action_id, m.carrier, m.week])).toEqual([
      ['CA1', 'A', W2],
      ['CA2', 'B', W3],
    ]);
    const trend = buildBreakageTrendSpec({ rows: carrierRows, actions: markers, labels, state: LATE_WEEKS, targetPer1000: 5 });
    const rules = (await drawMarks(trend, { carrier: 'A' })).filter((m) => m.type === 'rule').flatMap((m) => m.items.map((item) => item.datum.action_id));
    expect(rules.filter((id) => id !== undefined)).toEqual(['CA1']);
  });

  it('sums late shipments per carrier and bin over the selected weeks, bins in order', async () => {
    const delays = [
      { carrier: 'A', week: W1, delay_bin: 0, delay_label: '< 6 h', late_shipments: 50 },
      { carrier: 'A', week: W2, delay_bin: 3, delay_label: '24–48 h', late_shipments: 2 },
      { carrier: 'A', week: W3, delay_bin: 3, delay_label: '24–48 h', late_shipments: 3 },
      { carrier: 'A', week: W3, delay_bin: 1, delay_label: '6–12 h', late_shipments: 4 },
    ];
    const bars = itemsOf(await drawMarks(buildDelayDistributionSpec({ rows: delays, labels, state: LATE_WEEKS })), 'rect');
    // week 1's 50 lie outside; bin 3: 2 + 3 = 5; bin 1 drawn left of bin 3
    expect(pick(bars, 'delay_label', 'late_shipments')).toEqual([
      { delay_label: '6–12 h', late_shipments: 4 },
      { delay_label: '24–48 h', late_shipments: 5 },
    ]);
  });
});

describe('logistics: heat maps', () => {
  // Lane GD→BJ: weeks 2–3 30 / 3 → 3 of 30, 100 per 1,000, Wilson low 34.600 (> 20: white text);
  // GD→SH: 400 / 1 → 2.5, low 0.441; ZJ→SH: 100 / 3 → 30, low 10.255 (dark enough for black text
  // still); ZJ→BJ: week 1 only (outside). Carrier B's lane is filtered out.
  const lanes = [
    { carrier: 'A', week: W2, row_key: 'GD', column_key: 'BJ', delivered_shipments: 10, damaged_shipments: 1 },
    { carrier: 'A', week: W3, row_key: 'GD', column_key: 'BJ', delivered_shipments: 20, damaged_shipments: 2 },
    { carrier: 'A', week: W3, row_key: 'GD', column_key: 'SH', delivered_shipments: 400, damaged_shipments: 1 },
    { carrier: 'A', week: W1, row_key: 'ZJ', column_key: 'BJ', delivered_shipments: 10, damaged_shipments: 5 },
    { carrier: 'A', week: W2, row_key: 'ZJ', column_key: 'SH', delivered_shipments: 100, damaged_shipments: 3 },
    { carrier: 'B', week: W3, row_key: 'GD', column_key: 'BJ', delivered_shipments: 10, damaged_shipments: 9 },
  ];
  const spec = buildBreakageHeatmapSpec(
    { rows: lanes, labels, state: LATE_WEEKS },
    { dataset: 'lanes', rowTitle: 'from', columnTitle: 'to', filters: ['carrier'] },
  );

  it('gives each cell its summed rate and the lower Wilson bound as colour', async () => {
    const marks = await drawMarks(spec, { carrier: 'A' });
    const cells = itemsOf(marks, 'rect');
    expect(pick(cells, 'row_key', 'column_key', 'delivered', 'damaged', 'breakage_per_1000')).toEqual([
      { row_key: 'GD', column_key: 'BJ', delivered: 30, damaged: 3, breakage_per_1000: 100 },
      { row_key: 'GD', column_key: 'SH', delivered: 400, damaged: 1, breakage_per_1000: 2.5 },
      { row_key: 'ZJ', column_key: 'SH', delivered: 100, damaged: 3, breakage_per_1000: 30 },
    ]);
    expect(cells[0]!.datum.ci_low_per_1000).toBeCloseTo(34.6, 2);
    expect(cells[1]!.datum.ci_low_per_1000).toBeCloseTo(0.4414, 3);
    expect(cells[2]!.datum.ci_low_per_1000).toBeCloseTo(10.2545, 3);
    expect((spec as { layer: { encoding: { color: { field?: string } } }[] }).layer[0]!.encoding.color.field).toBe('ci_low_per_1000');
    // white text only on the dark cell
    expect(itemsOf(marks, 'text').map((t) => t.fill)).toEqual(['white', 'black', 'black']);
  });

  it('keys lanes by destination (rows) and origin (columns), and carrier cells by carrier and category', async () => {
    const data: LogisticsData = {
      carrierWeeks: [carrierWeek('A', W2, 10, 0)],
      lanes: [{ carrier: 'A', week: W2, origin_region: 'GD', dest_region: 'BJ', delivered_shipments: 10, damaged_shipments: 1 }],
      carrierCategories: [
        { carrier: 'A', week: W2, category: 'toys', delivered_shipments: 10, damaged_shipments: 1 },
        { carrier: 'A', week: W2, category: 'home', delivered_shipments: 5, damaged_shipments: 0 },
      ],
      delays: [{ carrier: 'A', week: W2, delay_bin: 2, late_shipments: 1 }],
    };
    const page = assembleLogisticsDashboard(data, context(W2), []);
    expect(datasetOf(findSpec(page, 'lane-heatmap'), 'lane_cells')[0]).toMatchObject({ row_key: 'BJ', column_key: 'GD' });
    // the busiest destinations on top, whatever their names
    const lanes = (['BJ', 'SH', 'ZJ'] as const).map((dest, i) => ({ ...data.lanes[0]!, dest_region: dest, delivered_shipments: [10, 50, 30][i]! }));
    const cells = itemsOf(await drawMarks(findSpec(assembleLogisticsDashboard({ ...data, lanes }, context(W2), []), 'lane-heatmap')), 'rect', 0, 'y');
    expect(cells.map((cell) => cell.datum.row_key)).toEqual(['SH', 'ZJ', 'BJ']);
    expect(datasetOf(findSpec(page, 'category-heatmap'), 'carrier_category_cells')[0]).toMatchObject({ row_key: 'A', column_key: 'toys', category: 'toys' });
    expect(datasetOf(findSpec(page, 'delay-distribution'), 'delay_weekly')[0]).toMatchObject({ delay_bin: 2, delay_label: '12–24 h' });
    // the category select lists its choices in order, after "all"
    expect(page.filters.find((f) => f.id === 'category')!.options.map((o) => o.value)).toEqual(['', 'home', 'toys']);
  });

  it('gives a heat map of more than 8 columns the whole row (48 px a cell), in the page too', () => {
    const lane = (origin: string) => ({ carrier: 'A', week: W2, origin_region: origin, dest_region: 'BJ', delivered_shipments: 10, damaged_shipments: 0 });
    const data: LogisticsData = {
      carrierWeeks: [carrierWeek('A', W2, 10, 0)],
      // 9 origins (the columns), one of them twice (two carriers' cells, one column)
      lanes: [...['GD', 'SH', 'ZJ', 'JS', 'SC', 'HB', 'HN', 'GX', 'YN'].map(lane), { ...lane('GD'), carrier: 'B' }],
      // 8 categories: still half a row
      carrierCategories: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((category) => ({
        carrier: 'A',
        week: W2,
        category,
        delivered_shipments: 1,
        damaged_shipments: 0,
      })),
      delays: [],
    };
    const page = assembleLogisticsDashboard(data, context(W2), []);
    const wideOf = (id: string) => {
      const section = page.sections.find((s) => s.id === id);
      return section?.kind === 'chart' ? section.wide : 'not a chart';
    };
    expect([wideOf('lane-heatmap'), wideOf('category-heatmap'), wideOf('carrier-breakage')]).toEqual([true, false, undefined]);
    const html = renderDashboardPage(page, { labels: selectLabels('en'), asOfText: '2026-03-30 00:00', runId: 'R1' });
    expect(html).toContain('<section class="panel wide" id="chart-lane-heatmap">');
    expect(html).toContain('<section class="panel" id="chart-category-heatmap">');
  });
});

// ---------------------------------------------------------------------------------------------------
// Merchandising

describe('merchandising: funnel limits', () => {
  // a: 20 orders / 2 and 80 / 8 → p₀ = 10 / 100 = 0.1; n from min(20, 10) = 10 to 80 in 3 geometric steps:
  //    10, 20, 40, 80. At 80, σ = √(0.1 · 0.9 / 80) = 0.0335410: upper95 = 0.1 + 1.959964σ = 0.1657394,
  //    lower95 = 0.0342606, upper998 = 0.1 + 3.090232σ = 0.2036495, lower998 = 0.1 − 0.1036495 → 0.
  // b: 1 / 1 and 3 / 2 → p₀ = 0.75; at n = 1, σ = √0.1875 = 0.4330127: 0.75 + 0.8487 clipped to 1.
  // c: one SKU of 5 orders → n from 5 to 6 (a curve, not a point); z: no orders → no curve.
  const limits = computeFunnelLimits(
    [
      { category: 'b', orders: 1, nad_orders: 1 },
      { category: 'a', orders: 20, nad_orders: 2 },
      { category: 'a', orders: 80, nad_orders: 8 },
      { category: 'b', orders: 3, nad_orders: 2 },
      { category: 'c', orders: 5, nad_orders: 0 },
      { category: 'z', orders: 0, nad_orders: 0 },
    ],
    3,
  );
  const of = (category: string) => limits.filter((p) => p.category === category);

  it('runs from the smallest listing (at most 10) to the largest, per category', () => {
    expect([...new Set(limits.map((p) => p.category))]).toEqual(['a', 'b', 'c']);
    expect(of('a').map((p) => p.orders)).toEqual([10, 20, 40, 80].map((n) => expect.closeTo(n, 9)));
    expect(of('b').map((p) => p.orders)).toEqual([1, 3 ** (1 / 3), 3 ** (2 / 3), 3].map((n) => expect.closeTo(n, 9)));
    expect(of('c').map((p) => p.orders)[0]).toBeCloseTo(5, 9);
    expect(of('c').map((p) => p.orders)[3]).toBeCloseTo(6, 9);
  });

  it('places the 95 % and 99.8 % limits around the pooled rate, clipped to [0, 1]', () => {
    const at80 = of('a')[3]!;
    expect(at80.centre).toBeCloseTo(0.1, 12);
    expect(at80.upper95).toBeCloseTo(0.1657394, 6);
    expect(at80.lower95).toBeCloseTo(0.0342606, 6);
    expect(at80.upper998).toBeCloseTo(0.2036495, 6);
    expect(at80.lower998).toBe(0);
    const at1 = of('b')[0]!;
    expect(at1).toMatchObject({ centre: 0.75, upper95: 1, upper998: 1, lower998: 0 });
    expect(at1.lower95).toBe(0);
  });
});

const listingRow = (sku: string, q: number | null, flagged: boolean, category: string | null = 'skincare'): ListingRow => ({
  sku,
  category,
  window_start: '2026-02-02T00:00:00+08:00',
  window_end: '2026-03-02T00:00:00+08:00',
  orders: 100,
  nad_orders: flagged ? 20 : 2,
  nad_rate: flagged ? 0.2 : 0.02,
  category_rate: 0.05,
  p_value: q,
  q_value: q,
  flagged,
  top_excerpt: null,
  title: '',
});

describe('merchandising: the listing-rate chart', () => {
  // 2 flagged listings and 17 tested ones that are not, and one never tested (no q-value): the chart
  // shows both flagged listings and the 13 least likely to be noise, by q-value.
  const unflagged = Array.from({ length: 17 }, (_, i) => listingRow(`U${String(i).padStart(2, '0')}`, 0.9 - i * 0.05, false));
  const listings = [listingRow('UNTESTED', null, false), ...unflagged, listingRow('F2', 0.002, true), listingRow('F1', 0.001, true, null)];
  const page = assembleMerchandisingDashboard(listings, context('2026-02-23'));
  const spec = findSpec(page, 'listing-rates');

  it('draws flagged listings first, then the lowest q-values, 15 in all', async () => {
    // unflagged q: U16 0.10, U15 0.15, … U04 0.70 are the 13 lowest
    const expected = ['F1', 'F2', ...Array.from({ length: 13 }, (_, i) => `U${String(16 - i).padStart(2, '0')}`)];
    expect(itemsOf(await drawMarks(spec), 'symbol', 0, 'y').map((dot) => dot.datum.sku)).toEqual(expected);
    // every tested listing is in the data, so a category filter can show its own 15; the untested one is not
    expect(datasetOf(spec, 'tested_listings')).toHaveLength(19);
  });

  it('breaks ties of q (Benjamini–Hochberg lifts many to exactly 1) by p, then SKU', async () => {
    const tied = [
      { ...listingRow('T1', 1, false), p_value: 0.3 },
      { ...listingRow('T2', 1, false), p_value: 0.05 },
      { ...listingRow('T0', 1, false), p_value: 0.9 },
      { ...listingRow('T3', 1, false), p_value: 0.3 },
      { ...listingRow('T4', 0.8, false), p_value: 0.01 },
    ];
    const ranked = findSpec(assembleMerchandisingDashboard(tied, context('2026-02-23')), 'listing-rates');
    expect(itemsOf(await drawMarks(ranked), 'symbol', 0, 'y').map((dot) => dot.datum.sku)).toEqual(['T4', 'T2', 'T1', 'T3', 'T0']);
  });

  it('shows the strongest 15 of the category the filter selects, also those outside the overall 15', async () => {
    const home = [listingRow('H1', 1, false, 'home'), listingRow('H2', 0.95, false, 'home')];
    const filtered = findSpec(assembleMerchandisingDashboard([...unflagged, ...home], context('2026-02-23')), 'listing-rates');
    const drawn = async (category: string) => itemsOf(await drawMarks(filtered, { category }), 'symbol', 0, 'y').map((dot) => dot.datum.sku);
    expect(await drawn('')).toEqual(Array.from({ length: 15 }, (_, i) => `U${String(16 - i).padStart(2, '0')}`));
    expect(await drawn('home')).toEqual(['H2', 'H1']);
  });

  it('draws the most significant at the top, flagged in red, a listing without category as ?', async () => {
    const marks = await drawMarks(spec);
    const dots = itemsOf(marks, 'symbol', 0, 'y');
    expect(dots.slice(0, 3).map((d) => [d.datum.sku, d.fill])).toEqual([
      ['F1', COLORS.alert],
      ['F2', COLORS.alert],
      ['U16', COLORS.primary],
    ]);
    expect(dots[0]!.datum.category).toBe('?');
    // the rule runs from the category's rate to the listing's
    const rule = (spec as { layer: { encoding: Record<string, { field?: string }> }[] }).layer[0]!.encoding;
    expect([rule.x!.field, rule.x2!.field]).toEqual(['category_rate', 'nad_rate']);
  });

  it('draws the funnel with the upper 99.8 %, 95 %, centre and lower 95 % curves of the selected category only', async () => {
    const funnel = findSpec(
      assembleMerchandisingDashboard([...listings, { ...listingRow('H1', 0.5, false), category: 'home' }], context('2026-02-23')),
      'funnel',
    );
    const limitLayers = (funnel as { layer: { layer?: { encoding: { y: { field: string } } }[] }[] }).layer[0]!.layer!;
    expect(limitLayers.map((l) => l.encoding.y.field)).toEqual(['upper998', 'upper95', 'centre', 'lower95']);
    // skincare pools every listing, flagged ones too: 18 × 2 + F2's 20 = 56 of 19 × 100 orders
    const centres = new Map(datasetOf(funnel, 'funnel_limits').map((point) => [point.category, point.centre]));
    expect(centres.get('skincare')).toBeCloseTo(56 / 1900, 12);
    expect(centres.get('?')).toBeCloseTo(0.2, 12);
    const lines = (await drawMarks(funnel, { category: 'home' })).filter((m) => m.type === 'line');
    expect(new Set(lines.flatMap((m) => m.items.map((item) => item.datum.category)))).toEqual(new Set(['home']));
    // with every category shown, the dots alone: a tangle of unnamed curves helped nobody
    const all = await drawMarks(funnel, { category: '' });
    const curves = all.filter((m) => m.type === 'line').flatMap((m) => m.items as (DrawnItem & { strokeOpacity?: number })[]);
    expect(new Set(curves.map((item) => item.strokeOpacity))).toEqual(new Set([0]));
    expect(new Set(lines.flatMap((m) => m.items as (DrawnItem & { strokeOpacity?: number })[]).map((item) => item.strokeOpacity))).toEqual(new Set([1]));
    expect(itemsOf(all, 'symbol').length).toBeGreaterThan(0);
  });
});

// ---------------------------------------------------------------------------------------------------
// Quality

describe('quality: the p-chart', () => {
  // Orders 01-05 1000, 01-19 1000, 01-26 2000, and 02-02 500 (the week after the report week 01-26,
  // still in progress). Complaints 12-29 5 (before the first week with orders), 01-05 10, 01-19 30,
  // 01-26 20, 02-02 50. Rows run from 01-05 to 01-26 with the gap 01-12 as an empty week; the centre
  // pools those four weeks: p̄ = 60 / 4000 = 15 per 1,000.
  // n = 1000: σ = √(0.015 · 0.985 / 1000) = 3.843818 per 1,000 → UCL 26.531479, LCL 3.468521;
  //   01-19's 30 per 1,000 is z = 15 / 3.843818 = 3.90 > 3: rule 1.
  // n = 2000: σ = 2.717996 per 1,000 → UCL 23.153987, LCL 6.846013; 01-26's 10 is z = −1.84.
  const data: Pick<QualityData, 'complaintsPerWeek' | 'ordersPerWeek'> = {
    complaintsPerWeek: [
      { week: '2025-12-29', complaints: 5 },
      { week: '2026-01-05', complaints: 10 },
      { week: '2026-01-19', complaints: 30 },
      { week: '2026-01-26', complaints: 20 },
      { week: '2026-02-02', complaints: 50 },
    ],
    ordersPerWeek: [
      { week: '2026-01-05', orders: 1000 },
      { week: '2026-01-19', orders: 1000 },
      { week: '2026-01-26', orders: 2000 },
      { week: '2026-02-02', orders: 500 },
    ],
  };
  const { rows } = buildControlRows(data, '2026-01-26', labels, NO_RAMP_UP);

  it('runs from the first week with orders to the report week, a week without orders left empty', () => {
    expect(rows.map((row) => [row.week, row.complaints, row.orders])).toEqual([
      ['2026-01-05', 10, 1000],
      ['2026-01-12', 0, 0],
      ['2026-01-19', 30, 1000],
      ['2026-01-26', 20, 2000],
    ]);
    expect(rows[1]).toMatchObject({ rate_per_1000: null, upper_per_1000: null, lower_per_1000: null, is_signal: false, signal_rules: '' });
  });

  it('puts the pooled centre and per-week 3σ limits per 1,000, and flags the week beyond them', () => {
    const shown = rows.filter((row) => row.orders > 0);
    expect(shown.map((row) => row.rate_per_1000)).toEqual([10, 30, 10].map((v) => expect.closeTo(v, 9)));
    for (const row of shown) expect(row.centre_per_1000).toBeCloseTo(15, 9);
    expect(shown.map((row) => row.upper_per_1000)).toEqual([26.531479, 26.531479, 23.153987].map((v) => expect.closeTo(v, 5)));
    expect(shown.map((row) => row.lower_per_1000)).toEqual([3.468521, 3.468521, 6.846013].map((v) => expect.closeTo(v, 5)));
    expect(shown.map((row) => [row.is_signal, row.signal_rules])).toEqual([
      [false, ''],
      [true, labels.quality.rules.one],
      [false, ''],
    ]);
  });

  it('clips the limits of a tiny week to [0, 1]', () => {
    // 1 of 1 and 0 of 1: p̄ = 0.5, σ = √(0.25 / 1) = 0.5, so 0.5 ± 1.5 → [0, 1] (a rate cannot leave it)
    const [first] = computeControlChart([
      { week: W1, events: 1, exposures: 1 },
      { week: W2, events: 0, exposures: 1 },
    ]).points;
    expect(first).toMatchObject({ centre: 0.5, upper: 1, lower: 0 });
  });

  it('draws a point per week with orders, the signal in red, and the limits and centre as lines', async () => {
    const spec = assembleQualityDashboard({ ...data, causeWeeks: [], movers: [], actions: [] }, context('2026-01-26'));
    const chart = findSpec(spec, 'p-chart');
    const points = itemsOf(await drawMarks(chart), 'symbol');
    expect(points.map((p) => [p.datum.week, p.fill])).toEqual([
      ['2026-01-05', COLORS.primary],
      ['2026-01-19', COLORS.alert],
      ['2026-01-26', COLORS.primary],
    ]);
    const layers = (chart as { layer: { encoding: { y: { field: string } } }[] }).layer;
    // no ramp-up week (rampUpWeeks 0): no layer for one
    expect(layers.map((l) => l.encoding.y.field)).toEqual(['upper_per_1000', 'lower_per_1000', 'centre_per_1000', 'rate_per_1000', 'rate_per_1000']);
  });

  it('draws the ramp-up weeks hollow in grey, without limits, and says what the centre pools', async () => {
    // rampUpWeeks 1: 01-05 is ramp-up; the centre pools 01-19 and 01-26: 50 / 3000 = 16.666667 per 1,000
    const settings = { rampUpWeeks: 1, baselineFrom: null, baselineTo: null };
    const page = assembleQualityDashboard({ ...data, causeWeeks: [], movers: [], actions: [] }, { ...context('2026-01-26'), controlChart: settings });
    const section = page.sections.find((s) => s.id === 'p-chart') as ChartDefinition;
    expect(section.description).toContain('Centre line pooled over the weeks 2026-01-19 to 2026-01-26.');
    expect(section.description).toContain('The first 1 week(s) of history (from 2026-01-05)');
    // Chinese sentences follow each other without a space
    const zhLabels = selectLabels('zh');
    const zhPage = assembleQualityDashboard(
      { ...data, causeWeeks: [], movers: [], actions: [] },
      { ...context('2026-01-26'), labels: zhLabels, format: createFormatter(zhLabels), controlChart: settings },
    );
    const zhSection = zhPage.sections.find((s) => s.id === 'p-chart') as ChartDefinition;
    expect(zhSection.description).toBe(
      `${zhLabels.quality.pChart.description}${zhLabels.quality.baselineNote('2026-01-19', '2026-01-26')}${zhLabels.quality.rampUpNote(1, '2026-01-05')}`,
    );
    const marks = await drawMarks(section.spec);
    expect(itemsOf(marks, 'symbol', 0).map((p) => [p.datum.week, p.fill])).toEqual([
      ['2026-01-19', COLORS.alert],
      ['2026-01-26', COLORS.primary],
    ]);
    expect(itemsOf(marks, 'symbol', 1).map((p) => [p.datum.week, p.fill, p.stroke])).toEqual([['2026-01-05', 'transparent', COLORS.neutral]]);
    // a history still inside its ramp-up: no limits and no judged points to draw, so no layer for them
    const young = assembleQualityDashboard(
      { ...data, causeWeeks: [], movers: [], actions: [] },
      { ...context('2026-01-26'), controlChart: { ...settings, rampUpWeeks: 4 } },
    );
    const youngLayers = (findSpec(young, 'p-chart') as { layer: { mark: { filled?: boolean }; encoding: { y: { field: string } } }[] }).layer;
    expect(youngLayers.map((l) => [l.encoding.y.field, l.mark.filled])).toEqual([
      ['centre_per_1000', undefined],
      ['rate_per_1000', undefined],
      ['rate_per_1000', false],
    ]);
    const { rows: ramped } = buildControlRows(data, '2026-01-26', labels, settings);
    expect(ramped[0]).toMatchObject({ is_ramp_up: true, upper_per_1000: null, is_signal: false, phase: labels.quality.phases.rampUp });
    expect(ramped[2]!.centre_per_1000).toBeCloseTo(50 / 3, 9);
    expect(ramped[2]!.phase).toBe(labels.quality.phases.baseline);
  });
});

describe('quality: Pareto, movers and actions', () => {
  const cause = (week: string, code: string, complaints: number) => ({ week, cause_code: code, cause_label: code, party_label: 'p', complaints });
  it('sums the selected weeks per cause, most first, and marks the causes that reach 80 %', async () => {
    // In weeks 2–3: X 25 + 25 = 50, Y 10 + 20 = 30, Z 15, V 5 (V's 1000 in week 1 lie outside); total 100.
    // Cumulative 0.5, 0.8, 0.95, 1. Vital: a cause whose predecessors hold < 80 %: X (0), Y (0.5); Z's
    // predecessors hold exactly 0.8, so Z is not.
    const rows = [cause(W1, 'V', 1000), cause(W2, 'X', 25), cause(W3, 'X', 25), cause(W2, 'Y', 10), cause(W3, 'Y', 20), cause(W3, 'Z', 15), cause(W2, 'V', 5)];
    const spec = buildParetoSpec({ rows, labels, state: LATE_WEEKS });
    const marks = await drawMarks(spec);
    const bars = itemsOf(marks, 'rect');
    expect(pick(bars, 'cause_code', 'complaints', 'rank', 'share', 'cumulative_share')).toEqual([
      { cause_code: 'X', complaints: 50, rank: 1, share: 0.5, cumulative_share: 0.5 },
      { cause_code: 'Y', complaints: 30, rank: 2, share: 0.3, cumulative_share: 0.8 },
      { cause_code: 'Z', complaints: 15, rank: 3, share: 0.15, cumulative_share: 0.95 },
      { cause_code: 'V', complaints: 5, rank: 4, share: 0.05, cumulative_share: 1 },
    ]);
    expect(bars.map((bar) => bar.fill)).toEqual([COLORS.alert, COLORS.alert, COLORS.neutral, COLORS.neutral]);
    const rule = (spec as { layer: { layer?: { encoding: { y: { datum?: number } } }[] }[] }).layer[1]!.layer![1]!;
    expect(rule.encoding.y.datum).toBe(0.8);
  });

  it("shows the 'to' week's movers, biggest rise on top, rises red", async () => {
    const mover = (week: string, code: string, change: number) => ({
      week,
      cause_code: code,
      cause_label: code,
      complaints: 10 + change,
      previous_complaints: 10,
      wow_change: change,
    });
    // W2 and 01-26 lie before and after the 'to' week W3
    const rows = [mover(W2, 'X', 100), mover(W3, 'Y', -3), mover(W3, 'X', 5), mover(W3, 'Z', 0), mover('2026-01-26', 'Q', 7)];
    const bars = itemsOf(await drawMarks(buildMoversSpec({ rows, labels, state: LATE_WEEKS })), 'rect', 0, 'y');
    expect(bars.map((bar) => [bar.datum.cause_code, bar.datum.wow_change, bar.fill])).toEqual([
      ['X', 5, COLORS.alert],
      ['Z', 0, COLORS.ok],
      ['Y', -3, COLORS.ok],
    ]);
  });

  it('draws each action from its before rate to its after rate, per 1,000, in action order', async () => {
    const actions = [
      actionEffectRow({ action_id: 'A2', before_rate: 0.015, verdict: 'pending' }),
      actionEffectRow({ action_id: 'A1', before_rate: 0.02, after_rate: 0.01 }),
      actionEffectRow({ action_id: 'A3', verdict: 'pending' }),
    ];
    const spec = findSpec(assembleQualityDashboard({ causeWeeks: [], movers: [], complaintsPerWeek: [], ordersPerWeek: [], actions }, context(W3)), 'actions');
    expect(
      pick(
        datasetOf(spec, 'action_effects').map((datum) => ({ datum, x: 0, y: 0 })),
        'action_id',
        'before_per_1000',
        'after_per_1000',
      ),
    ).toEqual([
      { action_id: 'A2', before_per_1000: 15, after_per_1000: null },
      { action_id: 'A1', before_per_1000: 20, after_per_1000: 10 },
      { action_id: 'A3', before_per_1000: null, after_per_1000: null },
    ]);
    const marks = await drawMarks(spec);
    // the line only where both ends exist; the hollow "before" dots top to bottom A1, A2
    expect(itemsOf(marks, 'rule').map((item) => item.datum.action_id)).toEqual(['A1']);
    expect(itemsOf(marks, 'symbol', 0, 'y').map((item) => item.datum.action_id)).toEqual(['A1', 'A2']);
    // the filled "after" dot in the verdict's colour: A1 effective, green
    expect(itemsOf(marks, 'symbol', 1, 'y').map((item) => [item.datum.action_id, item.fill])).toEqual([['A1', COLORS.ok]]);
  });

  it('colours every judged action by its verdict, also one marked early or worse after the action', async () => {
    const actions = [
      { action_id: 'A1', after_days: 20 },
      { action_id: 'A2', verdict: 'not_effective' as const, worsened: true, p_value_worse: 0.01 },
      { action_id: 'A3', verdict: 'not_effective' as const, after_days: 20 },
      { action_id: 'A4', verdict: 'insufficient_data' as const },
    ].map((row) => actionEffectRow({ before_rate: 0.02, after_rate: 0.01, ...row }));
    const spec = findSpec(assembleQualityDashboard({ causeWeeks: [], movers: [], complaintsPerWeek: [], ordersPerWeek: [], actions }, context(W3)), 'actions');
    const marks = await drawMarks(spec);
    // hollow "before" dots are stroked, filled "after" dots filled, in the verdict's colour
    const colours = (layer: number, paint: 'fill' | 'stroke') => itemsOf(marks, 'symbol', layer, 'y').map((item) => [item.datum.action_id, item[paint]]);
    const expected = [
      ['A1', COLORS.ok],
      ['A2', COLORS.alert],
      ['A3', COLORS.alert],
      ['A4', COLORS.neutral],
    ];
    expect(colours(0, 'stroke')).toEqual(expected);
    expect(colours(1, 'fill')).toEqual(expected);
    // the tooltip keeps the table's wording
    expect(itemsOf(marks, 'symbol', 1, 'y')[0]!.datum.verdict_label).toBe(`${labels.verdicts.effective} (${labels.quality.actionsTable.early('20.0', '56')})`);
  });

  it('explains "early" once above the actions table, only when a verdict is early', () => {
    const tableOf = (actions: ActionEffectRow[]) => {
      const page = assembleQualityDashboard({ causeWeeks: [], movers: [], complaintsPerWeek: [], ordersPerWeek: [], actions }, context(W3));
      return page.sections.find((s): s is TableDefinition => s.kind === 'table' && s.id === 'actions-table')!;
    };
    // 55.5 of 56 days: early; 56 of 56: not; an early pending or insufficient verdict has nothing to qualify
    const early = tableOf([actionEffectRow({ action_id: 'A1', after_days: 55.5 }), actionEffectRow({ action_id: 'A2', after_days: 56 })]);
    expect(early.description).toBe(labels.quality.actionsTable.earlyNote);
    expect(early.rows.map((row) => row.at(-1))).toEqual([`Effective (${labels.quality.actionsTable.early('55.5', '56')})`, 'Effective']);
    const settled = tableOf([
      actionEffectRow({ action_id: 'A2', after_days: 56 }),
      actionEffectRow({ action_id: 'A3', verdict: 'insufficient_data', after_days: 3 }),
      actionEffectRow({ action_id: 'A4', verdict: 'pending', after_days: null }),
    ]);
    expect(settled.description).toBeUndefined();
    // the chart's tooltip words each verdict as the table does
    const actions = [
      actionEffectRow({ action_id: 'A1', after_days: 55.5 }),
      actionEffectRow({ action_id: 'A5', verdict: 'not_effective', worsened: true, p_value_worse: 0.01, after_days: 56 }),
    ];
    const page = assembleQualityDashboard({ causeWeeks: [], movers: [], complaintsPerWeek: [], ordersPerWeek: [], actions }, context(W3));
    expect(datasetOf(findSpec(page, 'actions'), 'action_effects').map((d) => d.verdict_label)).toEqual([
      `Effective (${labels.quality.actionsTable.early('55.5', '56')})`,
      `Not effective (${labels.quality.actionsTable.worsened('0.010')})`,
    ]);
  });
});

describe('the headline', () => {
  it('counts as judged every action whose verdict is in, insufficient data included, and no pending one', () => {
    const actions = (['effective', 'pending', 'pending', 'insufficient_data'] as const).map((verdict, i) => actionEffectRow({ action_id: `A${i}`, verdict }));
    const none = { complaintsPerWeek: [], ordersPerWeek: [], carrierWeeks: [], slaWeeks: [], listings: [], waitingPastTarget: 0 };
    expect(summarizeHeadline({ ...none, actions }, W3)).toMatchObject({ actionsEffective: 1, actionsJudged: 2 });
  });
});

describe('the corrective-actions table', () => {
  it('prints scope, implementation day, before and after evidence as counts and rates per 1,000', () => {
    const row = actionEffectRow({
      scope_value: null,
      implemented_at: '2026-02-09T00:00:00+08:00',
      before_events: 12,
      before_exposures: 400,
      before_rate: 0.03,
      after_events: 2,
      after_exposures: 300,
      after_rate: 2 / 300,
      p_value: 0.002,
      after_days: 56,
    });
    const [cells] = buildActionsTableRows([row], labels, format);
    // scope without a value: the type alone; 12 / 400 = 30.0 per 1,000; 2 / 300 = 6.7; a full after period: no "early"
    expect(cells!.slice(3)).toEqual([
      labels.scopeTypes.carrier,
      labels.actionStatuses.implemented,
      '2026-02-09',
      '12 / 400',
      '30.0',
      '2 / 300',
      '6.7',
      '0.0020',
      labels.verdicts.effective,
    ]);
  });

  it('marks a verdict early until the after period has run its planned length, and none for an abandoned action', () => {
    const early = labels.quality.actionsTable.early;
    expect(describeVerdict(actionEffectRow({ verdict: 'not_effective', after_days: 20.5 }), labels, format)).toBe(
      `${labels.verdicts.not_effective} (${early('20.5', '56')})`,
    );
    expect(describeVerdict(actionEffectRow({ verdict: 'effective', after_days: 55.9 }), labels, format)).toBe(
      `${labels.verdicts.effective} (${early('55.9', '56')})`,
    );
    expect(describeVerdict(actionEffectRow({ status: 'abandoned', verdict: 'pending' }), labels, format)).toBe('–');
    // a channel scope is named as the pages name the channel; other scope values are data
    const zh = selectLabels('zh');
    expect(describeActionScope(actionEffectRow({ scope_type: 'channel', scope_value: 'Email ' }), zh)).toBe(`${zh.scopeTypes.channel}: ${zh.channels.email}`);
    expect(describeActionScope(actionEffectRow({ scope_type: 'category', scope_value: 'furniture' }), zh)).toBe(`${zh.scopeTypes.category}: furniture`);
    expect(describeActionScope(actionEffectRow({ scope_type: 'global', scope_value: null }), labels)).toBe(labels.scopeTypes.global);
    // implemented a week or less before as_of: its after period has not begun, so there is nothing to judge yet
    expect(describeVerdict(actionEffectRow({ verdict: 'insufficient_data', after_days: 0 }), labels, format)).toBe(
      `${labels.verdicts.insufficient_data} (${labels.quality.actionsTable.afterNotStarted})`,
    );
    expect(describeVerdict(actionEffectRow({ verdict: 'insufficient_data', after_days: 3 }), labels, format)).toBe(labels.verdicts.insufficient_data);
    expect(describeVerdict(actionEffectRow({ status: 'open', verdict: 'pending' }), labels, format)).toBe(labels.verdicts.pending);
  });
});

// ---------------------------------------------------------------------------------------------------
// Service

const slaWeek = slaWeekRow;

const waitingRow = (id: string, channel: string, severity: string, ageHours: number): WaitingComplaintRow => ({
  complaint_id: id,
  week: W3,
  channel,
  severity,
  status: 'open',
  opened_at: '2026-01-20T10:05:00+08:00',
  age_hours: ageHours,
  sla_target_minutes: 480,
  elapsed_minutes_at_as_of: 2000,
  excerpt: null,
});

/** Crisis complaint `C<n>`, opened n hours after Monday W2 00:00 (+08:00), answered in 30 minutes unless `unanswered`. */
const crisisRow = (n: number, unanswered = false): CrisisComplaintRow => ({
  complaint_id: `C${n}`,
  week: W2,
  opened_at: `2026-01-${String(12 + Math.floor(n / 24)).padStart(2, '0')}T${String(n % 24).padStart(2, '0')}:00:00+08:00`,
  channel: 'app',
  status: unanswered ? 'open' : 'resolved',
  severity_method: n % 2 ? 'rule' : 'given',
  causes: 'quality_defect|transit_damage',
  sku: n % 2 ? 'EL-1' : null,
  first_response_minutes: unanswered ? null : 30,
  sla_target_minutes: 60,
  sla_breached: unanswered,
  elapsed_minutes_at_as_of: unanswered ? 95.4 : null,
  excerpt: `burn ${n}`,
});

describe('service', () => {
  // Report week W3. email general: W1 100 / 100 (outside the weeks shown), W2 10 / 2, W3 10 / 4 →
  // 20 / 6 = 30 %; email crisis W2 4 / 3 + W3 2 / 2 = 6 / 5 = 83.3 %; chat general 5 / 0; hotline
  // important 8 / 1 = 12.5 %, hotline major 3 / 0; email major 1 / 0.
  const service: ServiceData = {
    slaWeeks: [
      slaWeek(W1, 'email', 'general', 100, 100),
      slaWeek(W2, 'email', 'general', 10, 2),
      // 2 of W3's email complaints still await an answer inside their target: W3's email rate is provisional
      slaWeek(W3, 'email', 'general', 10, 4, { awaiting_within_target: 2 }),
      slaWeek(W2, 'email', 'crisis', 4, 3),
      slaWeek(W3, 'email', 'crisis', 2, 2),
      slaWeek(W3, 'email', 'major', 1, 0),
      slaWeek(W3, 'chat', 'general', 5, 0),
      slaWeek(W3, 'hotline', 'important', 8, 1),
      slaWeek(W3, 'hotline', 'major', 3, 0),
    ],
    responseBins: [
      { week: W1, channel: 'email', severity: 'general', response_bin: 0, is_breached: false, complaints: 100 },
      { week: W2, channel: 'email', severity: 'general', response_bin: 5, is_breached: true, complaints: 3 },
      { week: W3, channel: 'email', severity: 'general', response_bin: 5, is_breached: true, complaints: 2 },
      { week: W3, channel: 'chat', severity: 'general', response_bin: 1, is_breached: false, complaints: 4 },
    ],
    // ages 10 h (< 1 day), 30 h and 50 h (1–3 days), 400 h (≥ 14 days); then 18 more, 21 in all
    waiting: [
      waitingRow('WA', 'email', 'general', 30.26),
      waitingRow('WB', 'email', 'general', 10),
      waitingRow('WC', 'email', 'general', 50),
      waitingRow('WD', 'chat', 'crisis', 400),
      ...Array.from({ length: 17 }, (_, i) => waitingRow(`WX${i}`, 'app', 'general', 500)),
    ],
    // 31 crisis complaints, oldest first as queried; the newest (C30) still unanswered
    crisis: Array.from({ length: 31 }, (_, n) => crisisRow(n, n === 30)),
  };
  const page = assembleServiceDashboard(service, { ...context(W3), reportWeek: W3 });
  const spec = (id: string) => {
    const chart = findSpec(page, id);
    // the page starts on the 13 weeks ending W3; W1 is moved out of the range here
    return { ...chart, params: (chart.params ?? []).map((p) => (p.name === 'weekFrom' ? { ...p, value: W2 } : p)) } as TopLevelSpec;
  };

  it('bins waiting ages at 1, 3, 7 and 14 days, lower edges inclusive', () => {
    expect([0, 23.99, 24, 71.99, 72, 167.99, 168, 335.99, 336, 5000].map(findAgeBin)).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
  });

  it('draws a week whose rate can still rise hollow in the breach trend', async () => {
    const points = itemsOf(await drawMarks(spec('breach-trend')), 'symbol', 0, 'x');
    const email = points.filter((p) => p.datum.channel_label === labels.channels.email);
    // W2 settled, W3 awaiting 2 answers inside their target
    expect(email.map((p) => [p.datum.week, p.datum.awaiting, p.fill === 'white'])).toEqual([
      [W2, 0, false],
      [W3, 2, true],
    ]);
  });

  it('colours each channel × severity cell by its summed breach rate, severities in order', async () => {
    const marks = await drawMarks(spec('breach-heatmap'));
    const cells = itemsOf(marks, 'rect').filter((c) => c.datum.channel_label === labels.channels.email || c.datum.channel_label === labels.channels.hotline);
    const byCell = Object.fromEntries(
      cells.map((c) => [`${c.datum.channel_label}/${c.datum.severity_label}`, [c.datum.complaints, c.datum.breached, c.datum.breach_rate]]),
    );
    expect(byCell).toEqual({
      [`${labels.channels.email}/${labels.severities.general}`]: [20, 6, 0.3],
      [`${labels.channels.email}/${labels.severities.crisis}`]: [6, 5, 5 / 6],
      [`${labels.channels.email}/${labels.severities.major}`]: [1, 0, 0],
      [`${labels.channels.hotline}/${labels.severities.important}`]: [8, 1, 0.125],
      [`${labels.channels.hotline}/${labels.severities.major}`]: [3, 0, 0],
    });
    // columns left to right: general, important, major, crisis
    const columns = [...new Map(itemsOf(marks, 'rect').map((c) => [c.datum.severity_label, c.x])).entries()].sort((a, b) => a[1] - b[1]).map(([s]) => s);
    expect(columns).toEqual([labels.severities.general, labels.severities.important, labels.severities.major, labels.severities.crisis]);
    // white text only on the cell above 50 %
    const white = itemsOf(marks, 'text').filter((t) => t.fill === 'white');
    expect(white.map((t) => t.datum.breach_rate)).toEqual([5 / 6]);
    // each cell prints its rate over its counts: 83 % of 6 reads differently from 83 % of 600
    expect(white.map((t) => t.datum.cell_text)).toEqual(['83%\n5 / 6']);
    // one channel selected
    const email = itemsOf(await drawMarks(spec('breach-heatmap'), { channel: 'email' }), 'rect');
    expect(new Set(email.map((c) => c.datum.channel_label))).toEqual(new Set([labels.channels.email]));
  });

  it('draws the weekly breach rate per channel over the selected weeks', async () => {
    const points = (await drawMarks(spec('breach-trend'), { channel: 'email' })).find((m) => m.type === 'line')!.items;
    // email: W2 10 + 4 = 14 / 5; W3 10 + 2 + 1 = 13 / 6
    expect(pick(points as DrawnItem[], 'week', 'complaints', 'breached', 'breach_rate')).toEqual([
      { week: W2, complaints: 14, breached: 5, breach_rate: 5 / 14 },
      { week: W3, complaints: 13, breached: 6, breach_rate: 6 / 13 },
    ]);
  });

  it('stacks answered complaints by response time, over target in red', async () => {
    const bars = itemsOf(await drawMarks(spec('response-time')), 'rect');
    // bin 1 (chat) 4 within target; bin 5 (email) 3 + 2 = 5 over target; W1's 100 lie outside
    expect(bars.map((bar) => [bar.datum.response_label, bar.datum.complaints, bar.fill])).toEqual([
      [labels.service.responseBins[1], 4, COLORS.ok],
      [labels.service.responseBins[5], 5, COLORS.alert],
    ]);
  });

  it('counts waiting complaints by age bin, youngest left, for the selected channel', async () => {
    const email = itemsOf(await drawMarks(spec('waiting'), { channel: 'email' }), 'rect');
    expect(email.map((bar) => [bar.datum.age_label, bar.datum.complaints])).toEqual([
      [labels.service.ageBins[0], 1],
      [labels.service.ageBins[1], 2],
    ]);
    const all = itemsOf(await drawMarks(spec('waiting')), 'rect');
    expect(all.map((bar) => bar.datum.age_label).at(-1)).toBe(labels.service.ageBins[4]);
    // 17 app complaints in one bar
    expect(all.map((bar) => bar.datum.complaints).sort((a, b) => Number(a) - Number(b))).toEqual([1, 1, 2, 17]);
  });

  it('lists 20 waiting complaints, gravest first, then furthest over the target on its own clock', () => {
    const waiting = [
      { ...waitingRow('G1', 'email', 'general', 400), elapsed_minutes_at_as_of: 600 },
      { ...waitingRow('G2', 'email', 'general', 10), elapsed_minutes_at_as_of: 1200 },
      { ...waitingRow('M1', 'chat', 'major', 30.26), sla_target_minutes: 120, elapsed_minutes_at_as_of: 150.4 },
      ...Array.from({ length: 20 }, (_, i) => ({ ...waitingRow(`X${String(i).padStart(2, '0')}`, 'app', 'general', 500), elapsed_minutes_at_as_of: 500 })),
    ];
    const table = findTable(assembleServiceDashboard({ ...service, waiting }, { ...context(W3), reportWeek: W3 }), 'waiting-table');
    expect(table.rows).toHaveLength(20);
    // M1 major 1.25× its 120 minutes; G2 2.5× and G1 1.25× of 480, whatever their calendar age; then 1.04× by id
    expect(table.rows.slice(0, 4).map((row) => row.slice(0, 8))).toEqual([
      ['M1', labels.channels.chat, labels.severities.major, '2026-01-20 10:05', '150', '120', '1.3×', '30.3'],
      ['G2', labels.channels.email, labels.severities.general, '2026-01-20 10:05', '1,200', '480', '2.5×', '10.0'],
      ['G1', labels.channels.email, labels.severities.general, '2026-01-20 10:05', '600', '480', '1.3×', '400.0'],
      ['X00', labels.channels.app, labels.severities.general, '2026-01-20 10:05', '500', '480', '1.0×', '500.0'],
    ]);
  });

  it('lists the newest 30 crisis complaints first, and says how many there are in all', () => {
    const table = findTable(page, 'crisis-table');
    expect(table.title).toBe(`Crisis complaints since the week of ${shiftWeek(W3, -3)}`);
    expect(table.description).toMatch(/ The newest 30 of 31\.$/);
    expect(table.rows.map((row) => row[0])).toEqual(Array.from({ length: 30 }, (_, i) => `C${30 - i}`));
    expect(table.rows[0]).toEqual([
      'C30',
      '2026-01-13 06:00',
      labels.channels.app,
      '–',
      'Quality defect, Transit damage',
      'agent',
      'none yet (95 so far)',
      '60',
      'yes',
      'Open',
      'burn 30',
    ]);
    expect(table.rows[1]!.slice(3, 10)).toEqual(['EL-1', 'Quality defect, Transit damage', 'safety-word rule', '30', '60', 'no', 'Resolved']);
  });

  it("tabulates the report week's follow-through by channel, gravest severity first", () => {
    const table = findTable(page, 'follow-through');
    expect(table.rows.map((row) => row.slice(0, 3))).toEqual([
      [labels.channels.chat, labels.severities.general, '5'],
      [labels.channels.hotline, labels.severities.major, '3'],
      [labels.channels.hotline, labels.severities.important, '8'],
      [labels.channels.email, labels.severities.crisis, '2'],
      [labels.channels.email, labels.severities.major, '1'],
      [labels.channels.email, labels.severities.general, '10'],
    ]);
    // the channel filter in the same order (then any other channel), after "all"
    expect(page.filters.find((f) => f.id === 'channel')!.options.map((o) => o.value)).toEqual(['', 'chat', 'hotline', 'app', 'email']);
  });
});
