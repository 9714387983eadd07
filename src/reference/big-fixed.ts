/**
 * Arbitrary-precision fixed-point arithmetic on BigInt: a real x is held as the integer
 * trunc(x * 2^w), for a number of fractional bits w chosen by the caller.
 *
 * Used by the oracle for what double-double cannot do: (1) to build its constants (ln 2 in pieces,
 * the table of 2^(j/512), the Taylor coefficients) at module load, so that no constant is typed
 * in by hand; (2) to recompute log-sum-exp when m + log(s) cancels (m < 0, LSE near 0), where
 * the working precision must grow with the cancellation; (3) to reduce exp arguments beyond
 * 2^18 in magnitude.
 *
 * Methods:
 * - ln 2 = 2 atanh(1/3) = 2 sum_n 3^-(2n+1)/(2n+1), summed with guard bits, cached per precision.
 * - exp(d): d = n ln 2 + r with |r| <= ln(2)/2 (plus rounding), exp(r) = exp(r/2^q)^(2^q) with
 *   the Taylor series of exp(r/2^q) and q squarings (Brent's argument halving; the squarings
 *   amplify the relative error by 2^q, paid for by q extra guard bits), then a shift by n.
 * - log(S): S = 2^e f with f in [1/sqrt 2, sqrt 2], log f = 2 atanh((f-1)/(f+1)) by its series
 *   (the fraction is at most 0.172, so each term gains 5 bits).
 * - FixedExpTable: exp at one precision for many arguments, table-driven (see its comment).
 * References: R. P. Brent, "Fast multiple-precision evaluation of elementary functions",
 * J. ACM 23(2), 1976; J.-M. Muller, Elementary Functions (3rd ed., 2016), chapters 6 and 11.
 *
 * Accuracy: every result has an absolute error of a few units of 2^-w (about 2^-w times the
 * number of series terms, at most a few hundred), for exp arguments below 2^31 in magnitude.
 *
 * Special cases: toFixed truncates toward zero (so exact for values with no bits below 2^-w) and
 * needs a finite x; fixedToDouble returns 0 below half the least subnormal; expFixed returns 0
 * when the result is below 2^-w; logFixed needs S > 0.
 */

import { DD, fastTwoSum } from './double-double.js';
import { ldexp, pow2 } from './pow2.js';

const bitsView = new Float64Array(1);
const bitsAsInteger = new BigUint64Array(bitsView.buffer);

/** trunc(x * 2^w) as a bigint, for a finite float64 x and an integer w >= 0. */
export function toFixed(x: number, w: number): bigint {
  if (x === 0) return 0n;
  bitsView[0] = x;
  const bits = bitsAsInteger[0];
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & 0xfffffffffffffn;
  const mantissa = biased === 0 ? fraction : fraction | 0x10000000000000n;
  const shift = (biased === 0 ? -1074 : biased - 1075) + w;
  const magnitude = shift >= 0 ? mantissa << BigInt(shift) : mantissa >> BigInt(-shift);
  return x < 0 ? -magnitude : magnitude;
}

/** Number of bits of |v| (0 for 0). */
export function bitLength(v: bigint): number {
  if (v < 0n) v = -v;
  if (v === 0n) return 0;
  const hex = v.toString(16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(parseInt(hex[0], 16)));
}

/** v * 2^-w rounded to the nearest float64 (one rounding, up to subnormal results). */
export function fixedToDouble(v: bigint, w: number): number {
  if (v === 0n) return 0;
  const negative = v < 0n;
  const magnitude = negative ? -v : v;
  const length = bitLength(magnitude);
  let top = magnitude;
  let shift = 0;
  if (length > 64) {
    // Keep 64 bits and fold the discarded ones into a sticky bit, so that the conversion to a
    // float64 (53 bits, round to nearest) rounds as the full value would.
    shift = length - 64;
    top = magnitude >> BigInt(shift);
    if ((top << BigInt(shift)) !== magnitude) top |= 1n;
  }
  const result = ldexp(Number(top), shift - w);
  return negative ? -result : result;
}

