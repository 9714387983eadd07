// Decimal literals to float64, correctly rounded, read straight from the characters of a slice of
// a larger text (no substring on the common path).
//
// The fast path is Clinger's (W. D. Clinger, "How to read floating point numbers accurately",
// PLDI 1990: the fast path of his Algorithm Bellerophon): when the significant digits form an
// integer M that is exactly representable (M < 2^53) and the decimal exponent e has |e| <= 22,
// both M and 10^|e| are exact doubles (5^22 < 2^53, so 10^0..10^22 are), and IEEE 754 makes the
// one operation M * 10^e or M / 10^-e correctly rounded: the result is the double nearest to the
// exact value M * 10^e, ties to even, which is what a correct decimal reader must return.
// Clinger's extension covers 22 < e <= 22 + 15: if M * 10^(e - 22) is still an exact integer
// below 2^53, multiplying it by 1e22 is again a single rounding. The fast path never reaches the
// subnormal range or overflow (its results lie between 1e-22 and 2^53 * 1e22).
//
// Every case it leaves out goes to Number() on the validated text, which V8 rounds correctly for
// any length: M of 2^53 or more (over 15 significant digits, always over 16), larger exponents,
// subnormals. Halfway cases need no care of their own: one that reaches the fast path is an exact
// tie for the IEEE operation, which rounds it to even; the others go to Number(). Logits written as float32 ('%.9g', toPrecision(9), repr of a float32: at most 9 digits)
// with ordinary magnitudes always take the fast path; shortest float64 reprs take it when they
// have at most 15-16 digits.
//
// Leading zeros are not significant ('0.000125' is M = 125, e = -6), and neither are trailing ones:
// the fast path first tries all the digits ('1.2500000000' as M = 12500000000, e = -10: the same
// rational, so the same correctly rounded double), and only if M or e does not fit retries
// without the trailing zeros ('1.25000000000000000000' as M = 125, e = -2, '1' followed by 29
// zeros as M = 1, e = 29).

const ZERO = 0x30;
const PLUS = 0x2b;
const MINUS = 0x2d;
const DOT = 0x2e;
const LOWER_E = 0x65;

/** 10^0 .. 10^22: every one is an exact double (10^k = 2^k * 5^k and 5^22 < 2^53). */
const POWERS_OF_TEN = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
  1e20, 1e21, 1e22,
];
const MAX_EXACT_POWER = 22;

/** Integers below this are exact doubles. */
const TWO_53 = 2 ** 53;

/**
 * Exponent digits stop accumulating past this (the value is then far outside the fast path, and
 * Number() reads the text). It is larger than any string's length, so the count of digits before
 * the exponent cannot bring a capped exponent back into the fast path's range.
 */
const EXPONENT_CAP = 1e10;

/**
 * The float64 nearest to the decimal literal text[start, end), ties to even, or NaN if that slice
 * is not a decimal literal. The grammar: an optional sign, digits with an optional point (digits
 * on at least one side), an optional exponent ([eE], optional sign, digits); ASCII digits only, no
 * spaces. A decimal literal never reads as NaN, so NaN alone says "not one" (nan and inf tokens are
 * the caller's business). Literals beyond the float64 range give +-Infinity or +-0, as IEEE 754
 * rounding does, keeping the sign ('-0' is -0).
 */
