/**
 * Reference implementations of the statistics behind the marts (CONTRACT.md section 5), for the
 * dashboards and the tests. The marts themselves are computed in SQL by the macros in
 * sql/macros/statistics.sql; test/models/statistics.test.ts keeps the two in agreement.
 *
 * Dependency-free on purpose: dashboards bundle this file as is.
 *
 * Impossible inputs (negative or fractional counts, x > n, p outside [0, 1], NaN) throw a
 * RangeError, as the SQL macros raise an error: they can only come from a bug upstream.
 */

/** The 0.975 quantile of the standard normal distribution: the z of a two-sided 95 % interval. */
export const Z_95 = 1.959963984540054;

/** A confidence interval for a proportion, as fractions in [0, 1]. */
export interface ProportionInterval {
  low: number;
  high: number;
}

/**
 * Computes the 95 % Wilson score interval for `x` events in `n` trials (mart_carrier_weekly's
 * breakage CI): with a = x + z²/2 and b = z·√(x(n − x)/n + z²/4), the interval is
 * (a ∓ b) / (n + z²). Returns null when n = 0: no trials, no interval.
 *
 * The lower bound is evaluated as x² / (n(a + b)), algebraically equal but free of the cancellation
 * in a − b for small x (exactly 0 at x = 0); the upper bound as 1 − the lower bound of n − x
 * (exactly 1 at x = n). Same formulas as the SQL macros wilson_low / wilson_high.
 */
export function computeWilsonInterval(x: number, n: number): ProportionInterval | null {
  assertCount(n, 'n');
  assertCount(x, 'x');
  if (x > n) throw new RangeError(`computeWilsonInterval: x must be <= n, got x = ${x}, n = ${n}`);
  if (n === 0) return null;
  const z2 = Z_95 * Z_95;
  const b = Z_95 * Math.sqrt((x * (n - x)) / n + z2 / 4);
  const low = (x * x) / (n * (x + z2 / 2 + b));
  const high = 1 - ((n - x) * (n - x)) / (n * (n - x + z2 / 2 + b));
  return { low: clampUnit(low), high: clampUnit(high) };
}

// W. J. Cody's rational Chebyshev coefficients for the normal distribution function (Cody 1969,
// Math. Comp. 23:631; ACM TOMS Algorithm 715, 1993), as published. Named after the ranges they serve.
const CODY_CENTRAL_NUM = [2.2352520354606839287, 161.02823106855587881, 1067.6894854603709582, 18154.981253343561249, 0.065682337918207449113] as const;
const CODY_CENTRAL_DEN = [47.20258190468824187, 976.09855173777669322, 10260.932208618978205, 45507.789335026729956] as const;
const CODY_MIDDLE_NUM = [
  0.39894151208813466764, 8.8831497943883759412, 93.506656132177855979, 597.27027639480026226, 2494.5375852903726711, 6848.1904505362823326,
  11602.651437647350124, 9842.7148383839780218, 1.0765576773720192317e-8,
] as const;
const CODY_MIDDLE_DEN = [
  22.266688044328115691, 235.38790178262499861, 1519.377599407554805, 6485.558298266760755, 18615.571640885098091, 34900.952721145977266, 38912.003286093271411,
  19685.429676859990727,
] as const;
const CODY_FAR_NUM = [
  0.21589853405795699, 0.1274011611602473639, 0.022235277870649807, 0.001421619193227893466, 2.9112874951168792e-5, 0.02307344176494017303,
] as const;
const CODY_FAR_DEN = [1.28426009614491121, 0.468238212480865118, 0.0659881378689285515, 0.00378239633202758244, 7.29751555083966205e-5] as const;
const INV_SQRT_2PI = 0.398942280401432677939946059934;
const CODY_CENTRAL_LIMIT = 0.67448975; // ≈ the 0.75 quantile
const CODY_MIDDLE_LIMIT = 5.656854249492380195206754896838; // √32

/**
 * Computes Φ(z) = P(Z <= z) for a standard normal Z, with relative error near double precision on
 * the small side down to Φ(−37.5) ≈ 1e-307 (Φ underflows to 0 below that). p-values live in the
 * lower tail, so this never forms 1 − (something close to 1) there; for an upper tail P(Z > z) call
 * computeNormalCdf(−z).
 *
 * Cody's algorithm (as in R's pnorm), three ranges of y = |z|:
 * y <= 0.67448975: Φ = 1/2 + z·R1(z²); up to √32: tail = e^(−y²/2)·R2(y); beyond:
 * tail = e^(−y²/2)·(1/√(2π) − R3(1/y²)/y²)/y; Φ = tail for z < 0, 1 − tail for z > 0.
 */
