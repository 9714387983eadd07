// absoluteError, relativeError and binadeLowOf called directly (measureRow computes its own
// errors inline on its hot path; these are the general forms, for values below float64's range).
// Values are chosen so that every step is exact, or one correctly rounded operation, as derived.
import { expect, test } from 'vitest';
import { FORMATS } from '../../src/formats/index.js';
import { absoluteError, binadeLowOf, relativeError } from '../../src/metrics/accumulate.js';

test('absoluteError: |c - (hi + lo)|, lo included, and for a scaled e, |c - e| with e rounded to float64', () => {
  // 1 - 0.5 - 2^-50 = 0.5 - 2^-50: exact (53 bits suffice).
  expect(absoluteError(1, 0.5, 2 ** -50, 0)).toBe(0.5 - 2 ** -50);
  expect(absoluteError(0, 0.5, 2 ** -50, 0)).toBe(0.5 + 2 ** -50);
  // e = 1.5 * 2^-1073 = 3 * 2^-1074, a float64 subnormal: |0 - e| is exactly that.
  expect(absoluteError(0, 1.5, 0, -1073)).toBe(3 * 2 ** -1074);
});

test('relativeError: |c - e| / |e|, 0 where e = 0, and for e below float64\'s range', () => {
  // (0.5 - 2^-50) / 0.5 = 1 - 2^-49: exact.
  expect(relativeError(1, 0.5, 2 ** -50, 0)).toBe(1 - 2 ** -49);
  expect(relativeError(0.5, 0, 0, 0)).toBe(0); // e = 0 is excluded from maxRel
  // e = 1.5 * 2^-1100 (below the least subnormal), c = 0: |0 - e| / e = 1 exactly.
  expect(relativeError(0, 1.5, 0, -1100)).toBe(1);
  // c = 2^-1074 against e = 2^-1074 (hi = 1, exp2 = -1074): 0.
  expect(relativeError(2 ** -1074, 1, 0, -1074)).toBe(0);
  // e = 2^100 * 2^-1200 = 2^-1100, c = 2^-80: c * 2^1200 overflows, so the quotient is formed
  // by parts: (2^-80 - 2^-1100) / 2^-1100 = 2^1020 - 1, which rounds to 2^1020.
  expect(relativeError(2 ** -80, 2 ** 100, 0, -1200)).toBe(2 ** 1020);
  expect(relativeError(-(2 ** -80), 2 ** 100, 0, -1200)).toBe(2 ** 1020);
});

test('binadeLowOf at the largest finite value is its binade start, not Infinity', () => {
  // float16's 65504 = 1.999 * 2^15, float64's largest is 1.999... * 2^1023.
  expect(binadeLowOf(65504, FORMATS.float16)).toBe(2 ** 15);
  expect(binadeLowOf(-65504, FORMATS.float16)).toBe(2 ** 15);
  expect(binadeLowOf(Number.MAX_VALUE, FORMATS.float64)).toBe(2 ** 1023);
  expect(binadeLowOf(NaN, FORMATS.float32)).toBe(Infinity);
});
