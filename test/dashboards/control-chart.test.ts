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
    ]).points;
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
    ]).points;
    expect(empty).toMatchObject({ rate: null, upper: null, lower: null, z: null, rules: [] });
  });

  it('flags a point beyond 3 sigma (rule 1)', () => {
    const weeks = Array.from({ length: 10 }, (_, i) => ({ week: `w${i}`, events: i === 9 ? 60 : 10, exposures: 1000 }));
    const { points } = computeControlChart(weeks);
    expect(points[9]!.rules).toContain(1);
    expect(points.slice(0, 9).every((p) => !p.rules.includes(1))).toBe(true);
  });

  // A history that starts with complaints still to come: 5, 20 per 1,000, then 40 steady.
  const rampedHistory = [
    { week: 'w0', events: 5, exposures: 1000 },
    { week: 'w1', events: 20, exposures: 1000 },
    { week: 'w2', events: 40, exposures: 1000 },
    { week: 'w3', events: 40, exposures: 1000 },
    { week: 'w4', events: 40, exposures: 1000 },
    { week: 'w5', events: 40, exposures: 1000 },
  ];

  it('pooled over every week, the ramp-up drags the centre down and the steady weeks signal', () => {
    // centre = 185 / 6000 = 0.0308333; σ = √(0.0308333 · 0.9691667 / 1000) = 0.0054665; w0 at z = −4.73
    const { points } = computeControlChart(rampedHistory);
    expect(points[0]!.centre).toBeCloseTo(185 / 6000, 12);
    expect(points[0]!.rules).toContain(1);
    expect(points[5]!.z).toBeCloseTo((0.04 - 185 / 6000) / Math.sqrt(((185 / 6000) * (1 - 185 / 6000)) / 1000), 9);
  });

  it('leaves the ramp-up weeks out of the centre and gives them no limits or signals', () => {
    // centre = 160 / 4000 = 0.04 exactly: the steady weeks sit on it (z = 0) and nothing signals
    const chart = computeControlChart(rampedHistory, { rampUpWeeks: 2, fromWeek: null, toWeek: null });
    expect(chart.points.map((p) => p.centre)).toEqual(Array(6).fill(0.04));
    expect(chart.points.slice(0, 2)).toMatchObject([
      { rate: 0.005, upper: null, lower: null, z: null, rules: [], isRampUp: true, inBaseline: false },
      { rate: 0.02, upper: null, lower: null, z: null, rules: [], isRampUp: true, inBaseline: false },
    ]);
    expect(chart.points.slice(2).map((p) => [p.z, p.rules, p.isRampUp, p.inBaseline])).toEqual(Array(4).fill([0, [], false, true]));
    expect(chart.points[2]!.upper).toBeCloseTo(0.04 + 3 * Math.sqrt((0.04 * 0.96) / 1000), 12);
    expect([chart.baselineFrom, chart.baselineTo]).toEqual(['w2', 'w5']);
  });

  it('pools only the configured baseline weeks and judges the others against them', () => {
    // baseline w2–w3: 80 / 2000 = 0.04; w4 and w5 are judged, not pooled
    const history = rampedHistory.map((w) => (w.week === 'w5' ? { ...w, events: 80 } : w));
    const chart = computeControlChart(history, { rampUpWeeks: 2, fromWeek: 'w2', toWeek: 'w3' });
    expect(chart.points[5]!.centre).toBeCloseTo(0.04, 12);
    expect(chart.points.map((p) => p.inBaseline)).toEqual([false, false, true, true, false, false]);
    expect(chart.points[5]!.rules).toContain(1); // 80 of 1,000 against 0.04 ± 0.0186
    expect([chart.baselineFrom, chart.baselineTo]).toEqual(['w2', 'w3']);
  });

  it('falls back to the weeks after the ramp-up, then to every week, when the baseline has no orders', () => {
    const outside = computeControlChart(rampedHistory, { rampUpWeeks: 2, fromWeek: 'w9', toWeek: 'w9' });
    expect(outside.points[0]!.centre).toBeCloseTo(0.04, 12);
    expect([outside.baselineFrom, outside.baselineTo]).toEqual(['w2', 'w5']);
    // a history no longer than its ramp-up: the centre of all of it, and no limits anywhere
    const short = computeControlChart(rampedHistory.slice(0, 2), { rampUpWeeks: 4, fromWeek: null, toWeek: null });
    expect(short.points[0]!.centre).toBeCloseTo(25 / 2000, 12);
    expect(short.points.every((p) => p.upper === null && p.rules.length === 0)).toBe(true);
    expect(computeControlChart([], { rampUpWeeks: 4, fromWeek: null, toWeek: null })).toEqual({ points: [], baselineFrom: null, baselineTo: null });
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
