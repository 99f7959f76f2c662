/**
 * A p-chart of complaints per order with per-week limits, and the Western Electric run rules.
 *
 * Why a p-chart with varying limits: weekly order volume swings (promotions, holidays), and a rate
 * from a quiet week is noisier than one from a busy week; σᵢ = √(p̄(1 − p̄)/nᵢ) widens the limits exactly
 * as much as the volume warrants, so only real shifts cross them. Because the limits vary, the run rules
 * are applied to each week's standardised distance zᵢ = (pᵢ − p̄)/σᵢ rather than to the raw rate.
 * The centre p̄ is pooled over all weeks given (Σ complaints / Σ orders), not a mean of weekly rates.
 */

export interface ControlInput {
  week: string;
  /** Events: complaints opened in the week. */
  events: number;
  /** Exposures: orders placed in the week. */
  exposures: number;
}

export type RunRule = 1 | 2 | 3 | 4;

export interface ControlPoint extends ControlInput {
  rate: number | null;
  centre: number;
  /** centre ± 3σ, clipped to [0, 1]. */
  upper: number | null;
  lower: number | null;
  z: number | null;
  /** Western Electric rules this week breaks (1: beyond 3σ; 2: 2 of 3 beyond 2σ; 3: 4 of 5 beyond 1σ; 4: 8 on one side). */
  rules: RunRule[];
}

/** Control limits and run-rule signals for weeks in order. Weeks without exposures get no rate or limits. */
export function computeControlChart(weeks: readonly ControlInput[]): ControlPoint[] {
  const totalEvents = weeks.reduce((sum, w) => sum + w.events, 0);
  const totalExposures = weeks.reduce((sum, w) => sum + w.exposures, 0);
  const centre = totalExposures > 0 ? totalEvents / totalExposures : 0;
  const points: ControlPoint[] = weeks.map((w) => {
    if (w.exposures <= 0) return { ...w, rate: null, centre, upper: null, lower: null, z: null, rules: [] };
    const rate = w.events / w.exposures;
    const sigma = Math.sqrt((centre * (1 - centre)) / w.exposures);
    return {
      ...w,
      rate,
      centre,
      upper: Math.min(1, centre + 3 * sigma),
      lower: Math.max(0, centre - 3 * sigma),
      z: sigma > 0 ? (rate - centre) / sigma : null,
      rules: [],
    };
  });
  const zs = points.map((p) => p.z);
  points.forEach((point, i) => {
    point.rules = detectRunRules(zs, i);
  });
  return points;
}

/**
 * The rules broken at position `i`, each judged on the run ending there; a week signals only when it is
 * itself on the offending side (so a signal marks the week that completed the pattern).
 */
export function detectRunRules(zs: readonly (number | null)[], i: number): RunRule[] {
  const z = zs[i];
  if (z === null || z === undefined) return [];
  const rules: RunRule[] = [];
  const side = Math.sign(z);
  const window = (length: number) => (i + 1 >= length ? zs.slice(i + 1 - length, i + 1) : null);
  const countBeyond = (values: readonly (number | null)[], limit: number) => values.filter((v) => v !== null && side * v > limit).length;
  if (Math.abs(z) > 3) rules.push(1);
  const three = window(3);
  if (three && side * z > 2 && countBeyond(three, 2) >= 2) rules.push(2);
  const five = window(5);
  if (five && side * z > 1 && countBeyond(five, 1) >= 4) rules.push(3);
  const eight = window(8);
  if (eight && side !== 0 && eight.every((v) => v !== null && Math.sign(v) === side)) rules.push(4);
  return rules;
}
