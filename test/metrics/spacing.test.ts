import fc from 'fast-check';
import { expect, test } from 'vitest';
import { FORMATS, DTYPES, type Format } from '../../src/formats/index.js';
import { binadeLowOf, measureRow, RowFigures, type ExactValues } from '../../src/metrics/accumulate.js';
import { allNonNegativeValues, float64Bits, float64FromBits } from '../support/exact-rounding.js';

// measureRow counts |c - r| / spacing steps when c lies in r's binade (binade and spacing both
// derived from binadeLowOf(r)), and falls back to the ordinal count elsewhere; either way the
// count must be the number of steps from r to c, down to the smallest normals (where a careless
// 2^e * 2^-p product underflows to 0) and across the subnormal range. c is built k steps from r
// on the format's own ordering (bit patterns; the enumeration of all values for the 16-bit
// formats), so the expected count is |k| by construction, not from src/formats.

/** The format's values as signed ordinals: |ordinal| is the index among the non-negative values, -0 is 0. */
function ordinals(format: Format): { of(x: number): bigint; at(n: bigint): number | undefined } {
  const signed = (magnitudeOrdinal: (m: number) => bigint, valueAt: (i: bigint) => number | undefined) => ({
    of: (x: number) => (x < 0 ? -magnitudeOrdinal(-x) : magnitudeOrdinal(x)),
    at: (n: bigint) => {
      const value = valueAt(n < 0n ? -n : n);
      return value === undefined || n >= 0n ? value : -value;
    },
  });
  const finite = (x: number) => (Number.isFinite(x) ? x : undefined);
  if (format.dtype === 'float64') return signed((m) => float64Bits(m), (i) => finite(float64FromBits(i)));
  if (format.dtype === 'float32') {
    const word = new Uint32Array(1);
    const single = new Float32Array(word.buffer);
    return signed(
      (m) => ((single[0] = m), BigInt(word[0])),
      (i) => ((word[0] = Number(i)), finite(single[0])),
    );
  }
  const values = allNonNegativeValues(format, format.dtype === 'float16' ? 5 : 8);
  const index = new Map(values.map((v, i) => [v, BigInt(i)]));
  return signed((m) => index.get(m)!, (i) => values[Number(i)]);
}

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

test.each(DTYPES.map((dtype) => ({ dtype })))('$dtype: measured ulps are the steps between the values, near minNormal, zero and maxFinite too', ({ dtype }) => {
  const format = FORMATS[dtype];
  const order = ordinals(format);
  const values = [format.minNormal, format.minNormal * 1.5, format.minNormal * 2, format.minSubnormal, 0, 1, 0.75, 2, 2 - 2 * format.unitRoundoff, format.maxFinite];
  fc.assert(
    fc.property(fc.constantFrom(...values), fc.integer({ min: -5, max: 5 }), fc.boolean(), (base, steps, negative) => {
      const r = (negative ? -1 : 1) * base;
      // k steps along the format's values: into the next binade, through zero, into the subnormals.
      const c = order.at(order.of(r) + BigInt(steps));
      if (c === undefined) return; // past maxFinite
      expect(measuredUlps(format, c, r)).toBe(Math.abs(steps));
    }),
    { numRuns: 600 },
  );
});

test.each(DTYPES.map((dtype) => ({ dtype })))('$dtype: a value and its negative (same binade, opposite signs) are twice its ordinal apart', ({ dtype }) => {
  const format = FORMATS[dtype];
  const order = ordinals(format);
  for (const r of [1, 0.75, format.minNormal * 1.5]) {
    expect(measuredUlps(format, -r, r)).toBe(Number(2n * order.of(r)));
    expect(measuredUlps(format, r, -r)).toBe(Number(2n * order.of(r)));
  }
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
