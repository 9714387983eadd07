import type { Format } from '../formats/index.js';
import { addFlags, divFlags, expFlags, log1pFlags, logFlags, mulFlags } from './flags.js';
import { R, RESULT_COUNT } from './names.js';

/** Which results a kernel computes; intermediates no selected result needs are skipped. */
export type Selection = ReadonlyArray<boolean>; // indexed by result id (R)

export const SELECT_ALL: Selection = new Array<boolean>(RESULT_COUNT).fill(true);

/**
 * Every algorithm of SPEC section 4 on one row, in one format, each + - * / exp log log1p rounded
 * once to the format, sums left to right. The work is fused: the shifted exponentials
 * t_j = exp(x_j - m) serve max-shift, log-of-softmax, log1p, exp-lse and (because the online
 * running maximum ends at m) online's outputs, and each result still gets exactly the flags of
 * the operations its own formula uses. No allocation per row once the buffers fit the row.
 *
 * `run` is meant for ordinary and masked rows (SPEC section 3); rows with NaN or +Infinity are
 * excluded from the analysis before they get here.
 */
export class FormatKernel {
  /** outputs[id] holds the row's output for result id; logsumexp results have length 1. */
  readonly outputs: Float64Array[] = [];
  /** flags[id]: the OR of the IEEE flags raised by the operations result id used on the row. */
  readonly flags = new Int32Array(RESULT_COUNT);
  /** The first index of the row's maximum (ties: lowest index). */
  argmax = 0;
  private capacity = 0;
  private shifted = new Float64Array(0); // x_j - m
  private shiftedExp = new Float64Array(0); // t_j = exp(x_j - m)
  private readonly round: (x: number) => number;
  private readonly minNormal: number;
  private readonly wantNaive: boolean;
  private readonly wantShift: boolean;
  private readonly wantSum: boolean;
  private readonly wantSumExcludingMax: boolean;
  private readonly wantOnline: boolean;

  constructor(
    readonly format: Format,
    readonly selection: Selection = SELECT_ALL,
  ) {
    this.round = format.round.bind(format);
    this.minNormal = format.minNormal;
    const any = (...ids: number[]) => ids.some((id) => selection[id]);
    this.wantNaive = any(R.softmaxNaive, R.logSoftmaxNaive, R.logsumexpNaive);
    this.wantSum = any(R.softmaxMaxShift, R.logSoftmaxMaxShift, R.logSoftmaxLogOfSoftmax, R.logsumexpMaxShift);
    this.wantSumExcludingMax = any(R.softmaxLog1p, R.softmaxExpLse, R.logSoftmaxLog1p, R.logsumexpLog1p);
    this.wantOnline = any(R.softmaxOnline, R.logSoftmaxOnline, R.logsumexpOnline);
    this.wantShift = this.wantSum || this.wantSumExcludingMax || this.wantOnline;
    for (let id = 0; id < RESULT_COUNT; id++) this.outputs.push(new Float64Array(id >= R.logsumexpNaive ? 1 : 0));
  }

  run(x: Float64Array, length: number): void {
    this.ensureCapacity(length);
    this.flags.fill(0);
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
    if (this.wantShift) this.runShifted(x, length, max, argmax);
  }

  /** naive: softmax_i = exp(x_i) / sum_j exp(x_j); log-softmax = log(softmax); LSE = log(sum). */
  private runNaive(x: Float64Array, length: number): void {
    const round = this.round;
    const minNormal = this.minNormal;
    const softmax = this.outputs[R.softmaxNaive];
    let expFlagBits = 0;
    let sumFlagBits = 0;
    let sum = 0;
    for (let j = 0; j < length; j++) {
      const e = round(Math.exp(x[j]));
      expFlagBits |= expFlags(x[j], e, minNormal);
      softmax[j] = e; // the exponentials, until the division below overwrites them
      if (j === 0) {
        sum = e;
      } else {
        const next = round(sum + e);
        sumFlagBits |= addFlags(sum, e, next, minNormal);
        sum = next;
      }
    }
    const common = expFlagBits | sumFlagBits;
    const logSoftmax = this.outputs[R.logSoftmaxNaive];
    let divFlagBits = 0;
    let logFlagBits = 0;
    for (let i = 0; i < length; i++) {
      const p = round(softmax[i] / sum);
      divFlagBits |= divFlags(softmax[i], sum, p, minNormal);
      softmax[i] = p;
      const lp = round(Math.log(p));
      logFlagBits |= logFlags(p, lp, minNormal);
      logSoftmax[i] = lp;
    }
    const lse = round(Math.log(sum));
    this.outputs[R.logsumexpNaive][0] = lse;
    this.flags[R.softmaxNaive] = common | divFlagBits;
    this.flags[R.logSoftmaxNaive] = common | divFlagBits | logFlagBits;
    this.flags[R.logsumexpNaive] = common | logFlags(sum, lse, minNormal);
  }

