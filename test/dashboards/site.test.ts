// The published site and review for the small hand-built world (test/dashboards/small-world.ts): the
// static SVGs hold the expected marks, hostile complaint text stays inert on every page, SVG and in
// the review, the review's numbers are the marts', and its proposed actions load back as
// corrective actions.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secondsOfStep, runWorld, type WorldRun } from './run-world.ts';
import { HOSTILE_TITLE, SMALL_WORLD_AS_OF, SMALL_WORLD_CARRIERS, SMALL_WORLD_REPORT_WEEK, writeSmallWorld } from './small-world.ts';
import { readMartCsv, parseMarkdownTables } from './read-output.ts';
import { selectLabels } from '../../dashboards/shared/labels.ts';

let dir: string;
let run: WorldRun;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rootloop-site-'));
  writeSmallWorld(path.join(dir, 'inbox'));
  run = await runWorld(dir, SMALL_WORLD_AS_OF);
});

afterAll(() => {
  if (!process.env.ROOTLOOP_KEEP_TMP) fs.rmSync(dir, { recursive: true, force: true });
});

const siteFile = (name: string) => fs.readFileSync(path.join(run.outDir, 'site', name), 'utf8');
/** Marks drawn in a static SVG, by Vega's aria role description ("bar", "point", "rect mark"…). */
const countMarks = (svg: string, role: string) => svg.split(`aria-roledescription="${role}"`).length - 1;

function listFiles(folder: string): string[] {
  return fs
    .readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

describe('static SVGs of the small world', () => {
  it('draw one breakage bar per carrier', () => {
    const svg = siteFile('svg/logistics-carrier-breakage.svg');
    expect(countMarks(svg, 'bar')).toBe(SMALL_WORLD_CARRIERS.length);
    for (const carrier of SMALL_WORLD_CARRIERS) expect(svg).toContain(`>${carrier}</text>`);
  });

  it('draw one Pareto bar per cause of the weeks shown', () => {
    // transit_damage (Swift), not_as_described (listings), service_attitude (WAIT1, LATE1).
    expect(countMarks(siteFile('svg/quality-pareto.svg'), 'bar')).toBe(3);
  });

  it('draw one heat-map cell per lane and per carrier × category', () => {
    // Lanes: {Zhejiang, Guangdong} × {Shanghai, Beijing}; categories: every carrier ships 'home' only.
    expect(countMarks(siteFile('svg/logistics-lane-heatmap.svg'), 'rect mark')).toBe(4);
    expect(countMarks(siteFile('svg/logistics-category-heatmap.svg'), 'rect mark')).toBe(3);
  });

  it('draw one dot per tested listing and per listing in the funnel', () => {
    expect(countMarks(siteFile('svg/merchandising-listing-rates.svg'), 'point')).toBe(3);
    // The funnel also shows BOX-1, ordered with every shipment.
    expect(countMarks(siteFile('svg/merchandising-funnel.svg'), 'point')).toBe(4);
  });

  it('draw the waiting complaint and the p-chart weeks', () => {
    expect(countMarks(siteFile('svg/service-waiting.svg'), 'bar')).toBe(1);
    // Orders were placed in 5 weeks up to the report week.
    expect(countMarks(siteFile('svg/quality-p-chart.svg'), 'point')).toBeGreaterThanOrEqual(2);
  });
});

describe('hostile text', () => {
  const RAW_MARKUP = [/<script>alert/i, /<script><\/script>/i, /<img src=x/i, /<b>bold/i, /onerror=alert\(3\)>/i];

  it('never appears as markup in a page, an SVG or the review', () => {
    const files = [...listFiles(path.join(run.outDir, 'site')), ...listFiles(path.join(run.outDir, 'report'))].filter((f) => /\.(html|svg|md)$/.test(f));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const text = fs.readFileSync(file, 'utf8');
      for (const pattern of RAW_MARKUP) expect(pattern.test(text), `${path.basename(file)} ${pattern}`).toBe(false);
    }
  });

  it("leaves only the site's own scripts and inert JSON blocks on a page", () => {
    for (const page of [
      'index.html',
      'quality.html',
      'logistics.html',
      'merchandising.html',
      'service.html',
      `report/weekly-${SMALL_WORLD_REPORT_WEEK}.html`,
    ]) {
      const html = siteFile(page);
      for (const [tag] of html.matchAll(/<script\b[^>]*>/gi)) {
        expect(
          /^<script defer src="(vendor\/vega(-lite|-embed)?\.min\.js|assets\/dashboard\.js)"><\/?script>?$|^<script type="application\/json" id="[\w-]+">$/.test(
            tag,
          ) || /^<script defer src="[\w/.-]+">$/.test(tag),
          `${page}: ${tag}`,
        ).toBe(true);
      }
      for (const [, body] of html.matchAll(/<script type="application\/json" id="[\w-]+">([\s\S]*?)<\/script>/g)) {
        expect(body).not.toContain('<');
        expect(() => JSON.parse(body!)).not.toThrow();
      }
      expect(html).toContain('Content-Security-Policy');
    }
  });

  it('is kept, as data, for the charts and tables to show', () => {
    const merchandising = siteFile('merchandising.html');
    expect(merchandising).toContain('Cream &lt;b&gt;bold&lt;/b&gt;&lt;/script&gt;&lt;script&gt;alert(5)&lt;/script&gt;');
    const datasets = JSON.parse(/<script type="application\/json" id="rootloop-datasets">([\s\S]*?)<\/script>/.exec(merchandising)![1]!);
    expect(JSON.stringify(datasets)).toContain(JSON.stringify(HOSTILE_TITLE).slice(1, -1));
  });
});

