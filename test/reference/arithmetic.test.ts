// The building blocks of the oracle: powers of two, double-double arithmetic, cascaded
// summation. Exactness is checked exactly (with decimal.js at enough digits), accuracy against
// decimal.js with explicit tolerances.
import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CascadedSum } from '../../src/reference/compensated-sum.js';
import { DD, ddAdd, ddAddDouble, ddDiv, ddMul, ddMulDouble, fastTwoSum, twoProd, twoSum } from '../../src/reference/double-double.js';
import { ldexp, pow2 } from '../../src/reference/pow2.js';
import { Precise, checkClose, ddDecimal, exactDecimal } from './decimal-oracle.js';

/** Enough digits to hold sums and products of two float64 exactly (in the ranges used). */
const Exact = Decimal.clone({ precision: 1200 });

function exact(x: number): Decimal {
  return new Exact(exactDecimal(x));
}

const finite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 });
const moderate = fc.double({ noNaN: true, min: -1e100, max: 1e100 }).filter((x) => x === 0 || Math.abs(x) > 1e-100);
const holder = new DD();

describe('pow2 and ldexp', () => {
  it('pow2 is exact from 2^-1074 to 2^1023, 0 below, Infinity above', () => {
    expect(pow2(0)).toBe(1);
    expect(pow2(-1074)).toBe(5e-324);
    expect(pow2(-1075)).toBe(0);
    expect(pow2(1023)).toBe(8.98846567431158e307);
    expect(pow2(1024)).toBe(Infinity);
    expect(pow2(-1022)).toBe(2.2250738585072014e-308);
    for (let n = -1074; n <= 1023; n += 7) expect(exact(pow2(n)).eq(new Exact(2).pow(n))).toBe(true);
  });

  it('ldexp scales exactly while normal, rounds once into the subnormals, saturates', () => {
    expect(ldexp(1.5, -1074)).toBe(1e-323); // 1.5 * 2^-1074 rounds to even: 2 * 2^-1074
    expect(ldexp(3, 1023)).toBe(Infinity);
    expect(ldexp(3, 1022)).toBe(3 * 2 ** 1022);
    expect(ldexp(2 ** 60, -1100)).toBe(2 ** -1040);
    expect(ldexp(1, -2000)).toBe(0);
    expect(ldexp(2 ** -1000, 2000)).toBe(2 ** 1000);
    expect(ldexp(-(2 ** 63), -1136)).toBe(-(2 ** -1073));
    expect(Object.is(ldexp(-1, -3000), -0)).toBe(true);
  });

  it('ldexp far past 2^1023: Infinity or a zero once the steps of 2^600 leave the range, whatever is left of n', () => {
    // 1 * 2^600 * 2^600 is already Infinity with 3800 of n left; 0 stays 0 (of its sign).
    expect(ldexp(1, 5000)).toBe(Infinity);
    expect(ldexp(-1, 5000)).toBe(-Infinity);
    expect(ldexp(0, 5000)).toBe(0);
    expect(Object.is(ldexp(-0, 5000), -0)).toBe(true);
  });

  it('ldexp down to exactly 2^-1022 left after the steps of 2^-600 applies it (2^1000 * 2^-1622 = 2^-622)', () => {
    // 2^1000 * 2^-600 = 2^400 leaves n = -1022, applied in one exact multiplication.
    expect(ldexp(2 ** 1000, -1622)).toBe(2 ** -622);
    expect(ldexp(-(2 ** 1000), -1622)).toBe(-(2 ** -622));
  });
});

