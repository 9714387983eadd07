// Number tokens as they appear in text exports of logits.
//
// We validate the syntax ourselves: Number() alone accepts '' and '  ' (as 0), '0x10', '0b1',
// '0o7' and 'Infinity' but not 'inf', so it cannot be the validator. parseDecimal (fast-number.ts)
// checks the grammar below and reads most logits with Clinger's exact fast path, handing the rest
// to Number() on the validated text. On a validated decimal literal, Number() is correctly rounded
// (round-to-nearest, ties-to-even) in V8, including literals with hundreds of digits and the
// halfway cases near the subnormals, so every literal reads as the nearest float64 either way.
// Literals beyond the float64 range round as IEEE 754 says: to +-Infinity above the overflow
// threshold (1e400) and to +-0 below half the smallest subnormal (4.9e-325), keeping the sign.
//
// The decimal grammar (what parseDecimal accepts): optional sign, digits with an optional point
// (digits on at least one side), optional exponent; as a regular expression,
//   ^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$

import { parseDecimal } from './fast-number.js';

/**
 * What Python, numpy and DuckDB write for non-finite values, in any case, with optional sign.
 * This also covers Python's json.dumps literals NaN, Infinity and -Infinity. '-nan' is NaN
 * (the sign of a NaN carries no meaning here).
 */
const NON_FINITE = /^([+-]?)(nan|inf|infinity)$/i;

/** The float64 value of a logit token, or undefined if the token is not a number. */
export function parseLogit(token: string): number | undefined {
  const value = parseDecimal(token, 0, token.length);
  if (!Number.isNaN(value)) return value; // NaN: not a decimal literal
  const match = NON_FINITE.exec(token);
  if (match === null) return undefined;
  if (match[2].toLowerCase() === 'nan') return NaN;
  return match[1] === '-' ? -Infinity : Infinity;
}

const SHOWN_CHARS = 40;

/**
 * A token as error messages show it: in single quotes, control characters escaped so the message
 * stays on one line, cut after 40 characters (code points, so an emoji is never split).
 */
export function quoteToken(token: string): string {
  const chars = Array.from(token.length > 4 * SHOWN_CHARS ? token.slice(0, 4 * SHOWN_CHARS) : token);
  const cut = chars.length > SHOWN_CHARS;
  const shown = (cut ? chars.slice(0, SHOWN_CHARS) : chars).join('');
  // JSON.stringify escapes control characters and backslashes; drop its double quotes and its
  // escaping of them (the token is shown in single quotes).
  const escaped = JSON.stringify(shown).slice(1, -1).replace(/\\"/g, '"');
  return `'${escaped}${cut ? '...' : ''}'`;
}
