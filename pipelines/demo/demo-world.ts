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
 */
import { mkdir } from 'node:fs/promises';
import type { CauseCode, Channel, Severity } from '../../models/entities.ts';
import { formatCsvCell, type ChunkedFile } from './chunked-file.ts';
import { CARRIERS, DESTINATION_REGIONS, NEARBY_REGIONS, ORIGIN_REGIONS } from './demo-catalog.ts';
import { COMPLAINT_TEXTS, LATE_AND_BROKEN_TEXTS, OVERCLAIM_TEXTS, SAFETY_TEXTS, renderComplaintText, type Language } from './complaint-texts.ts';
import { MINUTES_PER_DAY, addBusinessMinutes, findLocalDay } from './local-clock.ts';
import { buildCumulative } from './seeded-random.ts';
import { drawSpreadEvent } from './spread-events.ts';
import {
  AS_OF_MINUTES,
  DAY_COUNT,
  DEMO_AS_OF,
  DEMO_FIRST_WEEK,
  FIRST_DAY,
  FIRST_WEEK_MINUTES,
  PLANTED,
  WEEK_COUNT,
  buildNotationMix,
  createWorld,
  findWeekIndex,
  formatYuan,
  isAllCsv,
  openFile,
  pickNotation,
  type ComplaintPlan,
  type ComplaintRecord,
  type Formats,
  type OrderLine,
  type OrderPlan,
  type Product,
  type ShipmentPlan,
  type World,
} from './demo-world-state.ts';
import { findComplaintDrop, formatComplaintCsv, formatComplaintJson } from './demo-complaint-drops.ts';
import { BAD_COMPLAINTS, BAD_ROW_AFTER_LINES, writePlantedBadComplaint } from './demo-bad-complaints.ts';
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

const ORDERS_AT_SCALE_1 = 30_000;

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

// ---------------------------------------------------------------------------------------------------
// setup

/** Orders per day: weekly rhythm, mild growth, and the Singles' Day peak on 11-11. */
function planDailyOrderCounts(scale: number): number[] {
  const weekday = [1, 0.97, 0.97, 1, 1.05, 1.12, 1.08];
  const factors = Array.from({ length: DAY_COUNT }, (_, day) => {
    const date = new Date((FIRST_DAY + day) * 86400000).toISOString().slice(5, 10);
    const peak = date === '11-11' ? 3 : date === '11-10' || date === '11-12' ? 1.5 : 1;
    return (weekday[day % 7] as number) * (1 + (0.15 * day) / DAY_COUNT) * peak;
  });
  const total = factors.reduce((a, b) => a + b, 0);
  let carry = 0;
  return factors.map((factor) => {
    const exact = (ORDERS_AT_SCALE_1 * scale * factor) / total + carry;
    const whole = Math.floor(exact);
    carry = exact - whole;
    return whole;
  });
}

// ---------------------------------------------------------------------------------------------------
// files

/** Shop orders are mostly written with an offset; some integrations send local or UTC times. */
const ORDER_NOTATIONS = buildNotationMix([
  ['offset', 0.7],
  ['naive', 0.2],
  ['utc', 0.1],
]);

/** Helpdesk exports: one notation per row, minutes with or without seconds. */
const COMPLAINT_NOTATIONS = buildNotationMix([
  ['offset', 0.45],
  ['utc', 0.2],
  ['naive', 0.2],
  ['offsetShort', 0.08],
  ['naiveShort', 0.07],
]);

function findDayFiles(world: World, localMinutes: number): { orders: ChunkedFile; items: ChunkedFile; shipments: ChunkedFile } {
  const day = findLocalDay(localMinutes);
  let files = world.dayFiles[day - FIRST_DAY];
  if (!files) {
    const month = world.time.formatDay(day).slice(0, 7);
    files = {
      orders: openFile(world, `orders-${month}.csv`, 'order_id,customer_id,ordered_at,total_amount,currency,merchant_id'),
      items: isAllCsv(world)
        ? openFile(world, `order_items-${month}.csv`, 'order_id,line_no,sku,quantity,unit_price')
        : openFile(world, `order_items-${month}.jsonl`, null),
      shipments: openFile(world, `shipments-${month}.csv`, 'shipment_id,order_id,carrier,shipped_at,promised_at,delivered_at,status,origin_region,dest_region'),
    };
    world.dayFiles[day - FIRST_DAY] = files;
  }
  return files;
}

