import type { Dtype } from '../../formats/index.js';
import { DD, twoProd, twoSum } from '../../reference/double-double.js';
import { ScaledDD } from '../../reference/exp-dd.js';
import { ldexp } from '../../reference/pow2.js';
import type { ReferenceRow } from '../../reference/reference-row.js';
import { noteFirstRow, type RowLabel } from '../summary.js';
import { canonicalizeCalibrationSummary, ECE_BINS, emptyCalibrationSummary, type CalibrationSummary } from './calibration-summary.js';
import { DOMINANCE_THRESHOLD, robustZ, type RobustZ } from './dominance.js';
import { addExact } from './exact-total.js';
import { ExactRow } from './exact-row.js';
import { LogHistogramCounter } from './log-histogram.js';
import { SaturationMargins } from './saturation.js';
import { isOrdinary } from './ordinary-row.js';

/** PyTorch's default ignore_index. */
export const DEFAULT_IGNORE_INDEX = -100;

export interface CalibrationOptions {
  /** The dtypes whose saturation margins are counted. */
  dtypes: readonly Dtype[];
  /** K, when known before the first row: the saturation margins are then given for it even with no ordinary row. */
  classes?: number;
  /** T > 0 (default 1): every figure is taken at the logits x / T, divided exactly. */
  temperature?: number;
  /** The label of rows to leave out of the labelled figures (default -100, PyTorch's). */
  ignoreIndex?: number;
  /** The robust z-score above which the top logit dominates (default DOMINANCE_THRESHOLD, 3.5). */
  dominanceThreshold?: number;
}

const holder = new DD();

/** (hi + lo) * factor < 1, for hi + lo >= 0 a double-double and a small integer factor (exact but for the rounding of lo * factor). */
function scaledBelowOne(hi: number, lo: number, exp2: number, factor: number): boolean {
  if (exp2 < -60) return true; // the value is below 2^-58 and factor below 2^50
  twoProd(holder, ldexp(hi, exp2), factor);
  twoSum(holder, holder.hi, holder.lo + ldexp(lo, exp2) * factor);
  return holder.hi < 1 || (holder.hi === 1 && holder.lo < 0);
}

/** The ECE bin of a confidence p in (0, 1] (a double-double): b with b/15 < p <= (b+1)/15. */
export function confidenceBin(hi: number, lo: number): number {
  twoProd(holder, hi, ECE_BINS);
  twoSum(holder, holder.hi, holder.lo + lo * ECE_BINS);
  let ceiling = Math.ceil(holder.hi);
  if (ceiling === holder.hi && holder.lo > 0) ceiling++;
  return Math.min(ECE_BINS, Math.max(1, ceiling)) - 1;
}

/**
 * The calibration figures of an input, one row at a time, in memory that does not depend on the
 * number of rows (histograms are bounded, the scratch buffers follow the row length).
 *
 * Per row it needs the exact probabilities of x / T. At T = 1 it takes them from the
 * ReferenceRow the analysis computed for the float64 row (pass it as `reference`: no second
 * exp per logit); otherwise (T != 1, or reference null) it computes them itself (ExactRow).
 */
export class CalibrationAccumulator {
  readonly temperature: number;
  readonly ignoreIndex: number;
  readonly dominanceThreshold: number;
  private readonly state: CalibrationSummary;
  private readonly exact = new ExactRow();
  private readonly topHistogram = new LogHistogramCounter();
  private readonly entropyHistogram = new LogHistogramCounter();
  private readonly marginHistogram = new LogHistogramCounter();
  private readonly margins: SaturationMargins;
  private readonly z: RobustZ = { z: 0, madZero: false };
  private readonly loss = new ScaledDD();
  private scratch = new Float64Array(0);

  constructor(options: CalibrationOptions) {
    const temperature = options.temperature ?? 1;
    if (!(temperature > 0 && Number.isFinite(temperature))) throw new RangeError(`temperature ${temperature}: needs a finite T > 0`);
    this.temperature = temperature;
    this.ignoreIndex = options.ignoreIndex ?? DEFAULT_IGNORE_INDEX;
    this.dominanceThreshold = options.dominanceThreshold ?? DOMINANCE_THRESHOLD;
    this.state = emptyCalibrationSummary(temperature, this.dominanceThreshold, options.dtypes);
    this.state.classes = options.classes ?? 0;
    this.margins = new SaturationMargins(options.dtypes);
  }

