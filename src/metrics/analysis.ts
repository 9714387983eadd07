import { FormatKernel, KernelBuffers, type Selection } from '../algorithms/kernel.js';
import { BINARY_RESULT_COUNT, BinaryKernel } from '../algorithms/binary-kernel.js';
import { BinaryExactValues, binaryExact } from '../reference/binary-exact.js';
import { FLAG_BITS, FLAG_NAMES } from '../algorithms/flags.js';
import { isBinary, isScalar, needsTarget, R, RESULT_COUNT, RESULT_KINDS, type AlgorithmName, type FunctionName } from '../algorithms/names.js';
import { FORMATS, roundDoubleDoubleEach, roundScaledDoubleDouble, type Dtype, type Format } from '../formats/index.js';
import { divideByTemperature } from '../algorithms/temperature.js';
import { ReferenceRow } from '../reference/index.js';
import { accumulateMasked, applyRow, binadeLowOf, measureRow, RowFigures, type ExactValues } from './accumulate.js';
import { ExactSum, sumDeviationUpperBound } from './exact-sum.js';
import { CalibrationAccumulator } from './calibration.js';
import { crossEntropyExact, gradientExact } from '../reference/label-exact.js';
import { ldexp } from '../reference/pow2.js';
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
  /** The label that marks a row without one (PyTorch's ignore_index, -100 there): counted, left out of every loss and gradient figure. */
  ignoreIndex?: number;
  /** The calibration figures (docs/metrics.md 5.11) at x / temperature; 1 by default. */
  temperature?: number;
}

