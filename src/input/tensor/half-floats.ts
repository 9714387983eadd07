// float16 and bfloat16 bit patterns to float64, exactly, for the binary tensor readers.
//
// Both go through float32, which holds every float16 and bfloat16 value exactly (more exponent
// range and precision than either), and float32 to float64 is exact too:
// - bfloat16 is the top half of a float32: the float32 with bits `pattern << 16`.
// - float16 (IEEE binary16: 1 sign, 5 exponent bits biased by 15, 10 fraction bits) is rebiased
//   into float32's 8-bit exponent (bias 127) with the fraction moved up 13 bits. Subnormals
//   (exponent field 0) are normalised first, since all of them are normal in float32; the
//   all-ones exponent (infinity, NaN) maps to float32's all-ones exponent, keeping the fraction.
// float16 is decoded through a 65536-entry table built once, so a read costs one lookup.

import { float32FromBits } from '../../formats/bits.js';

/** The float32 bit pattern (as an unsigned 32-bit integer) of the float16 with bits `pattern`. */
export function float16ToFloat32Bits(pattern: number): number {
  const sign = (pattern & 0x8000) << 16;
  const exponent = (pattern >>> 10) & 0x1f;
  let fraction = pattern & 0x3ff;
  if (exponent === 0x1f) return (sign | 0x7f800000 | (fraction << 13)) >>> 0;
  if (exponent === 0) {
    if (fraction === 0) return sign >>> 0;
    // Subnormal: fraction * 2^-24. Shift until the implicit bit (0x400) is set; each shift
    // lowers the exponent by one from float16's smallest normal exponent, -14.
    let unbiased = -14;
    while ((fraction & 0x400) === 0) {
      fraction <<= 1;
      unbiased -= 1;
    }
    return (sign | ((unbiased + 127) << 23) | ((fraction & 0x3ff) << 13)) >>> 0;
  }
  return (sign | ((exponent - 15 + 127) << 23) | (fraction << 13)) >>> 0;
}

let float16Table: Float64Array | undefined;

function buildFloat16Table(): Float64Array {
  const table = new Float64Array(0x10000);
  for (let pattern = 0; pattern < 0x10000; pattern++) table[pattern] = float32FromBits(float16ToFloat32Bits(pattern));
  return table;
}

/** The value of the float16 with bits `pattern` (0 to 0xffff), exactly. */
export function float16FromBits(pattern: number): number {
  float16Table ??= buildFloat16Table();
  return float16Table[pattern];
}

/** The whole decoding table, for loops that decode many values (index: the bit pattern). */
export function float16Values(): Float64Array {
  float16Table ??= buildFloat16Table();
  return float16Table;
}

/** The value of the bfloat16 with bits `pattern` (0 to 0xffff), exactly. */
export function bfloat16FromBits(pattern: number): number {
  return float32FromBits(pattern << 16);
}
