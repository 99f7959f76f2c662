/**
 * The demo's planted stories, end to end through the real pipeline (issue 3 and 4): the damaged carrier
 * is flagged and then recovers after its corrective action, which is judged effective; the
 * over-claiming SKU is the only listing flagged; the weekly review names all three with the marts'
 * numbers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../pipelines/core/config.ts';
import { createSilentLogger } from '../../pipelines/core/logger.ts';
import { Warehouse } from '../../pipelines/core/warehouse.ts';
import { writeDemoWorld, type DemoWorldSummary } from '../../pipelines/demo/demo-world.ts';
import { defaultPublishers } from '../../pipelines/run/publishers.ts';
import { runPipeline } from '../../pipelines/run/run-pipeline.ts';
import { withTempDir } from '../helpers/warehouse.ts';

interface CarrierWeek {
  carrier: string;
  week: string;
  flagged: boolean;
}

let world: DemoWorldSummary;
let carrierWeeks: CarrierWeek[];
let flaggedSkus: string[];
let action: Record<string, unknown>;
let listing: Record<string, unknown>;
let review: string;
let martColumnTypes: { mart: string; column: string; type: string }[];

beforeAll(async () => {
  await withTempDir(async (dir) => {
    world = await writeDemoWorld({ dir: path.join(dir, 'inbox') });
    const db = path.join(dir, 'w.duckdb');
    const out = path.join(dir, 'out');
    await runPipeline({
      inboxDir: path.join(dir, 'inbox'),
      databaseFile: db,
      outDir: out,
      config: defaultConfig(),
      logger: createSilentLogger(),
      asOf: new Date(world.asOf),
      publishers: defaultPublishers(),
    });
    const w = await Warehouse.open(db, { timezone: 'Asia/Shanghai', readOnly: true, migrate: false });
    try {
      carrierWeeks = await w.all<CarrierWeek>(`select carrier, strftime(week, '%Y-%m-%d') as week, flagged from mart_carrier_weekly order by carrier, week`);
      flaggedSkus = (await w.all<{ sku: string }>(`select sku from mart_listing_flags where flagged order by sku`)).map((r) => r.sku);
      action = (await w.one(`select * from mart_action_effectiveness where action_id = $1`, [world.planted.carrierActionId]))!;
      listing = (await w.one(`select * from mart_listing_flags where sku = $1`, [world.planted.overclaimingSku]))!;
    } finally {
      await w.close();
    }
    // The exported Parquet files' column types, read back.
    const reader = await Warehouse.open(':memory:', { timezone: 'Asia/Shanghai' });
    try {
      martColumnTypes = [];
      for (const file of fs.readdirSync(path.join(out, 'marts')).filter((f) => f.endsWith('.parquet'))) {
        const columns = await reader.all<{ column_name: string; column_type: string }>(
          `describe select * from read_parquet('${path.join(out, 'marts', file)}')`,
        );
        martColumnTypes.push(...columns.map((c) => ({ mart: file.replace('.parquet', ''), column: c.column_name, type: c.column_type })));
      }
    } finally {
      await reader.close();
    }
    const reports = fs.readdirSync(path.join(out, 'report')).filter((f) => /^weekly-\d{4}-\d{2}-\d{2}\.md$/.test(f));
    expect(reports).toHaveLength(1);
    review = fs.readFileSync(path.join(out, 'report', reports[0]!), 'utf8');
  });
}, 240_000);

const count = (n: unknown) => Number(n).toLocaleString('en-US');

describe('exported mart types', () => {
  it('writes every count as an integer column in Parquet', () => {
    const counts = martColumnTypes.filter((c) => /(^|_)(exposures|events|orders|complaints|shipments)$|^(rank|responded|breached)$/.test(c.column));
    expect(counts.map((c) => `${c.mart}.${c.column}`)).toContain('mart_action_effectiveness.before_exposures');
    expect(counts.length).toBeGreaterThanOrEqual(14);
    expect(counts.filter((c) => c.type !== 'BIGINT' && c.type !== 'INTEGER')).toEqual([]);
  });
});

describe('demo world stories in the marts', () => {
  it('flags the damaged carrier for a run of weeks, then no more after its action; no other carrier', () => {
    const flagged = carrierWeeks.filter((r) => r.flagged);
    expect(new Set(flagged.map((r) => r.carrier))).toEqual(new Set([world.planted.damagedCarrier]));
    expect(flagged.length).toBeGreaterThanOrEqual(4);
    const lastFlagged = flagged
      .map((r) => r.week)
      .sort()
      .at(-1)!;
    const laterWeeks = carrierWeeks.filter((r) => r.carrier === world.planted.damagedCarrier && r.week > lastFlagged);
    expect(laterWeeks.length).toBeGreaterThanOrEqual(4); // recovered: several clean weeks to as_of
  });

  it('judges the carrier action effective', () => {
    expect(action.verdict).toBe('effective');
    expect(Number(action.after_rate)).toBeLessThan(Number(action.before_rate) / 3);
    expect(Number(action.p_value)).toBeLessThan(1e-6);
  });

  it('flags the over-claiming SKU and no other', () => {
    expect(flaggedSkus).toEqual([world.planted.overclaimingSku]);
  });

  it("the weekly review names them with the marts' numbers", () => {
    expect(review).toContain(world.planted.damagedCarrier);
    expect(review).toContain(world.planted.overclaimingSku);
    const actionLine = review.split('\n').find((line) => line.startsWith(`| ${world.planted.carrierActionId} |`));
    expect(actionLine).toBeDefined();
    expect(actionLine).toContain(`${count(action.before_events)} / ${count(action.before_exposures)}`);
    expect(actionLine).toContain(`${count(action.after_events)} / ${count(action.after_exposures)}`);
    expect(actionLine).toMatch(/有效|effective/);
    const listingLine = review.split('\n').find((line) => line.startsWith(`| ${world.planted.overclaimingSku} |`))!;
    expect(listingLine).toContain(`| ${count(listing.orders)} | ${count(listing.nad_orders)} |`);
    expect(listingLine).toContain(Number(listing.q_value).toExponential(1));
  });
});
