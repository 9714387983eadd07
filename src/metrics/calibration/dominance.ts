/**
 * Does one logit dominate its row? Its robust z-score against the row,
 *   z = (x_max - median(x)) / (1.4826 MAD(x)),  MAD(x) = median_j |x_j - median(x)|,
 * is the "modified z-score" of Iglewicz and Hoaglin ("How to Detect and Handle Outliers",
 * ASQC, 1993: 0.6745 (x - median) / MAD, and 1 / 0.6745 = 1.4826, the factor that makes
 * 1.4826 MAD estimate the standard deviation of a normal sample). They recommend flagging
 * |z| > 3.5 as an outlier; DOMINANCE_THRESHOLD takes the same value: the top logit dominates
 * when it is an outlier of its own row, as far above the bulk of the logits as a 3.5-sigma
 * point of a normal sample, measured with statistics that the top logit itself cannot drag.
 *
 * Computed in float64 in this order, as numpy computes np.median (the mean of the two middle
 * values for an even count) and np.median(np.abs(x - median)), so that a numpy check counts the
 * same rows. z does not depend on a temperature (dividing every logit by T divides numerator and
 * denominator by T), so it is taken on the logits as given.
 *
 * Only finite logits enter (a -Infinity is a masked position, not a score). MAD = 0 (at least
 * half of the finite logits equal the median, as when most classes share one fill value): z is
 * +Infinity when x_max > median (the top logit dominates without doubt) and undefined (not
 * dominant) when x_max = median. Rows with fewer than 2 finite logits have no z.
 *
 * Median and MAD by quickselect (Hoare's partition with a median-of-three pivot, which splits
 * runs of equal values evenly): O(K) per row, in a scratch buffer.
 */
export const DOMINANCE_THRESHOLD = 3.5;
export const MAD_SCALE = 1.4826;

/** The k-th smallest (0-based) of a[0..n); reorders a so that a[0..k) <= a[k] <= a(k..n). */
export function selectKth(a: Float64Array, n: number, k: number): number {
  let low = 0;
  let high = n - 1;
  while (high > low) {
    const middle = (low + high) >> 1;
    const x = a[low];
    const y = a[middle];
    const z = a[high];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = low;
    let j = high;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const swap = a[i];
        a[i] = a[j];
        a[j] = swap;
        i++;
        j--;
      }
    }
    // Now a[low..j] <= pivot <= a[i..high], and a(j..i) all equal the pivot.
    if (k <= j) high = j;
    else if (k >= i) low = i;
    else return a[k];
  }
  return a[k];
}

/** The median of a[0..n) (n >= 1) as numpy computes it; reorders a. */
export function medianOf(a: Float64Array, n: number): number {
  const half = n >> 1;
  if (n % 2 === 1) return selectKth(a, n, half);
  const lower = selectKth(a, n, half - 1);
  let upper = a[half];
  for (let i = half + 1; i < n; i++) if (a[i] < upper) upper = a[i];
  const mean = (lower + upper) / 2;
  return Number.isFinite(mean) ? mean : lower / 2 + upper / 2;
}

/** The robust z-score of a row, and whether its MAD was 0. */
export interface RobustZ {
  z: number;
  madZero: boolean;
}

/**
 * The robust z-score of the largest finite logit of x[0..length) into out: NaN when it has none
 * (fewer than 2 finite logits, or MAD = 0 with x_max = median); +Infinity when MAD = 0 and
 * x_max > median. `scratch` holds at least `length` values.
 */
export function robustZ(x: Float64Array, length: number, scratch: Float64Array, out: RobustZ): void {
  let n = 0;
  let max = -Infinity;
  for (let j = 0; j < length; j++) {
    const v = x[j];
    if (v === -Infinity) continue;
    scratch[n++] = v;
    if (v > max) max = v;
  }
  out.madZero = false;
  if (n < 2) {
    out.z = NaN;
    return;
  }
  const median = medianOf(scratch, n);
  for (let i = 0; i < n; i++) scratch[i] = Math.abs(scratch[i] - median);
  const mad = medianOf(scratch, n);
  const excess = max - median;
  if (mad === 0) {
    out.madZero = true;
    out.z = excess > 0 ? Infinity : NaN;
    return;
  }
  out.z = excess / (MAD_SCALE * mad);
}
