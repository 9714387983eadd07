// roundScaledDoubleDouble and roundDoubleDouble at the cases the property tests of
// rounding.test.ts do not draw: (hi + lo) 2^exp2 at float64's subnormal midpoints, where lo decides
// against ties-to-even, values of 2^52 units and more, signed zeros, and the overflow midpoint
// approached from above. Each expected value is the correct rounding, derived in the comments by
// counting the least subnormal 2^-1074 ("units") in the exact value.
import { describe, expect, test } from 'vitest';
import { float16, float64, roundDoubleDouble, roundDoubleDoubleEach, roundScaledDoubleDouble } from '../../src/formats/index.js';

const U = Number.MIN_VALUE; // 2^-1074

describe('roundScaledDoubleDouble in float64: counts of 2^-1074, half-even, lo deciding a tie', () => {
  test.each([
    // [hi, lo, exp2, expected, why]
    [1.5, 0, -1074, 2 * U, '1.5 units, an exact tie: to even, 2'],
    [-1.5, 0, -1074, -2 * U, '-1.5 units, an exact tie: to even, -2'],
    [2.5, 0, -1074, 2 * U, '2.5 units, an exact tie: to even, 2'],
    [1.5, -(2 ** -60), -1074, U, 'just below 1.5 units: 1 (ties-to-even would say 2)'],
    [2.5, 2 ** -60, -1074, 3 * U, 'just above 2.5 units: 3 (ties-to-even would say 2)'],
    [-2.5, -(2 ** -60), -1074, -3 * U, 'just below -2.5 units: -3'],
    [-1.5, 2 ** -60, -1074, -U, 'just above -1.5 units: -1'],
    [5, 2 ** -1074, -1075, 3 * U, '5/2 = 2.5 units plus 2^-2149: 3 (lo * 2^-1 underflows to 0: lo itself decides)'],
    [1 + 2 ** -52, 0, -1022, 2 ** -1022 + U, '2^52 + 1 units: the smallest normal plus one unit, exact'],
    [-(1 + 2 ** -52), 0, -1022, -(2 ** -1022) - U, 'the same, negative'],
    [1.5, 0, -1200, 0, '1.5 * 2^-1200: far below half a unit, +0'],
    [-1.5, 0, -1200, -0, 'the same, negative: -0'],
    [0, 0, -1074, 0, 'zero stays +0'],
    [0, 0, -1200, 0, 'zero stays +0 far below the subnormals too'],
  ])('(%d + %d) * 2^%d -> %d: %s', (hi, lo, exp2, expected) => {
    expect(roundScaledDoubleDouble(float64, hi, lo, exp2)).toBe(expected); // toBe: -0 and +0 differ
  });
});

describe('roundScaledDoubleDouble in a narrow format', () => {
  test('exp2 = 0: the value is hi + lo itself, rounded (float16 midpoint 1 + 2^-11, lo > 0: up)', () => {
    expect(roundScaledDoubleDouble(float16, 1 + 2 ** -11, 2 ** -80, 0)).toBe(1 + 2 ** -10);
  });

  test('exp2 < 0 is far below half of float16\'s least subnormal 2^-24: a zero of the sign of hi', () => {
    // 1.5 * 2^-1073 is a float64 subnormal (3 units) but 0 in float16.
    expect(roundScaledDoubleDouble(float16, 1.5, 0, -1073)).toBe(0);
    expect(roundScaledDoubleDouble(float16, -1.5, 0, -1073)).toBe(-0);
    expect(roundScaledDoubleDouble(float16, 0, 0, -1100)).toBe(0);
  });
});

test('roundDoubleDouble at float16\'s overflow midpoint 65520: only a negative tail brings it back to 65504', () => {
  // 65520 = 65504 + 16, half the spacing 32 past the largest finite value: a tie, to even
  // (Infinity). Above it (lo > 0), or anywhere past it, the value rounds to Infinity.
  expect(roundDoubleDouble(float16, 65520, 2 ** -40)).toBe(Infinity);
  expect(roundDoubleDouble(float16, -65520, -(2 ** -40))).toBe(-Infinity);
  expect(roundDoubleDouble(float16, 70000, -(2 ** -40))).toBe(Infinity);
  expect(roundDoubleDouble(float16, -70000, 2 ** -40)).toBe(-Infinity);
});

test('roundDoubleDoubleEach writes the first `length` elements only', () => {
  const out = Float64Array.of(7, 7, 7);
  roundDoubleDoubleEach(float16, Float64Array.of(0.75, 1.5, 3), Float64Array.of(0, 0, 0), Int32Array.of(0, 0, 0), out, 2);
  expect(Array.from(out)).toEqual([0.75, 1.5, 7]);
});
