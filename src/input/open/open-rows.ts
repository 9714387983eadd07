// The input readers' public face: a byte stream (or a whole text) in, batches of rows out.
//
// Memory does not grow with the number of rows: bytes are decoded chunk by chunk, parsers keep
// only the current partial field, token or row, and rows leave in batches of ~64K logits.

import { UsageError } from '../../errors.js';
import { BATCH_LOGITS, RowBatcher } from '../batch.js';
import { checkSpecs } from '../text/columns.js';
import { decodeUtf8 } from '../text/decode.js';
import { FLAG } from '../option-flags.js';
import type { InputInfo, LogitRow, ReadOptions } from '../row.js';
import { TextRowReader } from '../text/text-rows.js';
import { STRING_KEPT_CHARS } from '../text/json-tokenizer.js';
import { DEFAULT_KEY } from '../text/json-rows.js';

export { openFile } from './open-file.js';

export interface RowStream extends AsyncIterable<LogitRow[]> {
  /** Valid once the first batch has been produced (header, format, delimiter and K are known). */
  info(): InputInfo;
}

/** Text is fed to the parsers in slices of at most this many characters, so one huge chunk still makes batches of bounded size. */
const MAX_SLICE_CHARS = BATCH_LOGITS;

/**
 * Streams rows from a byte stream. `name` is the path as the user typed it, or '<stdin>'.
 * Bad options throw a UsageError at once; bad input throws an InputError while iterating.
 */
export function readRows(name: string, bytes: AsyncIterable<Uint8Array>, options: ReadOptions): RowStream {
  return streamRows(name, decodeUtf8(name, bytes), options);
}

/** Convenience for tests and small inputs: reads a whole string or byte array. */
export async function readAllRows(
  name: string,
  text: string | Uint8Array,
  options: ReadOptions = {},
): Promise<{ info: InputInfo; rows: LogitRow[] }> {
  const texts = typeof text === 'string' ? single(text) : decodeUtf8(name, single(text));
  const stream = streamRows(name, texts, options);
  const rows: LogitRow[] = [];
  for await (const batch of stream) rows.push(...batch);
  return { info: stream.info(), rows };
}

function streamRows(name: string, texts: AsyncIterable<string>, options: ReadOptions): RowStream {
  checkTextOptions(options);
  let info: InputInfo | undefined;
  async function* batches(): AsyncGenerator<LogitRow[]> {
    const rows = new RowBatcher();
    const reader = new TextRowReader(name, options, rows);
    for await (const text of texts) {
      for (let start = 0; start < text.length; start += MAX_SLICE_CHARS) {
        reader.push(text.length <= MAX_SLICE_CHARS ? text : text.slice(start, start + MAX_SLICE_CHARS));
        if (rows.full) {
          info ??= reader.info();
          yield rows.take();
        }
      }
    }
    reader.end();
    if (rows.pending > 0) {
      info ??= reader.info();
      yield rows.take();
    }
  }
  const iterator = batches();
  return {
    [Symbol.asyncIterator]: () => iterator,
    info(): InputInfo {
      if (info === undefined) throw new Error('RowStream.info() is valid only once the first batch has been produced');
      return info;
    },
  };
}

async function* single<T>(value: T): AsyncGenerator<T> {
  yield value;
}

/** Throws a UsageError for options a text reader cannot take (readRows does this at once). */
export function checkTextOptions(options: ReadOptions): void {
  const { format, delimiter } = options;
  if (format !== undefined && format !== 'csv' && format !== 'json' && format !== 'jsonl') {
    // npy, npz and safetensors are read by openTensorRows (src/input/tensor/tensor-rows.ts), from a file.
    throw new UsageError(`${FLAG.format}: expected csv, json or jsonl for a text input, got '${String(format)}'`);
  }
  if (delimiter !== undefined && (delimiter.length !== 1 || delimiter === '"' || delimiter === '\r' || delimiter === '\n')) {
    throw new UsageError(
      `${FLAG.delimiter}: expected one character other than a quote or a line end, got ${JSON.stringify(delimiter)}`,
    );
  }
  for (const [key, flag] of [
    [options.key, FLAG.key],
    [options.idKey, FLAG.idKey],
  ] as const) {
    // A longer key could not be told from another with the same first STRING_KEPT_CHARS characters.
    if (key !== undefined && key.length > STRING_KEPT_CHARS) throw new UsageError(`${flag}: a key longer than ${STRING_KEPT_CHARS} characters is not supported`);
  }
  if (options.idKey !== undefined && options.idKey === (options.key ?? DEFAULT_KEY)) {
    throw new UsageError(`${FLAG.idKey}: '${options.idKey}' is the key of the logits (${FLAG.key}); name the key that identifies each record`);
  }
  if (options.labelKey !== undefined && (options.labelKey === (options.key ?? DEFAULT_KEY) || options.labelKey === options.idKey)) {
    const other = options.labelKey === options.idKey ? `the key of the ids (${FLAG.idKey})` : `the key of the logits (${FLAG.key})`;
    throw new UsageError(`${FLAG.labelKey}: '${options.labelKey}' is ${other}; name the key that holds each record's label`);
  }
  checkSpecs(options.columns, FLAG.columns);
  checkSpecs(options.excludeColumns, FLAG.excludeColumns);
  if (options.labels !== undefined) checkSpecs([options.labels], FLAG.labels);
  if (options.labelKey !== undefined && options.labelKey.length > STRING_KEPT_CHARS) throw new UsageError(`${FLAG.labelKey}: a key longer than ${STRING_KEPT_CHARS} characters is not supported`);
}
