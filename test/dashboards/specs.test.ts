// Every dashboard's specs, built from small hand-made mart rows in both languages: each compiles with
// vega-lite without a warning and parses and runs in vega; every mark has a tooltip; every param binds
// to a filter on its page; no value from the data appears inside an expression; the label tables agree.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TopLevelSpec } from 'vega-lite';
import { assembleLogisticsDashboard } from '../../dashboards/logistics/logistics-dashboard.ts';
import type { LogisticsData } from '../../dashboards/logistics/logistics-queries.ts';
import { assembleMerchandisingDashboard } from '../../dashboards/merchandising/merchandising-dashboard.ts';
import type { ListingRow } from '../../dashboards/merchandising/merchandising-queries.ts';
import { assembleQualityDashboard } from '../../dashboards/quality/quality-dashboard.ts';
import type { QualityData } from '../../dashboards/quality/quality-queries.ts';
import { assembleServiceDashboard } from '../../dashboards/service/service-dashboard.ts';
import type { ServiceData } from '../../dashboards/service/service-queries.ts';
import type { Dashboard, DashboardContext } from '../../dashboards/shared/dashboard-types.ts';
import { filterElementId } from '../../dashboards/shared/filters.ts';
import { createFormatter } from '../../dashboards/shared/format.ts';
import { selectLabels, type Labels } from '../../dashboards/shared/labels.ts';
import { compileToVega, loadVegaModules, renderSvg, type RenderLog } from '../../dashboards/shared/render-svg.ts';
import { startSvgRenderer } from '../../dashboards/shared/svg-renderer.ts';
import { ACTION_STATUSES, CAUSE_CODES, CAUSES, CHANNELS, SCOPE_TYPES, SEVERITIES } from '../../models/entities.ts';
import { actionEffectRow } from '../helpers/mart-rows.ts';

const HOSTILE = '</script><script>alert(1)</script>';
const weeks = ['2026-02-02', '2026-02-09', '2026-02-16', '2026-02-23'];

const quality: QualityData = {
  causeWeeks: weeks.flatMap((week, i) => [
    { week, cause_code: 'transit_damage', responsible_party: 'carrier', complaints: 10 + i, share: 0.6, rank: 1, cumulative_share: 0.6, wow_change: 1 },
    { week, cause_code: 'not_as_described', responsible_party: 'merchandising', complaints: 5, share: 0.3, rank: 2, cumulative_share: 0.9, wow_change: 0 },
    { week, cause_code: 'brand_new_code', responsible_party: 'unknown', complaints: 2, share: 0.1, rank: 3, cumulative_share: 1, wow_change: 0 },
  ]),
  movers: weeks.map((week) => ({ week, cause_code: 'transit_damage', complaints: 11, previous_complaints: 10, wow_change: 1 })),
  complaintsPerWeek: weeks.map((week, i) => ({ week, complaints: 17 + i })),
  ordersPerWeek: weeks.map((week) => ({ week, orders: 1000 })),
  actions: [
    {
      action_id: 'A1',
      cause_code: 'transit_damage',
      scope_type: 'carrier',
      scope_value: HOSTILE,
      status: 'implemented',
      implemented_at: '2026-02-09T00:00:00+08:00',
      before_exposures: 400,
      before_events: 12,
      before_rate: 0.03,
      after_exposures: 300,
      after_events: 2,
      after_rate: 0.0067,
      p_value: 0.002,
      verdict: 'effective',
      title: HOSTILE,
      owner: 'logistics',
      opened_at: '2026-02-01T09:00:00+08:00',
      due_at: null,
      after_days: 56,
      after_days_planned: 56,
      p_value_worse: 0.998,
      worsened: false,
    },
    actionEffectRow({
      action_id: 'A2',
      cause_code: 'service_attitude',
      scope_type: 'channel',
      scope_value: 'email',
      status: 'open',
      verdict: 'pending',
      title: 'Training',
    }),
  ],
};

