// Shared by the labels tests: read an input through the one entry point (src/input/open-input.ts)
// and return its rows' targets and info, or the error reading it threw.

import { openInput } from '../../src/input/open-input.js';
import type { InputInfo, ReadOptions } from '../../src/input/row.js';
import { tmpdir } from 'node:os';

export interface Read {
  info: InputInfo;
  targets: Array<number | undefined>;
  rows: number[][];
}

export async function readInput(file: string, options: ReadOptions = {}): Promise<Read> {
  const opened = openInput(file, { stdin: (async function* () {})(), tempDirectory: tmpdir() }, options);
  const targets: Array<number | undefined> = [];
  const rows: number[][] = [];
  for await (const batch of opened.rows) {
    for (const row of batch) {
      targets.push(row.target);
      rows.push(Array.from(row.values));
    }
  }
  return { info: opened.rows.info(), targets, rows };
}

/** The message of the error reading `file` throws (fails the test when it reads). */
export async function readError(file: string, options: ReadOptions = {}): Promise<{ message: string; code: string | undefined }> {
  try {
    await readInput(file, options);
  } catch (error) {
    return { message: (error as Error).message, code: (error as { code?: string }).code };
  }
  throw new Error(`expected reading ${file} to fail, but it was read`);
}
