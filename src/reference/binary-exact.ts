/**
 * The exact values of one logit x and its target y (SPEC section 10): sigmoid(x) = 1/(1 + e^-x),
 * logSigmoid(x) = -log(1 + e^-x) and bce(x, y) = max(x, 0) - x y + log(1 + e^-|x|), to a
 * relative accuracy of 2^-100 or better at any magnitude, for x and y already cast to the format
 * under analysis. Like ReferenceRow, it shares no code with the algorithms under test.
 *
 * Every value is a double-double with a binary exponent, as the metrics take exact values
 * (ExactValues in metrics/accumulate.ts): value = (hi + lo) * 2^exp2, exp2 = 0 whenever the
 * value is at least 2^-960 in magnitude (then hi + lo is the value, hi = fl(hi + lo)), and
 * negative below, where a plain double-double would lose its relative accuracy. Exact zeros are
 * hi = lo = 0 with exp2 = 0.
 *
 * Method. With a = |x| and T = e^-a (expDD, with its own exponent, so e^-1000 keeps its digits),
 * every function is a sum of terms of one sign, so nothing cancels:
 * - L = log(1 + e^-|x|) = log1p(T) (log1pDD), or T itself when T < 2^-900 (the error of that,
 *   T/2 relative, is far below 2^-100), keeping T's exponent.
 * - sigmoid: x >= 0: 1/(1 + T); x < 0: T/(1 + T), with T's exponent (sigmoid(-1000) = e^-1000).
 * - logSigmoid: x >= 0: -L (tiny for large x: -e^-x, with its exponent); x < 0: x - L, two
 *   negative terms.
 * - bce: x >= 0: x (1 - y) + L; x < 0: |x| y + L. Both terms are >= 0 for y in [0, 1], so the
 *   cancellation of x y against max(x, 0) in the textbook form never happens here. 1 - y is
 *   exact as a double-double (twoSum), and the products are formed from x's and y's significands
 *   with the exponents kept apart, so they are exact (or 2^-105) whatever the magnitudes
 *   (x up to 1.8e308, y down to 5e-324).
 * References: as ReferenceRow (Dekker; Hida, Li and Bailey's QD library; Muller et al.,
 * Handbook of Floating-Point Arithmetic, 2018).
 * Accuracy: expDD is good to 2^-104.5 and log1pDD to 2^-103.5 relative; L has condition number
 * T/((1 + T) log1p(T)) <= 1 in T; each double-double addition, multiplication or division adds
 * at most a few 2^-106; sums of terms of one sign keep the largest relative error of their
 * terms. The tests check 2^-100 against decimal.js at 60 digits.
 *
 * Special cases:
 * - x = NaN: every value NaN. y = NaN (no target): bce NaN. A y outside [0, 1] is a RangeError:
 *   the caller validates targets (a cast keeps [0, 1] in [0, 1]).
 * - x = +-0: sigmoid 1/2, logSigmoid -log 2, bce log 2 (x y = 0 exactly).
 * - x = +Infinity: sigmoid 1, logSigmoid 0, bce +Infinity for y < 1 and 0 for y = 1 exactly.
 *   x = -Infinity: sigmoid 0, logSigmoid -Infinity, bce +Infinity for y > 0 and 0 for y = 0.
 *   These are the limits as x grows with y fixed: for y = 1, bce(x, 1) = log(1 + e^-x) -> 0
 *   (the product x (1 - y) is identically 0 along the way, not 0 * Infinity).
 * - e^-|x| below 2^(-2^31) (|x| > 1.4885e9, float64 logits only) is taken as 0 (expDD's
 *   limit, as for softmax in ReferenceRow): sigmoid(x) is then given as 0 for x < 0 and 1 for
 *   x > 0, logSigmoid(x) as x or 0, bce(x, y) as its linear term (0 where that is 0).
 */

import { DD, ddAdd, ddAddDouble, ddDiv, ddMulDouble, twoProd, twoSum } from './double-double.js';
import { ScaledDD, expDD } from './exp-dd.js';
import { log1pDD } from './log-dd.js';
import { ldexp, pow2 } from './pow2.js';

