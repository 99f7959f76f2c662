// Every dashboard in a real Chromium: served by `rootloop serve` on a free port and opened from disk.
// Every chart renders marks, nothing is logged as an error, no request leaves 127.0.0.1, a filter
// changes the marks, and the hostile complaint texts of the small world raise no dialog.
// With ROOTLOOP_SCREENSHOT=1 it also writes docs/dashboard-quality.png (the quality dashboard of the
// conformance world).
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, startCli } from '../helpers/cli.ts';
import { CHROMIUM, chooseFilter, countChartMarks, isLocalRequest, launchGuardedBrowser, waitForCharts, watchPage, type GuardedBrowser } from './browser.ts';
import { runWorld, type WorldRun } from './run-world.ts';
import { SMALL_WORLD_AS_OF, SMALL_WORLD_REPORT_WEEK, writeSmallWorld } from './small-world.ts';
import { importPlantedModule } from '../helpers/conformance-world.ts';

const DASHBOARDS = ['quality', 'logistics', 'merchandising', 'service'] as const;
const hasChromium = fs.existsSync(CHROMIUM);

let dir: string;
let run: WorldRun;
let server: ChildProcess | undefined;
let siteUrl: string;
let browser: GuardedBrowser;

/** Starts `rootloop serve --port 0` and reads the URL it prints. */
async function startServe(outDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = startCli(['serve', '--out', outDir, '--port', '0']);
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`rootloop serve printed no URL: ${output}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /at (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`rootloop serve exited with ${code}: ${output}`)));
  });
  return { child, url };
}

beforeAll(async () => {
  if (!hasChromium) return;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rootloop-browser-'));
  writeSmallWorld(path.join(dir, 'inbox'));
  run = await runWorld(dir, SMALL_WORLD_AS_OF);
  const served = await startServe(run.outDir);
  server = served.child;
  siteUrl = served.url;
  browser = await launchGuardedBrowser();
});

afterAll(async () => {
  await browser?.close();
  server?.kill();
  if (dir && !process.env.ROOTLOOP_KEEP_TMP) fs.rmSync(dir, { recursive: true, force: true });
});

/** The filter each page is tested with, and the chart whose marks must change. */
const INTERACTIONS: Record<(typeof DASHBOARDS)[number], { filter: string; value: string; chart: string; role?: string }> = {
  quality: { filter: 'week-from', value: SMALL_WORLD_REPORT_WEEK, chart: 'p-chart', role: 'point' },
  logistics: { filter: 'carrier', value: 'Swift', chart: 'carrier-breakage', role: 'bar' },
  merchandising: { filter: 'category', value: 'home', chart: 'funnel', role: 'point' },
  service: { filter: 'channel', value: 'email', chart: 'breach-heatmap', role: 'rect mark' },
};

describe.skipIf(!hasChromium)('dashboards in Chromium', () => {
  it('rootloop serve listens on 127.0.0.1', () => {
    expect(siteUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it.each(DASHBOARDS)('%s renders every chart over HTTP, and a filter changes the marks', async (id) => {
    const page = await browser.context.newPage();
    const watch = watchPage(page);
    try {
      const response = await page.goto(`${siteUrl}${id}.html`);
      expect(response?.headers()['content-type']).toBe('text/html; charset=utf-8');
      const charts = await waitForCharts(page);
      expect(Object.keys(charts).length).toBeGreaterThanOrEqual(2);
      for (const [chart, state] of Object.entries(charts)) {
        expect(state.rendered, `${id}/${chart}`).toBe('true');
        expect(state.marks, `${id}/${chart} marks`).toBeGreaterThan(0);
      }
      const { filter, value, chart, role } = INTERACTIONS[id];
      const before = await countChartMarks(page, chart, role);
      await chooseFilter(page, filter, value);
      const after = await countChartMarks(page, chart, role);
      expect(after, `${id}: ${filter} = ${value} changes ${chart}`).not.toBe(before);
      expect(watch.consoleErrors).toEqual([]);
      expect(watch.dialogs).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('moves the "to" week along when "from" passes it, and back, so the charts never show an empty range', async () => {
    const page = await browser.context.newPage();
    const watch = watchPage(page);
    /** The week range every chart of the page holds in its params. */
    const ranges = () =>
      page.evaluate(() => {
        const views = Object.values((window as unknown as { rootloop: { views: Record<string, { signal(name: string): string }> } }).rootloop.views);
        const range = (view: { signal(name: string): string }) => {
          try {
            return `${view.signal('weekFrom')}..${view.signal('weekTo')}`;
          } catch {
            return null; // a chart without the week filter (the corrective actions)
          }
        };
        return [...new Set(views.map(range).filter((r) => r !== null))];
      });
    try {
      await page.goto(`${siteUrl}quality.html`);
      await waitForCharts(page);
      const weeks = await page.locator('#filter-week-from option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
      const [first, second, last] = [weeks[0]!, weeks[1]!, weeks.at(-1)!];
      await chooseFilter(page, 'week-from', first);
      await chooseFilter(page, 'week-to', second);
      expect(await ranges()).toEqual([`${first}..${second}`]);
      await chooseFilter(page, 'week-from', last);
      expect(await page.inputValue('#filter-week-to')).toBe(last);
      expect(await ranges()).toEqual([`${last}..${last}`]);
      await chooseFilter(page, 'week-to', first);
      expect(await page.inputValue('#filter-week-from')).toBe(first);
      expect(await ranges()).toEqual([`${first}..${first}`]);
      expect(watch.consoleErrors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('shows a hostile product title in a tooltip as text', async () => {
    const page = await browser.context.newPage();
    const watch = watchPage(page);
    try {
      await page.goto(`${siteUrl}merchandising.html`);
      await waitForCharts(page);
      const point = page.locator('[data-spec="spec-listing-rates"] svg [aria-roledescription="point"]').first();
      await point.hover({ force: true });
      const tooltip = page.locator('#vg-tooltip-element');
      await expect.poll(async () => (await tooltip.isVisible()) && (await tooltip.innerText()).includes('alert(5)')).toBe(true);
      expect(await tooltip.locator('b, script, img').count()).toBe(0);
      expect(watch.dialogs).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('serves the overview and the weekly review, every link resolving', async () => {
    const page = await browser.context.newPage();
    const watch = watchPage(page);
    try {
      for (const target of ['index.html', `report/weekly-${SMALL_WORLD_REPORT_WEEK}.html`]) {
        await page.goto(`${siteUrl}${target}`);
        const links = await page.evaluate(() =>
          [...document.querySelectorAll('a[href], img[src]')].map((e) => (e as HTMLAnchorElement).href || (e as HTMLImageElement).src),
        );
        expect(links.length).toBeGreaterThan(0);
        for (const link of links) expect((await page.request.fetch(link)).status(), link).toBe(200);
      }
      expect(await page.locator('img').evaluateAll((images) => images.every((img) => (img as HTMLImageElement).naturalWidth > 0))).toBe(true);
      expect(watch.consoleErrors).toEqual([]);
      expect(watch.dialogs).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it.each(DASHBOARDS)('%s renders opened from file:// with no server', async (id) => {
    const page = await browser.context.newPage();
    const watch = watchPage(page);
    try {
      await page.goto(pathToFileURL(path.join(run.outDir, 'site', `${id}.html`)).href);
      const charts = await waitForCharts(page);
      for (const [chart, state] of Object.entries(charts)) {
        expect(state.rendered, `${id}/${chart}`).toBe('true');
        expect(state.marks, `${id}/${chart} marks`).toBeGreaterThan(0);
      }
      expect(watch.consoleErrors).toEqual([]);
      expect(watch.dialogs).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('never let a request leave 127.0.0.1', () => {
    expect(browser.blocked).toEqual([]);
    // The guard itself: what it would have blocked.
    expect(['https://cdn.jsdelivr.net/npm/vega', 'http://localhost:8080/', 'http://127.0.0.1.nip.io/'].filter(isLocalRequest)).toEqual([]);
    expect(['http://127.0.0.1:1234/x', 'file:///tmp/x.html', 'data:image/png;base64,AA=='].every(isLocalRequest)).toBe(true);
  });

  it.runIf(process.env.ROOTLOOP_SCREENSHOT === '1')(
    'writes docs/dashboard-quality.png from the conformance world',
    async () => {
      const { generate } = (await importPlantedModule()) as {
        generate(inbox: string): { meta: { asOf: string } };
      };
      const worldDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rootloop-screenshot-'));
      try {
        const { meta } = generate(path.join(worldDir, 'inbox'));
        const world = await runWorld(worldDir, meta.asOf);
        const page = await browser.context.newPage();
        await page.setViewportSize({ width: 1280, height: 1100 });
        await page.goto(pathToFileURL(path.join(world.outDir, 'site', 'quality.html')).href);
        await waitForCharts(page);
        fs.mkdirSync(path.join(REPO, 'docs'), { recursive: true });
        await page.screenshot({ path: path.join(REPO, 'docs', 'dashboard-quality.png'), fullPage: false });
        await page.close();
      } finally {
        fs.rmSync(worldDir, { recursive: true, force: true });
      }
    },
    120_000,
  );

  it('rootloop serve stops on SIGTERM with exit 0 (systemctl stop, Ctrl-C), after the pages above', async () => {
    const child = server!;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    server = undefined;
  });
});
