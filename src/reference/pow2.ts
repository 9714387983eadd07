/**
 * Exact powers of two and scaling by them (ldexp), for the reference oracle.
 *
 * Method: a table of every float64 power of two, 2^-1074 (the least subnormal) up to 2^1023,
 * built by repeated doubling and halving, which is exact. Multiplying a float64 by a power of
 * two is then exact whenever the product is normal, so scaling needs no Math.pow (whose
 * accuracy the standard does not promise).
 *
 * Special cases: pow2(n) is 0 below -1074 and +Infinity above 1023. ldexp rounds once when the
 * result is subnormal (it scales in two steps so that only the last one can round), and gives
 * +-Infinity on overflow and +-0 when the result is below half the least subnormal.
 */

const MIN_EXPONENT = -1074;
const MAX_EXPONENT = 1023;

const POWERS = new Float64Array(MAX_EXPONENT - MIN_EXPONENT + 1);
{
  let power = 1;
  for (let n = 0; n <= MAX_EXPONENT; n++) {
    POWERS[n - MIN_EXPONENT] = power;
    power *= 2;
  }
  power = 1;
  for (let n = -1; n >= MIN_EXPONENT; n--) {
    power /= 2;
    POWERS[n - MIN_EXPONENT] = power;
  }
}

/** 2^n as a float64 (exact), 0 below 2^-1074, +Infinity above 2^1023. */
export function pow2(n: number): number {
  if (n < MIN_EXPONENT) return 0;
  if (n > MAX_EXPONENT) return Infinity;
  return POWERS[n - MIN_EXPONENT];
}

/** x * 2^n for an integer n, rounded once. */
export function ldexp(x: number, n: number): number {
  if (n >= -1022 && n <= MAX_EXPONENT) return x * POWERS[n - MIN_EXPONENT];
  if (n > MAX_EXPONENT) {
    // Steps of 2^600 are exact until the value overflows, and then Infinity is the answer.
    let scaled = x;
    let remaining = n;
    while (remaining > MAX_EXPONENT && Number.isFinite(scaled) && scaled !== 0) {
      scaled *= POWERS[600 - MIN_EXPONENT];
      remaining -= 600;
    }
    return remaining > MAX_EXPONENT ? scaled : scaled * POWERS[remaining - MIN_EXPONENT];
  }
  // n < -1022: scale down by 2^-600 while that keeps the value normal (exact), so that at most
  // the last multiplication rounds. A value that gets below 2^-400 with 2^-1022 or less still to
  // apply ends below 2^-1422, far under the least subnormal: it is a signed zero.
  let scaled = x;
  let remaining = n;
  while (remaining < -1022 && Math.abs(scaled) >= POWERS[-400 - MIN_EXPONENT]) {
    scaled *= POWERS[-600 - MIN_EXPONENT];
    remaining += 600;
  }
  return remaining < -1022 ? scaled * 0 : scaled * POWERS[remaining - MIN_EXPONENT];
}
