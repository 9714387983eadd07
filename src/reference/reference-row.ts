/**
 * The exact values of one row: log-sum-exp, log-softmax and softmax of x[0..length), to a
 * relative accuracy of 2^-100 or better (see the limits below), for logits already cast to the
 * format under analysis. This is the oracle every algorithm is measured against.
 *
 * Method, with m = max_j x_j and k its first index:
 * 1. d_j = x_j - m exactly, as a double-double (twoSum), so any float64 logits are handled.
 * 2. t_j = exp(d_j) in double-double with a separate binary exponent (expDD), so that
 *    exp(-2000) keeps its full relative accuracy; s' = sum_{j != k} t_j by cascaded summation
 *    (CascadedSum), s = 1 + s'.
 * 3. L = log(s) = log1p(s') (log1pDD): relatively accurate even when s' is tiny.
 * 4. LSE = m + L. When m < 0 and L is close to -m this cancels; then LSE is recomputed in BigInt
 *    fixed point with as many bits as the cancellation needs (preciseLogSumExp).
 * 5. logSoftmax_j = d_j - L: both parts <= 0, so no cancellation; logSoftmax_k = -L.
 *    softmax_j = t_j / s = t_j * (1/s), with the exponent of t_j carried into softmaxExp2 when
 *    the value is below 2^-960, folded into hi and lo otherwise.
 * References: Blanchard, Higham and Higham, "Accurately computing the log-sum-exp and softmax
 * functions", IMA J. Numer. Anal. 41(4), 2021 (the shifted formulas); Dekker (1971) and Hida, Li
 * and Bailey's QD library (the double-double arithmetic); Muller et al., Handbook of
 * Floating-Point Arithmetic (2018).
 *
 * Row kinds: 'nan' if some x_j is NaN; else 'posInf' if some x_j is +Infinity; else 'masked' if
 * every x_j is -Infinity; else 'ordinary'. Only ordinary rows get values; for the others
 * argmax is -1 and the values are NaN.
 *
 * Special cases of ordinary rows: x_j = -Infinity gives logSoftmax_j = -Infinity and
 * softmax_j = 0 exactly. Exact zeros come out as +0 (K = 1: LSE = x_0, logSoftmax 0, softmax 1).
 *
 * Limits (what double-double without an exponent field cannot hold):
 * - LSE and logSoftmax values of magnitude below about 2^-968 have an absolute error of about
 *   2^-1074 rather than a relative one (the low word becomes subnormal), and values below 2^-1075
 *   are 0; softmax has no such limit (softmaxExp2).
 * - If x_j - m overflows float64 (|x_j - m| > 1.8e308, possible only for float64 rows), the
 *   exact logSoftmax_j is beyond float64's range: it is given as -Infinity, softmax_j as 0.
 * - softmax_j below 2^(-2^31) (x_j - m < -1.4e9) is given as 0.
 *
 * Memory: buffers grow to the longest row seen and are reused; compute() allocates nothing in
 * the steady state except on rows that need the BigInt recomputation of step 4.
 */

import { DD, ddDiv, twoSum } from './double-double.js';
import { CascadedSum } from './compensated-sum.js';
import { ScaledDD, expDD } from './exp-dd.js';
import { log1pDD } from './log-dd.js';
import { preciseLogSumExp, type PreciseLseInput } from './lse-precise.js';
import { pow2 } from './pow2.js';

export type RowKind = 'ordinary' | 'nan' | 'posInf' | 'masked';

/**
 * Absolute error bound of L = log1p(s') from the double-double path, in units of max(L, 1) when
 * L >= 0.4 (Newton branch) and of L below (series branch), with margin (2^-103.9 and 2^-104.2
 * are the largest seen against decimal.js). When this bound exceeds LSE_TARGET |LSE|, that is
 * when |LSE| < max(L, 1)/4 or so, step 4 recomputes LSE: LSE_TARGET leaves a factor 2^1.5 to
 * the promised 2^-100 and keeps the slow path for real cancellations.
 */
