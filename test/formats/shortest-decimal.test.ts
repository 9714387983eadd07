// shortestDecimal: the shortest decimal that reads back (as float64, then rounded to the format)
// to the value. The expected strings are derived by hand from each format's spacing near the
// value (comments): a candidate reads back iff it lies within half a spacing of the value.
import { expect, test } from 'vitest';
import { bfloat16, float16, float32, float64, FORMATS } from '../../src/formats/index.js';
import { shortestDecimal } from '../../src/formats/shortest-decimal.js';

test('non-finite values and zeros are written nan, inf, -inf, -0 and 0 in every format', () => {
  for (const format of Object.values(FORMATS)) {
    expect(shortestDecimal(format, NaN)).toBe('nan');
    expect(shortestDecimal(format, Infinity)).toBe('inf');
    expect(shortestDecimal(format, -Infinity)).toBe('-inf');
    expect(shortestDecimal(format, -0)).toBe('-0');
    expect(shortestDecimal(format, 0)).toBe('0');
  }
});

test('float64 values are written as their shortest round-trip decimal', () => {
  expect(shortestDecimal(float64, 0.1)).toBe('0.1');
  expect(shortestDecimal(float64, 1 / 3)).toBe('0.3333333333333333'); // 16 digits, as Python's repr
});

test('float32: fround(0.1) is 0.1 (not 0.10000000149011612) and fround(1/3) is 0.33333334', () => {
  // fround(1/3) = 0.3333333432674408; float32's spacing in [1/4, 1/2) is 2^-25 = 2.98e-8, half of
  // it 1.49e-8. 0.3333333 is 4.3e-8 away (reads back as another float32), 0.33333334 is 3.3e-9.
  expect(shortestDecimal(float32, Math.fround(0.1))).toBe('0.1');
  expect(shortestDecimal(float32, Math.fround(1 / 3))).toBe('0.33333334');
});

test('float16: 1/3 rounded (0.333251953125) is 0.3333; -65504 is -65500', () => {
  // Spacing 2^-12 = 0.000244 in [1/4, 1/2), half 0.000122: 0.333 is 0.000252 away, 0.3333 is
  // 0.000048. -65504: spacing 32 in [32768, 65536); -7e4 and -6.6e4 round past the overflow
  // midpoint 65520 to -Infinity, -6.55e4 is 4 from it.
  expect(shortestDecimal(float16, 0.333251953125)).toBe('0.3333');
  expect(shortestDecimal(float16, -65504)).toBe('-65500');
});

test('bfloat16: 1/3 rounded (171 * 2^-9 = 0.333984375) is 0.334', () => {
  // Spacing 2^-9 = 0.00195 in [1/4, 1/2), half 0.000977: 0.33 is 0.00398 away, 0.334 is 0.0000156.
  expect(shortestDecimal(bfloat16, 171 * 2 ** -9)).toBe('0.334');
});
