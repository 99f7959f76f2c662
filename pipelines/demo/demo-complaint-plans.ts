/**
 * What goes wrong with an order: the complaints a generated order draws (causes, when each is opened,
 * which text bank it is written from), planted story 2's "not as described" complaints among them.
 */
import { SAFETY_TEXTS } from './complaint-texts.ts';
import { MINUTES_PER_DAY } from './local-clock.ts';
import { drawSpreadEvent } from './spread-events.ts';
import { AS_OF_MINUTES, PLANTED, type ComplaintPlan, type OrderPlan, type Product, type World } from './demo-world-state.ts';
import { writeComplaint } from './demo-complaints.ts';

/** Lists the complaints an order draws, each with its cause and when it is opened. */
export function planComplaints(world: World, order: OrderPlan): void {
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
