import { FORMATS, type Dtype } from '../../formats/index.js';
import { DD, twoSum } from '../../reference/double-double.js';
import type { WorstRow } from '../summary.js';
import { ECE_BINS, type CalibrationSummary } from './calibration-summary.js';
import { addExact, exactAbs, exactMinus, exactValue, type ExactTotal } from './exact-total.js';
import { binOfRank, histogramTotal, quantileRank, type LogHistogram } from './log-histogram.js';
import { saturationMarginValue } from './saturation.js';

/**
 * A quantile known to lie in [low, high] (the histogram bin that holds it, by numpy's
 * inverted_cdf definition), with value a representative point of that bin (its midpoint).
 */
export interface QuantileFigure {
  low: number;
  high: number;
  value: number;
}

/** A quantile of the top probability, with the edges of its bin of 1 - p_top (exact there, where 1 - low may round to 1). */
export interface TopQuantileFigure extends QuantileFigure {
  oneMinusLow: number;
  oneMinusHigh: number;
}

export interface DistributionFigures {
  mean: number;
  median: QuantileFigure;
  p90: QuantileFigure;
  p99: QuantileFigure;
}

export interface ReliabilityBin {
  /** The bin holds confidences in (low, high]. */
  low: number;
  high: number;
  count: number;
  /** null for an empty bin. */
  meanConfidence: number | null;
  accuracy: number | null;
}

/** The labelled figures; each ratio is null when no row is labelled (every label the ignore index). */
export interface LabelFigures {
  labelledRows: number;
  ignoredRows: number;
  accuracy: number | null;
  /** Exact mean of LSE(z) - z_y (+Infinity when a label sits on a -Infinity logit). */
  meanLoss: number | null;
  /** Mean over rows of sum_i (p_i - [i = y])^2: summed over the classes, not divided by K (in [0, 2]). */
  brier: number | null;
  /** Expected calibration error, 15 equal-width bins (Guo et al., 2017). */
  ece: number | null;
  meanConfidence: number | null;
  /** Mean confidence minus accuracy: > 0 is over-confidence. */
  overconfidence: number | null;
  reliability: ReliabilityBin[];
}

/**
 * The calibration figures of the report: numbers only, derived from a CalibrationSummary. The
 * distributions are null when there is no ordinary row, and so are shares.
 */
export interface CalibrationFigures {
  temperature: number;
  rows: number;
  skippedRows: number;
  classes: number;
  topProbability: {
    mean: number;
    median: TopQuantileFigure;
    p90: TopQuantileFigure;
    p99: TopQuantileFigure;
    shareAbove099: number;
    shareAbove0999: number;
  } | null;
  /** In nats. */
  entropy: DistributionFigures | null;
  /** z_(1) - z_(2); null when K = 1. mean is +Infinity when some row's second logit is -Infinity. */
  margin: (DistributionFigures & { rows: number }) | null;
  dominance: {
    threshold: number;
    rows: number;
    share: number | null;
    /** Mean p_top over the dominant rows (null when there is none). */
    meanMass: number | null;
    madZeroRows: number;
    firstRows: WorstRow[];
  };
  saturation: Array<{
    dtype: Dtype;
    precision: number;
    /** d* = ln(K - 1) + ln(2^(p+1) - 1) for K = classes; null when K = 1 (always saturated). */
    margin: number | null;
    rows: number;
    share: number | null;
  }>;
  /** null when no row carries a label. */
  labels: LabelFigures | null;
}

const QUANTILES = { median: [1, 2], p90: [9, 10], p99: [99, 100] } as const;

function mean(total: ExactTotal, count: number): number {
  return exactValue(total) / count;
}

function share(count: number, total: number): number | null {
  return total === 0 ? null : count / total;
}

function quantile(histogram: LogHistogram, n: number, numerator: number, denominator: number): QuantileFigure {
  const bin = binOfRank(histogram, quantileRank(n, numerator, denominator));
  return { low: bin.low, high: bin.high, value: bin.value };
}

function distribution(histogram: LogHistogram, total: ExactTotal): DistributionFigures {
  const n = histogramTotal(histogram);
  return {
    mean: histogram.infinite > 0 ? Infinity : mean(total, n),
    median: quantile(histogram, n, ...QUANTILES.median),
    p90: quantile(histogram, n, ...QUANTILES.p90),
    p99: quantile(histogram, n, ...QUANTILES.p99),
  };
}

const holder = new DD();
const bits = new Float64Array(1);
const integers = new BigInt64Array(bits.buffer);

