// The binary readers' public face: a .npy, .npz or safetensors file in, batches of rows out.
//
// The header is read and checked when the file is opened, including that the file is long
// enough for the data it promises, so a truncated or lying file fails before any row is
// produced. The data is then read at offsets in chunks of a few MB: memory depends on the
// batch size and the row length K, never on the file size. (A deflated .npz member is read
// as it is inflated, see npz.ts; its CRC-32 can only be checked after its last row.)

import { tmpdir } from 'node:os';
import type { Dtype } from '../../formats/index.js';
import { RowBatcher } from '../batch.js';
import { bfloat16FromBits, float16Values } from './half-floats.js';
import { readNpyLayout } from './npy.js';
import { openNpzArray } from './npz.js';
import type { LogitRow } from '../row.js';
import { readSafetensorsLayout } from './safetensors.js';
import { openFileData, TensorFile, type TensorData } from './tensor-file.js';
import { ITEM_SIZE, readsInOrder, type TensorLayout } from './tensor-layout.js';

export type TensorFormat = 'npy' | 'npz' | 'safetensors';

export interface TensorOptions {
  /** safetensors and .npz: the tensor (array) to read; needed when the file holds several. */
  tensor?: string;
  /** .npz: where a deflated Fortran-order array is inflated to be read (default: the system's temporary directory). */
  tempDirectory?: string;
}

export interface TensorInfo {
  /** The input as errors and reports name it: the path as the user gave it, or <stdin>. */
  name: string;
  format: TensorFormat;
  /** How the file stores the values: 'float16', 'bfloat16', 'float32' or 'float64'. */
  storedDtype: string;
  shape: number[];
  /** safetensors: the tensor's name; .npz: the array's (its member without '.npy'). */
  tensor?: string;
  /** The product of the leading axes (1 for a 1-D array). */
  rows: number;
  /** K, the last axis. */
  columns: number;
}

export interface TensorRowStream extends AsyncIterable<LogitRow[]> {
  /** Valid right after open. */
  info(): TensorInfo;
}

/** How much is read at once; tests shrink these to reach every path with small files. */
export interface ReadLimits {
  /** Largest single read (C order: a chunk of items; Fortran order: one run of a column). */
  chunkBytes: number;
  /** Fortran order: rows gathered per block, in logits (one block is read as K column reads per run). */
  fortranBlockLogits: number;
  /** Fortran order: unwanted bytes between two wanted items that are read through rather than making two reads. */
  gapBytes: number;
}

export const READ_LIMITS: Readonly<ReadLimits> = { chunkBytes: 4 << 20, fortranBlockLogits: 1 << 20, gapBytes: 64 << 10 };

/**
 * Opens a file (path) and streams its rows: the last axis is the class axis, leading axes are
 * flattened into rows (a 1-D array is one row), in C order over the leading axes, as
 * `arr.reshape(-1, K)` in numpy. `options.tensor` picks a safetensors tensor or a .npz array
 * (ignored for .npy). Rejects with an InputError for an unreadable file or a bad header. `name`
 * is what errors and the report call the input: the path, unless the file is a copy of stdin.
 */
export async function openTensorRows(path: string, format: TensorFormat, options: TensorOptions, name = path): Promise<TensorRowStream> {
  return openTensorRowsWith(path, format, options, READ_LIMITS, name);
}

/** openTensorRows with its read sizes given (for tests). */
export async function openTensorRowsWith(
  path: string,
  format: TensorFormat,
  options: TensorOptions,
  limits: Readonly<ReadLimits>,
  name = path,
): Promise<TensorRowStream> {
  const file = await TensorFile.open(path, name);
  let layout: TensorLayout & { rows: number; columns: number };
  let openData: () => Promise<TensorData>;
  try {
    if (format === 'npy' || format === 'safetensors') {
      layout = format === 'npy' ? await readNpyLayout(file) : await readSafetensorsLayout(file, options.tensor);
      const size = file.size;
      openData = () => openFileData(path, name, size);
    } else if (format === 'npz') {
      ({ layout, openData } = await openNpzArray(file, path, options.tensor, options.tempDirectory ?? tmpdir()));
    } else {
      throw new Error(`openTensorRows: unknown format '${String(format)}'`);
    }
  } finally {
    // Closed until the rows are iterated, so opening many inputs up front holds no descriptors.
    await file.close();
  }
  const info: TensorInfo = {
    name,
    format,
    storedDtype: layout.dtype,
    shape: [...layout.shape],
    ...(layout.tensor === undefined ? {} : { tensor: layout.tensor }),
    rows: layout.rows,
    columns: layout.columns,
  };
  return {
    [Symbol.asyncIterator]: () => rowBatches(openData, layout, limits),
    info: () => info,
  };
}

