import type { Format } from '../formats/index.js';
import { roundToPrecision } from '../formats/precision-rounding.js';
import { addFlags, divFlags, expFlags, log1pFlags, logFlags, mulFlags } from './flags.js';
import { isScalar, R, RESULT_COUNT, RESULT_KINDS } from './names.js';

/** Which results a kernel computes; intermediates no selected result needs are skipped. */
export type Selection = ReadonlyArray<boolean>; // indexed by result id (R)

export const SELECT_ALL: Selection = new Array<boolean>(RESULT_COUNT).fill(true);

/**
 * The row buffers a kernel writes: its outputs and the shifted values d_j and t_j. Kernels that
 * run one after another and whose outputs are read before the next runs (Analysis runs one per
 * format on each row) can share one set, so that memory at long rows (K = 131072: 12 K doubles
 * per set, 12.6 MB) does not grow with the number of formats.
 */
export class KernelBuffers {
  /** outputs[id] holds the row's output for result id; logsumexp results have length 1. */
  readonly outputs: Float64Array[] = [];
  shifted = new Float64Array(0); // d_j = x_j - m
  shiftedExp = new Float64Array(0); // t_j = exp(d_j)
  private capacity = 0;

  constructor() {
    for (let id = 0; id < RESULT_COUNT; id++) this.outputs.push(new Float64Array(SCALAR[id] ? 1 : 0));
  }

  ensureCapacity(length: number): void {
    if (length <= this.capacity) return;
    this.capacity = length;
    this.shifted = new Float64Array(length);
    this.shiftedExp = new Float64Array(length);
    for (let id = 0; id < RESULT_COUNT; id++) if (!SCALAR[id]) this.outputs[id] = new Float64Array(length);
  }
}

/** Per result id: whether it gives one value per row. */
const SCALAR: readonly boolean[] = RESULT_KINDS.map((kind) => isScalar(kind.function));

/**
 * Every algorithm of SPEC section 4 on one row, in one format, each + - * / exp log log1p rounded
 * once to the format, sums left to right. The work is fused: the shifted exponentials
 * t_j = exp(x_j - m) serve max-shift, log-of-softmax, log1p, exp-lse and (because the online
 * running maximum ends at m) online's outputs, and each result still gets exactly the flags of
 * the operations its own formula uses. No allocation per row once the buffers fit the row.
 *
 * The work is done by small loop primitives (one operation over a range, returning its flags):
 * each is optimized on its own, so V8 inlines the rounding into every one of them. (One large
 * loop body with every operation inlined exceeds V8's inlining budget; the rounding calls left
 * behind then box every double they return, and a third of the time went to the collector.)
 *
 * `run` is meant for ordinary and masked rows (SPEC section 3); rows with NaN or +Infinity are
 * excluded from the analysis before they get here (`compute` runs it on them anyway).
 */
export class FormatKernel {
  /** outputs[id] holds the row's output for result id (until the next run of a kernel sharing the buffers); logsumexp results have length 1. */
  readonly outputs: Float64Array[];
  /** flags[id]: the OR of the IEEE flags raised by the operations result id used on the row. */
  readonly flags = new Int32Array(RESULT_COUNT);
  /** The first index of the row's maximum (ties: lowest index). */
  argmax = 0;
  private shifted = new Float64Array(0); // d_j = x_j - m, from the buffers
  private shiftedExp = new Float64Array(0); // t_j = exp(d_j), from the buffers
  /** The flags of the last sum (sumLeftToRight returns the sum itself). */
  private sumFlagBits = 0;
  /** The flags of the last onlineStep. */
  private stepFlagBits = 0;
  /** The current row's label (a class index), or -1. */
  private target = -1;
  /** The current row (its logits x_j, for x_y). */
  private row: Float64Array = new Float64Array(0);
  private readonly splitter: number;
  private readonly minNormal: number;
  private readonly maxFinite: number;
  private readonly minSubnormal: number;
  private readonly wantNaive: boolean;
  private readonly wantSum: boolean;
  private readonly wantSumExcludingMax: boolean;
  private readonly wantOnline: boolean;

