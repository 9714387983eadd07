// ExactSum: the exact sum of float64 values rounded once, to nearest with ties to even, as
// Python's math.fsum gives it. The cases straddle the midpoint between 1 and 1 + 2^-52 (the
// next float64 above 1), where adding the terms in float64 from the top would round wrongly.
import { describe, expect, test } from 'vitest';
import { canonicalPartials, ExactSum } from '../../src/metrics/exact-sum.js';

function exactSum(values: number[], start = 0): number {
  const sum = new ExactSum();
  sum.reset(start);
  for (const value of values) sum.add(value);
  return sum.value();
}

test('no terms: 0', () => {
  expect(exactSum([])).toBe(0);
});

test.each([
  // 1 + 2^-53 is the midpoint: a tie, to the even 1.
  { what: '1 + 2^-53 (a tie, to even)', values: [1, 2 ** -53], sum: 1 },
  // 2^-200 above the midpoint: rounds up, although 1 + 2^-53 alone rounds down. The three terms
  // stay three partials (2^-200 is far below 2^-53's last bit), so the top two, 1 + 2^-53, make
  // a tie that only the third decides: fsum's half-way correction. (2^-105 would not: it merges
  // with 2^-53 exactly, and the sum of the two is no tie.)
  { what: '1 + 2^-53 + 2^-200 (above the midpoint)', values: [1, 2 ** -53, 2 ** -200], sum: 1 + 2 ** -52 },
  { what: '1 + 2^-53 + 2^-105 (above the midpoint, two partials)', values: [1, 2 ** -53, 2 ** -105], sum: 1 + 2 ** -52 },
  // 2^-200 below the midpoint: rounds down.
  { what: '1 + 2^-53 - 2^-200 (below the midpoint)', values: [1, 2 ** -53, -(2 ** -200)], sum: 1 },
  // The midpoint between 1 + 2^-52 (odd) and 1 + 2^-51 (even): a tie, to 1 + 2^-51.
  { what: '1 + 2^-52 + 2^-53 (a tie, to even)', values: [1 + 2 ** -52, 2 ** -53], sum: 1 + 2 ** -51 },
  // Negative: the midpoint between -1 and -(1 + 2^-52), pushed beyond it by -2^-200, or not.
  { what: '-1 - 2^-53 - 2^-200 (beyond the midpoint)', values: [-1, -(2 ** -53), -(2 ** -200)], sum: -(1 + 2 ** -52) },
  { what: '-1 - 2^-53 + 2^-200 (short of the midpoint)', values: [-1, -(2 ** -53), 2 ** -200], sum: -1 },
  // Starting from -1, as Analysis does for |sum - 1|: 0.5 + 0.25 + 0.25 + 2^-60 - 1 = 2^-60.
  { what: 'start -1, then 0.5 + 0.25 + 0.25 + 2^-60', values: [0.5, 0.25, 0.25, 2 ** -60], start: -1, sum: 2 ** -60 },
])('$what = $sum', ({ values, start, sum }) => {
  expect(exactSum(values, start)).toBe(sum);
});

describe('canonicalPartials: one list per exact sum', () => {
  test('the same values added in different orders give the same list', () => {
    // 1 + 2^-60 + 2^-120 - 1: ExactSum keeps different partials in each order; the exact sum is
    // 2^-60 + 2^-120, whose greedy expansion is [2^-120, 2^-60] (smallest first).
    const values = [1, 2 ** -60, 2 ** -120, -1];
    const orders = [values, [...values].reverse(), [values[2], values[0], values[3], values[1]]];
    for (const order of orders) {
      const sum = new ExactSum();
      sum.reset(0);
      for (const v of order) sum.add(v);
      expect(sum.partialList()).toEqual([2 ** -120, 2 ** -60]);
    }
    expect(canonicalPartials([0.1, 0.2, -0.3])).toEqual(canonicalPartials([-0.3, 0.2, 0.1]));
  });

  test('each partial is the rounding of what the larger ones leave: 1 + 2^-53 + 2^-106', () => {
    // round(1 + 2^-53 + 2^-106) = 1 + 2^-52 (above the midpoint 1 + 2^-53), leaving
    // 2^-53 + 2^-106 - 2^-52 = -2^-53 + 2^-106, which is a double: [-2^-53 + 2^-106, 1 + 2^-52].
    expect(canonicalPartials([1, 2 ** -53, 2 ** -106])).toEqual([-(2 ** -53) + 2 ** -106, 1 + 2 ** -52]);
    expect(canonicalPartials([])).toEqual([]);
    expect(canonicalPartials([5, -5])).toEqual([]);
  });
});
