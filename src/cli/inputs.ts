import { tmpdir } from 'node:os';
import { UsageError } from '../errors.js';
import type { InputSources, RowStream } from '../input/open-input.js';
import type { LogitRow } from '../input/row.js';
import type { CliIO } from './io.js';

/** FILE arguments as given; `-`, or no FILE with data piped in, means stdin. */
export function inputNames(files: string[], io: CliIO): string[] {
  if (files.length > 0) {
    if (files.filter((f) => f === '-').length > 1) throw new UsageError('stdin (-) can be read only once');
    return files;
  }
  if (io.stdin.isTTY) throw new UsageError('no input: give a FILE, or pipe logits to stdin (see --help)');
  return ['-'];
}

/** What src/input reads besides files: the CLI's stdin, and $TMPDIR for the copy of a piped tensor. */
export function inputSources(io: CliIO): InputSources {
  return { stdin: io.stdin, tempDirectory: io.env.TMPDIR || tmpdir() };
}

/** Writes the reader's notes (a column left out, a header read as data) to stderr once they are known: after the first batch. */
export async function* withNotes(rows: RowStream, io: CliIO): AsyncGenerator<LogitRow[]> {
  let first = true;
  for await (const batch of rows) {
    if (first) for (const note of rows.info().notes ?? []) io.stderr.write(`logitcheck: note: ${note}\n`);
    first = false;
    yield batch;
  }
}
