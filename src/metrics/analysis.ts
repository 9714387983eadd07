import { FormatKernel, KernelBuffers, type Selection } from '../algorithms/kernel.js';
import { FLAG_BITS, FLAG_NAMES } from '../algorithms/flags.js';
import { RESULT_COUNT, RESULT_KINDS, type AlgorithmName, type FunctionName } from '../algorithms/names.js';
import { FORMATS, roundDoubleDoubleEach, type Dtype, type Format } from '../formats/index.js';
import { ReferenceRow } from '../reference/index.js';
import { accumulateMasked, applyRow, binadeLowOf, measureRow, RowFigures, type ExactValues } from './accumulate.js';
import { ExactSum, sumDeviationUpperBound } from './exact-sum.js';
import {
  emptyInputFigures,
  emptyInputShape,
  emptyResultSummary,
  LISTED_ROWS_LIMIT,
  noteFirstRow,
  rowAt,
  type AnalysisSummary,
  type RowLabel,
  type InputFigures,
  type ResultSummary,
  type RowKindName,
} from './summary.js';

/** What to analyse: the dtypes, and the (function, algorithm) pairs. */
export interface AnalysisSelection {
  dtypes: readonly Dtype[];
  results: ReadonlyArray<{ function: FunctionName; algorithm: AlgorithmName }>;
}

interface DtypeState {
  format: Format;
  kernel: FormatKernel;
  cast: Float64Array;
  figures: InputFigures;
  /** By result id; null when not selected. */
  results: Array<ResultSummary | null>;
}

/**
 * Buffers for one function's exact values. `ownValues` only for logsumexp: softmax and
 * log-softmax point hi, lo and exp2 at the reference's buffers (fillScaled).
 */
function exactValues(capacity: number, ownValues: boolean): ExactValues {
  const valueCapacity = ownValues ? capacity : 0;
  return {
    hi: new Float64Array(valueCapacity),
    lo: new Float64Array(valueCapacity),
    exp2: new Int32Array(valueCapacity),
    rounded: new Float64Array(capacity),
    binadeLow: new Float64Array(capacity),
  };
}

/**
 * Analyses rows one at a time and keeps only mergeable summaries: memory depends on the row
 * length, never on the number of rows. Pure: rows in, a summary out.
 */
export class Analysis {
  private readonly states: DtypeState[];
  private readonly shape = emptyInputShape();
  private readonly exactSum = new ExactSum();
  private readonly wantSoftmax: boolean;
  private readonly wantLogSoftmax: boolean;
  private readonly wantLogsumexp: boolean;
  private capacity = 0;
  // The formats are analysed one after another on each row, and what one leaves in these is
  // read before the next starts: one set serves them all (memory at K = 131072: about 60 MB
  // less per thread than one set per format).
  private readonly kernelBuffers = new KernelBuffers();
  // The exact values too: one reference row, recomputed for a format unless the cast row it was
  // computed from on this row is equal to that format's (an input stored in float32 has the same
  // float64 and float32 rows). One per format took 40 bytes per logit each: 31 MB more per
  // thread at K = 262144 when the four cast rows differ, as 9-digit CSV values make them.
  private readonly reference = new ReferenceRow();
  /** The dtype state whose cast row the reference holds on the current row; -1 for none yet. */
  private referenceState = -1;
  private softmax = exactValues(0, false);
  private logSoftmax = exactValues(0, false);
  private readonly logsumexp = exactValues(1, true);
  /** Per result id: the selected results of the same function before it, which may be its twins on a row. */
  private readonly twinCandidates: number[][];
  /** Per result id: what its outputs added on the current row, in the format being analysed. */
  private readonly rowFigures: RowFigures[] = RESULT_KINDS.map(() => new RowFigures());

  constructor(readonly selection: AnalysisSelection) {
    const selected: boolean[] = RESULT_KINDS.map((kind) =>
      selection.results.some((r) => r.function === kind.function && r.algorithm === kind.algorithm),
    );
    const kernelSelection: Selection = selected;
    this.wantSoftmax = RESULT_KINDS.some((k) => selected[k.id] && k.function === 'softmax');
    this.wantLogSoftmax = RESULT_KINDS.some((k) => selected[k.id] && k.function === 'log-softmax');
    this.wantLogsumexp = RESULT_KINDS.some((k) => selected[k.id] && k.function === 'logsumexp');
    this.twinCandidates = RESULT_KINDS.map((kind) => RESULT_KINDS.filter((other) => other.id < kind.id && selected[other.id] && other.function === kind.function).map((other) => other.id));
    this.states = selection.dtypes.map((dtype) => {
      const format = FORMATS[dtype];
      return {
        format,
        kernel: new FormatKernel(format, kernelSelection, this.kernelBuffers),
        cast: new Float64Array(0),
        figures: emptyInputFigures(dtype),
        results: RESULT_KINDS.map((kind) => (selected[kind.id] ? emptyResultSummary(kind.function, dtype, kind.algorithm) : null)),
      };
    });
  }

