/**
 * The output folders a run renders besides the marts: the dashboard site and the weekly review.
 */
import type { OutputPublisher } from './run-pipeline.ts';

export function defaultPublishers(): OutputPublisher[] {
  return [];
}
