/**
 * Publishes the weekly review into OUT/report: this run's review of the latest complete week, next to
 * the reviews of earlier weeks that earlier runs left there (a review is a record; a rerun of the same
 * week replaces it).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Warehouse } from '../../pipelines/core/warehouse.ts';
import type { RenderContext } from '../shared/dashboard-types.ts';
import { renderReviewFiles } from './review-files.ts';

export interface ReportPublisher {
  name: string;
  target(outDir: string): string;
  render(warehouse: Warehouse, stagingDir: string, context: RenderContext): Promise<void>;
}

/** Earlier weeks' files: `weekly-YYYY-MM-DD…` and `corrective_actions-proposed-YYYY-MM-DD.csv` of other weeks. */
function isEarlierReviewFile(name: string, week: string): boolean {
  const match = /^(?:weekly-|corrective_actions-proposed-)(\d{4}-\d{2}-\d{2})/.exec(name);
  return match !== null && match[1] !== week;
}

export function createReportPublisher(): ReportPublisher {
  return {
    name: 'render_report',
    target: (outDir) => path.join(outDir, 'report'),
    async render(warehouse, stagingDir, context) {
      const { week, files: pending } = await renderReviewFiles(warehouse, context);
      const files = await pending;
      const previous = path.join(context.outDir, 'report');
      if (fs.existsSync(previous)) {
        for (const name of fs.readdirSync(previous)) {
          if (isEarlierReviewFile(name, week)) fs.copyFileSync(path.join(previous, name), path.join(stagingDir, name));
        }
      }
      for (const [name, content] of files) fs.writeFileSync(path.join(stagingDir, name), content);
    },
  };
}
