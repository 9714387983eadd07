import type { Format } from '../formats/index.js';
import { float64BinadeStart } from '../formats/bits.js';
import { ulpDistanceIn } from '../formats/ulp-distance.js';
import { ldexp } from '../reference/pow2.js';
import { addQuanta, bitsQuanta, histogramBin } from './bits-of-error.js';
import { noteFirstRow, rowAt, type ErrorAccumulator, type MaskedOutputs, type ResultSummary, type RowLabel } from './summary.js';

/**
 * The exact values of one function on one row, in the form the accumulators need: the value as
 * a double-double (scaled by 2^exp2 where it lies below float64's range), and its correct
 * rounding to the format. Filled once per (row, format, function) and shared by every algorithm;
 * hi, lo and exp2 are the reference's own buffers (valid for the current row), not copies.
 */
export interface ExactValues {
  hi: Float64Array;
  lo: Float64Array;
  /** value = (hi + lo) * 2^exp2; exp2 is 0 unless the value is below 2^-960 in magnitude. */
  exp2: Int32Array;
  rounded: Float64Array;
  /**
   * binadeLowOf(rounded): where the format's spacing at `rounded` starts, from which measureRow
   * counts a computed value's ulps with one division where it lies in the same binade.
   */
  binadeLow: Float64Array;
}

/**
 * The start 2^e of the binade [2^e, 2^(e+1)) of |r| for a normal r; 0 below the normal range
 * (where the subnormals, of both signs, share one spacing); Infinity for an infinite or NaN r.
 * The binade ends at max(2 low, minNormal) and its spacing is max(2u low, minSubnormal) (u the
 * unit roundoff; 2u times the smallest normal is the smallest subnormal), so this one number
 * stands for the three (measureRow). One value per exact value, shared by every algorithm.
 */
export function binadeLowOf(r: number, format: Format): number {
  const magnitude = Math.abs(r);
  if (!(magnitude <= format.maxFinite)) return Infinity;
  return magnitude < format.minNormal ? 0 : float64BinadeStart(magnitude);
}

/**
 * |c - e| and |c - e| / |e| for e = (hi + lo) * 2^exp2, accurate to a few float64 ulps, for any
 * exp2 the reference gives (down to -2^31: e may lie far below float64's least subnormal).
 */
export function absoluteError(c: number, hi: number, lo: number, exp2: number): number {
  if (exp2 === 0) return Math.abs(c - hi - lo);
  // e rounded once to float64 (0 below 2^-1075), then the difference: within 2^-1074 of |c - e|.
  return Math.abs(c - ldexp(hi, exp2));
}

export function relativeError(c: number, hi: number, lo: number, exp2: number): number {
  if (hi === 0) return 0; // e = 0 is excluded from maxRel
  if (exp2 === 0) return Math.abs(c - hi - lo) / Math.abs(hi);
  // e lies below float64's range: compare at e's scale, where c * 2^-exp2 is exact (a scaling
  // up) unless it overflows. c = 0 gives exactly 1. That is the common case, and a correct one
  // in ulps: float64 log-softmax of [1500, 0, 0] at the maximum is e = -log(1 + 2e^-1500) =
  // -7.2e-652, far below the least subnormal 2^-1074, so round(e) = -0 and the computed 0 is
  // 0 ulps from it (+0 and -0 are one point), while |c - e| / |e| = 1 (SPEC section 6 measures
  // maxRel against e itself, maxUlp against round(e)); maxAbs is 7.2e-652, 0 in float64.
  const scaled = ldexp(c, -exp2);
  if (scaled - scaled === 0) return Math.abs(scaled - hi - lo) / Math.abs(hi);
  // |c / e| >= 2^1024 / |hi + lo|: beside it the 1 of |c / e - 1| and lo are far below an ulp.
  // Formed as (|c| 2^s / |hi|) 2^(-exp2 - s), s bringing |c| near 1: c / hi alone may underflow.
  const s = -Math.round(Math.log2(Math.abs(c)));
  return ldexp(ldexp(Math.abs(c), s) / Math.abs(hi), -exp2 - s);
}

/**
 * What one row of one result adds to its summary. Measured once, it can be applied to several
 * results: two algorithms whose outputs are bit for bit the same on a row (online and max-shift
 * are, on most rows) add the same figures, so the second only compares its outputs.
 */
export class RowFigures {
  allFinite = true;
  count = 0;
  correctlyRounded = 0;
  nan = 0;
  inf = 0;
  zero = 0;
  /** Finite outputs off by a factor of 2 or more where it matters (measureRow). */
  factor2 = 0;
  maxAbs = 0;
  maxRel = 0;
  /** -1 when no element had both values finite. */
  maxUlp = -1;
  quanta = 0;
  /** Histogram bins of the elements that were not correctly rounded, binCount of them. */
  bins = new Int32Array(0);
  binCount = 0;
  /**
   * softmax on an all-finite row: |exact sum - 1| (NaN until computed: only when the upper bound
   * could raise a maximum), an upper bound of it, and whether the argmax moved (see Analysis).
   */
  sumDeviation = NaN;
  sumDeviationBound = 0;
  argmaxFlipped = false;
}

