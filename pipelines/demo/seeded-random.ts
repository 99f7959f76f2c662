/**
 * A small seeded PRNG (mulberry32) so the demo world is byte-identical for a given seed: no
 * Math.random(), no clock. Fast enough for the hundreds of millions of draws of a scale-250 world.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Integer in [low, high], both included. */
  intBetween(low: number, high: number): number {
    return low + Math.floor(this.next() * (high - low + 1));
  }

  /** Uniform in [low, high). */
  between(low: number, high: number): number {
    return low + this.next() * (high - low);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Index drawn from a cumulative weight table (last entry = total). */
  pickCumulative(cumulative: Float64Array): number {
    const target = this.next() * (cumulative[cumulative.length - 1] as number);
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((cumulative[mid] as number) > target) high = mid;
      else low = mid + 1;
    }
    return low;
  }
}

/** Cumulative sums of weights, for SeededRandom.pickCumulative. */
export function buildCumulative(weights: readonly number[]): Float64Array {
  const cumulative = new Float64Array(weights.length);
  let sum = 0;
  weights.forEach((weight, i) => {
    sum += weight;
    cumulative[i] = sum;
  });
  return cumulative;
}
