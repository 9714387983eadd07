import { CascadedSum } from '../../reference/compensated-sum.js';
import { DD, ddAdd, ddDiv, ddMul, twoProd, twoSum } from '../../reference/double-double.js';
import { ScaledDD, expDD } from '../../reference/exp-dd.js';
import { log1pDD } from '../../reference/log-dd.js';
import { ldexp, pow2 } from '../../reference/pow2.js';
import type { ReferenceRow } from '../../reference/reference-row.js';

/**
 * The exact probabilities of one ordinary row at a temperature T, and the per-row figures of
 * the calibration summary: 1 - p_top, the entropy, the top-2 margin, and with a label the loss
 * and the Brier score. Every value is a double-double with a binary exponent, (hi + lo) * 2^exp2,
 * to about 2^-100 relative, as the reference oracle's values (src/reference).
 *
 * Notation: z = x / T (T > 0), k = the first index of the largest logit (the same for x and z),
 * delta_j = (x_k - x_j) / T >= 0, L = log sum_j exp(-delta_j) = log1p(s') >= 0 with
 * s' = sum_{j != k} exp(-delta_j), p_j = exp(-delta_j) / (1 + s'). Then
 * - 1 - p_top = sum_{j != k} p_j (summed, not subtracted from 1: it keeps its relative accuracy
 *   when p_top is 1 - 1e-30);
 * - entropy H = -sum_j p_j log p_j = sum_j p_j (delta_j + L) = L + sum_{j != k} p_j delta_j:
 *   a sum of non-negative terms, no cancellation;
 * - loss at label y: LSE(z) - z_y = L + delta_y, again non-negative terms;
 * - margin = delta of the second largest logit.
 *
 * Two ways in:
 * - fromReference: T = 1, with the ReferenceRow the analysis already computed for the float64
 *   row x: its softmax and -logSoftmax_k = L are used as they are (no second exp per logit);
 *   delta_j = x_k - x_j is exact as a double-double (TwoSum).
 * - compute: any T. delta_j = (x_k - x_j) / T with the difference exact (TwoSum) and the
 *   division in double-double (2^-104 relative): the row x / T is never formed, so neither a
 *   large x_k / T nor its rounding matters. exp(-delta_j) by the oracle's expDD, s' by cascaded
 *   summation in the scale of its largest term, L = log1pDD(s'), p_j = t_j / (1 + s').
 * Both store p_j as the ReferenceRow does: exp2 = 0 when p_j >= 2^-960 (hi + lo is the value),
 * else hi in [0.5, 2.004) with the exponent apart.
 *
 * When every p_j (j != k) is below 2^-900, s' is below K 2^-900 and L = s' (1 - s'/2 + ...) =
 * s', 1 / (1 + s') = 1, to 2^-900 relative: then 1 - p_top, H and L are kept in the scale of
 * the largest p_j, as small as the row makes them.
 */

const FOLD_LOG2 = -960;
const TINY_SUM_LOG2 = -900;
/** delta_j / T below 2^-900 is formed from delta_j scaled by 2^1100 (it may be subnormal otherwise). */
const SMALL_SCALE = 1100;

const holder = new DD();
const product = new DD();
const term = new ScaledDD();
const sum = new CascadedSum();
const second = new CascadedSum();