  constructor(
    readonly format: Format,
    readonly selection: Selection = SELECT_ALL,
    private readonly buffers: KernelBuffers = new KernelBuffers(),
  ) {
    this.outputs = buffers.outputs;
    this.splitter = format.splitter;
    this.minNormal = format.minNormal;
    this.maxFinite = format.maxFinite;
    this.minSubnormal = format.minSubnormal;
    const any = (...ids: number[]) => ids.some((id) => selection[id]);
    this.wantNaive = any(R.softmaxNaive, R.logSoftmaxNaive, R.logsumexpNaive, R.crossEntropyNaive, R.gradientNaive);
    this.wantSum = any(
      R.softmaxMaxShift,
      R.logSoftmaxMaxShift,
      R.logSoftmaxLogOfSoftmax,
      R.logsumexpMaxShift,
      R.crossEntropyLogOfSoftmax,
      R.crossEntropyMaxShift,
      R.crossEntropyLseMinusLogit,
      R.gradientMaxShift,
      R.gradientExpOfLogSoftmax,
    );
    this.wantSumExcludingMax = any(R.softmaxLog1p, R.softmaxExpLse, R.logSoftmaxLog1p, R.logsumexpLog1p, R.crossEntropyLog1p, R.gradientLog1p, R.gradientExpLse);
    this.wantOnline = any(R.softmaxOnline, R.logSoftmaxOnline, R.logsumexpOnline, R.crossEntropyOnline, R.gradientOnline);
  }

  /**
   * Runs every selected algorithm on x[0..length). `target`: the row's label y, a class index in
   * [0, length), for the cross-entropy and gradient results (SPEC section 9); -1 (no label, or
   * the ignore index) leaves those results unset, and their outputs are not to be read.
   */
  run(x: Float64Array, length: number, target = -1): void {
    this.ensureCapacity(length);
    this.flags.fill(0);
    this.target = target;
    this.row = x;
    let max = -Infinity;
    let argmax = 0;
    for (let j = 0; j < length; j++) {
      if (x[j] > max) {
        max = x[j];
        argmax = j;
      }
    }
    this.argmax = argmax;
    if (this.wantNaive) this.runNaive(x, length);
    if (this.wantSum || this.wantSumExcludingMax || this.wantOnline) this.runShifted(x, length, max, argmax);
  }

  /** naive: softmax_i = exp(x_i) / sum_j exp(x_j); log-softmax = log(softmax); LSE = log(sum). */
  private runNaive(x: Float64Array, length: number): void {
    const softmax = this.outputs[R.softmaxNaive];
    const expFlagBits = this.expEach(x, 0, length, softmax); // the exponentials, divided in place below
    const y = this.target;
    const expY = y >= 0 ? softmax[y] : NaN;
    const sum = this.sumLeftToRight(softmax, length, -1);
    const common = expFlagBits | this.sumFlagBits;
    const divFlagBits = this.divideEach(softmax, sum, length, softmax);
    const logFlagBits = this.selection[R.logSoftmaxNaive] ? this.logEach(softmax, length, this.outputs[R.logSoftmaxNaive]) : 0;
    const lse = this.round(Math.log(sum));
    this.outputs[R.logsumexpNaive][0] = lse;
    this.flags[R.softmaxNaive] = common | divFlagBits;
    this.flags[R.logSoftmaxNaive] = common | divFlagBits | logFlagBits;
    this.flags[R.logsumexpNaive] = common | logFlags(sum, lse, this.minNormal);
    if (y < 0) return;
    // cross-entropy: -log(exp(x_y) / sum), one division and one logarithm past the sum.
    const probability = softmax[y];
    const logProbability = this.round(Math.log(probability));
    this.outputs[R.crossEntropyNaive][0] = -logProbability;
    this.flags[R.crossEntropyNaive] = common | divFlags(expY, sum, probability, this.minNormal) | logFlags(probability, logProbability, this.minNormal);
    this.gradientOf(R.gradientNaive, softmax, length, this.flags[R.softmaxNaive]);
  }

