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

export function openRows(file: string, io: CliIO, options: ReadOptions): { name: string; rows: RowStream } {
  if (file === '-') return { name: STDIN_NAME, rows: readRows(STDIN_NAME, io.stdin, options) };
  return { name: file, rows: readRows(file, openFile(file), options) };
}
