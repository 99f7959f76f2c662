/**
 * The charts embedded in the weekly review: the dashboards' own spec builders, with the filters set to
 * the review week (the p-chart: the 13 weeks up to it), rendered to SVG and then to PNG.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Config } from '../../pipelines/core/config.ts';
import { buildCarrierBreakageSpec } from '../logistics/logistics-specs.ts';
import { buildControlRows } from '../quality/quality-dashboard.ts';
import { buildControlChartSpec, buildMoversSpec, buildParetoSpec } from '../quality/quality-specs.ts';
import type { FilterState } from '../shared/filters.ts';
import { labelOf, type Labels } from '../shared/labels.ts';
import { renderPng } from '../shared/render-png.ts';
import { startSvgRenderer } from '../shared/svg-renderer.ts';
import { shiftWeek } from '../shared/weeks.ts';
import type { ReviewData } from './report-queries.ts';

export interface ReviewChart {
  id: string;
  title: string;
  spec: TopLevelSpec;
}

export function buildReviewCharts(data: ReviewData, labels: Labels, targetPer1000: number, controlChart: Config['controlChart']): ReviewChart[] {
  const week = data.reportWeek;
  const weekOnly: FilterState = { weekFrom: week, weekTo: week, carrier: '', category: '', channel: '' };
  const quarter: FilterState = { ...weekOnly, weekFrom: shiftWeek(week, -12) };
  const causeRows = data.causeWeeks.map((row) => ({
    week: row.week,
    cause_code: row.cause_code,
    cause_label: labelOf(labels.causes, row.cause_code),
    party_label: labelOf(labels.parties, row.responsible_party),
    complaints: row.complaints,
  }));
  const moverRows = data.movers.map((row) => ({ ...row, cause_label: labelOf(labels.causes, row.cause_code) }));
  const carrierRows = data.carrierWeeks.map(({ on_time_shipments: _, ...row }) => row);
  return [
    { id: 'pareto', title: labels.quality.pareto.title, spec: buildParetoSpec({ rows: causeRows, labels, state: weekOnly }) },
    { id: 'movers', title: labels.quality.movers.title, spec: buildMoversSpec({ rows: moverRows, labels, state: weekOnly }) },
    {
      id: 'carrier-breakage',
      title: labels.logistics.breakage.title,
      spec: buildCarrierBreakageSpec({ rows: carrierRows, labels, state: weekOnly, targetPer1000, markRecent: false }),
    },
    {
      id: 'p-chart',
      title: labels.quality.pChart.title,
      spec: buildControlChartSpec({ rows: buildControlRows(data, week, labels, controlChart).rows, labels, state: quarter }),
    },
  ];
}

/** The file name of a review chart. */
export function reviewChartFileOf(stem: string, chart: { id: string }): string {
  return `${stem}-${chart.id}.png`;
}

/** Each chart as PNG bytes: SVGs from the chart renderer's thread, PNG conversions on resvg's threads. */
export async function renderReviewCharts(charts: readonly ReviewChart[]): Promise<Map<string, Buffer>> {
  const renderer = startSvgRenderer();
  return new Map(await Promise.all(charts.map(async (chart): Promise<[string, Buffer]> => [chart.id, await renderPng(await renderer.render(chart.spec))])));
}