  /**
   * gradient_i = softmax_i - [i = y] from a softmax algorithm's outputs: a copy, and one rounded
   * subtraction at y (SPEC section 9); its flags are the softmax's and that subtraction's.
   */
  private gradientOf(id: number, softmax: Float64Array, length: number, softmaxFlagBits: number): void {
    if (!this.selection[id]) return;
    const y = this.target;
    const gradient = this.outputs[id];
    gradient.set(softmax.subarray(0, length));
    const difference = this.round(softmax[y] - 1);
    gradient[y] = difference;
    this.flags[id] = softmaxFlagBits | addFlags(softmax[y], 1, difference, this.minNormal);
  }

  /** cross-entropy -((x_y - m) - log(s)) from the shifted d_y and log(s): one rounded subtraction past them. */
  private lossFromShifted(id: number, logSum: number, commonFlagBits: number): void {
    const dy = this.shifted[this.target];
    const logProbability = this.round(dy - logSum);
    this.outputs[id][0] = -logProbability;
    this.flags[id] = commonFlagBits | addFlags(dy, logSum, logProbability, this.minNormal);
  }

  private runShifted(x: Float64Array, length: number, max: number, argmax: number): void {
    const shifted = this.shifted;
    const shiftedExp = this.shiftedExp;
    // d_j and t_j in three ranges, so that the flags of the max's own term (0 and exp(0) = 1 on
    // an ordinary row, NaN on a masked one) stay apart: s' never uses it.
    const subBefore = this.subtractEach(x, max, 0, argmax, shifted);
    const subAt = this.subtractEach(x, max, argmax, argmax + 1, shifted);
    const subAfter = this.subtractEach(x, max, argmax + 1, length, shifted);
    const expBefore = this.expEach(shifted, 0, argmax, shiftedExp);
    const expAt = this.expEach(shifted, argmax, argmax + 1, shiftedExp);
    const expAfter = this.expEach(shifted, argmax + 1, length, shiftedExp);
    const subFlagBits = subBefore | subAt | subAfter;
    const expFlagBits = expBefore | expAt | expAfter;
    const shiftFlagBits = subFlagBits | expFlagBits;
    const excludingMaxFlagBits = subBefore | subAfter | expBefore | expAfter;

    if (this.wantSum) this.finishMaxShift(length, max, shiftFlagBits);
    if (this.wantSumExcludingMax) this.finishLog1p(x, length, max, argmax, excludingMaxFlagBits, shiftFlagBits, subFlagBits);
    if (this.wantOnline) this.runOnline(x, length, max, argmax, subFlagBits, expFlagBits, subAfter | expAfter);
  }

