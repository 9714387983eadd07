import { describe, expect, test } from 'vitest';
import { addFlags, divFlags, expFlags, flagNames, log1pFlags, logFlags, mulFlags, type FlagName } from '../../src/algorithms/flags.js';

// The IEEE 754 flags of one rounded operation, case by case in float16, each derived by hand from
// the standard (section 7): invalid for an operation with no defined result (Infinity -
// Infinity, 0 * Infinity, 0 / 0, log of a negative number) but not when a NaN operand merely
// propagates; divideByZero for an exact infinite result from finite operands (x / 0, log 0,
// log1p(-1)); overflow when a finite result rounds beyond the largest finite value; underflow
// (after rounding, as the report counts it) when a nonzero exact result is below the smallest
// normal, subnormal or rounded to 0. Every result r is the float16 rounding of the exact one.
//
// float16: smallest normal 2^-14, smallest subnormal 2^-24, largest finite 65504 (ulp 32), so
// 65504 + 16 rounds to Infinity (a tie, to even) and 2^-25 (half the smallest subnormal) to 0.
const MIN_NORMAL = 2 ** -14;
const SUBNORMAL = 2 ** -24;

// Each case computes its flags inside its test, not while describe collects them (Stryker's
// per-test coverage, docs/mutation-testing.md).
type Case = [what: string, flags: () => number, expected: FlagName[]];

function check(cases: Case[]): void {
  for (const [what, bits, expected] of cases) {
    test(`${what}: [${expected.join(', ')}]`, () => {
      expect(flagNames(bits()), what).toEqual(expected);
    });
  }
}

describe('addFlags (a + b rounded to r)', () => {
  check([
    ['1 + 2 = 3', () => addFlags(1, 2, 3, MIN_NORMAL), []],
    ['2^-14 + 0 = 2^-14, the smallest normal itself', () => addFlags(MIN_NORMAL, 0, MIN_NORMAL, MIN_NORMAL), []],
    ['-2^-14 - 0 = -2^-14, the smallest normal, negative', () => addFlags(-MIN_NORMAL, 0, -MIN_NORMAL, MIN_NORMAL), []],
    ['65504 + 16 rounds to Infinity', () => addFlags(65504, 16, Infinity, MIN_NORMAL), ['overflow']],
    ['-65504 - 16 rounds to -Infinity', () => addFlags(-65504, -16, -Infinity, MIN_NORMAL), ['overflow']],
    ['Infinity + 1 = Infinity, exactly', () => addFlags(Infinity, 1, Infinity, MIN_NORMAL), []],
    ['1 + Infinity = Infinity, exactly', () => addFlags(1, Infinity, Infinity, MIN_NORMAL), []],
    ['Infinity - Infinity', () => addFlags(Infinity, -Infinity, NaN, MIN_NORMAL), ['invalid']],
    ['NaN + 1 (a NaN propagates quietly)', () => addFlags(NaN, 1, NaN, MIN_NORMAL), []],
    ['1 + NaN', () => addFlags(1, NaN, NaN, MIN_NORMAL), []],
    ['2^-14 - 2^-24, a subnormal', () => addFlags(MIN_NORMAL, -SUBNORMAL, MIN_NORMAL - SUBNORMAL, MIN_NORMAL), ['underflow']],
    ['-2^-14 + 2^-24, a negative subnormal', () => addFlags(-MIN_NORMAL, SUBNORMAL, SUBNORMAL - MIN_NORMAL, MIN_NORMAL), ['underflow']],
    ['2^-24 - 2^-24 = 0, exactly', () => addFlags(SUBNORMAL, -SUBNORMAL, 0, MIN_NORMAL), []],
  ]);
});

