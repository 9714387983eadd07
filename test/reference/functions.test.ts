// exp and log1p in double-double, the BigInt fixed-point functions, and the constants the
// oracle builds at load (ln 2 in pieces, the table of 2^(j/512)), all against decimal.js.
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import {
  FixedExpTable,
  bitLength,
  expFixed,
  fixedToDD,
  fixedToDouble,
  ln2Fixed,
  logFixed,
  toFixed,
} from '../../src/reference/big-fixed.js';
import { DD, twoSum } from '../../src/reference/double-double.js';
import { EXP2_TABLE_HI, EXP2_TABLE_LO, EXP_DD_MIN_ARGUMENT, LN2_OVER_512, ScaledDD, expDD } from '../../src/reference/exp-dd.js';
import { log1pDD } from '../../src/reference/log-dd.js';
import { Precise, checkClose, ddDecimal, decimalLog1p, exactDecimal } from './decimal-oracle.js';

/** A deterministic uniform generator (the ranges below are swept, not sampled at random). */
function uniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** A double-double near `value`: hi = value, lo a random fraction of half an ulp. */
function nearby(value: number, fraction: number, holder: DD): void {
  const ulp = value === 0 ? 0 : 2 ** (Math.floor(Math.log2(Math.abs(value))) - 52);
  twoSum(holder, value, (fraction - 0.5) * ulp);
}

const tolerance = (bits: number): Decimal => new Precise(2).pow(-bits);

function significantBits(x: number): number {
  let mantissa = Math.abs(x) / 2 ** Math.floor(Math.log2(Math.abs(x)));
  let bits = 1;
  while (mantissa !== Math.floor(mantissa)) {
    mantissa *= 2;
    bits += 1;
  }
  return bits - Math.floor(Math.log2(mantissa)) + Math.floor(Math.log2(mantissa));
}

describe('constants built at load', () => {
  it('ln(2)/512 = C1 + C2 + C3 + C4 to 2^-125, with C1..C3 of at most 25 bits (so k * Ci is exact)', () => {
    const { c1, c2, c3, c4 } = LN2_OVER_512;
    for (const piece of [c1, c2, c3]) expect(significantBits(piece)).toBeLessThanOrEqual(25);
    const sum = exactDecimal(c1).plus(exactDecimal(c2)).plus(exactDecimal(c3)).plus(exactDecimal(c4));
    checkClose('ln(2)/512', 'C1 + C2 + C3 + C4', sum, Precise.ln(2).div(512), tolerance(125));
    expect(c4).not.toBe(0);
  });

  it('the table of 2^(j/512): hi is the float64 nearest, hi + lo within 2^-106', () => {
    for (let j = 0; j < 512; j++) {
      const expected = new Precise(2).pow(new Precise(j).div(512));
      const hi = EXP2_TABLE_HI[j];
      const ulp = 2 ** (Math.floor(Math.log2(hi)) - 52);
      expect(exactDecimal(hi).minus(expected).abs().lte(new Precise(ulp).div(2))).toBe(true);
      checkClose(`2^(${j}/512)`, `table entry ${j}`, ddDecimal(hi, EXP2_TABLE_LO[j]), expected, tolerance(106));
    }
    expect(EXP2_TABLE_HI[0]).toBe(1);
    expect(EXP2_TABLE_LO[0]).toBe(0);
  });
});

