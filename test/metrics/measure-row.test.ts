// measureRow on hand-made exact values, one rule of docs/metrics.md per test: where an output is
// off by a factor of 2 (at the boundaries c = e/2 and c = 2e, at the smallest normal, for values
// below 2^-960 held as (hi + lo) 2^exp2), which elements have no figure, and maxRel over a row.
// The exact values are given, not computed, so each figure follows from the rule by hand.
import { describe, expect, test } from 'vitest';
import { FORMATS, type Format } from '../../src/formats/index.js';
import { binadeLowOf, measureRow, RowFigures, type ExactValues } from '../../src/metrics/accumulate.js';

interface Element {
  /** The computed output. */
  c: number;
  /** The exact value (hi + lo) 2^exp2. */
  hi: number;
  lo?: number;
  exp2?: number;
  /** The exact value rounded to the format. */
  rounded: number;
}

function measure(format: Format, probabilities: boolean, elements: Element[]): RowFigures {
  const exact: ExactValues = {
    hi: Float64Array.from(elements, (e) => e.hi),
    lo: Float64Array.from(elements, (e) => e.lo ?? 0),
    exp2: Int32Array.from(elements, (e) => e.exp2 ?? 0),
    rounded: Float64Array.from(elements, (e) => e.rounded),
    binadeLow: Float64Array.from(elements, (e) => binadeLowOf(e.rounded, format)),
  };
  const figures = new RowFigures();
  measureRow(figures, format, Float64Array.from(elements, (e) => e.c), elements.length, exact, probabilities);
  return figures;
}

describe('a probability off by a factor of 2: c >= 2e or c <= e/2, where e rounds to a normal number', () => {
  const f16 = FORMATS.float16;
  test.each([
    // c = e/2 exactly, at float16's smallest normal 2^-14 (rounded to itself): counted.
    { what: 'c = e/2 at the smallest normal', e: 2 ** -14, c: 2 ** -15, factor2: 1 },
    // Below e: 3/16 <= 1/4 = e/2.
    { what: 'c = 3/16 below e = 1/2', e: 0.5, c: 0.1875, factor2: 1 },
    // Above e: 13/16 < 1 = 2e, although |c - e| = 5/16 exceeds e/2.
    { what: 'c = 13/16 above e = 1/2', e: 0.5, c: 0.8125, factor2: 0 },
    // c = 2e exactly: counted.
    { what: 'c = 2e', e: 0.5, c: 1, factor2: 1 },
  ])('float16 $what: factor2 $factor2', ({ e, c, factor2 }) => {
    expect(measure(f16, true, [{ c, hi: e, rounded: e }]).factor2).toBe(factor2);
  });

  // float64 values below 2^-960 are held as hi 2^exp2; the rule is the same, measured at e's
  // scale. e = 2^-1000 (a normal float64) and e = 2^-1022 (the smallest normal itself).
  const f64 = FORMATS.float64;
  test.each([
    { what: 'c = e/2', hi: 1, exp2: -1000, c: 2 ** -1001, factor2: 1 },
    { what: 'c = 3e/4', hi: 1, exp2: -1000, c: 0.75 * 2 ** -1000, factor2: 0 },
    { what: 'c = 3e/2', hi: 1, exp2: -1000, c: 1.5 * 2 ** -1000, factor2: 0 },
    { what: 'c = 2e', hi: 1, exp2: -1000, c: 2 ** -999, factor2: 1 },
    { what: 'c = e/2, e the smallest normal 2^-1022', hi: 1, exp2: -1022, c: 2 ** -1023, factor2: 1 },
    // e = 2^-1023 rounds to a subnormal: a probability that small has few bits, never factor2.
    { what: 'c = e/2, e = 2^-1023 (subnormal)', hi: 1, exp2: -1023, c: 2 ** -1024, factor2: 0 },
  ])('float64 scaled $what: factor2 $factor2', ({ hi, exp2, c, factor2 }) => {
    expect(measure(f64, true, [{ c, hi, exp2, rounded: hi * 2 ** exp2 }]).factor2).toBe(factor2);
  });
});

describe('a logarithm off by a factor of 2: |c - e| >= ln 2, unless c is within 1 ulp of round(e)', () => {
  test('bfloat16 e = 256.9 rounds to 256, whose spacing is 2: c = 258 is 1.1 off but 1 ulp away, not counted', () => {
    const figures = measure(FORMATS.bfloat16, false, [{ c: 258, hi: 256.9, rounded: 256 }]);
    expect(figures.maxUlp).toBe(1);
    expect(figures.factor2).toBe(0);
  });

  test('float64 log-softmax e = -1.5 2^-2200 (rounds to -0): c = -ln 2 is exactly ln 2 off, counted', () => {
    const figures = measure(FORMATS.float64, false, [{ c: -Math.LN2, hi: -1.5, exp2: -2200, rounded: -0 }]);
    expect(figures.maxAbs).toBe(Math.LN2);
    expect(figures.factor2).toBe(1);
  });
});

