import type { Format } from '../formats/index.js';
import { float64BinadeStart } from '../formats/bits.js';
import { ulpDistanceIn } from '../formats/ulp-distance.js';
import { addQuanta, bitsQuanta, histogramBin } from './bits-of-error.js';
import type { ErrorAccumulator, MaskedOutputs, ResultSummary } from './summary.js';

/**
 * The exact values of one function on one row, in the form the accumulators need: the value as
 * a double-double (scaled by 2^exp2 where it lies below float64's range), and its correct
 * rounding to the format. Filled once per (row, format, function) and shared by every algorithm.
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
 * Adds one row's outputs of one (function, format, algorithm) to its summary: wrong outputs,
 * errors against the exact values, worstRow. `length` elements of `computed` are read.
 * Returns whether every output was finite (softmax's row-level figures need it).
 */
export function accumulateRow(
  summary: ResultSummary,
  format: Format,
  computed: Float64Array,
  length: number,
  exact: ExactValues,
  zeroCheck: boolean,
  row: number,
  line: number,
): boolean {
  const errors: ErrorAccumulator = summary.errors;
  const { hi, lo, exp2, rounded, roundedAbs, roundedRel, roundedUlp, binadeLow, binadeHigh } = exact;
  // Hot loop (every output element of every result): figures are gathered in locals and
  // written back once per row.
  let allFinite = true;
  let rowMaxUlp = -1;
  let count = 0;
  let correctlyRounded = 0;
  let nan = 0;
  let inf = 0;
  let zero = 0;
  let maxAbs = errors.maxAbs;
  let maxRel = errors.maxRel;
  let quantaLow = 0;
  const histogram = errors.bitsHistogram;
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
    let abs: number;
    let rel: number;
    if (scale === 0) {
      abs = Math.abs(c - e - lo[i]); // written out: this loop must not call out with doubles
      rel = e === 0 ? 0 : abs / Math.abs(e);
    } else {
      abs = absoluteError(c, e, lo[i], scale);
      rel = relativeError(c, e, lo[i], scale);
    }
    if (abs > maxAbs) maxAbs = abs;
    if (rel > maxRel) maxRel = rel;
    const magnitude = Math.abs(c);
    const low = binadeLow[i];
    const ulps =
      magnitude < binadeHigh[i] && magnitude >= low && (low === 0 || c < 0 === r < 0)
        ? Math.abs(c - r) / roundedUlp[i] // same spacing: c - r is exact, the division by a power of two too
        : ulpDistanceIn(c, r, precision, minExponent, maxExponent, minNormal, minSubnormal);
    if (ulps > rowMaxUlp) rowMaxUlp = ulps;
    const quanta = bitsQuanta(ulps);
    quantaLow += quanta;
    histogram[histogramBin(quanta)]++;
  }
  addQuanta(errors.bitsSum, quantaLow); // a row's quanta stay far below 2^52: exact
  if (correctlyRounded > 0) {
    errors.bitsHistogram[0] += correctlyRounded;
    if (rowMaxUlp < 0) rowMaxUlp = 0;
  }
  const wrong = summary.wrong;
  wrong.nan += nan;
  wrong.inf += inf;
  wrong.zero += zero;
  errors.count += count;
  errors.maxAbs = maxAbs;
  errors.maxRel = maxRel;
  if (rowMaxUlp > errors.maxUlp) {
    errors.maxUlp = rowMaxUlp;
    errors.worstRow = { row, line };
  }
  return allFinite;
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