function writeProducts(world: World): void {
  const file = openFile(world, 'products.csv', 'sku,title,category,merchant_id');
  for (const product of world.products) {
    file.pushLine(`${product.sku},${formatCsvCell(product.title)},${product.profile.category},${product.merchantId}`);
    world.counts.products = (world.counts.products as number) + 1;
  }
}

// ---------------------------------------------------------------------------------------------------
// orders, items, shipments

function generateDay(world: World, day: number, orderCount: number): void {
  const dayStart = FIRST_WEEK_MINUTES + day * MINUTES_PER_DAY;
  const minutes = new Float64Array(orderCount);
  for (let i = 0; i < orderCount; i++) {
    minutes[i] = world.random.pickCumulative(world.hourCumulative) * 60 + world.random.int(60);
  }
  minutes.sort(); // exports list orders in time order
  for (let i = 0; i < orderCount; i++) generateOrder(world, dayStart + (minutes[i] as number), day, i === 0);
}

function generateOrder(world: World, orderedAt: number, day: number, isFirstOfDay: boolean): void {
  const { random } = world;
  const id = `O${String(++world.nextOrder).padStart(8, '0')}`;
  const lines = pickOrderLines(world);
  const subtotal = lines.reduce((sum, line) => sum + line.product.price * 100 * line.quantity, 0);
  const coupon = random.chance(0.12) && subtotal > 10000 ? random.pick([500, 1000, 2000]) : 0;
  const totalCents = subtotal - coupon;
  const firstLine = lines[0] as OrderLine;

  const customerId = `C${String(random.int(Math.ceil(20_000 * world.scale)) + 1).padStart(8, '0')}`;
  const orderedText = world.time.format(orderedAt, pickNotation(world, ORDER_NOTATIONS));
  const merchantId = random.chance(0.85) ? firstLine.product.merchantId : '';
  const orderRow = `${id},${customerId},${orderedText},${formatYuan(totalCents)},CNY,${merchantId}`;
  const { orders, items } = findDayFiles(world, orderedAt);
  orders.pushLine(orderRow);
  world.counts.orders = (world.counts.orders as number) + 1;
  // Planted: an export glitch repeats one order line verbatim (an exact duplicate, skipped on load).
  if (day === 75 && isFirstOfDay && world.formats !== 'parquet-ready') {
    orders.pushLine(orderRow);
    world.counts.duplicate_rows = (world.counts.duplicate_rows as number) + 1;
  }

  writeOrderItems(world, items, id, lines, day === 40 && isFirstOfDay);
  const shipments = planShipments(world, orderedAt, lines.length);
  for (const shipment of shipments) writeShipment(world, id, shipment);
  planComplaints(world, { id, orderedAt, lines, totalCents, shipments });
}

function pickOrderLines(world: World): OrderLine[] {
  const { random } = world;
  const first = world.products[random.pickCumulative(world.productCumulative)] as Product;
  const draw = random.next();
  const lineCount = draw < 0.76 ? 1 : draw < 0.93 ? 2 : 3;
  const chosen: Product[] = [first];
  const catalog = world.merchantCatalog.get(first.merchantId);
  for (let attempt = 0; catalog && chosen.length < lineCount && attempt < 4; attempt++) {
    const candidate = catalog.products[random.pickCumulative(catalog.cumulative)] as Product;
    if (!chosen.includes(candidate)) chosen.push(candidate);
  }
  return chosen.map((product) => ({ product, quantity: pickQuantity(world, product) }));
}

function pickQuantity(world: World, product: Product): number {
  const bulky = product.profile.category === 'furniture' || product.profile.category === 'electronics';
  const draw = world.random.next();
  if (bulky) return draw < 0.96 ? 1 : 2;
  return draw < 0.8 ? 1 : draw < 0.95 ? 2 : 3;
}

function writeOrderItems(world: World, file: ChunkedFile, orderId: string, lines: readonly OrderLine[], plantZeroQuantity: boolean): void {
  const csv = isAllCsv(world);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as OrderLine;
    file.pushLine(formatOrderItem(csv, orderId, i + 1, line.product.sku, line.quantity, line.product.price));
  }
  world.counts.order_items = (world.counts.order_items as number) + lines.length;
  // Planted bad row: a cancelled line exported with quantity 0 (contract: quantity must be > 0).
  if (plantZeroQuantity && world.formats !== 'parquet-ready') {
    const first = lines[0] as OrderLine;
    file.pushLine(formatOrderItem(csv, orderId, lines.length + 1, first.product.sku, 0, first.product.price));
    world.counts.bad_rows = (world.counts.bad_rows as number) + 1;
  }
}

