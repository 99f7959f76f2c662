/**
 * A p-chart of complaints per order with per-week limits, and the Western Electric run rules.
 *
 * Why a p-chart with varying limits: weekly order volume swings (promotions, holidays), and a rate
 * from a quiet week is noisier than one from a busy week; σᵢ = √(p̄(1 − p̄)/nᵢ) widens the limits exactly
 * as much as the volume warrants, so only real shifts cross them. Because the limits vary, the run rules
 * are applied to each week's standardised distance zᵢ = (pᵢ − p̄)/σᵢ rather than to the raw rate.
 * The centre p̄ is pooled over the baseline weeks (Σ complaints / Σ orders), not a mean of weekly rates.
 *
 * Why a baseline and a ramp-up: complaints arrive days to weeks after the order they are about, so the
 * first weeks of any history count only the complaints about orders inside it and read low (the demo's
 * first week: 25 per 1,000 against ~140 later). Pooled into the centre they dragged it down and every
 * later week "signalled"; as points with limits they signalled themselves. Those weeks are drawn without
 * limits or signals and left out of the centre. The baseline is the period the process was judged
 * stable over (Phase I of a control chart): by default every week after the ramp-up, or the weeks the
 * quality team names in the config after a process change.
 */

export interface ControlInput {
  week: string;
  /** Events: complaints opened in the week. */
  events: number;
  /** Exposures: orders placed in the week. */
  exposures: number;
}

export type RunRule = 1 | 2 | 3 | 4;

export interface ControlBaseline {
  /** The first weeks given: shown without limits or signals and left out of the centre. */
  rampUpWeeks: number;
  /** First and last week (inclusive) pooled into the centre; null: from the end of the ramp-up / to the last week. */
  fromWeek: string | null;
  toWeek: string | null;
}

export const NO_BASELINE: ControlBaseline = { rampUpWeeks: 0, fromWeek: null, toWeek: null };

export interface ControlPoint extends ControlInput {
  rate: number | null;
  centre: number;
  /** centre ± 3σ, clipped to [0, 1]. */
  upper: number | null;
  lower: number | null;
  z: number | null;
  /** Western Electric rules this week breaks (1: beyond 3σ; 2: 2 of 3 beyond 2σ; 3: 4 of 5 beyond 1σ; 4: 8 on one side). */
  rules: RunRule[];
  /** One of the first weeks: no limits, no signals, not in the centre. */
  isRampUp: boolean;
  /** Pooled into the centre. */
  inBaseline: boolean;
}

export interface ControlChart {
  points: ControlPoint[];
  /** The weeks the centre was pooled over (null when no week had orders). */
  baselineFrom: string | null;
  baselineTo: string | null;
}

/**
 * Control limits and run-rule signals for weeks in order. Weeks without exposures get no rate or limits.
 * The centre pools the baseline weeks; when they hold no orders (a baseline before the history, say),
 * every week after the ramp-up, and failing that every week, so a short history still has a centre.
 */
export function computeControlChart(weeks: readonly ControlInput[], baseline: ControlBaseline = NO_BASELINE): ControlChart {
  const isRampUp = (i: number) => i < baseline.rampUpWeeks;
  const candidates = [
    weeks.filter(
      (w, i) => !isRampUp(i) && (baseline.fromWeek === null || w.week >= baseline.fromWeek) && (baseline.toWeek === null || w.week <= baseline.toWeek),
    ),
    weeks.filter((_, i) => !isRampUp(i)),
    weeks,
  ];
  const pooled = candidates.find((set) => set.some((w) => w.exposures > 0)) ?? [];
  const inBaseline = new Set(pooled.map((w) => w.week));
  const totalEvents = pooled.reduce((sum, w) => sum + w.events, 0);
  const totalExposures = pooled.reduce((sum, w) => sum + w.exposures, 0);
  const centre = totalExposures > 0 ? totalEvents / totalExposures : 0;
  const points: ControlPoint[] = weeks.map((w, i) => {
    const common = { ...w, centre, rules: [] as RunRule[], isRampUp: isRampUp(i), inBaseline: inBaseline.has(w.week) };
    if (w.exposures <= 0) return { ...common, rate: null, upper: null, lower: null, z: null };
    const rate = w.events / w.exposures;
    if (isRampUp(i)) return { ...common, rate, upper: null, lower: null, z: null };
    const sigma = Math.sqrt((centre * (1 - centre)) / w.exposures);
    return {
      ...common,
      rate,
      upper: Math.min(1, centre + 3 * sigma),
      lower: Math.max(0, centre - 3 * sigma),
      z: sigma > 0 ? (rate - centre) / sigma : null,
    };
  });
  const zs = points.map((p) => p.z);
  points.forEach((point, i) => {
    point.rules = detectRunRules(zs, i);
  });
  const withOrders = pooled.filter((w) => w.exposures > 0);
  return { points, baselineFrom: withOrders[0]?.week ?? null, baselineTo: withOrders.at(-1)?.week ?? null };
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