test('a finite output where the exact value is -Infinity (a masked position of log-softmax) has no figure', () => {
  const figures = measure(FORMATS.float32, false, [{ c: -5, hi: -Infinity, rounded: -Infinity }]);
  expect(figures.count).toBe(0);
  expect(figures.maxAbs).toBe(0);
  expect(figures.maxUlp).toBe(-1);
  expect(figures.factor2).toBe(0);
});

test('an exact value of 0 (log-softmax of one logit) counts in maxAbs, not in maxRel', () => {
  const figures = measure(FORMATS.float64, false, [{ c: 0.5, hi: 0, rounded: 0 }]);
  expect(figures.maxAbs).toBe(0.5);
  expect(figures.maxRel).toBe(0);
});

describe('maxRel is the largest relative error of the row, whichever element comes last', () => {
  test('a tiny e after a larger error: 2^-45, then 2^-50 at e = 2^-958', () => {
    // |c - e| = 2^-45 at e = 1; then |c - e| = 2^-1008 at e = 2^-958, a relative 2^-50.
    const figures = measure(FORMATS.float64, false, [
      { c: 1 + 2 ** -45, hi: 1, rounded: 1 },
      { c: 2 ** -958 * (1 + 2 ** -50), hi: 2 ** -958, rounded: 2 ** -958 },
    ]);
    expect(figures.maxRel).toBe(2 ** -45);
  });

  test('a relative error 2^-51 above the maximum so far still raises it: 2^-40, then 2^-40 + 2^-91', () => {
    // Both at e = 1; the second has lo = -2^-91, so |c - e - lo| = 2^-40 + 2^-91 (exact).
    const figures = measure(FORMATS.float64, false, [
      { c: 1 + 2 ** -40, hi: 1, rounded: 1 },
      { c: 1 + 2 ** -40, hi: 1, lo: -(2 ** -91), rounded: 1 },
    ]);
    expect(figures.maxRel).toBe(2 ** -40 + 2 ** -91);
  });

  test('a scaled e after a larger error: 1/2, then 2^-10 at e = 2^-1000', () => {
    const figures = measure(FORMATS.float64, false, [
      { c: 1.5, hi: 1, rounded: 1 },
      { c: 2 ** -1000 * (1 + 2 ** -10), hi: 1, exp2: -1000, rounded: 2 ** -1000 },
    ]);
    expect(figures.maxRel).toBe(0.5);
  });
});

describe('the factor-2 rule for negative values (a gradient at its label)', () => {
  // e = -1/2 (exact in float16). c / e >= 2 is c <= -1; c / e <= 1/2 is c >= -1/4. Between, the
  // output is within a factor of 2. (Treating e as positive would count c = -0.9, 0.4 below e, as
  // "c <= e/2", and miss c = -1 as "c >= 2e".)
  const cases: Array<[number, number]> = [
    [-1, 1],
    [-0.9, 0],
    [-0.3, 0],
    [-0.25, 1],
    [0.1, 1],
  ];
  for (const [c, factor2] of cases) {
    test(`c = ${c} at e = -0.5: ${factor2 ? 'off by 2x' : 'within 2x'}`, () => {
      expect(measure(FORMATS.float16, true, [{ c, hi: -0.5, rounded: -0.5 }]).factor2).toBe(factor2);
    });
  }
  test('below 2^-960 (float64, scaled): c = 2.1 e counts, c = 1.9 e does not, for e < 0', () => {
    // e = -2^-1000 held as -1 * 2^-1000; rounded in float64 it is itself (a normal number).
    const e = -(2 ** -1000);
    expect(measure(FORMATS.float64, true, [{ c: 2.1 * e, hi: -1, exp2: -1000, rounded: e }]).factor2).toBe(1);
    expect(measure(FORMATS.float64, true, [{ c: 1.9 * e, hi: -1, exp2: -1000, rounded: e }]).factor2).toBe(0);
    expect(measure(FORMATS.float64, true, [{ c: 0.6 * e, hi: -1, exp2: -1000, rounded: e }]).factor2).toBe(0);
    expect(measure(FORMATS.float64, true, [{ c: 0.4 * e, hi: -1, exp2: -1000, rounded: e }]).factor2).toBe(1);
  });
});
