// Where a tensor's values are in a file and how they are stored: what the .npy and safetensors
// header readers produce and the row streamer consumes, with the checks both formats share.

import { InputError, type InputPosition } from '../../errors.js';
import type { Dtype } from '../../formats/index.js';

export interface TensorLayout {
  dtype: Dtype;
  littleEndian: boolean;
  /** At least one axis; the last one is the class axis. */
  shape: number[];
  /** Column-major (numpy's fortran_order); false for safetensors. */
  fortranOrder: boolean;
  /** Byte offset of the first element in what the rows are read from: the file, or a deflated .npz member's inflated bytes. */
  dataOffset: number;
  /** safetensors: the tensor's name; .npz: the array's. */
  tensor?: string;
}

/** Where a tensor is, for errors: its file and, inside an archive (.npz), its member. */
export type Place = Pick<InputPosition, 'file' | 'member'>;

export const ITEM_SIZE: Readonly<Record<Dtype, number>> = { float16: 2, bfloat16: 2, float32: 4, float64: 8 };

/**
 * Longest row accepted: a row is held in memory as float64 (1 GiB at this length), and a longer
 * one would fail to allocate. Almost certainly a file whose class axis is not the last one.
 */
export const MAX_ROW_LOGITS = 2 ** 27;

/** A shape the way numpy prints it: `(3, 4)`, `(5,)`, `()`. */
export function formatShape(shape: readonly (number | bigint)[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/**
 * Checks a tensor's shape before any data is read and returns its rows (the product of the
 * leading axes) and columns (the last axis). `at` is where the shape is written in the file.
 */
export function rowsAndColumns(
  where: Place,
  shape: readonly bigint[],
  at: number,
  what: string,
): { rows: number; columns: number } {
  if (shape.length === 0) {
    throw new InputError(
      { ...where, byteOffset: at },
      `${what} is 0-dimensional (a single number); logits need at least one axis, the last being the classes`,
    );
  }
  if (shape.some((dimension) => dimension === 0n)) {
    throw new InputError({ ...where, byteOffset: at }, `no data rows: ${what} has shape ${formatShape(shape)}, with no elements`);
  }
  const columns = shape[shape.length - 1];
  if (columns > BigInt(MAX_ROW_LOGITS)) {
    throw new InputError(
      { ...where, byteOffset: at },
      `rows of ${columns} logits (shape ${formatShape(shape)}) are longer than the ${MAX_ROW_LOGITS} logits a row may have; is the class axis the last one?`,
    );
  }
  const rows = shape.slice(0, -1).reduce((product, dimension) => product * dimension, 1n);
  if (rows * columns > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new InputError({ ...where, byteOffset: at }, `shape ${formatShape(shape)} has more elements than any file can hold`);
  }
  return { rows: Number(rows), columns: Number(columns) };
}

/**
 * Checks that the file holds all the data the header promises: the one check that catches a
 * truncated download before a single row is produced.
 */
export function checkDataFits(where: Place, layout: TensorLayout, dataBytes: number, fileSize: number): void {
  const end = layout.dataOffset + dataBytes;
  if (end > fileSize) {
    const whole = where.member === undefined ? 'file' : 'member';
    throw new InputError(
      { ...where, byteOffset: fileSize },
      `${whole} ends at byte ${fileSize} but the header promises ${dataBytes} bytes of data from byte ${layout.dataOffset} ` +
        `to byte ${end} (shape ${formatShape(layout.shape)}, ${layout.dtype}); is the ${whole} truncated?`,
    );
  }
}

/**
 * True when the rows are read front to back, in one pass (C order, or a Fortran-order array
 * of one row); false when they are gathered column by column (Fortran order), out of order.
 */
export function readsInOrder(layout: Pick<TensorLayout, 'fortranOrder'> & { rows: number }): boolean {
  return !layout.fortranOrder || layout.rows <= 1;
}