  /**
   * Adds one row of float64 logits x[0..length). `reference`: the ReferenceRow computed for this
   * very x (used at T = 1 only), or null. `target`: the row's label (an integer in [0, length)
   * or the ignore index), undefined when the input has no labels. `row`, `line`, `label`: where
   * the row is, as for every other figure.
   */
  addRow(x: Float64Array, length: number, reference: ReferenceRow | null, target: number | undefined, row: number, line: number, label?: RowLabel): void {
    const state = this.state;
    const ignored = target !== undefined && target === this.ignoreIndex;
    if (target !== undefined && !ignored && !(Number.isInteger(target) && target >= 0 && target < length)) {
      throw new RangeError(`row ${row}: label ${target} outside [0, ${length}) and not the ignore index ${this.ignoreIndex}`);
    }
    if (ignored) state.labels.ignoredRows++;
    if (!isOrdinary(x, length)) {
      state.skippedRows++;
      return;
    }
    const exact = this.exact;
    if (this.temperature === 1 && reference !== null) exact.fromReference(reference, x, length);
    else exact.compute(x, length, this.temperature);

    state.rows++;
    if (length > state.classes) state.classes = length;
    const confidence = exact.topHi;
    addExact(state.top.sum, confidence);
    const u = exact.oneMinusTop;
    if (scaledBelowOne(u.hi, u.lo, u.exp2, 100)) state.top.above099++;
    if (scaledBelowOne(u.hi, u.lo, u.exp2, 1000)) state.top.above0999++;
    this.topHistogram.add(u.hi, u.lo, u.exp2);
    const h = exact.entropy;
    addExact(state.entropy.sum, ldexp(h.hi, h.exp2));
    this.entropyHistogram.add(h.hi, h.lo, h.exp2);

    if (length >= 2) {
      const margin = exact.margin;
      state.margin.rows++;
      if (margin.hi !== Infinity) addExact(state.margin.sum, ldexp(margin.hi, margin.exp2));
      this.marginHistogram.add(margin.hi, margin.lo, margin.exp2);
      this.margins.use(length);
      const marginHi = ldexp(margin.hi, margin.exp2);
      const marginLo = ldexp(margin.lo, margin.exp2);
      const saturation = state.saturation;
      for (let i = 0; i < saturation.length; i++) {
        const starHi = this.margins.hi[i];
        if (marginHi > starHi || (marginHi === starHi && marginLo >= this.margins.lo[i])) saturation[i].rows++;
      }
    } else {
      for (const s of state.saturation) s.rows++;
    }

    if (this.scratch.length < length) this.scratch = new Float64Array(Math.max(length, 2 * this.scratch.length));
    robustZ(x, length, this.scratch, this.z);
    if (this.z.madZero) state.dominance.madZeroRows++;
    if (this.z.z > this.dominanceThreshold) {
      state.dominance.rows++;
      addExact(state.dominance.massSum, confidence);
      noteFirstRow(state.dominance.firstRows, row, line, label);
    }

    if (target === undefined || ignored) return;
    const labels = state.labels;
    labels.labelledRows++;
    const correct = exact.argmax === target;
    if (correct) labels.correct++;
    exact.loss(target, this.loss);
    const loss = ldexp(this.loss.hi, this.loss.exp2);
    if (loss === Infinity) labels.infiniteLosses++;
    else addExact(labels.lossSum, loss);
    addExact(labels.brierSum, exact.brier(target));
    const bin = labels.bins[confidenceBin(exact.topHi, exact.topLo)];
    bin.count++;
    if (correct) bin.correct++;
    addExact(bin.confidenceSum, confidence);
  }

  /** A copy of the summary so far (the accumulator can go on). */
  summary(): CalibrationSummary {
    const copy = structuredClone(this.state);
    copy.top.oneMinus = this.topHistogram.toHistogram();
    copy.entropy.histogram = this.entropyHistogram.toHistogram();
    copy.margin.histogram = this.marginHistogram.toHistogram();
    canonicalizeCalibrationSummary(copy);
    return copy;
  }
}
