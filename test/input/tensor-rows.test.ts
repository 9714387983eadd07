// The row streamer behind both binary formats: any shape, dtype, byte order and layout (C or
// Fortran) against an independent model of the layout; batching; bounded reads.

import { appendFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InputError } from '../../src/errors.js';
import { BATCH_LOGITS } from '../../src/input/batch.js';
import { TensorFile } from '../../src/input/tensor/tensor-file.js';
import { openTensorRows, READ_LIMITS, type TensorFormat } from '../../src/input/tensor/tensor-rows.js';
import {
  bfloat16ByFloat32,
  exact,
  exactRows,
  float16ByFormula,
  npyBytes,
  npyHeader,
  readTensor,
  safetensorsBytes,
  tempFile,
} from './tensor-helpers.js';

afterEach(() => {
  vi.restoreAllMocks();
});

interface Stored {
  /** numpy descr (npy) or safetensors dtype. */
  name: string;
  itemSize: number;
  /** The value of the item whose bytes start at `at`, decoded here without the code under test. */
  decode: (bytes: Buffer, at: number) => number;
}

const NPY_DTYPES: Stored[] = [
  { name: '<f2', itemSize: 2, decode: (b, at) => float16ByFormula(b.readUInt16LE(at)) },
  { name: '>f2', itemSize: 2, decode: (b, at) => float16ByFormula(b.readUInt16BE(at)) },
  { name: '<f4', itemSize: 4, decode: (b, at) => b.readFloatLE(at) },
  { name: '>f4', itemSize: 4, decode: (b, at) => b.readFloatBE(at) },
  { name: '<f8', itemSize: 8, decode: (b, at) => b.readDoubleLE(at) },
  { name: '>f8', itemSize: 8, decode: (b, at) => b.readDoubleBE(at) },
];

const SAFETENSORS_DTYPES: Stored[] = [
  { name: 'F16', itemSize: 2, decode: (b, at) => float16ByFormula(b.readUInt16LE(at)) },
  { name: 'BF16', itemSize: 2, decode: (b, at) => bfloat16ByFloat32(b.readUInt16LE(at)) },
  { name: 'F32', itemSize: 4, decode: (b, at) => b.readFloatLE(at) },
  { name: 'F64', itemSize: 8, decode: (b, at) => b.readDoubleLE(at) },
];

const product = (dims: number[]) => dims.reduce((a, b) => a * b, 1);

/**
 * The file's data region for items given in C order: C order as is; Fortran order by walking
 * the multi-indices with the first axis fastest and copying each item from its C position.
 */
function layoutData(cOrder: Buffer, shape: number[], itemSize: number, fortran: boolean): Buffer {
  if (!fortran) return cOrder;
  const out = Buffer.alloc(cOrder.length);
  const index = shape.map(() => 0);
  for (let f = 0; f < product(shape); f++) {
    let c = 0;
    for (let axis = 0; axis < shape.length; axis++) c = c * shape[axis] + index[axis];
    cOrder.copy(out, f * itemSize, c * itemSize, (c + 1) * itemSize);
    for (let axis = 0; axis < shape.length && ++index[axis] === shape[axis]; axis++) index[axis] = 0;
  }
  return out;
}

/** The expected rows: C-order items, K at a time. */
function expectedRowsOf(cOrder: Buffer, shape: number[], stored: Stored): string[][] {
  const columns = shape[shape.length - 1];
  const rows: string[][] = [];
  for (let r = 0; r < product(shape) / columns; r++) {
    rows.push(Array.from({ length: columns }, (_, j) => exact(stored.decode(cOrder, (r * columns + j) * stored.itemSize))));
  }
  return rows;
}

let fileCount = 0;

