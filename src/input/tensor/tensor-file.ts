// A binary input file read at offsets (.npy, .npz, safetensors), with every way reading can fail
// turned into an InputError that names the file, and a byte offset where there is one.

import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { fileProblem, InputError } from '../../errors.js';

/**
 * The InputError for a failed open, stat or read (its words from fileProblem; text inputs,
 * open-file.ts, use the same); anything that is not a file-system error is rethrown as is.
 */
export function fileError(name: string, error: unknown, byteOffset?: number): unknown {
  if (error instanceof InputError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string') return error;
  const problem = fileProblem('input', code, (error as Error).message);
  return new InputError(byteOffset === undefined ? { file: name } : { file: name, byteOffset }, problem);
}

/**
 * Bytes read at offsets: a file, a .npz member stored in its archive, or a deflated member
 * inflated as it is read. The header readers (npy.ts, safetensors.ts) and the row streamer
 * (tensor-rows.ts) read through this, so a .npy inside a .npz is read by the same code.
 */
export interface ByteSource {
  /** What errors call the input: the path as the user gave it, or <stdin>. */
  readonly name: string;
  /** Inside an archive: the member, whose first byte is offset 0 here (errors name it). */
  readonly member?: string;
  /** Size in bytes (of the member, inside an archive). */
  readonly size: number;
  /** Reads exactly `length` bytes at `position` into the start of `into`. */
  read(position: number, into: Uint8Array, length: number): Promise<void>;
}

/** A tensor's data while its rows are read: opened for each pass over the rows, then closed. */
export interface TensorData {
  read(position: number, into: Uint8Array, length: number): Promise<void>;
  /** Called once the last item has been read: checks what only the whole shows (a deflated member's CRC-32). */
  finish(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The data of a tensor in the file at `path`, whose header was read when the file had
 * `sizeWhenOpened` bytes: refused if the file has changed size since.
 */
export async function openFileData(path: string, name: string, sizeWhenOpened: number): Promise<TensorData> {
  const file = await TensorFile.open(path, name);
  if (file.size !== sizeWhenOpened) {
    await file.close();
    throw new InputError({ file: name }, `changed since its header was read: it had ${sizeWhenOpened} bytes, it now has ${file.size}`);
  }
  return { read: (position, into, length) => file.read(position, into, length), finish: async () => {}, close: () => file.close() };
}

export class TensorFile implements ByteSource {
  private constructor(
    /** What errors call the file: the path as the user gave it, or <stdin> for a copy of it. */
    readonly name: string,
    private readonly handle: FileHandle,
    /** Size in bytes when opened. */
    readonly size: number,
  ) {}

  /**
   * Opens a regular file; directories, pipes and devices are refused (these formats are read at
   * offsets). `name`, for errors and reports, is the path unless the file is a copy (of stdin).
   */
  static async open(path: string, name = path): Promise<TensorFile> {
    let handle: FileHandle;
    try {
      // O_NONBLOCK: opening a named pipe must not wait for a writer; it is refused below anyway.
      handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    } catch (error) {
      throw fileError(name, error);
    }
    try {
      const stats = await handle.stat();
      if (stats.isDirectory()) throw new InputError({ file: name }, fileProblem('input', 'EISDIR'));
      if (!stats.isFile()) {
        throw new InputError(
          { file: name },
          'is not a regular file: .npy, .npz and safetensors inputs are read at offsets, so save the data to a file first',
        );
      }
      return new TensorFile(name, handle, stats.size);
    } catch (error) {
      await handle.close();
      throw fileError(name, error);
    }
  }

  /**
   * Reads exactly `length` bytes at `position` into the start of `into`. Callers check sizes
   * against `size` up front; running out here means the file shrank while being read.
   */
  async read(position: number, into: Uint8Array, length: number): Promise<void> {
    let done = 0;
    while (done < length) {
      let bytesRead: number;
      try {
        ({ bytesRead } = await this.handle.read(into, done, length - done, position + done));
      } catch (error) {
        throw fileError(this.name, error, position + done);
      }
      if (bytesRead === 0) {
        throw new InputError(
          { file: this.name, byteOffset: position + done },
          `file ends at byte ${position + done}, before byte ${position + length} that it had when opened (did it change while being read?)`,
        );
      }
      done += bytesRead;
    }
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
