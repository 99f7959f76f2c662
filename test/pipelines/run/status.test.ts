/**
 * `rootloop status` on a real warehouse: the last runs (newest first), rows per table, ledger totals,
 * quarantine grouped by reason with an example, freshness per entity and when the marts were built.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig, parseConfig } from '../../../pipelines/core/config.ts';
import { createLogger } from '../../../pipelines/core/logger.ts';
import { runPipeline } from '../../../pipelines/run/run-pipeline.ts';
import { collectStatus, evaluateStatusCheck, formatStatus } from '../../../pipelines/run/status.ts';
import { withTempDir, writeFiles } from '../../helpers/warehouse.ts';

describe('status', () => {
  it('reports runs, tables, quarantine by reason, freshness and mart ages of a built warehouse', async () => {
    await withTempDir(async (dir) => {
      const inbox = path.join(dir, 'inbox');
      const databaseFile = path.join(dir, 'rootloop.duckdb');
      const config = defaultConfig();
      const logger = createLogger({ quiet: true });
      const run = (asOf: string) => runPipeline({ inboxDir: inbox, databaseFile, outDir: path.join(dir, 'out'), config, logger, asOf: new Date(asOf) });
      writeFiles(inbox, {
        'orders-1.csv': 'order_id,customer_id,ordered_at,total_amount\nO1,C1,2026-11-02T10:00:00+08:00,99\nO2,C2,2026-11-02T11:00:00+08:00,15.5\n',
        'complaints-1.csv': [
          'complaint_id,order_id,channel,opened_at,status,text',
          'K1,O1,chat,2026-11-04T13:00:00+08:00,open,box arrived crushed',
          'K2,O1,fax,2026-11-04T13:00:00+08:00,open,bad channel',
          'K3,O2,pigeon,2026-11-04T14:00:00+08:00,open,bad channel too',
          '',
        ].join('\n'),
        'shipment-notes.txt': 'not a drop',
        // a shipments drop whose only row is bad: loaded as a file, but no fresh shipment data
        'shipments-1.csv': 'shipment_id,order_id,carrier,shipped_at,promised_at,status\nS1,O1,Heron,yesterday,2026-11-06T10:00:00+08:00,delivered\n',
      });
      await run('2026-11-10T00:00:00+08:00');
      writeFiles(inbox, { 'orders-2.csv': 'order_id,customer_id,ordered_at,total_amount\nO3,C3,2026-11-05T10:00:00+08:00,20\n' });
      const second = await run('2026-11-11T00:00:00+08:00');

      const status = await collectStatus(databaseFile, config, new Date(Date.now() + 2 * 3_600_000));
      expect(status.runs.map((r) => [r.run_id, r.status])).toEqual([
        [second.runId, 'succeeded'],
        [expect.any(String), 'succeeded'],
      ]);
      expect(status.runs[0]!.as_of).toBe('2026-11-10T16:00:00.000Z');
      expect(status.tables).toEqual(
        expect.arrayContaining([
          { table: 'raw_orders', rows: 3 },
          { table: 'raw_complaints', rows: 1 },
          { table: 'quarantine', rows: 3 },
          { table: 'fct_complaints', rows: 1 },
        ]),
      );
      expect(status.files).toMatchObject({ files: 5, rows_read: 7, rows_loaded: 4, rows_quarantined: 3, rows_duplicate: 0, unrecognized: 1 });
      expect(status.unrecognisedFiles).toEqual([{ file_name: 'shipment-notes.txt', reason: expect.stringMatching(/\S/) }]);
      // Two bad channels, one reason once the quoted values are masked; the example is the latest of them,
      // with its own value (the masked reason alone could not lead anyone to the row).
      expect(status.quarantine).toEqual([
        {
          entity: 'complaints',
          reason: "channel '…' is not one of chat, hotline, app, email, social, other",
          rows: 2,
          example_file: 'complaints-1.csv',
          example_line: 4,
          example_reason: "channel 'pigeon' is not one of chat, hotline, app, email, social, other",
        },
        {
          entity: 'shipments',
          reason: "shipped_at '…' is not an ISO 8601 timestamp (e.g. 2026-11-20T14:30:00+08:00)",
          rows: 1,
          example_file: 'shipments-1.csv',
          example_line: 2,
          example_reason: "shipped_at 'yesterday' is not an ISO 8601 timestamp (e.g. 2026-11-20T14:30:00+08:00)",
        },
      ]);
      const orders = status.freshness.find((f) => f.entity === 'orders')!;
      expect(orders.age_hours).toBeGreaterThan(1.9);
      expect(orders.age_hours).toBeLessThan(2.5);
      expect(status.freshness.find((f) => f.entity === 'shipments')).toEqual({ entity: 'shipments', last_ingested_at: null, age_hours: null });
      const martAge = status.marts.find((m) => m.mart === 'mart_carrier_weekly')!;
      expect(martAge.built_at).not.toBeNull();
      expect(martAge.age_hours).toBeGreaterThan(1.9);
    });
  });

  it('shows the share of untagged complaints the text rules left other, and the ledger parts in their places', async () => {
    await withTempDir(async (dir) => {
      const inbox = path.join(dir, 'inbox');
      const databaseFile = path.join(dir, 'rootloop.duckdb');
      const config = defaultConfig();
      const opened = '2026-11-04T13:00:00+08:00';
      // 2 tagged (not counted), 3 classified by the rules, 1 left other: 1 of 4 untagged (25.0 %).
      // The ledger: 7 lines read, 6 loaded, 1 repeated verbatim (duplicate), plus 2 bad ones (quarantined).
      writeFiles(inbox, {
        'complaints-1.csv': [
          'complaint_id,channel,opened_at,status,cause_code,text',
          `T1,chat,${opened},open,packaging,thin box`,
          `T2,chat,${opened},open,wrong_item,wrong colour`,
          `R1,chat,${opened},open,,The vase arrived broken`,
          `R2,chat,${opened},open,,杯子碎了`,
          `R3,chat,${opened},open,,物流延误了三天`,
          `R3,chat,${opened},open,,物流延误了三天`,
          `U1,chat,${opened},open,,Hello`,
          `B1,fax,${opened},open,,bad channel`,
          `B2,pigeon,${opened},open,,bad channel`,
          '',
        ].join('\n'),
      });
      await runPipeline({
        inboxDir: inbox,
        databaseFile,
        outDir: path.join(dir, 'out'),
        config,
        logger: createLogger({ quiet: true }),
        asOf: new Date('2026-11-10T00:00:00+08:00'),
      });
      const status = await collectStatus(databaseFile, config);
      expect(status.untaggedLeftOther).toEqual({ untagged: 4, other: 1, share: 0.25 });
      expect(status.files).toMatchObject({ rows_read: 9, rows_loaded: 6, rows_quarantined: 2, rows_duplicate: 1 });
      const text = formatStatus(status);
      expect(text).toContain("untagged complaints left 'other' by the text rules: 1 of 4 (25.0 %)");
      expect(text).toContain('rows read 9 = loaded 6 + quarantined 2 + duplicate 1');
    });
  });

  it('calls a lock left by a process that is gone stale, and a warehouse that never loaded a row unfed', async () => {
    await withTempDir(async (dir) => {
      const inbox = path.join(dir, 'inbox');
      const databaseFile = path.join(dir, 'rootloop.duckdb');
      const config = defaultConfig();
      writeFiles(inbox, {});
      await runPipeline({ inboxDir: inbox, databaseFile, outDir: path.join(dir, 'out'), config, logger: createLogger({ quiet: true }) });
      // what a killed run leaves behind: its lock, naming a pid that no longer runs
      fs.writeFileSync(
        `${databaseFile}.lock`,
        JSON.stringify({ pid: 2 ** 22 + 17, host: os.hostname(), startedAt: '2026-12-03T01:00:00Z', runId: 'R-killed', command: 'run' }),
      );
      const status = await collectStatus(databaseFile, config, new Date());
      expect(status.lockedBy).toMatch(/^stale lock of run R-killed \(pid \d+ is gone; that run did not land/);
      expect(evaluateStatusCheck(status, config, new Date())).toContain('no data ingested yet (no file has loaded a row)');
      expect(status.unpublishedRun).toBeUndefined();
      // killed after its commit: the run is recorded, its outputs may not all be published
      const landed = status.runs[0]!.run_id;
      fs.writeFileSync(
        `${databaseFile}.lock`,
        JSON.stringify({ pid: 2 ** 22 + 17, host: os.hostname(), startedAt: '2026-12-03T01:00:00Z', runId: landed, command: 'run' }),
      );
      const afterLanding = await collectStatus(databaseFile, config, new Date());
      expect(afterLanding.lockedBy).toMatch(/it died after its run landed/);
      expect(evaluateStatusCheck(afterLanding, config, new Date())).toContain(
        `run ${landed} landed but died before publishing; OUT may be partly old until the next run publishes again`,
      );
    });
  });

  it('records a run whose inbox folder went away as failed, so --check sees it (it "succeeded" under the scheduler)', async () => {
    await withTempDir(async (dir) => {
      const inbox = path.join(dir, 'inbox');
      const databaseFile = path.join(dir, 'rootloop.duckdb');
      const config = defaultConfig();
      const logger = createLogger({ quiet: true });
      const run = () =>
        runPipeline({ inboxDir: inbox, databaseFile, outDir: path.join(dir, 'out'), config, logger, asOf: new Date('2026-11-10T00:00:00+08:00') });
      writeFiles(inbox, { 'orders-1.csv': 'order_id,customer_id,ordered_at,total_amount\nO1,C1,2026-11-02T10:00:00+08:00,99\n' });
      await run();
      fs.rmSync(inbox, { recursive: true });
      await expect(run()).rejects.toThrow(/inbox folder .* does not exist/);
      fs.writeFileSync(inbox, 'a file where the folder was');
      await expect(run()).rejects.toThrow(/is a file, not a folder/);
      const status = await collectStatus(databaseFile, config);
      expect(status.runs.map((r) => [r.status, r.error_code])).toEqual([
        ['failed', 'InputError'],
        ['failed', 'InputError'],
        ['succeeded', null],
      ]);
      // (the world holds orders only, so the feed of complaints is missing too)
      expect(evaluateStatusCheck(status, config, new Date())).toEqual([
        expect.stringMatching(/last run .* failed/),
        'the marts hold no complaint at all: has the complaints feed ever delivered?',
      ]);
      // A deployment that pulls from a system of record may have no inbox, also in a run that pulls
      // nothing itself (the scheduler's dashboards job passes no sources).
      fs.rmSync(inbox);
      const pulling = parseConfig({ sources: { postgres: { enabled: true, entities: { orders: { table: 'orders' } } } } });
      await expect(
        runPipeline({
          inboxDir: inbox,
          databaseFile,
          outDir: path.join(dir, 'out'),
          config: pulling,
          logger,
          asOf: new Date('2026-11-10T00:00:00+08:00'),
          sources: [],
        }),
      ).resolves.toMatchObject({ sourceFailures: [] });
    });
  });
});