  /** max-shift: softmax_i = t_i / s; log-softmax_i = d_i - log(s); LSE = m + log(s); log-of-softmax: log(t_i / s). */
  private finishMaxShift(length: number, max: number, shiftFlagBits: number): void {
    const sum = this.sumLeftToRight(this.shiftedExp, length, -1);
    const common = shiftFlagBits | this.sumFlagBits;
    const logSum = this.round(Math.log(sum));
    const logSumFlagBits = logFlags(sum, logSum, this.minNormal);
    const softmax = this.outputs[R.softmaxMaxShift];
    const divFlagBits = this.divideEach(this.shiftedExp, sum, length, softmax);
    const subOutFlagBits = this.subtractEach(this.shifted, logSum, 0, length, this.outputs[R.logSoftmaxMaxShift]);
    const logOfFlagBits = this.selection[R.logSoftmaxLogOfSoftmax] ? this.logEach(softmax, length, this.outputs[R.logSoftmaxLogOfSoftmax]) : 0;
    const lse = this.round(max + logSum);
    this.outputs[R.logsumexpMaxShift][0] = lse;
    this.flags[R.softmaxMaxShift] = common | divFlagBits;
    this.flags[R.logSoftmaxLogOfSoftmax] = common | divFlagBits | logOfFlagBits;
    this.flags[R.logSoftmaxMaxShift] = common | logSumFlagBits | subOutFlagBits;
    this.flags[R.logsumexpMaxShift] = common | logSumFlagBits | addFlags(max, logSum, lse, this.minNormal);
    const y = this.target;
    if (y < 0) return;
    const minNormal = this.minNormal;
    // log-of-softmax: -log(t_y / s); max-shift: -(d_y - log(s)); lse-minus-logit: (m + log(s)) - x_y.
    const probability = softmax[y];
    const logProbability = this.round(Math.log(probability));
    this.outputs[R.crossEntropyLogOfSoftmax][0] = -logProbability;
    this.flags[R.crossEntropyLogOfSoftmax] = common | divFlags(this.shiftedExp[y], sum, probability, minNormal) | logFlags(probability, logProbability, minNormal);
    this.lossFromShifted(R.crossEntropyMaxShift, logSum, common | logSumFlagBits);
    const xy = this.row[y];
    const loss = this.round(lse - xy);
    this.outputs[R.crossEntropyLseMinusLogit][0] = loss;
    this.flags[R.crossEntropyLseMinusLogit] = this.flags[R.logsumexpMaxShift] | addFlags(lse, xy, loss, minNormal);
    this.gradientOf(R.gradientMaxShift, softmax, length, this.flags[R.softmaxMaxShift]);
    if (this.selection[R.gradientExpOfLogSoftmax]) {
      // autograd's backward of log_softmax: exp(log-softmax_i) - [i = y].
      const gradient = this.outputs[R.gradientExpOfLogSoftmax];
      const expFlagBits = this.expEach(this.outputs[R.logSoftmaxMaxShift], 0, length, gradient);
      const atY = gradient[y];
      const difference = this.round(atY - 1);
      gradient[y] = difference;
      this.flags[R.gradientExpOfLogSoftmax] = this.flags[R.logSoftmaxMaxShift] | expFlagBits | addFlags(atY, 1, difference, minNormal);
    }
  }

  /**
   * log1p (Blanchard, Higham & Higham 2021): s' = sum of t_j over j != argmax;
   * softmax_i = t_i / (1 + s'); log-softmax_i = d_i - log1p(s'); LSE = m + log1p(s').
   * exp-lse: softmax_i = exp(x_i - (m + log1p(s'))).
   */
  private finishLog1p(
    x: Float64Array,
    length: number,
    max: number,
    argmax: number,
    excludingMaxFlagBits: number,
    shiftFlagBits: number,
    subFlagBits: number,
  ): void {
    const minNormal = this.minNormal;
    const sumExcludingMax = this.sumLeftToRight(this.shiftedExp, length, argmax);
    const common = excludingMaxFlagBits | this.sumFlagBits;
    const log1pSum = this.round(Math.log1p(sumExcludingMax));
    const log1pFlagBits = log1pFlags(sumExcludingMax, log1pSum, minNormal);
    const denominator = this.round(1 + sumExcludingMax);
    const denominatorFlagBits = addFlags(1, sumExcludingMax, denominator, minNormal);
    const lse = this.round(max + log1pSum);
    const lseFlagBits = common | log1pFlagBits | addFlags(max, log1pSum, lse, minNormal);
    const divFlagBits = this.divideEach(this.shiftedExp, denominator, length, this.outputs[R.softmaxLog1p]);
    const subOutFlagBits = this.subtractEach(this.shifted, log1pSum, 0, length, this.outputs[R.logSoftmaxLog1p]);
    const expLseFlagBits = this.selection[R.softmaxExpLse] || this.selection[R.gradientExpLse] ? this.expOfDifferenceEach(x, lse, length, this.outputs[R.softmaxExpLse]) : 0;
    this.outputs[R.logsumexpLog1p][0] = lse;
    // softmax divides every t_i, the max's too; log-softmax subtracts from every d_i.
    this.flags[R.softmaxLog1p] = common | shiftFlagBits | denominatorFlagBits | divFlagBits;
    this.flags[R.logSoftmaxLog1p] = common | subFlagBits | log1pFlagBits | subOutFlagBits;
    this.flags[R.logsumexpLog1p] = lseFlagBits;
    this.flags[R.softmaxExpLse] = lseFlagBits | expLseFlagBits;
    const y = this.target;
    if (y < 0) return;
    // -((x_y - m) - log1p(s')): d_y's own subtraction (its flags are not in `common` when y is the argmax).
    this.lossFromShifted(R.crossEntropyLog1p, log1pSum, common | log1pFlagBits | addFlags(x[y], max, this.shifted[y], minNormal));
    this.gradientOf(R.gradientLog1p, this.outputs[R.softmaxLog1p], length, this.flags[R.softmaxLog1p]);
    this.gradientOf(R.gradientExpLse, this.outputs[R.softmaxExpLse], length, this.flags[R.softmaxExpLse]);
  }

