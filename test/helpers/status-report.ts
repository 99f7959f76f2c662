/**
 * Status reports for `status --check` tests: a healthy warehouse as `rootloop status` would report it
 * at `now` (one refresh run that ended an hour ago, complaints ingested an hour ago), changed where a
 * test says.
 */
import type { StatusReport } from '../../pipelines/run/status.ts';

export type StatusRun = StatusReport['runs'][number];

/** The instant `hours` before `now`, as ISO 8601 (how the report carries times). */
export const hoursBefore = (now: Date, hours: number): string => new Date(now.getTime() - hours * 3_600_000).toISOString();

/** A run of the refresh job that started 0.1 h before it ended, `endedHoursAgo` before `now`. */
export function statusRun(now: Date, id: string, status: string, endedHoursAgo: number): StatusRun {
  return {
    run_id: id,
    job: 'refresh',
    status,
    started_at: hoursBefore(now, endedHoursAgo + 0.1),
    ended_at: hoursBefore(now, endedHoursAgo),
    as_of: hoursBefore(now, endedHoursAgo + 0.1),
    error_code: null,
    error_message: status === 'succeeded' ? null : 'SourceError: inbox unreachable',
  };
}

export function healthyStatusReport(now: Date, overrides: Partial<StatusReport> = {}): StatusReport {
  return {
    databaseFile: '/srv/rootloop/w.duckdb',
    timeZone: 'Asia/Shanghai',
    runs: [statusRun(now, 'R9', 'succeeded', 1)],
    tables: [],
    files: { files: 1, rows_read: 1, rows_loaded: 1, rows_quarantined: 0, rows_duplicate: 0, unreadable: 0, unrecognized: 0 },
    quarantine: [],
    unrecognisedFiles: [],
    freshness: [{ entity: 'complaints', last_ingested_at: hoursBefore(now, 1), age_hours: 1 }],
    marts: [],
    attribution: null,
    untaggedLeftOther: null,
    sources: [],
    jobs: [],
    ...overrides,
  };
}
