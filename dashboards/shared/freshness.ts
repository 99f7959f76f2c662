/**
 * How fresh the data behind a week's numbers is, and a warning when it looks stale or missing. Shared
 * by the weekly review and the site's front page: a failed source or an empty inbox otherwise reads as
 * a quiet week, the best news a review can bring.
 */
import { formatLocalInstant, type Formatter } from './format.ts';
import type { Labels } from './labels.ts';

export interface Freshness {
  /** "Latest complaint opened: …", or null when none was loaded. */
  latest: string | null;
  warning: string | null;
}

/**
 * The newest complaint's age is held against `maxComplaintGapHours`, the limit `status --check` uses for
 * the same quantity (not maxDataAgeHours, the files' and marts' age): a quiet Sunday brings no complaint,
 * and a review warning where monitoring is content teaches readers to ignore the warning.
 */
export function describeFreshness(
  input: { latestComplaintAt: string | null; asOf: Date; maxComplaintGapHours: number; complaintsThisWeek: number },
  labels: Labels,
  format: Formatter,
): Freshness {
  const r = labels.report;
  if (input.latestComplaintAt === null) return { latest: null, warning: r.noComplaintsYet };
  const ageHours = (input.asOf.getTime() - Date.parse(input.latestComplaintAt)) / 3_600_000;
  return {
    latest: `${r.latestComplaint}: ${formatLocalInstant(input.latestComplaintAt)}`,
    warning: ageHours > input.maxComplaintGapHours ? r.staleData(format.decimal(ageHours, 0)) : input.complaintsThisWeek === 0 ? r.noComplaintsThisWeek : null,
  };
}