export function computeNormalCdf(z: number): number {
  if (Number.isNaN(z)) return Number.NaN;
  if (z === -Infinity) return 0;
  if (z === Infinity) return 1;
  const y = Math.abs(z);
  if (y <= CODY_CENTRAL_LIMIT) {
    const s = z * z;
    const [a0, a1, a2, a3, a4] = CODY_CENTRAL_NUM;
    const [b0, b1, b2, b3] = CODY_CENTRAL_DEN;
    const num = (((a4 * s + a0) * s + a1) * s + a2) * s + a3;
    const den = (((s + b0) * s + b1) * s + b2) * s + b3;
    return 0.5 + (z * num) / den;
  }
  let ratio: number;
  if (y <= CODY_MIDDLE_LIMIT) {
    ratio = evaluateCodyRatio(y, CODY_MIDDLE_NUM, CODY_MIDDLE_DEN);
  } else {
    const s = 1 / (y * y);
    ratio = (INV_SQRT_2PI - s * evaluateCodyRatio(s, CODY_FAR_NUM, CODY_FAR_DEN)) / y;
  }
  const tail = computeGaussianFactor(y) * ratio;
  return z < 0 ? tail : 1 - tail;
}

/**
 * Evaluates Cody's rational function in Horner form: the numerator's last coefficient leads, the
 * denominator is monic, and the final coefficients are added after the loop.
 */
function evaluateCodyRatio(t: number, num: readonly number[], den: readonly number[]): number {
  const terms = den.length; // the numerator has one coefficient more
  let n = (num[terms] ?? 0) * t;
  let d = t;
  for (let i = 0; i < terms - 1; i++) {
    n = (n + (num[i] ?? 0)) * t;
    d = (d + (den[i] ?? 0)) * t;
  }
  return (n + (num[terms - 1] ?? 0)) / (d + (den[terms - 1] ?? 0));
}

/**
 * Computes e^(−y²/2) as e^(−s²/2)·e^(−(y − s)(y + s)/2) with s = trunc(16y)/16, whose square is exact,
 * so the rounding of y² (worth ~1e-13 relative at y = 37) stays out of the exponent.
 */
function computeGaussianFactor(y: number): number {
  const s = Math.trunc(16 * y) / 16;
  return Math.exp(-0.5 * s * s) * Math.exp(-0.5 * (y - s) * (y + s));
}

/**
 * Computes the one-sided p-value of the pooled two-proportion z-test of H0: after-rate =
 * before-rate against H1: after-rate < before-rate (mart_action_effectiveness):
 * p̂ = (x_b + x_a)/(n_b + n_a), se = √(p̂(1 − p̂)(1/n_b + 1/n_a)), z = (x_a/n_a − x_b/n_b)/se,
 * p = Φ(z). Not R's prop.test, which applies a continuity correction.
 *
 * Returns 1 when neither period has an event (CONTRACT §5, even if a period is empty) or every
 * exposure is an event (se = 0: no evidence of a decrease), else null when a period has no exposures.
 */
export function computeTwoProportionPLess(xBefore: number, nBefore: number, xAfter: number, nAfter: number): number | null {
  for (const [value, name] of [
    [xBefore, 'xBefore'],
    [nBefore, 'nBefore'],
    [xAfter, 'xAfter'],
    [nAfter, 'nAfter'],
  ] as const) {
    assertCount(value, name);
  }
  if (xBefore > nBefore || xAfter > nAfter) {
    throw new RangeError(`computeTwoProportionPLess: events must be <= exposures, got ${xBefore}/${nBefore} and ${xAfter}/${nAfter}`);
  }
  const events = xBefore + xAfter;
  if (events === 0) return 1;
  if (nBefore === 0 || nAfter === 0) return null;
  const exposures = nBefore + nAfter;
  if (events === exposures) return 1;
  const pooled = events / exposures;
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / nBefore + 1 / nAfter));
  return computeNormalCdf((xAfter / nAfter - xBefore / nBefore) / se);
}

/**
 * Computes the exact upper tail P(X >= k) for X ~ Binomial(n, p) (mart_listing_flags' p_value),
 * equal to R's binom.test(k, n, p, alternative = "greater")$p.value. Returns 1 for k <= 0 and 0 for
 * k > n; then p = 0 gives 0 and p = 1 gives 1.
 *
 * Deliberately a different algorithm from the SQL macro (which sums lgamma terms), so that each
 * checks the other: one probability P(X = i0) by Loader's saddle-point formula (accurate to ~1e-14
 * relative even for n in the millions), then the neighbouring terms by the ratio
 * P(X = i + 1)/P(X = i) = (n − i)p / ((i + 1)(1 − p)), summed until they stop mattering.
 * For k above the mean the terms from k upward only decrease, so the tail is summed directly and keeps
 * its relative precision down to ~1e-300; for k at or below the mean the tail is >= 1/2 and is
 * computed as 1 − P(X <= k − 1), summing downward from k − 1.
 */
