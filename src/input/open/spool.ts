// A byte stream that cannot be read at offsets (stdin, a pipe) copied into a temporary file, for
// the formats that are read at offsets (.npy, .npz, safetensors: a Fortran-order array or a
// chosen tensor needs its bytes out of order, a zip archive's directory is at its end); also a
// deflated Fortran-order .npz array, inflated (src/input/tensor/npz.ts). Memory stays bounded;
// the disk holds one copy, in a private directory removed when reading is done, at exit, or on
// Ctrl-C.

import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InputError } from '../../errors.js';

export interface SpooledFile {
  path: string;
  /** Removes the copy (idempotent). */
  remove(): Promise<void>;
}

/** Directories not removed yet: removed at exit or on a signal if reading ended otherwise. */
const pending = new Set<string>();

/** What ends a run early from outside: Ctrl-C, kill, a closed terminal. */
const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function track(directory: string): void {
  if (pending.size === 0) {
    process.once('exit', removePending);
    for (const signal of SIGNALS) process.on(signal, removeAndResignal);
  }
  pending.add(directory);
}

function untrack(directory: string): void {
  pending.delete(directory);
  if (pending.size === 0) stopWatching();
}

function stopWatching(): void {
  process.removeListener('exit', removePending);
  for (const signal of SIGNALS) process.removeListener(signal, removeAndResignal);
}

function removePending(): void {
  for (const directory of pending) rmSync(directory, { recursive: true, force: true });
  pending.clear();
}

/** Removes the copies, then lets the signal do what it does by default (end the process, status 128 + n). */
function removeAndResignal(signal: NodeJS.Signals): void {
  removePending();
  stopWatching();
  process.kill(process.pid, signal);
}

/**
 * Copies `bytes` into a new file under `parent` (the system's temporary directory). `name` is the
 * input as the user knows it, for errors. Errors of the source pass through unchanged; a failure
 * to write the copy is an InputError naming the input and the directory.
 */
export async function spoolToFile(name: string, bytes: AsyncIterable<Uint8Array>, parent: string): Promise<SpooledFile> {
  let directory: string;
  try {
    // Synchronous, and tracked in the same tick: a signal handled between an asynchronous
    // mkdtemp's completion and track() would leave the directory behind (seen under load).
    directory = mkdtempSync(join(parent, 'logitcheck-'));
  } catch (error) {
    throw copyError(name, parent, error);
  }
  track(directory);
  const remove = async (): Promise<void> => {
    if (!pending.has(directory)) return;
    await rm(directory, { recursive: true, force: true });
    // Forgotten only once gone: an exit during the removal still removes it.
    untrack(directory);
  };
  const path = join(directory, 'input');
  try {
    await pipeline(Readable.from(bytes, { objectMode: false }), createWriteStream(path, { flags: 'wx' }));
  } catch (error) {
    await remove();
    throw error instanceof InputError ? error : copyError(name, parent, error);
  }
  return { path, remove };
}

function copyError(name: string, parent: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string') return error;
  return new InputError(
    { file: name },
    `cannot be copied to a temporary file in ${parent} (needed to read it at offsets): ${(error as Error).message}`,
  );
}
