/**
 * One run is one transaction: a process killed mid-ingest leaves the database exactly as before, its
 * stale lock is recovered by the next run; a second writer gets a clear refusal naming the run that
 * holds the database; a file DuckDB cannot read is quarantined whole and the run goes on.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../pipelines/core/config.ts';
import { createSilentLogger } from '../../../pipelines/core/logger.ts';
import { Warehouse } from '../../../pipelines/core/warehouse.ts';
import { runPipeline } from '../../../pipelines/run/run-pipeline.ts';
import { runCli, startCli } from '../../helpers/cli.ts';
import { snapshotTable } from '../../helpers/ingest.ts';
import { withTempDir, writeFiles } from '../../helpers/warehouse.ts';

const AS_OF = '2026-11-16T00:00:00+08:00';
const TABLES = [
  'runs',
  'run_steps',
  'ingested_files',
  'quarantine',
  'raw_orders',
  'raw_order_items',
  'raw_shipments',
  'raw_products',
  'raw_complaints',
  'raw_corrective_actions',
  'fct_complaints',
  'mart_carrier_weekly',
];

function writeSmallWorld(inbox: string): void {
  writeFiles(inbox, {
    'products.csv': 'sku,title,category\nA,Alpha,toys\n',
    'orders-1.csv': 'order_id,customer_id,ordered_at,total_amount\nO1,C1,2026-11-02T10:00:00+08:00,10\n',
    'order_items-1.csv': 'order_id,line_no,sku,quantity,unit_price\nO1,1,A,1,10\n',
    'shipments-1.csv':
      'shipment_id,order_id,carrier,shipped_at,promised_at,delivered_at,status\nS1,O1,Heron,2026-11-02T12:00:00+08:00,2026-11-05T12:00:00+08:00,2026-11-04T12:00:00+08:00,delivered\n',
    'complaints-1.csv': 'complaint_id,order_id,channel,opened_at,status,text\nK1,O1,chat,2026-11-04T13:00:00+08:00,open,box arrived crushed\n',
  });
}

/** A CSV big enough that ingesting it takes a noticeable time. */
function writeBigOrderItems(file: string, rows: number): void {
  const out = fs.openSync(file, 'w');
  fs.writeSync(out, 'order_id,line_no,sku,quantity,unit_price\n');
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    chunk += `B${i},1,SKU-${i % 977},${1 + (i % 3)},${(i % 500) + 0.5}\n`;
    if (chunk.length > 1 << 20) {
      fs.writeSync(out, chunk);
      chunk = '';
    }
  }
  fs.writeSync(out, chunk);
  fs.closeSync(out);
}

async function snapshotDatabase(file: string): Promise<Record<string, string>> {
  const w = await Warehouse.open(file, { timezone: 'Asia/Shanghai', readOnly: true, migrate: false });
  try {
    const snapshot: Record<string, string> = {};
    for (const table of TABLES) snapshot[table] = await snapshotTable(w, table);
    return snapshot;
  } finally {
    await w.close();
  }
}

const waitFor = async (predicate: () => boolean, timeoutMs: number) => {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
};

/**
 * A database holding one run of the small world, and a second run started on it with a big order_items
 * file added, caught while it reads that file.
 */
async function startRunDuringBigIngest(dir: string) {
  const inbox = path.join(dir, 'inbox');
  const db = path.join(dir, 'w.duckdb');
  const out = path.join(dir, 'out');
  const args = ['run', '--inbox', inbox, '--db', db, '--out', out, '--as-of', AS_OF];
  writeSmallWorld(inbox);
  const first = runCli(args);
  expect(first.status, first.stderr).toBe(0);
  const before = await snapshotDatabase(db);
  const martsBefore = fs.readFileSync(path.join(out, 'marts', 'fct_complaints.csv'), 'utf8');
  writeBigOrderItems(path.join(inbox, 'order_items-2.csv'), 400_000);
  const child = startCli(args, { ROOTLOOP_LOG_LEVEL: 'info' });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const log = { text: '' };
  child.stderr.on('data', (chunk: Buffer) => (log.text += chunk.toString()));
  await waitFor(() => log.text.includes('reading order_items-2.csv'), 60_000);
  return { db, out, args, before, martsBefore, child, exited, log };
}

async function runStatusCounts(db: string): Promise<unknown[]> {
  const w = await Warehouse.open(db, { timezone: 'Asia/Shanghai', readOnly: true, migrate: false });
  try {
    return await w.all(`select status, count(*) as n from runs group by status order by status`);
  } finally {
    await w.close();
  }
}

