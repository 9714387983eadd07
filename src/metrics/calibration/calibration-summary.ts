import type { Dtype } from '../../formats/index.js';
import { FIRST_ROWS_LIMIT, type WorstRow } from '../summary.js';
import { canonicalTotal, mergeExact, type ExactTotal } from './exact-total.js';
import { emptyLogHistogram, mergeLogHistogram, type LogHistogram } from './log-histogram.js';

/** ECE bins: Guo et al. (2017) use 15 equal-width bins of the confidence. */
export const ECE_BINS = 15;

/**
 * The mergeable state of the calibration figures of one input (or part of one): counts, exact
 * totals and histograms only, plain data (structuredClone and JSON keep it whole). Merging the
 * summaries of any split of the rows gives the summary of the whole (the totals exactly; the
 * partials of an exact total may differ, never their sum). Figures are derived from it by
 * calibrationFigures.
 */
export interface CalibrationSummary {
  /** The temperature every figure is taken at (the logits are x / T). */
  temperature: number;
  /** The largest row length seen (K): the saturation margins are given for it. */
  classes: number;
  /** Ordinary rows (no NaN, no +Infinity, not all -Infinity): every figure is over them. */
  rows: number;
  /** Rows left out: NaN, +Infinity or fully masked (counted per dtype by the input figures). */
  skippedRows: number;
  top: {
    /** Exact total of p_top (each rounded to float64). */
    sum: ExactTotal;
    /** Rows with p_top > 0.99 and > 0.999 (exact comparisons). */
    above099: number;
    above0999: number;
    /** Histogram of 1 - p_top (log scale: 0.999 and 0.9999 are bins apart). */
    oneMinus: LogHistogram;
  };
  entropy: { sum: ExactTotal; histogram: LogHistogram };
  /** Top-2 margin z_(1) - z_(2), over the rows with K >= 2. sum over the finite margins; the histogram counts infinite ones. */
  margin: { rows: number; sum: ExactTotal; histogram: LogHistogram };
  dominance: {
    /** The robust z-score above which the top logit dominates. */
    threshold: number;
    /** Rows whose top logit dominates. */
    rows: number;
    /** Rows whose MAD is 0 (z infinite or undefined), dominant or not. */
    madZeroRows: number;
    /** Exact total of p_top over the dominant rows. */
    massSum: ExactTotal;
    /** The first dominant rows, in input order. */
    firstRows: WorstRow[];
  };
  /** Per dtype: rows whose top-2 margin is at or beyond the saturation margin (every row when K = 1). */
  saturation: Array<{ dtype: Dtype; rows: number }>;
  labels: LabelSummary;
}

export interface LabelSummary {
  /** Ordinary rows with a label other than the ignore index: the rows of every labelled figure. */
  labelledRows: number;
  /** Rows whose label is the ignore index. */
  ignoredRows: number;
  /** Rows whose exact argmax (ties to the lowest index) is the label. */
  correct: number;
  /** Exact totals of the loss LSE(z) - z_y (each rounded to float64; +Infinity counted apart) and of the Brier score. */
  lossSum: ExactTotal;
  infiniteLosses: number;
  brierSum: ExactTotal;
  /** ECE_BINS bins of the confidence p_top: bin b holds (b/15, (b+1)/15]. */
  bins: Array<{ count: number; correct: number; confidenceSum: ExactTotal }>;
}

export function emptyCalibrationSummary(temperature: number, dominanceThreshold: number, dtypes: readonly Dtype[]): CalibrationSummary {
  return {
    temperature,
    classes: 0,
    rows: 0,
    skippedRows: 0,
    top: { sum: [], above099: 0, above0999: 0, oneMinus: emptyLogHistogram() },
    entropy: { sum: [], histogram: emptyLogHistogram() },
    margin: { rows: 0, sum: [], histogram: emptyLogHistogram() },
    dominance: { threshold: dominanceThreshold, rows: 0, madZeroRows: 0, massSum: [], firstRows: [] },
    saturation: dtypes.map((dtype) => ({ dtype, rows: 0 })),
    labels: {
      labelledRows: 0,
      ignoredRows: 0,
      correct: 0,
      lossSum: [],
      infiniteLosses: 0,
      brierSum: [],
      bins: Array.from({ length: ECE_BINS }, () => ({ count: 0, correct: 0, confidenceSum: [] })),
    },
  };
}

/**
 * Merges `other` into `into`: summaries of two parts of one input, taken with the same
 * temperature, threshold and dtypes. Row indices must already be global, so the first dominant
 * rows are the same as one pass over the whole would note.
 */
export function mergeCalibrationSummary(into: CalibrationSummary, other: CalibrationSummary): void {
  if (into.temperature !== other.temperature || into.dominance.threshold !== other.dominance.threshold) {
    throw new RangeError('mergeCalibrationSummary: summaries taken at different temperatures or thresholds');
  }
  if (into.saturation.length !== other.saturation.length || into.saturation.some((s, i) => s.dtype !== other.saturation[i].dtype)) {
    throw new RangeError('mergeCalibrationSummary: summaries of different dtypes');
  }
  into.classes = Math.max(into.classes, other.classes);
  into.rows += other.rows;
  into.skippedRows += other.skippedRows;
  mergeExact(into.top.sum, other.top.sum);
  into.top.above099 += other.top.above099;
  into.top.above0999 += other.top.above0999;
  mergeLogHistogram(into.top.oneMinus, other.top.oneMinus);
  mergeExact(into.entropy.sum, other.entropy.sum);
  mergeLogHistogram(into.entropy.histogram, other.entropy.histogram);
  into.margin.rows += other.margin.rows;
  mergeExact(into.margin.sum, other.margin.sum);
  mergeLogHistogram(into.margin.histogram, other.margin.histogram);
  into.dominance.rows += other.dominance.rows;
  into.dominance.madZeroRows += other.dominance.madZeroRows;
  mergeExact(into.dominance.massSum, other.dominance.massSum);
  into.dominance.firstRows = [...into.dominance.firstRows, ...other.dominance.firstRows].sort((a, b) => a.row - b.row).slice(0, FIRST_ROWS_LIMIT);
  into.saturation.forEach((s, i) => (s.rows += other.saturation[i].rows));
  const a = into.labels;
  const b = other.labels;
  a.labelledRows += b.labelledRows;
  a.ignoredRows += b.ignoredRows;
  a.correct += b.correct;
  mergeExact(a.lossSum, b.lossSum);
  a.infiniteLosses += b.infiniteLosses;
  mergeExact(a.brierSum, b.brierSum);
  a.bins.forEach((bin, i) => {
    bin.count += b.bins[i].count;
    bin.correct += b.bins[i].correct;
    mergeExact(bin.confidenceSum, b.bins[i].confidenceSum);
  });
}

/** Every exact total of a summary in canonical form (canonicalTotal), so that equal sums are equal data. */
export function canonicalizeCalibrationSummary(summary: CalibrationSummary): void {
  for (const total of [summary.top.sum, summary.entropy.sum, summary.margin.sum, summary.dominance.massSum, summary.labels.lossSum, summary.labels.brierSum]) canonicalTotal(total);
  for (const bin of summary.labels.bins) canonicalTotal(bin.confidenceSum);
}
