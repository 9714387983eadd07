import { FORMATS, type Dtype } from '../../formats/index.js';
import { DD, ddAdd } from '../../reference/double-double.js';
import { log1pDD } from '../../reference/log-dd.js';

/**
 * The saturation margin of a dtype: the top-2 margin d beyond which softmax's top probability
 * rounds to exactly 1 in that dtype, whatever the other logits.
 *
 * Derivation. With m the largest logit and the second largest at m - d, every other logit is at
 * most m - d, so p_top = 1 / (1 + sum_{j != top} e^(x_j - m)) >= 1 / (1 + (K - 1) e^-d), with
 * equality when all K - 1 others sit at m - d: that row is the worst case. The largest float
 * below 1 in a dtype of precision p (bits, hidden bit included) is 1 - 2^-p; the midpoint
 * between the two is 1 - 2^-(p+1), and a value exactly there rounds to 1 (ties to even: 1's
 * significand is even, 1 - 2^-p's is all ones). So p_top rounds to 1 (round to nearest) iff
 * p_top >= 1 - 2^-(p+1), and for the worst case
 *   1 / (1 + (K - 1) e^-d) >= 1 - 2^-(p+1)
 *   <=> (K - 1) e^-d <= 1 / (1 - 2^-(p+1)) - 1 = 1 / (2^(p+1) - 1)
 *   <=> d >= d* = ln(K - 1) + ln(2^(p+1) - 1).
 * Every row whose top-2 margin is >= d* has a top probability that rounds to exactly 1, and
 * the others together are below 2^-(p+1): softmax is one-hot to the dtype's precision, and the
 * gradient of the cross-entropy at the true class, p_y - 1, is exactly 0 when y is the top
 * class (the training signal of that row has vanished). Rows below d* may saturate too (when the other logits are lower than the second);
 * d* is the margin from which it is certain.
 * d* is irrational (the product (K - 1)(2^(p+1) - 1) is an integer > 1), so no margin equals it.
 * K = 1: softmax is 1 whatever the logit; there is no margin, and every row is saturated.
 */
export function saturationMargin(classes: number, precision: number, out: DD): void {
  if (!Number.isInteger(classes) || classes < 2) throw new RangeError(`saturationMargin: K = ${classes}, needs K >= 2`);
  const first = new DD();
  // ln(n) = log1p(n - 1), with n - 1 exact for these integers.
  log1pDD(first, classes - 2, 0);
  const second = new DD();
  log1pDD(second, 2 ** (precision + 1) - 2, 0);
  ddAdd(out, first.hi, first.lo, second.hi, second.lo);
}

/** The saturation margins of the dtypes for one K, as double-doubles (cached: K changes only in ragged inputs). */
export class SaturationMargins {
  private classes = -1;
  readonly hi: Float64Array;
  readonly lo: Float64Array;

  constructor(readonly dtypes: readonly Dtype[]) {
    this.hi = new Float64Array(dtypes.length);
    this.lo = new Float64Array(dtypes.length);
  }

  /** Makes the margins those of K classes (K >= 2). */
  use(classes: number): void {
    if (classes === this.classes) return;
    const holder = new DD();
    this.dtypes.forEach((dtype, i) => {
      saturationMargin(classes, FORMATS[dtype].precision, holder);
      this.hi[i] = holder.hi;
      this.lo[i] = holder.lo;
    });
    this.classes = classes;
  }
}

/** d* of a dtype for K classes, rounded to float64; null for K = 1 (no margin: always saturated). */
export function saturationMarginValue(classes: number, dtype: Dtype): number | null {
  if (classes < 2) return null;
  const holder = new DD();
  saturationMargin(classes, FORMATS[dtype].precision, holder);
  return holder.hi;
}
