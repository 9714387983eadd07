import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { bfloat16, float16, float32, float64 } from '../../src/formats/index.js';
import { allNonNegativeValues, float64Bits } from '../support/exact-rounding.js';

// The expected distances come from bit-pattern arithmetic: for a 16-bit format, a value's index
// in the ordered enumeration of the format is its bit pattern; for float32 and float64, the bit
// pattern read from a DataView. Negative values mirror positive ones through the shared zero.

describe.each([
  { name: 'float16', format: float16, exponentBits: 5 },
  { name: 'bfloat16', format: bfloat16, exponentBits: 8 },
])('$name ulp distance against ordinals of the enumeration', ({ format, exponentBits }) => {
  const values = allNonNegativeValues(format, exponentBits);
  const signedOrdinal = (i: number, negative: boolean) => (negative ? -i : i);

  test('adjacent values are 1 apart, across zero, subnormals, binades and up to Infinity', () => {
    for (let i = 0; i + 1 < values.length; i++) {
      expect(format.ulpDistance(values[i], values[i + 1])).toBe(1);
      expect(format.ulpDistance(-values[i + 1], -values[i])).toBe(1);
    }
    expect(format.ulpDistance(format.maxFinite, Infinity)).toBe(1);
    expect(format.ulpDistance(-Infinity, -format.maxFinite)).toBe(1);
    expect(format.ulpDistance(-format.minSubnormal, format.minSubnormal)).toBe(2);
  });

  test('+0 and -0 are one point', () => {
    expect(format.ulpDistance(0, -0)).toBe(0);
    expect(format.ulpDistance(-0, format.minSubnormal)).toBe(1);
  });

  test('random pairs: the distance is the difference of signed ordinals', () => {
    fc.assert(
      fc.property(fc.nat(values.length - 1), fc.nat(values.length - 1), fc.boolean(), fc.boolean(), (i, j, ni, nj) => {
        const a = ni ? -values[i] : values[i];
        const b = nj ? -values[j] : values[j];
        expect(format.ulpDistance(a, b)).toBe(Math.abs(signedOrdinal(i, ni) - signedOrdinal(j, nj)));
      }),
      { numRuns: 50_000 },
    );
  });
});

function float32Ordinal(x: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, Math.abs(x));
  return x < 0 ? -view.getUint32(0) : view.getUint32(0);
}

test('float32 ulp distance is the difference of signed bit patterns', () => {
  fc.assert(
    fc.property(fc.float({ noNaN: true }), fc.float({ noNaN: true }), (a, b) => {
      expect(float32.ulpDistance(a, b)).toBe(Math.abs(float32Ordinal(a) - float32Ordinal(b)));
    }),
    { numRuns: 50_000 },
  );
  expect(float32.ulpDistance(1, 1 + 2 ** -23)).toBe(1);
  expect(float32.ulpDistance(float32.maxFinite, Infinity)).toBe(1);
});

function float64Ordinal(x: number): bigint {
  const bits = float64Bits(Math.abs(x));
  return x < 0 ? -bits : bits;
}

test('float64 ulp distance is exact for close values, even where ordinals exceed 2^53', () => {
  fc.assert(
    fc.property(fc.double({ noNaN: true }), fc.integer({ min: -1000, max: 1000 }), (a, steps) => {
      const ordinal = float64Ordinal(a) + BigInt(steps);
      if (ordinal > 0x7ff0000000000000n || ordinal < -0x7ff0000000000000n) return;
      const view = new DataView(new ArrayBuffer(8));
      view.setBigUint64(0, ordinal < 0n ? -ordinal : ordinal);
      const b = ordinal < 0n ? -view.getFloat64(0) : view.getFloat64(0);
      const expected = float64Ordinal(a) - float64Ordinal(b);
      expect(float64.ulpDistance(a, b)).toBe(Math.abs(Number(expected)));
    }),
    { numRuns: 50_000 },
  );
  expect(float64.ulpDistance(1, 1 + Number.EPSILON)).toBe(1);
  expect(float64.ulpDistance(Number.MAX_VALUE, Infinity)).toBe(1);
  expect(float64.ulpDistance(-Number.MIN_VALUE, Number.MIN_VALUE)).toBe(2);
});

test('float64 ulp distance across zero is the sum of the two bit patterns', () => {
  // 1 is 0x3ff0000000000000 = 1023 * 2^52 (biased exponent 1023, fraction 0), 2 is 1024 * 2^52,
  // the smallest normal 2^-1022 is 0x0010000000000000 = 2^52. From -a to b: a's ordinal + b's.
  expect(float64.ulpDistance(-1, 1)).toBe(2 * 1023 * 2 ** 52);
  expect(float64.ulpDistance(2, -1)).toBe((1023 + 1024) * 2 ** 52);
  expect(float64.ulpDistance(-(2 ** -1022), 2 ** -1022 + Number.MIN_VALUE)).toBe(2 ** 53 + 1);
});
