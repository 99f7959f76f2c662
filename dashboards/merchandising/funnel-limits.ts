/**
 * Funnel-plot limits for a rate against volume: around a category's pooled rate p₀, the limits at n
 * orders are p₀ ± z·√(p₀(1 − p₀)/n) (normal approximation, clipped to [0, 1]) for z = 1.96 (95 %) and
 * 3.09 (99.8 %). Drawn as curves over a geometric grid of n, they show at a glance how far above its
 * category a listing of a given size must be before it is more than noise.
 */

export interface FunnelSource {
  category: string;
  orders: number;
  nad_orders: number;
}

export interface FunnelLimitPoint {
  category: string;
  orders: number;
  centre: number;
  upper95: number;
  lower95: number;
  upper998: number;
  lower998: number;
}

const Z95 = 1.959963984540054;
const Z998 = 3.090232306167813;

/** Limit curves per category, over orders from 1 (or the smallest SKU) to the largest SKU. */
export function computeFunnelLimits(rows: readonly FunnelSource[], steps = 40): FunnelLimitPoint[] {
  const byCategory = new Map<string, { orders: number; events: number; min: number; max: number }>();
  for (const row of rows) {
    const entry = byCategory.get(row.category) ?? { orders: 0, events: 0, min: Infinity, max: 0 };
    entry.orders += row.orders;
    entry.events += row.nad_orders;
    entry.min = Math.min(entry.min, row.orders);
    entry.max = Math.max(entry.max, row.orders);
    byCategory.set(row.category, entry);
  }
  const points: FunnelLimitPoint[] = [];
  for (const [category, entry] of [...byCategory].sort(([a], [b]) => a.localeCompare(b))) {
    if (entry.orders === 0) continue;
    const centre = entry.events / entry.orders;
    const low = Math.max(1, Math.min(entry.min, 10));
    const high = Math.max(entry.max, low + 1);
    for (let k = 0; k <= steps; k++) {
      const orders = low * Math.pow(high / low, k / steps);
      const sigma = Math.sqrt((centre * (1 - centre)) / orders);
      points.push({
        category,
        orders,
        centre,
        upper95: Math.min(1, centre + Z95 * sigma),
        lower95: Math.max(0, centre - Z95 * sigma),
        upper998: Math.min(1, centre + Z998 * sigma),
        lower998: Math.max(0, centre - Z998 * sigma),
      });
    }
  }
  return points;
}
