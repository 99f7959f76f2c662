/**
 * Renders the static site into a staging folder (the run publishes it atomically as OUT/site): one page
 * per dashboard, each chart's spec as JSON and as a static SVG beside it, the overview page, the weekly
 * review under report/, and the vendor scripts so every page works from disk and offline.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Warehouse } from '../../pipelines/core/warehouse.ts';
import { assembleLogisticsDashboard } from '../logistics/logistics-dashboard.ts';
import { readMartSnapshot, summarizeSnapshotHeadline } from '../mart-snapshot.ts';
import { assembleMerchandisingDashboard } from '../merchandising/merchandising-dashboard.ts';
import { assembleQualityDashboard, buildControlRows, describeControlSignal } from '../quality/quality-dashboard.ts';
import { renderReviewFiles } from '../report/review-files.ts';
import { assembleServiceDashboard } from '../service/service-dashboard.ts';
import type { Dashboard, DashboardContext, RenderContext } from '../shared/dashboard-types.ts';
import { createFormatter, formatLocalInstant } from '../shared/format.ts';
import { describeFreshness } from '../shared/freshness.ts';
import { selectLabels } from '../shared/labels.ts';
import { loadResvg } from '../shared/render-png.ts';
import { startSvgRenderer } from '../shared/svg-renderer.ts';
import { chartFilesOf, renderDashboardPage } from './dashboard-page.ts';
import { renderIndexPage } from './index-page.ts';
import { pageFileOf, type SiteMeta } from './page-layout.ts';
import { copySiteAssets } from './vendor-assets.ts';

export interface SitePublisher {
  name: string;
  target(outDir: string): string;
  warmUp(): void;
  render(warehouse: Warehouse, stagingDir: string, context: RenderContext): Promise<void>;
}

export function createSitePublisher(): SitePublisher {
  return {
    name: 'render_site',
    target: (outDir) => path.join(outDir, 'site'),
    // The chart renderer (a worker) and resvg start while the marts are exported (in DuckDB's threads),
    // off the run's critical path; not earlier, as they hold ~70 MiB through ingest and models, when a
    // 10 M-line run is at its peak memory.
    warmUp: () => {
      startSvgRenderer();
      loadResvg().catch(() => undefined);
    },
    render: (warehouse, stagingDir, context) => renderSite(warehouse, stagingDir, context),
  };
}

/** Writes the whole site into `siteDir`. */
export async function renderSite(warehouse: Warehouse, siteDir: string, context: RenderContext): Promise<void> {
  const labels = selectLabels(context.config.language);
  const format = createFormatter(labels);
  // One read of the marts for the pages, the overview and the review (and the report publisher after us).
  const snapshot = await readMartSnapshot(warehouse, context);
  const dashboardContext: DashboardContext = {
    asOf: context.asOf,
    labels,
    format,
    reportWeek: snapshot.reportWeek,
    breakageTargetPer1000: context.config.carrier.breakageTargetPer1000,
    controlChart: context.config.controlChart,
  };
  const dashboards: Dashboard[] = [
    assembleQualityDashboard(snapshot.quality, dashboardContext),
    assembleLogisticsDashboard(snapshot.logistics, dashboardContext, snapshot.quality.actions),
    assembleMerchandisingDashboard(snapshot.listings, dashboardContext),
    assembleServiceDashboard(snapshot.service, dashboardContext),
  ];

  // The review's charts go to the renderer first: their PNG conversions (on resvg's threads) then run
  // while the pages' SVGs render.
  const review = await renderReviewFiles(warehouse, context);
  const headline = summarizeSnapshotHeadline(snapshot);
  // the p-chart's verdict on the headline week, for the front page's card (only a signal is worth a note)
  const controlWeek = buildControlRows(snapshot.quality, snapshot.reportWeek, labels, context.config.controlChart).rows.find(
    (row) => row.week === headline.current.week,
  );
  const controlSignal = controlWeek?.is_signal ? describeControlSignal(controlWeek, labels) : null;
  const meta: SiteMeta = {
    labels,
    asOfText: formatLocalInstant(snapshot.asOfText),
    runId: context.runId,
    reviewHref: `report/${review.stem}.html`,
    freshness: describeFreshness(
      {
        latestComplaintAt: snapshot.latestComplaintAt,
        asOf: context.asOf,
        maxComplaintGapHours: context.config.maxComplaintGapHours,
        complaintsThisWeek: headline.current.complaints,
      },
      labels,
      format,
    ),
  };
  fs.mkdirSync(path.join(siteDir, 'svg'), { recursive: true });
  fs.mkdirSync(path.join(siteDir, 'specs'), { recursive: true });
  const renderer = startSvgRenderer();
  const svgs: Promise<void>[] = [];
  try {
    for (const dashboard of dashboards) {
      for (const section of dashboard.sections) {
        if (section.kind !== 'chart') continue;
        const files = chartFilesOf(dashboard, section);
        fs.writeFileSync(path.join(siteDir, files.spec), `${JSON.stringify(section.spec, null, 2)}\n`);
        svgs.push(renderer.render(section.spec).then((svg) => fs.writeFileSync(path.join(siteDir, files.svg), svg)));
      }
      fs.writeFileSync(path.join(siteDir, pageFileOf(dashboard.id)), renderDashboardPage(dashboard, meta));
    }
    fs.writeFileSync(path.join(siteDir, 'index.html'), renderIndexPage(headline, meta, format, controlSignal));
    copySiteAssets(siteDir);
    await Promise.all(svgs);
  } finally {
    // On a failure above (a full disk, say) the queued SVG writes must settle before the run discards
    // the staging folder: one landing after it failed unhandled and took the process (and a scheduler) down.
    await Promise.allSettled(svgs);
  }
  const reportDir = path.join(siteDir, 'report');
  fs.mkdirSync(reportDir, { recursive: true });
  for (const [name, content] of await review.files) fs.writeFileSync(path.join(reportDir, name), content);
}