const carrierRow = (carrier: string, week: string, damaged: number) => ({
  carrier,
  week,
  delivered_shipments: 200,
  damaged_shipments: damaged,
  breakage_per_1000: damaged * 5,
  breakage_ci_low_per_1000: Math.max(0, damaged * 5 - 4),
  breakage_ci_high_per_1000: damaged * 5 + 6,
  on_time_shipments: 180,
  on_time_rate: 0.9,
  avg_delay_hours: 12,
  flagged: damaged > 3,
});
const logistics: LogisticsData = {
  carrierWeeks: weeks.flatMap((week) => [carrierRow('Heron', week, 6), carrierRow(HOSTILE, week, 0)]),
  lanes: weeks.map((week) => ({ carrier: 'Heron', week, origin_region: 'Guangdong', dest_region: HOSTILE, delivered_shipments: 200, damaged_shipments: 6 })),
  carrierCategories: weeks.map((week) => ({ carrier: 'Heron', week, category: 'home', delivered_shipments: 200, damaged_shipments: 6 })),
  delays: weeks.map((week) => ({ carrier: 'Heron', week, delay_bin: 2, late_shipments: 20 })),
};

const listing = (sku: string, orders: number, nad: number, flagged: boolean, categoryRate: number | null, q: number | null): ListingRow => ({
  sku,
  category: 'skincare',
  window_start: '2026-02-02T00:00:00+08:00',
  window_end: '2026-03-02T00:00:00+08:00',
  orders,
  nad_orders: nad,
  nad_rate: nad / orders,
  category_rate: categoryRate,
  p_value: q,
  q_value: q,
  flagged,
  top_excerpt: HOSTILE,
  title: HOSTILE,
});
const listings = [listing('CREAM-X', 40, 8, true, 0.01, 1e-6), listing('SOAP-Z', 100, 1, false, 0.05, 0.9), listing('TINY-1', 5, 1, false, 0.03, null)];

const service: ServiceData = {
  slaWeeks: weeks.flatMap((week) => [
    {
      week,
      channel: 'email',
      severity: 'general',
      complaints: 10,
      responded: 9,
      breached: 3,
      breach_rate: 0.3,
      median_first_response_minutes: 300,
      p90_first_response_minutes: 600,
      awaiting_within_target: 1,
      median_resolution_hours: 30.5,
      escalation_rate: 0.1,
      reopen_rate: 0.2,
      followup_rate: 0.5,
      csat_avg: 3.25,
    },
    {
      week,
      channel: 'chat',
      severity: 'crisis',
      complaints: 2,
      responded: 2,
      breached: 0,
      breach_rate: 0,
      median_first_response_minutes: 10,
      p90_first_response_minutes: 20,
      awaiting_within_target: 0,
      median_resolution_hours: null,
      escalation_rate: 0.5,
      reopen_rate: 0,
      followup_rate: 1,
      csat_avg: null,
    },
  ]),
  responseBins: weeks.flatMap((week) => [
    { week, channel: 'email', severity: 'general', response_bin: 5, is_breached: true, complaints: 3 },
    { week, channel: 'chat', severity: 'crisis', response_bin: 0, is_breached: false, complaints: 2 },
  ]),
  crisis: [],
  waiting: [
    {
      complaint_id: 'W1',
      week: '2026-02-23',
      channel: 'email',
      severity: 'general',
      status: 'open',
      opened_at: '2026-02-24T10:00:00+08:00',
      age_hours: 110,
      sla_target_minutes: 480,
      elapsed_minutes_at_as_of: 2000,
      excerpt: HOSTILE,
    },
  ],
};

function buildDashboards(language: 'zh' | 'en'): Dashboard[] {
  const labels = selectLabels(language);
  const context: DashboardContext = {
    asOf: new Date('2026-03-02T00:00:00+08:00'),
    labels,
    format: createFormatter(labels),
    reportWeek: '2026-02-23',
    breakageTargetPer1000: 5,
    controlChart: { rampUpWeeks: 4, baselineFrom: null, baselineTo: null },
  };
  return [
    assembleQualityDashboard(quality, context),
    assembleLogisticsDashboard(logistics, context, []),
    assembleMerchandisingDashboard(listings, context),
    assembleServiceDashboard(service, context),
  ];
}

type SpecNode = { mark?: unknown; encoding?: { tooltip?: unknown }; layer?: SpecNode[] };

/** Every unit spec (one with a mark) of a spec. */
function collectUnits(node: SpecNode): SpecNode[] {
  return [...(node.mark ? [node] : []), ...(node.layer ?? []).flatMap(collectUnits)];
}

