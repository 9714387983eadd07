// An independent, exact rounding of float64 values to a binary format, in BigInt integer
// arithmetic: the float64 is decomposed into sign * integer * 2^exponent from its bits, and
// rounded to the format's quantum at that magnitude with round-half-even. Shares nothing with
// src/formats (which rounds with float64 arithmetic tricks).

export interface FormatParams {
  precision: number;
  minExponent: number;
  maxExponent: number;
}

const view = new DataView(new ArrayBuffer(8));

export function float64Bits(x: number): bigint {
  view.setFloat64(0, x);
  return view.getBigUint64(0);
}

export function float64FromBits(bits: bigint): number {
  view.setBigUint64(0, bits);
  return view.getFloat64(0);
}

/** x = sign * integer * 2^exponent exactly (x finite). */
function decompose(x: number): { negative: boolean; integer: bigint; exponent: number } {
  const bits = float64Bits(x);
  const negative = bits >> 63n === 1n;
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  if (biased === 0) return { negative, integer: fraction, exponent: -1074 };
  return { negative, integer: fraction | (1n << 52n), exponent: biased - 1075 };
}

/** The value of `integer * 2^exponent` as a float64 (exact when representable). */
function compose(negative: boolean, integer: bigint, exponent: number): number {
  const magnitude = Number(integer) * 2 ** exponent; // integer < 2^54 here: Number() is exact
  return negative ? -magnitude : magnitude;
}

export function exactRound(params: FormatParams, x: number): number {
  if (Number.isNaN(x) || !Number.isFinite(x) || x === 0) return x;
  const { negative, integer, exponent } = decompose(x);
  return roundInteger(params, negative, integer, exponent);
}

/**
 * The exact sum hi + lo of two finite float64 values, rounded once to the format (a double-double
 * rounded as one number). An exact zero sum is +0, or -0 when both are -0.
 */
export function exactRoundSum(params: FormatParams, hi: number, lo: number): number {
  if (!Number.isFinite(hi) || !Number.isFinite(lo)) throw new Error(`exactRoundSum: ${hi} + ${lo} is not finite`);
  if (lo === 0) return exactRound(params, hi);
  if (hi === 0) return exactRound(params, lo);
  const a = decompose(hi);
  const b = decompose(lo);
  const exponent = Math.min(a.exponent, b.exponent);
  const signed = (part: typeof a) => (part.negative ? -1n : 1n) * (part.integer << BigInt(part.exponent - exponent));
  const sum = signed(a) + signed(b);
  if (sum === 0n) return 0;
  return roundInteger(params, sum < 0n, sum < 0n ? -sum : sum, exponent);
}

/** sign * integer * 2^exponent (integer > 0) rounded to the format, half to even. */
function roundInteger(params: FormatParams, negative: boolean, integer: bigint, exponent: number): number {
  const bitLength = integer.toString(2).length;
  const topExponent = exponent + bitLength - 1; // the value in [2^topExponent, 2^(topExponent+1))
  // The quantum (ulp) of the format at this magnitude, never finer than the subnormal quantum.
  const quantumExponent = Math.max(topExponent, params.minExponent) - (params.precision - 1);
  let units: bigint;
  if (quantumExponent <= exponent) {
    units = integer << BigInt(exponent - quantumExponent);
  } else {
    const shift = BigInt(quantumExponent - exponent);
    const floor = integer >> shift;
    const remainder = integer - (floor << shift);
    const half = 1n << (shift - 1n);
    units = remainder > half || (remainder === half && (floor & 1n) === 1n) ? floor + 1n : floor;
  }
  const result = compose(negative, units, quantumExponent);
  const maxFinite = (2 - 2 ** (1 - params.precision)) * 2 ** params.maxExponent;
  if (Math.abs(result) > maxFinite) return negative ? -Infinity : Infinity;
  return result;
}

/** Every finite non-negative value of a 16-bit format, in order (index = ordinal). */
export function allNonNegativeValues(params: FormatParams, exponentBits: number): number[] {
  const fractionBits = params.precision - 1;
  const values: number[] = [];
  const maxBiased = (1 << exponentBits) - 1;
  const bias = (1 << (exponentBits - 1)) - 1;
  for (let biased = 0; biased < maxBiased; biased++) {
    for (let fraction = 0; fraction < 1 << fractionBits; fraction++) {
      values.push(
        biased === 0
          ? fraction * 2 ** (1 - bias - fractionBits)
          : (1 + fraction / (1 << fractionBits)) * 2 ** (biased - bias),
      );
    }
  }
  return values;
}

/** The next float64 above x (x finite, not the largest). */
export function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  const bits = float64Bits(x);
  return float64FromBits(x > 0 ? bits + 1n : bits - 1n);
}

export function nextDown(x: number): number {
  return -nextUp(-x);
}
