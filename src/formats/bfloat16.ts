import type { Format } from './format.js';
import { ulpDistanceIn } from './ulp-distance.js';
import { roundToPrecision } from './precision-rounding.js';

const MIN_NORMAL = 1.1754943508222875e-38; // 2^-126
const MAX_FINITE = 3.3895313892515355e38; // (2 - 2^-7) * 2^127
const SUBNORMAL_QUANTUM = 9.183549615799121e-41; // 2^-133
const SPLITTER = 35184372088833; // 2^(53-8) + 1

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
  readonly splitter = SPLITTER;
  readonly expThresholds = {
    overflow: '88.720884076837196255',
    subnormal: '-87.340458649874245316',
    zero: '-92.881722195032671462',
  };

  round(x: number): number {
    return roundToPrecision(x, SPLITTER, MIN_NORMAL, MAX_FINITE, SUBNORMAL_QUANTUM);
  }

  ulpDistance(a: number, b: number): number {
    return ulpDistanceIn(a, b, this.precision, this.minExponent, this.maxExponent, this.minNormal, this.minSubnormal);
  }
}