function formatOrderItem(csv: boolean, orderId: string, lineNo: number, sku: string, quantity: number, price: number): string {
  return csv
    ? `${orderId},${lineNo},${sku},${quantity},${price}.00`
    : `{"order_id":"${orderId}","line_no":${lineNo},"sku":"${sku}","quantity":${quantity},"unit_price":${price}}`;
}

function planShipments(world: World, orderedAt: number, lineCount: number): ShipmentPlan[] {
  const { random } = world;
  if (random.chance(0.005)) return []; // cancelled before shipping
  const parcels = lineCount > 1 && random.chance(0.12) ? 2 : 1; // split across two warehouses
  const destination = (DESTINATION_REGIONS[random.pickCumulative(world.destinationCumulative)] as readonly [string, number])[0];
  const plans: ShipmentPlan[] = [];
  for (let k = 0; k < parcels; k++) {
    const plan = planShipment(world, orderedAt, destination);
    if (plan) plans.push(plan);
  }
  return plans;
}

function planShipment(world: World, orderedAt: number, destination: string): ShipmentPlan | null {
  const { random } = world;
  let shippedAt = orderedAt + random.intBetween(180, 2400);
  const hour = Math.floor((shippedAt % MINUTES_PER_DAY) / 60);
  // Warehouses hand over between 08:00 and 22:00.
  if (hour < 8) shippedAt += (8 - hour) * 60;
  else if (hour >= 22) shippedAt += (32 - hour) * 60;
  if (shippedAt >= AS_OF_MINUTES) return null; // not shipped yet at as_of

  const carrierIndex = random.pickCumulative(world.carrierCumulative);
  const carrier = CARRIERS[carrierIndex] as (typeof CARRIERS)[number];
  const origin = random.pick(ORIGIN_REGIONS);
  const promiseDays = findPromiseDays(world, origin, destination);
  const shipDay = findLocalDay(shippedAt);
  const promisedAt = (shipDay + promiseDays) * MINUTES_PER_DAY + 21 * 60;
  const promisedWeek = findWeekIndex(promisedAt);
  const inSpike = carrier.name === PLANTED.damagedCarrier && promisedWeek >= PLANTED.badWeeks[0] && promisedWeek <= PLANTED.badWeeks[1];
  const isLate = random.chance(inSpike ? PLANTED.spikeLateRate : carrier.lateRate);
  const transitDays = isLate
    ? promiseDays + 1 + (random.chance(0.55) ? 0 : random.chance(0.6) ? 1 : 2) + (inSpike && random.chance(0.5) ? 1 : 0)
    : Math.max(1, promiseDays - random.int(promiseDays));
  const arrivesAt = (shipDay + transitDays) * MINUTES_PER_DAY + random.intBetween(7 * 60, 21 * 60 - 1);

  const draw = random.next();
  const fate = draw < 0.0035 ? 'lost' : draw < 0.0075 ? 'returned' : draw < 0.01 ? 'exception' : 'delivered';
  const deliveredAt = fate === 'delivered' && arrivesAt < AS_OF_MINUTES ? arrivesAt : null;
  return {
    id: `S${String(++world.nextShipment).padStart(8, '0')}`,
    carrierIndex,
    shippedAt,
    promisedAt,
    deliveredAt,
    fate,
    isLate,
    isDamaged: deliveredAt !== null && drawBreakage(world, carrierIndex, deliveredAt),
    origin,
    destination,
  };
}

function findPromiseDays(world: World, origin: string, destination: string): number {
  if (origin === destination) return 2;
  const near = NEARBY_REGIONS.some((group) => group.includes(origin) && group.includes(destination));
  return near ? (world.random.chance(0.5) ? 2 : 3) : world.random.chance(0.5) ? 3 : 4;
}

/** Planted story 1: the damaged carrier's breakage by week of delivery; every other carrier stays at background. */
function drawBreakage(world: World, carrierIndex: number, deliveredAt: number): boolean {
  const carrier = CARRIERS[carrierIndex] as (typeof CARRIERS)[number];
  const week = findWeekIndex(deliveredAt);
  const spike = carrier.name === PLANTED.damagedCarrier && week >= PLANTED.badWeeks[0] && week <= PLANTED.badWeeks[1];
  return spike
    ? drawSpreadEvent(world.random, world.breakage, carrierIndex, PLANTED.spikeBreakage, 0.4)
    : drawSpreadEvent(world.random, world.breakage, carrierIndex, PLANTED.normalBreakage, 0.75);
}

