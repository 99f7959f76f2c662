/**
 * A real Chromium for the dashboard tests (Debian's chromium driven by playwright-core): headless, a
 * fresh profile per launch, no background traffic, and every request that would leave the machine
 * recorded and blocked.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.ROOTLOOP_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface GuardedBrowser {
  context: BrowserContext;
  /** Requests to anything but 127.0.0.1, file:, data: or blob:, which were blocked. */
  blocked: string[];
  close(): Promise<void>;
}

/** Whether a request stays on this machine. */
export function isLocalRequest(url: string): boolean {
  if (/^(file|data|blob):/.test(url)) return true;
  try {
    return new URL(url).hostname === '127.0.0.1';
  } catch {
    return false;
  }
}

export async function launchGuardedBrowser(): Promise<GuardedBrowser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'rootloop-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    serviceWorkers: 'block',
  });
  const blocked: string[] = [];
  context.on('request', (request) => {
    if (!isLocalRequest(request.url())) blocked.push(request.url());
  });
  await context.route('**/*', (route) => (isLocalRequest(route.request().url()) ? route.continue() : route.abort('blockedbyclient')));
  return {
    context,
    blocked,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface PageWatch {
  consoleErrors: string[];
  dialogs: string[];
}

/** Records console errors, uncaught page errors and dialogs (dismissed) of a page. */
export function watchPage(page: Page): PageWatch {
  const watch: PageWatch = { consoleErrors: [], dialogs: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') watch.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => watch.consoleErrors.push(`uncaught: ${error.message}`));
  page.on('dialog', (dialog) => {
    watch.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return watch;
}

/** Waits until every chart of a dashboard page has rendered (or failed), and returns marks per chart. */
export async function waitForCharts(page: Page): Promise<Record<string, { rendered: string | null; marks: number }>> {
  await page.waitForFunction(() => document.documentElement.hasAttribute('data-charts-rendered'), null, { timeout: 30_000 });
  return page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll('[data-spec]')].map((element) => [
        element.getAttribute('data-spec')!.replace(/^spec-/, ''),
        { rendered: element.getAttribute('data-rendered'), marks: element.querySelectorAll('svg g.role-mark > *').length },
      ]),
    ),
  );
}

/** Marks of one chart of the page. */
export async function countChartMarks(page: Page, chartId: string, role?: string): Promise<number> {
  return page.evaluate(
    ([id, aria]) => {
      const root = document.querySelector(`[data-spec="spec-${id}"]`);
      if (!root) return -1;
      return aria ? root.querySelectorAll(`svg [aria-roledescription="${aria}"]`).length : root.querySelectorAll('svg g.role-mark > *').length;
    },
    [chartId, role ?? ''] as const,
  );
}

/** Picks a value in a page filter the way a user does (fires input and change) and lets Vega redraw. */
export async function chooseFilter(page: Page, filterId: string, value: string): Promise<void> {
  await page.selectOption(`#filter-${filterId}`, value);
  await page.evaluate(async () => {
    const views = Object.values((window as unknown as { rootloop: { views: Record<string, { runAsync(): Promise<unknown> }> } }).rootloop.views);
    await Promise.all(views.map((view) => view.runAsync()));
  });
}
