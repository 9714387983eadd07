import type { Format } from '../formats/index.js';
import { float64BinadeStart } from '../formats/bits.js';
import { ulpDistanceIn } from '../formats/ulp-distance.js';
import { addQuanta, bitsQuanta, histogramBin } from './bits-of-error.js';
import type { ErrorAccumulator, MaskedOutputs, ResultSummary } from './summary.js';

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
  /** |rounded - exact| and that over |exact|: the error of a correctly rounded result, reused whenever an algorithm gets it. */
  roundedAbs: Float64Array;
  roundedRel: Float64Array;
  /**
   * The spacing of the format at `rounded`, and the magnitudes [binadeLow, binadeHigh) where that
   * spacing holds (0 and minNormal for the subnormal range, which spans both signs): a computed
   * value there lies |c - rounded| / ulp steps away, with no bit fiddling (ulpDistanceIn
   * otherwise). binadeHigh is 0 where rounded is not finite, so that test always fails.
   */
  roundedUlp: Float64Array;
  binadeLow: Float64Array;
  binadeHigh: Float64Array;
}

/** Fills roundedUlp, binadeLow and binadeHigh of element i from exact.rounded[i]. */
export function fillSpacing(exact: ExactValues, format: Format, i: number): void {
  const r = exact.rounded[i];
  const magnitude = Math.abs(r);
  if (!(magnitude <= format.maxFinite)) {
    exact.binadeLow[i] = Infinity;
    exact.binadeHigh[i] = 0;
    exact.roundedUlp[i] = Infinity;
  } else if (magnitude < format.minNormal) {
    exact.binadeLow[i] = 0;
    exact.binadeHigh[i] = format.minNormal;
    exact.roundedUlp[i] = format.minSubnormal;
  } else {
    const low = float64BinadeStart(magnitude);
    exact.binadeLow[i] = low;
    exact.binadeHigh[i] = low * 2;
    // 2^(e - p + 1), exact: the constant first, or low * 2^-53 could underflow to 0 at 2^-1022.
    exact.roundedUlp[i] = low * (format.unitRoundoff * 2);
  }
}

/** 2^n for any integer n, without overflowing on the way (ldexp of 1 split in two). */
function scaleByPowerOfTwo(x: number, n: number): number {
  const half = n >> 1;
  return x * 2 ** half * 2 ** (n - half);
}

/** |c - e| and |c - e| / |e| for e = (hi + lo) * 2^exp2, accurate to a few float64 ulps. */
export function absoluteError(c: number, hi: number, lo: number, exp2: number): number {
  if (exp2 === 0) return Math.abs(c - hi - lo);
  return Math.abs(c - scaleByPowerOfTwo(hi, exp2));
}

export function relativeError(c: number, hi: number, lo: number, exp2: number): number {
  if (hi === 0) return 0; // e = 0 is excluded from maxRel
  if (exp2 === 0) return Math.abs(c - hi - lo) / Math.abs(hi);
  // e lies below float64's range: compare at e's scale. c * 2^-exp2 may overflow to Infinity,
  // which is then the honest float64 answer.
  return Math.abs(scaleByPowerOfTwo(c, -exp2) - hi - lo) / Math.abs(hi);
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
 * wrong outputs, errors, bits. `length` elements of `computed` are read.
 */
export function measureRow(figures: RowFigures, format: Format, computed: Float64Array, length: number, exact: ExactValues, zeroCheck: boolean): void {
  const { hi, lo, exp2, rounded, roundedAbs, roundedRel, roundedUlp, binadeLow, binadeHigh } = exact;
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
  let maxAbs = 0;
  let maxRel = 0;
  let quanta = 0;
  let binCount = 0;
  const { precision, minExponent, maxExponent, minNormal, minSubnormal } = format;
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
    const r = rounded[i];
    count++;
    if (c === r) {
      // Correctly rounded: 0 ulps, and the error is the rounding's own (computed once per element).
      correctlyRounded++;
      if (roundedAbs[i] > maxAbs) maxAbs = roundedAbs[i];
      if (roundedRel[i] > maxRel) maxRel = roundedRel[i];
      continue;
    }
    if (zeroCheck && c === 0) zero++;
    const scale = exp2[i];
    if (scale === 0) {
      const abs = Math.abs(c - e - lo[i]); // written out: this loop must not call out with doubles
      if (abs > maxAbs) maxAbs = abs;
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
    }
    const magnitude = Math.abs(c);
    const low = binadeLow[i];
    const ulps =
      magnitude < binadeHigh[i] && magnitude >= low && (low === 0 || c < 0 === r < 0)
        ? Math.abs(c - r) / roundedUlp[i] // same spacing: c - r is exact, the division by a power of two too
        : ulpDistanceIn(c, r, precision, minExponent, maxExponent, minNormal, minSubnormal);
    if (ulps > rowMaxUlp) rowMaxUlp = ulps;
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
  figures.maxAbs = maxAbs;
  figures.maxRel = maxRel;
  figures.maxUlp = rowMaxUlp;
  figures.quanta = quanta;
  figures.binCount = binCount;
}

/** Adds a measured row to a summary (row and line: where it came from, for worstRow and firstRows). */
export function applyRow(summary: ResultSummary, figures: RowFigures, row: number, line: number): void {
  const errors: ErrorAccumulator = summary.errors;
  const wrong = summary.wrong;
  if (figures.nan > 0) {
    wrong.nan += figures.nan;
    summary.firstRows.nan ??= { row, line };
  }
  if (figures.inf > 0) {
    wrong.inf += figures.inf;
    summary.firstRows.inf ??= { row, line };
  }
  if (figures.zero > 0) {
    wrong.zero += figures.zero;
    summary.firstRows.zero ??= { row, line };
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
    errors.worstRow = { row, line };
  }
}

/** Adds one masked row's outputs, classified element by element. */
export function accumulateMasked(masked: MaskedOutputs, computed: Float64Array, length: number): void {
  masked.rows++;
  for (let i = 0; i < length; i++) {
    const c = computed[i];
    if (c !== c) masked.nan++;
    else if (c === 0) masked.zero++;
    else if (c === Infinity) masked.posInf++;
    else if (c === -Infinity) masked.negInf++;
    else masked.finite++;
  }
}
