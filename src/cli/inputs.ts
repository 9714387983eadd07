import { statSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { openFile, readRows, type RowStream } from '../input/open-rows.js';
import { FLAG } from '../input/option-flags.js';
import type { LogitRow, ReadOptions } from '../input/row.js';
import { openTensorRows, type TensorFormat, type TensorRowStream } from '../input/tensor-rows.js';
import type { CliIO } from './io.js';

export const STDIN_NAME = '<stdin>';

/** FILE arguments as given; `-`, or no FILE with data piped in, means stdin. */
export function inputNames(files: string[], io: CliIO): string[] {
  if (files.length > 0) {
    if (files.filter((f) => f === '-').length > 1) throw new UsageError('stdin (-) can be read only once');
    return files;
  }
  if (io.stdin.isTTY) throw new UsageError('no input: give a FILE, or pipe logits to stdin (see --help)');
  return ['-'];
}

type ByteStream = AsyncIterable<Uint8Array>;

/** Opens an input; `through` may wrap its bytes (the progress bar counts them; tensors are read at offsets, not through it). */
export function openRows(file: string, io: CliIO, options: ReadOptions, through: (bytes: ByteStream) => ByteStream = (b) => b): { name: string; rows: RowStream } {
  const tensorFormat = tensorFormatOf(file, options);
  if (tensorFormat !== undefined) {
    if (file === '-') throw new UsageError(`${FLAG.format} ${tensorFormat}: .npy and safetensors files are read at offsets; give a file path, not stdin`);
    for (const [given, flag] of [
      [options.columns, FLAG.columns],
      [options.excludeColumns, FLAG.excludeColumns],
      [options.delimiter, FLAG.delimiter],
      [options.header, options.header ? FLAG.header : FLAG.noHeader],
    ] as const) {
      if (given !== undefined) throw new UsageError(`${flag} applies to CSV input only, not to ${tensorFormat}`);
    }
    return { name: file, rows: lazyTensorRows(file, tensorFormat, options) };
  }
  if (file === '-') return { name: STDIN_NAME, rows: readRows(STDIN_NAME, through(io.stdin), options) };
  return { name: file, rows: readRows(file, through(openFile(file)), options) };
}

export function tensorFormatOf(file: string, options: ReadOptions): TensorFormat | undefined {
  if (options.format === 'npy' || options.format === 'safetensors') return options.format;
  if (options.format !== undefined) return undefined;
  const lower = file.toLowerCase();
  return lower.endsWith('.npy') ? 'npy' : lower.endsWith('.safetensors') ? 'safetensors' : undefined;
}

/** A tensor file as a RowStream, opened on the first iteration (like the text readers). */
function lazyTensorRows(file: string, format: TensorFormat, options: ReadOptions): RowStream {
  let stream: TensorRowStream | undefined;
  async function* batches(): AsyncGenerator<LogitRow[]> {
    stream = await openTensorRows(file, format, { tensor: options.tensor });
    yield* stream;
  }
  const iterator = batches();
  return {
    [Symbol.asyncIterator]: () => iterator,
    info() {
      if (stream === undefined) throw new Error('RowStream.info() is valid only once the first batch has been produced');
      const { name, format: tensorFormat, columns, storedDtype, tensor, shape } = stream.info();
      return { name, format: tensorFormat, columns, storedDtype, tensor, shape };
    },
  };
}

/** The size of a file input in bytes, when it can be known before reading (not stdin). */
export function inputSize(file: string): number | undefined {
  if (file === '-') return undefined;
  try {
    const stats = statSync(file);
    return stats.isFile() ? stats.size : undefined;
  } catch {
    return undefined; // reading will report the problem, with the file's name
  }
}