async function* rowBatches(
  openData: () => Promise<TensorData>,
  layout: TensorLayout & { rows: number; columns: number },
  limits: Readonly<ReadLimits>,
): AsyncGenerator<LogitRow[]> {
  const data = await openData();
  try {
    const batcher = new RowBatcher();
    yield* readsInOrder(layout) ? cOrderRows(data, layout, limits, batcher) : fortranOrderRows(data, layout, limits, batcher);
    // Before the last batch, so a damaged deflated member fails before all its rows are out.
    await data.finish();
    if (batcher.pending > 0) yield batcher.take();
  } finally {
    await data.close();
  }
}

type ItemReader = (view: DataView, byteOffset: number) => number;

function itemReader(dtype: Dtype, littleEndian: boolean): ItemReader {
  switch (dtype) {
    case 'float64':
      return littleEndian ? (view, at) => view.getFloat64(at, true) : (view, at) => view.getFloat64(at, false);
    case 'float32':
      return littleEndian ? (view, at) => view.getFloat32(at, true) : (view, at) => view.getFloat32(at, false);
    case 'float16': {
      const values = float16Values();
      return littleEndian ? (view, at) => values[view.getUint16(at, true)] : (view, at) => values[view.getUint16(at, false)];
    }
    case 'bfloat16':
      return littleEndian ? (view, at) => bfloat16FromBits(view.getUint16(at, true)) : (view, at) => bfloat16FromBits(view.getUint16(at, false));
  }
}

/** Row-major data: items in order, read in chunks; a row may span chunks. Yields whenever a batch is full. */
async function* cOrderRows(
  file: TensorData,
  layout: TensorLayout & { rows: number; columns: number },
  limits: Readonly<ReadLimits>,
  batcher: RowBatcher,
): AsyncGenerator<LogitRow[]> {
  const { rows, columns } = layout;
  const itemSize = ITEM_SIZE[layout.dtype];
  const read = itemReader(layout.dtype, layout.littleEndian);
  const total = rows * columns;
  const chunkItems = Math.min(total, Math.max(1, Math.floor(limits.chunkBytes / itemSize)));
  const chunk = new Uint8Array(chunkItems * itemSize);
  const view = new DataView(chunk.buffer);
  let row = new Float64Array(columns);
  let column = 0;
  for (let done = 0; done < total; ) {
    const count = Math.min(chunkItems, total - done);
    await file.read(layout.dataOffset + done * itemSize, chunk, count * itemSize);
    for (let item = 0; item < count; item++) {
      row[column++] = read(view, item * itemSize);
      if (column === columns) {
        batcher.add(row, 0);
        column = 0;
        if (done + item + 1 < total) row = new Float64Array(columns);
        if (batcher.full) yield batcher.take();
      }
    }
    done += count;
  }
}

