// `rootloop serve` (dashboards/site/serve.ts): content types, 127.0.0.1 by default, and no way out of
// the site folder however the path is spelled. Requests go over raw sockets, because fetch would
// normalise `..` away before sending.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveInside, serveSite, type SiteServer } from '../../dashboards/site/serve.ts';
import { withTempDir, writeFiles } from '../helpers/warehouse.ts';
import os from 'node:os';

const SECRET = 'TOP-SECRET-OUTSIDE-THE-SITE';

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends one request line exactly as written (no normalisation) and reads the whole response. */
function requestRaw(url: string, target: string, options: { method?: string; host?: string } = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => {
      socket.write(`${options.method ?? 'GET'} ${target} HTTP/1.1\r\nHost: ${options.host ?? `${hostname}:${port}`}\r\nConnection: close\r\n\r\n`);
    });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
    });
  });
}

let server: SiteServer;
let base: string;

beforeAll(async () => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'rootloop-serve-'));
  const site = path.join(base, 'site');
  writeFiles(site, {
    'index.html': '<!doctype html><title>home</title>',
    'app.js': 'console.log(1)',
    'style.css': 'body{}',
    'spec.vl.json': '{}',
    'chart.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
    'image.png': Buffer.from([0x89, 0x50, 0x4e, 0x47]),
    '.hidden': 'hidden',
  });
  writeFiles(path.join(site, 'sub'), { 'index.html': '<!doctype html><title>sub</title>' });
  fs.writeFileSync(path.join(base, 'secret.txt'), SECRET);
  fs.symlinkSync(path.join(base, 'secret.txt'), path.join(site, 'link.txt'));
  server = await serveSite({ siteDir: site, port: 0 });
});

afterAll(async () => {
  await server?.close();
  fs.rmSync(base, { recursive: true, force: true });
});

describe('serveSite', () => {
  it('listens on 127.0.0.1 by default', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it.each([
    ['/', 'text/html; charset=utf-8'],
    ['/index.html', 'text/html; charset=utf-8'],
    ['/app.js', 'text/javascript; charset=utf-8'],
    ['/style.css', 'text/css; charset=utf-8'],
    ['/spec.vl.json', 'application/json; charset=utf-8'],
    ['/chart.svg', 'image/svg+xml; charset=utf-8'],
    ['/image.png', 'image/png'],
    ['/sub/', 'text/html; charset=utf-8'],
    ['/index.html?x=1', 'text/html; charset=utf-8'],
  ])('serves %s as %s', async (target, type) => {
    const response = await requestRaw(server.url, target);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe(type);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('puts a Content-Security-Policy on pages and SVGs', async () => {
    expect((await requestRaw(server.url, '/index.html')).headers['content-security-policy']).toContain("default-src 'none'");
    expect((await requestRaw(server.url, '/chart.svg')).headers['content-security-policy']).toContain("default-src 'none'");
  });

  it('redirects a folder without its slash, answers HEAD without a body, refuses other methods', async () => {
    const redirect = await requestRaw(server.url, '/sub');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe('/sub/');
    const head = await requestRaw(server.url, '/index.html', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect((await requestRaw(server.url, '/index.html', { method: 'POST' })).status).toBe(405);
  });

  it.each([
    '/../secret.txt',
    '/../../../../etc/passwd',
    '/..%2fsecret.txt',
    '/..%2Fsecret.txt',
    '/%2e%2e/secret.txt',
    '/%2e%2e%2fsecret.txt',
    '/sub/..%2f..%2fsecret.txt',
    '/sub/%2e%2e/%2e%2e/secret.txt',
    '/..%5csecret.txt',
    '/sub\\..\\..\\secret.txt',
    '/%252e%252e/secret.txt',
    '/link.txt',
    '/.hidden',
    '/index.html%00.png',
    '/%E0%A4%A',
    'http://127.0.0.1/../secret.txt',
  ])('does not leave the site for %s', async (target) => {
    const response = await requestRaw(server.url, target);
    expect([400, 404]).toContain(response.status);
    expect(response.body).not.toContain(SECRET);
  });

  it('refuses a Host header that is not loopback (DNS rebinding)', async () => {
    expect((await requestRaw(server.url, '/index.html', { host: 'evil.example' })).status).toBe(421);
    expect((await requestRaw(server.url, '/index.html', { host: '127.0.0.1.evil.example' })).status).toBe(421);
    expect((await requestRaw(server.url, '/index.html', { host: 'localhost:1234' })).status).toBe(200);
  });

  it('closes while a browser keeps a connection open', async () => {
    await withTempDir(async (dir) => {
      writeFiles(dir, { 'index.html': 'x' });
      const other = await serveSite({ siteDir: dir, port: 0 });
      const { hostname, port } = new URL(other.url);
      const socket = net.connect(Number(port), hostname);
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write(`GET / HTTP/1.1\r\nHost: ${hostname}:${port}\r\n\r\n`);
      await new Promise((resolve) => socket.once('data', resolve));
      const started = Date.now();
      await other.close();
      expect(Date.now() - started).toBeLessThan(2000);
      socket.destroy();
    });
  });
});

describe('resolveInside', () => {
  it('keeps paths inside the root and refuses the rest', () => {
    expect(resolveInside('/srv/site', '/a/b.html')).toBe(path.resolve('/srv/site/a/b.html'));
    expect(resolveInside('/srv/site', '/a/./b.html')).toBe(path.resolve('/srv/site/a/b.html'));
    expect(resolveInside('/srv/site', '/a/../b.html')).toBeUndefined();
    expect(resolveInside('/srv/site', '/..%2f..%2fetc/passwd')).toBeUndefined();
    expect(resolveInside('/srv/site', '/%')).toBeUndefined();
  });
});
