/**
 * log-sum-exp when m + log(s) cancels: m < 0 and log(s) close to -m, so LSE is near 0 (rows of
 * log-probabilities are the common case: there LSE is a rounding error, 2^-24 or 2^-53 of the
 * terms). Double-double gives log(s) to about 2^-104 in absolute terms, which is only
 * 2^-104 L / |LSE| relative to LSE: not enough once L / |LSE| is more than a few.
 *
 * Method: recompute s and log(s) in BigInt fixed point (big-fixed.ts) with P fractional bits of
 * absolute accuracy, P = 106 + 8 - log2 |LSE| (from the double-double estimate), and more if the
 * result shows that the estimate was too large: the working precision grows with the
 * cancellation, with no upper bound other than MAX_PRECISION (past which the value is far below
 * float64's least subnormal). Terms small enough that their double-double value (relative error
 * 2^-104) is good to 2^-(P+2) in sum are added in double-double (CascadedSum) rather than
 * recomputed, so rows of many small probabilities stay cheap.
 *
 * Accuracy: relative error below 2^-105 when |LSE| > 2^-1000; below 2^-1074 absolute otherwise.
 *
 * Inputs are the state of ReferenceRow after its first pass: d_j = x_j - m as double-doubles,
 * d_j = -Infinity for masked entries; t_j = exp(d_j) as scaled double-doubles.
 */

import { DD } from './double-double.js';
import { CascadedSum } from './compensated-sum.js';
import { bitLength, fixedExpTable, fixedToDD, logFixed, toFixed } from './big-fixed.js';
import { ldexp } from './pow2.js';

/** Absolute precision (bits) beyond which the result is below anything a float64 can hold. */
const MAX_PRECISION = 1400;

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
 * LSE = m + log(sum_j exp(d_j)) into out, given an estimate of |LSE| (a power of two at or
 * above the true magnitude is fine; too large only costs a second round).
 */
export function preciseLogSumExp(out: DD, row: PreciseLseInput, magnitudeEstimate: number): void {
  const { m, argmax, length, dHi, dLo, tHi, tLo, tExp2 } = row;
  const logTerms = Math.ceil(Math.log2(length + 1));
  const estimateLog2 = magnitudeEstimate > 0 ? Math.floor(Math.log2(magnitudeEstimate)) : -60;
  let precision = 106 + 4 - estimateLog2;
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
        small.add(ldexp(tHi[j], exponent), ldexp(tLo[j], exponent));
      } else {
        sum += exp.exp(toFixed(dHi[j], work) + toFixed(dLo[j], work));
      }
    }
    sum += toFixed(small.s1, work) + toFixed(small.s2, work) + toFixed(small.s3, work);
    const lse = toFixed(m, work) + logFixed(sum, work);
    // Error below 2^-precision; accept when that is 2^-106 of |LSE| or less.
    const lseLog2 = bitLength(lse) - 1 - work;
    if (lseLog2 >= 106 - precision || precision >= MAX_PRECISION) {
      fixedToDD(out, lse, work);
      return;
    }
    precision = Math.min(MAX_PRECISION, Math.max(2 * precision, 106 + 4 - lseLog2));
  }
}

function roundUp(bits: number): number {
  return Math.ceil(bits / 32) * 32;
}