/** 1 - x for x in [0, 1], rounded down (or up) to float64: a bracket in p is never narrower than its bin in 1 - p. */
function oneMinus(x: number, up: boolean): number {
  twoSum(holder, 1, -x); // holder.hi (1 - x rounded to nearest) + holder.lo = 1 - x exactly
  const hiBelow = holder.lo > 0;
  const hiAbove = holder.lo < 0;
  if (!(up ? hiBelow : hiAbove)) return holder.hi;
  // One float64 step towards the exact value and past it (holder.hi > 0 here: 1 - x >= 0).
  bits[0] = holder.hi;
  integers[0] += up ? 1n : -1n;
  return bits[0];
}

/** The q-quantile of p_top from the histogram of 1 - p_top: the rank-th smallest p is the (n - rank + 1)-th smallest 1 - p. */
function topQuantile(histogram: LogHistogram, n: number, numerator: number, denominator: number): TopQuantileFigure {
  const rank = quantileRank(n, numerator, denominator);
  const bin = binOfRank(histogram, n - rank + 1);
  return { low: oneMinus(bin.high, false), high: oneMinus(bin.low, true), value: 1 - bin.value, oneMinusLow: bin.low, oneMinusHigh: bin.high };
}

export function calibrationFigures(summary: CalibrationSummary): CalibrationFigures {
  const n = summary.rows;
  const labels = summary.labels;
  return {
    temperature: summary.temperature,
    rows: n,
    skippedRows: summary.skippedRows,
    classes: summary.classes,
    topProbability: n === 0 ? null : {
      mean: mean(summary.top.sum, n),
      median: topQuantile(summary.top.oneMinus, n, ...QUANTILES.median),
      p90: topQuantile(summary.top.oneMinus, n, ...QUANTILES.p90),
      p99: topQuantile(summary.top.oneMinus, n, ...QUANTILES.p99),
      shareAbove099: summary.top.above099 / n,
      shareAbove0999: summary.top.above0999 / n,
    },
    entropy: n === 0 ? null : distribution(summary.entropy.histogram, summary.entropy.sum),
    margin: summary.margin.rows === 0 ? null : { rows: summary.margin.rows, ...distribution(summary.margin.histogram, summary.margin.sum) },
    dominance: {
      threshold: summary.dominance.threshold,
      rows: summary.dominance.rows,
      share: share(summary.dominance.rows, n),
      meanMass: summary.dominance.rows === 0 ? null : mean(summary.dominance.massSum, summary.dominance.rows),
      madZeroRows: summary.dominance.madZeroRows,
      firstRows: summary.dominance.firstRows,
    },
    saturation: summary.saturation.map((s) => ({
      dtype: s.dtype,
      precision: FORMATS[s.dtype].precision,
      margin: saturationMarginValue(summary.classes, s.dtype),
      rows: s.rows,
      share: share(s.rows, n),
    })),
    labels: labels.labelledRows === 0 && labels.ignoredRows === 0 ? null : labelFigures(summary),
  };
}

function labelFigures(summary: CalibrationSummary): LabelFigures {
  const labels = summary.labels;
  const n = labels.labelledRows;
  // ECE = sum_b (n_b / n) |acc_b - conf_b| = sum_b |correct_b - confidenceSum_b| / n, summed exactly.
  const deviations: ExactTotal = [];
  const confidences: ExactTotal = [];
  for (const bin of labels.bins) {
    for (const partial of exactAbs(exactMinus(bin.confidenceSum, bin.correct))) addExact(deviations, partial);
    for (const partial of bin.confidenceSum) addExact(confidences, partial);
  }
  const labelled = n > 0;
  return {
    labelledRows: n,
    ignoredRows: labels.ignoredRows,
    accuracy: share(labels.correct, n),
    meanLoss: !labelled ? null : labels.infiniteLosses > 0 ? Infinity : mean(labels.lossSum, n),
    brier: labelled ? mean(labels.brierSum, n) : null,
    ece: labelled ? exactValue(deviations) / n : null,
    meanConfidence: labelled ? exactValue(confidences) / n : null,
    overconfidence: labelled ? exactValue(exactMinus(confidences, labels.correct)) / n : null,
    reliability: labels.bins.map((bin, b) => ({
      low: b / ECE_BINS,
      high: (b + 1) / ECE_BINS,
      count: bin.count,
      meanConfidence: bin.count === 0 ? null : exactValue(bin.confidenceSum) / bin.count,
      accuracy: bin.count === 0 ? null : bin.correct / bin.count,
    })),
  };
}
