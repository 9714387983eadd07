import fc from 'fast-check';
import { expect, test } from 'vitest';
import { FORMATS, DTYPES, type Format } from '../../src/formats/index.js';
import { binadeLowOf, measureRow, RowFigures, type ExactValues } from '../../src/metrics/accumulate.js';
import { float64Bits, float64FromBits } from '../support/exact-rounding.js';

// measureRow counts |c - r| / spacing steps when c lies in r's binade (binade and spacing both
// derived from binadeLowOf(r)), and falls back to the ordinal count elsewhere; either way the
// count must be the ulp distance computed from bit patterns, down to the smallest normals (where
// a careless 2^e * 2^-p product underflows to 0) and across the subnormal range.
function measuredUlps(format: Format, c: number, r: number): number {
  const exact: ExactValues = {
    hi: Float64Array.of(r),
    lo: new Float64Array(1),
    exp2: new Int32Array(1),
    rounded: Float64Array.of(r),
    binadeLow: Float64Array.of(binadeLowOf(r, format)),
  };
  const figures = new RowFigures();
  measureRow(figures, format, Float64Array.of(c), 1, exact, false);
  return figures.maxUlp;
}

test.each(DTYPES.map((dtype) => ({ dtype })))('$dtype: measured ulps agree with the ulp distance, near minNormal, zero and maxFinite too', ({ dtype }) => {
  const format = FORMATS[dtype];
  const values = [format.minNormal, format.minNormal * 1.5, format.minNormal * 2, format.minSubnormal, 0, 1, 0.75, 2, 2 - 2 * format.unitRoundoff, format.maxFinite];
  fc.assert(
    fc.property(fc.constantFrom(...values), fc.integer({ min: -5, max: 5 }), fc.boolean(), (base, steps, negative) => {
      const r = (negative ? -1 : 1) * format.round(base);
      // A neighbour of r a few steps away (the spacing of r's binade, or of the subnormals),
      // rounded into the format: it may cross into the next binade, or through zero.
      const magnitude = Math.abs(r);
      const step = magnitude >= format.minNormal ? 2 ** (Math.floor(Math.log2(magnitude)) + 1 - format.precision) : format.minSubnormal;
      const c = format.round(r + steps * step);
      if (!Number.isFinite(c)) return;
      expect(measuredUlps(format, c, r)).toBe(format.ulpDistance(c, r));
    }),
    { numRuns: 600 },
  );
});

test('float64 at the smallest normal binade: one step is 1 ulp (the spacing is 2^-1074, not 0)', () => {
  const next = float64FromBits(float64Bits(2 ** -1022) + 1n);
  expect(measuredUlps(FORMATS.float64, next, 2 ** -1022)).toBe(1);
  expect(measuredUlps(FORMATS.float64, 2 ** -1022, next)).toBe(1);
  expect(binadeLowOf(2 ** -1022, FORMATS.float64)).toBe(2 ** -1022);
});

test('binadeLowOf: the binade start, 0 below the normal range, Infinity for non-finite values', () => {
  expect(binadeLowOf(0.75, FORMATS.float32)).toBe(0.5);
  expect(binadeLowOf(-3, FORMATS.float16)).toBe(2);
  expect(binadeLowOf(2 ** -15, FORMATS.float16)).toBe(0); // a float16 subnormal
  expect(binadeLowOf(-0, FORMATS.bfloat16)).toBe(0);
  expect(binadeLowOf(Infinity, FORMATS.float64)).toBe(Infinity);
  expect(binadeLowOf(NaN, FORMATS.float64)).toBe(Infinity);
});
