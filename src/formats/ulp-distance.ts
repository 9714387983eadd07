import { float64HighMagnitude, float64LowWordOfLast } from './bits.js';

const TWO_POW_32 = 4294967296;

/**
 * Steps between a and b on the ordered line of a binary format (both values of the format, not
 * NaN). +0 and -0 are one point; +-Infinity is one step past +-maxFinite. One function for every
 * format (from its constants), so the metrics' call site is monomorphic and V8 inlines it.
 */
export function ulpDistanceIn(a: number, b: number, precision: number, minExponent: number, maxExponent: number, minNormal: number, minSubnormal: number): number {
  if (precision === 53) return float64UlpDistance(a, b);
  const ordinalA = ordinalOf(a, precision, minExponent, maxExponent, minNormal, minSubnormal);
  const ordinalB = ordinalOf(b, precision, minExponent, maxExponent, minNormal, minSubnormal);
  return a < 0 === b < 0 || a === 0 || b === 0 ? Math.abs(ordinalA - ordinalB) : ordinalA + ordinalB;
}

/**
 * The index of |x| among the non-negative values of a format of precision <= 32 (its bit
 * pattern, for the IEEE formats): binade * 2^(p-1) + the top p-1 fraction bits, read from the
 * float64's bits. Below 2^32, so exact as a double.
 */
function ordinalOf(x: number, precision: number, minExponent: number, maxExponent: number, minNormal: number, minSubnormal: number): number {
  const magnitude = Math.abs(x);
  const step = 1 << (precision - 1);
  if (magnitude === Infinity) return (maxExponent - minExponent + 2) * step;
  if (magnitude < minNormal) return magnitude / minSubnormal; // a whole number of subnormal steps
  const high = float64HighMagnitude(magnitude);
  const binade = (high >>> 20) - 1023 - minExponent + 1;
  const fractionBits = precision - 1;
  const fraction =
    fractionBits <= 20
      ? (high & 0xfffff) >>> (20 - fractionBits)
      : ((high & 0xfffff) * (1 << (fractionBits - 20)) + (float64LowWordOfLast() >>> (52 - fractionBits)));
  return binade * step + fraction;
}

/** float64: the magnitude's bit pattern is its ordinal; subtracted word by word, so close values stay exact past 2^53. */
function float64UlpDistance(a: number, b: number): number {
  const highA = float64HighMagnitude(a);
  const lowA = float64LowWordOfLast();
  const highB = float64HighMagnitude(b);
  const lowB = float64LowWordOfLast();
  if (a < 0 === b < 0 || a === 0 || b === 0) {
    return Math.abs((highA - highB) * TWO_POW_32 + (lowA - lowB));
  }
  return highA * TWO_POW_32 + lowA + (highB * TWO_POW_32 + lowB);
}