/**
 * Measures one row's outputs of one (function, format, algorithm) against the exact values:
 * wrong outputs, errors, bits. `length` elements of `computed` are read. `probabilities` for
 * softmax (zeros are checked, and an output is off by a factor of 2 when c >= 2e or c <= e/2
 * where e rounds to a normal number; gradients too, whose elements are probabilities, minus 1
 * at the label); otherwise the outputs are logarithms (log-softmax, log-sum-exp, cross-entropy),
 * off by a factor of 2 in what they stand for when |c - e| >= ln 2. `zeros`: count outputs
 * flushed to 0 (softmax, gradient, and cross-entropy, where a lost loss is a lost signal).
 */
export function measureRow(
  figures: RowFigures,
  format: Format,
  computed: Float64Array,
  length: number,
  exact: ExactValues,
  probabilities: boolean,
  zeros = probabilities,
): void {
  const { hi, lo, exp2, rounded, binadeLow } = exact;
  if (figures.bins.length < length) figures.bins = new Int32Array(length);
  const bins = figures.bins;
  // Hot loop (every output element of every result): figures are gathered in locals and
  // written back once per row.
  let allFinite = true;
  let rowMaxUlp = -1;
  let count = 0;
  let correctlyRounded = 0;
  let nan = 0;
  let inf = 0;
  let zero = 0;
  let factor2 = 0;
  let maxAbs = 0;
  let maxRel = 0;
  let quanta = 0;
  let binCount = 0;
  const { precision, minExponent, maxExponent, minNormal, minSubnormal } = format;
  // 2^(1-p) first: low * 2^-52 alone is exact, where low * 2^-53 * 2 would underflow at 2^-1022.
  const twoUnitRoundoff = format.unitRoundoff * 2;
  for (let i = 0; i < length; i++) {
    const c = computed[i];
    const e = hi[i];
    if (c - c !== 0) {
      // c is NaN or +-Infinity. NaN is wrong wherever the exact value is not NaN (never, on an
      // ordinary row), an infinity only where the exact value is finite (not at log-softmax's
      // exact -Infinity of a masked position).
      allFinite = false;
      if (c !== c) nan++;
      else if (e - e === 0) inf++;
      continue;
    }
    if (e - e !== 0) continue; // finite c where the exact value is -Infinity: no figure defined
    count++;
    // The errors, computed alike for a correctly rounded c (then the rounding's own error), from
    // values this loop loads anyway: as fast as reading them precomputed per element (measured),
    // and two buffers fewer per function.
    const scale = exp2[i];
    let far = false;
    if (scale === 0) {
      const abs = Math.abs(c - e - lo[i]); // written out: this loop must not call out with doubles
      if (abs > maxAbs) maxAbs = abs;
      far = abs >= (probabilities ? 0.5 * Math.abs(e) : Math.LN2) && isFactor2(c, e, abs, probabilities, rounded[i], minNormal);
      // The division only where the quotient may exceed maxRel: the threshold is below
      // maxRel |e| whenever that product is normal (two roundings, each within 2^-53).
      const threshold = maxRel * Math.abs(e) * (1 - 2 ** -50);
      if (e !== 0 && (abs >= threshold || threshold < 2 ** -1000)) {
        const rel = abs / Math.abs(e);
        if (rel > maxRel) maxRel = rel;
      }
    } else {
      const abs = absoluteError(c, e, lo[i], scale);
      const rel = relativeError(c, e, lo[i], scale);
      if (abs > maxAbs) maxAbs = abs;
      if (rel > maxRel) maxRel = rel;
      // Below 2^-960 e is a probability (logarithms that small are exact and keep exp2 = 0);
      // c and e compared at e's scale, as relativeError does. Whether c lies above e is asked of
      // e itself, not of hi (e scaled up): rounded to float64 it keeps its order with c, up to
      // c = round(e), where rel is far below 1/2 (rounded is normal here).
      far = probabilities ? Math.abs(rounded[i]) >= minNormal && (c > ldexp(e, scale) === e > 0 ? rel >= 1 : rel >= 0.5) : abs >= Math.LN2;
    }
    const r = rounded[i];
    if (c === r) {
      correctlyRounded++; // 0 ulps, 0 bits: histogram bin 0, added per row in applyRow
      continue;
    }
    if (zeros && c === 0) zero++;
    const magnitude = Math.abs(c);
    const low = binadeLow[i];
    // In r's binade (of either sign below the normal range) c - r is exact and the spacing a
    // power of two, so the division is exact; elsewhere the ordinal count.
    const ulps =
      magnitude >= low && magnitude < Math.max(2 * low, minNormal) && (low === 0 || c < 0 === r < 0)
        ? Math.abs(c - r) / Math.max(low * twoUnitRoundoff, minSubnormal)
        : ulpDistanceIn(c, r, precision, minExponent, maxExponent, minNormal, minSubnormal);
    if (ulps > rowMaxUlp) rowMaxUlp = ulps;
    // A log-value within 1 ulp of the correctly rounded one is as close as the format can hold
    // it (bfloat16's spacing is 2 at 256): that is no algorithm's failure.
    if (far && (probabilities || ulps > 1)) factor2++;
    const elementQuanta = bitsQuanta(ulps);
    quanta += elementQuanta;
    bins[binCount++] = histogramBin(elementQuanta);
  }
  if (correctlyRounded > 0 && rowMaxUlp < 0) rowMaxUlp = 0;
  figures.allFinite = allFinite;
  figures.count = count;
  figures.correctlyRounded = correctlyRounded;
  figures.nan = nan;
  figures.inf = inf;
  figures.zero = zero;
  figures.factor2 = factor2;
  figures.maxAbs = maxAbs;
  figures.maxRel = maxRel;
  figures.maxUlp = rowMaxUlp;
  figures.quanta = quanta;
  figures.binCount = binCount;
}

