/**
 * log-sum-exp when m + log(s) cancels: m < 0 and log(s) close to -m, so LSE is near 0 (rows of
 * log-probabilities are the common case: there LSE is a rounding error, 2^-24 or 2^-53 of the
 * terms). Double-double gives log(s) to about 2^-104 in absolute terms, which is only
 * 2^-104 L / |LSE| relative to LSE: not enough once L / |LSE| is more than a few.
 *
 * Method: recompute s and log(s) in BigInt fixed point (big-fixed.ts) with P fractional bits of
 * absolute accuracy, P = 110 - log2 |LSE| (from the double-double estimate), and more if the
 * result shows that the estimate was too large: the working precision grows with the
 * cancellation, up to MAX_PRECISION. Terms small enough that their double-double value
 * (relative error 2^-104) is good to 2^-(P+2) in sum are added in double-double (CascadedSum),
 * scaled by 2^P so that none of them, nor the sum's low words, becomes subnormal, rather than
 * recomputed: rows of many small probabilities stay cheap.
 *
 * The result has the oracle's binary exponent: (hi + lo) * 2^exp2 with exp2 = 0 when
 * |LSE| >= 2^-960, else hi in [1, 2), so that a cancellation that leaves LSE below float64's
 * range (m itself tiny) keeps its relative accuracy.
 *
 * Accuracy: relative error below 2^-105 when |LSE| > 2^-(MAX_PRECISION - 106); below that (a
 * cancellation of more than 1200 bits after |m| >= 2^-1074, which rows of float64 logits do not
 * reach in practice) absolute error below 2^-MAX_PRECISION.
 *
 * Inputs are the state of ReferenceRow after its first pass: d_j = x_j - m as double-doubles,
 * d_j = -Infinity for masked entries; t_j = exp(d_j) as scaled double-doubles.
 */

import { CascadedSum } from './compensated-sum.js';
import type { ScaledDD } from './exp-dd.js';
import { bitLength, fixedExpTable, fixedToDD, logFixed, toFixed } from './big-fixed.js';
import { ldexp } from './pow2.js';

/** Largest absolute precision (bits): relative 2^-105 down to |LSE| = 2^-2300. */
const MAX_PRECISION = 2406;

/** Results at or above 2^FOLD_LOG2 in magnitude have exp2 = 0. */
const FOLD_LOG2 = -960;

const small = new CascadedSum();

export interface PreciseLseInput {
  m: number;
  argmax: number;
  length: number;
  dHi: Float64Array;
  dLo: Float64Array;
  tHi: Float64Array;
  tLo: Float64Array;
  tExp2: Int32Array;
}

/**
 * LSE = m + log(sum_j exp(d_j)) = (out.hi + out.lo) * 2^out.exp2, given an estimate of
 * log2 |LSE|: one below the true magnitude only costs more bits than needed; one above it costs
 * a second round at the precision the first round's result asks for.
 */
export function preciseLogSumExp(out: ScaledDD, row: PreciseLseInput, magnitudeLog2: number): void {
  const { m, argmax, length, dHi, dLo, tHi, tLo, tExp2 } = row;
  const logTerms = Math.ceil(Math.log2(length + 1));
  const estimateLog2 = Number.isFinite(magnitudeLog2) ? Math.floor(magnitudeLog2) : -60;
  let precision = Math.min(MAX_PRECISION, 106 + 4 - estimateLog2);
  for (;;) {
    // Rounded up to a multiple of 32 so that few exp tables are ever built.
    const work = roundUp(precision + logTerms + 8);
    const exp = fixedExpTable(work);
    const smallExponentLimit = 101 - precision - logTerms;
    let sum = 1n << BigInt(work); // exp(x_argmax - m) = 1
    small.reset();
    for (let j = 0; j < length; j++) {
      if (j === argmax || dHi[j] === -Infinity) continue;
      const exponent = tExp2[j];
      if (exponent <= smallExponentLimit) {
        // Scaled by 2^precision: at most 2^(102 - logTerms), and what underflows is below
        // 2^-(1074 + precision).
        small.add(ldexp(tHi[j], exponent + precision), ldexp(tLo[j], exponent + precision));
      } else {
        sum += exp.exp(toFixed(dHi[j], work) + toFixed(dLo[j], work));
      }
    }
    const smallWork = work - precision;
    sum += toFixed(small.s1, smallWork) + toFixed(small.s2, smallWork) + toFixed(small.s3, smallWork);
    const lse = toFixed(m, work) + logFixed(sum, work);
    // Error below 2^-precision; accept when that is 2^-106 of |LSE| or less.
    const lseLog2 = bitLength(lse) - 1 - work;
    if (lseLog2 >= 106 - precision || precision >= MAX_PRECISION) {
      if (lse === 0n || lseLog2 >= FOLD_LOG2) {
        fixedToDD(out, lse, work);
        out.exp2 = 0;
      } else {
        // |LSE| = (hi + lo) * 2^lseLog2 with hi + lo in [1, 2).
        fixedToDD(out, lse, work + lseLog2);
        out.exp2 = lseLog2;
      }
      return;
    }
    precision = Math.min(MAX_PRECISION, Math.max(2 * precision, 106 + 4 - lseLog2));
  }
}

function roundUp(bits: number): number {
  return Math.ceil(bits / 32) * 32;
}
