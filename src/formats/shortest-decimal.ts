import type { Format } from './format.js';

/**
 * The shortest decimal string that gives back exactly `value` when read as float64 and rounded
 * to the format (so float32 0.1 is written `0.1`, not `0.10000000149011612`). Non-finite values
 * are written `nan`, `inf`, `-inf`, which numpy.loadtxt and Python's float() read.
 * toPrecision is correctly rounded (ECMAScript Number::toPrecision), so the first precision that
 * round-trips gives the shortest string; String() of its float64 then drops trailing zeros.
 */
export function shortestDecimal(format: Format, value: number): string {
  if (value !== value) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0' : '0'; // String(-0) would drop the sign
  if (format.dtype === 'float64') return String(value);
  for (let digits = 1; digits < 17; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (format.round(candidate) === value) return String(candidate);
  }
  return String(value);
}