describe('expDD', () => {
  const out = new ScaledDD();
  const holder = new DD();

  function checkExp(dHi: number, dLo: number, bits = 104.5): void {
    expDD(out, dHi, dLo);
    const expected = Precise.exp(exactDecimal(dHi).plus(exactDecimal(dLo)));
    checkClose('exp', [dHi, dLo], ddDecimal(out.hi, out.lo, out.exp2), expected, tolerance(bits));
    expect(out.hi).toBeGreaterThanOrEqual(0.99);
    expect(out.hi).toBeLessThan(2.01);
  }

  const ranges: Array<[string, number, number, number]> = [
    ['near 0 (|d| < 0.01)', -0.01, 0.01, 400],
    ['[-745, 0] (float64 range)', -745, 0, 300],
    ['[-20000, 0] (the logit spreads met)', -20000, 0, 300],
    ['[-262144, -20000] (the end of the fast reduction)', -262144, -20000, 200],
    ['[-1e6, -262144] (BigInt reduction)', -1e6, -262144, 40],
    ['[-1.4e9, -1e9] (BigInt reduction, the last exponents)', -1.4e9, -1e9, 40],
    ['[0, 13] (the Newton steps of log)', 0, 13, 200],
  ];
  for (const [name, lo, hi, count] of ranges) {
    it(`relative error below 2^-104.5 on ${name}`, () => {
      const random = uniform(lo * 7 + hi);
      for (let i = 0; i < count; i++) {
        nearby(lo + (hi - lo) * random(), random(), holder);
        checkExp(holder.hi, holder.lo);
      }
    });
  }

  it('arguments at multiples of ln(2)/512 and halfway between (every table entry, both ends of r)', () => {
    for (let k = -1100; k <= 1100; k += 7) {
      checkExp((k * Math.LN2) / 512, 0);
      checkExp(((k + 0.5) * Math.LN2) / 512, 0);
    }
  });

  it('exp2 reaches -2^31 and no further: 2^31 ln 2 = 1488522235.9098 (mpmath), and k = round(d 512 / ln 2) crosses -2^40 - 1/2 at d = -1488522235.9105', () => {
    // d 512 / ln 2 + 2^40 = -0.158 at d = -1488522235.91: k = -2^40, exp2 = -2^31, hi = 2^-0.0003.
    checkExp(-1488522235.91, 0);
    expect(out.exp2).toBe(-(2 ** 31));
    // -0.897 at d = -1488522235.911: k = -2^40 - 1, exp2 would be -2^31 - 1.
    expDD(out, -1488522235.911, 0);
    expect([out.hi, out.lo, out.exp2]).toEqual([0, 0, 0]);
    checkExp(-1488522235, 0);
    expect(out.exp2).toBe(-2147483647);
    checkExp(-1.45e9, 0);
    expect(out.exp2).toBe(-2091907810); // 1.45e9 / ln 2 = 2091907809.29
  });

  it('exp(0) = 1 exactly; -Infinity and below -2^31 ln 2 give 0; NaN gives NaN; above 2^18 throws', () => {
    expDD(out, 0, 0);
    expect([out.hi, out.lo, out.exp2]).toEqual([1, 0, 0]);
    expDD(out, -Infinity, 0);
    expect([out.hi, out.lo, out.exp2]).toEqual([0, 0, 0]);
    expDD(out, EXP_DD_MIN_ARGUMENT * 1.01, 0);
    expect([out.hi, out.lo, out.exp2]).toEqual([0, 0, 0]);
    expDD(out, NaN, 0);
    expect(out.hi).toBeNaN();
    expect(() => expDD(out, 3e5, 0)).toThrow(RangeError);
  });
});

describe('log1pDD', () => {
  const out = new DD();
  const holder = new DD();

  function checkLog1p(aHi: number, aLo: number, bits: number): void {
    log1pDD(out, aHi, aLo);
    const a = exactDecimal(aHi).plus(exactDecimal(aLo));
    checkClose('log1p', [aHi, aLo], ddDecimal(out.hi, out.lo), decimalLog1p(a, Precise), tolerance(bits));
  }

  const ranges: Array<[string, number, number, number]> = [
    ['[1e-300, 1e-200]', 1e-300, 1e-200, 100],
    ['[1e-20, 1e-8]', 1e-20, 1e-8, 200],
    ['[1e-4, 0.5) (series)', 1e-4, 0.5, 400],
    ['[0.5, 3] (Newton)', 0.5, 3, 400],
    ['[3, 2e5] (Newton)', 3, 2e5, 300],
  ];
  for (const [name, lo, hi, count] of ranges) {
    it(`relative error below 2^-103.5 on ${name}`, () => {
      const random = uniform(Math.round(Math.log(hi) * 1000));
      for (let i = 0; i < count; i++) {
        nearby(lo + (hi - lo) * random(), random(), holder);
        checkLog1p(holder.hi, holder.lo, 103.5);
      }
    });
  }

  it('log1p(0) = 0 exactly; log1p(a) = a below 2^-106, down to 2^-1074', () => {
    log1pDD(out, 0, 0);
    expect([out.hi, out.lo]).toEqual([0, 0]);
    log1pDD(out, 5e-324, 0);
    expect(out.hi).toBe(5e-324);
    log1pDD(out, 2 ** -107, 2 ** -170);
    expect([out.hi, out.lo]).toEqual([2 ** -107, 2 ** -170]);
    checkLog1p(2 ** -105, 0, 104);
  });
});

