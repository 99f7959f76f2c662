/**
 * The command line as CONTRACT §1 promises it, where a mutation audit found it unguarded: --help
 * describes the commands; `run --as-of` without an offset is local time in the config's zone and is the
 * as_of the run records; the summary line counts what was quarantined; `status --check` exits 1 on a
 * problem; a port or a demo scale that cannot be is refused in one line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Warehouse } from '../../pipelines/core/warehouse.ts';
import { runCli } from '../helpers/cli.ts';
import { withTempDir, writeFiles } from '../helpers/warehouse.ts';

describe('rootloop command line', () => {
  it('prints help for the program and for run', () => {
    const help = runCli(['--help']);
    expect(help.status).toBe(0);
    for (const command of ['run', 'status', 'demo', 'serve', 'schedule']) expect(help.stdout).toMatch(new RegExp(`^\\s+${command}\\b`, 'm'));
    const run = runCli(['run', '--help']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('one full run: ingest everything new in the inbox');
    for (const option of ['--inbox <dir>', '--db <file>', '--out <dir>', '--as-of <timestamp>', '--config <file>']) expect(run.stdout).toContain(option);
  });

  it("runs with --as-of in the config's zone, counts quarantined rows, and status --check exits 1 on a problem", async () => {
    await withTempDir(async (dir) => {
      const inbox = path.join(dir, 'inbox');
      const db = path.join(dir, 'w.duckdb');
      const config = path.join(dir, 'rootloop.json');
      fs.writeFileSync(config, JSON.stringify({ timezone: 'Europe/Berlin' }));
      // two orders, the second with a total that is no number (1 loaded, 1 quarantined); one complaint
      writeFiles(inbox, {
        'orders-1.csv': 'order_id,customer_id,ordered_at,total_amount\nO1,C1,2026-11-02T10:00:00+01:00,10\nO2,C2,2026-11-02T11:00:00+01:00,ten\n',
        'complaints-1.csv': 'complaint_id,channel,opened_at,status,text\nK1,chat,2026-11-10T00:00:00+01:00,open,box arrived crushed\n',
        // a name no entity or mapping claims
        'returns-2026-11.csv': 'rma,reason\nR1,damaged\n',
      });
      const args = ['run', '--inbox', inbox, '--db', db, '--out', path.join(dir, 'out'), '--config', config, '--as-of', '2026-11-20'];
      const run = runCli(args);
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toMatch(
        /^run \S+ succeeded in [\d.]+ s: 3 new file\(s\), 2 rows loaded, 1 quarantined, 1 file\(s\) not recognised by name \(see rootloop status\); marts in /,
      );
      // the same inbox again: every file already read, nothing new
      const again = runCli(args);
      expect(again.status, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/^run \S+ succeeded in [\d.]+ s: 0 new file\(s\), 0 rows loaded, 0 quarantined; marts in /);
      const w = await Warehouse.open(db, { timezone: 'UTC', readOnly: true, migrate: false });
      try {
        // midnight of 20 November in Berlin (UTC+1 in winter) is 23:00 UTC the day before
        expect((await w.all<{ as_of: Date }>(`select as_of from runs`)).map((r) => r.as_of.toISOString())).toEqual([
          '2026-11-19T23:00:00.000Z',
          '2026-11-19T23:00:00.000Z',
        ]);
      } finally {
        await w.close();
      }
      // the complaint was opened 10 days (240 h) before that as-of: past maxComplaintGapHours (72)
      const check = runCli(['status', '--check', '--db', db, '--config', config]);
      expect(check.status).toBe(1);
      expect(check.stderr).toMatch(/^status check failed: .*the newest complaint was opened 240\.0 h before the last run's as-of \(limit 72 h/);
      // with --json the verdict is in the document too
      const json = runCli(['status', '--check', '--json', '--db', db, '--config', config]);
      expect(json.status).toBe(1);
      const { check: verdict } = JSON.parse(json.stdout) as { check: { ok: boolean; problems: string[] } };
      expect(verdict.ok).toBe(false);
      expect(verdict.problems.some((p) => p.includes('240.0 h'))).toBe(true);
      // a gap the config allows: the check passes, and says so in one line
      fs.writeFileSync(config, JSON.stringify({ timezone: 'Europe/Berlin', maxComplaintGapHours: 1000 }));
      const passed = runCli(['status', '--check', '--json', '--db', db, '--config', config]);
      expect([passed.status, passed.stderr]).toEqual([0, 'status check ok\n']);
      expect((JSON.parse(passed.stdout) as { check: unknown }).check).toEqual({ ok: true, problems: [] });
    });
  });

  it('refuses a port beyond 65535 and a demo scale of 0, in one line', async () => {
    // (into a temporary folder: a demo that ran anyway must not write into the repository)
    await withTempDir(async (dir) => {
      for (const [args, reason] of [
        [['serve', '--port', '65536'], /^error: option '--port <n>' argument '65536' is invalid\. '65536' is not a TCP port/],
        [['demo', '--out', dir, '--scale', '0'], /^error: option '--scale <n>' argument '0' is invalid\. '0' is not a positive number/],
      ] as const) {
        const result = runCli(args, { timeoutMs: 60_000 });
        expect(result.status, args.join(' ')).not.toBe(0);
        expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
        expect(result.stderr.trim(), args.join(' ')).toMatch(reason);
      }
    });
  });
});