/** The three exact values of a row, each as value = (hi + lo) * 2^exp2. */
export class BinaryExactValues {
  readonly sigmoid = new ScaledDD();
  readonly logSigmoid = new ScaledDD();
  /** NaN when the row has no target. */
  readonly bce = new ScaledDD();
}

/** Values at or above 2^FOLD_LOG2 in magnitude have exp2 = 0 (as in ReferenceRow). */
const FOLD_LOG2 = -960;

/** Below this, log1p(T) is taken as T (relative error T/2). */
const LOG1P_LINEAR_LIMIT = 2 ** -900;

const expHolder = new ScaledDD();
const log1pHolder = new ScaledDD();
const linearHolder = new ScaledDD();
const holder = new DD();
const denominator = new DD();

/** Computes the exact sigmoid, logSigmoid and bce at the logit x and the target y (NaN: none). */
export function binaryExact(x: number, y: number, out: BinaryExactValues): void {
  if (y === y && !(y >= 0 && y <= 1)) throw new RangeError(`binaryExact: the target ${y} is outside [0, 1]`);
  if (x !== x) {
    set(out.sigmoid, NaN, NaN, 0);
    set(out.logSigmoid, NaN, NaN, 0);
    set(out.bce, NaN, NaN, 0);
    return;
  }
  if (x === Infinity || x === -Infinity) {
    infiniteLogit(x, y, out);
    return;
  }

  // T = e^-|x| = (hi + lo) * 2^exp2, and L = log1p(T).
  const magnitude = Math.abs(x);
  expDD(expHolder, -magnitude, 0);
  const t = expHolder;
  const tHi = ldexp(t.hi, t.exp2); // T unscaled: 0 or subnormal when T is tiny, and then only added to 1
  const tLo = ldexp(t.lo, t.exp2);
  const log1p = log1pHolder;
  if (tHi >= LOG1P_LINEAR_LIMIT) {
    log1pDD(holder, tHi, tLo);
    set(log1p, holder.hi, holder.lo, 0);
  } else {
    set(log1p, t.hi, t.lo, t.exp2);
  }

  // sigmoid: 1/(1 + T) for x >= 0, T/(1 + T) for x < 0.
  ddAddDouble(denominator, tHi, tLo, 1);
  if (x >= 0) {
    ddDiv(holder, 1, 0, denominator.hi, denominator.lo);
    set(out.sigmoid, holder.hi, holder.lo, 0);
  } else {
    ddDiv(holder, t.hi, t.lo, denominator.hi, denominator.lo);
    fold(out.sigmoid, holder.hi, holder.lo, t.exp2);
  }

  // logSigmoid: -L for x >= 0, x - L for x < 0 (two negative terms).
  if (x >= 0) {
    // 0 - L rather than -L: an exact zero is +0 (x beyond 1.4885e9, where L is taken as 0).
    fold(out.logSigmoid, 0 - log1p.hi, 0 - log1p.lo, log1p.exp2);
  } else {
    // A scaled L is below 2^-900 while |x| > 600 here: its unscaled value (absolute error
    // 2^-1074) is as good as exact beside x.
    ddAdd(holder, x, 0, -ldexp(log1p.hi, log1p.exp2), -ldexp(log1p.lo, log1p.exp2));
    set(out.logSigmoid, holder.hi, holder.lo, 0);
  }

  if (y !== y) {
    set(out.bce, NaN, NaN, 0);
    return;
  }
  // bce = linear + L, linear = x (1 - y) for x >= 0, |x| y for x < 0: both >= 0.
  if (x >= 0) {
    twoSum(holder, 1, -y); // 1 - y exactly
    scaledProduct(linearHolder, magnitude, holder.hi, holder.lo);
  } else {
    scaledProduct(linearHolder, magnitude, y, 0);
  }
  addNonNegative(out.bce, linearHolder, log1p);
}

