/**
 * `status --check` at its limits (pipelines/run/status.ts evaluateStatusCheck), on constructed status
 * reports: each age passes exactly at its limit and fails a minute over, with the message naming the
 * age (to one decimal) and the limit. Defaults: maxDataAgeHours 26, maxComplaintGapHours 72.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../pipelines/core/config.ts';
import { evaluateStatusCheck, type StatusReport } from '../../../pipelines/run/status.ts';
import { healthyStatusReport, hoursBefore, statusRun } from '../../helpers/status-report.ts';

const NOW = new Date('2026-03-31T10:00:00Z');
const hoursAgo = (hours: number) => hoursBefore(NOW, hours);
const MINUTE = 1 / 60;
const config = parseConfig({});
const run = (id: string, status: string, endedHoursAgo: number) => statusRun(NOW, id, status, endedHoursAgo);
const report = (overrides: Partial<StatusReport> = {}) => healthyStatusReport(NOW, overrides);

const check = (overrides: Partial<StatusReport>) => evaluateStatusCheck(report(overrides), config, NOW);

describe('status --check at its limits', () => {
  it('passes a healthy warehouse', () => {
    expect(check({})).toEqual([]);
  });

  it('passes marts exactly maxDataAgeHours old and fails them a minute older', () => {
    expect(check({ runs: [run('R9', 'succeeded', 26)] })).toEqual([]);
    // 26 h 1 min = 26.0167 h, printed as 26.0
    expect(check({ runs: [run('R9', 'succeeded', 26 + MINUTE)] })).toEqual(['marts are 26.0 h old (limit 26 h)']);
  });

  it('takes the marts age from the last successful run, not from a newer failed one', () => {
    // R10 failed 1 h ago; the marts are R8's, 30 h old
    expect(check({ runs: [run('R10', 'failed', 1), run('R8', 'succeeded', 30)] })).toEqual([
      'last run R10 failed: SourceError: inbox unreachable',
      'marts are 30.0 h old (limit 26 h)',
    ]);
    expect(check({ runs: [run('R10', 'failed', 1)] })).toEqual(['last run R10 failed: SourceError: inbox unreachable', 'marts were never built']);
  });

  it('passes the newest ingested data exactly maxDataAgeHours old and fails it a minute older, whatever older entities say', () => {
    const freshness = (hours: number): StatusReport['freshness'] => [
      { entity: 'orders', last_ingested_at: hoursAgo(400), age_hours: 400 },
      { entity: 'complaints', last_ingested_at: hoursAgo(hours), age_hours: hours },
      { entity: 'products', last_ingested_at: null, age_hours: null },
    ];
    expect(check({ freshness: freshness(26) })).toEqual([]);
    expect(check({ freshness: freshness(26 + MINUTE) })).toEqual(['newest ingested data is 26.0 h old (limit 26 h)']);
    expect(check({ freshness: [] })).toEqual(['no data ingested yet (no file has loaded a row)']);
  });

  it('passes a newest complaint exactly maxComplaintGapHours before the as-of and fails it a minute earlier', () => {
    const gap = (hours: number): Partial<StatusReport> => ({
      newestComplaint: { opened_at: hoursAgo(hours + 1.1), as_of: hoursAgo(1.1), hours_before_as_of: hours },
    });
    expect(check(gap(72))).toEqual([]);
    expect(check(gap(72 + MINUTE))).toEqual([
      "the newest complaint was opened 72.0 h before the last run's as-of (limit 72 h, maxComplaintGapHours): has the complaints feed stopped?",
    ]);
    // 30 h without a complaint (past maxDataAgeHours, a quiet Sunday) is no alarm
    expect(check(gap(30))).toEqual([]);
  });

  it('fails when the marts were built without a single complaint (a feed that never delivered)', () => {
    const built = (complaints: number): Partial<StatusReport> => ({ attribution: { complaints, without_shipment: 0, without_sku: 0 } });
    expect(check(built(0))).toEqual(['the marts hold no complaint at all: has the complaints feed ever delivered?']);
    expect(check(built(1))).toEqual([]);
  });

  it('passes a pulled source exactly maxDataAgeHours behind and fails it a minute later; never pulled is no lag', () => {
    const source = (lagHours: number | null, lastFailure: string | null = null): Partial<StatusReport> => ({
      sources: [
        {
          source: 'helpdesk:tickets',
          cursor_value: null,
          last_success_at: lagHours === null ? null : hoursAgo(lagHours),
          lag_hours: lagHours,
          last_failure: lastFailure,
        },
      ],
    });
    expect(check(source(26))).toEqual([]);
    expect(check(source(26 + MINUTE))).toEqual(['source helpdesk:tickets last pulled 26.0 h ago (limit 26 h)']);
    expect(check(source(null))).toEqual([]);
    expect(check(source(null, 'HTTP 401'))).toEqual(['source helpdesk:tickets has never been pulled successfully: HTTP 401']);
  });
});