/** Every expression string of a spec: filters, calculates, condition tests, param exprs. */
function collectExpressions(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((child) => collectExpressions(child, out));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'datasets') continue;
      if (['filter', 'calculate', 'test', 'expr'].includes(key) && typeof value === 'string') out.push(value);
      else collectExpressions(value, out);
    }
  }
  return out;
}

function collectDataStrings(spec: TopLevelSpec): Set<string> {
  const strings = new Set<string>();
  for (const rows of Object.values(spec.datasets ?? {}) as Record<string, unknown>[][]) {
    for (const row of rows) for (const value of Object.values(row)) if (typeof value === 'string' && value.length >= 3) strings.add(value);
  }
  return strings;
}

describe.each(['zh', 'en'] as const)('dashboard specs (%s)', (language) => {
  const dashboards = buildDashboards(language);

  it('build four dashboards, each with charts', () => {
    expect(dashboards.map((d) => d.id)).toEqual(['quality', 'logistics', 'merchandising', 'service']);
    for (const dashboard of dashboards) expect(dashboard.sections.filter((s) => s.kind === 'chart').length).toBeGreaterThanOrEqual(2);
  });

  it("show the service lead the report week's follow-through as mart_sla_weekly has it", () => {
    const service = dashboards.find((d) => d.id === 'service')!;
    const table = service.sections.find((s) => s.kind === 'table' && s.id === 'follow-through');
    expect(table?.kind).toBe('table');
    if (table?.kind !== 'table') return;
    const labels = selectLabels(language);
    const format = createFormatter(labels);
    // channels in the order chat, hotline, app, email, social, other; empty values as –
    expect(table.rows).toEqual([
      [labels.channels.chat, labels.severities.crisis, '2', '–', format.percent(0.5), format.percent(0), format.percent(1), '–'],
      [
        labels.channels.email,
        labels.severities.general,
        '10',
        format.decimal(30.5, 1),
        format.percent(0.1),
        format.percent(0.2),
        format.percent(0.5),
        format.decimal(3.25, 2),
      ],
    ]);
  });

  // Rendering is the slow part; one language is enough to show every chart draws marks.
  it('compile with vega-lite without warnings, parse in vega and render marks', async () => {
    const [vega, vegaLite] = await loadVegaModules();
    for (const dashboard of dashboards) {
      for (const chart of dashboard.sections) {
        if (chart.kind !== 'chart') continue;
        // As the browser compiles it (container width) …
        const browserWarnings: string[] = [];
        const asInBrowser = vegaLite.compile(chart.spec, {
          logger: {
            level: () => 0,
            warn: (...m: unknown[]) => browserWarnings.push(m.join(' ')),
            info: () => undefined,
            debug: () => undefined,
            error: (...m: unknown[]) => browserWarnings.push(m.join(' ')),
          } as never,
        });
        expect(() => vega.parse(asInBrowser.spec), `${dashboard.id}/${chart.id} in the browser`).not.toThrow();
        expect(browserWarnings, `${dashboard.id}/${chart.id} in the browser`).toEqual([]);
        // … and as the server renders it (fixed width).
        const log: RenderLog = { warnings: [], errors: [] };
        const compiled = await compileToVega(chart.spec, log);
        expect(() => vega.parse(compiled), `${dashboard.id}/${chart.id}`).not.toThrow();
        if (language === 'zh') {
          const svg = await renderSvg(chart.spec, log);
          expect(svg.match(/role="graphics-symbol"/g)?.length ?? 0, `${dashboard.id}/${chart.id} has marks`).toBeGreaterThan(0);
        }
        expect(log, `${dashboard.id}/${chart.id}`).toEqual({ warnings: [], errors: [] });
      }
    }
  });

  it('put a tooltip on every mark', () => {
    for (const dashboard of dashboards) {
      for (const chart of dashboard.sections) {
        if (chart.kind !== 'chart') continue;
        const units = collectUnits(chart.spec as SpecNode);
        expect(units.length).toBeGreaterThan(0);
        for (const unit of units) expect(unit.encoding?.tooltip, `${dashboard.id}/${chart.id}`).toBeDefined();
      }
    }
  });

  it('bind every param to a filter of its page, and use every filter', () => {
    for (const dashboard of dashboards) {
      const filterElements = new Set(dashboard.filters.map((f) => `#${filterElementId(f.id)}`));
      const bound = new Set<string>();
      for (const chart of dashboard.sections) {
        if (chart.kind !== 'chart') continue;
        for (const param of (chart.spec.params ?? []) as { name: string; value?: unknown; bind?: { element?: string } }[]) {
          expect(filterElements.has(param.bind?.element ?? ''), `${dashboard.id}/${chart.id} param ${param.name}`).toBe(true);
          const control = dashboard.filters.find((f) => `#${filterElementId(f.id)}` === param.bind?.element)!;
          expect(param.value, 'a param starts where its select starts').toBe(control.value);
          bound.add(param.bind!.element!);
        }
      }
      expect([...bound].sort()).toEqual([...filterElements].sort());
    }
  });

  it('never put a data value inside an expression', () => {
    for (const dashboard of dashboards) {
      for (const chart of dashboard.sections) {
        if (chart.kind !== 'chart') continue;
        const values = collectDataStrings(chart.spec);
        for (const expression of collectExpressions(chart.spec)) {
          for (const value of values) expect(expression.includes(value), `${dashboard.id}/${chart.id}: ${expression}`).toBe(false);
        }
      }
    }
  });

  it('keep hostile text as data in the spec', () => {
    const merch = dashboards.find((d) => d.id === 'merchandising')!;
    const funnel = merch.sections.find((s) => s.kind === 'chart' && s.id === 'funnel')!;
    expect(JSON.stringify(funnel.kind === 'chart' ? funnel.spec.datasets : null)).toContain(JSON.stringify(HOSTILE).slice(1, -1));
  });
});