/** (a - b) / T >= 0 for a >= b (a finite), as a double-double into out; +Infinity when it exceeds float64. */
function differenceOver(out: ScaledDD, a: number, b: number, temperature: number): void {
  out.exp2 = 0;
  if (b === -Infinity) {
    out.hi = Infinity;
    out.lo = 0;
    return;
  }
  let difference = a - b;
  if (difference === Infinity) {
    // a - b beyond float64: a/2 - b/2 is exact (both are large), then divided by T/2.
    twoSum(holder, a / 2, -b / 2);
    if (temperature === 1 || !Number.isFinite(holder.hi)) {
      out.hi = Infinity;
      out.lo = 0;
      return;
    }
    ddDiv(holder, holder.hi, holder.lo, temperature / 2, 0);
    out.hi = holder.hi;
    out.lo = Number.isFinite(holder.hi) ? holder.lo : 0;
    return;
  }
  twoSum(holder, a, -b);
  difference = holder.hi;
  if (temperature === 1 || difference === 0) {
    out.hi = difference;
    out.lo = holder.lo;
    return;
  }
  const lo = holder.lo;
  ddDiv(holder, difference, lo, temperature, 0);
  if (holder.hi === Infinity) {
    out.hi = Infinity;
    out.lo = 0;
  } else if (holder.hi < 2 ** TINY_SUM_LOG2) {
    // The quotient may be subnormal: divide the scaled difference (exact scaling) instead.
    ddDiv(holder, ldexp(difference, SMALL_SCALE), ldexp(lo, SMALL_SCALE), temperature, 0);
    out.hi = holder.hi;
    out.lo = holder.lo;
    out.exp2 = -SMALL_SCALE;
  } else {
    out.hi = holder.hi;
    out.lo = holder.lo;
  }
}

export class ExactRow {
  length = 0;
  /** First index of the largest logit. */
  argmax = -1;
  /** p_j = (pHi + pLo) * 2^pExp2 (see the module comment for exp2). */
  pHi = new Float64Array(0);
  pLo = new Float64Array(0);
  pExp2 = new Int32Array(0);
  /** delta_j = (x_k - x_j) / T >= 0, +Infinity where x_j = -Infinity (or beyond float64). */
  deltaHi = new Float64Array(0);
  deltaLo = new Float64Array(0);
  /** L = log sum_j exp(z_j - z_k) = -log p_top. */
  readonly logTop = new ScaledDD();
  /** 1 - p_top. */
  readonly oneMinusTop = new ScaledDD();
  /** Entropy in nats. */
  readonly entropy = new ScaledDD();
  /** z_(1) - z_(2) (K >= 2; hi = +Infinity when the second largest is -Infinity). */
  readonly margin = new ScaledDD();
  /** p_top as a double-double (1 - oneMinusTop). */
  topHi = 1;
  topLo = 0;

  private readonly delta = new ScaledDD();

  /** The figures at T = 1 from the reference of this very row x (kind 'ordinary'). */
  fromReference(reference: ReferenceRow, x: Float64Array, length: number): void {
    if (reference.kind !== 'ordinary' || reference.length !== length) {
      throw new RangeError(`ExactRow.fromReference: the reference holds a ${reference.kind} row of ${reference.length}, not this ordinary row of ${length}`);
    }
    this.reserve(length);
    this.length = length;
    const k = reference.argmax;
    this.argmax = k;
    const m = x[k];
    this.pHi.set(reference.softmaxHi.subarray(0, length));
    this.pLo.set(reference.softmaxLo.subarray(0, length));
    this.pExp2.set(reference.softmaxExp2.subarray(0, length));
    for (let j = 0; j < length; j++) {
      differenceOver(this.delta, m, x[j], 1);
      this.deltaHi[j] = this.delta.hi;
      this.deltaLo[j] = this.delta.lo;
    }
    const l = this.logTop;
    l.hi = -reference.logSoftmaxHi[k];
    l.lo = -reference.logSoftmaxLo[k];
    l.exp2 = reference.logSoftmaxExp2[k];
    if (l.hi === 0) {
      // K = 1 or every other p_j = 0: logSoftmax_k is -0, L is +0.
      l.hi = 0;
      l.lo = 0;
    }
    this.finish(x, length, 1);
  }

