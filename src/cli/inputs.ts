import { statSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { openFile, readRows, type RowStream } from '../input/open-rows.js';
import type { ReadOptions } from '../input/row.js';
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

/** Opens an input; `through` may wrap its bytes (the progress bar counts them). */
export function openRows(file: string, io: CliIO, options: ReadOptions, through: (bytes: ByteStream) => ByteStream = (b) => b): { name: string; rows: RowStream } {
  if (file === '-') return { name: STDIN_NAME, rows: readRows(STDIN_NAME, through(io.stdin), options) };
  return { name: file, rows: readRows(file, through(openFile(file)), options) };
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
