import fc from 'fast-check';
import { expect, test } from 'vitest';
import { FORMATS, DTYPES } from '../../src/formats/index.js';
import { fillSpacing, type ExactValues } from '../../src/metrics/accumulate.js';
import { float64Bits, float64FromBits } from '../support/exact-rounding.js';

// accumulateRow counts |c - r| / roundedUlp steps when c lies in r's binade; that must agree
// with the ulp distance computed from bit patterns, down to the smallest normals (where a
// careless 2^e * 2^-p product underflows to 0) and across the subnormal range.
function spacingOf(format: (typeof FORMATS)[keyof typeof FORMATS], r: number) {
  const exact = { rounded: Float64Array.of(r), roundedUlp: new Float64Array(1), binadeLow: new Float64Array(1), binadeHigh: new Float64Array(1) } as unknown as ExactValues;
  fillSpacing(exact, format, 0);
  return { ulp: exact.roundedUlp[0], low: exact.binadeLow[0], high: exact.binadeHigh[0] };
}

test.each(DTYPES.map((dtype) => ({ dtype })))('$dtype: the spacing formula agrees with the ulp distance, near minNormal too', ({ dtype }) => {
  const format = FORMATS[dtype];
  const values = [format.minNormal, format.minNormal * 1.5, format.minNormal * 2, format.minSubnormal, 0, 1, 0.75, format.maxFinite];
  fc.assert(
    fc.property(fc.constantFrom(...values), fc.integer({ min: -3, max: 3 }), fc.boolean(), (base, steps, negative) => {
      const r = (negative ? -1 : 1) * format.round(base);
      const { ulp, low, high } = spacingOf(format, r);
      expect(ulp).toBeGreaterThan(0);
      // A neighbour of r a few steps away, built from float64 bits and rounded into the format.
      const c = format.round(r + steps * ulp);
      const magnitude = Math.abs(c);
      if (!(magnitude < high && magnitude >= low && (low === 0 || c < 0 === r < 0))) return;
      expect(Math.abs(c - r) / ulp).toBe(format.ulpDistance(c, r));
    }),
    { numRuns: 400 },
  );
});

test('float64 at the smallest normal binade: the spacing is 2^-1074, not 0', () => {
  const { ulp } = spacingOf(FORMATS.float64, 2 ** -1022);
  expect(ulp).toBe(Number.MIN_VALUE);
  const next = float64FromBits(float64Bits(2 ** -1022) + 1n);
  expect(Math.abs(next - 2 ** -1022) / ulp).toBe(1);
});
