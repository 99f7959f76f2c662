/**
 * Edges of a run a mutation audit found unguarded. The mart export escapes every formula-looking text
 * (=, +, -, @, tab, CR) but never a number, writes timestamps with the local offset and sorts by the
 * whole key. A run that fails after its files were staged, in a publisher or in the commit itself,
 * leaves the database and OUT as they were and is recorded as failed; a source that fails with a bug
 * (not a SourceError) fails the run. The run log keeps the job's name and the ingest's rows read and
 * loaded.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { defaultConfig, parseConfig } from '../../../pipelines/core/config.ts';
import { buildModels } from '../../../pipelines/core/model-runner.ts';
import { createSilentLogger } from '../../../pipelines/core/logger.ts';
import { Warehouse } from '../../../pipelines/core/warehouse.ts';
import { exportMart } from '../../../pipelines/run/export-marts.ts';
import { prepareRunInputs } from '../../../pipelines/run/prepare-run-inputs.ts';
import { MODELS } from '../../../models/declarations.ts';
import { createRunId, runPipeline, type OutputPublisher, type PulledSource, type RunOptions } from '../../../pipelines/run/run-pipeline.ts';
import { snapshotTable } from '../../helpers/ingest.ts';
import { withTempDir, withWarehouse, writeFiles } from '../../helpers/warehouse.ts';

const AS_OF = new Date('2026-11-16T00:00:00+08:00');
const PRODUCTS = { 'products.csv': 'sku,title,category\nA,Alpha,toys\n' };
const COMPLAINTS = { 'complaints-1.csv': 'complaint_id,channel,opened_at,status,text\nK1,chat,2026-11-04T13:00:00+08:00,open,box arrived crushed\n' };

describe('run ids', () => {
  it('name the start in UTC with the Z that says so, then 3 random bytes', () => {
    // 06:30 on 4 December in Shanghai: the id must not pass for a local 3 December without its Z
    const id = createRunId(new Date('2026-12-04T06:30:23.456+08:00'));
    expect(id).toMatch(/^20261203T223023Z-[0-9a-f]{6}$/);
    expect(createRunId(new Date('2026-12-04T06:30:23.456+08:00'))).not.toBe(id);
  });
});

describe('mart export', () => {
  it('escapes formula-looking text only, writes local ISO timestamps and sorts by every key column', async () => {
    await withTempDir((dir) =>
      withWarehouse(async (w) => {
        // Inserted out of order; sorted by (grp, n): a/1, a/2, b/0, b/1, b/2, c/0, c/1, d/0.
        await w.run(`create table mart_t as select * from (values
            ('b', 1, '@SUM(A1)', -5.5, null),
            ('a', 2, '+1', 3.0, timestamptz '2026-11-16 00:30:00+08'),
            ('c', 1, chr(13) || 'cr', 0.0, null),
            ('b', 0, '-2', -1.0, null),
            ('a', 1, '=1+1', -2.0, timestamptz '2026-11-15 16:30:00+00'),
            ('c', 0, chr(9) || 'tab', 1.0, null),
            ('b', 2, 'a=b', 2.0, null),
            ('d', 0, null, null, null)
          ) as v(grp, n, label, change, noted_at)`);
        await exportMart(w, { name: 'mart_t', layer: 'marts', inputs: [], grain: 'test', materialized: 'table', key: ['grp', 'n'] }, dir);
        expect(fs.readFileSync(path.join(dir, 'mart_t.csv'), 'utf8')).toBe(
          [
            'grp,n,label,change,noted_at',
            // 2026-11-15 16:30 UTC is 2026-11-16 00:30 in Shanghai, the same instant as the row below
            "a,1,'=1+1,-2.0,2026-11-16T00:30:00+08:00",
            "a,2,'+1,3.0,2026-11-16T00:30:00+08:00",
            "b,0,'-2,-1.0,",
            "b,1,'@SUM(A1),-5.5,",
            'b,2,a=b,2.0,',
            "c,0,'\ttab,1.0,",
            `c,1,"'\rcr",0.0,`,
            'd,0,,,',
            '',
          ].join('\n'),
        );
      }),
    );
  });
});

/**
 * A landed first run, made once and copied into each test's folder: products and two orders, the second
 * with a total that is no number (quarantined), run as the weekly-review job.
 */
