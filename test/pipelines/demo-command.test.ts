/**
 * The README's first command, as a user runs it: `rootloop demo --out DIR` in a child process. DIR
 * holds what `run --out DIR` writes (marts/, site/, report/: CONTRACT §5, §6) beside the demo's inbox
 * and database, so `serve --out DIR` and `status --db DIR/rootloop.duckdb` find them; a second demo
 * into the same folder loads nothing twice.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { withTempDir } from '../helpers/warehouse.ts';

const CONTRACT_MARTS = ['fct_complaints', 'mart_action_effectiveness', 'mart_carrier_weekly', 'mart_cause_weekly', 'mart_listing_flags', 'mart_sla_weekly'];

describe('rootloop demo', () => {
  it('writes the inbox, the database and the outputs into --out and prints where they are', { timeout: 180_000 }, async () => {
    await withTempDir(async (dir) => {
      const demo = runCli(['demo', '--out', dir]);
      expect(demo.status, demo.stderr).toBe(0);
      expect(demo.stdout).toContain(`dashboards: ${path.join(dir, 'site', 'index.html')}`);
      expect(demo.stdout).toContain(`marts:      ${path.join(dir, 'marts')}`);

      expect(fs.readdirSync(path.join(dir, 'inbox')).some((f) => f.startsWith('complaints'))).toBe(true);
      for (const mart of CONTRACT_MARTS) {
        const csv = fs.readFileSync(path.join(dir, 'marts', `${mart}.csv`), 'utf8');
        expect(csv.split('\n').length, mart).toBeGreaterThan(2);
        expect(fs.statSync(path.join(dir, 'marts', `${mart}.parquet`)).size, mart).toBeGreaterThan(0);
      }
      for (const page of ['index.html', 'quality.html', 'logistics.html', 'merchandising.html', 'service.html'])
        expect(fs.existsSync(path.join(dir, 'site', page)), page).toBe(true);
      expect(fs.readdirSync(path.join(dir, 'report')).filter((f) => /^weekly-\d{4}-\d{2}-\d{2}\.(md|html)$/.test(f))).toHaveLength(2);

      // The same world again: every file already ingested, nothing loaded twice, the same marts.
      const statusOf = () => {
        const status = runCli(['status', '--json', '--db', path.join(dir, 'rootloop.duckdb')]);
        expect(status.status, status.stderr).toBe(0);
        return JSON.parse(status.stdout) as {
          runs: { status: string }[];
          tables: { table: string; rows: number }[];
          files: { files: number; rows_loaded: number };
        };
      };
      const first = statusOf();
      expect(first.runs.map((r) => r.status)).toEqual(['succeeded']);
      const before = fs.readFileSync(path.join(dir, 'marts', 'fct_complaints.csv'));
      const again = runCli(['demo', '--out', dir]);
      expect(again.status, again.stderr).toBe(0);
      const second = statusOf();
      expect(second.runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
      expect(second.tables).toEqual(first.tables);
      expect(second.files).toEqual(first.files);
      expect(fs.readFileSync(path.join(dir, 'marts', 'fct_complaints.csv')).equals(before)).toBe(true);
    });
  });
});