  /**
   * Analyses one row of float64 logits. `row` is its 0-based index in input order, `line` its
   * source line (0 if none), `label` its other names (an id), kept only where a figure points at it.
   */
  addRow(values: Float64Array, length: number, row: number, line: number, label?: RowLabel, target?: number): void {
    this.ensureCapacity(length);
    this.addShape(values, length, row, line, label);
    this.referenceState = -1;
    for (let s = 0; s < this.states.length; s++) {
      const state = this.states[s];
      const kind = this.castAndClassify(state, values, length);
      const figures = state.figures;
      if (kind === 'nan' || kind === 'posInf') {
        if (kind === 'nan') figures.nanRows++;
        else figures.posInfRows++;
        this.listRow(figures, row, line, label, kind);
        continue;
      }
      state.kernel.run(state.cast, length);
      if (kind === 'masked') {
        figures.maskedRows++;
        this.listRow(figures, row, line, label, kind);
        for (let id = 0; id < RESULT_COUNT; id++) {
          const result = state.results[id];
          if (result !== null) accumulateMasked(result, state.kernel.outputs[id], result.function === 'logsumexp' ? 1 : length, row, line, label);
        }
        continue;
      }
      figures.ordinaryRows++;
      this.computeExact(s, length);
      this.accumulate(state, length, row, line, label);
    }
  }

  summary(): AnalysisSummary {
    return {
      input: structuredClone(this.shape),
      inputs: this.states.map((state) => structuredClone(state.figures)),
      results: this.states.flatMap((state) => state.results.filter((r): r is ResultSummary => r !== null)).map((r) => structuredClone(r)),
    };
  }

