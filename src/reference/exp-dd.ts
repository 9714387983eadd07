/**
 * exp of a double-double argument, in double-double, with the result's binary exponent kept
 * apart so that values far below float64's range (exp(-2000) = 2^-2885.4...) keep their full
 * relative accuracy: exp(dHi + dLo) = (hi + lo) * 2^exp2, hi + lo in [0.998, 2.004).
 *
 * Method (table-driven, as in Tang, "Table-driven implementation of the exponential function in
 * IEEE floating-point arithmetic", ACM TOMS 15(2), 1989, and CRlibm's double-double exp):
 * 1. k = round(d * 512 / ln 2), r = d - k (ln 2)/512, so |r| <= (ln 2)/1024 < 2^-10.5.
 *    (ln 2)/512 is held as C1 + C2 + C3 + C4: three pieces of 25 bits, so that k * Ci is exact
 *    for |k| < 2^28 (Cody and Waite's reduction), and a full float64; 128 bits in all, so the
 *    reduction error is below 2^-110 for |d| <= 2^18. Each subtraction is an exact twoSum.
 *    Beyond 2^18 (and down to -2^31 ln 2 = -1.4885e9, where exp2 still fits an Int32) the
 *    reduction is done on BigInt fixed point (see big-fixed.ts): slow, but such arguments are
 *    rare.
 * 2. exp(d) = 2^(k >> 9) * 2^((k & 511)/512) * exp(r), with 2^(j/512) from a table of
 *    double-doubles, each correctly rounded, computed at module load on BigInt.
 * 3. exp(r) - 1 by its Taylor series to degree 8 (the first term left out is below 2^-113), in
 *    Horner form: the coefficients 1/6 and 1/24 are double-doubles, the higher terms plain
 *    float64, and the products that matter are exact (twoProd). With r = h + l, the low part l
 *    enters as l * (1 + (exp(h) - 1)).
 * Relative error: below 2^-104.5 (the tests' bound against decimal.js at 60 digits; the largest
 * seen is 2^-105.1).
 *
 * Special cases: d = -Infinity, and d whose exp2 would be below -2^31 (d < -2^31 ln 2 -
 * (ln 2)/1024 = -1488522235.9105: values below 2^(-2^31 - 1/1024)), give exactly 0 (hi = lo =
 * 0, exp2 = 0): exp2 is an Int32 wherever it is stored. NaN gives NaN. d = 0 gives exactly 1.
 * Arguments above 2^18 are not supported (the oracle only needs d <= 0 and, in its Newton steps
 * for log, d <= 13).
 */

import { DD, twoSum } from './double-double.js';
import { approximate, fixedToDD, fixedToDouble, ln2Fixed, expFixed, bitLength, toFixed } from './big-fixed.js';

/** A double-double with a separate binary exponent: value = (hi + lo) * 2^exp2. */
export class ScaledDD {
  hi = 0;
  lo = 0;
  exp2 = 0;
}

/** The smallest exp2 of a nonzero result: -2^31, the least Int32. */
export const EXP_DD_MIN_EXP2 = -(2 ** 31);

/**
 * Below this argument exp is returned as 0 at once: -2^31 ln 2 - (ln 2)/1024 = -1488522235.9105
 * rounded down to an integer, so that every argument whose exp2 is representable lies above it.
 * Between the two, the reduction's exponent decides (slowReduction).
 */
export const EXP_DD_MIN_ARGUMENT = -1488522236;

/** Table size: 2^(j/512), j = 0..511. */
const TABLE_BITS = 9;
const TABLE_SIZE = 1 << TABLE_BITS;
const FAST_REDUCTION_LIMIT = 262144; // 2^18: |k| < 2^28, so k * C1..C3 are exact.

/** Bits of the BigInt computations of the constants (far above the 106 needed). */
const CONSTANT_BITS = 320;

const holder = new DD();

function constantToDD(value: bigint): DD {
  const result = new DD();
  fixedToDD(result, value, CONSTANT_BITS);
  return result;
}