/** v * 2^-w as a double-double: hi is v rounded to float64, lo the rest rounded. */
export function fixedToDD(out: DD, v: bigint, w: number): void {
  const hi = fixedToDouble(v, w);
  const lo = Number.isFinite(hi) ? fixedToDouble(v - toFixed(hi, w), w) : 0;
  fastTwoSum(out, hi, lo);
}

/** An approximation of v * 2^-w as a float64, for choosing reductions (not exact). */
export function approximate(v: bigint, w: number): number {
  const drop = w > 60 ? w - 60 : 0;
  return Number(v >> BigInt(drop)) * pow2(drop - w);
}

const ln2Cache = new Map<number, bigint>();

/** ln 2 to w fractional bits (error below 2^-w), cached. */
export function ln2Fixed(w: number): bigint {
  const cached = ln2Cache.get(w);
  if (cached !== undefined) return cached;
  const guard = 16;
  const one = 1n << BigInt(w + guard);
  // 2 atanh(1/3) = sum_n 2 / ((2n+1) 3^(2n+1))
  let power = one / 3n;
  let sum = 0n;
  for (let n = 0n; power !== 0n; n++) {
    sum += power / (2n * n + 1n);
    power /= 9n;
  }
  const value = (2n * sum) >> BigInt(guard);
  ln2Cache.set(w, value);
  return value;
}

/** Halvings before the Taylor series of exp (q in the doc comment). */
const EXP_HALVINGS = 12;

/** exp(d * 2^-w) * 2^w, truncated; d any bigint with |d * 2^-w| < 2^31. */
export function expFixed(d: bigint, w: number): bigint {
  if (d === 0n) return 1n << BigInt(w);
  const n = Math.round(approximate(d, w) / Math.LN2);
  // n ln 2 must be exact to 2^-(w + 24) in absolute terms: guard bits for |n| too.
  const guard = EXP_HALVINGS + 24 + (32 - Math.clz32(Math.abs(n)));
  const work = w + guard;
  const ln2 = ln2Fixed(work);
  const reduced = (d << BigInt(guard)) - BigInt(n) * ln2;
  // The integer `reduced` at precision work + EXP_HALVINGS is reduced / 2^EXP_HALVINGS.
  const fine = work + EXP_HALVINGS;
  const fineBits = BigInt(fine);
  const one = 1n << fineBits;
  let sum = one;
  let term = one;
  for (let i = 1n; ; i++) {
    term = ((term * reduced) >> fineBits) / i;
    if (term === 0n) break;
    sum += term;
  }
  for (let i = 0; i < EXP_HALVINGS; i++) sum = (sum * sum) >> fineBits;
  const shift = fine - w - n;
  return shift >= 0 ? sum >> BigInt(shift) : sum << BigInt(-shift);
}

/** log(S * 2^-w) * 2^w, truncated, for S > 0. */
export function logFixed(S: bigint, w: number): bigint {
  if (S <= 0n) throw new RangeError('logFixed needs a positive argument');
  const guard = 24;
  const work = w + guard;
  const workBits = BigInt(work);
  const value = S << BigInt(guard);
  const length = bitLength(value);
  // value = 2^(work + e) * f, f in [1, 2); move f into [1/sqrt 2, sqrt 2].
  let e = length - 1 - work;
  const leading = Number(value >> BigInt(length - 53)) * pow2(-52);
  if (leading > Math.SQRT2) e += 1;
  // value >= 1 as an integer, so work + e >= 0.
  const unit = 1n << BigInt(work + e);
  const z = ((value - unit) << workBits) / (value + unit);
  // Sum the series on |z| (a right shift floors, so a negative power would never reach 0).
  const zMagnitude = z < 0n ? -z : z;
  const zSquared = (zMagnitude * zMagnitude) >> workBits;
  let series = zMagnitude;
  let power = zMagnitude;
  for (let n = 1n; ; n++) {
    power = (power * zSquared) >> workBits;
    if (power === 0n) break;
    series += power / (2n * n + 1n);
  }
  const sum = z < 0n ? -series : series;
  const log = BigInt(e) * ln2Fixed(work) + 2n * sum;
  return log >> BigInt(guard);
}

