/**
 * The exact values of one row: log-sum-exp, log-softmax and softmax of x[0..length), to a
 * relative accuracy of 2^-100 or better at any magnitude (see the limits below), for logits
 * already cast to the format under analysis. This is the oracle every algorithm is measured
 * against.
 *
 * Every value is a double-double with a binary exponent: value = (hi + lo) * 2^exp2. exp2 is 0
 * whenever the value is at least 2^-960 in magnitude (every ordinary case: then hi + lo is the
 * value), and negative below, where a plain double-double would lose its relative accuracy (its
 * low word becomes subnormal from about 2^-968 on, and values below 2^-1075 would be 0). Exact
 * values keep exp2 = 0 even when tiny (K = 1: LSE = x_0).
 *
 * Method, with m = max_j x_j and k its first index:
 * 1. d_j = x_j - m exactly, as a double-double (twoSum), so any float64 logits are handled.
 * 2. t_j = exp(d_j) in double-double with a separate binary exponent (expDD), so that
 *    exp(-2000) keeps its full relative accuracy; s' = sum_{j != k} t_j by cascaded summation
 *    (CascadedSum), s = 1 + s'.
 * 3. L = log(s) = log1p(s') (log1pDD): relatively accurate even when s' is tiny. When s' is
 *    below 2^-900 (every other term below 2^-900: a spread above 620), s' is summed again in a
 *    scale of its own (the largest term's exponent), so that it may lie anywhere down to
 *    2^(-2^31), and L = s' (1 - s'/2 + ...) = s' to 2^-900 relative, with its exponent.
 * 4. LSE = m + L. When m < 0 and L is close to -m this cancels; then LSE is recomputed in BigInt
 *    fixed point with as many bits as the cancellation needs (preciseLogSumExp). When |m| and L
 *    are both below 2^-900, m + L is formed scaled by 2^1100 (m * 2^1100 is exact).
 * 5. logSoftmax_j = d_j - L: both parts <= 0, so no cancellation; logSoftmax_k = -L, with L's
 *    exponent. (A tiny L means every other term is below 2^-900, so d_j < -620 for j != k,
 *    and L's absolute error as a plain double-double, 2^-1074, does not matter there.)
 *    softmax_j = t_j / s = t_j * (1/s), with the exponent of t_j carried into softmaxExp2 when
 *    the value is below 2^-960, folded into hi and lo otherwise.
 * References: Blanchard, Higham and Higham, "Accurately computing the log-sum-exp and softmax
 * functions", IMA J. Numer. Anal. 41(4), 2021 (the shifted formulas); Dekker (1971) and Hida, Li
 * and Bailey's QD library (the double-double arithmetic); Muller et al., Handbook of
 * Floating-Point Arithmetic (2018).
 *
 * Row kinds: 'nan' if some x_j is NaN; else 'posInf' if some x_j is +Infinity; else 'masked' if
 * every x_j is -Infinity; else 'ordinary'. Only ordinary rows get values; for the others
 * argmax is -1 and the values are NaN (exponents 0).
 *
 * Special cases of ordinary rows: x_j = -Infinity gives logSoftmax_j = -Infinity and
 * softmax_j = 0 exactly. Exact zeros come out as +0 (K = 1: LSE = x_0, logSoftmax 0, softmax 1,
 * all with exp2 = 0).
 *
 * Limits:
 * - If x_j - m overflows float64 (|x_j - m| > 1.8e308, possible only for float64 rows), the
 *   exact logSoftmax_j is beyond float64's range: it is given as -Infinity, softmax_j as 0.
 * - softmax_j below 2^(-2^31) (x_j - m < -2^31 ln 2 = -1.4885e9; expDD) is given as 0, and
 *   such terms are left out of s' (so L and LSE are exact there when they are the only other
 *   terms: LSE = m). Above it every value keeps its exponent, down to exp2 = -2^31.
 * - LSE computed in BigInt (a cancellation) keeps its 2^-100 only down to |LSE| = 2^-2300
 *   (lse-precise.ts), far below anything a row of float64 logits can reach in practice.
 *
 * Memory: buffers grow to the longest row seen and are reused; compute() allocates nothing in
 * the steady state except on rows that need the BigInt recomputation of step 4.
 */

