/**
 * Sum of many double-double terms, kept to about 150 bits: a cascade of three float64
 * accumulators in which each level collects the exact rounding errors of the level above.
 *
 * Method: the cascaded summation of Ogita, Rump and Oishi, "Accurate sum and dot product",
 * SIAM J. Sci. Comput. 26(6), 2005 (SumK with K = 3), extended to double-double terms: the high
 * parts go into s1 by twoSum, its errors and the low parts into s2 by twoSum, and the errors of
 * s2 into s3 by plain addition. Why not a plain double-double accumulator: adding K terms one
 * by one in double-double loses up to K * 2^-105 relative (2^-88 for K = 2^17), far above the
 * 2^-100 the oracle promises; here the error is about 2^-106 + K^2 2^-159 relative for
 * nonnegative terms, at a cost of three twoSums per term.
 *
 * Special cases: finite terms only (an infinite term makes the errors NaN).
 */

import { DD, twoSum } from './double-double.js';

const holder = new DD();

export class CascadedSum {
  s1 = 0;
  s2 = 0;
  s3 = 0;

  reset(): void {
    this.s1 = 0;
    this.s2 = 0;
    this.s3 = 0;
  }

  /** Adds hi + lo. */
  add(hi: number, lo: number): void {
    let s = this.s1 + hi;
    let v = s - this.s1;
    const e1 = (this.s1 - (s - v)) + (hi - v);
    this.s1 = s;
    const s2 = this.s2;
    s = s2 + e1;
    v = s - s2;
    let e2 = (s2 - (s - v)) + (e1 - v);
    const t = s + lo;
    v = t - s;
    e2 += (s - (t - v)) + (lo - v);
    this.s2 = t;
    this.s3 += e2;
  }

  /** The sum rounded to a double-double. */
  toDD(out: DD): void {
    twoSum(holder, this.s2, this.s3);
    const middle = holder.hi;
    const low = holder.lo;
    twoSum(holder, this.s1, middle);
    twoSum(out, holder.hi, holder.lo + low);
  }
}