/** Guard bits of FixedExpTable beyond its output precision. */
const TABLE_GUARD = 32;
const TABLE_BITS = 9;
const TABLE_SIZE = 1 << TABLE_BITS;
/** Two tables of 512 entries: k = round(d 2^18 / ln 2) = 2^18 e + 2^9 j1 + j2. */
const REDUCTION_BITS = 2 * TABLE_BITS;
const REDUCTION_SIZE = 1 << REDUCTION_BITS;

/**
 * exp on BigInt fixed point at one output precision, for many calls at that precision (the
 * precise log-sum-exp). Method: d = k (ln 2)/2^18 + r with |r| <= (ln 2)/2^19 < 2^-19.5, and
 * exp(d) = 2^e 2^(j1/512) 2^(j2/2^18) exp(r) with k = 2^18 e + 2^9 j1 + j2 (two tables of 512
 * entries, Tang's method with a two-level table), exp(r) by Horner's rule on the Taylor
 * coefficients 1/i!. Everything at bits + 32 bits: no divisions and no squarings, several
 * times faster than expFixed. Each table is built by repeated multiplication by its step
 * (itself from expFixed): 511 roundings cost 9 of the 32 guard bits.
 * Error: a few units of 2^-bits, for arguments below 2^31 in magnitude.
 */
export class FixedExpTable {
  readonly bits: number;
  private readonly workBits: bigint;
  private readonly ln2OverSize: bigint;
  private readonly coarse: bigint[];
  private readonly fine: bigint[];
  private readonly coefficients: bigint[] = [];

  constructor(bits: number) {
    this.bits = bits;
    const work = bits + TABLE_GUARD;
    this.workBits = BigInt(work);
    this.ln2OverSize = ln2Fixed(work - REDUCTION_BITS);
    this.coarse = this.powers(ln2Fixed(work - TABLE_BITS), work);
    this.fine = this.powers(this.ln2OverSize, work);
    // Taylor terms up to degree n, with |r|^(n+1)/(n+1)! below 2^-(work + 2) for |r| <= 2^-19.4.
    const one = 1n << this.workBits;
    let coefficient = one;
    let logTerm = 0;
    for (let i = 1; logTerm > -(work + 2); i++) {
      this.coefficients.push(coefficient);
      coefficient /= BigInt(i);
      logTerm -= 19.4 + Math.log2(i);
    }
  }

  /** exp(j * step) for j = 0..511, at `work` bits. */
  private powers(step: bigint, work: number): bigint[] {
    const factor = expFixed(step, work);
    const result: bigint[] = [];
    let entry = 1n << BigInt(work);
    for (let j = 0; j < TABLE_SIZE; j++) {
      result.push(entry);
      entry = (entry * factor) >> BigInt(work);
    }
    return result;
  }

  /** exp(d * 2^-bits) * 2^bits, truncated. */
  exp(d: bigint): bigint {
    if (d === 0n) return 1n << BigInt(this.bits);
    const workBits = this.workBits;
    const k = Math.round(approximate(d, this.bits) * (REDUCTION_SIZE / Math.LN2));
    const r = (d << BigInt(TABLE_GUARD)) - BigInt(k) * this.ln2OverSize;
    const coefficients = this.coefficients;
    let p = coefficients[coefficients.length - 1];
    for (let i = coefficients.length - 2; i >= 0; i--) p = ((p * r) >> workBits) + coefficients[i];
    const exponent = Math.floor(k / REDUCTION_SIZE);
    const rest = k - exponent * REDUCTION_SIZE;
    const coarseIndex = Math.floor(rest / TABLE_SIZE);
    const fineIndex = rest - coarseIndex * TABLE_SIZE;
    const value = (((this.coarse[coarseIndex] * this.fine[fineIndex]) >> workBits) * p) >> workBits;
    const shift = TABLE_GUARD - exponent;
    return shift >= 0 ? value >> BigInt(shift) : value << BigInt(-shift);
  }
}

const expTableCache = new Map<number, FixedExpTable>();

/** The FixedExpTable for `bits`, built once. */
export function fixedExpTable(bits: number): FixedExpTable {
  let table = expTableCache.get(bits);
  if (table === undefined) {
    table = new FixedExpTable(bits);
    expTableCache.set(bits, table);
  }
  return table;
}
