/**
 * What every part of the demo-world generator shares: the 16-week frame and its clock helpers, the
 * planted stories' parameters, the world's types (products, order and complaint plans, complaint
 * records, drop formats), the world's creation, and the small writing helpers (files, notations, yuan).
 */
import path from 'node:path';
import type { CauseCode } from '../../models/entities.ts';
import { ChunkedFile } from './chunked-file.ts';
import { CARRIERS, CATEGORIES, DESTINATION_REGIONS, findMerchantId, type CategoryProfile } from './demo-catalog.ts';
import { SAFETY_TEXTS } from './complaint-texts.ts';
import { MINUTES_PER_DAY, MINUTES_PER_WEEK, TimestampFormatter, findLocalDay, toLocalMinutes, type Notation } from './local-clock.ts';
import { SeededRandom, buildCumulative } from './seeded-random.ts';
import { createSpreadEvents, type SpreadEvents } from './spread-events.ts';

/** "Now" of the demo world: a Monday, so every one of the 16 weeks before it is complete. */
export const DEMO_AS_OF = '2026-11-16T00:00:00+08:00';
export const DEMO_FIRST_WEEK = '2026-07-27';
export const WEEK_COUNT = 16;
export const DAY_COUNT = WEEK_COUNT * 7;

export const AS_OF_MINUTES = toLocalMinutes('2026-11-16');
export const FIRST_WEEK_MINUTES = toLocalMinutes(DEMO_FIRST_WEEK);
export const FIRST_DAY = findLocalDay(FIRST_WEEK_MINUTES);

/** The 0-based week of the 16-week frame that a local-minutes instant falls in. */
export function findWeekIndex(localMinutes: number): number {
  return Math.floor((localMinutes - FIRST_WEEK_MINUTES) / MINUTES_PER_WEEK);
}

/** The planted stories' parameters, in one place. */
export const PLANTED = {
  damagedCarrier: 'HeronExpress',
  /** 0-based week indexes (weeks 4–9 of the 16) of the breakage spike. */
  badWeeks: [3, 8] as const,
  normalBreakage: 0.002,
  spikeBreakage: 0.025,
  spikeLateRate: 0.2,
  carrierActionId: 'CA-2026-004',
  overclaimingSku: 'SK-2007',
  /** The cream's listing was rewritten six weeks before as_of; NAD complaints rise from then on. */
  overclaimFrom: AS_OF_MINUTES - 42 * MINUTES_PER_DAY,
  /** Per delivered order; some complaints fall after as_of, so ~8 % of window orders show one. */
  overclaimRate: 0.12,
  slowChannel: 'email',
  /** Chance that a complaint resolved in the last week was exported once before, still in progress. */
  updateChance: 0.4,
} as const;

// ---------------------------------------------------------------------------------------------------
// types

/** The inbox's file formats (see DemoWorldOptions.formats). */
export type Formats = 'mixed' | 'csv' | 'parquet-ready';
type TextKind = 'cause' | 'overclaim' | 'safety' | 'lateAndBroken';

export interface Product {
  readonly index: number;
  readonly sku: string;
  readonly zh: string;
  readonly en: string;
  readonly title: string;
  readonly profile: CategoryProfile;
  readonly merchantId: string;
  readonly price: number;
}

export interface OrderLine {
  readonly product: Product;
  readonly quantity: number;
}

/** A parcel as generated, before it is written as a shipments row. */
export interface ShipmentPlan {
  readonly id: string;
  readonly carrierIndex: number;
  readonly shippedAt: number;
  readonly promisedAt: number;
  /** Null unless delivered before as_of. */
  readonly deliveredAt: number | null;
  readonly fate: 'delivered' | 'lost' | 'returned' | 'exception';
  readonly isLate: boolean;
  readonly isDamaged: boolean;
  readonly origin: string;
  readonly destination: string;
}