export function parseDecimal(text: string, start: number, end: number): number {
  let i = start;
  let negative = false;
  if (i < end) {
    const c = text.charCodeAt(i);
    if (c === MINUS || c === PLUS) {
      negative = c === MINUS;
      i++;
    }
  }

  // Every digit, before and after the point, is folded into `digits` (leading zeros leave it 0).
  // Each step digits * 10 + digit is exact while the true value stays below 2^53; rounding is
  // monotonic, so once a step reaches 2^53 every later value stays at or above it (long runs grow
  // it to Infinity, never NaN): digits < 2^53 at the end proves it is the exact integer M.
  let digits = 0;
  const integerStart = i;
  for (; i < end; i++) {
    const digit = text.charCodeAt(i) - ZERO;
    if (digit < 0 || digit > 9) break;
    digits = digits * 10 + digit;
  }
  const integerEnd = i;
  let fractionDigits = 0;
  if (i < end && text.charCodeAt(i) === DOT) {
    i++;
    const fractionStart = i;
    for (; i < end; i++) {
      const digit = text.charCodeAt(i) - ZERO;
      if (digit < 0 || digit > 9) break;
      digits = digits * 10 + digit;
    }
    fractionDigits = i - fractionStart;
    if (fractionDigits === 0 && integerEnd === integerStart) return NaN; // '.', '+.', '.e5'
  } else if (integerEnd === integerStart) {
    return NaN; // '', '+', 'e5', 'nan'
  }
  const digitsEnd = i;

  let exponent = 0;
  if (i < end && (text.charCodeAt(i) | 0x20) === LOWER_E) {
    i++;
    let exponentNegative = false;
    if (i < end) {
      const c = text.charCodeAt(i);
      if (c === MINUS || c === PLUS) {
        exponentNegative = c === MINUS;
        i++;
      }
    }
    const exponentStart = i;
    for (; i < end; i++) {
      const digit = text.charCodeAt(i) - ZERO;
      if (digit < 0 || digit > 9) break;
      if (exponent < EXPONENT_CAP) exponent = exponent * 10 + digit;
    }
    if (i === exponentStart) return NaN; // '1e', '1e+'
    if (exponentNegative) exponent = -exponent;
  }
  if (i !== end) return NaN;

  // Only zeros: exactly zero whatever the exponent ('0e999' too), with the literal's sign.
  if (digits === 0) return negative ? -0 : 0;

  let value = digits < TWO_53 ? clinger(digits, exponent - fractionDigits) : -1;
  if (value < 0) {
    // Trailing zeros may be what made M too long or e too small ('1.25000000000000000000'):
    // without them, M and e may fit. (If the digits do not end in 0, nothing would change.)
    const c = text.charCodeAt(digitsEnd - 1);
    if (c === ZERO || c === DOT) value = withoutTrailingZeros(text, integerStart, integerEnd, digitsEnd, exponent);
  }
  if (value >= 0) return negative ? -value : value;
  // The exact fallback: Number() is correctly rounded on a validated literal.
  return Number(start === 0 && end === text.length ? text : text.slice(start, end));
}

/** Clinger's fast path: the float64 nearest to m * 10^e for an exact integer 0 < m < 2^53, or -1 if it cannot be had in one rounding. */
function clinger(m: number, e: number): number {
  if (e >= 0) {
    if (e <= MAX_EXACT_POWER) return m * POWERS_OF_TEN[e];
    if (e <= MAX_EXACT_POWER + 15) {
      // Clinger's extended case: m * 10^(e-22) is exact if below 2^53 (a product of two exact
      // integers is rounded only if it is not representable, and then it is >= 2^53); then one
      // rounding, by 1e22.
      const scaled = m * POWERS_OF_TEN[e - MAX_EXACT_POWER];
      if (scaled < TWO_53) return scaled * 1e22;
    }
    return -1;
  }
  if (e >= -MAX_EXACT_POWER) return m / POWERS_OF_TEN[-e];
  return -1;
}

/**
 * The significant digits of text[digitsStart, digitsEnd) (the point, if any, at integerEnd) up to
 * the last non-zero one, as M * 10^e with the literal's exponent, through clinger(); -1 if M is
 * still too long or e out of reach. There is a non-zero digit.
 */
function withoutTrailingZeros(text: string, digitsStart: number, integerEnd: number, digitsEnd: number, exponent: number): number {
  let last = digitsEnd - 1;
  while (last > digitsStart && (text.charCodeAt(last) === ZERO || text.charCodeAt(last) === DOT)) last--;
  let m = 0;
  for (let j = digitsStart; j <= last; j++) {
    if (j === integerEnd) continue; // the point
    m = m * 10 + (text.charCodeAt(j) - ZERO);
    if (m >= TWO_53) return -1; // exact so far, by the argument in parseDecimal
  }
  // Zeros after the last non-zero digit of the integer part multiply M; the fraction digits up to
  // the last non-zero one divide it.
  const e = (last < integerEnd ? integerEnd - 1 - last : integerEnd - last) + exponent;
  return clinger(m, e);
}