describe('mulFlags (a * b rounded to r)', () => {
  check([
    ['2 * 3 = 6', () => mulFlags(2, 3, 6, MIN_NORMAL), []],
    ['2^-7 * 2^-7 = 2^-14, the smallest normal', () => mulFlags(2 ** -7, 2 ** -7, MIN_NORMAL, MIN_NORMAL), []],
    ['-2^-7 * 2^-7 = -2^-14', () => mulFlags(-(2 ** -7), 2 ** -7, -MIN_NORMAL, MIN_NORMAL), []],
    ['256 * 256 = 65536 rounds to Infinity', () => mulFlags(256, 256, Infinity, MIN_NORMAL), ['overflow']],
    ['Infinity * 2 = Infinity, exactly', () => mulFlags(Infinity, 2, Infinity, MIN_NORMAL), []],
    ['2 * Infinity = Infinity, exactly', () => mulFlags(2, Infinity, Infinity, MIN_NORMAL), []],
    ['0 * Infinity', () => mulFlags(0, Infinity, NaN, MIN_NORMAL), ['invalid']],
    ['NaN * 2', () => mulFlags(NaN, 2, NaN, MIN_NORMAL), []],
    ['2 * NaN', () => mulFlags(2, NaN, NaN, MIN_NORMAL), []],
    ['2^-7 * 2^-10 = 2^-17, a subnormal', () => mulFlags(2 ** -7, 2 ** -10, 2 ** -17, MIN_NORMAL), ['underflow']],
    ['2^-12 * 2^-13 = 2^-25 rounds to 0', () => mulFlags(2 ** -12, 2 ** -13, 0, MIN_NORMAL), ['underflow']],
    ['0 * 5 = 0, exactly', () => mulFlags(0, 5, 0, MIN_NORMAL), []],
    ['5 * 0 = 0, exactly', () => mulFlags(5, 0, 0, MIN_NORMAL), []],
  ]);
});

describe('divFlags (a / b rounded to r)', () => {
  check([
    ['1 / 4 = 0.25', () => divFlags(1, 4, 0.25, MIN_NORMAL), []],
    ['2^-13 / 2 = 2^-14, the smallest normal', () => divFlags(2 ** -13, 2, MIN_NORMAL, MIN_NORMAL), []],
    ['-2^-13 / 2 = -2^-14', () => divFlags(-(2 ** -13), 2, -MIN_NORMAL, MIN_NORMAL), []],
    ['0 / 0', () => divFlags(0, 0, NaN, MIN_NORMAL), ['invalid']],
    ['Infinity / Infinity', () => divFlags(Infinity, Infinity, NaN, MIN_NORMAL), ['invalid']],
    ['NaN / 1', () => divFlags(NaN, 1, NaN, MIN_NORMAL), []],
    ['1 / NaN', () => divFlags(1, NaN, NaN, MIN_NORMAL), []],
    ['1 / 0', () => divFlags(1, 0, Infinity, MIN_NORMAL), ['divideByZero']],
    ['-1 / 0', () => divFlags(-1, 0, -Infinity, MIN_NORMAL), ['divideByZero']],
    ['Infinity / 2 = Infinity, exactly', () => divFlags(Infinity, 2, Infinity, MIN_NORMAL), []],
    ['Infinity / 0 = Infinity, exactly (an infinite dividend)', () => divFlags(Infinity, 0, Infinity, MIN_NORMAL), []],
    ['60000 / 0.5 = 120000 rounds to Infinity', () => divFlags(60000, 0.5, Infinity, MIN_NORMAL), ['overflow']],
    ['2^-14 / 2 = 2^-15, a subnormal', () => divFlags(MIN_NORMAL, 2, 2 ** -15, MIN_NORMAL), ['underflow']],
    ['2^-14 / 4096 = 2^-26 rounds to 0', () => divFlags(MIN_NORMAL, 4096, 0, MIN_NORMAL), ['underflow']],
    ['0 / 5 = 0, exactly', () => divFlags(0, 5, 0, MIN_NORMAL), []],
    ['5 / Infinity = 0, exactly', () => divFlags(5, Infinity, 0, MIN_NORMAL), []],
  ]);
});

