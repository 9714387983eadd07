/**
 * Adds `value` to the non-overlapping partials partials[0..count), exactly, in place (Shewchuk's
 * grow-expansion: one Fast2Sum per partial); returns the new count, at most count + 1 (the caller
 * makes room). Shared by ExactSum and the calibration's plain-data totals.
 */
export function growExpansion(partials: { [index: number]: number }, count: number, value: number): number {
  let x = value;
  let kept = 0;
  for (let i = 0; i < count; i++) {
    let y = partials[i];
    if (Math.abs(x) < Math.abs(y)) {
      const swap = x;
      x = y;
      y = swap;
    }
    const high = x + y;
    const low = y - (high - x); // exact error of the addition (Fast2Sum, |x| >= |y|)
    if (low !== 0) partials[kept++] = low;
    x = high;
  }
  partials[kept] = x;
  return kept + 1;
}

/**
 * |sum_i c_i - 1|, with the sum computed exactly and the result rounded once: Shewchuk's
 * adaptive expansion ("Adaptive precision floating-point arithmetic", 1997; the algorithm of
 * Python's math.fsum). The partials are non-overlapping, so their exact sum is kept until the
 * end. One scratch buffer, grown when needed: no allocation per row.
 */
export class ExactSum {
  private partials = new Float64Array(64);
  private count = 0;

  reset(start: number): void {
    this.partials[0] = start;
    this.count = start === 0 ? 0 : 1;
  }

  add(value: number): void {
    if (this.count === this.partials.length) this.grow();
    this.count = growExpansion(this.partials, this.count, value);
  }

  /** The exact sum rounded once to float64 (round to nearest). */
  value(): number {
    const partials = this.partials;
    let n = this.count;
    if (n === 0) return 0;
    // As math.fsum does: add from the top, stop at the first inexact step, and fix a tie.
    let high = partials[--n];
    let low = 0;
    while (n > 0) {
      const x = high;
      const y = partials[--n];
      high = x + y;
      const yr = high - x;
      low = y - yr;
      if (low !== 0) break;
    }
    if (n > 0 && ((low < 0 && partials[n - 1] < 0) || (low > 0 && partials[n - 1] > 0))) {
      const y = low * 2;
      const x = high + y;
      if (y === x - high) high = x;
    }
    return high;
  }

  /** The exact sum as canonical partials (canonicalPartials), to keep or to merge. */
  partialList(): number[] {
    return canonicalPartials(this.partials.subarray(0, this.count));
  }

  /** Adds an exact sum given as partials (partialList of another ExactSum). */
  addPartials(partials: readonly number[]): void {
    for (const partial of partials) this.add(partial);
  }

  private grow(): void {
    const larger = new Float64Array(this.partials.length * 2);
    larger.set(this.partials);
    this.partials = larger;
  }
}

const U = 2 ** -53;

/**
 * An upper bound of |sum_i values[i] - 1| for finite, non-negative values (softmax outputs), from
 * one compensated pass: TwoSum keeps each addition's exact error, and the errors are added up in
 * float64 (Ogita, Rump and Oishi's Sum2, "Accurate sum and dot product", SIAM J. Sci. Comput.
 * 26(6), 2005, without its final rounding). Then sum + errors is within 2 (n u)^2 sum of the
 * exact sum (their error bound for Sum2 without the final rounding, with room to spare), and the bound below adds that, the
 * rounding of the two last operations, and 2^-1074.
 *
 * The exact deviation (ExactSum) is several times dearer; it is needed only on a row whose bound
 * exceeds the maximum so far, which after the first rows is almost none.
 */
export function sumDeviationUpperBound(values: Float64Array, length: number): number {
  let sum = 0;
  let errors = 0;
  for (let i = 0; i < length; i++) {
    const x = values[i];
    const next = sum + x;
    const virtual = next - sum;
    errors += sum - (next - virtual) + (x - virtual);
    sum = next;
  }
  const nu = length * U;
  const compensation = 2 * nu * nu * sum;
  const offset = sum - 1; // exact for sum in [0.5, 2] (Sterbenz), else within u |sum - 1|
  const deviation = Math.abs(offset + errors);
  return (deviation + compensation + Math.abs(offset) * U) * (1 + 4 * U) + Number.MIN_VALUE;
}

/**
 * One list of partials for each exact sum: the greedy expansion v_1 = round(S), v_2 =
 * round(S - v_1), ... (smallest first), each step exact. The partials ExactSum keeps depend on
 * the order of the additions, so the summaries of two splits of the same rows would hold equal
 * sums in unequal lists; this form makes equal sums equal data. At most about 40 partials (each
 * is below half an ulp of the one before, within float64's exponent range).
 */
export function canonicalPartials(partials: ArrayLike<number>): number[] {
  const sum = new ExactSum();
  sum.reset(0);
  for (let i = 0; i < partials.length; i++) sum.add(partials[i]);
  const out: number[] = [];
  for (let value = sum.value(); value !== 0; value = sum.value()) {
    // A sum beyond float64's range (an overflowed partial) has no exact rest: kept as it is.
    if (value - value !== 0) return Array.from(partials);
    out.push(value);
    sum.add(-value);
  }
  return out.reverse();
}