function findShipmentStatus(shipment: ShipmentPlan): string {
  if (shipment.fate === 'delivered') return shipment.deliveredAt === null ? 'in_transit' : 'delivered';
  const settledAt =
    shipment.fate === 'lost'
      ? shipment.promisedAt + 5 * MINUTES_PER_DAY
      : shipment.fate === 'returned'
        ? shipment.promisedAt + 3 * MINUTES_PER_DAY
        : shipment.shippedAt + 2 * MINUTES_PER_DAY;
  return settledAt < AS_OF_MINUTES ? shipment.fate : 'in_transit';
}

function writeShipment(world: World, orderId: string, shipment: ShipmentPlan): void {
  const carrier = CARRIERS[shipment.carrierIndex] as (typeof CARRIERS)[number];
  const notation = world.formats === 'parquet-ready' ? 'offset' : carrier.notation;
  const shipped = world.time.format(shipment.shippedAt, notation);
  const promised = world.time.format(shipment.promisedAt, notation);
  const delivered = shipment.deliveredAt === null ? '' : world.time.format(shipment.deliveredAt, notation);
  findDayFiles(world, shipment.shippedAt).shipments.pushLine(
    `${shipment.id},${orderId},${carrier.name},${shipped},${promised},${delivered},${findShipmentStatus(shipment)},${shipment.origin},${shipment.destination}`,
  );
  world.counts.shipments = (world.counts.shipments as number) + 1;
}

// ---------------------------------------------------------------------------------------------------
// complaints: what goes wrong with an order

/** Lists the complaints an order draws, each with its cause and when it is opened. */
function planComplaints(world: World, order: OrderPlan): void {
  const { random } = world;
  const plans: ComplaintPlan[] = [];
  for (const shipment of order.shipments) {
    const delivered = shipment.deliveredAt;
    if (shipment.isDamaged && delivered !== null) {
      const lateToo = shipment.isLate && random.chance(0.5);
      // Damage is reported soon after unpacking, always before as_of: the planted rates must hold in full.
      const openedAt = Math.min(delivered + random.intBetween(20, 30 * 60), AS_OF_MINUTES - 1);
      plans.push({
        causes: lateToo ? ['delivery_delay', 'transit_damage'] : ['transit_damage'],
        openedAt,
        kind: lateToo ? 'lateAndBroken' : 'cause',
        shipment,
      });
      if (random.chance(0.05))
        plans.push({ causes: ['transit_damage'], openedAt: Math.min(openedAt + random.intBetween(60, 600), AS_OF_MINUTES - 1), kind: 'cause', shipment });
    } else if (shipment.isLate && random.chance(0.45)) {
      plans.push({ causes: ['delivery_delay'], openedAt: shipment.promisedAt + random.intBetween(120, 2400), kind: 'cause', shipment });
    }
    if (shipment.fate === 'lost' && random.chance(0.85)) {
      plans.push({ causes: ['lost_parcel'], openedAt: shipment.promisedAt + random.intBetween(MINUTES_PER_DAY, 5 * MINUTES_PER_DAY), kind: 'cause', shipment });
    }
    if (shipment.fate === 'returned' && random.chance(0.35)) {
      plans.push({
        causes: ['refund_process'],
        openedAt: shipment.promisedAt + random.intBetween(2 * MINUTES_PER_DAY, 8 * MINUTES_PER_DAY),
        kind: 'cause',
        shipment,
      });
    }
    if (shipment.fate === 'exception' && random.chance(0.5)) {
      plans.push({
        causes: ['delivery_delay'],
        openedAt: shipment.shippedAt + random.intBetween(MINUTES_PER_DAY, 3 * MINUTES_PER_DAY),
        kind: 'cause',
        shipment,
      });
    }
    if (delivered !== null) {
      const fragile = order.lines.some((line) => line.product.profile.fragile);
      if (random.chance(fragile ? 0.006 : 0.003))
        plans.push({ causes: ['packaging'], openedAt: delivered + random.intBetween(60, 2 * MINUTES_PER_DAY), kind: 'cause', shipment });
      if (random.chance(0.007))
        plans.push({ causes: ['wrong_item'], openedAt: delivered + random.intBetween(120, 3 * MINUTES_PER_DAY), kind: 'cause', shipment });
    }
  }

  const received = order.shipments.find((shipment) => shipment.deliveredAt !== null);
  if (received && received.deliveredAt !== null) {
    const delivered = received.deliveredAt;
    for (const line of order.lines) {
      const product = line.product;
      if (drawNotAsDescribed(world, product, order.orderedAt)) {
        const overclaim = product.sku === PLANTED.overclaimingSku && order.orderedAt >= PLANTED.overclaimFrom;
        plans.push({
          causes: ['not_as_described'],
          openedAt: delivered + random.intBetween(360, 6 * MINUTES_PER_DAY),
          kind: overclaim ? 'overclaim' : 'cause',
          product,
          needsSku: overclaim,
        });
      }
      if (random.chance(product.profile.qualityRate * 1.5)) {
        const safety = product.profile.safetyRisk && random.chance(0.06) ? findSafetyKind(product) : undefined;
        plans.push({
          causes: ['quality_defect'],
          openedAt: delivered + random.intBetween(MINUTES_PER_DAY, 20 * MINUTES_PER_DAY),
          kind: safety ? 'safety' : 'cause',
          product,
          ...(safety ? { safety } : {}),
        });
      }
      if (random.chance(0.01))
        plans.push({ causes: ['customer_expectation'], openedAt: delivered + random.intBetween(120, 5 * MINUTES_PER_DAY), kind: 'cause', product });
    }
    if (random.chance(0.02))
      plans.push({ causes: ['refund_process'], openedAt: delivered + random.intBetween(4 * MINUTES_PER_DAY, 20 * MINUTES_PER_DAY), kind: 'cause' });
    if (random.chance(0.008))
      plans.push({ causes: ['service_attitude'], openedAt: delivered + random.intBetween(MINUTES_PER_DAY, 10 * MINUTES_PER_DAY), kind: 'cause' });
  }
  if (random.chance(0.012)) plans.push({ causes: ['other'], openedAt: order.orderedAt + random.intBetween(60, 12 * MINUTES_PER_DAY), kind: 'cause' });

  for (const plan of plans) writeComplaint(world, order, plan);
}

