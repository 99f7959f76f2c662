/**
 * Helpers for scheduler tests: a cron driver fired by hand, a tiny inbox, configs with their paths in a
 * temporary folder, a stand-in report publisher, publishers that block or fail on demand, and
 * snapshots of the marts folder and of the warehouse's data tables.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseConfig, type Config } from '../../pipelines/core/config.ts';
import { RootloopError } from '../../pipelines/core/errors.ts';
import { Warehouse } from '../../pipelines/core/warehouse.ts';
import type { OutputPublisher } from '../../pipelines/run/run-pipeline.ts';
import type { CronDriver } from '../../pipelines/scheduling/cron.ts';
import type { JobOutcome, Scheduler, SchedulerEvents } from '../../pipelines/scheduling/scheduler.ts';
import { latestCompleteWeek } from '../../pipelines/scheduling/zoned-time.ts';
import { writeFiles } from '../helpers/warehouse.ts';

/** A cron driver whose ticks the test fires. */
export class ManualCronDriver implements CronDriver {
  private readonly ticks = new Map<string, (at: Date) => void>();
  schedule(job: { name: string }, onTick: (at: Date) => void) {
    this.ticks.set(job.name, onTick);
    return { stop: () => void this.ticks.delete(job.name) };
  }
  fire(jobName: string, at = new Date()): void {
    const tick = this.ticks.get(jobName);
    if (!tick) throw new Error(`no ticking job ${jobName}`);
    tick(at);
  }
  get scheduled(): string[] {
    return [...this.ticks.keys()];
  }
}

/**
 * Two carriers' worth of a world small enough to run in about a second: Heron delivers 10 parcels in
 * the week of 2026-03-02, all with a transit-damage complaint (flagged: Wilson low ≈ 722 per 1,000);
 * the chat complaints are never answered (SLA breach rate 1.0).
 */
export function writeTinyInbox(inbox: string): void {
  const orders = ['order_id,customer_id,ordered_at,total_amount'];
  const items = ['order_id,line_no,sku,quantity,unit_price'];
  const shipments = ['shipment_id,order_id,carrier,shipped_at,promised_at,delivered_at,status'];
  const complaints = ['complaint_id,order_id,shipment_id,channel,opened_at,status,cause_code,text'];
  for (let i = 1; i <= 10; i++) {
    orders.push(`O${i},C${i},2026-03-02T10:00:00+08:00,10`);
    items.push(`O${i},1,LAMP,1,10`);
    shipments.push(`S${i},O${i},Heron,2026-03-03T10:00:00+08:00,2026-03-06T10:00:00+08:00,2026-03-04T10:00:00+08:00,delivered`);
    complaints.push(`K${i},O${i},S${i},chat,2026-03-04T12:00:00+08:00,open,transit_damage,arrived broken`);
  }
  writeFiles(inbox, {
    'products-1.csv': 'sku,title,category\nLAMP,Desk lamp,home\n',
    'orders-1.csv': orders.join('\n') + '\n',
    'order_items-1.csv': items.join('\n') + '\n',
    'shipments-1.csv': shipments.join('\n') + '\n',
    'complaints-1.csv': complaints.join('\n') + '\n',
  });
}

/** A config whose inbox, database and outputs live in `dir`. */
export function makeConfig(dir: string, overrides: Record<string, unknown> = {}): Config {
  const { schedule, alerts, ...rest } = overrides as { schedule?: Record<string, unknown>; alerts?: Record<string, unknown> };
  return parseConfig({
    language: 'en',
    paths: { inbox: path.join(dir, 'inbox'), db: path.join(dir, 'w.duckdb'), out: path.join(dir, 'out') },
    schedule: {
      jobs: [
        { name: 'refresh', cron: '*/15 * * * *', task: 'refresh' },
        { name: 'weekly-review', cron: '0 8 * * 1', task: 'weekly_review' },
      ],
      retryBaseMs: 5,
      retryMaxMs: 20,
      catchUp: false,
      ...schedule,
    },
    ...(alerts ? { alerts } : {}),
    ...rest,
  });
}

/** A 1×1 transparent PNG. */
export const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