describe('the chart renderer thread', () => {
  it('renders what the main thread renders, and reports a broken spec as an error', async () => {
    const spec = buildDashboards('en')[1]!.sections.find((s) => s.kind === 'chart')!;
    if (spec.kind !== 'chart') throw new Error('no chart');
    const renderer = startSvgRenderer();
    expect(await renderer.render(spec.spec)).toBe(await renderSvg(spec.spec));
    await expect(renderer.render({ mark: 'nonsense' } as unknown as TopLevelSpec)).rejects.toThrow();
  });
});

describe('a run that fails before rendering', () => {
  it('still exits promptly: the idle renderer thread keeps no process alive', async () => {
    const { withTempDir, writeFiles } = await import('../helpers/warehouse.ts');
    const { runCli } = await import('../helpers/cli.ts');
    await withTempDir(async (dir) => {
      writeFiles(path.join(dir, 'inbox'), {});
      fs.writeFileSync(
        path.join(dir, 'w.duckdb.lock'),
        JSON.stringify({ runId: 'r1', pid: process.pid, startedAt: '2026-01-01T00:00:00.000Z', command: 'run' }),
      );
      const started = Date.now();
      const result = runCli(['run', '--inbox', path.join(dir, 'inbox'), '--db', path.join(dir, 'w.duckdb'), '--out', path.join(dir, 'out')], {
        timeoutMs: 30_000,
      });
      expect(result.stderr).toMatch(/DatabaseLockedError/);
      expect(result.status).toBe(2);
      expect(Date.now() - started).toBeLessThan(30_000);
    });
  });
});

describe('labels', () => {
  /** The key paths of a label table. */
  function keyPaths(node: unknown, prefix = ''): string[] {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return [prefix];
    return Object.entries(node).flatMap(([key, value]) => keyPaths(value, `${prefix}.${key}`));
  }

  it('have the same keys in Chinese and English', () => {
    expect(keyPaths(selectLabels('zh')).sort()).toEqual(keyPaths(selectLabels('en')).sort());
  });

  it('name every code of the contract in both languages', () => {
    for (const labels of [selectLabels('zh'), selectLabels('en')] as Labels[]) {
      for (const code of CAUSE_CODES) expect(labels.causes[code], code).toBeTruthy();
      for (const party of new Set(Object.values(CAUSES))) expect(labels.parties[party], party).toBeTruthy();
      for (const channel of CHANNELS) expect(labels.channels[channel]).toBeTruthy();
      for (const severity of SEVERITIES) expect(labels.severities[severity]).toBeTruthy();
      for (const status of ACTION_STATUSES) expect(labels.actionStatuses[status]).toBeTruthy();
      for (const scope of SCOPE_TYPES) expect(labels.scopeTypes[scope]).toBeTruthy();
      expect(labels.logistics.delayBins).toHaveLength(7);
      expect(labels.service.responseBins).toHaveLength(8);
    }
  });
});
