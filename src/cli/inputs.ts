import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { UsageError } from '../errors.js';
import { peekBytes } from '../input/byte-head.js';
import { checkTextOptions, openFile, readRows, type RowStream } from '../input/open-rows.js';
import { FLAG } from '../input/option-flags.js';
import type { LogitRow, ReadOptions } from '../input/row.js';
import { formatFromName, sniffTensorFormat, TENSOR_SNIFF_BYTES } from '../input/sniff.js';
import { spoolToFile } from '../input/spool.js';
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

/** Where a tensor's bytes are: a file read at offsets, or a stream (stdin, a pipe) copied to a temporary file first. */
type TensorSource = { path: string } | { bytes: ByteStream; directory: string };

/**
 * Opens an input; `through` may wrap its bytes (the progress bar counts them). Tensors read at
 * offsets bypass it; a tensor found on stdin by its first bytes is counted while it is copied.
 */
export function openRows(file: string, io: CliIO, options: ReadOptions, through: (bytes: ByteStream) => ByteStream = (b) => b): { name: string; rows: RowStream } {
  const name = file === '-' ? STDIN_NAME : file;
  const tensorFormat = tensorFormatOf(file, options);
  if (tensorFormat !== undefined) {
    checkTensorOptions(tensorFormat, options);
    const source: TensorSource = isRegularFile(file) === false ? { bytes: file === '-' ? io.stdin : openFile(file), directory: tempDirectory(io) } : { path: file };
    return { name, rows: lazyTensorRows(name, tensorFormat, options, source) };
  }
  const bytes = through(file === '-' ? io.stdin : openFile(file));
  if (options.format !== undefined || formatFromName(file) !== undefined || isRegularFile(file) !== false) {
    return { name, rows: readRows(name, bytes, options) };
  }
  // stdin or a pipe, and nothing says what it holds (`np.save(sys.stdout.buffer, logits) | logitcheck`).
  return { name, rows: sniffedRows(name, bytes, options, io) };
}

/**
 * The binary format of an input, when the flag, the extension or (for a regular file with an
 * unknown extension) its first bytes say so; stdin and pipes are sniffed as they are read.
 */
export function tensorFormatOf(file: string, options: ReadOptions): TensorFormat | undefined {
  if (options.format === 'npy' || options.format === 'safetensors') return options.format;
  if (options.format !== undefined) return undefined;
  const lower = file.toLowerCase();
  if (lower.endsWith('.npy')) return 'npy';
  if (lower.endsWith('.safetensors')) return 'safetensors';
  if (formatFromName(file) !== undefined || isRegularFile(file) !== true) return undefined;
  return sniffTensorFormat(fileHead(file));
}

function checkTensorOptions(format: TensorFormat, options: ReadOptions): void {
  for (const [given, flag] of [
    [options.columns, FLAG.columns],
    [options.excludeColumns, FLAG.excludeColumns],
    [options.delimiter, FLAG.delimiter],
    [options.header, options.header ? FLAG.header : FLAG.noHeader],
  ] as const) {
    if (given !== undefined) throw new UsageError(`${flag} applies to CSV input only, not to ${format}`);
  }
}

/** true for a regular file, false for stdin and anything else that exists (a pipe, a device), undefined when it cannot be examined (reading will say why). */
function isRegularFile(file: string): boolean | undefined {
  if (file === '-') return false;
  try {
    return statSync(file).isFile();
  } catch {
    return undefined;
  }
}

/** The first bytes of a regular file (fewer when it is shorter or cannot be read: reading will say why). */
function fileHead(file: string): Uint8Array {
  const head = new Uint8Array(TENSOR_SNIFF_BYTES);
  let descriptor: number | undefined;
  try {
    descriptor = openSync(file, 'r');
    return head.subarray(0, readSync(descriptor, head, 0, head.length, 0));
  } catch {
    return head.subarray(0, 0);
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}

function tempDirectory(io: CliIO): string {
  return io.env.TMPDIR || tmpdir();
}

/** A tensor as a RowStream, opened on the first iteration (like the text readers). */
function lazyTensorRows(name: string, format: TensorFormat, options: ReadOptions, source: TensorSource): RowStream {
  let stream: TensorRowStream | undefined;
  async function* batches(): AsyncGenerator<LogitRow[]> {
    // A stream is read from its copy, which is removed however reading ends.
    const { path, remove } = 'path' in source ? { path: source.path, remove: async () => {} } : await spoolToFile(name, source.bytes, source.directory);
    try {
      stream = await openTensorRows(path, format, { tensor: options.tensor }, name);
      yield* stream;
    } finally {
      await remove();
    }
  }
  const iterator = batches();
  return {
    [Symbol.asyncIterator]: () => iterator,
    info() {
      if (stream === undefined) throw new Error('RowStream.info() is valid only once the first batch has been produced');
      const { format: tensorFormat, columns, storedDtype, tensor, shape } = stream.info();
      return { name, format: tensorFormat, columns, storedDtype, tensor, shape };
    },
  };
}

/** stdin or a pipe with no format given: a binary tensor by its first bytes, else text. */
function sniffedRows(name: string, bytes: ByteStream, options: ReadOptions, io: CliIO): RowStream {
  checkTextOptions(options); // at once, as readRows does; a tensor refuses the CSV options below
  let inner: RowStream | undefined;
  async function* batches(): AsyncGenerator<LogitRow[]> {
    const { head, bytes: whole } = await peekBytes(bytes, TENSOR_SNIFF_BYTES);
    const format = sniffTensorFormat(head);
    if (format !== undefined) checkTensorOptions(format, options);
    inner = format === undefined ? readRows(name, whole, options) : lazyTensorRows(name, format, options, { bytes: whole, directory: tempDirectory(io) });
    yield* inner;
  }
  const iterator = batches();
  return {
    [Symbol.asyncIterator]: () => iterator,
    info() {
      if (inner === undefined) throw new Error('RowStream.info() is valid only once the first batch has been produced');
      return inner.info();
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
