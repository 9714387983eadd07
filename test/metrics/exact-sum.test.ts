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

function partialsOf(values: number[]): number[] {
  const sum = new ExactSum();
  sum.reset(0);
  for (const value of values) sum.add(value);
  return sum.partialList();
}

test('partialList depends only on the exact sum, not on the order of the terms (a merged report equals the whole)', () => {
  // Four float32 values whose exact sum S rounds to 132703.63281574604, leaving S - that =
  // -6.139089236967266e-12, a float64 (added in the reverse order, Shewchuk's algorithm keeps
  // exactly these two partials). In this order it kept three, [1.1368683772161603e-12,
  // -7.275957614183426e-12, 132703.63281574604], of the same exact sum: the lists differed, and
  // so did the loss sums of --jobs 1 and --jobs 2 reports (test/cli/labels.test.ts). The list is
  // now canonical: the sum rounded to float64, then what is left rounded, and so on.
  const terms = [0.000002335304088774137, 82961.46875, 9.10727294467506e-7, 49742.1640625];
  const canonical = [-6.139089236967266e-12, 132703.63281574604];
  expect(partialsOf(terms)).toEqual(canonical);
  expect(partialsOf([...terms].reverse())).toEqual(canonical);
});

test('partialList: any order of the same terms gives one list, from the top the sum rounded and what is left rounded', () => {
  // Seeded terms of magnitudes 2^-20 to 2^20; before the lists were canonical, about 1 order in
  // 7000 of 2 to 4 terms gave a different list.
  let seed = 1;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const differing: string[] = [];
  for (let trial = 0; trial < 30000; trial++) {
    const terms = Array.from({ length: 2 + Math.floor(random() * 3) }, () => Math.fround(random() * 2 ** Math.floor(random() * 40 - 20)));
    const forward = partialsOf(terms);
    const backward = partialsOf([...terms].reverse());
    if (JSON.stringify(forward) !== JSON.stringify(backward)) differing.push(`${terms.join(' + ')}: ${forward.join(', ')} against ${backward.join(', ')}`);
    // The top partial is the sum rounded once (value()), and the rest sums to what it leaves.
    const sum = new ExactSum();
    sum.reset(0);
    for (const t of terms) sum.add(t);
    if (forward.at(-1) !== sum.value()) differing.push(`${terms.join(' + ')}: top partial ${forward.at(-1)}, value ${sum.value()}`);
  }
  expect(differing.slice(0, 5)).toEqual([]);
});

test('partialList of a sum beyond float64 range ends (the overflowed partial kept), and of a sum of 0 is empty', () => {
  const sum = new ExactSum();
  sum.reset(0);
  sum.add(1.5e308);
  sum.add(1.5e308); // 3e308 overflows: the partial is Infinity
  expect(sum.partialList().at(-1)).toBe(Infinity);
  expect(partialsOf([1, -1])).toEqual([]);
  expect(partialsOf([])).toEqual([]);
});
