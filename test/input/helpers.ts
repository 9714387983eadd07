// Shared by the input tests: read a text and return rows as plain arrays, or the InputError with
// its position, so a test states the expected line and column in one line.

import { expect } from 'vitest';
import { InputError } from '../../src/errors.js';
import { readAllRows, readRows } from '../../src/input/open/open-rows.js';
import type { InputInfo, LogitRow, ReadOptions } from '../../src/input/row.js';
import type { RowLabel } from '../../src/metrics/summary.js';

export async function rowsOf(text: string, options: ReadOptions = {}, name = 'in.csv'): Promise<number[][]> {
  const { rows } = await readAllRows(name, text, options);
  return rows.map((row) => Array.from(row.values));
}

export async function linesOf(text: string, options: ReadOptions = {}, name = 'in.csv'): Promise<number[]> {
  const { rows } = await readAllRows(name, text, options);
  return rows.map((row) => row.line);
}

export async function infoOf(text: string, options: ReadOptions = {}, name = 'in.csv'): Promise<InputInfo> {
  return (await readAllRows(name, text, options)).info;
}

/** The InputError reading `text` must throw. */
export async function inputErrorOf(text: string, options: ReadOptions = {}, name = 'in.csv'): Promise<InputError> {
  try {
    await readAllRows(name, text, options);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error(`expected an InputError reading ${JSON.stringify(text)}, but it was read`);
}

/** Asserts where the error is (file, line, column) and that its problem contains `problem`. */
export async function expectInputError(
  text: string,
  where: { line: number; column: number },
  problem: string,
  options: ReadOptions = {},
  name = 'in.csv',
): Promise<void> {
  const error = await inputErrorOf(text, options, name);
  expect({ problem: error.problem, ...error.position }).toEqual({
    problem: expect.stringContaining(problem),
    file: name,
    line: where.line,
    column: where.column,
  });
}

/** A row with every value as a string, so NaN and -0 compare exactly; its label when it has one. */
export function plainRow(row: LogitRow): { line: number; index: number; values: string[]; label?: RowLabel } {
  const plain = {
    line: row.line,
    index: row.index,
    values: Array.from(row.values, (value) => (Object.is(value, -0) ? '-0' : String(value))),
  };
  return row.label === undefined ? plain : { ...plain, label: row.label };
}

/** Rows as [index, line, label, ...values]: where each row is and what names it, in one line per row. */
export async function labelledRowsOf(text: string, options: ReadOptions = {}, name = 'in.json'): Promise<unknown[][]> {
  const { rows } = await readAllRows(name, text, options);
  return rows.map((row) => [row.index, row.line, row.label, ...row.values]);
}

export type Outcome =
  | { info: InputInfo; rows: ReturnType<typeof plainRow>[] }
  | { error: { name: string; message: string } };

async function outcomeOf(read: () => Promise<{ info: InputInfo; rows: LogitRow[] }>): Promise<Outcome> {
  try {
    const { info, rows } = await read();
    return { info, rows: rows.map(plainRow) };
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    return { error: { name: error.constructor.name, message: error.message } };
  }
}

/** Reads a whole string in one piece. */
export function outcomeOfText(name: string, text: string, options: ReadOptions = {}): Promise<Outcome> {
  return outcomeOf(() => readAllRows(name, text, options));
}

/** Reads bytes delivered in the given chunks, through the streaming reader. */
export function outcomeOfChunks(name: string, chunks: Uint8Array[], options: ReadOptions = {}): Promise<Outcome> {
  return outcomeOf(async () => {
    async function* source(): AsyncGenerator<Uint8Array> {
      for (const chunk of chunks) yield chunk;
    }
    const stream = readRows(name, source(), options);
    const rows: LogitRow[] = [];
    for await (const batch of stream) rows.push(...batch);
    return { info: stream.info(), rows };
  });
}

/** Splits bytes at the given offsets (any order, duplicates and out-of-range ones ignored). */
export function splitAt(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const cuts = [...new Set(offsets.filter((offset) => offset > 0 && offset < bytes.length))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    chunks.push(bytes.subarray(start, cut));
    start = cut;
  }
  return chunks;
}