/** Planted story 2 and the background NAD rate, per delivered order line (see drawSpreadEvent). */
function drawNotAsDescribed(world: World, product: Product, orderedAt: number): boolean {
  const overclaim = product.sku === PLANTED.overclaimingSku && orderedAt >= PLANTED.overclaimFrom;
  return overclaim
    ? drawSpreadEvent(world.random, world.notAsDescribed, product.index, PLANTED.overclaimRate, 0.3)
    : drawSpreadEvent(world.random, world.notAsDescribed, product.index, product.profile.notAsDescribedRate, 0.75);
}

function findSafetyKind(product: Product): keyof typeof SAFETY_TEXTS {
  switch (product.profile.category) {
    case 'skincare':
      return 'skin';
    case 'toys':
      return 'injury';
    default:
      return 'heat';
  }
}

// ---------------------------------------------------------------------------------------------------
// complaints: one record per plan

const CHANNEL_WEIGHTS = buildCumulative([0.34, 0.14, 0.24, 0.13, 0.09, 0.06]);
const CHANNEL_ORDER: readonly Channel[] = ['chat', 'hotline', 'app', 'email', 'social', 'other'];

/** How fast each channel answers: typical share of the SLA target used, and chance of a breach. */
const CHANNEL_SERVICE: Record<Channel, { speed: number; breach: number }> = {
  chat: { speed: 0.15, breach: 0.03 },
  hotline: { speed: 0.1, breach: 0.03 },
  app: { speed: 0.4, breach: 0.07 },
  social: { speed: 0.5, breach: 0.09 },
  other: { speed: 0.5, breach: 0.1 },
  // Planted story 3: the email queue is answered the next business day or later, more often than not.
  email: { speed: 0.6, breach: 0.58 },
};

/** Contract §3 default first-response targets in minutes; crisis runs on the calendar clock. */
const SLA_TARGET_MINUTES: Record<Severity, number> = { crisis: 60, major: 120, important: 240, general: 480 };

const RESOLUTION_HOURS: Record<CauseCode, readonly [number, number]> = {
  transit_damage: [24, 120],
  delivery_delay: [2, 48],
  lost_parcel: [48, 168],
  packaging: [4, 48],
  wrong_item: [24, 120],
  not_as_described: [12, 96],
  quality_defect: [24, 168],
  service_attitude: [1, 24],
  refund_process: [24, 240],
  customer_expectation: [1, 48],
  other: [1, 24],
};

