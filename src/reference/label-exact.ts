import { DD, twoSum } from './double-double.js';
import type { ReferenceRow } from './reference-row.js';

/** A value (hi + lo) * 2^exp2, as the reference gives them. */
export interface ScaledValue {
  hi: number;
  lo: number;
  exp2: number;
}

/**
 * The exact cross-entropy at the label y (SPEC section 9), LSE(x) - x_y = -logSoftmax_y, from a
 * reference computed on an ordinary row: +Infinity when x_y is -Infinity.
 */
export function crossEntropyExact(reference: ReferenceRow, y: number, out: ScaledValue): void {
  out.hi = -reference.logSoftmaxHi[y];
  out.lo = -reference.logSoftmaxLo[y];
  out.exp2 = reference.logSoftmaxExp2[y];
}

const holder = new DD();

/**
 * The exact gradient of the cross-entropy, softmax_i - [i = y], into hi, lo and exp2 (length
 * elements), from a reference computed on an ordinary row. At y = argmax, softmax_y - 1 is minus
 * the mass outside the maximum, which the reference keeps apart (the difference from 1 would
 * cancel); elsewhere softmax_y <= 1/2 and softmax_y - 1 lies in [-1, -1/2]: no cancellation.
 */
export function gradientExact(reference: ReferenceRow, y: number, length: number, hi: Float64Array, lo: Float64Array, exp2: Int32Array): void {
  hi.set(reference.softmaxHi.subarray(0, length));
  lo.set(reference.softmaxLo.subarray(0, length));
  exp2.set(reference.softmaxExp2.subarray(0, length));
  if (y === reference.argmax) {
    hi[y] = -reference.outsideHi;
    lo[y] = -reference.outsideLo;
    exp2[y] = reference.outsideExp2;
    return;
  }
  // A softmax_y held scaled (below 2^-960) changes -1 by less than 2^-960: left out.
  const valueHi = exp2[y] === 0 ? hi[y] : 0;
  const valueLo = exp2[y] === 0 ? lo[y] : 0;
  twoSum(holder, valueHi, -1);
  twoSum(holder, holder.hi, holder.lo + valueLo);
  hi[y] = holder.hi;
  lo[y] = holder.lo;
  exp2[y] = 0;
}