  /** The figures at temperature T > 0 for an ordinary row x (no NaN, no +Infinity, some finite logit). */
  compute(x: Float64Array, length: number, temperature: number): void {
    this.reserve(length);
    this.length = length;
    let k = -1;
    let m = -Infinity;
    for (let j = 0; j < length; j++) {
      if (x[j] > m) {
        m = x[j];
        k = j;
      }
    }
    if (k < 0 || m === Infinity) throw new RangeError('ExactRow.compute: not an ordinary row');
    this.argmax = k;
    const pHi = this.pHi;
    const pLo = this.pLo;
    const pExp2 = this.pExp2;
    // t_j = exp(-delta_j), kept in pHi/pLo/pExp2 until divided by 1 + s'.
    let top = -Infinity;
    for (let j = 0; j < length; j++) {
      differenceOver(this.delta, m, x[j], temperature);
      const delta = this.delta;
      const dHi = delta.exp2 === 0 ? delta.hi : ldexp(delta.hi, delta.exp2);
      this.deltaHi[j] = dHi;
      this.deltaLo[j] = delta.exp2 === 0 ? delta.lo : ldexp(delta.lo, delta.exp2);
      if (j === k) {
        pHi[j] = 1;
        pLo[j] = 0;
        pExp2[j] = 0;
        continue;
      }
      if (dHi === Infinity) {
        pHi[j] = 0;
        pLo[j] = 0;
        pExp2[j] = 0;
        continue;
      }
      // A delta below 2^-900 is exp(-delta) = 1 - delta to 2^-900: its unscaled value does.
      expDD(term, -dHi, -this.deltaLo[j]);
      pHi[j] = term.hi;
      pLo[j] = term.lo;
      pExp2[j] = term.exp2;
      if (term.hi !== 0 && term.exp2 > top) top = term.exp2;
    }
    // s' = S * 2^top.
    sum.reset();
    if (top !== -Infinity) {
      for (let j = 0; j < length; j++) {
        if (j === k || pHi[j] === 0) continue;
        const scale = pow2(pExp2[j] - top);
        sum.add(pHi[j] * scale, pLo[j] * scale);
      }
    }
    sum.toDD(holder);
    const sHi = holder.hi;
    const sLo = holder.lo;
    const l = this.logTop;
    let inverseHi = 1;
    let inverseLo = 0;
    if (top === -Infinity) {
      l.hi = 0;
      l.lo = 0;
      l.exp2 = 0;
    } else if (top >= TINY_SUM_LOG2) {
      const unscaledHi = ldexp(sHi, top);
      const unscaledLo = ldexp(sLo, top);
      log1pDD(holder, unscaledHi, unscaledLo);
      l.hi = holder.hi;
      l.lo = holder.lo;
      l.exp2 = 0;
      twoSum(holder, 1, unscaledHi);
      ddDiv(holder, 1, 0, holder.hi, holder.lo + unscaledLo);
      inverseHi = holder.hi;
      inverseLo = holder.lo;
    } else {
      // s' < K 2^-899: L = s' and 1 / (1 + s') = 1 to 2^-890 relative.
      l.hi = sHi;
      l.lo = sLo;
      l.exp2 = top;
    }
    // p_j = t_j / (1 + s'), folded as the reference folds softmax.
    for (let j = 0; j < length; j++) {
      if (pHi[j] === 0) continue;
      if (j === k) {
        pHi[j] = inverseHi;
        pLo[j] = inverseLo;
        continue;
      }
      ddMul(product, pHi[j], pLo[j], inverseHi, inverseLo);
      const exponent = pExp2[j];
      if (exponent !== 0 && product.hi >= pow2(FOLD_LOG2 - exponent)) {
        pHi[j] = ldexp(product.hi, exponent);
        pLo[j] = ldexp(product.lo, exponent);
        pExp2[j] = 0;
      } else {
        pHi[j] = product.hi;
        pLo[j] = product.lo;
      }
    }
    this.finish(x, length, temperature);
  }

