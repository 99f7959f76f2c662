// The p-chart limits and Western Electric rules (dashboards/quality/control-chart.ts) and the funnel
// limits (dashboards/merchandising/funnel-limits.ts), against hand-computed values and a brute-force
// reading of the rules on seeded random series.
import { describe, expect, it } from 'vitest';
import { computeControlChart, detectRunRules, type RunRule } from '../../dashboards/quality/control-chart.ts';
import { computeFunnelLimits } from '../../dashboards/merchandising/funnel-limits.ts';

describe('computeControlChart', () => {
  it('pools the centre and widens the limits for small weeks', () => {
    // Σ events 30 / Σ exposures 3000 → p̄ = 0.01. Week A: n = 2000, σ = √(0.01·0.99/2000) = 0.0022249;
    // week B: n = 1000, σ = 0.0031464. UCL = 0.01 + 3σ.
    const [a, b] = computeControlChart([
      { week: '2026-01-05', events: 20, exposures: 2000 },
      { week: '2026-01-12', events: 10, exposures: 1000 },
    ]);
    expect(a!.centre).toBeCloseTo(0.01, 12);
    expect(a!.upper).toBeCloseTo(0.01 + 3 * Math.sqrt((0.01 * 0.99) / 2000), 12);
    expect(b!.upper).toBeCloseTo(0.01 + 3 * Math.sqrt((0.01 * 0.99) / 1000), 12);
    expect(b!.lower).toBeCloseTo(0.01 - 3 * Math.sqrt((0.01 * 0.99) / 1000), 12);
    expect(b!.upper! - b!.centre).toBeGreaterThan(a!.upper! - a!.centre);
    expect(a!.rules).toEqual([]);
  });

  it('gives weeks without orders no rate and no limits', () => {
    const [empty] = computeControlChart([
      { week: '2026-01-05', events: 3, exposures: 0 },
      { week: '2026-01-12', events: 3, exposures: 300 },
    ]);
    expect(empty).toMatchObject({ rate: null, upper: null, lower: null, z: null, rules: [] });
  });

  it('flags a point beyond 3 sigma (rule 1)', () => {
    const weeks = Array.from({ length: 10 }, (_, i) => ({ week: `w${i}`, events: i === 9 ? 60 : 10, exposures: 1000 }));
    const points = computeControlChart(weeks);
    expect(points[9]!.rules).toContain(1);
    expect(points.slice(0, 9).every((p) => !p.rules.includes(1))).toBe(true);
  });
});

/** The rules by their textbook definitions, checked by brute force over the run ending at i. */
function bruteForceRules(zs: number[], i: number): RunRule[] {
  const rules: RunRule[] = [];
  const z = zs[i]!;
  for (const side of [1, -1]) {
    if (side * z > 3) rules.push(1);
    const last = (k: number) => (i + 1 >= k ? zs.slice(i + 1 - k, i + 1) : null);
    const three = last(3);
    if (three && side * z > 2 && three.filter((v) => side * v > 2).length >= 2) rules.push(2);
    const five = last(5);
    if (five && side * z > 1 && five.filter((v) => side * v > 1).length >= 4) rules.push(3);
    const eight = last(8);
    if (eight && eight.every((v) => side * v > 0)) rules.push(4);
  }
  return rules.sort();
}

describe('detectRunRules', () => {
  it('agrees with a brute-force reading of the rules on seeded random series', () => {
    for (let seed = 1; seed <= 200; seed++) {
      let state = seed;
      const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      const drift = random() * 2 - 1;
      const zs = Array.from({ length: 20 }, () => drift + (random() * 2 - 1) * 2.5);
      for (let i = 0; i < zs.length; i++) {
        const got = [...detectRunRules(zs, i)].sort();
        if (JSON.stringify(got) !== JSON.stringify(bruteForceRules(zs, i))) throw new Error(`seed ${seed}, position ${i}: ${got} vs ${bruteForceRules(zs, i)}`);
      }
    }
  });

  it('spots 8 in a row above the centre (rule 4) only at the eighth', () => {
    const zs = [0.5, 0.4, 0.3, 0.6, 0.2, 0.5, 0.1, 0.4];
    expect(detectRunRules(zs, 6)).not.toContain(4);
    expect(detectRunRules(zs, 7)).toContain(4);
  });
});

describe('computeFunnelLimits', () => {
  it('centres on the pooled category rate and narrows with volume', () => {
    // skincare: (8 + 1 + 1) / (40 + 100 + 100) = 10 / 240.
    const limits = computeFunnelLimits([
      { category: 'skincare', orders: 40, nad_orders: 8 },
      { category: 'skincare', orders: 100, nad_orders: 1 },
      { category: 'skincare', orders: 100, nad_orders: 1 },
      { category: 'home', orders: 10, nad_orders: 0 },
    ]);
    const skincare = limits.filter((p) => p.category === 'skincare');
    expect(skincare[0]!.centre).toBeCloseTo(10 / 240, 12);
    const p0 = 10 / 240;
    const at = skincare.at(-1)!;
    expect(at.orders).toBeCloseTo(100, 9);
    expect(at.upper95).toBeCloseTo(p0 + 1.959963984540054 * Math.sqrt((p0 * (1 - p0)) / 100), 12);
    for (let k = 1; k < skincare.length; k++) expect(skincare[k]!.upper998).toBeLessThanOrEqual(skincare[k - 1]!.upper998);
    expect(limits.filter((p) => p.category === 'home').every((p) => p.upper95 === 0 && p.lower95 === 0)).toBe(true);
  });
});