  private runShifted(x: Float64Array, length: number, max: number, argmax: number): void {
    const round = this.round;
    const minNormal = this.minNormal;
    const shifted = this.shifted;
    const shiftedExp = this.shiftedExp;
    const selection = this.selection;
    let subFlagBits = 0;
    let expFlagBits = 0;
    // The flags of x_j - m and exp(x_j - m) for j != argmax only: s' (log1p, exp-lse) never uses
    // the max's own term, and on a masked row that term is where -Infinity - -Infinity happens.
    let excludingMaxFlagBits = 0;
    let sumFlagBits = 0;
    let sumExcludingMaxFlagBits = 0;
    let sum = 0;
    let sumExcludingMax = 0;
    let excludingMaxStarted = false;
    for (let j = 0; j < length; j++) {
      const d = round(x[j] - max);
      const subFlag = addFlags(x[j], max, d, minNormal);
      const t = round(Math.exp(d));
      const expFlag = expFlags(d, t, minNormal);
      subFlagBits |= subFlag;
      expFlagBits |= expFlag;
      if (j !== argmax) excludingMaxFlagBits |= subFlag | expFlag;
      shifted[j] = d;
      shiftedExp[j] = t;
      if (j === 0) {
        sum = t;
      } else {
        const next = round(sum + t);
        sumFlagBits |= addFlags(sum, t, next, minNormal);
        sum = next;
      }
      if (j !== argmax) {
        if (!excludingMaxStarted) {
          sumExcludingMax = t;
          excludingMaxStarted = true;
        } else {
          const next = round(sumExcludingMax + t);
          sumExcludingMaxFlagBits |= addFlags(sumExcludingMax, t, next, minNormal);
          sumExcludingMax = next;
        }
      }
    }
    // Summing s and s' separately is what the algorithms do; fusing the loops changes no value.
    if (!this.wantSum) sumFlagBits = 0;
    const shiftFlagBits = subFlagBits | expFlagBits;

    if (this.wantSum) {
      const common = shiftFlagBits | sumFlagBits;
      const logSum = round(Math.log(sum));
      const logSumFlagBits = logFlags(sum, logSum, minNormal);
      const softmax = this.outputs[R.softmaxMaxShift];
      const logSoftmax = this.outputs[R.logSoftmaxMaxShift];
      const logOfSoftmax = this.outputs[R.logSoftmaxLogOfSoftmax];
      const wantLogOf = selection[R.logSoftmaxLogOfSoftmax];
      let divFlagBits = 0;
      let subOutFlagBits = 0;
      let logOfFlagBits = 0;
      for (let i = 0; i < length; i++) {
        const p = round(shiftedExp[i] / sum);
        divFlagBits |= divFlags(shiftedExp[i], sum, p, minNormal);
        softmax[i] = p;
        const lp = round(shifted[i] - logSum);
        subOutFlagBits |= addFlags(shifted[i], logSum, lp, minNormal);
        logSoftmax[i] = lp;
        if (wantLogOf) {
          const lq = round(Math.log(p));
          logOfFlagBits |= logFlags(p, lq, minNormal);
          logOfSoftmax[i] = lq;
        }
      }
      const lse = round(max + logSum);
      this.outputs[R.logsumexpMaxShift][0] = lse;
      this.flags[R.softmaxMaxShift] = common | divFlagBits;
      this.flags[R.logSoftmaxLogOfSoftmax] = common | divFlagBits | logOfFlagBits;
      this.flags[R.logSoftmaxMaxShift] = common | logSumFlagBits | subOutFlagBits;
      this.flags[R.logsumexpMaxShift] = common | logSumFlagBits | addFlags(max, logSum, lse, minNormal);
    }

    if (this.wantSumExcludingMax) {
      this.finishLog1p(x, length, max, excludingMaxFlagBits | sumExcludingMaxFlagBits, shiftFlagBits, subFlagBits, sumExcludingMax);
    }
    if (this.wantOnline) this.runOnline(x, length, subFlagBits, expFlagBits);
  }

