/**
 * One helpdesk record per complaint plan: channel, text, severity, first response on the SLA clock
 * (planted story 3), the keys it carries, how it settles, and the weekly drop it goes to (story 5).
 */
import type { CauseCode, Channel, Severity } from '../../models/entities.ts';
import { CARRIERS } from './demo-catalog.ts';
import { COMPLAINT_TEXTS, LATE_AND_BROKEN_TEXTS, OVERCLAIM_TEXTS, SAFETY_TEXTS, renderComplaintText, type Language } from './complaint-texts.ts';
import { MINUTES_PER_DAY, addBusinessMinutes } from './local-clock.ts';
import { buildCumulative } from './seeded-random.ts';
import {
  AS_OF_MINUTES,
  PLANTED,
  WEEK_COUNT,
  buildNotationMix,
  findWeekIndex,
  pickNotation,
  type ComplaintPlan,
  type ComplaintRecord,
  type OrderLine,
  type OrderPlan,
  type World,
} from './demo-world-state.ts';
import { findComplaintDrop, formatComplaintCsv, formatComplaintJson } from './demo-complaint-drops.ts';
import { BAD_ROW_AFTER_LINES, writePlantedBadComplaint } from './demo-bad-complaints.ts';

/** Helpdesk exports: one notation per row, minutes with or without seconds. */
const COMPLAINT_NOTATIONS = buildNotationMix([
  ['offset', 0.45],
  ['utc', 0.2],
  ['naive', 0.2],
  ['offsetShort', 0.08],
  ['naiveShort', 0.07],
]);

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

/** Fills in and writes the helpdesk record of one planned complaint, unless it opens after as_of. */
export function writeComplaint(world: World, order: OrderPlan, plan: ComplaintPlan): void {
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
  // Agents grade crisis only what names a hazard (the safety texts above): a late parcel graded crisis
  // filled the review's crisis list with complaints nobody would call one.
  const draw = random.next();
  if (CARRIER_CAUSES.has(cause)) return draw < 0.3 ? 'general' : draw < 0.75 ? 'important' : 'major';
  return draw < 0.52 ? 'general' : draw < 0.84 ? 'important' : 'major';
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
