/**
 * The IEEE 754 exception flags of SPEC section 6, as bits, and the flags one rounded operation
 * raises. Each function takes the operands and the result already rounded to the format, so the
 * flag logic is shared by all formats. The common case (a normal, finite result) returns after
 * two comparisons.
 */
export const OVERFLOW = 1;
export const UNDERFLOW = 2;
export const INVALID = 4;
export const DIVIDE_BY_ZERO = 8;

export const FLAG_NAMES = ['overflow', 'underflow', 'invalid', 'divideByZero'] as const;
export type FlagName = (typeof FLAG_NAMES)[number];
export const FLAG_BITS: Readonly<Record<FlagName, number>> = {
  overflow: OVERFLOW,
  underflow: UNDERFLOW,
  invalid: INVALID,
  divideByZero: DIVIDE_BY_ZERO,
};

export function flagNames(bits: number): FlagName[] {
  return FLAG_NAMES.filter((name) => (bits & FLAG_BITS[name]) !== 0);
}

const isFinite = (x: number) => x - x === 0;

/**
 * a + b (or a - b) rounded to r. A nonzero sum of two values of a format is a multiple of its
 * smallest subnormal, so it never rounds to 0: a tiny result is underflow only if subnormal.
 */
export function addFlags(a: number, b: number, r: number, minNormal: number): number {
  const magnitude = Math.abs(r);
  if (magnitude >= minNormal && magnitude !== Infinity) return 0;
  if (r !== r) return a === a && b === b ? INVALID : 0;
  if (magnitude === Infinity) return isFinite(a) && isFinite(b) ? OVERFLOW : 0;
  return r !== 0 ? UNDERFLOW : 0;
}

/** a * b rounded to r. */
export function mulFlags(a: number, b: number, r: number, minNormal: number): number {
  const magnitude = Math.abs(r);
  if (magnitude >= minNormal && magnitude !== Infinity) return 0;
  if (r !== r) return a === a && b === b ? INVALID : 0;
  if (magnitude === Infinity) return isFinite(a) && isFinite(b) ? OVERFLOW : 0;
  if (r !== 0) return UNDERFLOW;
  return a !== 0 && b !== 0 && isFinite(a) && isFinite(b) ? UNDERFLOW : 0;
}

/** a / b rounded to r. */
export function divFlags(a: number, b: number, r: number, minNormal: number): number {
  const magnitude = Math.abs(r);
  if (magnitude >= minNormal && magnitude !== Infinity) return 0;
  if (r !== r) return a === a && b === b ? INVALID : 0;
  if (magnitude === Infinity) {
    if (!isFinite(a)) return 0;
    return b === 0 ? DIVIDE_BY_ZERO : OVERFLOW;
  }
  if (r !== 0) return UNDERFLOW;
  return a !== 0 && isFinite(a) && isFinite(b) ? UNDERFLOW : 0;
}

/** exp(x) rounded to r: exp of a finite x is never exactly 0 nor infinite. */
export function expFlags(x: number, r: number, minNormal: number): number {
  if (r >= minNormal && r !== Infinity) return 0;
  if (r === Infinity) return x !== Infinity && x === x ? OVERFLOW : 0;
  if (r !== r) return 0; // exp(NaN): NaN in, NaN out, no flag
  return x !== -Infinity ? UNDERFLOW : 0; // subnormal or 0 from a finite x
}

/** log(x) rounded to r. */
export function logFlags(x: number, r: number, minNormal: number): number {
  const magnitude = Math.abs(r);
  if (magnitude >= minNormal && magnitude !== Infinity) return 0;
  if (r !== r) return x === x ? INVALID : 0; // log of a negative number
  if (r === -Infinity) return x === 0 ? DIVIDE_BY_ZERO : 0;
  if (r === Infinity) return 0; // log(+Infinity)
  return r !== 0 ? UNDERFLOW : 0; // log(1) = 0 exactly
}

/** log1p(x) rounded to r. */
export function log1pFlags(x: number, r: number, minNormal: number): number {
  const magnitude = Math.abs(r);
  if (magnitude >= minNormal && magnitude !== Infinity) return 0;
  if (r !== r) return x === x ? INVALID : 0;
  if (r === -Infinity) return x === -1 ? DIVIDE_BY_ZERO : 0;
  if (r === Infinity) return 0;
  return r !== 0 || x !== 0 ? UNDERFLOW : 0; // log1p(tiny) is tiny; log1p(0) = 0 exactly
}
