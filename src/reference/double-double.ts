/**
 * Double-double arithmetic: a value is the unevaluated sum hi + lo of two float64 with
 * |lo| <= ulp(hi)/2, about 106 bits of precision.
 *
 * Method: the error-free transformations of Dekker (1971) and Knuth: twoSum (Knuth's
 * branch-free exact sum), fastTwoSum (Dekker, needs |a| >= |b|), and twoProd by Veltkamp's
 * split into 26-bit halves and Dekker's exact product, since JavaScript has no fused
 * multiply-add. The operations on double-double values follow the QD library of Hida, Li and
 * Bailey (2001): accurate ("IEEE") addition, and multiplication and division with one or two
 * correction steps. Error bounds are those of Joldes, Muller and Popescu, "Tight and rigorous
 * error bounds for basic building blocks of double-word arithmetic" (ACM TOMS 44(2), 2017), and
 * of Muller et al., Handbook of Floating-Point Arithmetic (2nd ed., 2018), chapter 14.
 *
 * No allocation: every function writes its result into a caller-owned DD holder, so that the
 * hot loops of the oracle create no garbage. Results are read from holder.hi and holder.lo
 * before the holder is reused.
 *
 * Special cases: the transformations are exact only for finite operands; twoProd is exact only
 * when |a|,|b| < 2^996 (the split would overflow) and the product's error term does not fall
 * below 2^-1022 (underflow). The oracle only multiplies values of moderate size (reduced
 * arguments, table entries, sums of at most a few million terms), so neither limit is reached
 * there; callers that could exceed them check first.
 */

/** A double-double result holder: value = hi + lo. */
export class DD {
  hi = 0;
  lo = 0;
}

/** Veltkamp's splitting constant 2^27 + 1: splits a float64 into two halves of 26 bits. */
export const SPLITTER = 134217729;

/** s + e = a + b exactly, s = fl(a + b) (Knuth's TwoSum, 6 operations, no branch). */
export function twoSum(out: DD, a: number, b: number): void {
  const s = a + b;
  const bVirtual = s - a;
  out.hi = s;
  out.lo = (a - (s - bVirtual)) + (b - bVirtual);
}

/** s + e = a + b exactly, s = fl(a + b), provided |a| >= |b| or a = 0 (Dekker's Fast2Sum). */
export function fastTwoSum(out: DD, a: number, b: number): void {
  const s = a + b;
  out.hi = s;
  out.lo = b - (s - a);
}

/** p + e = a * b exactly, p = fl(a * b) (Dekker's product with Veltkamp's split). */
export function twoProd(out: DD, a: number, b: number): void {
  const p = a * b;
  let t = SPLITTER * a;
  const aHi = t - (t - a);
  const aLo = a - aHi;
  t = SPLITTER * b;
  const bHi = t - (t - b);
  const bLo = b - bHi;
  out.hi = p;
  out.lo = ((aHi * bHi - p) + aHi * bLo + aLo * bHi) + aLo * bLo;
}

/**
 * (aHi + aLo) + (bHi + bLo), relative error below 3 * 2^-106 + 13 * 2^-159 (QD's accurate
 * addition, AccurateDWPlusDW in Joldes-Muller-Popescu).
 */
export function ddAdd(out: DD, aHi: number, aLo: number, bHi: number, bLo: number): void {
  let s = aHi + bHi;
  let v = s - aHi;
  let e = (aHi - (s - v)) + (bHi - v);
  const t = aLo + bLo;
  v = t - aLo;
  const f = (aLo - (t - v)) + (bLo - v);
  e += t;
  let hi = s + e;
  e -= hi - s;
  s = hi;
  e += f;
  hi = s + e;
  out.hi = hi;
  out.lo = e - (hi - s);
}

/**
 * (aHi + aLo) + b for a float64 b, relative error below 2 * 2^-106 (Joldes-Muller-Popescu's
 * DWPlusFP).
 */
export function ddAddDouble(out: DD, aHi: number, aLo: number, b: number): void {
  const s = aHi + b;
  const v = s - aHi;
  const e = (aHi - (s - v)) + (b - v) + aLo;
  const hi = s + e;
  out.hi = hi;
  out.lo = e - (hi - s);
}

/** (aHi + aLo) * (bHi + bLo), relative error below 7 * 2^-106 (DWTimesDW1 in Joldes-Muller-Popescu). */
export function ddMul(out: DD, aHi: number, aLo: number, bHi: number, bLo: number): void {
  const p = aHi * bHi;
  let t = SPLITTER * aHi;
  const aH = t - (t - aHi);
  const aL = aHi - aH;
  t = SPLITTER * bHi;
  const bH = t - (t - bHi);
  const bL = bHi - bH;
  const e = ((aH * bH - p) + aH * bL + aL * bH) + aL * bL + (aHi * bLo + aLo * bHi);
  const hi = p + e;
  out.hi = hi;
  out.lo = e - (hi - p);
}

/** (aHi + aLo) * b for a float64 b, relative error below 2 * 2^-106 (DWTimesFP1 in Joldes-Muller-Popescu). */
export function ddMulDouble(out: DD, aHi: number, aLo: number, b: number): void {
  const p = aHi * b;
  let t = SPLITTER * aHi;
  const aH = t - (t - aHi);
  const aL = aHi - aH;
  t = SPLITTER * b;
  const bH = t - (t - b);
  const bL = b - bH;
  const e = ((aH * bH - p) + aH * bL + aL * bH) + aL * bL + aLo * b;
  const hi = p + e;
  out.hi = hi;
  out.lo = e - (hi - p);
}

const scratch = new DD();

/**
 * (aHi + aLo) / (bHi + bLo), relative error about 2^-106: a float64 quotient followed by two
 * correction steps, each from the exact remainder (QD's accurate division).
 */
export function ddDiv(out: DD, aHi: number, aLo: number, bHi: number, bLo: number): void {
  const q1 = aHi / bHi;
  ddMulDouble(scratch, bHi, bLo, q1);
  ddAdd(scratch, aHi, aLo, -scratch.hi, -scratch.lo);
  const rHi = scratch.hi;
  const rLo = scratch.lo;
  const q2 = rHi / bHi;
  ddMulDouble(scratch, bHi, bLo, q2);
  ddAdd(scratch, rHi, rLo, -scratch.hi, -scratch.lo);
  const q3 = scratch.hi / bHi;
  fastTwoSum(out, q1, q2);
  ddAddDouble(out, out.hi, out.lo, q3);
}
