// A minimal .npy reader written for the tests (independent of src/render/npy-header.ts and
// src/cli/values-output.ts): the header dict, and the little-endian data as float64 numbers.
import { readFileSync } from 'node:fs';

export interface NpyArray {
  descr: string;
  shape: number[];
  values: number[];
}

export function readNpy(path: string): NpyArray {
  const bytes = readFileSync(path);
  const magic = [...bytes.subarray(0, 8)];
  if (magic.join(',') !== [0x93, 78, 85, 77, 80, 89, 1, 0].join(',')) throw new Error(`${path}: not a version 1.0 .npy (${magic.join(' ')})`);
  const headerLength = bytes.readUInt16LE(8);
  const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
  // The format's own rules: the data starts at a multiple of 64, the header ends with a newline.
  if ((10 + headerLength) % 64 !== 0) throw new Error(`${path}: the data starts at ${10 + headerLength}, not a multiple of 64`);
  if (!header.endsWith('\n')) throw new Error(`${path}: the header does not end with a newline`);
  if (!header.includes("'fortran_order': False")) throw new Error(`${path}: not C order: ${header}`);
  const descr = /'descr': '([^']+)'/.exec(header)![1];
  const shape = /'shape': \(([^)]*)\)/.exec(header)![1].split(',').filter((s) => s.trim() !== '').map(Number);
  const data = bytes.subarray(10 + headerLength);
  const size = ({ '<f8': 8, '<f4': 4, '<f2': 2 } as Record<string, number>)[descr];
  if (size === undefined) throw new Error(`${path}: unexpected descr ${descr}`);
  const values: number[] = [];
  for (let at = 0; at < data.length; at += size) {
    if (size === 8) values.push(data.readDoubleLE(at));
    else if (size === 4) values.push(data.readFloatLE(at));
    else values.push(decodeFloat16(data.readUInt16LE(at)));
  }
  return { descr, shape, values };
}

/** IEEE binary16 bits to its value: sign, 5 exponent bits (bias 15), 10 fraction bits. */
export function decodeFloat16(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