// Column-major (numpy's fortran_order) data. Element (i0, ..., i_{m-1}, j) of an array of shape
// (d0, ..., d_{m-1}, K) is stored at item index p + R*j, where R = d0*...*d_{m-1} is the row
// count and p = i0 + d0*i1 + d0*d1*i2 + ... is the leading index's Fortran position (the first
// axis varies fastest). So class j of every row is one contiguous "column" of R items from
// item R*j, and within each column a row sits at its position p. Rows are still numbered, and
// produced, in C order over the leading axes (the last one varies fastest), as numpy's
// arr.reshape(-1, K) numbers them.
//
// A block of consecutive rows is gathered at a time. For 2-D (N, K), p is the row index: rows
// r..r+B are, in each column j, the run of B items from item j*N + r, so a block costs K
// reads. With more leading axes a block's positions are scattered; they are sorted and grouped
// into runs (a gap of at most gapBytes is read through), and a block costs K reads per run.
// Memory: one block of rows (about fortranBlockLogits) plus one run (at most chunkBytes).
async function* fortranOrderRows(
  file: TensorData,
  layout: TensorLayout & { rows: number; columns: number },
  limits: Readonly<ReadLimits>,
  batcher: RowBatcher,
): AsyncGenerator<LogitRow[]> {
  const { rows, columns } = layout;
  const itemSize = ITEM_SIZE[layout.dtype];
  const read = itemReader(layout.dtype, layout.littleEndian);
  const leading = layout.shape.slice(0, -1);
  const fortranStrides: number[] = [];
  for (let axis = 0, stride = 1; axis < leading.length; stride *= leading[axis], axis++) fortranStrides.push(stride);
  const blockRows = Math.max(1, Math.floor(limits.fortranBlockLogits / columns));
  const maxRunItems = Math.max(1, Math.floor(limits.chunkBytes / itemSize));
  const maxGapItems = Math.max(0, Math.floor(limits.gapBytes / itemSize));
  const scratch = new Uint8Array(Math.min(maxRunItems, rows) * itemSize);
  const view = new DataView(scratch.buffer);

  for (let first = 0; first < rows; first += blockRows) {
    const count = Math.min(blockRows, rows - first);
    const positions = new Float64Array(count);
    for (let slot = 0; slot < count; slot++) positions[slot] = fortranPosition(first + slot, leading, fortranStrides);
    const order = slotsByPosition(positions);
    const runs = groupRuns(positions, order, maxRunItems, maxGapItems);
    const block = Array.from({ length: count }, () => new Float64Array(columns));
    for (let column = 0; column < columns; column++) {
      const columnStart = layout.dataOffset + column * rows * itemSize;
      for (const run of runs) {
        await file.read(columnStart + run.firstPosition * itemSize, scratch, run.items * itemSize);
        for (let index = run.start; index < run.end; index++) {
          const slot = order[index];
          block[slot][column] = read(view, (positions[slot] - run.firstPosition) * itemSize);
        }
      }
    }
    for (const values of block) {
      batcher.add(values, 0);
      if (batcher.full) yield batcher.take();
    }
  }
}

/** The Fortran position of the row with C-order index `row` over the leading axes. */
function fortranPosition(row: number, leading: readonly number[], fortranStrides: readonly number[]): number {
  let rest = row;
  let position = 0;
  for (let axis = leading.length - 1; axis >= 0; axis--) {
    const index = rest % leading[axis];
    rest = (rest - index) / leading[axis];
    position += index * fortranStrides[axis];
  }
  return position;
}

/** The block's slots in increasing position (already so for 2-D arrays). */
function slotsByPosition(positions: Float64Array): Uint32Array {
  const order = new Uint32Array(positions.length);
  let sorted = true;
  for (let slot = 0; slot < order.length; slot++) {
    order[slot] = slot;
    if (slot > 0 && positions[slot] < positions[slot - 1]) sorted = false;
  }
  if (!sorted) order.sort((a, b) => positions[a] - positions[b]);
  return order;
}

interface Run {
  /** order[start..end) are the slots read by this run. */
  start: number;
  end: number;
  firstPosition: number;
  /** Items read: from the first position to the last, gaps included. */
  items: number;
}

function groupRuns(positions: Float64Array, order: Uint32Array, maxRunItems: number, maxGapItems: number): Run[] {
  const runs: Run[] = [];
  let start = 0;
  for (let index = 1; index <= order.length; index++) {
    const firstPosition = positions[order[start]];
    const last = positions[order[index - 1]];
    const next = index < order.length ? positions[order[index]] : Infinity;
    if (next - last - 1 > maxGapItems || next - firstPosition + 1 > maxRunItems) {
      runs.push({ start, end: index, firstPosition, items: last - firstPosition + 1 });
      start = index;
    }
  }
  return runs;
}
