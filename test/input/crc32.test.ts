// CRC-32 as zip stores it: the catalogue's check value, and zlib's own CRC-32 on random bytes.

import * as zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../../src/input/tensor/crc32.js';

const ascii = (text: string) => new TextEncoder().encode(text);

describe('crc32', () => {
  it('gives the CRC-32/ISO-HDLC check value for "123456789" (0xCBF43926)', () => {
    expect(crc32(ascii('123456789'))).toBe(0xcbf43926);
  });

  it('is 0 for no bytes, and continuing from 0 is starting', () => {
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(ascii('abc'), 0)).toBe(crc32(ascii('abc')));
  });

  it('gives Python\'s zlib.crc32 values (zlib.crc32(b"a"), and of the pangram)', () => {
    expect(crc32(ascii('a'))).toBe(0xe8b7be43);
    expect(crc32(ascii('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
  });

  // node:zlib has crc32 from Node 20.15 (C zlib's): an independent reference where it exists.
  const zlibCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;
  it.skipIf(zlibCrc32 === undefined)('equals zlib\'s crc32 on random bytes, whole and in two pieces', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(300), (bytes, cut) => {
        const at = Math.min(cut, bytes.length);
        const whole = zlibCrc32!(bytes);
        expect(crc32(bytes)).toBe(whole);
        expect(crc32(bytes.subarray(at), crc32(bytes.subarray(0, at)))).toBe(whole);
      }),
    );
  });
});
