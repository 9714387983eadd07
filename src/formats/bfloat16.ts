import { float32MagnitudeBits } from './bits.js';
import { orderedDistance } from './float32.js';
import type { Format } from './format.js';

// Written by hand: no maintained npm package rounds float64 to bfloat16 directly (they go
// through float32, which double-rounds ties), and this sits on the hot path of every operation.
const MIN_NORMAL = 1.1754943508222875e-38; // 2^-126
const MAX_FINITE = 3.3895313892515355e38; // (2 - 2^-7) * 2^127
const SUBNORMAL_QUANTUM = 9.183549615799121e-41; // 2^-133
const ROUND_TO_INTEGER = 4503599627370496; // 2^52: (n + 2^52) - 2^52 rounds n < 2^52 half-even
// Veltkamp's splitting constant 2^(53-8) + 1: temp - (temp - x) keeps the top 8 bits of x,
// rounded to nearest even (Dekker 1971; Boldo 2006 proves the tie case), with no exponent range
// to worry about below 2^978.
const SPLITTER = 35184372088833; // 2^45 + 1

/** bfloat16 (brain float): float32's exponent range with an 8-bit significand. */
export class Bfloat16Format implements Format {
  readonly dtype = 'bfloat16' as const;
  readonly alias = 'bf16';
  readonly precision = 8;
  readonly minExponent = -126;
  readonly maxExponent = 127;
  readonly maxFinite = MAX_FINITE;
  readonly minNormal = MIN_NORMAL;
  readonly minSubnormal = SUBNORMAL_QUANTUM;
  readonly unitRoundoff = 2 ** -8;
  readonly expThresholds = {
    overflow: '88.720884076837196255',
    subnormal: '-87.340458649874245316',
    zero: '-92.881722195032671462',
  };

  round(x: number): number {
    return roundToBfloat16(x);
  }

  ulpDistance(a: number, b: number): number {
    // Every bfloat16 is a float32 whose low 16 bits are zero.
    return orderedDistance(float32MagnitudeBits(a) >>> 16, a, float32MagnitudeBits(b) >>> 16, b);
  }
}

export function roundToBfloat16(x: number): number {
  const magnitude = Math.abs(x);
  if (magnitude < MIN_NORMAL) {
    if (magnitude === 0) return x; // keeps the sign of zero
    const rounded = (magnitude / SUBNORMAL_QUANTUM + ROUND_TO_INTEGER - ROUND_TO_INTEGER) * SUBNORMAL_QUANTUM;
    return x < 0 ? -rounded : rounded;
  }
  const temp = SPLITTER * magnitude;
  const rounded = temp - (temp - magnitude);
  // NaN input stays NaN; a product that overflowed (x > 2^978) gives NaN here, which is overflow.
  if (rounded > MAX_FINITE || rounded !== rounded) {
    if (x !== x) return x;
    return x < 0 ? -Infinity : Infinity;
  }
  return x < 0 ? -rounded : rounded;
}
