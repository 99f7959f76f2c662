/**
 * `rootloop status --check` for monitoring: besides a failed last run and stale data, a scheduled job
 * whose latest run failed (a missing weekly review behind successful refreshes) and a pulled source
 * that has not succeeded for longer than maxDataAgeHours; and the progress bar's terminal rule.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../pipelines/core/config.ts';
import { evaluateStatusCheck, formatStatus, type StatusReport } from '../../pipelines/run/status.ts';
import { shouldShowProgress } from '../../pipelines/scheduling/progress.ts';
import { healthyStatusReport, hoursBefore, statusRun } from '../helpers/status-report.ts';

const NOW = new Date('2026-03-31T10:00:00Z');
const hoursAgo = (hours: number) => hoursBefore(NOW, hours);

function report(overrides: Partial<StatusReport> = {}): StatusReport {
  return healthyStatusReport(NOW, {
    runs: [{ ...statusRun(NOW, 'R9', 'succeeded', 0.25), started_at: hoursAgo(0.3), as_of: hoursAgo(0.3) }],
    jobs: [
      {
        job: 'refresh',
        last_run_id: 'R9',
        last_status: 'succeeded',
        last_started_at: hoursAgo(0.3),
        last_error: null,
        last_success_at: hoursAgo(0.25),
        age_hours: 0.25,
        failures_since_success: 0,
      },
      {
        job: 'weekly-review',
        last_run_id: 'R7',
        last_status: 'failed',
        last_started_at: hoursAgo(26),
        last_error: 'SourceError: report store timed out',
        last_success_at: hoursAgo(170),
        age_hours: 170,
        failures_since_success: 4,
      },
      {
        job: 'run',
        last_run_id: 'R1',
        last_status: 'failed',
        last_started_at: hoursAgo(300),
        last_error: 'InputError: no inbox',
        last_success_at: null,
        age_hours: null,
        failures_since_success: 1,
      },
    ],
    ...overrides,
  });
}

describe('status --check', () => {
  const config = parseConfig({});

  it('fails on a scheduled job whose latest run failed, even behind successful runs of other jobs', () => {
    expect(evaluateStatusCheck(report(), config, NOW)).toEqual(['last weekly-review run R7 failed: SourceError: report store timed out']);
    const fixed = report({ jobs: report().jobs.map((j) => (j.job === 'weekly-review' ? { ...j, last_status: 'succeeded', last_error: null } : j)) });
    expect(evaluateStatusCheck(fixed, config, NOW)).toEqual([]); // the old manual `run` failure is not a scheduled job
  });

  it('fails when the newest complaint is older than maxDataAgeHours before the last as-of, however fresh the files', () => {
    const quiet = (hours: number) =>
      report({ jobs: [], newestComplaint: { opened_at: hoursAgo(hours + 0.3), as_of: hoursAgo(0.3), hours_before_as_of: hours } });
    // a quiet day (a Sunday, a holiday) is no alarm; three days without a complaint are
    expect(evaluateStatusCheck(quiet(50), config, NOW)).toEqual([]);
    expect(evaluateStatusCheck(quiet(424), config, NOW)).toEqual([
      "the newest complaint was opened 424.0 h before the last run's as-of (limit 72 h, maxComplaintGapHours): has the complaints feed stopped?",
    ]);
  });

  it('fails on a pulled source that has not succeeded for longer than maxDataAgeHours', () => {
    const stale = report({
      jobs: [],
      sources: [{ source: 'postgres:orders', cursor_value: '2026-03-29T00:00:00Z', last_success_at: hoursAgo(30), lag_hours: 30, last_failure: null }],
    });
    expect(evaluateStatusCheck(stale, config, NOW)).toEqual(['source postgres:orders last pulled 30.0 h ago (limit 26 h)']);
  });

  it('lists each job with its last run, last success and failures since', () => {
    expect(formatStatus(report({ scheduler: 'pid 4242 on vm since 2026-03-31T08:00:00.000Z' }))).toContain(
      [
        'scheduler: pid 4242 on vm since 2026-03-31T08:00:00.000Z',
        '',
        'last runs:',
        // 09:42 UTC, shown in the config's zone as people there read their clocks.
        `  R9                       refresh        succeeded    2026-03-31 17:42:00 +08:00  as of 2026-03-31 17:42:00 +08:00`,
        '',
        'jobs:',
        `  refresh          last succeeded    last success 2026-03-31 17:45:00 +08:00 (0.3 h ago)`,
        `  weekly-review    last failed       last success 2026-03-24 16:00:00 +08:00 (170.0 h ago); 4 failure(s) since`,
        '                   SourceError: report store timed out',
        '  run              last failed       never succeeded; 1 failure(s) since',
        '                   InputError: no inbox',
      ].join('\n'),
    );
  });
});

describe('progress bars', () => {
  it('show only in a terminal and never in CI', () => {
    expect(shouldShowProgress({ isTTY: true }, {})).toBe(true);
    expect(shouldShowProgress({ isTTY: true }, { CI: 'true' })).toBe(false);
    expect(shouldShowProgress({ isTTY: false }, {})).toBe(false);
    expect(shouldShowProgress({}, {})).toBe(false);
  });
});