interface DtypeState {
  format: Format;
  kernel: FormatKernel;
  /** Binary logits (one per row, SPEC section 10): the kernel, and its outputs and flags by result id (the logit results' ids hold nothing). */
  binary: BinaryKernel | null;
  binaryOutputs: Float64Array[];
  binaryFlags: Int32Array;
  cast: Float64Array;
  /**
   * --temperature: the cast row divided by T exactly, as double-doubles (the exact values are
   * taken there), while `cast` becomes that quotient rounded once to the format (the kernels'
   * input, as a framework's logits / T in that dtype).
   */
  quotientHi: Float64Array;
  quotientLo: Float64Array;
  figures: InputFigures;
  /** By result id; null when not selected. */
  results: Array<ResultSummary | null>;
  /** By result id, cross-entropy only: the exact sums of the computed and of the exact losses (LossAccumulator). */
  lossSums: Array<{ computed: ExactSum; exact: ExactSum } | null>;
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
  private readonly crossEntropy = exactValues(1, true);
  private readonly scalarHolder = { hi: 0, lo: 0, exp2: 0 };
  private gradient = exactValues(0, true);
  private readonly wantCrossEntropy: boolean;
  private readonly wantGradient: boolean;
  private readonly ignoreIndex: number | undefined;
  /** --temperature: logits divided by it in the dtype, exact values at the exact quotients; 1 for none. */
  private readonly temperature: number;
  /** Over-confidence and calibration of the input's exact probabilities (K logits per row only). */
  private readonly calibration: CalibrationAccumulator | null;
  /** The state of float64, whose cast row is the input row itself, or -1. */
  private readonly float64State: number;
  /** Binary logits: sigmoid, log-sigmoid and bce selected (and nothing else: the selection has one kind or the other). */
  private readonly binaryMode: boolean;
  private readonly binaryExact = new BinaryExactValues();
  private readonly sigmoidExact = exactValues(1, true);
  private readonly logSigmoidExact = exactValues(1, true);
  private readonly bceExact = exactValues(1, true);
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
    this.wantCrossEntropy = RESULT_KINDS.some((k) => selected[k.id] && k.function === 'cross-entropy');
    this.wantGradient = RESULT_KINDS.some((k) => selected[k.id] && k.function === 'gradient');
    this.ignoreIndex = selection.ignoreIndex;
    this.temperature = selection.temperature ?? 1;
    if (!(this.temperature > 0 && this.temperature < Infinity)) throw new RangeError(`Analysis: temperature ${this.temperature}, needs a positive finite number`);
    this.binaryMode = RESULT_KINDS.some((k) => selected[k.id] && isBinary(k.function));
    if (this.binaryMode && RESULT_KINDS.some((k) => selected[k.id] && !isBinary(k.function))) {
      throw new RangeError('Analysis: binary functions (sigmoid, log-sigmoid, bce) and functions of K logits cannot be selected together');
    }
    if (this.binaryMode && this.temperature !== 1) throw new RangeError('Analysis: a temperature applies to K logits per row, not to binary logits');
    this.calibration = this.binaryMode ? null : new CalibrationAccumulator({ dtypes: selection.dtypes, temperature: selection.temperature, ignoreIndex: selection.ignoreIndex });
    this.float64State = selection.dtypes.indexOf('float64');
    this.twinCandidates = RESULT_KINDS.map((kind) => RESULT_KINDS.filter((other) => other.id < kind.id && selected[other.id] && other.function === kind.function).map((other) => other.id));
    this.states = selection.dtypes.map((dtype) => {
      const format = FORMATS[dtype];
      return {
        format,
        kernel: new FormatKernel(format, kernelSelection, this.kernelBuffers),
        binary: this.binaryMode ? new BinaryKernel(format) : null,
        binaryOutputs: RESULT_KINDS.map(() => new Float64Array(1)),
        binaryFlags: new Int32Array(RESULT_COUNT),
        cast: new Float64Array(0),
        quotientHi: new Float64Array(0),
        quotientLo: new Float64Array(0),
        figures: emptyInputFigures(dtype),
        results: RESULT_KINDS.map((kind) => (selected[kind.id] ? emptyResultSummary(kind.function, dtype, kind.algorithm) : null)),
        lossSums: RESULT_KINDS.map((kind) => (selected[kind.id] && kind.function === 'cross-entropy' ? { computed: zeroSum(), exact: zeroSum() } : null)),
      };
    });
  }

  /**
   * Analyses one row of float64 logits. `row` is its 0-based index in input order, `line` its
   * source line (0 if none), `label` its other names (an id), kept only where a figure points at it.
   * `target`: its label y (SPEC section 9), a class index in [0, length) or the ignore index,
   * checked by the reader; undefined when the input has no labels.
   */
  addRow(values: Float64Array, length: number, row: number, line: number, label?: RowLabel, target?: number): void {
    this.ensureCapacity(length);
    this.addShape(values, length, row, line, label);
    this.referenceState = -1;
    let calibrated = false;
    for (let s = 0; s < this.states.length; s++) {
      const state = this.states[s];
      const kind = this.temperature === 1 ? this.castAndClassify(state, values, length) : this.castDivideAndClassify(state, values, length);
      const figures = state.figures;
      if (kind === 'nan' || kind === 'posInf') {
        if (kind === 'nan') figures.nanRows++;
        else figures.posInfRows++;
        this.listRow(figures, row, line, label, kind);
        continue;
      }
      let y = -1;
      if (kind === 'ordinary' && target !== undefined) {
        // Binary targets have no ignore index (input/targets.ts): a target equal to it (1, say) is a target.
        if (target === this.ignoreIndex && !this.binaryMode) figures.ignoredRows++;
        else y = target;
      }
      if (this.binaryMode) {
        this.addBinaryRow(state, kind, length, row, line, label, target);
        continue;
      }
      state.kernel.run(state.cast, length, y);
      if (kind === 'masked') {
        figures.maskedRows++;
        this.listRow(figures, row, line, label, kind);
        for (let id = 0; id < RESULT_COUNT; id++) {
          const result = state.results[id];
          if (result !== null && !needsTarget(result.function)) accumulateMasked(result, state.kernel.outputs[id], isScalar(result.function) ? 1 : length, row, line, label);
        }
        continue;
      }
      figures.ordinaryRows++;
      this.computeExact(s, length, y);
      if (y >= 0) {
        figures.labelledRows++;
        if (this.reference.argmax === y) figures.correctRows++;
      }
      this.accumulate(state, state.kernel.outputs, state.kernel.flags, length, row, line, label, y);
      if (s === this.float64State && this.calibration !== null) {
        // While the reference holds the float64 row (the input itself): no second computation.
        this.calibration.addRow(values, length, this.reference, target, row, line, label);
        calibrated = true;
      }
    }
    if (!calibrated && this.calibration !== null) this.calibration.addRow(values, length, null, target, row, line, label);
  }

  /**
   * One logit per row (SPEC section 10): x and the target y cast to the format (a framework
   * holds both in that dtype); bce only where the row has a target. A row of length other than
   * 1 is the caller's error (the reader checks K).
   */
  private addBinaryRow(state: DtypeState, kind: RowKindName, length: number, row: number, line: number, label: RowLabel | undefined, target: number | undefined): void {
    if (length !== 1) throw new RangeError(`Analysis: binary logits need one logit per row, got ${length}`);
    const figures = state.figures;
    const binary = state.binary!;
    const x = state.cast[0];
    const y = target === undefined ? NaN : state.format.round(target);
    binary.run(x, y);
    for (let b = 0; b < BINARY_RESULT_COUNT; b++) {
      state.binaryOutputs[R.firstBinary + b][0] = binary.outputs[b];
      state.binaryFlags[R.firstBinary + b] = binary.flags[b];
    }
    if (kind === 'masked') {
      // x = -Infinity: sigmoid 0 and log-sigmoid -Infinity exactly; what each algorithm gives is reported as for masked rows.
      figures.maskedRows++;
      this.listRow(figures, row, line, label, kind);
      for (let id = R.firstBinary; id < RESULT_COUNT; id++) {
        const result = state.results[id];
        if (result !== null && result.function !== 'bce') accumulateMasked(result, state.binaryOutputs[id], 1, row, line, label);
      }
      return;
    }
    figures.ordinaryRows++;
    binaryExact(x, y === y ? y : 0, this.binaryExact);
    const format = state.format;
    setScalar(this.sigmoidExact, format, this.binaryExact.sigmoid);
    setScalar(this.logSigmoidExact, format, this.binaryExact.logSigmoid);
    const labelled = y === y;
    if (labelled) {
      figures.labelledRows++;
      setScalar(this.bceExact, format, this.binaryExact.bce);
      // A hard target (0 or 1) is predicted when the logit is on its side of 0 (x = 0: class 0, the lowest index, as for argmax ties).
      if ((y === 1 && x > 0) || (y === 0 && x <= 0)) figures.correctRows++;
    }
    this.accumulate(state, state.binaryOutputs, state.binaryFlags, 1, row, line, label, labelled ? 0 : -1);
  }

  summary(): AnalysisSummary {
    return {
      input: structuredClone(this.shape),
      ...(this.calibration === null ? {} : { calibration: this.calibration.summary() }),
      inputs: this.states.map((state) => structuredClone(state.figures)),
      results: this.states.flatMap((state) =>
        state.results.flatMap((result, id) => {
          if (result === null) return [];
          const copy = structuredClone(result);
          const sums = state.lossSums[id];
          if (sums !== null && copy.loss) {
            copy.loss.sum = sums.computed.partialList();
            copy.loss.exactSum = sums.exact.partialList();
          }
          return [copy];
        }),
      ),
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

  /**
   * --temperature T: the cast row c (castAndClassify), then c / T exactly as a double-double
   * (quotientHi + quotientLo, both exact parts of the quotient to 2^-106) and, for the kernels,
   * that quotient rounded once to the format. A quotient that overflows the format counts as a
   * cast overflow, one that underflows to 0 as a cast underflow. The row is classified on the kernels' input.
   */
  private castDivideAndClassify(state: DtypeState, values: Float64Array, length: number): RowKindName {
    this.castAndClassify(state, values, length);
    const format = state.format;
    const figures = state.figures;
    const temperature = this.temperature;
    const { cast, quotientHi, quotientLo } = state;
    let hasNaN = false;
    let hasPosInf = false;
    let allNegInf = true;
    for (let j = 0; j < length; j++) {
      const c = cast[j];
      const z = divideByTemperature(format, c, temperature, quotient);
      quotientHi[j] = quotient.hi;
      quotientLo[j] = quotient.lo;
      if (z - z !== 0 && c - c === 0) figures.castOverflow++;
      else if (z === 0 && c !== 0) figures.castUnderflow++;
      cast[j] = z;
      if (z !== z) hasNaN = true;
      else if (z === Infinity) hasPosInf = true;
      if (z !== -Infinity) allNegInf = false;
    }
    if (hasNaN) return 'nan';
    if (hasPosInf) return 'posInf';
    return allNegInf ? 'masked' : 'ordinary';
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

  /** Fills the state's exact values, computing the reference unless it already holds this cast row's. `y`: the label, or -1. */
  private computeExact(s: number, length: number, y: number): void {
    const state = this.states[s];
    const reference = this.reference;
    const held = this.referenceState;
    const divided = this.temperature !== 1;
    if (held < 0 || !sameRow(this.states[held].cast, state.cast, length) || (divided && !sameRow(this.states[held].quotientLo, state.quotientLo, length))) {
      if (divided) reference.compute(state.quotientHi, length, state.quotientLo);
      else reference.compute(state.cast, length);
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
    if (y < 0) return;
    if (this.wantCrossEntropy) {
      const exact = this.crossEntropy;
      crossEntropyExact(reference, y, this.scalarHolder);
      setScalar(exact, format, this.scalarHolder);
    }
    if (this.wantGradient) {
      const exact = this.gradient;
      gradientExact(reference, y, length, exact.hi, exact.lo, exact.exp2);
      if (this.wantSoftmax) {
        // Off the label the gradient is the softmax, already rounded above: copied, and only the
        // label's element rounded (rounding every element again cost a tenth of a labelled run).
        exact.rounded.set(this.softmax.rounded.subarray(0, length));
        exact.binadeLow.set(this.softmax.binadeLow.subarray(0, length));
        const rounded = roundScaledDoubleDouble(format, exact.hi[y], exact.lo[y], exact.exp2[y]);
        exact.rounded[y] = rounded;
        exact.binadeLow[y] = binadeLowOf(rounded, format);
      } else {
        fillRounded(exact, format, length);
      }
    }
  }

  /** Measures the row's outputs and flags (by result id) of every selected result; `y` the label, or -1 (then the results that need one are skipped). */
  private accumulate(state: DtypeState, outputs: Float64Array[], flags: Int32Array, length: number, row: number, line: number, label: RowLabel | undefined, y: number): void {
    for (let id = 0; id < RESULT_COUNT; id++) {
      const result = state.results[id];
      if (result === null) continue;
      const fn = result.function;
      if (y < 0 && NEEDS_TARGET[id]) continue;
      result.rows++;
      const bits = flags[id];
      if (bits !== 0) {
        // No allocation here: this runs for every result of every row.
        for (let f = 0; f < FLAG_NAMES.length; f++) {
          if ((bits & FLAG_BIT_LIST[f]) === 0) continue;
          const name = FLAG_NAMES[f];
          result.flags[name]++;
          noteFirstRow(result.firstRows[name], row, line, label);
        }
      }
      const count = SCALAR[id] ? 1 : length;
      const output = outputs[id];
      // An earlier algorithm of the same function with the very same outputs on this row has
      // already measured what this one would (online and max-shift agree on most rows).
      let figures = this.rowFigures[id];
      const twin = this.identicalEarlier(outputs, id, count);
      if (twin >= 0) {
        figures = this.rowFigures[twin];
      } else {
        const exact = this.exactFor(fn);
        // Probabilities: softmax, and the gradient (probabilities, minus 1 at the label); zeros also for a lost loss.
        measureRow(figures, state.format, output, count, exact, PROBABILITIES[id], ZEROS[id]);
        if (fn === 'softmax' && figures.allFinite) this.measureSoftmaxRow(figures, output, length, state.kernel.argmax);
      }
      applyRow(result, figures, row, line, label);
      if (fn === 'cross-entropy') this.addLoss(result, state.lossSums[id]!, output[0]);
      else if (fn === 'gradient') this.addGradient(result, output, length, row, line, label);
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

  private exactFor(fn: FunctionName): ExactValues {
    if (fn === 'softmax') return this.softmax;
    if (fn === 'log-softmax') return this.logSoftmax;
    if (fn === 'logsumexp') return this.logsumexp;
    if (fn === 'cross-entropy') return this.crossEntropy;
    if (fn === 'gradient') return this.gradient;
    if (fn === 'sigmoid') return this.sigmoidExact;
    if (fn === 'log-sigmoid') return this.logSigmoidExact;
    return this.bceExact;
  }

  /** meanLoss and exactMeanLoss: the row's computed loss and exact loss into their exact sums. */
  private addLoss(result: ResultSummary, sums: { computed: ExactSum; exact: ExactSum }, computed: number): void {
    const loss = result.loss!;
    loss.rows++;
    if (computed !== computed) loss.nan++;
    else if (computed === Infinity) loss.posInf++;
    else sums.computed.add(computed);
    const exact = this.crossEntropy;
    const hi = exact.hi[0];
    if (hi === Infinity) {
      loss.exactPosInf++;
    } else if (exact.exp2[0] === 0) {
      sums.exact.add(hi);
      sums.exact.add(exact.lo[0]);
    } else {
      // Below 2^-960: rounded once to float64 (an absolute error below 2^-1074 per row).
      sums.exact.add(ldexp(hi, exact.exp2[0]));
    }
  }

  /** vanishing: every computed element 0 (either sign) while the exact gradient does not round to 0 everywhere. */
  private addGradient(result: ResultSummary, output: Float64Array, length: number, row: number, line: number, label: RowLabel | undefined): void {
    const gradient = result.gradient!;
    gradient.rows++;
    for (let i = 0; i < length; i++) if (output[i] !== 0) return;
    const rounded = this.gradient.rounded;
    for (let i = 0; i < length; i++) {
      if (rounded[i] !== 0) {
        gradient.vanishing++;
        noteFirstRow(result.firstRows.vanishing, row, line, label);
        return;
      }
    }
  }

  /** The id of an earlier selected result of the same function whose outputs on this row equal id's, or -1. */
  private identicalEarlier(outputs: Float64Array[], id: number, count: number): number {
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
    for (const state of this.states) {
      state.cast = new Float64Array(length);
      if (this.temperature !== 1) {
        state.quotientHi = new Float64Array(length);
        state.quotientLo = new Float64Array(length);
      }
    }
    this.softmax = exactValues(length, false);
    this.logSoftmax = exactValues(length, false);
    this.gradient = exactValues(this.wantGradient ? length : 0, true);
  }
}

/** Per result id: whether it gives one value per row, and whether it needs a label. */
const SCALAR: readonly boolean[] = RESULT_KINDS.map((kind) => isScalar(kind.function));
const NEEDS_TARGET: readonly boolean[] = RESULT_KINDS.map((kind) => needsTarget(kind.function));
/**
 * measureRow's rules per result id: probabilities (factor 2 as a ratio) for softmax, the gradient
 * and the sigmoid; logarithms (ln 2 apart) for the rest. Zeros (an output flushed to 0 where the
 * exact value does not round to 0) for all but log-softmax and log-sum-exp, whose 0 is log 1.
 */
const PROBABILITIES: readonly boolean[] = RESULT_KINDS.map((kind) => kind.function === 'softmax' || kind.function === 'gradient' || kind.function === 'sigmoid');
const ZEROS: readonly boolean[] = RESULT_KINDS.map((kind) => kind.function !== 'log-softmax' && kind.function !== 'logsumexp');

function zeroSum(): ExactSum {
  const sum = new ExactSum();
  sum.reset(0);
  return sum;
}

const quotient = { hi: 0, lo: 0 };

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

/** A scalar exact value (hi + lo) * 2^exp2 into its buffers, rounded to the format. */
function setScalar(exact: ExactValues, format: Format, value: { hi: number; lo: number; exp2: number }): void {
  exact.hi[0] = value.hi;
  exact.lo[0] = value.lo;
  exact.exp2[0] = value.exp2;
  fillRounded(exact, format, 1);
}

function fillRounded(exact: ExactValues, format: Format, length: number): void {
  roundDoubleDoubleEach(format, exact.hi, exact.lo, exact.exp2, exact.rounded, length);
  const { rounded, binadeLow } = exact;
  for (let i = 0; i < length; i++) binadeLow[i] = binadeLowOf(rounded[i], format);
}
