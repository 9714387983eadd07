import type { Format } from './format.js';
import { ulpDistanceIn } from './ulp-distance.js';
import { roundToPrecision } from './precision-rounding.js';

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
    return ulpDistanceIn(a, b, this.precision, this.minExponent, this.maxExponent, this.minNormal, this.minSubnormal);
  }
}