describe('BigInt fixed point', () => {
  const Wide = Decimal.clone({ precision: 200 });
  const W = 300;
  const unit = new Wide(2).pow(-W);
  const holder = new DD();

  function fixedDecimal(v: bigint, w: number): Decimal {
    return new Wide(v.toString()).div(new Wide(2).pow(w));
  }

  it('toFixed is exact for values with no bits below 2^-w, and truncates otherwise', () => {
    expect(toFixed(1.5, 4)).toBe(24n);
    expect(toFixed(-1.5, 4)).toBe(-24n);
    expect(toFixed(5e-324, 1074)).toBe(1n);
    expect(toFixed(5e-324, 1073)).toBe(0n);
    expect(toFixed(2 ** 1000, 0)).toBe(1n << 1000n);
    expect(toFixed(0.1, 60)).toBe(115292150460684704n); // 0x1.999999999999ap-4 * 2^60, exactly
  });

  it('fixedToDouble rounds to nearest, ties to even, with a sticky bit for long values', () => {
    const two53 = 1n << 53n;
    expect(fixedToDouble(two53 + 1n, 0)).toBe(2 ** 53);
    expect(fixedToDouble(two53 + 3n, 0)).toBe(2 ** 53 + 4);
    // (2^53 + 1) 2^100 + 1: just above a tie, must round up.
    expect(fixedToDouble(((two53 + 1n) << 100n) + 1n, 100)).toBe(2 ** 53 + 2);
    expect(fixedToDouble(-(1n << 2000n), 2000)).toBe(-1);
    expect(fixedToDouble(1n, 1074)).toBe(5e-324);
    expect(fixedToDouble(3n, 1075)).toBe(1e-323);
    expect(fixedToDouble(1n, 1076)).toBe(0);
  });

  it('fixedToDD gives hi and lo to 2^-106', () => {
    const v = (1n << 280n) / 3n;
    fixedToDD(holder, v, 281);
    checkClose('1/6 from fixed point', '1/6', ddDecimal(holder.hi, holder.lo), new Precise(1).div(6), tolerance(106));
    expect(holder.hi).toBe(1 / 6);
  });

  it('bitLength', () => {
    expect(bitLength(0n)).toBe(0);
    expect(bitLength(1n)).toBe(1);
    expect(bitLength(-255n)).toBe(8);
    expect(bitLength(1n << 300n)).toBe(301);
  });

  it('ln2Fixed to 2^-w', () => {
    for (const w of [53, 300, 700]) {
      const Digits = Decimal.clone({ precision: 260 });
      const error = new Digits(ln2Fixed(w).toString()).div(new Digits(2).pow(w)).minus(Digits.ln(2)).abs();
      expect(error.lte(new Digits(2).pow(-w))).toBe(true);
    }
  });

  it('expFixed and FixedExpTable to a few units of 2^-w, logFixed too', () => {
    const table = new FixedExpTable(W);
    const random = uniform(5);
    for (let i = 0; i < 60; i++) {
      const x = -40 * random() + (i < 5 ? 5 : 0);
      const d = toFixed(x, W);
      const expected = Wide.exp(fixedDecimal(d, W));
      for (const [name, got] of [
        ['expFixed', expFixed(d, W)],
        ['FixedExpTable', table.exp(d)],
      ] as const) {
        const error = fixedDecimal(got, W).minus(expected).abs();
        if (error.gt(unit.times(64))) throw new Error(`${name}(${x}): error ${error.div(unit).toFixed(1)} units of 2^-${W}`);
      }
      const s = toFixed(1 + 1000 * random(), W);
      const logError = fixedDecimal(logFixed(s, W), W).minus(Wide.ln(fixedDecimal(s, W))).abs();
      if (logError.gt(unit.times(64))) throw new Error(`logFixed: error ${logError.div(unit).toFixed(1)} units of 2^-${W}`);
    }
    expect(table.exp(0n)).toBe(1n << BigInt(W));
    expect(expFixed(0n, W)).toBe(1n << BigInt(W));
    expect(logFixed(1n << BigInt(W), W)).toBe(0n);
  });
});