/** A generated order, as the complaint planner sees it. */
export interface OrderPlan {
  readonly id: string;
  readonly orderedAt: number;
  readonly lines: readonly OrderLine[];
  readonly totalCents: number;
  readonly shipments: readonly ShipmentPlan[];
}

/** A complaint an order draws, before its channel, text and timing are filled in. */
export interface ComplaintPlan {
  readonly causes: readonly CauseCode[];
  readonly openedAt: number;
  readonly kind: TextKind;
  readonly shipment?: ShipmentPlan;
  readonly product?: Product;
  /** The complaint must be attributable to its SKU (planted NAD complaints). */
  readonly needsSku?: boolean;
  readonly safety?: keyof typeof SAFETY_TEXTS;
}

/** One complaint version as exported by the helpdesk. */
export interface ComplaintRecord {
  complaint_id: string;
  order_id: string;
  shipment_id: string;
  sku: string;
  channel: string;
  opened_at: number;
  first_response_at: number | null;
  resolved_at: number | null;
  status: string;
  severity: string;
  cause_code: string;
  text: string;
  escalated: boolean;
  reopened_count: number;
  resolution: string;
  compensation_amount: number | null;
  csat: number | null;
  followed_up_at: number | null;
  updated_at: number;
  agent_team: string;
  notation: Notation;
}

/** The complaint export's columns, in its order; the drift between weekly drops is in demo-complaint-drops.ts. */
export const COMPLAINT_COLUMNS = [
  'complaint_id',
  'order_id',
  'shipment_id',
  'sku',
  'channel',
  'opened_at',
  'first_response_at',
  'resolved_at',
  'status',
  'severity',
  'cause_code',
  'text',
  'escalated',
  'reopened_count',
  'resolution',
  'compensation_amount',
  'csat',
  'followed_up_at',
  'updated_at',
] as const;
export type ComplaintColumn = (typeof COMPLAINT_COLUMNS)[number] | 'agent_team';

/** One weekly complaint drop (or the late `updates` drop): its file and how its rows are written. */
export interface DropFormat {
  readonly file: ChunkedFile;
  readonly week: number | 'updates';
  hasBadRow: boolean;
  readonly columns: readonly ComplaintColumn[];
  readonly json: boolean;
  readonly booleans: readonly [string, string];
}

/** The generator's state for one run: the seeded random source, the catalog's weights, open files and counters. */
export interface World {
  readonly random: SeededRandom;
  readonly formats: Formats;
  readonly scale: number;
  readonly dir: string;
  readonly time: TimestampFormatter;
  readonly files: Map<string, ChunkedFile>;
  readonly products: readonly Product[];
  readonly productCumulative: Float64Array;
  readonly merchantCatalog: Map<string, { products: Product[]; cumulative: Float64Array }>;
  readonly carrierCumulative: Float64Array;
  readonly destinationCumulative: Float64Array;
  readonly hourCumulative: Float64Array;
  readonly breakage: SpreadEvents;
  readonly notAsDescribed: SpreadEvents;
  readonly drops: Map<number | 'updates', DropFormat>;
  /** Per local day of the frame: the month files its rows go to (saves a name and a lookup per row). */
  readonly dayFiles: ({ orders: ChunkedFile; items: ChunkedFile; shipments: ChunkedFile } | undefined)[];
  readonly pickIndex: (n: number) => number;
  readonly counts: Record<string, number>;
  nextOrder: number;
  nextShipment: number;
  nextComplaint: number;
}

// ---------------------------------------------------------------------------------------------------
// setup