let landed: { dir: string; runId: string };
beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rootloop-run-edges-'));
  writeFiles(path.join(dir, 'inbox'), {
    ...PRODUCTS,
    'orders-1.csv': 'order_id,customer_id,ordered_at,total_amount\nO1,C1,2026-11-02T10:00:00+08:00,10\nO2,C2,2026-11-02T11:00:00+08:00,ten\n',
  });
  const { runId } = await runPipeline({ ...optionsIn(dir), job: 'weekly-review' });
  landed = { dir, runId };
});
afterAll(() => fs.rmSync(landed.dir, { recursive: true, force: true }));

function optionsIn(dir: string): RunOptions {
  const [inboxDir, outDir, databaseFile] = ['inbox', 'out', 'w.duckdb'].map((name) => path.join(dir, name)) as [string, string, string];
  return { inboxDir, databaseFile, outDir, config: defaultConfig(), logger: createSilentLogger(), asOf: AS_OF };
}

const openRead = (databaseFile: string) => Warehouse.open(databaseFile, { timezone: 'Asia/Shanghai', readOnly: true, migrate: false });

describe('the run log', () => {
  it("keeps the job's name and the ingest's rows read and loaded", async () => {
    const w = await openRead(optionsIn(landed.dir).databaseFile);
    try {
      expect(await w.all(`select job, status from runs`)).toEqual([{ job: 'weekly-review', status: 'succeeded' }]);
      // read: 1 product + 2 orders = 3; loaded: 1 product + 1 order = 2
      expect(await w.all(`select rows_in, rows_out from run_steps where step = 'ingest'`)).toEqual([{ rows_in: 3, rows_out: 2 }]);
    } finally {
      await w.close();
    }
  });
});

describe('runs that land', () => {
  it('records a table a source could not read as a failed pull step, and the run as succeeded', async () => {
    await withTempDir(async (dir) => {
      fs.cpSync(landed.dir, dir, { recursive: true });
      const partly: PulledSource = {
        name: 'postgres',
        pull: async () => ({ reports: [], failures: [{ stream: 'postgres.orders', error: 'relation "shop.orders" does not exist' }] }),
      };
      const options = optionsIn(dir);
      const summary = await runPipeline({ ...options, sources: [partly] });
      expect(summary.sourceFailures).toEqual([{ source: 'postgres.orders', error: 'relation "shop.orders" does not exist' }]);
      const w = await openRead(options.databaseFile);
      try {
        expect(
          await w.all(`select step, status, error_code, error_message from run_steps where run_id = $1 and step like 'pull:%' order by step`, [summary.runId]),
        ).toEqual([
          { step: 'pull:postgres', status: 'succeeded', error_code: null, error_message: null },
          { step: 'pull:postgres.orders', status: 'failed', error_code: 'SourceError', error_message: 'relation "shop.orders" does not exist' },
        ]);
      } finally {
        await w.close();
      }
    });
  });

  it('does not record a run again as interrupted when the process that left its lock had landed it', async () => {
    await withTempDir(async (dir) => {
      fs.cpSync(landed.dir, dir, { recursive: true });
      const options = optionsIn(dir);
      // killed while publishing: its lock stays, naming a pid that no longer runs (above any pid_max)
      fs.writeFileSync(
        `${options.databaseFile}.lock`,
        JSON.stringify({ runId: landed.runId, pid: 4_000_000, host: os.hostname(), startedAt: '2026-11-16T08:00:00.000Z', command: 'weekly-review' }),
      );
      const next = await runPipeline(options);
      const w = await openRead(options.databaseFile);
      try {
        expect(await w.all(`select run_id, status from runs order by started_at`)).toEqual([
          { run_id: landed.runId, status: 'succeeded' },
          { run_id: next.runId, status: 'succeeded' },
        ]);
      } finally {
        await w.close();
      }
    });
  });
});

describe('run inputs', () => {
  it('makes a holiday a day off and a special workday (a make-up Saturday) a working day of business hours', async () => {
    await withWarehouse(async (w) => {
      const config = parseConfig({ holidays: ['2026-10-01'], specialWorkdays: ['2026-10-10'] });
      await prepareRunInputs(w, config, AS_OF);
      const byName = (name: string) => MODELS.find((m) => m.name === name)!;
      await buildModels(w, [byName('stg_complaints'), byName('int_business_calendar')]);
      // Thursday 1 October off; Saturday 10 October worked 09:00–18:00 = 540 minutes; Sunday 11 October off
      expect(
        await w.all(
          `select strftime(local_date, '%Y-%m-%d') as day, is_working_day, business_minutes from int_business_calendar where local_date in ('2026-10-01', '2026-10-10', '2026-10-11') order by local_date`,
        ),
      ).toEqual([
        { day: '2026-10-01', is_working_day: false, business_minutes: 0 },
        { day: '2026-10-10', is_working_day: true, business_minutes: 540 },
        { day: '2026-10-11', is_working_day: false, business_minutes: 0 },
      ]);
    });
  });
});

