/**
 * Spread events: how the demo world fires rare events (parcel breakage, "not as described" complaints)
 * at a planted rate per stream, so a story's weekly rate holds for any seed.
 */
import type { SeededRandom } from './seeded-random.ts';

/**
 * Rare events at a planted rate with bounded variance: each stream accumulates its rate per trial and
 * fires when the sum passes a threshold drawn around 1. The gaps between events vary, but never so much
 * that a background week looks like a spike or a spike week like background, whatever the seed.
 */
export interface SpreadEvents {
  readonly carry: Float64Array;
  readonly threshold: Float64Array;
}

/** `streams` independent streams, each starting from a random carry and a widely drawn first threshold. */
export function createSpreadEvents(random: SeededRandom, streams: number): SpreadEvents {
  return {
    carry: Float64Array.from({ length: streams }, () => random.next()),
    threshold: Float64Array.from({ length: streams }, () => random.between(0.25, 1.75)),
  };
}

/** Adds one trial at `rate` to the stream; true when it fires, after which the next threshold is drawn within ±`spread` of 1. */
export function drawSpreadEvent(random: SeededRandom, events: SpreadEvents, stream: number, rate: number, spread: number): boolean {
  const carry = (events.carry[stream] as number) + rate;
  const threshold = events.threshold[stream] as number;
  if (carry < threshold) {
    events.carry[stream] = carry;
    return false;
  }
  events.carry[stream] = carry - threshold;
  events.threshold[stream] = random.between(1 - spread, 1 + spread);
  return true;
}