export function computeBinomialUpperTail(k: number, n: number, p: number): number {
  if (!Number.isInteger(k)) throw new RangeError(`computeBinomialUpperTail: k must be an integer, got ${k}`);
  assertCount(n, 'n');
  if (!(p >= 0 && p <= 1)) throw new RangeError(`computeBinomialUpperTail: p must be in [0, 1], got ${p}`);
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (p === 0) return 0;
  if (p === 1) return 1;
  const q = 1 - p;
  const odds = p / q;
  if (k > n * p) {
    let term = computeBinomialPmf(k, n, p);
    let sum = 0;
    for (let i = k; i <= n && term > 0; i++) {
      sum += term;
      if (term < sum * 1e-17) break;
      term *= ((n - i) / (i + 1)) * odds;
    }
    return Math.min(1, sum);
  }
  let term = computeBinomialPmf(k - 1, n, p);
  let sum = 0;
  for (let i = k - 1; i >= 0 && term > 0; i--) {
    sum += term;
    if (term < sum * 1e-17) break;
    term *= i / ((n - i + 1) * odds);
  }
  return Math.max(0, 1 - sum);
}

/**
 * Computes P(X = x) for X ~ Binomial(n, p), 0 < p < 1, by Loader's formula (C. Loader, "Fast and
 * accurate computation of binomial probabilities", 2000; the method of R's dbinom):
 * P = exp(δ(n) − δ(x) − δ(n − x) − D(x, np) − D(n − x, nq)) · √(n / (2π x (n − x))),
 * with δ the Stirling-series error and D the deviance term, both computed without cancellation, so
 * no large logarithms are subtracted.
 */
function computeBinomialPmf(x: number, n: number, p: number): number {
  const q = 1 - p;
  if (x === 0) return Math.exp(n * Math.log1p(-p));
  if (x === n) return Math.pow(p, n);
  const lc = computeStirlingError(n) - computeStirlingError(x) - computeStirlingError(n - x) - computeDeviance(x, n * p) - computeDeviance(n - x, n * q);
  return Math.exp(lc) * Math.sqrt(n / (2 * Math.PI * x * (n - x)));
}

/**
 * Computes δ(m) = ln(m!) − ln(√(2πm)·(m/e)^m) for a positive integer m. Above 15 by the Stirling
 * series (its next term is below 1e-16 there); at or below, from ln(m!) of the exact product, which
 * loses at most ~1e-14 to cancellation.
 */
function computeStirlingError(m: number): number {
  if (m > 15) {
    const inv2 = 1 / (m * m);
    return (1 / 12 - (1 / 360 - (1 / 1260 - (1 / 1680 - inv2 / 1188) * inv2) * inv2) * inv2) / m;
  }
  let factorial = 1;
  for (let i = 2; i <= m; i++) factorial *= i;
  return Math.log(factorial) - (m + 0.5) * Math.log(m) + m - 0.5 * Math.log(2 * Math.PI);
}

/**
 * Computes D(x, μ) = x ln(x/μ) + μ − x, the binomial deviance term, by a series when x is close to μ
 * (where the direct formula cancels), as in Loader (2000).
 */
function computeDeviance(x: number, mu: number): number {
  if (Math.abs(x - mu) < 0.1 * (x + mu)) {
    let v = (x - mu) / (x + mu);
    let sum = (x - mu) * v;
    let power = 2 * x * v;
    v *= v;
    for (let j = 1; j < 1000; j++) {
      power *= v;
      const next = sum + power / (2 * j + 1);
      if (next === sum) return next;
      sum = next;
    }
    return sum;
  }
  return x * Math.log(x / mu) + mu - x;
}

/**
 * Adjusts p-values by Benjamini–Hochberg (mart_listing_flags' q_value), as R's p.adjust(p, "BH"):
 * with the m non-null p-values sorted ascending, q(i) = min(1, min over j >= i of p(j)·m/j).
 * Null entries are not hypotheses: they do not count in m and stay null. Tied p-values get the same
 * q, whatever their order. The result is aligned with the input.
 */
export function adjustBenjaminiHochberg(pValues: (number | null)[]): (number | null)[] {
  const tested: { index: number; p: number }[] = [];
  pValues.forEach((p, index) => {
    if (p === null) return;
    if (!(p >= 0 && p <= 1)) throw new RangeError(`adjustBenjaminiHochberg: p-value ${index} is ${p}`);
    tested.push({ index, p });
  });
  tested.sort((a, b) => a.p - b.p);
  const adjusted: (number | null)[] = pValues.map(() => null);
  const m = tested.length;
  let runningMin = 1;
  for (let rank = m; rank >= 1; rank--) {
    const entry = tested[rank - 1];
    if (entry === undefined) continue; // unreachable: rank is within 1..m
    runningMin = Math.min(runningMin, (entry.p * m) / rank);
    adjusted[entry.index] = runningMin;
  }
  return adjusted;
}

/** Throws unless `value` is a non-negative integer count. */
function assertCount(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer count, got ${value}`);
  }
}

/** Clamps rounding overshoot back into [0, 1]. */
function clampUnit(value: number): number {
  return Math.min(1, Math.max(0, value));
}
