import type { AlgorithmName, FunctionName } from '../algorithms/names.js';
import type { FlagName } from '../algorithms/flags.js';
import type { Dtype } from '../formats/index.js';
import { HISTOGRAM_SIZE, mergeQuanta, type QuantaSum } from './bits-of-error.js';
import { ExactSum } from './exact-sum.js';
import { mergeCalibrationSummary, type CalibrationSummary } from './calibration.js';

/**
 * The figures of SPEC section 6, as mergeable accumulators: counts add, maxima take the max
 * (ties to the earlier row, so any split of the input merges to the same worstRow), sums of bits
 * are exact, histograms add. Derived figures (meanBits, maxBits) are computed from these by
 * src/report, never stored.
 */
export interface WorstRow {
  /** 0-based row index in input order. */
  row: number;
  /** 1-based source line for text inputs, 0 when the input has no lines. */
  line: number;
  /** What else names the row, when the input says (an id column, a record holding several rows). */
  label?: RowLabel;
}

/** A row's names besides its index and line. Carried only by the rows a summary points at. */
export interface RowLabel {
  /** The value of the id column (CSV --id-column) or key (JSON --id-key). */
  id?: string;
  /** JSON: the 0-based record (array element or line) holding several rows, and the row's 0-based position in it. */
  record?: number;
  position?: number;
  /** A tensor row's index over the leading axes; only in summaries read back from a report (merge), which derives it otherwise. */
  index?: number[];
}

/** A row reference; the label only when there is one (most rows have none, and this runs for every row pointed at). */
export function rowAt(row: number, line: number, label: RowLabel | undefined): WorstRow {
  return label === undefined ? { row, line } : { row, line, label };
}

export interface ErrorAccumulator {
  /** Elements where both the exact and the computed value are finite. */
  count: number;
  maxAbs: number;
  maxRel: number;
  /** -1 until the first element. */
  maxUlp: number;
  worstRow: WorstRow | null;
  bitsSum: QuantaSum;
  /** Element counts by bits of error, HISTOGRAM_BINS_PER_BIT bins per bit. */
  bitsHistogram: number[];
}

export interface SoftmaxAccumulator {
  /** Rows whose outputs are all finite: the rows maxSumDev and argmaxFlips are taken over. */
  rows: number;
  maxSumDev: number;
  argmaxFlips: number;
}

/**
 * cross-entropy only (SPEC section 9): the sums behind meanLoss and exactMeanLoss, exact and
 * mergeable: each sum is kept as the non-overlapping partials of ExactSum, whose own exact sum
 * it is, and two such lists merge by adding one to the other.
 */
export interface LossAccumulator {
  /** Labelled ordinary rows (the mean's denominator). */
  rows: number;
  /** The finite computed losses' exact sum, as partials. */
  sum: number[];
  /** Computed losses that were NaN or +Infinity: meanLoss is then NaN, or +Infinity. */
  nan: number;
  posInf: number;
  /** The exact losses' sum (each a double-double: both words added), as partials. */
  exactSum: number[];
  /** Rows whose exact loss is +Infinity (the label on a -Infinity logit). */
  exactPosInf: number;
}

/** gradient only (SPEC section 9). */
export interface GradientAccumulator {
  /** Labelled ordinary rows. */
  rows: number;
  /** Rows whose computed gradient is 0 in every element while the exact one rounded to the format is not. */
  vanishing: number;
}

/** What an algorithm outputs on fully masked rows, element by element. */
export interface MaskedOutputs {
  rows: number;
  nan: number;
  zero: number;
  negInf: number;
  posInf: number;
  /** Finite, nonzero. */
  finite: number;
  /** Rows (of two or more outputs) whose outputs are all one finite value: a uniform distribution (1/K, or -log K). */
  uniformRows: number;
}

export interface ResultSummary {
  function: FunctionName;
  dtype: Dtype;
  algorithm: AlgorithmName;
  /** Ordinary rows analysed. */
  rows: number;
  /** Rows in which each IEEE flag was raised. */
  flags: Record<FlagName, number>;
  /**
   * Wrong output elements: NaN, +-Infinity and flushed zeros (SPEC 6), and `factor2`: finite
   * outputs off by a factor of 2 or more where it matters (docs/metrics.md, verdicts).
   */
  wrong: { nan: number; inf: number; zero: number; factor2: number };
  errors: ErrorAccumulator;
  /** The first rows (input order, at most FIRST_ROWS_LIMIT) where each flag, wrong output or argmax flip occurred: where to look. */
  firstRows: Record<FirstRowKey, WorstRow[]>;
  /** Present for softmax only. */
  softmax?: SoftmaxAccumulator;
  /** Present for cross-entropy only. */
  loss?: LossAccumulator;
  /** Present for gradient only. */
  gradient?: GradientAccumulator;
  masked: MaskedOutputs;
}