/** The limits at x = +-Infinity (see the module comment). */
function infiniteLogit(x: number, y: number, out: BinaryExactValues): void {
  if (x > 0) {
    set(out.sigmoid, 1, 0, 0);
    set(out.logSigmoid, 0, 0, 0);
  } else {
    set(out.sigmoid, 0, 0, 0);
    set(out.logSigmoid, -Infinity, 0, 0);
  }
  if (y !== y) set(out.bce, NaN, NaN, 0);
  else if (x > 0 ? y === 1 : y === 0) set(out.bce, 0, 0, 0);
  else set(out.bce, Infinity, 0, 0);
}

function set(out: ScaledDD, hi: number, lo: number, exp2: number): void {
  out.hi = hi;
  out.lo = lo;
  out.exp2 = exp2;
}

/** Stores (hi + lo) * 2^exp2, folding the exponent into hi and lo when the value is >= 2^-960. */
function fold(out: ScaledDD, hi: number, lo: number, exp2: number): void {
  if (exp2 !== 0 && (hi === 0 || Math.abs(hi) >= pow2(FOLD_LOG2 - exp2))) {
    hi = ldexp(hi, exp2);
    lo = ldexp(lo, exp2);
    exp2 = 0;
  }
  set(out, hi, lo, exp2);
}

const bitsView = new DataView(new ArrayBuffer(8));

/** floor(log2 v) for a finite v > 0, subnormals included (exact, from the bits). */
function exponentOf(v: number): number {
  bitsView.setFloat64(0, v);
  const biased = (bitsView.getUint16(0) >> 4) & 0x7ff;
  if (biased === 0) return exponentOf(v * 2 ** 64) - 64;
  return biased - 1023;
}

/**
 * a * (bHi + bLo) for finite a, bHi >= 0 (bHi + bLo normalized), as a scaled double-double: the
 * product of the significands (each in [1, 2)) and the sum of the exponents, so that neither the
 * split of Dekker's product overflows (a up to 1.8e308) nor its error term underflows (b down
 * to 5e-324). bLo enters relative to bHi: when it is subnormal its own lost bits are below 2^-1074
 * of a product >= bHi, nothing beside 2^-100.
 */
function scaledProduct(out: ScaledDD, a: number, bHi: number, bLo: number): void {
  if (a === 0 || bHi === 0) {
    set(out, 0, 0, 0);
    return;
  }
  const aExponent = exponentOf(a);
  const bExponent = exponentOf(bHi);
  const aSignificand = ldexp(a, -aExponent);
  const bSignificand = ldexp(bHi, -bExponent);
  if (bLo === 0) {
    twoProd(holder, aSignificand, bSignificand);
  } else {
    ddMulDouble(holder, bSignificand, ldexp(bLo, -bExponent), aSignificand);
  }
  set(out, holder.hi, holder.lo, aExponent + bExponent);
}

const alignedA = new DD();

/**
 * a + b for two non-negative scaled double-doubles, into out (folded): both are brought to the
 * larger exponent; the smaller one loses at most 2^-1074 of the larger one's scale.
 */
function addNonNegative(out: ScaledDD, a: ScaledDD, b: ScaledDD): void {
  if (a.hi === 0) return fold(out, b.hi, b.lo, b.exp2);
  if (b.hi === 0) return fold(out, a.hi, a.lo, a.exp2);
  // Exponents of the values themselves, not of their (possibly unnormalized) parts.
  const aTop = exponentOf(a.hi) + a.exp2;
  const bTop = exponentOf(b.hi) + b.exp2;
  const top = Math.max(aTop, bTop);
  const aShift = a.exp2 - top;
  const bShift = b.exp2 - top;
  alignedA.hi = ldexp(a.hi, aShift);
  alignedA.lo = ldexp(a.lo, aShift);
  ddAdd(holder, alignedA.hi, alignedA.lo, ldexp(b.hi, bShift), ldexp(b.lo, bShift));
  fold(out, holder.hi, holder.lo, top);
}