describe('expFlags (exp(x) rounded to r)', () => {
  // exp(x) is subnormal in float16 below ln(2^-14) = -9.7041 and rounds to Infinity from
  // ln(65520) = 11.0898 on (docs/metrics.md section 1).
  check([
    ['exp(0) = 1', () => expFlags(0, 1, MIN_NORMAL), []],
    ['exp(-9.704060527839234), ln 2^-14 rounded to float64, rounds to 2^-14, the smallest normal', () => expFlags(-9.704060527839234, MIN_NORMAL, MIN_NORMAL), []],
    ['exp(11.09375) rounds to Infinity', () => expFlags(11.09375, Infinity, MIN_NORMAL), ['overflow']],
    ['exp(Infinity) = Infinity, exactly', () => expFlags(Infinity, Infinity, MIN_NORMAL), []],
    ['exp(NaN)', () => expFlags(NaN, NaN, MIN_NORMAL), []],
    ['exp(-10) = 4.54e-5 rounds to 762 * 2^-24, a subnormal', () => expFlags(-10, 762 * SUBNORMAL, MIN_NORMAL), ['underflow']],
    ['exp(-20) = 2.06e-9 rounds to 0', () => expFlags(-20, 0, MIN_NORMAL), ['underflow']],
    ['exp(-Infinity) = 0, exactly', () => expFlags(-Infinity, 0, MIN_NORMAL), []],
  ]);
});

describe('logFlags (log(x) rounded to r)', () => {
  check([
    ['log(2) rounds to 0.693359375', () => logFlags(2, 0.693359375, MIN_NORMAL), []],
    ['log(0.5) rounds to -0.693359375', () => logFlags(0.5, -0.693359375, MIN_NORMAL), []],
    ['log(-1)', () => logFlags(-1, NaN, MIN_NORMAL), ['invalid']],
    ['log(NaN)', () => logFlags(NaN, NaN, MIN_NORMAL), []],
    ['log(0) = -Infinity', () => logFlags(0, -Infinity, MIN_NORMAL), ['divideByZero']],
    ['log(-0) = -Infinity', () => logFlags(-0, -Infinity, MIN_NORMAL), ['divideByZero']],
    ['log(Infinity) = Infinity, exactly', () => logFlags(Infinity, Infinity, MIN_NORMAL), []],
    ['log(1) = 0, exactly', () => logFlags(1, 0, MIN_NORMAL), []],
  ]);
});

describe('log1pFlags (log1p(x) rounded to r)', () => {
  check([
    ['log1p(1) rounds to 0.693359375', () => log1pFlags(1, 0.693359375, MIN_NORMAL), []],
    ['log1p(-0.5) rounds to -0.693359375', () => log1pFlags(-0.5, -0.693359375, MIN_NORMAL), []],
    ['log1p(2^-14) rounds to 2^-14, the smallest normal', () => log1pFlags(MIN_NORMAL, MIN_NORMAL, MIN_NORMAL), []],
    ['log1p(-2)', () => log1pFlags(-2, NaN, MIN_NORMAL), ['invalid']],
    ['log1p(NaN)', () => log1pFlags(NaN, NaN, MIN_NORMAL), []],
    ['log1p(-1) = -Infinity', () => log1pFlags(-1, -Infinity, MIN_NORMAL), ['divideByZero']],
    ['log1p(Infinity) = Infinity, exactly', () => log1pFlags(Infinity, Infinity, MIN_NORMAL), []],
    ['log1p(2^-20) = 2^-20 - 2^-41 rounds to 2^-20, a subnormal', () => log1pFlags(2 ** -20, 2 ** -20, MIN_NORMAL), ['underflow']],
    ['log1p(-2^-20) rounds to -2^-20, a negative subnormal', () => log1pFlags(-(2 ** -20), -(2 ** -20), MIN_NORMAL), ['underflow']],
    ['log1p(0) = 0, exactly', () => log1pFlags(0, 0, MIN_NORMAL), []],
  ]);
});

test('flagNames lists the flags of a bit set in report order', () => {
  expect(flagNames(0)).toEqual([]);
  expect(flagNames(1 | 2 | 4 | 8)).toEqual(['overflow', 'underflow', 'invalid', 'divideByZero']);
  expect(flagNames(8 | 1)).toEqual(['overflow', 'divideByZero']);
});