describe('error-free transformations', () => {
  it('twoSum: s + e = a + b exactly and s = fl(a + b)', () => {
    fc.assert(
      fc.property(finite, finite, (a, b) => {
        twoSum(holder, a, b);
        expect(holder.hi).toBe(a + b);
        expect(exact(holder.hi).plus(exact(holder.lo)).eq(exact(a).plus(exact(b)))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('fastTwoSum: exact when |a| >= |b|', () => {
    fc.assert(
      fc.property(finite, finite, (x, y) => {
        const [a, b] = Math.abs(x) >= Math.abs(y) ? [x, y] : [y, x];
        fastTwoSum(holder, a, b);
        expect(exact(holder.hi).plus(exact(holder.lo)).eq(exact(a).plus(exact(b)))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('twoProd: p + e = a * b exactly (Dekker/Veltkamp, no fma)', () => {
    fc.assert(
      fc.property(moderate, moderate, (a, b) => {
        twoProd(holder, a, b);
        expect(holder.hi).toBe(a * b);
        expect(exact(holder.hi).plus(exact(holder.lo)).eq(exact(a).times(exact(b)))).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

/** A double-double with |lo| <= ulp(hi)/2 from two doubles. */
const doubleDouble = fc.oneof(
  { weight: 9, arbitrary: fc.tuple(fc.double({ noNaN: true, min: -1e50, max: 1e50 }), fc.double({ min: -0.5, max: 0.5, noNaN: true })).map(([hi, fraction]) => {
    const lo = hi * 2 ** -53 * fraction;
    twoSum(holder, hi, lo);
    return [holder.hi, holder.lo] as const;
  }).filter(([hi]) => hi === 0 || Math.abs(hi) > 1e-50) },
  // Zeros of both signs, so that exact zero sums, products and quotients come up often.
  { weight: 1, arbitrary: fc.constantFrom([0, 0] as const, [-0, 0] as const) },
);

function dd(hi: number, lo: number): Decimal {
  return exact(hi).plus(exact(lo));
}

const tolerance = (bits: number): Decimal => new Precise(2).pow(-bits);

/** An exact zero result must be the double-double 0 + 0 (signs aside): hi alone is not enough. */
function checkZero(what: string, input: number[], hi: number, lo: number): void {
  if (hi === 0 && lo === 0) return;
  throw new Error(
    [
      `${what}: the exact result is 0`,
      `  input      [${input.join(', ')}]`,
      `  got        ${hi} + ${lo}`,
      `  expected   0 + 0`,
      `  difference ${ddDecimal(hi, lo).toString()}`,
      `  tolerance  0 (an exact zero)`,
    ].join('\n'),
  );
}

describe('double-double operations (tolerances from Joldes, Muller and Popescu 2017)', () => {
  it('ddAdd: relative error below 3 * 2^-106', () => {
    fc.assert(
      fc.property(doubleDouble, doubleDouble, ([aHi, aLo], [bHi, bLo]) => {
        ddAdd(holder, aHi, aLo, bHi, bLo);
        const expected = dd(aHi, aLo).plus(dd(bHi, bLo));
        if (expected.isZero()) return checkZero('ddAdd', [aHi, aLo, bHi, bLo], holder.hi, holder.lo);
        checkClose('ddAdd', [aHi, aLo, bHi, bLo], ddDecimal(holder.hi, holder.lo), expected, tolerance(104.4));
      }),
      { numRuns: 1000 },
    );
  });

  it('ddAddDouble: relative error below 2 * 2^-106', () => {
    fc.assert(
      fc.property(doubleDouble, fc.oneof(fc.double({ noNaN: true, min: -1e50, max: 1e50 }), fc.constantFrom(0, -0)), ([aHi, aLo], b) => {
        ddAddDouble(holder, aHi, aLo, b);
        const expected = dd(aHi, aLo).plus(exact(b));
        if (expected.isZero()) return checkZero('ddAddDouble', [aHi, aLo, b], holder.hi, holder.lo);
        checkClose('ddAddDouble', [aHi, aLo, b], ddDecimal(holder.hi, holder.lo), expected, tolerance(105));
      }),
      { numRuns: 1000 },
    );
  });

  it('ddMul: relative error below 7 * 2^-106; ddMulDouble below 2 * 2^-106', () => {
    fc.assert(
      fc.property(doubleDouble, doubleDouble, ([aHi, aLo], [bHi, bLo]) => {
        ddMul(holder, aHi, aLo, bHi, bLo);
        const expected = dd(aHi, aLo).times(dd(bHi, bLo));
        if (expected.isZero()) checkZero('ddMul', [aHi, aLo, bHi, bLo], holder.hi, holder.lo);
        else checkClose('ddMul', [aHi, aLo, bHi, bLo], ddDecimal(holder.hi, holder.lo), expected, tolerance(103.1));
        ddMulDouble(holder, aHi, aLo, bHi);
        const expectedByDouble = dd(aHi, aLo).times(exact(bHi));
        if (expectedByDouble.isZero()) checkZero('ddMulDouble', [aHi, aLo, bHi], holder.hi, holder.lo);
        else checkClose('ddMulDouble', [aHi, aLo, bHi], ddDecimal(holder.hi, holder.lo), expectedByDouble, tolerance(105));
      }),
      { numRuns: 1000 },
    );
  });

  it('ddDiv: relative error below 2^-104', () => {
    fc.assert(
      fc.property(doubleDouble, doubleDouble, ([aHi, aLo], [bHi, bLo]) => {
        if (bHi === 0) return;
        ddDiv(holder, aHi, aLo, bHi, bLo);
        const expected = dd(aHi, aLo).div(dd(bHi, bLo));
        if (expected.isZero()) return checkZero('ddDiv', [aHi, aLo, bHi, bLo], holder.hi, holder.lo);
        checkClose('ddDiv', [aHi, aLo, bHi, bLo], ddDecimal(holder.hi, holder.lo), new Precise(expected), tolerance(104));
      }),
      { numRuns: 1000 },
    );
  });

  it('ddDiv: a quotient whose second correction must subtract the low word of b q2 (found by a search for the mutant that adds it)', () => {
    // With the sign of that low word flipped, this quotient is off by 2^-103.7; done right, by 2^-105.6.
    const [aHi, aLo, bHi, bLo] = [0.0022456618552707994, -1.977250288138335e-19, -0.531824632237016, -4.8928811973908076e-17];
    ddDiv(holder, aHi, aLo, bHi, bLo);
    checkClose('ddDiv', [aHi, aLo, bHi, bLo], ddDecimal(holder.hi, holder.lo), new Precise(dd(aHi, aLo).div(dd(bHi, bLo))), tolerance(104));
  });

  it('ddAdd and ddAddDouble: exact sums that are double-doubles come back exactly, normalized (hi = fl(hi + lo))', () => {
    // 128 + 2^-46 is a tie between 128 and 128 + 2^-45 (the spacing there): fl gives 128 (even).
    ddAdd(holder, 128, 0, 2 ** -46, 0);
    expect([holder.hi, holder.lo]).toEqual([128, 2 ** -46]);
    ddAddDouble(holder, 128, 0, 2 ** -46);
    expect([holder.hi, holder.lo]).toEqual([128, 2 ** -46]);
    // (1 + 2^-54) + (-1 + 3 2^-108): the high words cancel, the sum is that of the low words,
    // 2^-54 + 0.75 2^-106, whose nearest double is 2^-54 + 2^-106 (spacing 2^-106): lo = -2^-108.
    ddAdd(holder, 1, 2 ** -54, -1, 3 * 2 ** -108);
    expect([holder.hi, holder.lo]).toEqual([2 ** -54 + 2 ** -106, -(2 ** -108)]);
    // (-384 - 3 2^-101) + (352 + 15 2^-49) = -(32 - 7.5 2^-48 + 3 2^-101): just past the tie
    // between 32 - 7 2^-48 and 32 - 8 2^-48 (spacing 2^-48 in [16, 32)), so hi = -(32 - 7 2^-48)
    // and lo = 2^-49 - 3 2^-101 (a double: the spacing below 2^-49 is 2^-102).
    ddAdd(holder, -384, -3 * 2 ** -101, 352, 15 * 2 ** -49);
    expect([holder.hi, holder.lo]).toEqual([-(32 - 7 * 2 ** -48), 2 ** -49 - 3 * 2 ** -101]);
  });
});

describe('CascadedSum', () => {
  it('sums 100000 positive double-double terms to 2^-104 relative, where a double-double accumulator drifts', () => {
    const sum = new CascadedSum();
    let state = 99;
    let expected = new Exact(0);
    let plainHi = 0;
    let plainLo = 0;
    for (let j = 0; j < 100000; j++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      const hi = (state / 2 ** 32) * 0.9 + 0.1;
      const lo = hi * 2 ** -54 * ((state & 0xff) / 255 - 0.5);
      twoSum(holder, hi, lo);
      sum.add(holder.hi, holder.lo);
      expected = expected.plus(exact(holder.hi)).plus(exact(holder.lo));
      ddAdd(holder, plainHi, plainLo, holder.hi, holder.lo);
      plainHi = holder.hi;
      plainLo = holder.lo;
    }
    sum.toDD(holder);
    checkClose('cascaded sum of 100000 terms', 'a linear congruential sequence of 100000 terms in [0.1, 1]', ddDecimal(holder.hi, holder.lo), new Precise(expected), tolerance(104));
    // The plain accumulator is worse by orders of magnitude (this is why the cascade exists).
    const plainError = ddDecimal(plainHi, plainLo).minus(expected).abs().div(expected);
    const cascadedError = ddDecimal(holder.hi, holder.lo).minus(expected).abs().div(expected);
    expect(plainError.gt(cascadedError.times(16))).toBe(true);
  });

  it('keeps the terms that a float64 accumulator drops (1 + many 2^-80)', () => {
    const sum = new CascadedSum();
    sum.add(1, 0);
    for (let j = 0; j < 4096; j++) sum.add(2 ** -80, 2 ** -140);
    sum.toDD(holder);
    const expected = new Exact(1).plus(new Exact(2).pow(-80).times(4096)).plus(new Exact(2).pow(-140).times(4096));
    checkClose('1 + 4096 (2^-80 + 2^-140)', '1 + 4096 tiny terms', ddDecimal(holder.hi, holder.lo), new Precise(expected), tolerance(105));
  });
});
