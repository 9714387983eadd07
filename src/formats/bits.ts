// Bit-level views of a float64 and a float32, shared by the formats' ordinal computations.
// One scratch buffer per view: JavaScript is single-threaded, and no caller holds a value
// across another call.
const float64Scratch = new Float64Array(1);
const float64Words = new Uint32Array(float64Scratch.buffer);
const float32Scratch = new Float32Array(1);
const float32Word = new Uint32Array(float32Scratch.buffer);
// Index of the high (sign and exponent) word of a float64 on this machine's byte order.
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LOW = 1 - HIGH;

/** The high 32 bits of |x| as a float64 (exponent and top of the significand), sign cleared. */
export function float64HighMagnitude(x: number): number {
  float64Scratch[0] = x;
  return float64Words[HIGH] & 0x7fffffff;
}

/** The low 32 bits of x as a float64. Call right after float64HighMagnitude(x) for the same x. */
export function float64LowWordOfLast(): number {
  return float64Words[LOW];
}

/** The float32 whose bit pattern is `bits`. */
export function float32FromBits(bits: number): number {
  float32Word[0] = bits;
  return float32Scratch[0];
}

/** 2^e for the binade [2^e, 2^(e+1)) of a normal float64 magnitude: its exponent bits alone. */
export function float64BinadeStart(magnitude: number): number {
  float64Scratch[0] = magnitude;
  float64Words[HIGH] &= 0x7ff00000;
  float64Words[LOW] = 0;
  return float64Scratch[0];
}