// (ln 2)/512 at CONSTANT_BITS fractional bits, cut into C1, C2, C3 (25 bits each) and C4.
const LN2_OVER_N = ln2Fixed(CONSTANT_BITS - TABLE_BITS);
const LN2_OVER_N_BITS = bitLength(LN2_OVER_N);
function piece(value: bigint, index: number): bigint {
  const drop = BigInt(LN2_OVER_N_BITS - 25 * (index + 1));
  const upper = (value >> drop) << drop;
  const previous = index === 0 ? 0n : (value >> (drop + 25n)) << (drop + 25n);
  return upper - previous;
}
/** The pieces of (ln 2)/512: C1 + C2 + C3 + C4 = (ln 2)/512 to 2^-128 relative. */
export const LN2_OVER_512 = {
  c1: fixedToDouble(piece(LN2_OVER_N, 0), CONSTANT_BITS),
  c2: fixedToDouble(piece(LN2_OVER_N, 1), CONSTANT_BITS),
  c3: fixedToDouble(piece(LN2_OVER_N, 2), CONSTANT_BITS),
  c4: fixedToDouble(LN2_OVER_N - ((LN2_OVER_N >> BigInt(LN2_OVER_N_BITS - 75)) << BigInt(LN2_OVER_N_BITS - 75)), CONSTANT_BITS),
};
const C1 = LN2_OVER_512.c1;
const C2 = LN2_OVER_512.c2;
const C3 = LN2_OVER_512.c3;
const C4 = LN2_OVER_512.c4;
const N_OVER_LN2 = TABLE_SIZE / Math.LN2;

/** 2^(j/512) for j = 0..511, correctly rounded double-doubles: value = TABLE_HI[j] + TABLE_LO[j]. */
export const EXP2_TABLE_HI = new Float64Array(TABLE_SIZE);
export const EXP2_TABLE_LO = new Float64Array(TABLE_SIZE);
for (let j = 0; j < TABLE_SIZE; j++) {
  // 2^(j/512) = exp(j (ln 2)/512), at CONSTANT_BITS bits.
  const value = expFixed(BigInt(j) * LN2_OVER_N, CONSTANT_BITS);
  fixedToDD(holder, value, CONSTANT_BITS);
  EXP2_TABLE_HI[j] = holder.hi;
  EXP2_TABLE_LO[j] = holder.lo;
}

const ONE = 1n << BigInt(CONSTANT_BITS);
const INV6 = constantToDD(ONE / 6n);
const INV24 = constantToDD(ONE / 24n);
const INV6_HI = INV6.hi;
const INV6_LO = INV6.lo;
const INV24_HI = INV24.hi;
const INV24_LO = INV24.lo;
const INV120 = 1 / 120;
const INV720 = 1 / 720;
const INV5040 = 1 / 5040;
const INV40320 = 1 / 40320;

const SPLITTER = 134217729;

/**
 * (T_j) * exp(h + l) into out (without exponent), for |h + l| <= 2^-10.5 and the table entry j.
 * The products marked exact are Dekker products, written out so that the hot loop inlines.
 */
function expReduced(out: ScaledDD, j: number, h: number, l: number): void {
  // Split h once for the three exact products h*h, h*F, h*D.
  let t = SPLITTER * h;
  const hBig = t - (t - h);
  const hSmall = h - hBig;

  // G = 1/120 + h/720 + h^2/5040 + h^3/40320 (float64 suffices: it is multiplied by h^5).
  const g = INV120 + h * (INV720 + h * (INV5040 + h * INV40320));

  // F = 1/24 + h G as a double-double.
  const hg = h * g;
  let s = INV24_HI + hg;
  const fHi = s;
  const fLo = (hg - (s - INV24_HI)) + INV24_LO;

  // h F, exactly in its leading part.
  let p = h * fHi;
  t = SPLITTER * fHi;
  let bBig = t - (t - fHi);
  let bSmall = fHi - bBig;
  let e = ((hBig * bBig - p) + hBig * bSmall + hSmall * bBig) + hSmall * bSmall + h * fLo;

  // D = 1/6 + h F.
  s = INV6_HI + p;
  const dHi = s;
  const dLo = (p - (s - INV6_HI)) + e + INV6_LO;

  // h D.
  p = h * dHi;
  t = SPLITTER * dHi;
  bBig = t - (t - dHi);
  bSmall = dHi - bBig;
  e = ((hBig * bBig - p) + hBig * bSmall + hSmall * bBig) + hSmall * bSmall + h * dLo;

  // A = 1/2 + h D.
  s = 0.5 + p;
  const aHi = s;
  const aLo = (p - (s - 0.5)) + e;

  // h^2, exact.
  const qHi = h * h;
  const qLo = ((hBig * hBig - qHi) + 2 * hBig * hSmall) + hSmall * hSmall;

  // X = h^2 A.
  p = qHi * aHi;
  t = SPLITTER * qHi;
  const qBig = t - (t - qHi);
  const qSmall = qHi - qBig;
  t = SPLITTER * aHi;
  bBig = t - (t - aHi);
  bSmall = aHi - bBig;
  e = ((qBig * bBig - p) + qBig * bSmall + qSmall * bBig) + qSmall * bSmall + (qHi * aLo + qLo * aHi);

  // exp(r) - 1 = h + X + l (1 + h + X).
  s = h + p;
  let sLo = (p - (s - h)) + e;
  sLo += l + l * s;
  const mHi = s + sLo;
  const mLo = sLo - (mHi - s);

  // T (1 + M) = T + T M.
  const tHi = EXP2_TABLE_HI[j];
  const tLo = EXP2_TABLE_LO[j];
  p = tHi * mHi;
  t = SPLITTER * tHi;
  bBig = t - (t - tHi);
  bSmall = tHi - bBig;
  t = SPLITTER * mHi;
  const mBig = t - (t - mHi);
  const mSmall = mHi - mBig;
  e = ((bBig * mBig - p) + bBig * mSmall + bSmall * mBig) + bSmall * mSmall + (tHi * mLo + tLo * mHi);
  s = tHi + p;
  const rest = (p - (s - tHi)) + e + tLo;
  const hi = s + rest;
  out.hi = hi;
  out.lo = rest - (hi - s);
}