export const FIRST_ROW_KEYS = ['overflow', 'underflow', 'invalid', 'divideByZero', 'nan', 'inf', 'zero', 'factor2', 'argmaxFlip', 'masked', 'vanishing'] as const;
export type FirstRowKey = (typeof FIRST_ROW_KEYS)[number];
/** Rows kept per kind of failure: enough to see a pattern (every other row, one id prefix) without growing with the input. */
export const FIRST_ROWS_LIMIT = 5;

/** Notes a row where a kind of failure occurred, if fewer than FIRST_ROWS_LIMIT are noted (rows come in input order). */
export function noteFirstRow(rows: WorstRow[], row: number, line: number, label: RowLabel | undefined): void {
  if (rows.length < FIRST_ROWS_LIMIT) rows.push(rowAt(row, line, label));
}

export type RowKindName = 'nan' | 'posInf' | 'masked' | 'ordinary';

export interface ListedRow extends WorstRow {
  kind: RowKindName;
}

/** Input figures per dtype (SPEC sections 2 and 3). */
export interface InputFigures {
  dtype: Dtype;
  /** Logits that the cast to the dtype turned from finite into +-Infinity. */
  castOverflow: number;
  /** Logits that the cast turned from nonzero into 0. */
  castUnderflow: number;
  nanRows: number;
  posInfRows: number;
  maskedRows: number;
  ordinaryRows: number;
  /** With labels (SPEC section 9): ordinary rows with a label, rows with the ignore index, and labelled rows whose exact argmax (ties: lowest index) is the label (accuracy = correctRows / labelledRows). */
  labelledRows: number;
  ignoredRows: number;
  correctRows: number;
  /** The first LISTED_ROWS_LIMIT rows excluded from the metrics or masked, in input order. */
  listedRows: ListedRow[];
}

export const LISTED_ROWS_LIMIT = 20;

/** Figures of the float64 input itself, before any cast. */
export interface InputShape {
  rows: number;
  classes: number;
  /** Smallest and largest finite logit (null when there is none). */
  minLogit: number | null;
  maxLogit: number | null;
  /** The largest max - min over the finite logits of one row, and where. */
  maxRowSpread: number | null;
  maxRowSpreadRow: WorstRow | null;
}

export interface AnalysisSummary {
  input: InputShape;
  /** Over-confidence and calibration (K logits per row; absent for binary logits). */
  calibration?: CalibrationSummary;
  inputs: InputFigures[];
  results: ResultSummary[];
}

export function emptyResultSummary(fn: FunctionName, dtype: Dtype, algorithm: AlgorithmName): ResultSummary {
  return {
    function: fn,
    dtype,
    algorithm,
    rows: 0,
    flags: { overflow: 0, underflow: 0, invalid: 0, divideByZero: 0 },
    wrong: { nan: 0, inf: 0, zero: 0, factor2: 0 },
    errors: {
      count: 0,
      maxAbs: 0,
      maxRel: 0,
      maxUlp: -1,
      worstRow: null,
      bitsSum: { high: 0, low: 0 },
      bitsHistogram: new Array<number>(HISTOGRAM_SIZE).fill(0),
    },
    firstRows: { overflow: [], underflow: [], invalid: [], divideByZero: [], nan: [], inf: [], zero: [], factor2: [], argmaxFlip: [], masked: [], vanishing: [] },
    softmax: fn === 'softmax' ? { rows: 0, maxSumDev: 0, argmaxFlips: 0 } : undefined,
    loss: fn === 'cross-entropy' ? { rows: 0, sum: [], nan: 0, posInf: 0, exactSum: [], exactPosInf: 0 } : undefined,
    gradient: fn === 'gradient' ? { rows: 0, vanishing: 0 } : undefined,
    masked: { rows: 0, nan: 0, zero: 0, negInf: 0, posInf: 0, finite: 0, uniformRows: 0 },
  };
}

export function emptyInputFigures(dtype: Dtype): InputFigures {
  return { dtype, castOverflow: 0, castUnderflow: 0, nanRows: 0, posInfRows: 0, maskedRows: 0, ordinaryRows: 0, labelledRows: 0, ignoredRows: 0, correctRows: 0, listedRows: [] };
}

export function emptyInputShape(): InputShape {
  return { rows: 0, classes: 0, minLogit: null, maxLogit: null, maxRowSpread: null, maxRowSpreadRow: null };
}

/** The earlier of two rows (by input order), for ties. */
function earlier(a: WorstRow | null, b: WorstRow | null): WorstRow | null {
  if (a === null) return b;
  if (b === null) return a;
  return b.row < a.row ? b : a;
}

/** The first FIRST_ROWS_LIMIT rows of two such lists, in input order. */
function firstOf(a: WorstRow[], b: WorstRow[]): WorstRow[] {
  return [...a, ...b].sort((x, y) => x.row - y.row).slice(0, FIRST_ROWS_LIMIT);
}

/**
 * Merges `other` into `into` (same function, dtype, algorithm). Row indices must already be
 * global (a shard's rows offset by the rows before it), so worstRow picks the same row as one
 * pass over the whole input would.
 */
