import { float64HighMagnitude, float64LowWordOfLast } from './bits.js';
import type { Format } from './format.js';

const TWO_POW_32 = 4294967296;

/** IEEE binary64: the host format, so rounding is the identity. */
export class Float64Format implements Format {
  readonly dtype = 'float64' as const;
  readonly alias = 'f64';
  readonly precision = 53;
  readonly minExponent = -1022;
  readonly maxExponent = 1023;
  readonly maxFinite = Number.MAX_VALUE;
  readonly minNormal = 2.2250738585072014e-308;
  readonly minSubnormal = Number.MIN_VALUE;
  readonly unitRoundoff = 2 ** -53;
  readonly splitter = 2;
  readonly expThresholds = {
    overflow: '709.78271289338399679',
    subnormal: '-708.39641853226410634',
    zero: '-745.13321910194120762',
  };

  round(x: number): number {
    return x;
  }

  ulpDistance(a: number, b: number): number {
    // The magnitude's bit pattern is its ordinal among non-negative doubles. It can exceed 2^53,
    // so subtract word by word: the difference of two close ordinals stays exact.
    const highA = float64HighMagnitude(a);
    const lowA = float64LowWordOfLast();
    const highB = float64HighMagnitude(b);
    const lowB = float64LowWordOfLast();
    if (a < 0 === b < 0 || a === 0 || b === 0) {
      return Math.abs((highA - highB) * TWO_POW_32 + (lowA - lowB));
    }
    return highA * TWO_POW_32 + lowA + (highB * TWO_POW_32 + lowB);
  }
}