const RESOLUTIONS_BY_CAUSE: Record<CauseCode, readonly string[]> = {
  transit_damage: ['reship', 'reship', 'refund', 'refund', 'compensation', 'exchange'],
  delivery_delay: ['apology', 'apology', 'compensation', 'compensation', 'refund'],
  lost_parcel: ['reship', 'reship', 'refund'],
  packaging: ['compensation', 'apology', 'exchange'],
  wrong_item: ['exchange', 'exchange', 'reship', 'refund'],
  not_as_described: ['refund', 'refund', 'refund', 'exchange', 'compensation'],
  quality_defect: ['exchange', 'refund', 'repair', 'compensation', 'refund', 'exchange'],
  service_attitude: ['apology', 'apology', 'compensation'],
  refund_process: ['refund', 'refund', 'refund', 'apology'],
  customer_expectation: ['none', 'none', 'exchange', 'apology'],
  other: ['none', 'none', 'apology'],
};

const CARRIER_CAUSES: ReadonlySet<CauseCode> = new Set(['transit_damage', 'delivery_delay', 'lost_parcel']);
const WAREHOUSE_CAUSES: ReadonlySet<CauseCode> = new Set(['packaging', 'wrong_item']);
const PRODUCT_CAUSES: ReadonlySet<CauseCode> = new Set(['not_as_described', 'quality_defect', 'customer_expectation']);

function writeComplaint(world: World, order: OrderPlan, plan: ComplaintPlan): void {
  const { random } = world;
  const openedAt = shiftToWakingHours(world, plan.openedAt);
  if (openedAt >= AS_OF_MINUTES) return; // has not happened yet at as_of
  const cause = plan.causes[plan.causes.length - 1] as CauseCode;
  const channel = CHANNEL_ORDER[random.pickCumulative(CHANNEL_WEIGHTS)] as Channel;
  const language: Language = random.chance(0.6) ? 'zh' : 'en';
  const isSafety = plan.kind === 'safety';
  const text = writeComplaintText(world, order, plan, language, channel);

  const escalated = random.chance(
    0.04 + (cause === 'transit_damage' ? 0.08 : 0) + (cause === 'service_attitude' ? 0.1 : 0) + (isSafety ? 0.35 : 0) + (channel === 'email' ? 0.06 : 0),
  );
  const givenSeverity = pickGivenSeverity(world, cause, isSafety);
  // The severity the contract's rules give an empty one: safety words, then escalation.
  const severity: Severity = givenSeverity || (isSafety ? 'crisis' : escalated ? 'major' : 'general');
  const response = pickFirstResponse(world, channel, severity, openedAt);
  const firstResponseAt = response.at < AS_OF_MINUTES ? response.at : null;

  const id = `K${String(++world.nextComplaint).padStart(8, '0')}`;
  const attribution = pickAttribution(world, order, plan, cause);
  const isTagged = random.chance(0.5);
  const causeCodes = [...plan.causes];
  if (isTagged && response.breached && random.chance(0.15)) causeCodes.push('service_attitude'); // upset about the wait too

  const record: ComplaintRecord = {
    complaint_id: id,
    order_id: attribution.orderId,
    shipment_id: attribution.shipmentId,
    sku: attribution.sku,
    channel,
    opened_at: openedAt,
    first_response_at: firstResponseAt,
    resolved_at: null,
    status: 'open',
    severity: givenSeverity,
    cause_code: isTagged ? causeCodes.join('|') : '',
    text,
    escalated,
    reopened_count: 0,
    resolution: '',
    compensation_amount: null,
    csat: null,
    followed_up_at: null,
    updated_at: openedAt,
    agent_team: `T${random.intBetween(1, 6)}`,
    notation: pickNotation(world, COMPLAINT_NOTATIONS),
  };
  if (firstResponseAt !== null) settleComplaint(world, record, cause, order.totalCents, response.breached);
  record.updated_at = Math.max(record.opened_at, record.first_response_at ?? 0, record.resolved_at ?? 0, record.followed_up_at ?? 0, record.updated_at);
  emitComplaint(world, record);
}

/** Few people write at 3 a.m.; most night-time complaints are sent after waking up. */
function shiftToWakingHours(world: World, openedAt: number): number {
  const hour = Math.floor((openedAt % MINUTES_PER_DAY) / 60);
  return hour < 7 && world.random.chance(0.75) ? openedAt + (7 - hour) * 60 + world.random.int(180) : openedAt;
}