/**
 * Whether a finite output is off by a factor of 2 or more from e = hi (+ lo), given abs = |c - e|
 * at least the threshold: a probability c / e >= 2 or c / e <= 1/2 where e rounds to a normal number of
 * the format (below that a probability has few significant bits, and flushing is counted as
 * `zero`); a logarithm |c - e| >= ln 2.
 */
function isFactor2(c: number, e: number, abs: number, probabilities: boolean, rounded: number, minNormal: number): boolean {
  if (!probabilities) return true; // abs >= ln 2 already
  if (Math.abs(rounded) < minNormal) return false;
  // c beyond e (farther from 0: c >= 2e) or short of it (c <= e/2), for e of either sign
  // (a gradient is negative at the label).
  return c > e === e > 0 ? abs >= Math.abs(e) : abs >= 0.5 * Math.abs(e);
}

/** Adds a measured row to a summary (row, line and label: where it came from, for worstRow and firstRows). */
export function applyRow(summary: ResultSummary, figures: RowFigures, row: number, line: number, label: RowLabel | undefined): void {
  const errors: ErrorAccumulator = summary.errors;
  const wrong = summary.wrong;
  if (figures.nan > 0) {
    wrong.nan += figures.nan;
    noteFirstRow(summary.firstRows.nan, row, line, label);
  }
  if (figures.inf > 0) {
    wrong.inf += figures.inf;
    noteFirstRow(summary.firstRows.inf, row, line, label);
  }
  if (figures.zero > 0) {
    wrong.zero += figures.zero;
    noteFirstRow(summary.firstRows.zero, row, line, label);
  }
  if (figures.factor2 > 0) {
    wrong.factor2 += figures.factor2;
    noteFirstRow(summary.firstRows.factor2, row, line, label);
  }
  errors.count += figures.count;
  if (figures.maxAbs > errors.maxAbs) errors.maxAbs = figures.maxAbs;
  if (figures.maxRel > errors.maxRel) errors.maxRel = figures.maxRel;
  addQuanta(errors.bitsSum, figures.quanta); // a row's quanta stay far below 2^52: exact
  const histogram = errors.bitsHistogram;
  histogram[0] += figures.correctlyRounded;
  for (let b = 0; b < figures.binCount; b++) histogram[figures.bins[b]]++;
  if (figures.maxUlp > errors.maxUlp) {
    errors.maxUlp = figures.maxUlp;
    errors.worstRow = rowAt(row, line, label);
  }
}

/** Adds one masked row's outputs, classified element by element, and whether they are uniform. */
export function accumulateMasked(summary: ResultSummary, computed: Float64Array, length: number, row: number, line: number, label: RowLabel | undefined): void {
  const masked = summary.masked;
  masked.rows++;
  noteFirstRow(summary.firstRows.masked, row, line, label);
  let uniform = length > 1 && computed[0] - computed[0] === 0 && computed[0] !== 0;
  for (let i = 0; i < length; i++) {
    if (computed[i] !== computed[0]) uniform = false;
    const c = computed[i];
    if (c !== c) masked.nan++;
    else if (c === 0) masked.zero++;
    else if (c === Infinity) masked.posInf++;
    else if (c === -Infinity) masked.negInf++;
    else masked.finite++;
  }
  if (uniform) masked.uniformRows++;
}