const L_ERROR = 2 ** -103.5;
const LSE_TARGET = 2 ** -101.5;

/** softmax values at or above 2^SOFTMAX_FOLD_LOG2 have softmaxExp2 = 0. */
const SOFTMAX_FOLD_LOG2 = -960;

const holder = new DD();
const lHolder = new DD();
const inverseHolder = new DD();
const sumHolder = new DD();
const term = new ScaledDD();
const sum = new CascadedSum();

export class ReferenceRow {
  kind: RowKind = 'masked';
  length = 0;
  /** First index of the maximum (ordinary rows), else -1. */
  argmax = -1;
  /** LSE = lseHi + lseLo. */
  lseHi = NaN;
  lseLo = NaN;
  logSoftmaxHi = new Float64Array(0);
  logSoftmaxLo = new Float64Array(0);
  /** softmax_i = (softmaxHi[i] + softmaxLo[i]) * 2^softmaxExp2[i]. */
  softmaxHi = new Float64Array(0);
  softmaxLo = new Float64Array(0);
  softmaxExp2 = new Int32Array(0);

  private readonly preciseInput: PreciseLseInput = {
    m: 0,
    argmax: 0,
    length: 0,
    dHi: this.logSoftmaxHi,
    dLo: this.logSoftmaxLo,
    tHi: this.softmaxHi,
    tLo: this.softmaxLo,
    tExp2: this.softmaxExp2,
  };

