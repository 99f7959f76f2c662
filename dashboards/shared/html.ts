/**
 * The only ways text reaches a page: escaped as HTML text or attribute, or embedded as JSON data in a
 * `<script type="application/json">` block. Complaint texts are written by customers, so every string
 * from the warehouse goes through one of these.
 */

import type { TableColumn } from './dashboard-types.ts';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an HTML text node or a quoted attribute value. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (char) => HTML_ESCAPES[char]!);
}

/** A table of escaped text, as the site's pages and the review's HTML show one. */
export function renderHtmlTable(columns: readonly TableColumn[], rows: readonly (readonly string[])[]): string {
  const classOf = (column: TableColumn | undefined) => {
    if (column?.numeric) return ' class="num"';
    return column?.wrap ? ` class="wrap-${column.wrap}"` : '';
  };
  const head = columns.map((c) => `<th${classOf(c)}>${escapeHtml(c.header)}</th>`).join('');
  const body = rows.map((row) => `<tr>${row.map((cell, i) => `<td${classOf(columns[i])}>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('\n');
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

/**
 * JSON for a `<script type="application/json">` block. `<` becomes `\u003c`, so no string can close the
 * script element (`</script>`) or open a comment (`<!--`); `>` and `&` likewise, and U+2028/U+2029
 * because some parsers treat them as line breaks. JSON.parse reads all of them back unchanged.
 */
export function serializeJsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A `<script type="application/json">` element holding `value`. */
export function renderJsonScript(id: string, value: unknown): string {
  return `<script type="application/json" id="${escapeHtml(id)}">${serializeJsonForScript(value)}</script>`;
}

/**
 * The pages' Content-Security-Policy: scripts only from the site's own files (no inline script, no eval:
 * Vega runs its expressions through vega-embed's interpreter), no network access at all. A complaint
 * text that somehow slipped past escaping still could not run or call home.
 */
export const PAGE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self' file:",
  "style-src 'self' file: 'unsafe-inline'",
  "img-src 'self' file: data: blob:",
  "connect-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
