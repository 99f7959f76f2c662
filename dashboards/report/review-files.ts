/**
 * The weekly review's files (Markdown, HTML, chart PNGs, proposed-actions CSV) for a run, rendered once
 * and shared by the report publisher (OUT/report) and the site (OUT/site/report, so `rootloop serve`,
 * which serves the site only, can show it too).
 */
import type { Warehouse } from '../../pipelines/core/warehouse.ts';
import { readMartSnapshot } from '../mart-snapshot.ts';
import type { RenderContext } from '../shared/dashboard-types.ts';
import { createFormatter } from '../shared/format.ts';
import { selectLabels } from '../shared/labels.ts';
import { selectReviewData } from './report-queries.ts';
import { buildReviewCharts, renderReviewCharts, reviewChartFileOf } from './review-charts.ts';
import { renderReviewHtml } from './render-html.ts';
import { renderMarkdown } from './render-markdown.ts';
import { formatProposedActionsCsv } from './proposed-actions.ts';
import { buildWeeklyReview, reviewStemOf, type WeeklyReview } from './weekly-review.ts';

export interface ReviewFiles {
  week: string;
  stem: string;
  review: WeeklyReview;
  /**
   * File name → content. Settles after the charts are drawn; everything the review needs from the
   * warehouse has been read by then, so other queries may run meanwhile.
   */
  files: Promise<Map<string, string | Buffer>>;
}

const rendered = new WeakMap<RenderContext, Promise<ReviewFiles>>();

/** The review files of this run (rendered on first call for a context, then reused). */
export function renderReviewFiles(warehouse: Warehouse, context: RenderContext): Promise<ReviewFiles> {
  let files = rendered.get(context);
  if (!files) {
    files = createReviewFiles(warehouse, context);
    rendered.set(context, files);
  }
  return files;
}

async function createReviewFiles(warehouse: Warehouse, context: RenderContext): Promise<ReviewFiles> {
  const labels = selectLabels(context.config.language);
  const format = createFormatter(labels);
  const targetPer1000 = context.config.carrier.breakageTargetPer1000;
  const data = selectReviewData(await readMartSnapshot(warehouse, context));
  const week = data.reportWeek;
  const stem = reviewStemOf(week);
  const charts = buildReviewCharts(data, labels, targetPer1000, context.config.controlChart);
  const review = buildWeeklyReview(data, {
    labels,
    format,
    asOf: context.asOf,
    targetPer1000,
    maxComplaintGapHours: context.config.maxComplaintGapHours,
    slaTargets: context.config.sla.targets,
    controlChart: context.config.controlChart,
    charts: charts.map((chart) => ({ file: reviewChartFileOf(stem, chart), title: chart.title })),
  });
  const files = renderReviewCharts(charts).then((pngs) => {
    const files = new Map<string, string | Buffer>([
      [`${stem}.md`, renderMarkdown(review.document)],
      [`${stem}.html`, renderReviewHtml(review.document)],
    ]);
    for (const chart of charts) files.set(reviewChartFileOf(stem, chart), pngs.get(chart.id)!);
    // Named like an inbox file of corrective actions, so it can be dropped into the inbox as it is.
    if (review.proposals.length) files.set(`corrective_actions-proposed-${week}.csv`, formatProposedActionsCsv(review.proposals));
    return files;
  });
  // Whoever awaits `files` gets its error; this only keeps an early failure elsewhere from leaving it unhandled.
  files.catch(() => undefined);
  return { week, stem, files, review };
}