function writeComplaintText(world: World, order: OrderPlan, plan: ComplaintPlan, language: Language, channel: Channel): string {
  const { random } = world;
  const product = plan.product ?? (order.lines[0] as OrderLine).product;
  const profile = product.profile;
  const [partZh, partEn] = random.pick(profile.parts);
  const [claimZh, claimEn] = random.pick(profile.claims);
  const [defectZh, defectEn] = random.pick(profile.defects);
  const carrier = plan.shipment ? (CARRIERS[plan.shipment.carrierIndex] as (typeof CARRIERS)[number]).name : '快递';
  const fills = {
    product: language === 'zh' ? product.zh : product.en,
    part: language === 'zh' ? partZh : partEn,
    claim: language === 'zh' ? claimZh : claimEn,
    defect: language === 'zh' ? defectZh : defectEn,
    days: random.intBetween(2, 9),
    carrier: language === 'en' && !plan.shipment ? 'the courier' : carrier,
  };
  const bank =
    plan.kind === 'overclaim'
      ? OVERCLAIM_TEXTS
      : plan.kind === 'lateAndBroken'
        ? LATE_AND_BROKEN_TEXTS
        : plan.kind === 'safety' && plan.safety
          ? SAFETY_TEXTS[plan.safety]
          : COMPLAINT_TEXTS[plan.causes[plan.causes.length - 1] as CauseCode];
  const text = renderComplaintText(random.pick(bank[language]), language, fills, world.pickIndex);
  // Emails arrive as letters, line breaks included (quoted in CSV, as RFC 4180 allows).
  if (channel === 'email' && random.chance(0.3)) return language === 'zh' ? `您好：\n${text}\n谢谢` : `Hello,\n\n${text}\n\nRegards`;
  return text;
}

function pickGivenSeverity(world: World, cause: CauseCode, isSafety: boolean): Severity | '' {
  const { random } = world;
  if (isSafety) return random.chance(0.5) ? 'crisis' : '';
  if (!random.chance(0.85)) return ''; // left for the rules to fill
  const draw = random.next();
  if (CARRIER_CAUSES.has(cause)) return draw < 0.3 ? 'general' : draw < 0.75 ? 'important' : draw < 0.98 ? 'major' : 'crisis';
  return draw < 0.52 ? 'general' : draw < 0.84 ? 'important' : draw < 0.995 ? 'major' : 'crisis';
}

/** When the first answer comes, on the severity's SLA clock, by the channel's habits. */
function pickFirstResponse(world: World, channel: Channel, severity: Severity, openedAt: number): { at: number; breached: boolean } {
  const { random } = world;
  const target = SLA_TARGET_MINUTES[severity];
  const calendar = severity === 'crisis';
  const service = CHANNEL_SERVICE[channel];
  const breached = random.chance(service.breach);
  let minutes: number;
  if (breached && channel === 'email' && !calendar)
    minutes = random.intBetween(560, 1700); // over a business day
  else if (breached) minutes = Math.ceil(target * random.between(1.1, 3));
  else minutes = Math.max(1, Math.floor(target * Math.min(0.95, service.speed * random.between(0.2, 1.8))));
  return { at: calendar ? openedAt + minutes : addBusinessMinutes(openedAt, minutes), breached };
}

/** Which keys the complaint carries: agents fill what the case is about, not always everything. */
function pickAttribution(world: World, order: OrderPlan, plan: ComplaintPlan, cause: CauseCode): { orderId: string; shipmentId: string; sku: string } {
  const { random } = world;
  const multiShipment = order.shipments.length > 1;
  const distinctSkus = new Set(order.lines.map((line) => line.product.sku)).size;
  const firstSku = (order.lines[0] as OrderLine).product.sku;
  if (CARRIER_CAUSES.has(cause) || WAREHOUSE_CAUSES.has(cause)) {
    const carrierCase = CARRIER_CAUSES.has(cause);
    // Damage must be attributable to its shipment: an id, or an order with exactly one shipment.
    const withShipment = plan.shipment !== undefined && (multiShipment || random.chance(carrierCase ? 0.8 : 0.5));
    return {
      orderId: order.id,
      shipmentId: withShipment && plan.shipment ? plan.shipment.id : '',
      sku: random.chance(carrierCase ? 0.15 : 0.3) ? firstSku : '',
    };
  }
  if (PRODUCT_CAUSES.has(cause) && plan.product) {
    const withSku = distinctSkus > 1 ? plan.needsSku === true || random.chance(0.85) : random.chance(0.6);
    const received = order.shipments.find((shipment) => shipment.deliveredAt !== null);
    return { orderId: order.id, shipmentId: received && random.chance(0.15) ? received.id : '', sku: withSku ? plan.product.sku : '' };
  }
  // Service and general questions sometimes come without any order at hand.
  const withoutOrder = (cause === 'service_attitude' || cause === 'other') && random.chance(0.1);
  return { orderId: withoutOrder ? '' : order.id, shipmentId: '', sku: '' };
}

