/**
 * The frame shared by every page of the site: head (charset, CSP, style sheet, scripts), the navigation
 * bar and the "data as of" line. All text passes through escapeHtml.
 */
import type { DashboardId, TableColumn } from '../shared/dashboard-types.ts';
import { DASHBOARD_IDS } from '../shared/dashboard-types.ts';
import { PAGE_CONTENT_SECURITY_POLICY, escapeHtml, renderHtmlTable } from '../shared/html.ts';
import type { Freshness } from '../shared/freshness.ts';
import type { Labels } from '../shared/labels.ts';
import { PAGE_SCRIPTS, PAGE_STYLESHEET } from './vendor-assets.ts';

export interface SiteMeta {
  labels: Labels;
  /** as_of, as shown (local time). */
  asOfText: string;
  runId: string;
  /** Link to the weekly review inside the site, when there is one. */
  reviewHref?: string;
  /** When the newest complaint was opened, and a warning when the data looks stale or missing. */
  freshness?: Freshness;
}

/** The file of a dashboard page. */
export function pageFileOf(id: DashboardId): string {
  return `${id}.html`;
}

export function renderPage(meta: SiteMeta, page: { title: string; current: DashboardId | 'index'; withScripts: boolean; body: string }): string {
  const { labels } = meta;
  const nav = [
    `<a href="index.html"${page.current === 'index' ? ' aria-current="page"' : ''}>${escapeHtml(labels.site.home)}</a>`,
    ...DASHBOARD_IDS.map(
      (id) => `<a href="${pageFileOf(id)}"${page.current === id ? ' aria-current="page"' : ''}>${escapeHtml(labels.dashboards[id].title)}</a>`,
    ),
    ...(meta.reviewHref ? [`<a href="${escapeHtml(meta.reviewHref)}">${escapeHtml(labels.site.weeklyReview)}</a>`] : []),
  ].join('');
  const scripts = page.withScripts ? PAGE_SCRIPTS.map((src) => `<script defer src="${escapeHtml(src)}"></script>`).join('\n') : '';
  return `<!doctype html>
<html lang="${escapeHtml(labels.htmlLang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(PAGE_CONTENT_SECURITY_POLICY)}">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(page.title)} · ${escapeHtml(labels.site.title)}</title>
<link rel="stylesheet" href="${PAGE_STYLESHEET}">
${scripts}
</head>
<body>
<header class="site-header">
<nav>${nav}</nav>
<p class="meta">${escapeHtml(labels.site.asOf)} ${escapeHtml(meta.asOfText)} · ${escapeHtml(labels.site.run)} ${escapeHtml(meta.runId)}</p>
</header>
<main>
${page.body}
</main>
</body>
</html>
`;
}

/** An HTML table of already formatted cells (escaped here), or a "nothing to show" line. */
export function renderTable(columns: readonly TableColumn[], rows: readonly (readonly string[])[], emptyText: string): string {
  return rows.length === 0 ? `<p class="empty">${escapeHtml(emptyText)}</p>` : renderHtmlTable(columns, rows);
}