describe('any shape, dtype, byte order and layout, with any read sizes', () => {
  const scenario = fc
    .record({
      format: fc.constantFrom<TensorFormat>('npy', 'safetensors'),
      dtypeIndex: fc.nat(5),
      leading: fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 3 }),
      columns: fc.integer({ min: 1, max: 6 }),
      fortran: fc.boolean(),
      limits: fc.record({
        chunkBytes: fc.integer({ min: 1, max: 48 }),
        fortranBlockLogits: fc.integer({ min: 1, max: 40 }),
        gapBytes: fc.integer({ min: 0, max: 24 }),
      }),
    })
    .chain((s) => {
      const dtypes = s.format === 'npy' ? NPY_DTYPES : SAFETENSORS_DTYPES;
      const stored = dtypes[s.dtypeIndex % dtypes.length];
      const shape = [...s.leading, s.columns];
      const bytes = product(shape) * stored.itemSize;
      return fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((data) => ({ ...s, stored, shape, data: Buffer.from(data) }));
    });

  it('rows equal reshape(-1, K) of the C-order items, numbered in order', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ format, stored, shape, fortran, limits, data }) => {
        const isFortran = format === 'npy' && fortran;
        const fileData = layoutData(data, shape, stored.itemSize, isFortran);
        const bytes =
          format === 'npy'
            ? npyBytes(npyHeader(stored.name, shape, isFortran), fileData)
            : safetensorsBytes({ logits: { dtype: stored.name, shape, data_offsets: [0, fileData.length] } }, fileData);
        const path = tempFile(`property-${fileCount++}.${format}`, bytes);
        const { info, rows } = await readTensor(path, format, {}, limits);
        expect(exactRows(rows.map((row) => row.values))).toEqual(expectedRowsOf(data, shape, stored));
        expect(rows.map((row) => row.index)).toEqual(rows.map((_, index) => index));
        expect(info).toMatchObject({ shape, rows: product(shape) / shape[shape.length - 1], columns: shape[shape.length - 1] });
      }),
      { numRuns: 300 },
    );
  });

  it('Fortran order (2, 3, 4), by hand: item (i, j, k) at i + 2j + 6k', async () => {
    // Item at file position p holds the value p; row (i, j) is C-order row 3i + j.
    const data = Buffer.from(new Float32Array(Array.from({ length: 24 }, (_, p) => p)).buffer);
    const path = tempFile('fortran-2x3x4.npy', npyBytes(npyHeader('<f4', [2, 3, 4], true), data));
    const { rows } = await readTensor(path, 'npy', {}, { chunkBytes: 8, fortranBlockLogits: 8, gapBytes: 0 });
    expect(rows.map((row) => Array.from(row.values))).toEqual([
      [0, 6, 12, 18], // (0, 0)
      [2, 8, 14, 20], // (0, 1)
      [4, 10, 16, 22], // (0, 2)
      [1, 7, 13, 19], // (1, 0)
      [3, 9, 15, 21], // (1, 1)
      [5, 11, 17, 23], // (1, 2)
    ]);
  });
});

describe('batches', () => {
  const rowsPerBatch = Math.ceil(BATCH_LOGITS / 100); // 656 rows of 100 logits reach a batch

  it('3000 rows of 100 float32 come in batches of about BATCH_LOGITS logits, in order', async () => {
    const values = Float32Array.from({ length: 300_000 }, (_, i) => (i % 7919) * 0.5 - 1000);
    const path = tempFile('batches.npy', npyBytes(npyHeader('<f4', [3000, 100]), new Uint8Array(values.buffer)));
    const { rows, batches } = await readTensor(path, 'npy');
    expect(batches).toEqual([rowsPerBatch, rowsPerBatch, rowsPerBatch, rowsPerBatch, 3000 - 4 * rowsPerBatch]);
    expect(rows.map((row) => row.index)).toEqual(rows.map((_, index) => index));
    expect(rows.every((row) => row.line === 0 && row.values.length === 100)).toBe(true);
    const wrong = rows.filter((row, r) => row.values.some((value, j) => value !== values[r * 100 + j]));
    expect(wrong.map((row) => row.index)).toEqual([]);
  });

  it('a Fortran (11000, 100) float16 array, larger than one gathered block, with the default limits', async () => {
    const rows = 11_000;
    const bitsAt = (r: number, j: number) => (r * 31 + j * 977) % 0x7c00; // finite, non-negative
    const data = Buffer.alloc(rows * 100 * 2);
    for (let r = 0; r < rows; r++) for (let j = 0; j < 100; j++) data.writeUInt16LE(bitsAt(r, j), (j * rows + r) * 2);
    const path = tempFile('fortran-large.npy', npyBytes(npyHeader('<f2', [rows, 100], true), data));
    const { rows: read, batches } = await readTensor(path, 'npy');
    expect(READ_LIMITS.fortranBlockLogits / 100).toBeLessThan(rows); // so it takes two blocks
    expect(batches.slice(0, -1).every((size) => size === rowsPerBatch)).toBe(true);
    expect(read.length).toBe(rows);
    const wrong = read.filter((row, r) => row.index !== r || row.values.some((value, j) => value !== float16ByFormula(bitsAt(r, j))));
    expect(wrong.map((row) => row.index)).toEqual([]);
  });

  it('a single row longer than a chunk (1-D, 100000 float64 read 64 KB at a time)', async () => {
    const values = Float64Array.from({ length: 100_000 }, (_, i) => Math.sin(i));
    const path = tempFile('long-row.npy', npyBytes(npyHeader('<f8', [100_000]), new Uint8Array(values.buffer)));
    const { rows, batches } = await readTensor(path, 'npy', {}, { ...READ_LIMITS, chunkBytes: 1 << 16 });
    expect(batches).toEqual([1]);
    expect(rows[0].values.length).toBe(100_000);
    expect(rows[0].values.findIndex((value, i) => value !== values[i])).toBe(-1);
  });
});

