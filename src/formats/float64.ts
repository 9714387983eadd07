import type { Format } from './format.js';
import { ulpDistanceIn } from './ulp-distance.js';

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
    return ulpDistanceIn(a, b, this.precision, this.minExponent, this.maxExponent, this.minNormal, this.minSubnormal);
  }
}