/** Builds the catalog and its weights; the spread-event streams take the run's first random draws. */
export function createWorld(dir: string, seed: number, scale: number, formats: Formats): World {
  const random = new SeededRandom(seed);
  const products = buildProducts();
  const merchantCatalog = new Map<string, { products: Product[]; cumulative: Float64Array }>();
  const weights = products.map((product) => product.profile.share * findPopularity(product));
  for (const product of products) {
    const entry = merchantCatalog.get(product.merchantId) ?? { products: [], cumulative: new Float64Array() };
    entry.products.push(product);
    merchantCatalog.set(product.merchantId, entry);
  }
  for (const entry of merchantCatalog.values()) entry.cumulative = buildCumulative(entry.products.map(findPopularity));
  return {
    random,
    formats,
    scale,
    dir,
    time: new TimestampFormatter(),
    files: new Map(),
    products,
    productCumulative: buildCumulative(weights),
    merchantCatalog,
    carrierCumulative: buildCumulative(CARRIERS.map((carrier) => carrier.share)),
    destinationCumulative: buildCumulative(DESTINATION_REGIONS.map(([, weight]) => weight)),
    // Orders by hour of day: quiet at night, peaking in the evening.
    hourCumulative: buildCumulative([2, 1, 0.6, 0.4, 0.3, 0.4, 0.8, 1.5, 2.5, 3.5, 4.5, 5, 5.5, 5, 4.5, 4.5, 4.5, 4.5, 5, 6, 7.5, 8.5, 7.5, 4]),
    breakage: createSpreadEvents(random, CARRIERS.length),
    notAsDescribed: createSpreadEvents(random, products.length),
    drops: new Map(),
    dayFiles: [],
    pickIndex: (n) => random.int(n),
    counts: {
      products: 0,
      orders: 0,
      order_items: 0,
      shipments: 0,
      complaints: 0,
      complaint_updates: 0,
      corrective_actions: 0,
      duplicate_rows: 0,
      bad_rows: 0,
    },
    nextOrder: 0,
    nextShipment: 0,
    nextComplaint: 0,
  };
}

function buildProducts(): Product[] {
  return CATEGORIES.flatMap((profile, categoryIndex) =>
    profile.products.map(([zh, en, price], i) => ({
      index: categoryIndex * 20 + i,
      sku: `${profile.skuPrefix}${String(i + 1).padStart(3, '0')}`,
      zh,
      en,
      title: `${zh} ${en.charAt(0).toUpperCase()}${en.slice(1)}`,
      profile,
      merchantId: findMerchantId(categoryIndex, i),
      price,
    })),
  );
}

/** Zipf-like popularity within a category; the planted cream is a bestseller so its window has enough orders. */
function findPopularity(product: Product): number {
  if (product.sku === PLANTED.overclaimingSku) return 0.5;
  const rank = (product.index * 7) % 20; // a fixed shuffle of ranks within the category
  return 1 / Math.pow(rank + 2, 0.8);
}

// ---------------------------------------------------------------------------------------------------
// files

/** The output file of that name, opened (header line first, if any) on first use. */
export function openFile(world: World, name: string, header: string | null): ChunkedFile {
  let file = world.files.get(name);
  if (!file) {
    file = new ChunkedFile(path.join(world.dir, name));
    if (header !== null) file.pushLine(header);
    world.files.set(name, file);
  }
  return file;
}

/** True unless the world mixes CSV and JSONL files. */
export function isAllCsv(world: World): boolean {
  return world.formats !== 'mixed';
}

interface NotationMix {
  readonly notations: readonly Notation[];
  readonly cumulative: Float64Array;
}

/** Weighted timestamp notations to draw from. */
export function buildNotationMix(weights: readonly (readonly [Notation, number])[]): NotationMix {
  return { notations: weights.map(([notation]) => notation), cumulative: buildCumulative(weights.map(([, weight]) => weight)) };
}

/** Draws a notation from the mix; a `parquet-ready` world always writes offsets and draws nothing. */
export function pickNotation(world: World, mix: NotationMix): Notation {
  if (world.formats === 'parquet-ready') return 'offset';
  return mix.notations[world.random.pickCumulative(mix.cumulative)] as Notation;
}

/** Cents as a yuan amount with two decimals. */
export function formatYuan(cents: number): string {
  return cents % 100 === 0 ? `${cents / 100}.00` : (cents / 100).toFixed(2);
}