describe('bounded reads', () => {
  it('C order: every read is at most chunkBytes, and the data is read once, in order', async () => {
    const path = tempFile('bounded.npy', npyBytes(npyHeader('<f4', [3000, 100]), new Uint8Array(1_200_000)));
    const reads: Array<[number, number]> = [];
    const read = TensorFile.prototype.read;
    vi.spyOn(TensorFile.prototype, 'read').mockImplementation(function (this: TensorFile, position, into, length) {
      reads.push([position, length]);
      return read.call(this, position, into, length);
    });
    await readTensor(path, 'npy', {}, { ...READ_LIMITS, chunkBytes: 65_536 });
    const dataReads = reads.filter(([position]) => position >= 128);
    expect(Math.max(...reads.map(([, length]) => length))).toBe(65_536);
    expect(dataReads.map(([position]) => position)).toEqual(Array.from({ length: dataReads.length }, (_, i) => 128 + i * 65_536));
    expect(dataReads.reduce((sum, [, length]) => sum + length, 0)).toBe(1_200_000);
  });

  it('Fortran order: every read is at most chunkBytes', async () => {
    const path = tempFile('bounded-fortran.npy', npyBytes(npyHeader('<f8', [2000, 10], true), new Uint8Array(160_000)));
    const lengths: number[] = [];
    const read = TensorFile.prototype.read;
    vi.spyOn(TensorFile.prototype, 'read').mockImplementation(function (this: TensorFile, position, into, length) {
      lengths.push(length);
      return read.call(this, position, into, length);
    });
    const { rows } = await readTensor(path, 'npy', {}, { chunkBytes: 4096, fortranBlockLogits: 20_000, gapBytes: 0 });
    expect(rows.length).toBe(2000);
    expect(Math.max(...lengths)).toBe(4096);
  });
});

describe('the stream', () => {
  it('can be iterated twice, with the same rows', async () => {
    const path = tempFile('twice.npy', npyBytes(npyHeader('<f4', [2, 2]), new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer)));
    const stream = await openTensorRows(path, 'npy', {});
    const once = [];
    for await (const batch of stream) once.push(...batch);
    const twice = [];
    for await (const batch of stream) twice.push(...batch);
    expect(twice).toEqual(once);
  });

  it('closes the file after the header, and when iteration stops early', async () => {
    const path = tempFile('early.npy', npyBytes(npyHeader('<f4', [3000, 100]), new Uint8Array(1_200_000)));
    const close = vi.spyOn(TensorFile.prototype, 'close');
    const stream = await openTensorRows(path, 'npy', {});
    expect(close).toHaveBeenCalledTimes(1);
    for await (const batch of stream) {
      expect(batch.length).toBeGreaterThan(0);
      break;
    }
    expect(close).toHaveBeenCalledTimes(2);
  });

  it('a file that changes between open and iteration is an InputError, not a partial result', async () => {
    const path = tempFile('changing.npy', npyBytes(npyHeader('<f4', [2, 2]), new Uint8Array(16)));
    const stream = await openTensorRows(path, 'npy', {});
    appendFileSync(path, Buffer.alloc(16));
    const drain = async () => {
      for await (const batch of stream) expect(batch).toBeDefined();
    };
    await expect(drain()).rejects.toThrow(new InputError({ file: path }, 'changed since its header was read: it had 144 bytes, it now has 160'));
  });
});
