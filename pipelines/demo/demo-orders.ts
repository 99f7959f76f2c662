/**
 * The shop's side of the demo world: the products file, orders per day, and each order's lines and
 * shipments, with planted story 1's breakage and story 4's duplicate order and quantity-0 line.
 */
import { formatCsvCell, type ChunkedFile } from './chunked-file.ts';
import { CARRIERS, DESTINATION_REGIONS, NEARBY_REGIONS, ORIGIN_REGIONS } from './demo-catalog.ts';
import { MINUTES_PER_DAY, findLocalDay } from './local-clock.ts';
import { drawSpreadEvent } from './spread-events.ts';
import {
  AS_OF_MINUTES,
  DAY_COUNT,
  FIRST_DAY,
  FIRST_WEEK_MINUTES,
  PLANTED,
  buildNotationMix,
  findWeekIndex,
  formatYuan,
  isAllCsv,
  openFile,
  pickNotation,
  type OrderLine,
  type Product,
  type ShipmentPlan,
  type World,
} from './demo-world-state.ts';
import { planComplaints } from './demo-complaint-plans.ts';

const ORDERS_AT_SCALE_1 = 30_000;

/** Shop orders are mostly written with an offset; some integrations send local or UTC times. */
const ORDER_NOTATIONS = buildNotationMix([
  ['offset', 0.7],
  ['naive', 0.2],
  ['utc', 0.1],
]);

/** Orders per day: weekly rhythm, mild growth, and the Singles' Day peak on 11-11. */
export function planDailyOrderCounts(scale: number): number[] {
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

/** Writes products.csv: the catalog's 120 products. */
export function writeProducts(world: World): void {
  const file = openFile(world, 'products.csv', 'sku,title,category,merchant_id');
  for (const product of world.products) {
    file.pushLine(`${product.sku},${formatCsvCell(product.title)},${product.profile.category},${product.merchantId}`);
    world.counts.products = (world.counts.products as number) + 1;
  }
}

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

/** Generates one day's orders in time order, each with its items, shipments and complaints. */
export function generateDay(world: World, day: number, orderCount: number): void {
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
