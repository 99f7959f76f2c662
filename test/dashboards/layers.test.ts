// The dashboards' place in the layers (STYLE.md): they import only core, their own modules and npm
// packages; their SQL reads marts only, except the one module that reads what no mart carries yet
// (dashboards/shared/mart-gap-queries.ts: product titles), so that gap cannot quietly spread.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MART_TABLES } from '../../dashboards/mart-rows.ts';
import { MODELS } from '../../models/declarations.ts';
import { REPO } from '../helpers/cli.ts';

const DASHBOARDS = path.join(REPO, 'dashboards');
const GAP_MODULE = path.join(DASHBOARDS, 'shared', 'mart-gap-queries.ts');
const GAP_TABLES = ['stg_products'];

function listSources(folder: string): string[] {
  return fs
    .readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

/** Tables named after `from` or `join` in a file's SQL (its template literals), less its CTE names. */
function findTablesRead(source: string): string[] {
  const tables = new Set<string>();
  for (const [, sql] of source.matchAll(/`([^`]*)`/g)) {
    if (!/\bselect\b/i.test(sql!)) continue;
    const ctes = new Set([...sql!.matchAll(/\b([a-z_][a-z0-9_]*)\s+as\s*\(/gi)].map((m) => m[1]!.toLowerCase()));
    for (const [, table] of sql!.matchAll(/\b(?:from|join)\s+([a-z_][a-z0-9_]*)\b(?!\s*\()/gi)) {
      if (!ctes.has(table!.toLowerCase())) tables.add(table!.toLowerCase());
    }
  }
  return [...tables];
}

describe('dashboards layer', () => {
  const sources = listSources(DASHBOARDS);

  it('reads marts only, and below them only in mart-gap-queries.ts', () => {
    const readers: Record<string, string[]> = {};
    for (const file of sources) {
      const tables = findTablesRead(fs.readFileSync(file, 'utf8'));
      const allowed = new Set<string>([...MART_TABLES, ...(file === GAP_MODULE ? GAP_TABLES : [])]);
      expect(
        tables.filter((t) => !allowed.has(t)),
        path.relative(REPO, file),
      ).toEqual([]);
      if (tables.length) readers[path.relative(REPO, file)] = tables;
    }
    expect(Object.keys(readers).length).toBeGreaterThanOrEqual(5);
  });

  it('reads only marts that the model step builds', () => {
    const marts = new Set(MODELS.filter((model) => model.layer === 'marts').map((model) => model.name));
    expect(MART_TABLES.filter((table) => !marts.has(table))).toEqual([]);
  });

  it('imports only core, its own modules and packages', () => {
    for (const file of sources) {
      for (const [, specifier] of fs.readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)[^'"]*from\s+'([^']+)'/gm)) {
        if (!specifier!.startsWith('.')) continue;
        const target = path.resolve(path.dirname(file), specifier!);
        const allowed = target.startsWith(DASHBOARDS + path.sep) || target.startsWith(path.join(REPO, 'pipelines', 'core') + path.sep);
        expect(allowed, `${path.relative(REPO, file)} imports ${specifier}`).toBe(true);
      }
    }
  });

  it('ships a browser script that evaluates no code and writes no HTML', () => {
    const script = fs.readFileSync(path.join(DASHBOARDS, 'site', 'assets', 'dashboard.js'), 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
    expect(script).not.toMatch(/\beval\(|new Function|innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    expect(script).toContain('ast: true');
  });
});
