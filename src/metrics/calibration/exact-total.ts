import { canonicalPartials, ExactSum, growExpansion } from '../exact-sum.js';

/**
 * An exact sum of float64 values kept as plain data, so that it survives structuredClone and
 * JSON and merges exactly: the non-overlapping partials of Shewchuk's expansion ("Adaptive
 * precision floating-point arithmetic", 1997; Python's math.fsum), smallest first. Their exact
 * sum is the exact sum of every value added, so summaries of any split of the rows merge to the
 * same value. The number of partials is bounded by float64's exponent range (at most about 40),
 * never by the number of values.
 */
export type ExactTotal = number[];

/** Adds a finite value to the total, exactly (growExpansion: one TwoSum per partial). */
export function addExact(total: ExactTotal, value: number): void {
  total.length = growExpansion(total, total.length, value);
}

/** Adds every partial of `other` into `into`: the exact sum of both, in canonical form. */
export function mergeExact(into: ExactTotal, other: ExactTotal): void {
  for (const partial of other) addExact(into, partial);
  canonicalTotal(into);
}

/** Rewrites a total in place into its one canonical list of partials (canonicalPartials): equal sums, equal data. */
export function canonicalTotal(total: ExactTotal): void {
  const canonical = canonicalPartials(total);
  total.length = 0;
  total.push(...canonical);
}

const rounding = new ExactSum();

/** The exact total rounded once to float64 (round to nearest). */
export function exactValue(total: ExactTotal): number {
  rounding.reset(0);
  for (const partial of total) rounding.add(partial);
  return rounding.value();
}

/** The exact total minus an integer count, as a new total (exact). */
export function exactMinus(total: ExactTotal, count: number): ExactTotal {
  const result = total.slice();
  addExact(result, -count);
  return result;
}

/** The exact absolute value of a total, as a new total. */
export function exactAbs(total: ExactTotal): ExactTotal {
  // The rounded value has the sign of the exact sum (round to nearest keeps the sign).
  return exactValue(total) < 0 ? total.map((partial) => -partial) : total.slice();
}
