/**
 * The house rules, enforced: data moves one way (no import against the layer table of STYLE.md, no
 * import cycles), and every sql/ model file has a declaration and every declaration a file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sqlFileOf } from '../pipelines/core/model-runner.ts';
import { MODELS } from '../models/declarations.ts';
import { REPO } from './helpers/cli.ts';

const SOURCE_ROOTS = ['pipelines', 'models', 'dashboards'];

function listTypeScript(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listTypeScript(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

function localImportsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2]!);
  return specifiers.map((s) => path.relative(REPO, path.resolve(path.dirname(file), s)));
}

/** The layer of a repository file, per STYLE.md's table. */
function layerOf(file: string): string {
  if (file === 'pipelines/cli.ts' || file === 'pipelines/schedule.ts') return 'entry';
  if (file.startsWith('pipelines/core/')) return 'core';
  if (file.startsWith('pipelines/sources/')) return 'sources';
  if (file.startsWith('models/')) return 'models';
  if (file.startsWith('dashboards/')) return 'dashboards';
  return 'pipelines';
}

const ALLOWED: Record<string, string[]> = {
  core: ['core'],
  models: ['models', 'core'],
  sources: ['sources', 'core', 'models'],
  dashboards: ['dashboards', 'core', 'models'],
  pipelines: ['pipelines', 'core', 'models', 'sources', 'dashboards'],
  entry: ['entry', 'pipelines', 'core', 'models', 'sources', 'dashboards'],
};

const files = SOURCE_ROOTS.flatMap((root) => listTypeScript(path.join(REPO, root))).map((f) => path.relative(REPO, f));
const graph = new Map(files.map((f) => [f, localImportsOf(path.join(REPO, f))]));

describe('architecture', () => {
  it('imports follow the layer table: sources → models → marts → dashboards, core depends on nothing of ours', () => {
    const violations: string[] = [];
    for (const [file, imports] of graph) {
      for (const target of imports) {
        if (!SOURCE_ROOTS.some((root) => target.startsWith(root + '/'))) continue;
        if (layerOf(target) === 'entry' && layerOf(file) !== 'entry') violations.push(`${file} imports the entry point ${target}`);
        else if (!ALLOWED[layerOf(file)]!.includes(layerOf(target))) violations.push(`${file} (${layerOf(file)}) imports ${target} (${layerOf(target)})`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('has no import cycles', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, trail: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        cycles.push([...trail.slice(trail.indexOf(file)), file].join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const target of graph.get(file) ?? []) if (graph.has(target)) visit(target, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('every sql/ model file has a declaration and every declaration a file that opens with its grain', () => {
    const declared = new Set(MODELS.map((m) => path.relative(REPO, sqlFileOf(m))));
    const onDisk = ['staging', 'intermediate', 'marts'].flatMap((layer) =>
      fs
        .readdirSync(path.join(REPO, 'sql', layer))
        .filter((f) => f.endsWith('.sql'))
        .map((f) => `sql/${layer}/${f}`),
    );
    expect(onDisk.sort()).toEqual([...declared].sort());
    for (const file of onDisk) expect(fs.readFileSync(path.join(REPO, file), 'utf8'), file).toMatch(/^-- grain: /);
  });

  it('every declared input is a model, a raw table or a run input', () => {
    const names = new Set(MODELS.map((m) => m.name));
    const changedKeys = new Set(MODELS.flatMap((m) => (m.incremental ? [m.incremental.changedKeys, m.incremental.reclocked?.changedKeys ?? []].flat() : [])));
    for (const model of MODELS)
      for (const input of model.inputs)
        expect(names.has(input) || changedKeys.has(input) || /^(raw|cfg)_/.test(input), `${model.name} reads ${input}`).toBe(true);
  });

  it('every query of changed keys in sql/changes/ serves an incremental model, and each such model has one', () => {
    const incremental = MODELS.filter((m) => m.incremental);
    const queries = new Set(
      incremental.flatMap((m) => [m.incremental!.changes ?? m.name, m.incremental!.reclocked?.changes ?? []].flat().map((q) => `${q}.sql`)),
    );
    expect(queries.size).toBeGreaterThan(0);
    expect(fs.readdirSync(path.join(REPO, 'sql', 'changes')).sort()).toEqual([...queries].sort());
    // and every re-clocking statement in sql/reclocks/ belongs to a model that re-clocks
    const reclocking = incremental.filter((m) => m.incremental!.reclocked).map((m) => `${m.name}.sql`);
    expect(fs.readdirSync(path.join(REPO, 'sql', 'reclocks')).sort()).toEqual(reclocking.sort());
    for (const model of incremental) {
      expect(model.materialized, model.name).toBe('table');
      expect(model.key, model.name).toContain(model.incremental!.key);
      // read by the model itself or by the model that scopes its select (int_complaints_to_build)
      expect(
        MODELS.some((m) => m.inputs.includes(model.incremental!.changedKeys)),
        model.name,
      ).toBe(true);
    }
  });
});
