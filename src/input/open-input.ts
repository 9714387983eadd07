// The one entry point of src/input: a FILE argument (or '-' for stdin) in, a stream of rows out,
// whatever the input holds. Choosing the format (flag, extension, first bytes), spooling a piped
// tensor, checking the options against the format and knowing the input's size all happen here,
// so the CLI opens an input with one call.

import { statSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { checkTextOptions, openFile, readRows, type RowStream } from './open/open-rows.js';
import { formatFromName, sniffTensorFormat, TENSOR_SNIFF_BYTES } from './open/sniff.js';
import { fileHead, peekBytes } from './open/byte-head.js';
import { spoolToFile } from './open/spool.js';
import { FLAG, rejectJsonOptions } from './option-flags.js';
import type { InputInfo, LogitRow, ReadOptions } from './row.js';
import { attachLabels } from './labels/attach-labels.js';
import { parseLabelsOption } from './labels/labels-option.js';
import { openLabelsFile } from './labels/open-labels.js';
import { npzLabels, safetensorsLabels } from './labels/tensor-labels.js';
import { binaryProblem } from './targets.js';
import { openTensorRows, type TensorFormat, type TensorRowStream } from './tensor/tensor-rows.js';

export type { RowStream } from './open/open-rows.js';

export const STDIN_NAME = '<stdin>';

type ByteStream = AsyncIterable<Uint8Array>;

/** What an input is read from besides its path: stdin, and where a piped tensor is copied. */
export interface InputSources {
  stdin: ByteStream;
  /** The directory for the copy of a tensor read from a stream ($TMPDIR). */
  tempDirectory: string;
}

export interface OpenedInput {
  /** The name reports and errors use: the path as typed, or '<stdin>'. */
  name: string;
  rows: RowStream;
  /** True when the input is read as a byte stream (text), so progress can count its bytes; false for tensors read at offsets. */
  countsBytes: boolean;
  /** The input's size in bytes, when known before reading (a regular file). */
  size: number | undefined;
}

/** Where a tensor's bytes are: a file read at offsets, or a stream (stdin, a pipe) copied to a temporary file first. */
type TensorSource = { path: string } | { bytes: ByteStream };

/**
 * Opens an input; `through` may wrap its bytes (the progress bar counts them). Tensors read at
 * offsets bypass it; a tensor found on stdin by its first bytes is counted while it is copied.
 * Bad options throw a UsageError at once; bad input throws an InputError while iterating.
 */
export function openInput(file: string, sources: InputSources, options: ReadOptions, through: (bytes: ByteStream) => ByteStream = (b) => b): OpenedInput {
  const name = file === '-' ? STDIN_NAME : file;
  const regular = isRegularFile(file);
  const size = regular === true ? statSync(file).size : undefined;
  // --labels FILE is joined to the rows here, whatever the input; the readers see only a column.
  const labels = options.labels === undefined ? undefined : parseLabelsOption(options.labels);
  const labelsFile = labels?.kind === 'file' ? labels : undefined;
  // One source of labels: a file and an in-file source would both claim the rows.
  for (const [given, flag] of [
    [options.labelsTensor, FLAG.labelsTensor],
    [options.labelKey, FLAG.labelKey],
  ] as const) {
    if (labelsFile !== undefined && given !== undefined) throw new UsageError(`${FLAG.labels} ${options.labels} and ${flag} contradict each other: give one`);
  }
  const readerOptions: ReadOptions = labelsFile === undefined ? options : { ...options, labels: undefined, noLabels: true };
  const withLabels = (rows: RowStream): RowStream => {
    const joined = labelsFile === undefined ? rows : attachLabels(rows, () => openLabelsFile(labelsFile.path, labelsFile.part, sources.tempDirectory), options, name);
    return checkedRows(joined, options, name);
  };
  const tensorFormat = tensorFormatOf(file, options, regular);
  if (tensorFormat !== undefined) {
    checkTensorOptions(tensorFormat, readerOptions);
    const source: TensorSource = regular === false ? { bytes: file === '-' ? sources.stdin : openFile(file) } : { path: file };
    return { name, rows: withLabels(lazyTensorRows(name, tensorFormat, readerOptions, source, sources.tempDirectory)), countsBytes: false, size };
  }
  const bytes = through(file === '-' ? sources.stdin : openFile(file));
  if (options.format !== undefined || formatFromName(file) !== undefined || regular !== false) {
    return { name, rows: withLabels(readRows(name, bytes, readerOptions)), countsBytes: true, size };
  }
  // stdin or a pipe, and nothing says what it holds (`np.save(sys.stdout.buffer, logits) | logitcheck`).
  return { name, rows: withLabels(sniffedRows(name, bytes, readerOptions, sources.tempDirectory)), countsBytes: true, size };
}

/**
 * The checks every input gets once its first batch is read, whatever its format: --binary needs
 * one logit per row, and --ignore-index needs labels.
 */
function checkedRows(rows: RowStream, options: ReadOptions, name: string): RowStream {
  async function* batches(): AsyncGenerator<LogitRow[]> {
    let first = true;
    for await (const batch of rows) {
      if (first) {
        first = false;
        const info = rows.info();
        const binary = binaryProblem(options.binary, info.columns, name);
        if (binary !== undefined) throw new UsageError(binary);
        if (options.ignoreIndex !== undefined && info.labels === undefined) {
          throw new UsageError(`${FLAG.ignoreIndex}: ${name} has no labels; give them with ${labelsHint(info)}`);
        }
      }
      yield batch;
    }
  }
  const iterator = batches();
  return { [Symbol.asyncIterator]: () => iterator, info: () => rows.info() };
}

/** How labels are given for an input like this one, for messages. */
function labelsHint(info: InputInfo): string {
  if (info.format === 'csv') return `${FLAG.labels} COLUMN or ${FLAG.labels} FILE`;
  if (info.format === 'json' || info.format === 'jsonl') return `${FLAG.labelKey} NAME or ${FLAG.labels} FILE`;
  return info.format === 'npy' ? `${FLAG.labels} FILE` : `${FLAG.labelsTensor} NAME or ${FLAG.labels} FILE`;
}

/**
 * The binary format of an input, when the flag, the extension or (for a regular file with an
 * unknown extension) its first bytes say so; stdin and pipes are sniffed as they are read.
 */
function tensorFormatOf(file: string, options: ReadOptions, regular: boolean | undefined): TensorFormat | undefined {
  if (options.format === 'npy' || options.format === 'npz' || options.format === 'safetensors') return options.format;
  if (options.format !== undefined) return undefined;
  const lower = file.toLowerCase();
  if (lower.endsWith('.npy')) return 'npy';
  if (lower.endsWith('.npz')) return 'npz';
  if (lower.endsWith('.safetensors')) return 'safetensors';
  if (formatFromName(file) !== undefined || regular !== true) return undefined;
  return sniffTensorFormat(fileHead(file, TENSOR_SNIFF_BYTES));
}

function checkTensorOptions(format: TensorFormat, options: ReadOptions): void {
  for (const [given, flag] of [
    [options.columns, FLAG.columns],
    [options.excludeColumns, FLAG.excludeColumns],
    [options.delimiter, FLAG.delimiter],
    [options.header, options.header ? FLAG.header : FLAG.noHeader],
    [options.idColumn, FLAG.idColumn],
    [options.emptyAsNaN, FLAG.emptyAsNaN],
  ] as const) {
    if (given !== undefined) throw new UsageError(`${flag} applies to CSV input only, not to ${format}`);
  }
  rejectJsonOptions(options, format);
  if (options.labels !== undefined) {
    // Not a file (openInput looked): a column, which a tensor has not.
    const tensorHint = format === 'npy' ? '' : `; for a tensor in the same file use ${FLAG.labelsTensor} NAME`;
    throw new UsageError(`${FLAG.labels} ${options.labels}: no such file (a column applies to CSV input only${tensorHint})`);
  }
  if (options.labelsTensor !== undefined && format === 'npy') {
    throw new UsageError(`${FLAG.labelsTensor} applies to .npz and safetensors input, which hold several tensors; a .npy holds one: give the labels' file with ${FLAG.labels} FILE`);
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


/**
 * A tensor as a RowStream, opened on the first iteration (like the text readers). A stream, and
 * a deflated Fortran-order .npz array, are copied into `tempDirectory`.
 */
function lazyTensorRows(name: string, format: TensorFormat, options: ReadOptions, source: TensorSource, tempDirectory: string): RowStream {
  let stream: TensorRowStream | undefined;
  let labelled: RowStream | undefined;
  const plainInfo = (): InputInfo => {
    if (stream === undefined) throw new Error('RowStream.info() is valid only once the first batch has been produced');
    const { format: tensorFormat, columns, storedDtype, tensor, shape } = stream.info();
    return { name, format: tensorFormat, columns, storedDtype, tensor, shape };
  };
  async function* batches(): AsyncGenerator<LogitRow[]> {
    // A stream is read from its copy, which is removed however reading ends.
    const { path, remove } = 'path' in source ? { path: source.path, remove: async () => {} } : await spoolToFile(name, source.bytes, tempDirectory);
    try {
      stream = await openTensorRows(path, format, { tensor: options.tensor, tempDirectory }, name);
      const labelsTensor = options.labelsTensor;
      if (labelsTensor === undefined) {
        yield* stream;
      } else {
        // The labels are in the same file (its copy, for a stream), read beside the rows.
        const choose = `${FLAG.labelsTensor} NAME`;
        const open = () => (format === 'npz' ? npzLabels(path, labelsTensor, tempDirectory, choose, name) : safetensorsLabels(path, labelsTensor, choose, name));
        labelled = attachLabels({ [Symbol.asyncIterator]: () => stream![Symbol.asyncIterator](), info: plainInfo }, open, options, name);
        yield* labelled;
      }
    } finally {
      await remove();
    }
  }
  const iterator = batches();
  return {
    [Symbol.asyncIterator]: () => iterator,
    info: () => (labelled === undefined ? plainInfo() : labelled.info()),
  };
}

/** stdin or a pipe with no format given: a binary tensor by its first bytes, else text. */
function sniffedRows(name: string, bytes: ByteStream, options: ReadOptions, tempDirectory: string): RowStream {
  checkTextOptions(options); // at once, as readRows does; a tensor refuses the CSV options below
  let inner: RowStream | undefined;
  async function* batches(): AsyncGenerator<LogitRow[]> {
    const { head, bytes: whole } = await peekBytes(bytes, TENSOR_SNIFF_BYTES);
    const format = sniffTensorFormat(head);
    if (format !== undefined) checkTensorOptions(format, options);
    inner = format === undefined ? readRows(name, whole, options) : lazyTensorRows(name, format, options, { bytes: whole }, tempDirectory);
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