/** exp(dHi + dLo) = (out.hi + out.lo) * 2^out.exp2 (see the module comment). */
export function expDD(out: ScaledDD, dHi: number, dLo: number): void {
  if (dHi >= -FAST_REDUCTION_LIMIT && dHi <= FAST_REDUCTION_LIMIT) {
    if (dHi === 0 && dLo === 0) {
      out.hi = 1;
      out.lo = 0;
      out.exp2 = 0;
      return;
    }
    const k = Math.round(dHi * N_OVER_LN2);
    // dHi - k C1 is exact (Sterbenz: the two are within a factor 2 when k != 0).
    const r1 = dHi - k * C1;
    twoSum(holder, r1, -k * C2);
    const r2 = holder.hi;
    let lo = holder.lo;
    twoSum(holder, r2, -k * C3);
    const r3 = holder.hi;
    lo += holder.lo;
    twoSum(holder, r3, dLo);
    lo += holder.lo - k * C4;
    // r4 may be as small as lo (r near 0), so twoSum rather than fastTwoSum.
    twoSum(holder, holder.hi, lo);
    expReduced(out, k & (TABLE_SIZE - 1), holder.hi, holder.lo);
    out.exp2 = k >> TABLE_BITS;
    return;
  }
  if (dHi !== dHi) {
    out.hi = NaN;
    out.lo = NaN;
    out.exp2 = 0;
    return;
  }
  if (dHi < EXP_DD_MIN_ARGUMENT) {
    out.hi = 0;
    out.lo = 0;
    out.exp2 = 0;
    return;
  }
  if (dHi > FAST_REDUCTION_LIMIT) throw new RangeError(`expDD: argument ${dHi} above 2^18`);
  slowReduction(out, dHi, dLo);
}

/** The reduction of step 1 on BigInt, for 2^18 < |d| <= 2^31 ln 2. */
function slowReduction(out: ScaledDD, dHi: number, dLo: number): void {
  const bits = 200;
  const d = toFixed(dHi, bits) + toFixed(dLo, bits);
  const k = Math.round(approximate(d, bits) * N_OVER_LN2);
  const j = k - TABLE_SIZE * Math.floor(k / TABLE_SIZE);
  const exp2 = (k - j) / TABLE_SIZE;
  if (exp2 < EXP_DD_MIN_EXP2) {
    // d < -2^31 ln 2 - (ln 2)/1024: the value is below 2^(-2^31 - 1/1024), exp2 below the Int32s.
    out.hi = 0;
    out.lo = 0;
    out.exp2 = 0;
    return;
  }
  const r = d - BigInt(k) * ln2Fixed(bits - TABLE_BITS);
  fixedToDD(holder, r, bits);
  expReduced(out, j, holder.hi, holder.lo);
  out.exp2 = exp2;
}
