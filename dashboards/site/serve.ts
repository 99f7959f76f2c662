/**
 * `rootloop serve`: the static site over HTTP, on 127.0.0.1 unless told otherwise. Serves files only (no
 * database access, so it never competes with a run for DuckDB's lock), with correct content types and
 * no way out of the site folder: `..` in any spelling (`%2e%2e`, `..%2f`, backslashes), NUL bytes,
 * symbolic links pointing outside, and hidden files are all refused. On a loopback address it also
 * refuses requests whose Host header names another site (DNS rebinding: a web page the user visits
 * cannot make the browser read the dashboards).
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { PAGE_CONTENT_SECURITY_POLICY } from '../shared/html.ts';

export const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.csv': 'text/csv; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8',
  '.parquet': 'application/vnd.apache.parquet',
  '.txt': 'text/plain; charset=utf-8',
};

/** SVG files opened directly are documents too: no script, no network. */
const SVG_CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

export interface SiteServer {
  url: string;
  siteDir: string;
  close(): Promise<void>;
}

/**
 * Resolves a request path inside `root`, or undefined when it would leave it or names a hidden file.
 * The path is percent-decoded once, backslashes count as separators, and `.`/`..` segments are
 * resolved before the containment check.
 */
export function resolveInside(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0]!.split('#')[0]!);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const segments = decoded.replaceAll('\\', '/').split('/');
  if (segments.includes('..')) return undefined;
  if (segments.some((segment) => segment.startsWith('.') && segment !== '.')) return undefined;
  const rootResolved = path.resolve(root);
  const resolved = path.resolve(rootResolved, '.' + path.posix.normalize('/' + segments.join('/')));
  if (resolved !== rootResolved && !resolved.startsWith(rootResolved + path.sep)) return undefined;
  return resolved;
}

/** Whether `file`, with symbolic links followed, still lies inside `root` (also resolved). */
function isReallyInside(root: string, file: string): boolean {
  try {
    const realRoot = fs.realpathSync(root);
    const realFile = fs.realpathSync(file);
    return realFile === realRoot || realFile.startsWith(realRoot + path.sep);
  } catch {
    return false;
  }
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

function isLoopback(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The host part of a Host header (`127.0.0.1:8080` → `127.0.0.1`, `[::1]:80` → `[::1]`). */
function hostNameOf(header: string | undefined): string {
  if (!header) return '';
  const match = /^(\[[^\]]*\]|[^:]*)(?::\d+)?$/.exec(header.trim().toLowerCase());
  return match ? match[1]! : '';
}

function formatUrl(host: string, port: number): string {
  return `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}/`;
}

function sendText(response: http.ServerResponse, status: number, text: string, headers: http.OutgoingHttpHeaders = {}): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', ...headers }).end(`${text}\n`);
}

export async function serveSite(options: { siteDir: string; port: number; host?: string }): Promise<SiteServer> {
  const root = path.resolve(options.siteDir);
  const host = options.host ?? '127.0.0.1';
  const checkHostHeader = isLoopback(host);
  const server = http.createServer((request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return sendText(response, 405, 'method not allowed', { Allow: 'GET, HEAD' });
    if (checkHostHeader && !isLoopback(hostNameOf(request.headers.host))) return sendText(response, 421, 'this server answers to 127.0.0.1 and localhost only');
    const rawPath = request.url ?? '/';
    let file = resolveInside(root, rawPath);
    if (!file) return sendText(response, 400, 'bad path');
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
      if (stat.isDirectory()) {
        const pathname = rawPath.split('?')[0]!;
        // A folder without its trailing slash would resolve the page's relative links one level up.
        if (!pathname.endsWith('/')) return sendText(response, 301, 'moved', { Location: `${pathname}/` });
        file = path.join(file, 'index.html');
        stat = fs.statSync(file);
      }
    } catch {
      return sendText(response, 404, 'not found');
    }
    if (!stat.isFile() || !isReallyInside(root, file)) return sendText(response, 404, 'not found');
    const extension = path.extname(file).toLowerCase();
    const headers: http.OutgoingHttpHeaders = {
      'Content-Type': CONTENT_TYPES[extension] ?? 'application/octet-stream',
      'Content-Length': stat.size,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-cache',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Resource-Policy': 'same-origin',
    };
    if (extension === '.html') Object.assign(headers, { 'Content-Security-Policy': PAGE_CONTENT_SECURITY_POLICY, 'X-Frame-Options': 'DENY' });
    if (extension === '.svg') headers['Content-Security-Policy'] = SVG_CONTENT_SECURITY_POLICY;
    if (request.method === 'HEAD') {
      response.writeHead(200, headers).end();
      return;
    }
    let body: Buffer;
    try {
      body = fs.readFileSync(file);
    } catch {
      return sendText(response, 404, 'not found');
    }
    response.writeHead(200, { ...headers, 'Content-Length': body.length }).end(body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: formatUrl(host, port),
    siteDir: root,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        // Browsers keep connections alive; without this close() would wait for them to time out.
        server.closeAllConnections();
      }),
  };
}