import { DD, ddAdd, ddDiv, ddMul, twoSum } from './double-double.js';
import { CascadedSum } from './compensated-sum.js';
import { ScaledDD, expDD } from './exp-dd.js';
import { log1pDD } from './log-dd.js';
import { preciseLogSumExp, type PreciseLseInput } from './lse-precise.js';
import { ldexp, pow2 } from './pow2.js';

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

/**
 * Terms t_j below 2^TINY_EXPONENT go to a second accumulator scaled by 2^TINY_SCALE (their low
 * words would be subnormal), down to 2^TINY_FLOOR. That floor loses nothing: this accumulator
 * is only used when s' >= 2^-900, where K terms below 2^-2100 add less than K 2^-1200 to s'
 * relative; when s' is smaller, every term is summed again from its own exponent (scaledOthers),
 * whatever its size.
 */
const TINY_EXPONENT = -968;
const TINY_SCALE = 1100;
const TINY_FLOOR = -TINY_SCALE - 1000;

/** Below this, s' is summed in a scale of its own and L = log1p(s') is taken as s'. */
const SCALED_SUM_LIMIT = 2 ** -900;

/** Values at or above 2^FOLD_LOG2 in magnitude have exp2 = 0 (softmax, logSoftmax, LSE). */
const FOLD_LOG2 = -960;
const FOLD_LIMIT = 2 ** FOLD_LOG2;

/** m + L is formed scaled by 2^SMALL_LSE_SCALE when |m| and L are both below 2^-900. */
const SMALL_LSE_SCALE = 1100;

const holder = new DD();
const lHolder = new DD();
const inverseHolder = new DD();
const sumHolder = new DD();
const term = new ScaledDD();
const scaledHolder = new ScaledDD();
const sum = new CascadedSum();
const tinySum = new CascadedSum();

export class ReferenceRow {
  kind: RowKind = 'masked';
  length = 0;
  /** First index of the maximum (ordinary rows), else -1. */
  argmax = -1;
  /** LSE = (lseHi + lseLo) * 2^lseExp2. */
  lseHi = NaN;
  lseLo = NaN;
  lseExp2 = 0;
  /** logSoftmax_i = (logSoftmaxHi[i] + logSoftmaxLo[i]) * 2^logSoftmaxExp2[i]. */
  logSoftmaxHi = new Float64Array(0);
  logSoftmaxLo = new Float64Array(0);
  logSoftmaxExp2 = new Int32Array(0);
  /** softmax_i = (softmaxHi[i] + softmaxLo[i]) * 2^softmaxExp2[i]. */
  softmaxHi = new Float64Array(0);
  softmaxLo = new Float64Array(0);
  softmaxExp2 = new Int32Array(0);

  /**
   * 1 - softmax at the argmax, s' / (1 + s') = (outsideHi + outsideLo) * 2^outsideExp2: the
   * probability mass outside the maximum, kept apart because 1 - softmax_argmax computed from
   * softmax_argmax cancels (the gradient of cross-entropy at a label that is the argmax is
   * minus this).
   */
  outsideHi = NaN;
  outsideLo = NaN;
  outsideExp2 = 0;

  /** The one index whose logSoftmaxExp2 may be nonzero (the last row's argmax), or -1. */
  private scaledLogIndex = -1;

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

  /** The low word of the maximum, for rows given as double-doubles (compute's xLo); 0 otherwise. */
  private mLo = 0;