export function mergeResultSummary(into: ResultSummary, other: ResultSummary): void {
  into.rows += other.rows;
  for (const name of Object.keys(into.flags) as FlagName[]) into.flags[name] += other.flags[name];
  into.wrong.nan += other.wrong.nan;
  into.wrong.inf += other.wrong.inf;
  into.wrong.zero += other.wrong.zero;
  into.wrong.factor2 += other.wrong.factor2;
  const a = into.errors;
  const b = other.errors;
  if (b.maxUlp > a.maxUlp) {
    a.worstRow = b.worstRow;
  } else if (b.maxUlp === a.maxUlp) {
    a.worstRow = earlier(a.worstRow, b.worstRow);
  }
  a.maxUlp = Math.max(a.maxUlp, b.maxUlp);
  a.count += b.count;
  a.maxAbs = Math.max(a.maxAbs, b.maxAbs);
  a.maxRel = Math.max(a.maxRel, b.maxRel);
  mergeQuanta(a.bitsSum, b.bitsSum);
  for (let i = 0; i < a.bitsHistogram.length; i++) a.bitsHistogram[i] += b.bitsHistogram[i];
  if (into.softmax && other.softmax) {
    into.softmax.rows += other.softmax.rows;
    into.softmax.maxSumDev = Math.max(into.softmax.maxSumDev, other.softmax.maxSumDev);
    into.softmax.argmaxFlips += other.softmax.argmaxFlips;
  }
  if (into.loss && other.loss) mergeLoss(into.loss, other.loss);
  if (into.gradient && other.gradient) {
    into.gradient.rows += other.gradient.rows;
    into.gradient.vanishing += other.gradient.vanishing;
  }
  for (const key of FIRST_ROW_KEYS) into.firstRows[key] = firstOf(into.firstRows[key], other.firstRows[key]);
  for (const key of ['rows', 'nan', 'zero', 'negInf', 'posInf', 'finite', 'uniformRows'] as const) into.masked[key] += other.masked[key];
}

function mergeLoss(into: LossAccumulator, other: LossAccumulator): void {
  into.rows += other.rows;
  into.nan += other.nan;
  into.posInf += other.posInf;
  into.exactPosInf += other.exactPosInf;
  into.sum = addPartialLists(into.sum, other.sum);
  into.exactSum = addPartialLists(into.exactSum, other.exactSum);
}

function addPartialLists(a: readonly number[], b: readonly number[]): number[] {
  const sum = new ExactSum();
  sum.reset(0);
  sum.addPartials(a);
  sum.addPartials(b);
  return sum.partialList();
}

/** The mean of an exact sum given as partials over `count` terms, rounded once (NaN when count is 0). */
export function meanOfPartials(partials: readonly number[], count: number): number {
  const sum = new ExactSum();
  sum.reset(0);
  sum.addPartials(partials);
  return count === 0 ? NaN : sum.value() / count;
}

export function mergeInputFigures(into: InputFigures, other: InputFigures): void {
  into.labelledRows += other.labelledRows;
  into.ignoredRows += other.ignoredRows;
  into.correctRows += other.correctRows;
  into.castOverflow += other.castOverflow;
  into.castUnderflow += other.castUnderflow;
  into.nanRows += other.nanRows;
  into.posInfRows += other.posInfRows;
  into.maskedRows += other.maskedRows;
  into.ordinaryRows += other.ordinaryRows;
  into.listedRows = [...into.listedRows, ...other.listedRows].sort((x, y) => x.row - y.row).slice(0, LISTED_ROWS_LIMIT);
}

export function mergeInputShape(into: InputShape, other: InputShape): void {
  into.rows += other.rows;
  into.classes = Math.max(into.classes, other.classes);
  if (other.minLogit !== null) into.minLogit = into.minLogit === null ? other.minLogit : Math.min(into.minLogit, other.minLogit);
  if (other.maxLogit !== null) into.maxLogit = into.maxLogit === null ? other.maxLogit : Math.max(into.maxLogit, other.maxLogit);
  if (other.maxRowSpread !== null) {
    if (into.maxRowSpread === null || other.maxRowSpread > into.maxRowSpread) {
      into.maxRowSpread = other.maxRowSpread;
      into.maxRowSpreadRow = other.maxRowSpreadRow;
    } else if (other.maxRowSpread === into.maxRowSpread) {
      into.maxRowSpreadRow = earlier(into.maxRowSpreadRow, other.maxRowSpreadRow);
    }
  }
}

/** Merges two summaries of consecutive or interleaved parts of one input (same selection). */
export function mergeAnalysisSummary(into: AnalysisSummary, other: AnalysisSummary): void {
  mergeInputShape(into.input, other.input);
  if (into.calibration && other.calibration) mergeCalibrationSummary(into.calibration, other.calibration);
  into.inputs.forEach((figures, i) => mergeInputFigures(figures, other.inputs[i]));
  into.results.forEach((result, i) => mergeResultSummary(result, other.results[i]));
}
