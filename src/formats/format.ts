/** The four floating-point formats logitcheck emulates. Users call them dtypes, as numpy does. */
export type Dtype = 'float64' | 'float32' | 'float16' | 'bfloat16';

export const DTYPES: readonly Dtype[] = ['float64', 'float32', 'float16', 'bfloat16'];

/** exp(x) thresholds of a format for correctly rounded exp, as 20-digit decimal strings (SPEC section 1). */
export interface ExpThresholds {
  /** exp(x) rounds to +Infinity iff x > this. */
  overflow: string;
  /** exp(x) is subnormal iff x < this. */
  subnormal: string;
  /** exp(x) rounds to 0 iff x < this. */
  zero: string;
}

/**
 * A binary floating-point format emulated on float64: every value of the format is a float64,
 * and `round` maps any float64 to the nearest value of the format (ties to even, gradual
 * underflow, overflow to +-Infinity), directly from the float64 (never through another format).
 */
export interface Format {
  readonly dtype: Dtype;
  readonly alias: string;
  /** Significand bits, including the hidden bit. */
  readonly precision: number;
  /** Exponent of the smallest normal number (minNormal = 2^minExponent). */
  readonly minExponent: number;
  /** Exponent of the largest finite number's binade. */
  readonly maxExponent: number;
  readonly maxFinite: number;
  readonly minNormal: number;
  readonly minSubnormal: number;
  /** 2^-precision: the largest relative error of one rounding to nearest in the normal range. */
  readonly unitRoundoff: number;
  readonly expThresholds: ExpThresholds;
  /** Veltkamp's constant 2^(53 - precision) + 1, for roundToPrecision (2 for float64: identity). */
  readonly splitter: number;
  round(x: number): number;
  /**
   * Steps through the format's ordered values from a to b (both values of the format, not NaN).
   * +0 and -0 are one point; +-Infinity sit one step beyond +-maxFinite.
   */
  ulpDistance(a: number, b: number): number;
}