describe('the weekly review of the small world', () => {
  const review = () => fs.readFileSync(path.join(run.outDir, 'report', `weekly-${SMALL_WORLD_REPORT_WEEK}.md`), 'utf8');

  it('says, like the front page, when the newest complaint was opened, and warns alike', () => {
    const zh = selectLabels('zh');
    const latest = new RegExp(`^${zh.report.latestComplaint}: (.+)$`, 'm').exec(review());
    expect(latest).not.toBeNull();
    const index = siteFile('index.html');
    expect(index).toContain(latest![0]);
    expect(index.includes('<p class="warning">')).toBe(/^注意：/m.test(review()));
  });

  it('is written as Markdown, HTML and PNG charts, for the latest complete week', () => {
    const names = fs.readdirSync(path.join(run.outDir, 'report'));
    expect(names).toEqual(
      expect.arrayContaining([
        `weekly-${SMALL_WORLD_REPORT_WEEK}.md`,
        `weekly-${SMALL_WORLD_REPORT_WEEK}.html`,
        `weekly-${SMALL_WORLD_REPORT_WEEK}-pareto.png`,
      ]),
    );
    for (const png of names.filter((n) => n.endsWith('.png')))
      expect(
        fs
          .readFileSync(path.join(run.outDir, 'report', png))
          .subarray(1, 4)
          .toString(),
      ).toBe('PNG');
    expect(review()).toContain(`](weekly-${SMALL_WORLD_REPORT_WEEK}-pareto.png)`);
  });

  it("shows the week's carrier numbers exactly as the mart has them", () => {
    const mart = readMartCsv(path.join(run.outDir, 'marts', 'mart_carrier_weekly.csv')).filter((row) => row.week === SMALL_WORLD_REPORT_WEEK);
    const table = parseMarkdownTables(review()).find((t) => t.header.includes('95 % 置信区间') && t.header.includes('准时率'))!;
    expect(table.rows.map((r) => r[0]).sort()).toEqual(mart.map((r) => r.carrier).sort());
    for (const row of mart) {
      const shown = table.rows.find((r) => r[0] === row.carrier)!;
      expect(shown[1]).toBe(Number(row.delivered_shipments).toLocaleString('en-US'));
      expect(shown[2]).toBe(row.damaged_shipments);
      expect(shown[3]).toBe(Number(row.breakage_per_1000).toFixed(1));
      expect(shown[7]).toBe(row.flagged === 'true' ? '是' : '否');
    }
  });

  it('proposes one corrective action per new flag, which loads back into the inbox', async () => {
    const csvName = `corrective_actions-proposed-${SMALL_WORLD_REPORT_WEEK}.csv`;
    const csv = fs.readFileSync(path.join(run.outDir, 'report', csvName), 'utf8');
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('action_id,cause_code,scope_type,scope_value,title,owner,opened_at,status');
    expect(lines.slice(1).map((line) => line.split(',').slice(0, 4).join(','))).toEqual([
      'P20260223-01,transit_damage,carrier,Swift',
      'P20260223-02,not_as_described,sku,CREAM-X',
    ]);
    expect(review()).toContain(lines[1]!.split(',')[0]);

    fs.copyFileSync(path.join(run.outDir, 'report', csvName), path.join(run.inboxDir, csvName));
    const second = await runWorld(dir, SMALL_WORLD_AS_OF);
    const file = second.summary.files.find((f) => f.fileName === csvName)!;
    expect(file).toMatchObject({ rowsRead: 2, rowsLoaded: 2, rowsQuarantined: 0 });
    const actions = readMartCsv(path.join(second.outDir, 'marts', 'mart_action_effectiveness.csv'));
    expect(actions.filter((a) => a.action_id!.startsWith('P20260223-')).map((a) => `${a.action_id} ${a.status} ${a.verdict}`)).toEqual([
      'P20260223-01 open pending',
      'P20260223-02 open pending',
    ]);
    // Both flags now have an open action: nothing new to propose, and last run's file is not carried over.
    expect(fs.existsSync(path.join(second.outDir, 'report', csvName))).toBe(false);
    expect(fs.readFileSync(path.join(second.outDir, 'report', `weekly-${SMALL_WORLD_REPORT_WEEK}.md`), 'utf8')).toContain('没有缺少措施的新预警');
    console.info(
      `render_site ${secondsOfStep(second.summary, 'render_site').toFixed(2)} s, render_report ${secondsOfStep(second.summary, 'render_report').toFixed(2)} s`,
    );
  });
});
