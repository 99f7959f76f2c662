/**
 * `rootloop run` refuses arguments that would otherwise pass for a normal run (CONTRACT §1: non-zero
 * exit, one-line reason): a mistyped inbox folder (it "succeeded" with nothing new), an impossible
 * --as-of (JavaScript rolled 2026-13-01 over into 2027), and an output folder that cannot be written
 * (found only after the whole run).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { withTempDir } from '../helpers/warehouse.ts';

describe('rootloop run arguments', () => {
  it('refuses a missing inbox, an impossible --as-of and an unwritable --out, in one line each, touching nothing', async () => {
    await withTempDir(async (dir) => {
      const inbox = path.join(dir, 'inbox');
      fs.mkdirSync(inbox);
      fs.writeFileSync(path.join(dir, 'a-file'), '');
      const db = path.join(dir, 'w.duckdb');
      const run = (...args: string[]) => runCli(['run', '--db', db, ...args]);
      const cases: [string[], RegExp][] = [
        [['--inbox', path.join(dir, 'inbx'), '--out', path.join(dir, 'out')], /^rootloop: InputError: inbox folder .*inbx does not exist/],
        [['--inbox', inbox, '--out', path.join(dir, 'out'), '--as-of', '2026-13-01'], /^rootloop: InputError: --as-of '2026-13-01': 13 is no month/],
        [['--inbox', inbox, '--out', path.join(dir, 'out'), '--as-of', '2026-02-30T00:00:00+08:00'], /2026-02-30 is no calendar date \(2026-02 has 28 days\)$/],
        [['--inbox', inbox, '--out', path.join(dir, 'out'), '--as-of', '2026-11-20T25:00'], /is not an ISO 8601 timestamp/],
        [['--inbox', inbox, '--out', path.join(dir, 'a-file', 'out')], /^rootloop: InputError: output folder .*a-file\/out cannot be written .*ENOTDIR/],
        // an existing file as --out was found only after the whole run
        [['--inbox', inbox, '--out', path.join(dir, 'a-file')], /^rootloop: InputError: output folder .*a-file cannot be written .*not a folder/],
        // commander's own errors, with the hint on the same line
        [['--inbox', inbox, '--bogus'], /^error: unknown option '--bogus' \(run with --help for usage\)$/],
      ];
      for (const [args, reason] of cases) {
        const result = run(...args);
        expect(result.status, args.join(' ')).not.toBe(0);
        expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
        expect(result.stderr.trim(), args.join(' ')).toMatch(reason);
      }
      expect(fs.existsSync(db)).toBe(false);
      // A real date without an offset is local time, and runs.
      expect(run('--inbox', inbox, '--out', path.join(dir, 'out'), '--as-of', '2026-02-28').status).toBe(0);
    });
  });

  it('refuses an unknown command, a demo seed that is no integer and a SQLite file as --db, in one line', async () => {
    await withTempDir(async (dir) => {
      const sqlite = Buffer.alloc(4096);
      sqlite.write('SQLite format 3\0');
      fs.writeFileSync(path.join(dir, 'shop.sqlite'), sqlite);
      const other = path.join(dir, 'other');
      fs.mkdirSync(other);
      fs.writeFileSync(path.join(other, 'notes.txt'), 'meeting notes, not a warehouse\n'.repeat(200));
      // DuckDB opens a CSV or Parquet file given as its database as an in-memory view: a run "succeeded" and kept nothing
      fs.writeFileSync(path.join(other, 'fct_complaints.csv'), 'complaint_id,opened_at\nK1,2026-03-01T10:00:00+08:00\n');
      for (const [args, reason] of [
        [['foo'], /^error: unknown command 'foo' \(run with --help for usage\)$/],
        [['demo', '--out', dir, '--seed', 'abc'], /^error: option '--seed <n>' argument 'abc' is invalid\. 'abc' is not an integer/],
        // DuckDB asked for its SQLite extension instead of saying the file is not a warehouse
        [['status', '--db', path.join(dir, 'shop.sqlite')], /^rootloop: InputError: .*shop\.sqlite is a SQLite file, not a DuckDB warehouse/],
        // DuckDB's and Node's own words named no option ("Is a directory", "EEXIST … mkdir")
        [['status', '--db', other], /^rootloop: InputError: .*other is a folder, not a DuckDB warehouse file \(--db/],
        [['status', '--db', path.join(other, 'notes.txt')], /^rootloop: InputError: .*notes\.txt is not a DuckDB warehouse file \(--db/],
        [['status', '--db', path.join(other, 'fct_complaints.csv')], /^rootloop: InputError: .*fct_complaints\.csv is not a DuckDB warehouse file \(--db/],
        [
          ['run', '--inbox', other, '--out', path.join(other, 'out'), '--db', path.join(other, 'fct_complaints.csv')],
          /^rootloop: InputError: .*fct_complaints\.csv is not a DuckDB warehouse file \(--db/,
        ],
        [
          ['run', '--inbox', other, '--out', path.join(other, 'out'), '--db', path.join(other, 'notes.txt', 'w.duckdb')],
          /^rootloop: InputError: the folder of .*notes\.txt\/w\.duckdb cannot be created \(--db/,
        ],
      ] as const) {
        const result = runCli(args);
        expect(result.status, args.join(' ')).not.toBe(0);
        expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
        expect(result.stderr.trim(), args.join(' ')).toMatch(reason);
      }
      expect(fs.readdirSync(dir).sort()).toEqual(['other', 'shop.sqlite']);
    });
  });

  it('names a source that failed in the summary line of the run (exit 0: the run landed with the others)', async () => {
    await withTempDir(async (dir) => {
      const inbox = path.join(dir, 'inbox');
      fs.mkdirSync(inbox);
      fs.writeFileSync(path.join(inbox, 'orders-1.csv'), 'order_id,customer_id,ordered_at,total_amount\nO1,C1,2026-11-02T10:00:00+08:00,99\n');
      const config = path.join(dir, 'config.json');
      fs.writeFileSync(
        config,
        JSON.stringify({
          sources: {
            postgres: {
              enabled: true,
              connectionStringEnv: 'TEST_PG_URL',
              retryAttempts: 1,
              connectTimeoutMs: 2000,
              entities: { products: { table: 'products' } },
            },
          },
        }),
      );
      // nothing listens on port 1
      const result = runCli(
        ['run', '--inbox', inbox, '--db', path.join(dir, 'w.duckdb'), '--out', path.join(dir, 'out'), '--config', config, '--as-of', '2026-11-20'],
        {
          env: { TEST_PG_URL: 'postgres://reader:secret@127.0.0.1:1/shop' },
        },
      );
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(
        /^run \S+ succeeded in .* 1 rows loaded, 0 quarantined; source\(s\) FAILED and will be pulled again next run: postgres \(.+\); marts in /,
      );
      expect(result.stdout).not.toContain('secret');
    });
  });
});
