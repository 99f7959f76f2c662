// Impossible inputs to the reference statistics (models/statistics.ts) that the reference-value tests
// (test/models/statistics.test.ts) did not try; found by mutation. Such inputs can only come from a bug
// upstream, so each function throws a RangeError instead of returning a plausible number.
import { describe, expect, it } from 'vitest';
import { adjustBenjaminiHochberg, computeBinomialUpperTail, computeTwoProportionPLess, computeWilsonInterval } from '../../models/statistics.ts';

describe('statistics refuse impossible inputs', () => {
  it('a fractional count is no count', () => {
    expect(() => computeWilsonInterval(1.5, 10)).toThrow(/x must be a non-negative integer count, got 1.5/);
    expect(() => computeWilsonInterval(1, 10.5)).toThrow(RangeError);
    expect(() => computeTwoProportionPLess(1, 10, 0.5, 10)).toThrow(/xAfter must be a non-negative integer count/);
    expect(() => computeBinomialUpperTail(1, 9.5, 0.5)).toThrow(RangeError);
    // the same whole numbers are fine: 1 of 10 has a Wilson interval, low > 0 and high < 1
    const interval = computeWilsonInterval(1, 10)!;
    expect(interval.low).toBeGreaterThan(0);
    expect(interval.high).toBeLessThan(1);
  });

  it('a p-value above 1 is no p-value, while exactly 0 and 1 are', () => {
    expect(() => adjustBenjaminiHochberg([0.01, 1.5])).toThrow(/p-value 1 is 1.5/);
    // m = 2: q(0) = min(0 · 2/1, 1 · 2/2) = 0; q(1) = 1 · 2/2 = 1
    expect(adjustBenjaminiHochberg([0, 1])).toEqual([0, 1]);
  });
});
