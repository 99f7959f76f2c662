/**
 * Edges of the core a mutation audit found unguarded: the model runner orders models by the inputs they
 * name and refuses a cycle; a built model that breaks its invariant fails the build (a negative rate
 * too); the warehouse opens with the resources and mode asked for, and a transaction lands whole or not
 * at all; the writer lock tells a lock on another host, a reused pid, an empty file and someone else's
 * lock from its own; a retired copy left beside a published folder is swept, not put back over it; and
 * config rules (§3) that would make numbers meaningless are refused with the key, defaults as documented.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig, loadConfigFile, parseConfig, writerOpenOptions } from '../../../pipelines/core/config.ts';
import { normaliseDuckValue } from '../../../pipelines/core/duck-values.ts';
import { acquireWriterLock, isProcessAlive, lockFileOf, type LockHolder } from '../../../pipelines/core/lock.ts';
import { buildModels, checkModelInvariants, orderModelsByInputs, type ModelDeclaration } from '../../../pipelines/core/model-runner.ts';
import { createStagingFolder } from '../../../pipelines/core/publish.ts';
import { Warehouse } from '../../../pipelines/core/warehouse.ts';
import { prepareRunInputs } from '../../../pipelines/run/prepare-run-inputs.ts';
import { MODELS } from '../../../models/declarations.ts';
import { withTempDir, withWarehouse, writeFiles } from '../../helpers/warehouse.ts';

const declared = (name: string, inputs: string[], extra: Partial<ModelDeclaration> = {}): ModelDeclaration => ({
  name,
  layer: 'marts',
  inputs,
  grain: 'test',
  materialized: 'table',
  ...extra,
});

describe('model runner order and invariants', () => {
  it('orders models after the models they name as inputs, whatever order they are listed in', () => {
    const models = [declared('mart_c', ['int_b', 'raw_x']), declared('int_b', ['stg_a']), declared('stg_a', ['raw_x'])];
    expect(orderModelsByInputs(models).map((m) => m.name)).toEqual(['stg_a', 'int_b', 'mart_c']);
  });

  it('refuses inputs that form a cycle, naming it', () => {
    expect(() => orderModelsByInputs([declared('a', ['b']), declared('b', ['a'])])).toThrow('model inputs form a cycle: a → b → a');
  });

  it('catches a negative rate, and passes a table without rules', async () => {
    await withWarehouse(async (w) => {
      await w.run(`create table m as select * from (values ('A', 0.5), ('B', -0.01)) as v(id, rate)`);
      await expect(checkModelInvariants(w, declared('m', [], { key: ['id'], rates: ['rate'] }))).rejects.toThrow(
        'model m: rate lies in [0, 1] fails on 1 row(s)',
      );
      await expect(checkModelInvariants(w, declared('m', []))).resolves.toBeUndefined();
    });
  });

  it('fails the build of a model that breaks its invariant, with the rule and the count', async () => {
    await withWarehouse(async (w) => {
      await prepareRunInputs(w, defaultConfig(), new Date('2026-03-30T00:00:00+08:00'));
      const staged = MODELS.find((m) => m.name === 'stg_complaints')!;
      const calendar = MODELS.find((m) => m.name === 'int_business_calendar')!;
      // No complaints and as_of in 2026: one row per date 2000-01-01..2100-12-31 = 101 × 365 + 25 leap days
      // (2000, 2004, …, 2096; 2100 is none) = 36,890 rows with two distinct values → 36,888 surplus rows.
      const built = buildModels(w, [staged, { ...calendar, key: ['is_working_day'] }]);
      await expect(built).rejects.toMatchObject({
        code: 'InvariantViolation',
        message: 'model int_business_calendar: key (is_working_day) is unique fails on 36888 row(s)',
      });
    });
  });
});

describe('warehouse', () => {
  it("opens with the config's threads, memory limit and spill folder", async () => {
    await withTempDir(async (dir) => {
      const spill = path.join(dir, 'spill');
      const w = await Warehouse.open(path.join(dir, 'w.duckdb'), { timezone: 'Asia/Shanghai', threads: 1, memoryLimit: '1GiB', temporaryDirectory: spill });
      try {
        expect(
          await w.all(`select current_setting('threads') as threads, current_setting('memory_limit') as memory, current_setting('temp_directory') as spill`),
        ).toEqual([{ threads: 1, memory: '1.0 GiB', spill }]);
      } finally {
        await w.close();
      }
    });
  });

  it('opens read-only when asked (status never writes), and Kysely binds dates and counts as numbers', async () => {
    await withTempDir(async (dir) => {
      const file = path.join(dir, 'w.duckdb');
      await (await Warehouse.open(file, { timezone: 'Asia/Shanghai' })).close();
      const w = await Warehouse.open(file, { timezone: 'Asia/Shanghai', readOnly: true, migrate: false });
      try {
        await expect(w.run('create table notes (x integer)')).rejects.toThrow(/read-only/);
        const db = await w.kysely();
        const counted = db
          .selectFrom('runs')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('started_at', '<', new Date('2026-01-01T00:00:00Z'));
        expect(await counted.execute()).toEqual([{ n: 0 }]);
      } finally {
        await w.close();
      }
    });
  });
});

describe('warehouse transactions', () => {
  it('rolls back all of a transaction whose work throws, and the next one runs', async () => {
    await withWarehouse(async (w) => {
      await w.run('create table ledger (alert_key varchar primary key)');
      const failing = w.transaction(async () => {
        await w.run(`insert into ledger values ('carrier:Swift:2026-02-23')`);
        throw new Error('webhook answered 500');
      });
      await expect(failing).rejects.toThrow('webhook answered 500');
      expect(await w.scalar('select count(*) from ledger')).toBe(0);
      await w.transaction(() => w.run(`insert into ledger values ('sku:CREAM-X')`));
      expect(await w.all('select alert_key from ledger')).toEqual([{ alert_key: 'sku:CREAM-X' }]);
    });
  });
});

describe('writer lock', () => {
  const holderOf = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as LockHolder;
  const run = { runId: 'R-new', startedAt: '2026-11-16T08:00:00.000Z', command: 'run' };

  it('takes a lock held on another host as held, even when that pid does not run here', async () => {
    await withTempDir(async (dir) => {
      const db = path.join(dir, 'w.duckdb');
      const pid = 4_000_000; // above Linux's pid_max (4,194,304 at most, 32,768 by default): not running here
      expect(isProcessAlive(pid)).toBe(false);
      fs.writeFileSync(
        lockFileOf(db),
        JSON.stringify({ runId: 'R-vm2', pid, host: 'vm-2.example', startedAt: '2026-11-16T07:00:00.000Z', command: 'schedule' }),
      );
      expect(() => acquireWriterLock(db, run)).toThrow(`database ${db} is in use by run R-vm2 since 2026-11-16T07:00:00.000Z (schedule, pid ${pid})`);
      expect(holderOf(lockFileOf(db)).runId).toBe('R-vm2');
    });
  });

  it('recovers a lock whose pid now belongs to a process started at another time (a reused pid)', async () => {
    await withTempDir(async (dir) => {
      const db = path.join(dir, 'w.duckdb');
      // the parent process runs, but not since the start time the lock recorded
      const stale = { runId: 'R-old', pid: process.ppid, host: os.hostname(), processStart: '1', startedAt: '2026-11-15T08:00:00.000Z', command: 'run' };
      fs.writeFileSync(lockFileOf(db), JSON.stringify(stale));
      const lock = acquireWriterLock(db, run);
      try {
        expect(lock.recoveredFrom).toEqual(stale);
        expect(holderOf(lockFileOf(db)).runId).toBe('R-new');
      } finally {
        lock.release();
      }
      expect(fs.existsSync(lockFileOf(db))).toBe(false);
    });
  });

  it('recovers an empty lock file (a writer that failed between creating and filling it)', async () => {
    await withTempDir(async (dir) => {
      const db = path.join(dir, 'w.duckdb');
      fs.writeFileSync(lockFileOf(db), '');
      const lock = acquireWriterLock(db, run);
      expect(lock.recoveredFrom).toBeUndefined();
      expect(holderOf(lockFileOf(db)).runId).toBe('R-new');
      lock.release();
    });
  });

  it('does not remove, on release, a lock file another holder wrote meanwhile', async () => {
    await withTempDir(async (dir) => {
      const db = path.join(dir, 'w.duckdb');
      const lock = acquireWriterLock(db, run);
      const other = { runId: 'R-other', pid: process.ppid, startedAt: '2026-11-16T09:00:00.000Z', command: 'schedule' };
      fs.writeFileSync(lockFileOf(db), JSON.stringify(other));
      lock.release();
      expect(holderOf(lockFileOf(db))).toEqual(other);
    });
  });
});

describe('publishing', () => {
  it('sweeps a retired copy left beside a published folder (a kill before its removal), keeping the new one', async () => {
    await withTempDir(async (dir) => {
      const target = path.join(dir, 'site');
      writeFiles(target, { 'index.html': 'new' });
      writeFiles(path.join(dir, '.site.staging-OLD.retired'), { 'index.html': 'previous' });
      createStagingFolder(target, 'NEXT');
      expect(fs.readFileSync(path.join(target, 'index.html'), 'utf8')).toBe('new');
      expect(fs.readdirSync(dir).sort()).toEqual(['.site.staging-NEXT', 'site']);
    });
  });
});

describe('config edges', () => {
  it('refuses business hours that close when they open or after midnight, an empty after period, a zero SLA target, twin job names', () => {
    expect(() => parseConfig({ businessHours: { start: '09:00', end: '09:00' } })).toThrow(/businessHours\.start must be before businessHours\.end/);
    expect(() => parseConfig({ businessHours: { end: '24:30' } })).toThrow(
      /^invalid config: businessHours\.end = "24:30": a time written HH:MM \(00:00–24:00\)$/,
    );
    expect(parseConfig({ businessHours: { end: '24:00' } }).businessHours.end).toBe('24:00');
    expect(() => parseConfig({ actions: { afterStartDays: 63, afterEndDays: 63 } })).toThrow(/afterStartDays must be less than actions\.afterEndDays/);
    expect(() => parseConfig({ sla: { targets: { general: { minutes: 0 } } } })).toThrow(/sla\.targets\.general\.minutes = 0/);
    const job = { cron: '0 8 * * 1', task: 'weekly_review' };
    expect(() =>
      parseConfig({
        schedule: {
          jobs: [
            { name: 'weekly', ...job },
            { name: 'weekly', ...job },
          ],
        },
      }),
    ).toThrow(/schedule\.jobs = .*: job names must be unique/);
  });

  it('holds the defaults the README and operations guide document', () => {
    const config = defaultConfig();
    expect(config.paths).toEqual({ inbox: 'inbox', db: 'rootloop.duckdb', out: 'out' });
    expect(config.language).toBe('zh');
    expect(config.sla.alertBreachRate).toBe(0.2);
    expect(config.maxDataAgeHours).toBe(26);
    // the defaults table of docs/operations.md
    expect(config.warehouse).toEqual({ memoryLimit: '1GB', threads: null, temporaryDirectory: null });
    expect(config.schedule).toMatchObject({ retries: 3, retryBaseMs: 2000, retryMaxMs: 300_000, retryJitter: 0.5, jitterMs: 0, catchUp: true });
    expect(config.alerts).toMatchObject({ recentWeeks: 2, maxFlagsPerMessage: 10 });
    // CONTRACT §3's English safety words, each present
    expect(config.severityRules.crisisWordsEnglish).toEqual(
      expect.arrayContaining(['allergy', 'allergic', 'injury', 'injured', 'burn', 'burned', 'burnt', 'fire']),
    );
  });

  it('reads every path of a config file relative to the file', async () => {
    await withTempDir(async (dir) => {
      const file = path.join(dir, 'etc', 'rootloop.json');
      writeFiles(path.dirname(file), { 'rootloop.json': JSON.stringify({ paths: { inbox: 'in', db: '../data/w.duckdb', out: '/srv/out' } }) });
      expect((await loadConfigFile(file)).paths).toEqual({ inbox: path.join(dir, 'etc', 'in'), db: path.join(dir, 'data', 'w.duckdb'), out: '/srv/out' });
    });
  });

  it('names a TypeScript config file that does not exist', async () => {
    await expect(loadConfigFile('/nonexistent/rootloop.config.ts')).rejects.toThrow(
      /^cannot read config file \/nonexistent\/rootloop\.config\.ts: no such file$/,
    );
  });

  it("passes the warehouse's threads and spill folder to DuckDB", () => {
    expect(writerOpenOptions(parseConfig({ warehouse: { threads: 2, temporaryDirectory: '/var/tmp/rootloop' } }))).toEqual({
      timezone: 'Asia/Shanghai',
      memoryLimit: '1GB',
      threads: 2,
      temporaryDirectory: '/var/tmp/rootloop',
    });
  });

  it('keeps a BIGINT beyond 2^53 exact, as its decimal text (nanosecond file times)', () => {
    expect(normaliseDuckValue(1_763_280_000_123_456_789n)).toBe('1763280000123456789');
    expect(normaliseDuckValue(9_007_199_254_740_991n)).toBe(9_007_199_254_740_991);
  });
});
