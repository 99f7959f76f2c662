/**
 * `rootloop schedule` as a real child process on the conformance world: SIGTERM while a run builds its
 * models rolls the run back (database and OUT/marts exactly as before, locks released, exit 0); a
 * kill -9 at the same point leaves stale locks that the next scheduler recovers, logging the lost run
 * as interrupted.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../pipelines/core/config.ts';
import { lockFileOf } from '../../pipelines/core/lock.ts';
import { createSilentLogger } from '../../pipelines/core/logger.ts';
import { runPipeline } from '../../pipelines/run/run-pipeline.ts';
import { createScheduler } from '../../pipelines/scheduling/scheduler.ts';
import { schedulerLockFileOf } from '../../pipelines/scheduling/scheduler-lock.ts';
import { startCli } from '../helpers/cli.ts';
import { captureLogger } from './capture-logger.ts';
import { generateConformanceWorld } from '../helpers/conformance-world.ts';
import { ManualCronDriver, hashFolder, queryNumber, readRuns, snapshotData } from './scheduling-helpers.ts';

const MODELS_STARTED = 'ingest done; building models';
let base: string;

/** A copy of the world after one successful run, with one new complaints file waiting in the inbox. */
function prepareCopy(name: string): { dir: string; configFile: string; db: string } {
  const dir = path.join(base, name);
  fs.mkdirSync(dir);
  for (const entry of ['inbox', 'out', 'w.duckdb']) fs.cpSync(path.join(base, 'world', entry), path.join(dir, entry), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'inbox', 'complaints-late.csv'),
    'complaint_id,order_id,channel,opened_at,status,text\nLATE1,O1,app,2026-03-28T09:00:00+08:00,open,Arrived broken\n',
  );
  const configFile = path.join(dir, 'config.json');
  // Catch-up starts the refresh at once (it never ran as a scheduled job); its cron is far away.
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      paths: { inbox: 'inbox', db: 'w.duckdb', out: 'out' },
      schedule: { jobs: [{ name: 'refresh', cron: '0 0 1 1 *', task: 'refresh' }], catchUp: true },
    }),
  );
  return { dir, configFile, db: path.join(dir, 'w.duckdb') };
}

/** Starts `rootloop schedule` and resolves with the run id once that run has begun building its models. */
function startScheduleUntilModels(configFile: string) {
  const child = startCli(['schedule', '--config', configFile], { ROOTLOOP_LOG_LEVEL: 'debug' });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let stderr = '';
  const building = new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      for (const line of stderr.split('\n')) {
        if (!line.includes(MODELS_STARTED)) continue;
        resolve((JSON.parse(line) as { run: string }).run);
      }
    });
    void exited.then((code) => reject(new Error(`schedule exited (${code}) before building models:\n${stderr}`)));
  });
  return { child, exited, building, stderr: () => stderr };
}

beforeAll(async () => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'rootloop-shutdown-'));
  const world = path.join(base, 'world');
  const gen = await generateConformanceWorld(path.join(world, 'inbox'));
  const config = parseConfig({});
  await runPipeline({
    inboxDir: path.join(world, 'inbox'),
    databaseFile: path.join(world, 'w.duckdb'),
    outDir: path.join(world, 'out'),
    config,
    logger: createSilentLogger(),
    asOf: new Date(gen.meta.asOf),
  });
}, 180_000);

afterAll(() => {
  if (base && !process.env.ROOTLOOP_KEEP_TMP) fs.rmSync(base, { recursive: true, force: true });
});

describe('rootloop schedule, stopped', () => {
  it('on SIGTERM mid-step rolls the run back, releases the locks and exits 0', { timeout: 120_000 }, async () => {
    const { dir, configFile, db } = prepareCopy('sigterm');
    const dataBefore = await snapshotData(db);
    const martsBefore = hashFolder(path.join(dir, 'out', 'marts'));

    const schedule = startScheduleUntilModels(configFile);
    const runId = await schedule.building;
    schedule.child.kill('SIGTERM');
    expect(await schedule.exited, schedule.stderr()).toBe(0);

    expect(fs.existsSync(lockFileOf(db))).toBe(false);
    expect(fs.existsSync(schedulerLockFileOf(db))).toBe(false);
    expect(await snapshotData(db)).toEqual(dataBefore);
    expect(hashFolder(path.join(dir, 'out', 'marts'))).toEqual(martsBefore);
    expect(fs.readdirSync(path.join(dir, 'out')).filter((f) => f.startsWith('.'))).toEqual([]);
    const run = (await readRuns(db)).find((r) => r.run_id === runId);
    expect(run).toMatchObject({
      job: 'refresh',
      status: 'interrupted',
      error_code: 'InterruptedError',
      error_message: expect.stringMatching(/^stopped by SIGTERM( before [^;]+)?; run \S+ rolled back$/),
    });
    expect(schedule.stderr()).toContain('"msg":"interrupting the running step; the run rolls back"');
  });

  it('after kill -9 the next scheduler recovers both stale locks and logs the lost run as interrupted', { timeout: 180_000 }, async () => {
    const { dir, configFile, db } = prepareCopy('kill9');
    const schedule = startScheduleUntilModels(configFile);
    const runId = await schedule.building;
    schedule.child.kill('SIGKILL');
    await schedule.exited;
    expect(JSON.parse(fs.readFileSync(lockFileOf(db), 'utf8'))).toMatchObject({ runId, command: 'refresh' });
    expect(fs.existsSync(schedulerLockFileOf(db))).toBe(true);

    const config = parseConfig({
      paths: { inbox: path.join(dir, 'inbox'), db, out: path.join(dir, 'out') },
      schedule: { jobs: [{ name: 'refresh', cron: '0 0 1 1 *', task: 'refresh' }], catchUp: true },
    });
    const { logger, messages } = captureLogger();
    const scheduler = createScheduler({ config, logger, driver: new ManualCronDriver(), publishers: () => [], progress: false });
    await scheduler.start();
    await scheduler.idle();
    await scheduler.stop('test');

    expect(messages()).toContain('recovered a scheduler lock left by a process that is gone');
    expect(messages()).toContain('recovered a lock left by a process that is gone; its run did not land');
    const runs = await readRuns(db);
    expect(runs.find((r) => r.run_id === runId)).toMatchObject({ job: 'refresh', status: 'interrupted' });
    expect(runs.at(-1)).toMatchObject({ job: 'refresh', status: 'succeeded' });
    expect(fs.existsSync(lockFileOf(db))).toBe(false);
    expect(fs.existsSync(schedulerLockFileOf(db))).toBe(false);
    expect(await queryNumber(db, `select count(*) from raw_complaints where complaint_id = 'LATE1'`)).toBe(1);
  });
});