  private addShape(values: Float64Array, length: number, row: number, line: number, label: RowLabel | undefined): void {
    const shape = this.shape;
    shape.rows++;
    if (length > shape.classes) shape.classes = length;
    let min = Infinity;
    let max = -Infinity;
    for (let j = 0; j < length; j++) {
      const v = values[j];
      if (v - v !== 0) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (max < min) return; // no finite logit
    if (shape.minLogit === null || min < shape.minLogit) shape.minLogit = min;
    if (shape.maxLogit === null || max > shape.maxLogit) shape.maxLogit = max;
    const spread = max - min;
    if (shape.maxRowSpread === null || spread > shape.maxRowSpread) {
      shape.maxRowSpread = spread;
      shape.maxRowSpreadRow = rowAt(row, line, label);
    }
  }

  private listRow(figures: InputFigures, row: number, line: number, label: RowLabel | undefined, kind: RowKindName): void {
    if (figures.listedRows.length < LISTED_ROWS_LIMIT) figures.listedRows.push({ ...rowAt(row, line, label), kind });
  }

  private castAndClassify(state: DtypeState, values: Float64Array, length: number): RowKindName {
    const format = state.format;
    const cast = state.cast;
    const figures = state.figures;
    let hasNaN = false;
    let hasPosInf = false;
    let allNegInf = true;
    for (let j = 0; j < length; j++) {
      const v = values[j];
      const c = format.round(v);
      cast[j] = c;
      if (c !== v && c === c) {
        if (c - c !== 0 && v - v === 0) figures.castOverflow++;
        else if (c === 0) figures.castUnderflow++;
      }
      if (c !== c) hasNaN = true;
      else if (c === Infinity) hasPosInf = true;
      if (c !== -Infinity) allNegInf = false;
    }
    if (hasNaN) return 'nan';
    if (hasPosInf) return 'posInf';
    return allNegInf ? 'masked' : 'ordinary';
  }

  /** Fills the state's exact values, computing the reference unless it already holds this cast row's. */
  private computeExact(s: number, length: number): void {
    const state = this.states[s];
    const reference = this.reference;
    const held = this.referenceState;
    if (held < 0 || !sameRow(this.states[held].cast, state.cast, length)) {
      reference.compute(state.cast, length);
      this.referenceState = s;
    }
    const format = state.format;
    if (this.wantSoftmax) fillScaled(this.softmax, format, reference.softmaxHi, reference.softmaxLo, reference.softmaxExp2, length);
    if (this.wantLogSoftmax) fillScaled(this.logSoftmax, format, reference.logSoftmaxHi, reference.logSoftmaxLo, reference.logSoftmaxExp2, length);
    if (this.wantLogsumexp) {
      const exact = this.logsumexp;
      exact.hi[0] = reference.lseHi;
      exact.lo[0] = reference.lseLo;
      exact.exp2[0] = reference.lseExp2;
      fillRounded(exact, format, 1);
    }
  }

  private accumulate(state: DtypeState, length: number, row: number, line: number, label: RowLabel | undefined): void {
    const kernel = state.kernel;
    for (let id = 0; id < RESULT_COUNT; id++) {
      const result = state.results[id];
      if (result === null) continue;
      result.rows++;
      const bits = kernel.flags[id];
      if (bits !== 0) {
        // No allocation here: this runs for every result of every row.
        for (let f = 0; f < FLAG_NAMES.length; f++) {
          if ((bits & FLAG_BIT_LIST[f]) === 0) continue;
          const name = FLAG_NAMES[f];
          result.flags[name]++;
          noteFirstRow(result.firstRows[name], row, line, label);
        }
      }
      const fn = result.function;
      const count = fn === 'logsumexp' ? 1 : length;
      const output = kernel.outputs[id];
      // An earlier algorithm of the same function with the very same outputs on this row has
      // already measured what this one would (online and max-shift agree on most rows).
      let figures = this.rowFigures[id];
      const twin = this.identicalEarlier(state, id, count);
      if (twin >= 0) {
        figures = this.rowFigures[twin];
      } else {
        const exact = fn === 'logsumexp' ? this.logsumexp : fn === 'log-softmax' ? this.logSoftmax : this.softmax;
        measureRow(figures, state.format, output, count, exact, fn === 'softmax');
        if (fn === 'softmax' && figures.allFinite) this.measureSoftmaxRow(figures, output, length, kernel.argmax);
      }
      applyRow(result, figures, row, line, label);
      if (fn === 'softmax' && figures.allFinite) {
        const softmax = result.softmax!;
        softmax.rows++;
        if (figures.sumDeviationBound > softmax.maxSumDev) {
          // This row may raise the maximum: its exact deviation decides (computed once for a
          // row and its twins, whose outputs are the same).
          if (figures.sumDeviation !== figures.sumDeviation) figures.sumDeviation = this.exactSumDeviation(output, length);
          if (figures.sumDeviation > softmax.maxSumDev) softmax.maxSumDev = figures.sumDeviation;
        }
        if (figures.argmaxFlipped) {
          softmax.argmaxFlips++;
          noteFirstRow(result.firstRows.argmaxFlip, row, line, label);
        }
      }
    }
  }

  /** The id of an earlier selected result of the same function whose outputs on this row equal id's, or -1. */
  private identicalEarlier(state: DtypeState, id: number, count: number): number {
    const outputs = state.kernel.outputs;
    const mine = outputs[id];
    const candidates = this.twinCandidates[id];
    for (let c = 0; c < candidates.length; c++) {
      const other = candidates[c];
      const theirs = outputs[other];
      let same = true;
      for (let i = 0; i < count; i++) {
        const a = mine[i];
        const b = theirs[i];
        if (a !== b && (a === a || b === b)) {
          same = false; // (two NaNs are the same output; +0 and -0 measure alike)
          break;
        }
      }
      if (same) return other;
    }
    return -1;
  }

  /** An upper bound of the row's sum deviation (the exact one comes later, if needed) and whether the argmax moved, on a row of finite outputs. */
  private measureSoftmaxRow(figures: RowFigures, output: Float64Array, length: number, exactArgmax: number): void {
    figures.sumDeviation = NaN;
    figures.sumDeviationBound = sumDeviationUpperBound(output, length);
    let argmax = 0;
    for (let i = 0; i < length; i++) if (output[i] > output[argmax]) argmax = i;
    // The exact softmax is increasing in x_i, so its argmax (ties: lowest index) is the row's.
    figures.argmaxFlipped = argmax !== exactArgmax;
  }

  /** |sum_i output[i] - 1|, the sum exact and the result rounded once. */
  private exactSumDeviation(output: Float64Array, length: number): number {
    const sum = this.exactSum;
    sum.reset(-1);
    for (let i = 0; i < length; i++) sum.add(output[i]);
    return Math.abs(sum.value());
  }

  private ensureCapacity(length: number): void {
    if (length <= this.capacity) return;
    this.capacity = length;
    for (const state of this.states) state.cast = new Float64Array(length);
    this.softmax = exactValues(length, false);
    this.logSoftmax = exactValues(length, false);
  }
}

/** FLAG_BITS in FLAG_NAMES order, read by index in the per-result loop. */
const FLAG_BIT_LIST: readonly number[] = FLAG_NAMES.map((name) => FLAG_BITS[name]);

function sameRow(a: Float64Array, b: Float64Array, length: number): boolean {
  for (let j = 0; j < length; j++) if (!Object.is(a[j], b[j])) return false;
  return true;
}

/** Points the exact values at the reference's own buffers (no copy) and rounds them to the format. */
function fillScaled(exact: ExactValues, format: Format, hi: Float64Array, lo: Float64Array, exp2: Int32Array, length: number): void {
  exact.hi = hi;
  exact.lo = lo;
  exact.exp2 = exp2;
  fillRounded(exact, format, length);
}

function fillRounded(exact: ExactValues, format: Format, length: number): void {
  roundDoubleDoubleEach(format, exact.hi, exact.lo, exact.exp2, exact.rounded, length);
  const { rounded, binadeLow } = exact;
  for (let i = 0; i < length; i++) binadeLow[i] = binadeLowOf(rounded[i], format);
}