  /**
   * online (Milakov & Gimelshein 2018), literally: M_0 = -Infinity, D_0 = 0,
   * M_j = max(M_{j-1}, x_j), D_j = D_{j-1} * exp(M_{j-1} - M_j) + exp(x_j - M_j).
   * A row that starts with -Infinity makes -Infinity - -Infinity = NaN in the first step.
   * The outputs reuse d_i and t_i: the final running maximum M equals m.
   */
  private runOnline(x: Float64Array, length: number, max: number, argmax: number, subFlagBits: number, expFlagBits: number, afterMaxFlagBits: number): void {
    const denominator = this.onlineDenominator(x, length, max, argmax, afterMaxFlagBits);
    const recurrenceFlagBits = this.sumFlagBits;
    const logDenominator = this.round(Math.log(denominator));
    const logFlagBits = logFlags(denominator, logDenominator, this.minNormal);
    const divFlagBits = this.divideEach(this.shiftedExp, denominator, length, this.outputs[R.softmaxOnline]);
    const subOutFlagBits = this.subtractEach(this.shifted, logDenominator, 0, length, this.outputs[R.logSoftmaxOnline]);
    const lse = this.round(max + logDenominator);
    this.outputs[R.logsumexpOnline][0] = lse;
    this.flags[R.softmaxOnline] = recurrenceFlagBits | subFlagBits | expFlagBits | divFlagBits;
    this.flags[R.logSoftmaxOnline] = recurrenceFlagBits | subFlagBits | logFlagBits | subOutFlagBits;
    this.flags[R.logsumexpOnline] = recurrenceFlagBits | logFlagBits | addFlags(max, logDenominator, lse, this.minNormal);
    const y = this.target;
    if (y < 0) return;
    // -((x_y - M) - log(D)), M = m: the recurrence, x_y - M, log(D) and the subtraction.
    this.lossFromShifted(R.crossEntropyOnline, logDenominator, recurrenceFlagBits | logFlagBits | addFlags(x[y], max, this.shifted[y], this.minNormal));
    this.gradientOf(R.gradientOnline, this.outputs[R.softmaxOnline], length, this.flags[R.softmaxOnline]);
  }