  /** 1 - p_top, the entropy, the margin and p_top, from p, delta and L. */
  private finish(x: Float64Array, length: number, temperature: number): void {
    const k = this.argmax;
    const pHi = this.pHi;
    const pLo = this.pLo;
    const pExp2 = this.pExp2;
    // The scale of the sums: the largest exponent among the p_j (j != k); 0 when one is folded.
    let top = -Infinity;
    for (let j = 0; j < length; j++) {
      if (j !== k && pHi[j] !== 0 && pExp2[j] > top) top = pExp2[j];
    }
    const l = this.logTop;
    const u = this.oneMinusTop;
    const h = this.entropy;
    if (top === -Infinity) {
      u.hi = 0;
      u.lo = 0;
      u.exp2 = 0;
      h.hi = l.hi;
      h.lo = l.lo;
      h.exp2 = l.exp2;
    } else {
      sum.reset();
      second.reset();
      for (let j = 0; j < length; j++) {
        if (j === k || pHi[j] === 0) continue;
        const scale = pow2(pExp2[j] - top);
        const hi = pHi[j] * scale;
        const lo = pLo[j] * scale;
        sum.add(hi, lo);
        ddMul(product, hi, lo, this.deltaHi[j], this.deltaLo[j]);
        second.add(product.hi, product.lo);
      }
      sum.toDD(holder);
      u.hi = holder.hi;
      u.lo = holder.lo;
      u.exp2 = top;
      second.add(ldexp(l.hi, l.exp2 - top), ldexp(l.lo, l.exp2 - top));
      second.toDD(holder);
      h.hi = holder.hi;
      h.lo = holder.lo;
      h.exp2 = top;
    }
    // p_top = 1 - u.
    const uHi = ldexp(u.hi, u.exp2);
    const uLo = ldexp(u.lo, u.exp2);
    ddAdd(holder, 1, 0, -uHi, -uLo);
    this.topHi = holder.hi;
    this.topLo = holder.lo;
    // The margin: delta of the second largest logit (ties: 0).
    const margin = this.margin;
    if (length < 2) {
      margin.hi = NaN;
      margin.lo = NaN;
      margin.exp2 = 0;
      return;
    }
    let runnerUp = -Infinity;
    for (let j = 0; j < length; j++) {
      if (j !== k && x[j] > runnerUp) runnerUp = x[j];
    }
    differenceOver(margin, x[k], runnerUp, temperature);
  }

  /** LSE(z) - z_y = L + delta_y (exact loss at label y), into out. */
  loss(y: number, out: ScaledDD): void {
    const l = this.logTop;
    if (y === this.argmax) {
      out.hi = l.hi;
      out.lo = l.lo;
      out.exp2 = l.exp2;
      return;
    }
    const dHi = this.deltaHi[y];
    if (dHi === Infinity) {
      out.hi = Infinity;
      out.lo = 0;
      out.exp2 = 0;
      return;
    }
    ddAdd(holder, ldexp(l.hi, l.exp2), ldexp(l.lo, l.exp2), dHi, this.deltaLo[y]);
    out.hi = holder.hi;
    out.lo = holder.lo;
    out.exp2 = 0;
  }

  /**
   * The Brier score of the row at label y, sum_i (p_i - [i = y])^2 = (1 - p_y)^2 +
   * sum_{i != y} p_i^2, each p_i rounded to float64 and squared exactly (twoProd), summed
   * in cascade: a few ulps of float64. 1 - p_y is 1 - p_top when y is the top class (no
   * cancellation), else 1 - p_y with p_y <= 1/2 (it is at most p_top and p_y + p_top <= 1).
   */
  brier(y: number): number {
    sum.reset();
    let complement: number;
    if (y === this.argmax) {
      complement = ldexp(this.oneMinusTop.hi, this.oneMinusTop.exp2);
    } else {
      const pyHi = ldexp(this.pHi[y], this.pExp2[y]);
      const pyLo = ldexp(this.pLo[y], this.pExp2[y]);
      ddAdd(holder, 1, 0, -pyHi, -pyLo);
      complement = holder.hi;
    }
    twoProd(product, complement, complement);
    sum.add(product.hi, product.lo);
    for (let i = 0; i < this.length; i++) {
      if (i === y || this.pHi[i] === 0) continue;
      const p = ldexp(this.pHi[i], this.pExp2[i]);
      twoProd(product, p, p);
      sum.add(product.hi, product.lo);
    }
    sum.toDD(holder);
    return holder.hi;
  }

  private reserve(length: number): void {
    if (this.pHi.length >= length) return;
    const capacity = Math.max(length, 2 * this.pHi.length);
    this.pHi = new Float64Array(capacity);
    this.pLo = new Float64Array(capacity);
    this.pExp2 = new Int32Array(capacity);
    this.deltaHi = new Float64Array(capacity);
    this.deltaLo = new Float64Array(capacity);
  }
}
