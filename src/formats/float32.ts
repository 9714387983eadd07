import type { Format } from './format.js';
import { ulpDistanceIn } from './ulp-distance.js';

/** IEEE binary32. Math.fround is correctly rounded from float64 (ECMAScript spec, roundTiesToEven). */
export class Float32Format implements Format {
  readonly dtype = 'float32' as const;
  readonly alias = 'f32';
  readonly precision = 24;
  readonly minExponent = -126;
  readonly maxExponent = 127;
  readonly maxFinite = 3.4028234663852886e38;
  readonly minNormal = 1.1754943508222875e-38;
  readonly minSubnormal = 1.401298464324817e-45;
  readonly unitRoundoff = 2 ** -24;
  readonly splitter = 536870913; // 2^29 + 1
  readonly expThresholds = {
    overflow: '88.722839081870676774',
    subnormal: '-87.336544810157755538',
    zero: '-103.97207708399179641',
  };

  round(x: number): number {
    return Math.fround(x);
  }

  ulpDistance(a: number, b: number): number {
    return ulpDistanceIn(a, b, this.precision, this.minExponent, this.maxExponent, this.minNormal, this.minSubnormal);
  }
}
