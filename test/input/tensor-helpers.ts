// Shared by the binary reader tests: fixtures and numpy's expected values, files written into a
// temporary directory, reading all rows, and the InputError a read must throw.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { expect } from 'vitest';
import { InputError } from '../../src/errors.js';
import type { LogitRow } from '../../src/input/row.js';
import { crc32 } from '../../src/input/tensor/crc32.js';
import {
  openTensorRowsWith,
  READ_LIMITS,
  type ReadLimits,
  type TensorFormat,
  type TensorInfo,
  type TensorOptions,
} from '../../src/input/tensor/tensor-rows.js';
import { scratchDir } from '../support/scratch.js';

export const fixture = (name: string): string => fileURLToPath(new URL(`../../fixtures/tensors/${name}`, import.meta.url));

type JsonNumber = number | 'nan' | 'inf' | '-inf';

interface ExpectedFixture {
  shape: number[];
  storedDtype: string;
  rows: JsonNumber[][];
  bits?: number[];
}

/** numpy's decoding of each fixture (fixtures/tensors/expected.json, made by make_fixtures.py). */
export const EXPECTED: Record<string, ExpectedFixture> = JSON.parse(readFileSync(fixture('expected.json'), 'utf8')).fixtures;

export function fromJson(value: JsonNumber): number {
  if (value === 'nan') return NaN;
  if (value === 'inf') return Infinity;
  if (value === '-inf') return -Infinity;
  return value;
}

/** A value as a string that tells -0 from 0 and prints NaN, so rows compare exactly with toEqual. */
export function exact(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}

export const exactRows = (rows: ArrayLike<number>[]): string[][] => rows.map((row) => Array.from(row, exact));

export const expectedRows = (key: string): string[][] => EXPECTED[key].rows.map((row) => row.map((value) => exact(fromJson(value))));

export interface ReadResult {
  info: TensorInfo;
  rows: LogitRow[];
  batches: number[];
}

export async function readTensor(
  path: string,
  format: TensorFormat,
  options: TensorOptions = {},
  limits: ReadLimits = READ_LIMITS,
): Promise<ReadResult> {
  const stream = await openTensorRowsWith(path, format, options, limits);
  const info = stream.info();
  const rows: LogitRow[] = [];
  const batches: number[] = [];
  for await (const batch of stream) {
    rows.push(...batch);
    batches.push(batch.length);
  }
  return { info, rows, batches };
}

/** The InputError reading `path` must throw, with its problem and position. */
export async function tensorError(
  path: string,
  format: TensorFormat,
  options: TensorOptions = {},
): Promise<{ problem: string; file: string; member?: string; byteOffset?: number }> {
  try {
    await readTensor(path, format, options);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    const { problem, position } = error as InputError;
    return { problem, ...position };
  }
  throw new Error(`expected an InputError reading ${path}, but it was read`);
}

let scratch: string | undefined;

/** Writes `bytes` to a new file in a per-process temporary directory and returns its path. */
export function tempFile(name: string, bytes: Uint8Array | string): string {
  scratch ??= scratchDir('tensors');
  const path = join(scratch, name);
  writeFileSync(path, bytes);
  return path;
}

/**
 * A .npy file as numpy lays it out: magic, version, little-endian header length, the header
 * text padded with spaces to a multiple of 64 bytes (ending in '\n'), then `data`.
 */
export function npyBytes(header: string, data: Uint8Array, version: 1 | 2 | 3 = 1): Uint8Array {
  const preamble = version === 1 ? 10 : 12;
  const headerText = Buffer.from(header, version === 3 ? 'utf8' : 'latin1');
  const padded = Math.ceil((preamble + headerText.length + 1) / 64) * 64 - preamble;
  const out = Buffer.alloc(preamble + padded + data.length, 0x20);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]).copy(out, 0);
  if (version === 1) out.writeUInt16LE(padded, 8);
  else out.writeUInt32LE(padded, 8);
  headerText.copy(out, preamble);
  out[preamble + padded - 1] = 0x0a;
  Buffer.from(data.buffer, data.byteOffset, data.byteLength).copy(out, preamble + padded);
  return out;
}

/** The header numpy writes for a float array. */
export function npyHeader(descr: string, shape: number[], fortran = false): string {
  const tuple = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  return `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${tuple}, }`;
}

/** A safetensors file: 8-byte little-endian length, the JSON header (text, raw bytes, or an object to stringify), the data. */
export function safetensorsBytes(header: string | Uint8Array | object, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const text =
    header instanceof Uint8Array ? Buffer.from(header) : Buffer.from(typeof header === 'string' ? header : JSON.stringify(header), 'utf8');
  const out = Buffer.alloc(8 + text.length + data.length);
  out.writeBigUInt64LE(BigInt(text.length), 0);
  text.copy(out, 8);
  Buffer.from(data.buffer, data.byteOffset, data.byteLength).copy(out, 8 + text.length);
  return out;
}

/**
 * float16 bits to value by the textbook formula, sharing nothing with the implementation:
 * (-1)^s * 2^(e-15) * (1 + f/1024) for normal numbers, (-1)^s * 2^-14 * (f/1024) for
 * subnormals, infinity or NaN for e = 31.
 */
export function float16ByFormula(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 31) return fraction === 0 ? sign * Infinity : NaN;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** bfloat16 bits to value: the float32 with those bits on top, through a typed-array view. */
export function bfloat16ByFloat32(bits: number): number {
  const words = new Uint32Array([bits * 0x10000]);
  return new Float32Array(words.buffer)[0];
}

export interface ZipEntry {
  name: string;
  /** The member's bytes, uncompressed. */
  data: Uint8Array;
  /** Deflate it (np.savez_compressed) rather than store it (np.savez). */
  deflate?: boolean;
}

/**
 * A plain zip archive (no zip64, no data descriptors, no comment), laid out by the APPNOTE:
 * local header and data per member, then the central directory and the end record. The CRC-32
 * is the reader's own function, which test/input/crc32.test.ts checks against zlib's.
 */
export function zipBytes(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, data, deflate } of entries) {
    const nameBytes = Buffer.from(name, 'utf8');
    const stored = deflate === true ? deflateRawSync(data) : Buffer.from(data);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(deflate === true ? 8 : 0, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(stored.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    locals.push(local, nameBytes, stored);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(deflate === true ? 8 : 0, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(stored.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + stored.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** Where a zip's central directory starts, from its end record (the last 22 bytes of an archive without a comment). */
export function centralDirectoryStart(zip: Uint8Array): number {
  return Buffer.from(zip).readUInt32LE(zip.length - 22 + 16);
}