describe('a run stopped before it starts', () => {
  it('touches nothing: no lock, no database, no run record', async () => {
    await withTempDir(async (dir) => {
      const options = optionsIn(dir);
      writeFiles(options.inboxDir, PRODUCTS);
      const stopped = runPipeline({ ...options, signal: AbortSignal.abort('SIGTERM') });
      await expect(stopped).rejects.toMatchObject({
        code: 'InterruptedError',
        message: expect.stringMatching(/^stopped by SIGTERM before it started; run \S+ rolled back$/),
      });
      expect(fs.readdirSync(dir)).toEqual(['inbox']);
    });
  });
});

describe('a run that fails late', () => {
  const tables = ['runs', 'ingested_files', 'raw_products', 'raw_orders', 'raw_complaints', 'fct_complaints'];

  /** A copy of the landed run; a second run brings a complaint and `changes` how it goes. */
  async function secondRunFails(dir: string, changes: Partial<RunOptions>, expectedError: string) {
    fs.cpSync(landed.dir, dir, { recursive: true });
    const options = optionsIn(dir);
    const martsBefore = fs.readFileSync(path.join(options.outDir, 'marts', 'fct_complaints.csv'), 'utf8');
    const w = await openRead(options.databaseFile);
    const before = Object.fromEntries(await Promise.all(tables.map(async (t) => [t, await snapshotTable(w, t)] as const)));
    await w.close();

    writeFiles(options.inboxDir, COMPLAINTS);
    await expect(runPipeline({ ...options, ...changes })).rejects.toThrow(expectedError);

    // OUT as the first run left it, no staging folder left, the lock released
    expect(fs.readFileSync(path.join(options.outDir, 'marts', 'fct_complaints.csv'), 'utf8')).toBe(martsBefore);
    expect(fs.readdirSync(options.outDir).sort()).toEqual(['marts']);
    expect(fs.existsSync(`${options.databaseFile}.lock`)).toBe(false);
    const after = await openRead(options.databaseFile);
    try {
      for (const t of tables.filter((t) => t !== 'runs')) expect(await snapshotTable(after, t), t).toBe(before[t]);
      return await after.all(`select run_id, status, error_code, error_message from runs order by started_at`);
    } finally {
      await after.close();
    }
  }

  afterEach(() => vi.restoreAllMocks());

  it('a publisher that throws: nothing of the run lands or is published, and it is recorded as failed', async () => {
    await withTempDir(async (dir) => {
      const crashing: OutputPublisher = {
        name: 'render_notes',
        target: (outDir) => path.join(outDir, 'notes'),
        render: () => Promise.reject(new Error('renderer crashed')),
      };
      expect(await secondRunFails(dir, { publishers: [crashing] }, 'renderer crashed')).toEqual([
        { run_id: landed.runId, status: 'succeeded', error_code: null, error_message: null },
        { run_id: expect.any(String), status: 'failed', error_code: 'InternalError', error_message: 'renderer crashed' },
      ]);
    });
  });

  it('a commit that fails: OUT is not replaced by the files of a run that did not land', async () => {
    await withTempDir(async (dir) => {
      let failCommit = false;
      const commit = Warehouse.prototype.commit;
      vi.spyOn(Warehouse.prototype, 'commit').mockImplementation(function (this: Warehouse) {
        return failCommit ? Promise.reject(new Error('disk full')) : commit.call(this);
      });
      // the last step before the commit arms the failure
      const arming: OutputPublisher = {
        name: 'render_notes',
        target: (outDir) => path.join(outDir, 'notes'),
        render: async () => {
          failCommit = true;
        },
      };
      const runs = await secondRunFails(dir, { publishers: [arming] }, 'disk full');
      expect(runs[1]).toMatchObject({ status: 'failed', error_message: 'disk full' });
    });
  });

  it('a source that fails with a bug, not a SourceError, fails the run instead of being skipped', async () => {
    await withTempDir(async (dir) => {
      const buggy: PulledSource = { name: 'postgres', pull: () => Promise.reject(new TypeError("cannot read properties of undefined (reading 'sku')")) };
      const runs = await secondRunFails(dir, { sources: [buggy] }, "cannot read properties of undefined (reading 'sku')");
      expect(runs[1]).toMatchObject({ status: 'failed', error_code: 'InternalError' });
    });
  });
});