  /**
   * D_K of the online recurrence; its flags go to sumFlagBits. `afterMaxFlagBits`: the flags of
   * d_j and t_j for j > argmax.
   *
   * Past the first maximum (j > argmax, on a row whose maximum is finite) every step is
   * M_j = m, exp(M_{j-1} - M_j) = exp(0) = 1 exactly, D_{j-1} * 1 = D_{j-1} exactly (D >= 1 from
   * argmax on, so no flag), and exp(x_j - M_j) is max-shift's own t_j: the step is the rounded
   * addition D_j = D_{j-1} + t_j and nothing else. Those steps are done as a plain sum, which
   * changes no value and no flag (the flags of d_j and t_j are added from afterMaxFlagBits), and
   * halves the recurrence's cost on average. On a masked row (m = -Infinity, argmax 0) the
   * first step already makes D NaN with the invalid flag, and the sum keeps both, as the full
   * recurrence would (test/algorithms/online-literal.test.ts compares them).
   */
  private onlineDenominator(x: Float64Array, length: number, max: number, argmax: number, afterMaxFlagBits: number): number {
    const minNormal = this.minNormal;
    const fullTo = argmax + 1;
    let runningMax = -Infinity;
    let denominator = 0;
    let flagBits = 0;
    for (let j = 0; j < fullTo; j++) {
      const xj = x[j];
      if (xj <= runningMax && runningMax - runningMax === 0) {
        // The running maximum stays (finite): exp(M - M) = 1 exactly and D * 1 = D exactly,
        // with no flag (D is NaN, +Infinity or >= 1 once a finite logit was seen), so the step
        // is D + exp(x_j - M), three rounded operations. Kept apart from the rare steps that
        // move the maximum, so that this loop stays small enough for V8 to inline its rounding.
        const termExponent = this.round(xj - runningMax);
        const term = this.round(Math.exp(termExponent));
        const next = this.round(denominator + term);
        flagBits |= addFlags(xj, runningMax, termExponent, minNormal) | expFlags(termExponent, term, minNormal) | addFlags(denominator, term, next, minNormal);
        denominator = next;
      } else {
        const nextMax = Math.max(runningMax, xj);
        denominator = this.onlineStep(xj, runningMax, nextMax, denominator, nextMax === max ? j : -1);
        flagBits |= this.stepFlagBits;
        runningMax = nextMax;
      }
    }
    if (fullTo < length) {
      denominator = this.addEach(this.shiftedExp, fullTo, length, denominator);
      flagBits |= this.sumFlagBits | afterMaxFlagBits;
    }
    this.sumFlagBits = flagBits;
    return denominator;
  }

  /**
   * One step of the online recurrence in full, for the steps that move the running maximum (or
   * start from -Infinity): D * exp(M_{j-1} - M_j) + exp(x_j - M_j). `atMax` is j when
   * M_j is the row's maximum (then x_j - M_j and its exp are max-shift's d_j and t_j), else -1.
   * Its flags go to stepFlagBits.
   */
  private onlineStep(xj: number, runningMax: number, nextMax: number, denominator: number, atMax: number): number {
    const minNormal = this.minNormal;
    const rescaleExponent = this.round(runningMax - nextMax);
    const rescale = rescaleExponent === 0 ? 1 : this.round(Math.exp(rescaleExponent)); // exp(0) is exactly 1
    const rescaled = this.round(denominator * rescale);
    const termExponent = atMax >= 0 ? this.shifted[atMax] : this.round(xj - nextMax);
    const term = atMax >= 0 ? this.shiftedExp[atMax] : this.round(Math.exp(termExponent));
    const next = this.round(rescaled + term);
    this.stepFlagBits =
      addFlags(runningMax, nextMax, rescaleExponent, minNormal) |
      expFlags(rescaleExponent, rescale, minNormal) |
      mulFlags(denominator, rescale, rescaled, minNormal) |
      addFlags(xj, nextMax, termExponent, minNormal) |
      expFlags(termExponent, term, minNormal) |
      addFlags(rescaled, term, next, minNormal);
    return next;
  }

  // ---- loop primitives: one rounded operation over a range, returning the flags it raised ----

