import { Decimal } from 'decimal.js';
import { float64Bits } from './exact-rounding.js';

/** 60 significant digits: far past float64's 17, so one rounding of a result to float64 is exact. */
export const Precise = Decimal.clone({ precision: 60 });

/** The exact value of a finite float64 as a Decimal (new Decimal(x) would take its shortest repr instead). */
export function exactDecimal(x: number): Decimal {
  const bits = float64Bits(x);
  const negative = bits >> 63n === 1n;
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const integer = biased === 0 ? fraction : fraction | (1n << 52n);
  const exponent = biased === 0 ? -1074 : biased - 1075;
  // 2^exponent is exact in Decimal at any precision for these exponents (<= 1074 digits): use a
  // clone with room for them.
  const Exact = Decimal.clone({ precision: 1100 });
  const value = new Exact(integer.toString()).times(new Exact(2).pow(exponent));
  return new Precise(negative ? value.neg() : value);
}
