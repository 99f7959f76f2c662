/**
 * The browser files a site needs, copied into it so every page works opened from disk and offline (no
 * CDN): the vega, vega-lite and vega-embed builds from node_modules with their licences, and the site's
 * own script and style sheet.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ASSETS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'assets');

/** Package → its minified browser build (relative to the package root). */
const VENDOR_BUILDS = [
  { name: 'vega', build: 'build/vega.min.js' },
  { name: 'vega-lite', build: 'build/vega-lite.min.js' },
  { name: 'vega-embed', build: 'build/vega-embed.min.js' },
] as const;

/** The script files of a page, in load order, relative to the site root. */
export const PAGE_SCRIPTS = [...VENDOR_BUILDS.map(({ name }) => `vendor/${name}.min.js`), 'assets/dashboard.js'];
export const PAGE_STYLESHEET = 'assets/site.css';

/** Finds a package's root folder from its main entry (walking up to its package.json). */
function findPackageRoot(name: string): string {
  let dir = path.dirname(require.resolve(name));
  while (!fs.existsSync(path.join(dir, 'package.json')) || JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).name !== name) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the package root of ${name}`);
    dir = parent;
  }
  return dir;
}

/** Copies the vendor builds (and their licences) and the site's assets into `siteDir`. */
export function copySiteAssets(siteDir: string): void {
  const vendorDir = path.join(siteDir, 'vendor');
  fs.mkdirSync(vendorDir, { recursive: true });
  for (const { name, build } of VENDOR_BUILDS) {
    const root = findPackageRoot(name);
    fs.copyFileSync(path.join(root, build), path.join(vendorDir, `${name}.min.js`));
    const licence = path.join(root, 'LICENSE');
    if (fs.existsSync(licence)) fs.copyFileSync(licence, path.join(vendorDir, `${name}.LICENSE.txt`));
  }
  const assetsDir = path.join(siteDir, 'assets');
  fs.mkdirSync(assetsDir, { recursive: true });
  for (const file of ['dashboard.js', 'site.css']) fs.copyFileSync(path.join(ASSETS_DIR, file), path.join(assetsDir, file));
}
