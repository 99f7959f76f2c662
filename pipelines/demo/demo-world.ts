/**
 * The demo world: a seeded, realistic e-commerce inbox (CONTRACT §2) over 16 ISO weeks ending at
 * 2026-11-16 00:00 Asia/Shanghai, with known stories planted for the marts to find:
 *
 * 1. HeronExpress breaks ~25 per 1,000 delivered parcels in weeks 4–9 (and runs late more often); a
 *    corrective action implemented at the start of week 10 brings it back to ~2 per 1,000.
 * 2. The face cream SK-2007 over-claims ("显著抗皱效果"): ~8 % of its orders in the last 28 days draw
 *    "not as described" complaints while other skincare SKUs stay near 0.5 %.
 * 3. The email channel answers slowly (often after more than a business day).
 * 4. A handful of rows break the contract (unknown channel, unparseable time, missing key, quantity 0,
 *    unknown cause code, wrong number of CSV fields) so the quarantine has something to show.
 * 5. A late drop updates some complaints (same id, later updated_at) so upserts show.
 *
 * Rows are streamed to disk in ~1 MB chunks; nothing but small counters lives for the whole run, so a
 * scale-250 world (10 M order lines) fits in a modest heap.
 *
 * This module is the entry point and its day-by-day loop; the generators live beside it, one job each:
 * demo-world-state.ts, demo-orders.ts, demo-complaint-plans.ts, demo-complaints.ts,
 * demo-complaint-drops.ts, demo-bad-complaints.ts and demo-corrective-actions.ts.
 */
import { mkdir } from 'node:fs/promises';
import { DAY_COUNT, DEMO_AS_OF, DEMO_FIRST_WEEK, PLANTED, createWorld, type Formats } from './demo-world-state.ts';
import { generateDay, planDailyOrderCounts, writeProducts } from './demo-orders.ts';
import { BAD_COMPLAINTS, writePlantedBadComplaint } from './demo-bad-complaints.ts';
import { writeCorrectiveActions } from './demo-corrective-actions.ts';

export interface DemoWorldOptions {
  dir: string;
  seed?: number;
  scale?: number;
  /**
   * - `mixed` (default): CSV and JSONL side by side, mixed timestamp notations, schema drift between
   *   complaint drops, planted bad rows and one exact duplicate
   * - `csv`: the same world, every file CSV
   * - `parquet-ready`: every file CSV with one timestamp notation (`+08:00`), one complaint schema, no
   *   bad rows and no duplicates, so a columnar converter infers clean types; stories 1–3 and 5 remain
   */
  formats?: Formats;
}

export interface DemoWorldSummary {
  asOf: string;
  firstWeek: string;
  files: string[];
  counts: Record<string, number>;
  planted: { damagedCarrier: string; carrierActionId: string; overclaimingSku: string; slowChannel: string; badRows: number };
}

// The frame's dates are defined with the state the generator modules share; callers keep importing them from here.
export { DEMO_AS_OF, DEMO_FIRST_WEEK };

export const DEMO_DEFAULT_SEED = 20261116;

/**
 * Writes the demo world into `options.dir` (created if missing; files of the same names are replaced,
 * other files are left alone) and returns what was planted. The planted stories hold from scale 1 up.
 *
 * @example
 * const summary = await writeDemoWorld({ dir: 'out/demo/inbox' });
 * // summary.planted.damagedCarrier === 'HeronExpress'
 */
export async function writeDemoWorld(options: DemoWorldOptions): Promise<DemoWorldSummary> {
  const scale = options.scale ?? 1;
  if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`scale must be a positive number, got ${scale}`);
  await mkdir(options.dir, { recursive: true });
  const world = createWorld(options.dir, options.seed ?? DEMO_DEFAULT_SEED, scale, options.formats ?? 'mixed');
  writeProducts(world);
  const dailyOrders = planDailyOrderCounts(scale);
  for (let day = 0; day < DAY_COUNT; day++) {
    generateDay(world, day, dailyOrders[day] as number);
    await Promise.all([...world.files.values()].map((file) => file.settle()));
  }
  // A drop too small to have reached the planting point (tiny scales) still gets its bad row.
  for (const bad of BAD_COMPLAINTS) if (!world.drops.get(bad.week)?.hasBadRow) writePlantedBadComplaint(world, bad.week);
  writeCorrectiveActions(world);
  await Promise.all([...world.files.values()].map((file) => file.close()));
  return {
    asOf: DEMO_AS_OF,
    firstWeek: DEMO_FIRST_WEEK,
    files: [...world.files.keys()].sort(),
    counts: { ...world.counts },
    planted: {
      damagedCarrier: PLANTED.damagedCarrier,
      carrierActionId: PLANTED.carrierActionId,
      overclaimingSku: PLANTED.overclaimingSku,
      slowChannel: PLANTED.slowChannel,
      badRows: world.counts.bad_rows as number,
    },
  };
}
