// Rounds a decimal string exactly to a binary format: the decimal is read as the fraction
// n / d of two BigInts and rounded half to even at the format's quantum for its magnitude, with
// gradual underflow and overflow to infinity. Shares nothing with src/formats. Used to check
// that a fixture's correctly rounded value (exactRounded) is the rounding of its exact string.

export interface BinaryFormatParams {
  /** Significand bits, the implicit one included. */
  precision: number;
  minExponent: number;
  maxExponent: number;
}

/** SPEC section 1. */
export const DECIMAL_ROUNDING_FORMATS: Readonly<Record<'float64' | 'float32' | 'float16' | 'bfloat16', BinaryFormatParams>> = {
  float64: { precision: 53, minExponent: -1022, maxExponent: 1023 },
  float32: { precision: 24, minExponent: -126, maxExponent: 127 },
  float16: { precision: 11, minExponent: -14, maxExponent: 15 },
  bfloat16: { precision: 8, minExponent: -126, maxExponent: 127 },
};

const DECIMAL = /^(-?)(\d+)(?:\.(\d*))?(?:e([+-]?\d+))?$/i;

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/**
 * The decimal `text` ("0.25", "-1.5e-7", "inf", "-inf") rounded to the format. A negative value
 * that rounds to zero gives -0.
 */
export function roundDecimalString(params: BinaryFormatParams, text: string): number {
  if (text === 'inf') return Infinity;
  if (text === '-inf') return -Infinity;
  const match = DECIMAL.exec(text);
  if (!match) throw new Error(`not a decimal: ${text}`);
  const negative = match[1] === '-';
  const fraction = match[3] ?? '';
  const digits = BigInt(match[2] + fraction);
  const power10 = Number(match[4] ?? 0) - fraction.length;
  const signed = (magnitude: number) => (negative ? -magnitude : magnitude);
  if (digits === 0n) return signed(0);
  // Every format's least subnormal is above 1e-46 and every largest finite value below 1e309:
  // far outside those bounds the answer is known without building huge integers.
  const magnitude10 = power10 + (match[2] + fraction).replace(/^0+/, '').length; // value < 10^magnitude10
  if (magnitude10 < -400) return signed(0);
  if (magnitude10 - 1 > 400) return signed(Infinity);
  const numerator = power10 >= 0 ? digits * 10n ** BigInt(power10) : digits;
  const denominator = power10 >= 0 ? 1n : 10n ** BigInt(-power10);
  return signed(roundRatio(params, numerator, denominator));
}

/** n / d (both > 0) rounded to the format, half to even. */
function roundRatio(params: BinaryFormatParams, n: bigint, d: bigint): number {
  const { precision, minExponent, maxExponent } = params;
  // e = floor(log2(n / d))
  let e = bitLength(n) - bitLength(d);
  if (e >= 0 ? n < d << BigInt(e) : n << BigInt(-e) < d) e -= 1;
  if (e > maxExponent) return Infinity;
  const quantumExponent = Math.max(e, minExponent) - (precision - 1);
  const num = quantumExponent >= 0 ? n : n << BigInt(-quantumExponent);
  const den = quantumExponent >= 0 ? d << BigInt(quantumExponent) : d;
  let units = num / den;
  const twice = 2n * (num - units * den);
  if (twice > den || (twice === den && (units & 1n) === 1n)) units += 1n;
  if (bitLength(units) + quantumExponent > maxExponent + 1) return Infinity;
  // units < 2^(precision + 1) <= 2^54: Number() is exact, and so is the scaling by a power of two
  // (done in two steps so that 2^quantumExponent itself never underflows).
  return Number(units) * 2 ** Math.max(quantumExponent, -1000) * 2 ** Math.min(quantumExponent + 1000, 0);
}
