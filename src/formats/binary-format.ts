import type { Dtype, ExpThresholds, Format } from './format.js';
import { roundToPrecision } from './precision-rounding.js';
import { ulpDistanceIn } from './ulp-distance.js';

/**
 * A binary floating-point format described by its precision and exponent range; every other
 * constant is derived from those three numbers (test/formats checks them against SPEC §1).
 * Rounding goes through roundToPrecision for all four formats, float64 included (splitter 2
 * makes it the identity), so every call site that rounds sees one function.
 */
export class BinaryFormat implements Format {
  readonly maxFinite: number;
  readonly minNormal: number;
  readonly minSubnormal: number;
  readonly unitRoundoff: number;
  readonly splitter: number;

  constructor(
    readonly dtype: Dtype,
    readonly alias: string,
    readonly precision: number,
    readonly minExponent: number,
    readonly maxExponent: number,
    readonly expThresholds: ExpThresholds,
  ) {
    this.maxFinite = (2 - 2 ** (1 - precision)) * 2 ** maxExponent;
    this.minNormal = 2 ** minExponent;
    this.minSubnormal = 2 ** (minExponent - precision + 1);
    this.unitRoundoff = 2 ** -precision;
    this.splitter = 2 ** (53 - precision) + 1;
  }

  round(x: number): number {
    return roundToPrecision(x, this.splitter, this.minNormal, this.maxFinite, this.minSubnormal);
  }

  ulpDistance(a: number, b: number): number {
    return ulpDistanceIn(a, b, this.precision, this.minExponent, this.maxExponent, this.minNormal, this.minSubnormal);
  }
}
