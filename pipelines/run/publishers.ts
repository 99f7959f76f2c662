/**
 * The output folders a run renders besides the marts: the dashboard site and the weekly review.
 */
import { createReportPublisher } from '../../dashboards/report/report-publisher.ts';
import { createSitePublisher } from '../../dashboards/site/site-publisher.ts';
import type { OutputPublisher } from './run-pipeline.ts';

export function defaultPublishers(): OutputPublisher[] {
  return [createSitePublisher(), createReportPublisher()];
}