  /** log1p (Blanchard, Higham & Higham 2021) and exp-lse, from s' = sum of t_j over j != argmax. */
  private finishLog1p(
    x: Float64Array,
    length: number,
    max: number,
    common: number,
    shiftFlagBits: number,
    subFlagBits: number,
    sumExcludingMax: number,
  ): void {
    const round = this.round;
    const minNormal = this.minNormal;
    const shifted = this.shifted;
    const shiftedExp = this.shiftedExp;
    const log1pSum = round(Math.log1p(sumExcludingMax));
    const log1pFlagBits = log1pFlags(sumExcludingMax, log1pSum, minNormal);
    const denominator = round(1 + sumExcludingMax);
    const denominatorFlagBits = addFlags(1, sumExcludingMax, denominator, minNormal);
    const lse = round(max + log1pSum);
    const lseFlagBits = common | log1pFlagBits | addFlags(max, log1pSum, lse, minNormal);
    const softmax = this.outputs[R.softmaxLog1p];
    const logSoftmax = this.outputs[R.logSoftmaxLog1p];
    const expLse = this.outputs[R.softmaxExpLse];
    const wantExpLse = this.selection[R.softmaxExpLse];
    let divFlagBits = 0;
    let subOutFlagBits = 0;
    let expLseFlagBits = 0;
    for (let i = 0; i < length; i++) {
      const p = round(shiftedExp[i] / denominator);
      divFlagBits |= divFlags(shiftedExp[i], denominator, p, minNormal);
      softmax[i] = p;
      const lp = round(shifted[i] - log1pSum);
      subOutFlagBits |= addFlags(shifted[i], log1pSum, lp, minNormal);
      logSoftmax[i] = lp;
      if (wantExpLse) {
        const u = round(x[i] - lse);
        const q = round(Math.exp(u));
        expLseFlagBits |= addFlags(x[i], lse, u, minNormal) | expFlags(u, q, minNormal);
        expLse[i] = q;
      }
    }
    this.outputs[R.logsumexpLog1p][0] = lse;
    // softmax divides every t_i, the max's too; log-softmax subtracts from every x_i - m.
    this.flags[R.softmaxLog1p] = common | shiftFlagBits | denominatorFlagBits | divFlagBits;
    this.flags[R.logSoftmaxLog1p] = common | subFlagBits | log1pFlagBits | subOutFlagBits;
    this.flags[R.logsumexpLog1p] = lseFlagBits;
    this.flags[R.softmaxExpLse] = lseFlagBits | expLseFlagBits;
  }

  /**
   * online (Milakov & Gimelshein 2018), literally: M_0 = -Infinity, D_0 = 0,
   * M_j = max(M_{j-1}, x_j), D_j = D_{j-1} * exp(M_{j-1} - M_j) + exp(x_j - M_j).
   * A row that starts with -Infinity makes -Infinity - -Infinity = NaN in the first step.
   * The outputs reuse x_i - m and exp(x_i - m): the final running maximum M equals m.
   */
  private runOnline(x: Float64Array, length: number, subFlagBits: number, expFlagBits: number): void {
    const round = this.round;
    const minNormal = this.minNormal;
    let runningMax = -Infinity;
    let denominator = 0;
    let recurrenceFlagBits = 0;
    for (let j = 0; j < length; j++) {
      const nextMax = Math.max(runningMax, x[j]);
      const rescaleExponent = round(runningMax - nextMax);
      const rescale = round(Math.exp(rescaleExponent));
      const rescaled = round(denominator * rescale);
      const termExponent = round(x[j] - nextMax);
      const term = round(Math.exp(termExponent));
      const next = round(rescaled + term);
      recurrenceFlagBits |=
        addFlags(runningMax, nextMax, rescaleExponent, minNormal) |
        expFlags(rescaleExponent, rescale, minNormal) |
        mulFlags(denominator, rescale, rescaled, minNormal) |
        addFlags(x[j], nextMax, termExponent, minNormal) |
        expFlags(termExponent, term, minNormal) |
        addFlags(rescaled, term, next, minNormal);
      denominator = next;
      runningMax = nextMax;
    }
    const shifted = this.shifted;
    const shiftedExp = this.shiftedExp;
    const logDenominator = round(Math.log(denominator));
    const logFlagBits = logFlags(denominator, logDenominator, minNormal);
    const softmax = this.outputs[R.softmaxOnline];
    const logSoftmax = this.outputs[R.logSoftmaxOnline];
    let divFlagBits = 0;
    let subOutFlagBits = 0;
    for (let i = 0; i < length; i++) {
      const p = round(shiftedExp[i] / denominator);
      divFlagBits |= divFlags(shiftedExp[i], denominator, p, minNormal);
      softmax[i] = p;
      const lp = round(shifted[i] - logDenominator);
      subOutFlagBits |= addFlags(shifted[i], logDenominator, lp, minNormal);
      logSoftmax[i] = lp;
    }
    const lse = round(runningMax + logDenominator);
    this.outputs[R.logsumexpOnline][0] = lse;
    this.flags[R.softmaxOnline] = recurrenceFlagBits | subFlagBits | expFlagBits | divFlagBits;
    this.flags[R.logSoftmaxOnline] = recurrenceFlagBits | subFlagBits | logFlagBits | subOutFlagBits;
    this.flags[R.logsumexpOnline] = recurrenceFlagBits | logFlagBits | addFlags(runningMax, logDenominator, lse, minNormal);
  }

  private ensureCapacity(length: number): void {
    if (length <= this.capacity) return;
    this.capacity = length;
    this.shifted = new Float64Array(length);
    this.shiftedExp = new Float64Array(length);
    for (let id = 0; id < R.logsumexpNaive; id++) this.outputs[id] = new Float64Array(length);
  }
}
