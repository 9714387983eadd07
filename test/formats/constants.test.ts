// The constants and small helpers of src/formats that the rounding and ulp-distance tests do not
// reach: the unit roundoff, Veltkamp's splitter, the exp thresholds, the dtype names and aliases,
// findDtype, and the bit-level helpers of bits.ts. Expected values come from IEEE 754's
// definitions (derived in the comments) or from decimal.js, never from src/.
import { Decimal } from 'decimal.js';
import { describe, expect, test } from 'vitest';
import { float32FromBits, float64BinadeStart } from '../../src/formats/bits.js';
import { DTYPES, findDtype, FORMATS, type Dtype } from '../../src/formats/index.js';

// [dtype, alias, precision p, minExponent, maxExponent] by IEEE 754 (binary64, binary32, binary16)
// and bfloat16 (binary32's exponent range, 8 significant bits).
const definitions: Array<[Dtype, string, number, number, number]> = [
  ['float64', 'f64', 53, -1022, 1023],
  ['float32', 'f32', 24, -126, 127],
  ['float16', 'f16', 11, -14, 15],
  ['bfloat16', 'bf16', 8, -126, 127],
];

test('DTYPES lists the four formats, widest first, and FORMATS holds each under its name', () => {
  expect(DTYPES).toEqual(['float64', 'float32', 'float16', 'bfloat16']);
  for (const [dtype, alias] of definitions) {
    expect(FORMATS[dtype].dtype).toBe(dtype);
    expect(FORMATS[dtype].alias).toBe(alias);
  }
});

test.each(definitions)('%s: unit roundoff 2^-p and splitter 2^(53 - p) + 1', (dtype, _alias, p) => {
  const format = FORMATS[dtype];
  // u = 2^-p: half the spacing 2^(1-p) of [1, 2), the largest relative error of one rounding.
  expect(format.unitRoundoff).toBe({ 53: 2 ** -53, 24: 2 ** -24, 11: 2 ** -11, 8: 2 ** -8 }[p]);
  // Veltkamp's constant: 2^(53-p) + 1, which is 2 for float64 (the identity).
  expect(format.splitter).toBe({ 53: 2, 24: 536870913, 11: 4398046511105, 8: 35184372088833 }[p]);
});

test.each(definitions)('%s: the exp thresholds are the logarithms of the rounding boundaries, to 20 digits (decimal.js)', (dtype, _alias, p, minExponent, maxExponent) => {
  // With correct rounding (ties to even): exp(x) rounds to +Infinity from the overflow midpoint
  // (2 - 2^-p) 2^maxExponent up (that midpoint itself rounds to Infinity: maxFinite is odd);
  // to a subnormal below the midpoint 2^minExponent - 2^(minExponent - p) between the largest
  // subnormal and the smallest normal (which is even, and takes the tie); to 0 at or below half
  // the smallest subnormal, 2^(minExponent - p) (0 is even). The strings are those logarithms.
  const D = Decimal.clone({ precision: 60 });
  const two = new D(2);
  const ln20 = (x: Decimal) => x.ln().toSignificantDigits(20).toString();
  const thresholds = FORMATS[dtype].expThresholds;
  expect(thresholds.overflow).toBe(ln20(two.minus(two.pow(-p)).times(two.pow(maxExponent))));
  expect(thresholds.subnormal).toBe(ln20(two.pow(minExponent).minus(two.pow(minExponent - p))));
  expect(thresholds.zero).toBe(ln20(two.pow(minExponent - p)));
});

describe('findDtype', () => {
  test.each([
    ['float64', 'float64'],
    ['f64', 'float64'],
    ['float32', 'float32'],
    ['F32', 'float32'],
    ['  Float16 ', 'float16'],
    ['f16', 'float16'],
    [' BF16', 'bfloat16'],
    ['bfloat16', 'bfloat16'],
  ])('%j names %s (case and surrounding spaces ignored)', (name, dtype) => {
    expect(findDtype(name)).toBe(dtype);
  });

  test.each(['float8', '', 'f 16', 'half'])('%j names no dtype', (name) => {
    expect(findDtype(name)).toBeUndefined();
  });
});

describe('bits.ts', () => {
  test('float32FromBits reads an IEEE binary32 bit pattern', () => {
    // 0x3f800000: sign 0, biased exponent 127, fraction 0 = 1. 0xff800000: sign 1, exponent all
    // ones, fraction 0 = -Infinity. 0x00000001: the least subnormal 2^-149. 0x40490fdb: exponent
    // 128, fraction 0x490fdb: 2 * (1 + 0x490fdb / 2^23) = 3.14159274, float32's nearest to pi.
    expect(float32FromBits(0x3f800000)).toBe(1);
    expect(float32FromBits(0xff800000)).toBe(-Infinity);
    expect(float32FromBits(0x00000001)).toBe(2 ** -149);
    expect(float32FromBits(0x40490fdb)).toBe(Math.fround(Math.PI));
  });

  test('float64BinadeStart gives 2^e for a normal magnitude in [2^e, 2^(e+1))', () => {
    expect(float64BinadeStart(1)).toBe(1);
    expect(float64BinadeStart(3)).toBe(2);
    expect(float64BinadeStart(2 - 2 ** -52)).toBe(1);
    expect(float64BinadeStart(0.1)).toBe(2 ** -4); // 0.1 = 1.6 * 2^-4
    expect(float64BinadeStart(1.5 * 2 ** -1022)).toBe(2 ** -1022);
    expect(float64BinadeStart(Number.MAX_VALUE)).toBe(2 ** 1023);
  });
});
