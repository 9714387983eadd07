// float16 and bfloat16 decoding: every bit pattern against an independent decoding, and a
// sample against numpy's own.

import { describe, expect, it } from 'vitest';
import { bfloat16FromBits, float16FromBits, float16ToFloat32Bits } from '../../src/input/tensor/half-floats.js';
import { bfloat16ByFloat32, EXPECTED, exact, float16ByFormula, fromJson } from './tensor-helpers.js';

const hex = (bits: number) => `0x${bits.toString(16).padStart(4, '0')}`;

/** The patterns whose decoding differs from `reference`, as readable lines (empty when all agree). */
function mismatches(decode: (bits: number) => number, reference: (bits: number) => number): string[] {
  const wrong: string[] = [];
  for (let bits = 0; bits < 0x10000; bits++) {
    const got = decode(bits);
    const want = reference(bits);
    if (!Object.is(got, want) && !(Number.isNaN(got) && Number.isNaN(want))) {
      wrong.push(`${hex(bits)}: got ${exact(got)}, expected ${exact(want)}`);
    }
  }
  return wrong;
}

describe('float16', () => {
  it('all 65536 bit patterns decode as sign * 2^e * (1 + f/1024) (subnormals, zeros, infinities, NaN included)', () => {
    expect(mismatches(float16FromBits, float16ByFormula)).toEqual([]);
  });

  it('named special values', () => {
    expect(Object.is(float16FromBits(0x0000), 0)).toBe(true);
    expect(Object.is(float16FromBits(0x8000), -0)).toBe(true);
    expect(float16FromBits(0x0001)).toBe(2 ** -24); // smallest subnormal
    expect(float16FromBits(0x03ff)).toBe(1023 * 2 ** -24); // largest subnormal
    expect(float16FromBits(0x0400)).toBe(2 ** -14); // smallest normal
    expect(float16FromBits(0x3c00)).toBe(1);
    expect(float16FromBits(0x3c01)).toBe(1 + 2 ** -10);
    expect(float16FromBits(0x7bff)).toBe(65504); // largest finite
    expect(float16FromBits(0xfbff)).toBe(-65504);
    expect(float16FromBits(0x7c00)).toBe(Infinity);
    expect(float16FromBits(0xfc00)).toBe(-Infinity);
    expect(float16FromBits(0x7c01)).toBeNaN(); // signalling NaN
    expect(float16FromBits(0x7e00)).toBeNaN(); // quiet NaN
    expect(float16FromBits(0xfe00)).toBeNaN();
  });

  it('float32 bit patterns of a subnormal, a NaN payload and a negative number', () => {
    expect(float16ToFloat32Bits(0x0001)).toBe(0x33800000); // 2^-24
    expect(float16ToFloat32Bits(0x0200)).toBe(0x38000000); // 2^-15
    expect(float16ToFloat32Bits(0x7e01)).toBe(0x7fc02000); // payload moved up 13 bits
    expect(float16ToFloat32Bits(0xc000)).toBe(0xc0000000); // -2
  });

  it("agrees with numpy's decoding of 128 patterns (fixtures/tensors/expected.json)", () => {
    const sample = EXPECTED['f2_patterns_8x16.npy'];
    const want = sample.rows.flat().map((value) => exact(fromJson(value)));
    expect(sample.bits!.map((bits) => exact(float16FromBits(bits)))).toEqual(want);
  });
});

describe('bfloat16', () => {
  it('all 65536 bit patterns decode as the float32 with those bits on top', () => {
    expect(mismatches(bfloat16FromBits, bfloat16ByFloat32)).toEqual([]);
  });

  it('named special values', () => {
    expect(Object.is(bfloat16FromBits(0x8000), -0)).toBe(true);
    expect(bfloat16FromBits(0x0001)).toBe(2 ** -133); // smallest subnormal
    expect(bfloat16FromBits(0x0080)).toBe(2 ** -126); // smallest normal
    expect(bfloat16FromBits(0x3f80)).toBe(1);
    expect(bfloat16FromBits(0x7f7f)).toBe((2 - 2 ** -7) * 2 ** 127); // largest finite
    expect(bfloat16FromBits(0x7f80)).toBe(Infinity);
    expect(bfloat16FromBits(0xff80)).toBe(-Infinity);
    expect(bfloat16FromBits(0x7fc0)).toBeNaN();
    expect(bfloat16FromBits(0xffc1)).toBeNaN();
  });

  it("agrees with numpy's decoding of the BF16 fixture tensor", () => {
    const tensor = EXPECTED['multi.safetensors#logits_bf16'];
    const want = tensor.rows.flat().map((value) => exact(fromJson(value)));
    expect(tensor.bits!.map((bits) => exact(bfloat16FromBits(bits)))).toEqual(want);
  });
});
