/**
 * log1p of a nonnegative double-double, in double-double, with a small relative error even
 * when the argument is tiny (the oracle needs log(s) = log1p(s') where s' = s - 1 is the sum of
 * the terms other than the maximum, and logSoftmax at the maximum is -log1p(s')).
 *
 * Method:
 * - a < 0.5: log1p(a) = 2 atanh(z), z = a / (2 + a) <= 0.2, by the odd series
 *   z (1 + z^2/3 + z^4/5 + ...) in double-double Horner form, stopped when z^(2n) falls below
 *   2^-112 (at most 25 terms). z keeps the relative accuracy of a, so the result does too.
 * - a >= 0.5: y = log(1 + a) by two Newton steps y += (1 + a) exp(-y) - 1 from Math.log; each
 *   step squares the error (Math.log is good to 2^-52, so two steps reach the 2^-105 floor set
 *   by exp's own error).
 * The coefficients 1/(2n+1) are double-doubles computed on BigInt at module load.
 * References: Muller, Elementary Functions (3rd ed., 2016), chapter 6; Hida, Li and Bailey, QD
 * library (2001), whose dd log is the same Newton iteration.
 * Accuracy: relative error below 2^-103.5 (the tests' bound against decimal.js): the largest
 * seen is 2^-104.2 in the series branch and 2^-103.9 in the Newton branch, near a = 0.8, where
 * exp's own error of about 2^-105 is an absolute error of the result.
 *
 * Special cases: a below 2^-106 gives a itself (log1p(a) = a (1 - a/2 + ...)), so a = 0 gives exactly
 * 0 and subnormal arguments lose nothing; a must be finite and >= 0.
 */

import { DD, ddAdd, ddAddDouble, ddDiv, ddMul } from './double-double.js';
import { fixedToDD } from './big-fixed.js';
import { ScaledDD, expDD } from './exp-dd.js';
import { ldexp } from './pow2.js';

const SERIES_TERMS = 32;
const INV_ODD_HI = new Float64Array(SERIES_TERMS);
const INV_ODD_LO = new Float64Array(SERIES_TERMS);
{
  const bits = 320;
  const holder = new DD();
  for (let n = 0; n < SERIES_TERMS; n++) {
    fixedToDD(holder, (1n << BigInt(bits)) / BigInt(2 * n + 1), bits);
    INV_ODD_HI[n] = holder.hi;
    INV_ODD_LO[n] = holder.lo;
  }
}

const SERIES_STOP = 2 ** -112;

const z = new DD();
const zSquared = new DD();
const acc = new DD();
const one = new DD();
const y = new DD();
const scaled = new ScaledDD();

/** log1p(aHi + aLo) for a >= 0, into out. */
export function log1pDD(out: DD, aHi: number, aLo: number): void {
  if (aHi < 2 ** -106) {
    // log1p(a) = a (1 - a/2 + ...): a itself is within 2^-107 relative (and exact at 0).
    out.hi = aHi;
    out.lo = aLo;
    return;
  }
  if (aHi < 0.5) {
    ddAddDouble(acc, aHi, aLo, 2);
    ddDiv(z, aHi, aLo, acc.hi, acc.lo);
    ddMul(zSquared, z.hi, z.lo, z.hi, z.lo);
    let terms = 0;
    for (let power = zSquared.hi; power > SERIES_STOP && terms < SERIES_TERMS - 1; power *= zSquared.hi) terms++;
    acc.hi = INV_ODD_HI[terms];
    acc.lo = INV_ODD_LO[terms];
    for (let n = terms - 1; n >= 0; n--) {
      ddMul(acc, acc.hi, acc.lo, zSquared.hi, zSquared.lo);
      ddAdd(acc, acc.hi, acc.lo, INV_ODD_HI[n], INV_ODD_LO[n]);
    }
    ddMul(out, acc.hi, acc.lo, z.hi, z.lo);
    out.hi *= 2;
    out.lo *= 2;
    return;
  }
  // s = 1 + a; Newton on exp(y) = s.
  ddAddDouble(one, aHi, aLo, 1);
  y.hi = Math.log(one.hi);
  y.lo = 0;
  for (let step = 0; step < 2; step++) {
    expDD(scaled, -y.hi, -y.lo);
    ddMul(acc, one.hi, one.lo, scaled.hi, scaled.lo);
    // s exp(-y) is near 1: scaling by 2^exp2 is exact, and subtracting 1 is exact (Sterbenz).
    const wHi = ldexp(acc.hi, scaled.exp2);
    const wLo = ldexp(acc.lo, scaled.exp2);
    ddAddDouble(acc, wHi - 1, 0, wLo);
    ddAdd(y, y.hi, y.lo, acc.hi, acc.lo);
  }
  out.hi = y.hi;
  out.lo = y.lo;
}