/** Stands in for the report publisher: OUT/report/weekly-review-WEEK.md, .html and a chart the HTML shows, for the latest complete week. */
export function fakeReportPublisher(): OutputPublisher {
  return {
    name: 'report',
    target: (outDir) => path.join(outDir, 'report'),
    async render(warehouse, stagingDir, context) {
      const week = latestCompleteWeek(context.asOf, context.config.timezone);
      const complaints = await warehouse.scalar('select count(*) from fct_complaints');
      fs.writeFileSync(path.join(stagingDir, `weekly-review-${week}.md`), `# Weekly review, week of ${week}\n\nComplaints to date: ${complaints}\n`);
      fs.writeFileSync(
        path.join(stagingDir, `weekly-review-${week}.html`),
        `<h1>Weekly review, week of ${week}</h1><p>Complaints to date: ${complaints}</p><img src="weekly-review-${week}-pareto.png" alt="Pareto">`,
      );
      fs.writeFileSync(path.join(stagingDir, `weekly-review-${week}-pareto.png`), PNG_1X1);
    },
  };
}

/** A publisher that holds its run until `release()` (to keep a job running). */
export function blockingPublisher(): OutputPublisher & { release(): void; entered: Promise<void> } {
  let release!: () => void;
  let entered!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const enteredPromise = new Promise<void>((resolve) => (entered = resolve));
  return {
    name: 'blocking',
    target: (outDir) => path.join(outDir, 'blocking'),
    async render() {
      entered();
      await gate;
    },
    release,
    entered: enteredPromise,
  };
}

/** A publisher that fails with a transient (retryable) error its first `times` renders. */
export function flakyPublisher(times: number): OutputPublisher & { calls: number } {
  const publisher = {
    name: 'flaky',
    calls: 0,
    target: (outDir: string) => path.join(outDir, 'flaky'),
    async render(_w: Warehouse, stagingDir: string) {
      publisher.calls++;
      if (publisher.calls <= times) throw new RootloopError('SourceError', `report store timed out (call ${publisher.calls})`, { retryable: true });
      fs.writeFileSync(path.join(stagingDir, 'ok.txt'), 'ok');
    },
  };
  return publisher;
}

/** sha256 of every file of a folder, by relative name. */
export function hashFolder(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(dir)) return out;
  for (const name of fs.readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    if (fs.statSync(file).isFile()) out[name] = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  }
  return out;
}

const DATA_TABLES = [
  'ingested_files',
  'quarantine',
  'raw_orders',
  'raw_order_items',
  'raw_shipments',
  'raw_products',
  'raw_complaints',
  'fct_complaints',
  'mart_carrier_weekly',
  'mart_sla_weekly',
];

/** Content fingerprints of the data tables (not the run log): row count and an order-free sum of row hashes. */
export async function snapshotData(databaseFile: string): Promise<Record<string, string>> {
  const w = await Warehouse.open(databaseFile, { timezone: 'Asia/Shanghai', readOnly: true, migrate: false });
  try {
    const snapshot: Record<string, string> = {};
    for (const table of DATA_TABLES)
      snapshot[table] = String(
        await w.one<{ h: string }>(`select count(*)::varchar || ':' || coalesce(sum(hash(t))::varchar, '0') as h from "${table}" t`).then((r) => r?.h),
      );
    return snapshot;
  } finally {
    await w.close();
  }
}

/** One number from a read-only query of a warehouse file. */
export async function queryNumber(databaseFile: string, sql: string): Promise<number> {
  const w = await Warehouse.open(databaseFile, { timezone: 'Asia/Shanghai', readOnly: true, migrate: false });
  try {
    return await w.scalar(sql);
  } finally {
    await w.close();
  }
}

export async function readRuns(
  databaseFile: string,
): Promise<{ run_id: string; job: string; status: string; error_code: string | null; error_message: string | null }[]> {
  const w = await Warehouse.open(databaseFile, { timezone: 'Asia/Shanghai', readOnly: true, migrate: false });
  try {
    return await w.all(`select run_id, job, status, error_code, error_message from runs order by started_at, run_id`);
  } finally {
    await w.close();
  }
}

/** The next event of a kind (optionally matching), as a promise. */
export function nextEvent<E extends keyof SchedulerEvents>(
  scheduler: Scheduler,
  event: E,
  match: (payload: SchedulerEvents[E]) => boolean = () => true,
): Promise<SchedulerEvents[E]> {
  return new Promise((resolve) => {
    const listener = (payload: SchedulerEvents[E]) => {
      if (!match(payload)) return;
      scheduler.off(event, listener);
      resolve(payload);
    };
    scheduler.on(event, listener);
  });
}

export function collectOutcomes(scheduler: Scheduler): JobOutcome[] {
  const outcomes: JobOutcome[] = [];
  scheduler.on('job:finished', (o) => outcomes.push(o));
  return outcomes;
}
