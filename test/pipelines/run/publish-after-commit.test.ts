/**
 * After the commit a run has landed: an output folder that cannot be published is reported (a
 * PublishError naming it) without rolling anything back or recording the run a second time as failed,
 * the other folders are still published, and the previous copy of the failed one stays in place.
 * Staging folders a killed run left behind are swept by the next run, and a folder caught between the
 * two renames of a publish is put back.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../pipelines/core/config.ts';
import { createSilentLogger } from '../../../pipelines/core/logger.ts';
import { createStagingFolder, publishFolder } from '../../../pipelines/core/publish.ts';
import { Warehouse } from '../../../pipelines/core/warehouse.ts';
import { runPipeline, type OutputPublisher } from '../../../pipelines/run/run-pipeline.ts';
import { collectStatus, evaluateStatusCheck } from '../../../pipelines/run/status.ts';
import { withTempDir, writeFiles } from '../../helpers/warehouse.ts';

const AS_OF = new Date('2026-11-16T00:00:00+08:00');

/** Writes `notes/run.txt`; when `failPublish`, deletes its own staging folder so the publish rename fails. */
function notesPublisher(failPublish: boolean): OutputPublisher {
  return {
    name: 'render_notes',
    target: (outDir) => path.join(outDir, 'notes'),
    async render(_warehouse, stagingDir, context) {
      fs.writeFileSync(path.join(stagingDir, 'run.txt'), context.runId);
      if (failPublish) fs.rmSync(stagingDir, { recursive: true });
    },
  };
}

describe('publishing after the commit', () => {
  it('reports a folder it could not publish, keeps its previous copy, publishes the others and records the run once', async () => {
    await withTempDir(async (dir) => {
      const inbox = path.join(dir, 'inbox');
      const out = path.join(dir, 'out');
      const databaseFile = path.join(dir, 'w.duckdb');
      writeFiles(inbox, { 'products.csv': 'sku,title,category\nA,Alpha,toys\n' });
      const run = (failPublish: boolean, files: Record<string, string> = {}) => {
        writeFiles(inbox, files);
        return runPipeline({
          inboxDir: inbox,
          databaseFile,
          outDir: out,
          config: defaultConfig(),
          logger: createSilentLogger(),
          asOf: AS_OF,
          publishers: [notesPublisher(failPublish)],
        });
      };
      const first = await run(false);
      expect(fs.readFileSync(path.join(out, 'notes', 'run.txt'), 'utf8')).toBe(first.runId);

      const failed = run(true, {
        'complaints-1.csv': 'complaint_id,channel,opened_at,status,text\nK1,chat,2026-11-04T13:00:00+08:00,open,box arrived crushed\n',
      });
      await expect(failed).rejects.toThrow(/^run \S+ landed in the database, but publishing .*notes \(.*ENOENT.*\) failed; the previous copy stays in place/);

      // the previous notes stay; the marts of the landed run are published
      expect(fs.readFileSync(path.join(out, 'notes', 'run.txt'), 'utf8')).toBe(first.runId);
      expect(fs.readFileSync(path.join(out, 'marts', 'fct_complaints.csv'), 'utf8')).toContain('K1,');
      expect(fs.readdirSync(out).filter((name) => name.includes('.staging-'))).toEqual([]);
      const w = await Warehouse.open(databaseFile, { timezone: 'Asia/Shanghai', readOnly: true, migrate: false });
      try {
        // landed once, as succeeded: no second record, no rollback
        expect(await w.all(`select status, count(*) as n from runs group by status`)).toEqual([{ status: 'succeeded', n: 2 }]);
        // … with the publish failure beside it, for status and --check
        expect(await w.all(`select error_code from runs order by started_at`)).toEqual([{ error_code: null }, { error_code: 'PublishError' }]);
        expect(await w.scalar(`select count(*) from raw_complaints`)).toBe(1);
      } finally {
        await w.close();
      }
      expect(fs.existsSync(`${databaseFile}.lock`)).toBe(false);
      const status = await collectStatus(databaseFile, defaultConfig());
      expect(evaluateStatusCheck(status, defaultConfig(), new Date())).toContainEqual(
        expect.stringMatching(/^last run \S+ landed, but: run \S+ landed in the database, but publishing/),
      );
    });
  });

  it('sweeps staging folders a killed run left, and puts back a folder caught between the two renames', async () => {
    await withTempDir(async (dir) => {
      const target = path.join(dir, 'site');
      // a kill after `site` was renamed to its retired copy and before the new one took its place
      writeFiles(path.join(dir, '.site.staging-OLD.retired'), { 'index.html': 'previous' });
      writeFiles(path.join(dir, '.site.staging-OLD'), { 'index.html': 'never committed' });
      writeFiles(path.join(dir, '.marts.staging-OTHER'), { 'x.csv': 'left by another kill' });
      const staging = createStagingFolder(target, 'NEW');
      expect(fs.readFileSync(path.join(target, 'index.html'), 'utf8')).toBe('previous');
      expect(fs.readdirSync(dir).sort()).toEqual(['.marts.staging-OTHER', '.site.staging-NEW', 'site']);
      fs.writeFileSync(path.join(staging, 'index.html'), 'new');
      publishFolder(staging, target);
      expect(fs.readFileSync(path.join(target, 'index.html'), 'utf8')).toBe('new');
      expect(fs.readdirSync(dir).sort()).toEqual(['.marts.staging-OTHER', 'site']);
      createStagingFolder(path.join(dir, 'marts'), 'NEW');
      expect(fs.readdirSync(dir).sort()).toEqual(['.marts.staging-NEW', 'site']);
    });
  });
});