/** Resolution, reopening, csat and follow-up of an answered complaint, as far as as_of. */
function settleComplaint(world: World, record: ComplaintRecord, cause: CauseCode, orderTotalCents: number, breached: boolean): void {
  const { random } = world;
  const answeredAt = record.first_response_at as number;
  const [low, high] = RESOLUTION_HOURS[cause];
  let resolvedAt = answeredAt + random.intBetween(low * 60, high * 60);
  if (resolvedAt >= AS_OF_MINUTES) {
    record.status = random.chance(0.85) ? 'in_progress' : 'open';
    return;
  }
  if (random.chance(0.04)) {
    // Reopened once or twice, then resolved again unless that is still ahead at as_of.
    record.reopened_count = random.chance(0.85) ? 1 : 2;
    const reopenedAt = resolvedAt + random.intBetween(MINUTES_PER_DAY, 4 * MINUTES_PER_DAY);
    resolvedAt = reopenedAt + random.intBetween(low * 60, high * 60);
    if (resolvedAt >= AS_OF_MINUTES) {
      record.status = 'reopened';
      record.updated_at = Math.min(reopenedAt, AS_OF_MINUTES - 1);
      return;
    }
  }
  record.resolved_at = resolvedAt;
  record.status = resolvedAt + 7 * MINUTES_PER_DAY < AS_OF_MINUTES && random.chance(0.6) ? 'closed' : 'resolved';
  record.resolution = random.pick(RESOLUTIONS_BY_CAUSE[cause]);
  if (record.resolution === 'compensation') {
    record.compensation_amount =
      random.chance(0.5) || orderTotalCents === 0 ? random.pick([1000, 2000, 3000, 5000]) : Math.round(orderTotalCents * random.between(0.1, 0.3));
  }
  if (random.chance(0.45)) {
    const base = (breached ? 2.6 : 4.1) - (cause === 'service_attitude' ? 0.8 : cause === 'refund_process' || cause === 'transit_damage' ? 0.3 : 0);
    record.csat = Math.min(5, Math.max(1, Math.round(base + random.between(-1.2, 1.2))));
  }
  if (random.chance(0.3)) {
    const followedUpAt = resolvedAt + random.intBetween(20 * 60, 96 * 60);
    if (followedUpAt < AS_OF_MINUTES) record.followed_up_at = followedUpAt;
  }
}

/**
 * Writes the complaint into the weekly drop of its last change. Planted story 5: some complaints resolved
 * in the last week were exported once before, still in progress; their final version comes in the late
 * `-updates` drop, with a later updated_at.
 */
function emitComplaint(world: World, record: ComplaintRecord): void {
  world.counts.complaints = (world.counts.complaints as number) + 1;
  const lastWeek = WEEK_COUNT - 1;
  const answeredWeek = record.first_response_at === null ? -1 : findWeekIndex(record.first_response_at);
  const isUpdated =
    record.resolved_at !== null &&
    findWeekIndex(record.resolved_at) === lastWeek &&
    (answeredWeek === lastWeek - 1 || answeredWeek === lastWeek - 2) &&
    world.random.chance(PLANTED.updateChance);
  if (!isUpdated) {
    writeComplaintRow(world, findWeekIndex(record.updated_at), record);
    return;
  }
  const earlier: ComplaintRecord = {
    ...record,
    resolved_at: null,
    status: 'in_progress',
    reopened_count: 0,
    resolution: '',
    compensation_amount: null,
    csat: null,
    followed_up_at: null,
    updated_at: record.first_response_at as number,
  };
  writeComplaintRow(world, answeredWeek, earlier);
  writeComplaintRow(world, 'updates', record);
  world.counts.complaint_updates = (world.counts.complaint_updates as number) + 1;
}

function writeComplaintRow(world: World, drop: number | 'updates', record: ComplaintRecord): void {
  const format = findComplaintDrop(world, drop);
  format.file.pushLine(format.json ? formatComplaintJson(world, record) : formatComplaintCsv(world, record, format));
  if (format.file.lines === BAD_ROW_AFTER_LINES && typeof drop === 'number') writePlantedBadComplaint(world, drop);
}