  /** Computes everything for x[0..length). */
  compute(x: Float64Array, length: number): void {
    if (!Number.isInteger(length) || length < 1 || length > x.length) {
      throw new RangeError(`ReferenceRow.compute: length ${length} for an array of ${x.length}`);
    }
    this.reserve(length);
    this.length = length;

    let m = -Infinity;
    let argmax = -1;
    let hasNaN = false;
    for (let j = 0; j < length; j++) {
      const v = x[j];
      if (v > m) {
        m = v;
        argmax = j;
      } else if (v !== v) {
        hasNaN = true;
      }
    }
    if (hasNaN) return this.special('nan');
    if (m === Infinity) return this.special('posInf');
    if (argmax < 0) return this.special('masked');
    this.kind = 'ordinary';
    this.argmax = argmax;

    const dHi = this.logSoftmaxHi;
    const dLo = this.logSoftmaxLo;
    const tHi = this.softmaxHi;
    const tLo = this.softmaxLo;
    const tExp2 = this.softmaxExp2;

    // Pass 1: d_j = x_j - m (exact), t_j = exp(d_j), s' = sum of t_j over j != argmax.
    sum.reset();
    for (let j = 0; j < length; j++) {
      const v = x[j];
      const d = v - m;
      if (d === -Infinity) {
        // x_j = -Infinity, or x_j - m beyond float64's range.
        dHi[j] = -Infinity;
        dLo[j] = 0;
        tHi[j] = 0;
        tLo[j] = 0;
        tExp2[j] = 0;
        continue;
      }
      const mVirtual = d - v;
      const dError = (v - (d - mVirtual)) + (-m - mVirtual);
      dHi[j] = d;
      dLo[j] = dError;
      if (j === argmax) {
        tHi[j] = 1;
        tLo[j] = 0;
        tExp2[j] = 0;
        continue;
      }
      expDD(term, d, dError);
      const exponent = term.exp2;
      tHi[j] = term.hi;
      tLo[j] = term.lo;
      tExp2[j] = exponent;
      if (exponent === 0) {
        sum.add(term.hi, term.lo);
      } else if (exponent >= -1074) {
        const scale = pow2(exponent);
        sum.add(term.hi * scale, term.lo * scale);
      }
    }

    // L = log1p(s'), 1/s, LSE = m + L.
    sum.toDD(sumHolder);
    const sPrimeHi = sumHolder.hi;
    const sPrimeLo = sumHolder.lo;
    log1pDD(lHolder, sPrimeHi, sPrimeLo);
    const lHi = lHolder.hi;
    const lLo = lHolder.lo;
    twoSum(holder, 1, sPrimeHi);
    const sHi = holder.hi;
    const sLo = holder.lo + sPrimeLo;
    ddDiv(inverseHolder, 1, 0, sHi, sLo);
    const inverseHi = inverseHolder.hi;
    const inverseLo = inverseHolder.lo;

    twoSum(holder, m, lHi);
    const lseHead = holder.hi;
    twoSum(holder, lseHead, holder.lo + lLo);
    this.lseHi = holder.hi;
    this.lseLo = holder.lo;
    if (m < 0 && lHi > 0) {
      const lError = L_ERROR * (lHi >= 0.4 ? Math.max(lHi, 1) : lHi);
      if (lError > LSE_TARGET * Math.abs(this.lseHi)) {
        const input = this.preciseInput;
        input.m = m;
        input.argmax = argmax;
        input.length = length;
        preciseLogSumExp(holder, input, Math.max(Math.abs(this.lseHi), lError));
        this.lseHi = holder.hi;
        this.lseLo = holder.lo;
      }
    }

    // Pass 2: logSoftmax_j = d_j - L, softmax_j = t_j / s.
    for (let j = 0; j < length; j++) {
      const d = dHi[j];
      if (d === -Infinity) continue;
      // (d - L): both parts <= 0, so the sloppy double-double sum is accurate.
      const difference = d - lHi;
      const lVirtual = difference - d;
      const differenceError = (d - (difference - lVirtual)) + (-lHi - lVirtual) + (dLo[j] - lLo);
      const logHi = difference + differenceError;
      dHi[j] = logHi;
      dLo[j] = differenceError - (logHi - difference);

      // t_j * (1/s), written out (Dekker product) for speed.
      const aHi = tHi[j];
      const aLo = tLo[j];
      const p = aHi * inverseHi;
      let split = 134217729 * aHi;
      const aBig = split - (split - aHi);
      const aSmall = aHi - aBig;
      split = 134217729 * inverseHi;
      const bBig = split - (split - inverseHi);
      const bSmall = inverseHi - bBig;
      const e = ((aBig * bBig - p) + aBig * bSmall + aSmall * bBig) + aSmall * bSmall + (aHi * inverseLo + aLo * inverseHi);
      const productHi = p + e;
      const productLo = e - (productHi - p);
      const exponent = tExp2[j];
      if (exponent === 0) {
        tHi[j] = productHi;
        tLo[j] = productLo;
      } else if (productHi >= pow2(SOFTMAX_FOLD_LOG2 - exponent)) {
        const scale = pow2(exponent);
        tHi[j] = productHi * scale;
        tLo[j] = productLo * scale;
        tExp2[j] = 0;
      } else {
        tHi[j] = productHi;
        tLo[j] = productLo;
      }
    }
  }

  private special(kind: RowKind): void {
    this.kind = kind;
    this.argmax = -1;
    this.lseHi = NaN;
    this.lseLo = NaN;
    const n = this.length;
    this.logSoftmaxHi.fill(NaN, 0, n);
    this.logSoftmaxLo.fill(NaN, 0, n);
    this.softmaxHi.fill(NaN, 0, n);
    this.softmaxLo.fill(NaN, 0, n);
    this.softmaxExp2.fill(0, 0, n);
  }

  private reserve(length: number): void {
    if (this.logSoftmaxHi.length >= length) return;
    const capacity = Math.max(length, 2 * this.logSoftmaxHi.length);
    this.logSoftmaxHi = new Float64Array(capacity);
    this.logSoftmaxLo = new Float64Array(capacity);
    this.softmaxHi = new Float64Array(capacity);
    this.softmaxLo = new Float64Array(capacity);
    this.softmaxExp2 = new Int32Array(capacity);
    const input = this.preciseInput;
    input.dHi = this.logSoftmaxHi;
    input.dLo = this.logSoftmaxLo;
    input.tHi = this.softmaxHi;
    input.tLo = this.softmaxLo;
    input.tExp2 = this.softmaxExp2;
  }
}