  private round(x: number): number {
    return roundToPrecision(x, this.splitter, this.minNormal, this.maxFinite, this.minSubnormal);
  }

  /** out[j] = exp(values[j]) for j in [from, to). */
  private expEach(values: Float64Array, from: number, to: number, out: Float64Array): number {
    const minNormal = this.minNormal;
    let flagBits = 0;
    for (let j = from; j < to; j++) {
      const e = this.round(Math.exp(values[j]));
      flagBits |= expFlags(values[j], e, minNormal);
      out[j] = e;
    }
    return flagBits;
  }

  /** out[j] = values[j] - scalar for j in [from, to). */
  private subtractEach(values: Float64Array, scalar: number, from: number, to: number, out: Float64Array): number {
    const minNormal = this.minNormal;
    let flagBits = 0;
    for (let j = from; j < to; j++) {
      const d = this.round(values[j] - scalar);
      flagBits |= addFlags(values[j], scalar, d, minNormal);
      out[j] = d;
    }
    return flagBits;
  }

  /** out[i] = numerators[i] / denominator. */
  private divideEach(numerators: Float64Array, denominator: number, length: number, out: Float64Array): number {
    const minNormal = this.minNormal;
    let flagBits = 0;
    for (let i = 0; i < length; i++) {
      const q = this.round(numerators[i] / denominator);
      flagBits |= divFlags(numerators[i], denominator, q, minNormal);
      out[i] = q;
    }
    return flagBits;
  }

  /** out[i] = log(values[i]). */
  private logEach(values: Float64Array, length: number, out: Float64Array): number {
    const minNormal = this.minNormal;
    let flagBits = 0;
    for (let i = 0; i < length; i++) {
      const l = this.round(Math.log(values[i]));
      flagBits |= logFlags(values[i], l, minNormal);
      out[i] = l;
    }
    return flagBits;
  }

  /** out[i] = exp(x[i] - scalar): two rounded operations. */
  private expOfDifferenceEach(x: Float64Array, scalar: number, length: number, out: Float64Array): number {
    const minNormal = this.minNormal;
    let flagBits = 0;
    for (let i = 0; i < length; i++) {
      const u = this.round(x[i] - scalar);
      const q = this.round(Math.exp(u));
      flagBits |= addFlags(x[i], scalar, u, minNormal) | expFlags(u, q, minNormal);
      out[i] = q;
    }
    return flagBits;
  }

  /**
   * The left-to-right sum of values[0..length) without index `skip` (-1: none), starting from
   * the first term (an empty sum is 0, with no operation). Its flags go to sumFlagBits.
   */
  private sumLeftToRight(values: Float64Array, length: number, skip: number): number {
    const minNormal = this.minNormal;
    let flagBits = 0;
    let sum = 0;
    let started = false;
    for (let j = 0; j < length; j++) {
      if (j === skip) continue;
      const t = values[j];
      if (!started) {
        sum = t;
        started = true;
        continue;
      }
      const next = this.round(sum + t);
      flagBits |= addFlags(sum, t, next, minNormal);
      sum = next;
    }
    this.sumFlagBits = flagBits;
    return sum;
  }

  /** start + values[from] + ... + values[to - 1], left to right. Its flags go to sumFlagBits. */
  private addEach(values: Float64Array, from: number, to: number, start: number): number {
    const minNormal = this.minNormal;
    let flagBits = 0;
    let sum = start;
    for (let j = from; j < to; j++) {
      const t = values[j];
      const next = this.round(sum + t);
      flagBits |= addFlags(sum, t, next, minNormal);
      sum = next;
    }
    this.sumFlagBits = flagBits;
    return sum;
  }

  private ensureCapacity(length: number): void {
    this.buffers.ensureCapacity(length);
    this.shifted = this.buffers.shifted;
    this.shiftedExp = this.buffers.shiftedExp;
  }
}