  /**
   * Computes everything for x[0..length), or, with xLo, for the double-double row x_j + xLo_j
   * (|xLo_j| at most half an ulp of x_j): the exactly divided logits x / T of --temperature,
   * which no double holds.
   */
  compute(x: Float64Array, length: number, xLo?: Float64Array): void {
    if (!Number.isInteger(length) || length < 1 || length > x.length) {
      throw new RangeError(`ReferenceRow.compute: length ${length} for an array of ${x.length}`);
    }
    if (this.scaledLogIndex >= 0) {
      this.logSoftmaxExp2[this.scaledLogIndex] = 0;
      this.scaledLogIndex = -1;
    }
    this.reserve(length);
    this.length = length;

    let m = -Infinity;
    let mLo = 0;
    let argmax = -1;
    let hasNaN = false;
    for (let j = 0; j < length; j++) {
      const v = x[j];
      if (v > m || (xLo !== undefined && v === m && xLo[j] > mLo && argmax >= 0)) {
        m = v;
        mLo = xLo === undefined ? 0 : xLo[j];
        argmax = j;
      } else if (v !== v) {
        hasNaN = true;
      }
    }
    this.mLo = m - m === 0 ? mLo : 0;
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
    let tinyTerms = false;
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
      let dError = (v - (d - mVirtual)) + (-m - mVirtual);
      if (xLo !== undefined) {
        // (x_j - m) + (xLo_j - mLo), renormalized: the low words may exceed d's last bit (d = 0
        // between two logits whose high words tie).
        twoSum(holder, d, dError + (xLo[j] - mLo));
        dHi[j] = holder.hi;
        dLo[j] = holder.lo;
        dError = holder.lo;
      } else {
        dHi[j] = d;
        dLo[j] = dError;
      }
      if (j === argmax) {
        tHi[j] = 1;
        tLo[j] = 0;
        tExp2[j] = 0;
        continue;
      }
      expDD(term, dHi[j], dError);
      const exponent = term.exp2;
      tHi[j] = term.hi;
      tLo[j] = term.lo;
      tExp2[j] = exponent;
      if (exponent === 0) {
        sum.add(term.hi, term.lo);
      } else if (exponent >= TINY_EXPONENT) {
        const scale = pow2(exponent);
        sum.add(term.hi * scale, term.lo * scale);
      } else {
        if (!tinyTerms) {
          tinyTerms = true;
          tinySum.reset();
        }
        if (exponent >= TINY_FLOOR) {
          // Below 2^-968 the low word would be subnormal: keep these terms scaled by 2^1100.
          const scale = pow2(exponent + TINY_SCALE);
          tinySum.add(term.hi * scale, term.lo * scale);
        }
      }
    }

    // s' and L = log1p(s') = (lHi + lLo) * 2^lExp2; sPrimeHi + sPrimeLo is s' unscaled (and so
    // also L unscaled when lExp2 != 0).
    sum.toDD(sumHolder);
    let sPrimeHi = sumHolder.hi;
    let sPrimeLo = sumHolder.lo;
    let lHi: number;
    let lLo: number;
    let lExp2 = 0;
    if (sPrimeHi < SCALED_SUM_LIMIT && (tinyTerms || sPrimeHi !== 0)) {
      // Every other term is below 2^-900 (rare: spreads above 620): s' in a scale of its own.
      this.scaledOthers(scaledHolder, argmax, length);
      const hi = scaledHolder.hi;
      const lo = scaledHolder.lo;
      const exponent = scaledHolder.exp2;
      sPrimeHi = ldexp(hi, exponent);
      sPrimeLo = ldexp(lo, exponent);
      if (sPrimeHi >= SCALED_SUM_LIMIT) {
        log1pDD(lHolder, sPrimeHi, sPrimeLo);
        lHi = lHolder.hi;
        lLo = lHolder.lo;
      } else if (hi >= pow2(FOLD_LOG2 - exponent)) {
        // L = s' (1 - s'/2 + ...) = s' to 2^-900, at or above 2^-960: unscaled.
        lHi = sPrimeHi;
        lLo = sPrimeLo;
      } else {
        lHi = hi;
        lLo = lo;
        lExp2 = exponent;
      }
    } else {
      if (tinyTerms && tinySum.s1 !== 0) {
        // s' >= 2^-900: the tiny terms, unscaled, lose at most 2^-1074 each.
        tinySum.toDD(holder);
        ddAdd(sumHolder, sPrimeHi, sPrimeLo, ldexp(holder.hi, -TINY_SCALE), ldexp(holder.lo, -TINY_SCALE));
        sPrimeHi = sumHolder.hi;
        sPrimeLo = sumHolder.lo;
      }
      log1pDD(lHolder, sPrimeHi, sPrimeLo);
      lHi = lHolder.hi;
      lLo = lHolder.lo;
    }
    // L without its exponent, for d_j - L (j != argmax) and 1/s.
    const lUnscaledHi = lExp2 === 0 ? lHi : sPrimeHi;
    const lUnscaledLo = lExp2 === 0 ? lLo : sPrimeLo;
    twoSum(holder, 1, sPrimeHi);
    const sHi = holder.hi;
    const sLo = holder.lo + sPrimeLo;
    ddDiv(inverseHolder, 1, 0, sHi, sLo);
    const inverseHi = inverseHolder.hi;
    const inverseLo = inverseHolder.lo;
    if (lExp2 !== 0) {
      // s' < 2^-960: s' / (1 + s') = s' (1 - s' + ...) = s' to 2^-960, kept with its exponent.
      this.outsideHi = lHi;
      this.outsideLo = lLo;
      this.outsideExp2 = lExp2;
    } else if (sPrimeHi < SCALED_SUM_LIMIT && sPrimeHi !== 0) {
      // s' in [2^-960, 2^-900): s' itself (relative error below 2^-900), unscaled.
      this.outsideHi = sPrimeHi;
      this.outsideLo = sPrimeLo;
      this.outsideExp2 = 0;
    } else {
      ddMul(holder, sPrimeHi, sPrimeLo, inverseHi, inverseLo);
      this.outsideHi = holder.hi;
      this.outsideLo = holder.lo;
      this.outsideExp2 = 0;
    }

