import { float32MagnitudeBits } from './bits.js';
import { orderedDistance } from './float32.js';
import type { Format } from './format.js';
import { roundToPrecision } from './precision-rounding.js';

const TWO_POW_24 = 16777216;
const FLOAT16_INFINITY_BITS = 0x7c00;
const SPLITTER = 4398046511105; // 2^(53-11) + 1

/** IEEE binary16 (half precision). */
export class Float16Format implements Format {
  readonly dtype = 'float16' as const;
  readonly alias = 'f16';
  readonly precision = 11;
  readonly minExponent = -14;
  readonly maxExponent = 15;
  readonly maxFinite = 65504;
  readonly minNormal = 6.103515625e-5;
  readonly minSubnormal = 5.9604644775390625e-8;
  readonly unitRoundoff = 2 ** -11;
  readonly splitter = SPLITTER;
  readonly expThresholds = {
    overflow: '11.090110718526951036',
    subnormal: '-9.7045489283373432063',
    zero: '-17.328679513998632735',
  };

  round(x: number): number {
    return roundToPrecision(x, SPLITTER, 6.103515625e-5, 65504, 5.9604644775390625e-8);
  }

  ulpDistance(a: number, b: number): number {
    return orderedDistance(float16Ordinal(a), a, float16Ordinal(b), b);
  }
}

/** The bit pattern of |x| as a float16, from its float32 pattern (every float16 is a float32). */
function float16Ordinal(x: number): number {
  const magnitude = Math.abs(x);
  if (magnitude < 6.103515625e-5) return magnitude * TWO_POW_24; // subnormal: a multiple of 2^-24
  if (magnitude === Infinity) return FLOAT16_INFINITY_BITS;
  const bits = float32MagnitudeBits(magnitude);
  // float32 exponent bias 127, float16 bias 15: the biased exponent drops by 112.
  return (((bits >>> 23) - 112) << 10) | ((bits >>> 13) & 0x3ff);
}