describe('one run, one transaction', () => {
  it('a kill -9 mid-ingest leaves the database as before; the next run recovers the stale lock', { timeout: 180_000 }, async () => {
    await withTempDir(async (dir) => {
      const { db, out, args, before, martsBefore, child, exited } = await startRunDuringBigIngest(dir);
      await new Promise((r) => setTimeout(r, 300));
      child.kill('SIGKILL');
      await exited;

      expect(fs.existsSync(`${db}.lock`)).toBe(true); // left behind by the killed process
      expect(await snapshotDatabase(db)).toEqual(before);
      expect(fs.readFileSync(path.join(out, 'marts', 'fct_complaints.csv'), 'utf8')).toBe(martsBefore);

      const again = runCli(args);
      expect(again.status, again.stderr).toBe(0);
      expect(await runStatusCounts(db)).toEqual([
        { status: 'interrupted', n: 1 },
        { status: 'succeeded', n: 2 },
      ]);
      const w = await Warehouse.open(db, { timezone: 'Asia/Shanghai', readOnly: true, migrate: false });
      try {
        expect(await w.scalar('select count(*) from raw_order_items')).toBe(400_001);
      } finally {
        await w.close();
      }
      expect(fs.existsSync(`${db}.lock`)).toBe(false);
    });
  });

  it('SIGTERM mid-ingest rolls the run back, records it interrupted and releases the lock', { timeout: 180_000 }, async () => {
    await withTempDir(async (dir) => {
      const { db, out, before, child, exited, log } = await startRunDuringBigIngest(dir);
      child.kill('SIGTERM');
      // a graceful stop with a one-line reason (before, `run` had no handler and died by the signal,
      // leaving its lock and staging folders behind)
      expect(await exited).toBe(2);
      expect(log.text).toMatch(/rootloop: InterruptedError: stopped by SIGTERM/);

      expect(fs.existsSync(`${db}.lock`)).toBe(false);
      expect(fs.readdirSync(out).filter((name) => name.includes('.staging-'))).toEqual([]);
      const after = await snapshotDatabase(db);
      for (const table of TABLES.filter((t) => t !== 'runs' && t !== 'run_steps')) expect(after[table], table).toBe(before[table]);
      expect(await runStatusCounts(db)).toEqual([
        { status: 'interrupted', n: 1 },
        { status: 'succeeded', n: 1 },
      ]);
    });
  });

  it('a second writer gets a clear refusal naming the run that holds the database', async () => {
    await withTempDir(async (dir) => {
      const inbox = path.join(dir, 'inbox');
      const db = path.join(dir, 'w.duckdb');
      writeSmallWorld(inbox);
      // Another live process holds the writer lock.
      fs.writeFileSync(
        `${db}.lock`,
        JSON.stringify({ runId: '20261116T080000-abc123', pid: process.pid, startedAt: '2026-11-16T08:00:00.000Z', command: 'schedule' }),
      );
      const refused = runCli(['run', '--inbox', inbox, '--db', db, '--out', path.join(dir, 'out')]);
      expect(refused.status).not.toBe(0);
      expect(refused.stderr.trim()).toBe(
        `rootloop: DatabaseLockedError: database ${db} is in use by run 20261116T080000-abc123 since 2026-11-16T08:00:00.000Z (schedule, pid ${process.pid}); try again when it has finished`,
      );
      expect(refused.stderr).not.toMatch(/\n\s+at /); // no stack trace
      fs.rmSync(`${db}.lock`);

      // DuckDB's own file lock held by this process (no sidecar): still a one-line refusal.
      const holder = await Warehouse.open(db, { timezone: 'Asia/Shanghai' });
      try {
        const blocked = runCli(['run', '--inbox', inbox, '--db', db, '--out', path.join(dir, 'out')]);
        expect(blocked.status).not.toBe(0);
        expect(blocked.stderr.trim()).toMatch(
          /^rootloop: DatabaseLockedError: database .* is in use by another process \(pid \d+\); try again when it has finished$/,
        );
      } finally {
        await holder.close();
      }
    });
  });

  it('status --check during a run waits, then answers 3 (unknown, try later) instead of failing the check', async () => {
    await withTempDir(async (dir) => {
      const inbox = path.join(dir, 'inbox');
      const db = path.join(dir, 'w.duckdb');
      writeSmallWorld(inbox);
      expect(runCli(['run', '--inbox', inbox, '--db', db, '--out', path.join(dir, 'out'), '--as-of', '2026-11-20']).status).toBe(0);
      const holder = await Warehouse.open(db, { timezone: 'Asia/Shanghai' });
      try {
        const check = runCli(['status', '--check', '--wait', '1', '--db', db]);
        expect([check.status, check.stderr.trim()]).toEqual([
          3,
          expect.stringMatching(/^status check unknown: database .* is in use by another process .*\(waited 1 s\)$/),
        ]);
        // without --check a busy database stays an error (exit 2), at once
        expect(runCli(['status', '--db', db]).status).toBe(2);
      } finally {
        await holder.close();
      }
      expect(runCli(['status', '--check', '--db', db]).status).not.toBe(3);
    });
  });

  it('a file DuckDB fails to read is quarantined whole and the run goes on', async () => {
    await withTempDir(async (dir) => {
      const inbox = path.join(dir, 'inbox');
      writeSmallWorld(inbox);
      // More broken files than any fixed number of retries would allow (each costs the run one attempt).
      const broken = (i: number) => Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(64, i), Buffer.from('PAR1')]);
      writeFiles(inbox, Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`complaints-2-${String(i).padStart(2, '0')}.parquet`, broken(i + 1)])));
      const summary = await runPipeline({
        inboxDir: inbox,
        databaseFile: path.join(dir, 'w.duckdb'),
        outDir: path.join(dir, 'out'),
        config: defaultConfig(),
        logger: createSilentLogger(),
        asOf: new Date(AS_OF),
      });
      const bad = summary.files.filter((f) => f.fileName.startsWith('complaints-2-'));
      expect(bad).toHaveLength(25);
      for (const file of bad) expect(file).toMatchObject({ status: 'unreadable', error: expect.stringMatching(/cannot be read/) });
      expect(summary.files.filter((f) => f.status === 'loaded')).toHaveLength(5);
    });
  });
});