    this.logSumExp(m, argmax, length, lHi, lLo, lExp2);

    // Pass 2: logSoftmax_j = d_j - L, softmax_j = t_j / s.
    for (let j = 0; j < length; j++) {
      const d = dHi[j];
      if (d === -Infinity) continue;
      // (d - L): both parts <= 0, so the sloppy double-double sum is accurate.
      const difference = d - lUnscaledHi;
      const lVirtual = difference - d;
      const differenceError = (d - (difference - lVirtual)) + (-lUnscaledHi - lVirtual) + (dLo[j] - lUnscaledLo);
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
      } else if (productHi >= pow2(FOLD_LOG2 - exponent)) {
        const scale = pow2(exponent);
        tHi[j] = productHi * scale;
        tLo[j] = productLo * scale;
        tExp2[j] = 0;
      } else {
        tHi[j] = productHi;
        tLo[j] = productLo;
      }
    }
    if (lExp2 !== 0) {
      // logSoftmax at the maximum is -L, below 2^-960: with L's exponent. (Ties would make
      // s' >= 1, so no other d_j is 0.)
      dHi[argmax] = -lHi;
      dLo[argmax] = -lLo;
      this.logSoftmaxExp2[argmax] = lExp2;
      this.scaledLogIndex = argmax;
    }
  }

  /**
   * s' = sum of t_j over j != argmax, as (out.hi + out.lo) * 2^out.exp2 with out.exp2 the
   * largest exponent of a term: every term keeps its relative accuracy whatever its size (a term
   * 2^1074 times smaller than the largest may lose its own, which is negligible in the sum).
   */
  private scaledOthers(out: ScaledDD, argmax: number, length: number): void {
    const tHi = this.softmaxHi;
    const tLo = this.softmaxLo;
    const tExp2 = this.softmaxExp2;
    let top = -Infinity;
    for (let j = 0; j < length; j++) {
      if (j !== argmax && tHi[j] !== 0 && tExp2[j] > top) top = tExp2[j];
    }
    if (top === -Infinity) {
      out.hi = 0;
      out.lo = 0;
      out.exp2 = 0;
      return;
    }
    tinySum.reset();
    for (let j = 0; j < length; j++) {
      if (j === argmax || tHi[j] === 0) continue;
      const scale = pow2(tExp2[j] - top);
      tinySum.add(tHi[j] * scale, tLo[j] * scale);
    }
    tinySum.toDD(holder);
    out.hi = holder.hi;
    out.lo = holder.lo;
    out.exp2 = top;
  }

  /** LSE = m + L, L = (lHi + lLo) * 2^lExp2 >= 0 (step 4), into lseHi, lseLo, lseExp2. */
  private logSumExp(m: number, argmax: number, length: number, lHi: number, lLo: number, lExp2: number): void {
    const mLo = this.mLo;
    if (lExp2 === 0) {
      twoSum(holder, m, lHi);
      const head = holder.hi;
      twoSum(holder, head, holder.lo + lLo + mLo);
      const lseHi = holder.hi;
      this.lseHi = lseHi;
      this.lseLo = holder.lo;
      this.lseExp2 = 0;
      if (m < 0 && lHi > 0) {
        const lError = L_ERROR * (lHi >= 0.4 ? Math.max(lHi, 1) : lHi);
        if (lError > LSE_TARGET * Math.abs(lseHi)) {
          this.preciseLse(m, argmax, length, Math.log2(Math.max(Math.abs(lseHi), lError)));
          return;
        }
      }
      // |LSE| < 2^-960 without a cancellation: m < 0 and L both below 2^-957 (rare).
      if (Math.abs(lseHi) < FOLD_LIMIT && lHi !== 0) this.smallLogSumExp(m, argmax, length, lHi, lLo, 0);
      return;
    }
    if (Math.abs(m) >= SCALED_SUM_LIMIT) {
      // L < 2^-960 <= 2^-60 |m|: no cancellation, and L's unscaled value (absolute error
      // 2^-1074) is good enough beside m.
      twoSum(holder, m, ldexp(lHi, lExp2));
      this.lseHi = holder.hi;
      this.lseLo = holder.lo + mLo;
      this.lseExp2 = 0;
      return;
    }
    this.smallLogSumExp(m, argmax, length, lHi, lLo, lExp2);
  }

  /** m + L for |m| and L below 2^-900 (L > 0), formed scaled by 2^SMALL_LSE_SCALE. */
  private smallLogSumExp(m: number, argmax: number, length: number, lHi: number, lLo: number, lExp2: number): void {
    const mLo = this.mLo;
    if (m === 0 && mLo === 0) {
      this.setLse(lHi, lLo, lExp2);
      return;
    }
    const shift = lExp2 + SMALL_LSE_SCALE;
    const scaledHi = ldexp(lHi, shift);
    ddAdd(holder, ldexp(m, SMALL_LSE_SCALE), ldexp(mLo, SMALL_LSE_SCALE), scaledHi, ldexp(lLo, shift));
    if (m < 0) {
      const lError = L_ERROR * scaledHi;
      if (lError > LSE_TARGET * Math.abs(holder.hi)) {
        this.preciseLse(m, argmax, length, Math.log2(Math.max(Math.abs(holder.hi), lError)) - SMALL_LSE_SCALE);
        return;
      }
    }
    this.setLse(holder.hi, holder.lo, -SMALL_LSE_SCALE);
  }

  private preciseLse(m: number, argmax: number, length: number, magnitudeLog2: number): void {
    const input = this.preciseInput;
    input.m = m;
    input.argmax = argmax;
    input.length = length;
    preciseLogSumExp(scaledHolder, input, magnitudeLog2);
    if (this.mLo !== 0) {
      // m's low word (a double-double row), added after: LSE = (m + L) + mLo. The fixed-point
      // sum took m's high word only; the addition keeps 2^-106 |m| absolute accuracy, which
      // is 2^-100 relative unless LSE cancels to below 2^-6 |m| (docs/metrics.md, temperature).
      ddAdd(holder, ldexp(scaledHolder.hi, scaledHolder.exp2), ldexp(scaledHolder.lo, scaledHolder.exp2), this.mLo, 0);
      this.setLse(holder.hi, holder.lo, 0);
      return;
    }
    this.setLse(scaledHolder.hi, scaledHolder.lo, scaledHolder.exp2);
  }

  /** Stores LSE = (hi + lo) * 2^exp2, folding the exponent in when the value is >= 2^-960. */
  private setLse(hi: number, lo: number, exp2: number): void {
    if (exp2 !== 0 && Math.abs(hi) >= pow2(FOLD_LOG2 - exp2)) {
      hi = ldexp(hi, exp2);
      lo = ldexp(lo, exp2);
      exp2 = 0;
    }
    this.lseHi = hi;
    this.lseLo = lo;
    this.lseExp2 = exp2;
  }

  private special(kind: RowKind): void {
    this.kind = kind;
    this.argmax = -1;
    this.outsideHi = NaN;
    this.outsideLo = NaN;
    this.outsideExp2 = 0;
    this.lseHi = NaN;
    this.lseLo = NaN;
    this.lseExp2 = 0;
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
    this.logSoftmaxExp2 = new Int32Array(capacity);
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
