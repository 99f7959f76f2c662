// Edges of what the weekly review, the site's front page and the service page print: the freshness
// warning's limit (the complaint gap `status --check` uses), the one-decimal rounding, the order of
// risers and flagged listings, the service page's waiting list and the week the front page shows.
// Each case is one that a mutation audit found unpinned; the expected values are worked out by hand.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeFreshness } from '../../dashboards/shared/freshness.ts';
import { createFormatter } from '../../dashboards/shared/format.ts';
import { selectLabels } from '../../dashboards/shared/labels.ts';
import { parseConfig } from '../../pipelines/core/config.ts';
import { runWorld, type WorldRun } from './run-world.ts';
import { SMALL_WORLD_AS_OF, SMALL_WORLD_REPORT_WEEK, writeSmallWorld } from './small-world.ts';

const en = selectLabels('en');
const zh = selectLabels('zh');
const enFormat = createFormatter(en);
const HOUR = 3_600_000;

describe('the freshness warning', () => {
  const asOf = new Date('2026-03-30T00:00:00+08:00');
  const { maxComplaintGapHours } = parseConfig({});
  /** The freshness line and warning when the newest complaint was opened `hours` before as_of. */
  const freshness = (hours: number, complaintsThisWeek = 5) =>
    describeFreshness(
      { latestComplaintAt: new Date(asOf.getTime() - hours * HOUR).toISOString(), asOf, maxComplaintGapHours, complaintsThisWeek },
      en,
      enFormat,
    );

  it('holds the newest complaint against the complaint gap status --check uses (72 h), not the data age (26 h)', () => {
    expect(maxComplaintGapHours).toBe(72);
    // a quiet Sunday: 30 h without a complaint is past maxDataAgeHours but no stale feed
    expect(freshness(30).warning).toBeNull();
    expect(freshness(72).warning).toBeNull();
    // 72 h + 1 min: 72.0167 h, printed without decimals
    expect(freshness(72 + 1 / 60).warning).toBe(en.report.staleData('72'));
    expect(freshness(72 + 1 / 60).warning).toBe(
      "Warning: the newest complaint is 72 hours older than this review's as-of time. Check that the complaints feed has not stopped (rootloop status) before reading a quiet week as good news.",
    );
  });

  it('says when the newest complaint was opened, in its own local time', () => {
    const latestComplaintAt = '2026-03-29T21:15:00+08:00';
    expect(describeFreshness({ latestComplaintAt, asOf, maxComplaintGapHours, complaintsThisWeek: 3 }, en, enFormat)).toEqual({
      latest: `${en.report.latestComplaint}: 2026-03-29 21:15 +08:00`,
      warning: null,
    });
  });

  it('warns about an empty week only while the feed is not stale, and about an empty warehouse', () => {
    expect(freshness(10, 0).warning).toBe(en.report.noComplaintsThisWeek);
    // stale and empty: the stale warning says more (when the feed stopped)
    expect(freshness(100, 0).warning).toBe(en.report.staleData('100'));
    expect(describeFreshness({ latestComplaintAt: null, asOf, maxComplaintGapHours, complaintsThisWeek: 0 }, zh, createFormatter(zh))).toEqual({
      latest: null,
      warning: zh.report.noComplaintsYet,
    });
  });
});

describe('the one-decimal formatter', () => {
  it('rounds half away from zero on the decimal the reader sees, not truncating and not to even', () => {
    // truncation would print 0.0, 0.1, 2.4, 0.9; rounding half to even 0.2 for 0.25 and 2.4 for 2.45.
    // (2.55 and 0.15 are stored a hair below the half as doubles: toFixed(1) gives 2.5 and 0.1, the
    // formatter rounds the shortest decimal that reads back as the double, as a reader would.)
    expect([0.05, 0.15, 0.25, 2.45, 2.55, 0.949, 0.95].map((v) => enFormat.per1000(v))).toEqual(['0.1', '0.2', '0.3', '2.5', '2.6', '0.9', '1.0']);
    // percent and ratePer1000 round after scaling: 0.0015 → 0.15 %, 0.00035 → 0.35 per 1,000
    expect(enFormat.percent(0.0015)).toBe('0.2 %');
    expect(enFormat.ratePer1000(0.00035)).toBe('0.4');
    expect(enFormat.decimal(0.25)).toBe('0.3');
    expect(enFormat.decimal(1234.5, 0)).toBe('1,235');
    expect(enFormat.count(2.5)).toBe('3');
  });

  it('shows a negative value that rounds to zero without a sign, and a larger one with it', () => {
    // −0.04 → 0.0 (not -0.0); −0.05 rounds away from zero → -0.1; −0.4 → 0 as a count
    expect([enFormat.per1000(-0.04), enFormat.decimal(-0.04), enFormat.percent(-0.0004), enFormat.count(-0.4)]).toEqual(['0.0', '0.0', '0.0 %', '0']);
    expect([enFormat.per1000(-0.05), enFormat.decimal(-2.45), enFormat.count(-2.5)]).toEqual(['-0.1', '-2.5', '-3']);
  });

  it('groups thousands and keeps one decimal in both languages, and shows a dash for a missing value', () => {
    const zhFormat = createFormatter(zh);
    expect([enFormat.per1000(12345.65), zhFormat.per1000(12345.65)]).toEqual(['12,345.7', '12,345.7']);
    expect([enFormat.percent(1), enFormat.per1000(0), enFormat.decimal(3, 2)]).toEqual(['100.0 %', '0.0', '3.00']);
    expect([enFormat.per1000(null), enFormat.percent(Number.NaN), enFormat.decimal(undefined), enFormat.count(null)]).toEqual(['–', '–', '–', '–']);
  });
});

describe('the small world published with a short complaint gap', () => {
  let dir: string;
  let run: WorldRun;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rootloop-edges-'));
    writeSmallWorld(path.join(dir, 'inbox'));
    // The newest complaint (Swift's, Sunday 2026-03-01 20:00) is 4 h old at as_of: past a 3-hour gap,
    // well inside a generous data age. Both outputs must read the gap, not the data age.
    run = await runWorld(dir, SMALL_WORLD_AS_OF, { maxDataAgeHours: 1000, maxComplaintGapHours: 3 });
  });

  afterAll(() => {
    if (dir && !process.env.ROOTLOOP_KEEP_TMP) fs.rmSync(dir, { recursive: true, force: true });
  });

  const siteFile = (name: string) => fs.readFileSync(path.join(run.outDir, 'site', name), 'utf8');
  const review = () => fs.readFileSync(path.join(run.outDir, 'report', `weekly-${SMALL_WORLD_REPORT_WEEK}.md`), 'utf8');

  it('warns on the front page and in the review alike', () => {
    expect(review()).toContain(zh.report.staleData('4'));
    expect(siteFile('index.html')).toContain(`<p class="warning">${zh.report.staleData('4')}</p>`);
  });
});
