// A deflated zip member (np.savez_compressed) inflated as it is read, with node:zlib's streaming
// inflate: memory holds a chunk or two, whatever the member's size. What comes out is checked
// against the central directory: a size it must not pass, then, once the stream ends, the size
// and the CRC-32 it must have.

import { createReadStream } from 'node:fs';
import { createInflateRaw } from 'node:zlib';
import { InputError } from '../../errors.js';
import { crc32 } from './crc32.js';
import { fileError, type ByteSource, type TensorData } from './tensor-file.js';
import { hex, type ZipMember } from './zip-directory.js';

/**
 * The member's inflated bytes, in order. `dataStart` is where its deflated data starts in the
 * file at `path`; `name` is the input as errors name it. Throws an InputError (at `dataStart`)
 * when the data cannot be inflated, or inflates to other bytes than the directory says.
 */
export async function* inflatedBytes(path: string, name: string, member: ZipMember, dataStart: number): AsyncGenerator<Uint8Array> {
  const fail = (problem: string): never => {
    throw new InputError({ file: name, byteOffset: dataStart }, `member '${member.name}' (deflated data from byte ${dataStart}): ${problem}`);
  };
  if (member.compressedSize === 0) fail('it has no deflated data (a deflate stream is at least 2 bytes)');
  const compressed = createReadStream(path, { start: dataStart, end: dataStart + member.compressedSize - 1 });
  const inflater = createInflateRaw();
  compressed.on('error', (error) => inflater.destroy(error));
  compressed.pipe(inflater);
  let size = 0;
  let crc = 0;
  try {
    for await (const chunk of inflater as AsyncIterable<Buffer>) {
      size += chunk.length;
      // Checked as it grows, so a damaged directory cannot make us inflate without end.
      if (size > member.size) fail(`it inflates to more than the ${member.size} bytes the central directory says`);
      crc = crc32(chunk, crc);
      yield chunk;
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (typeof code === 'string' && code.startsWith('Z_')) {
      // zlib's words: 'unexpected end of file' (cut short), 'invalid block type', ...
      fail(`its deflated data is damaged (zlib: ${(error as Error).message})`);
    }
    throw fileError(name, error, dataStart);
  } finally {
    compressed.destroy();
    inflater.destroy();
  }
  if (size !== member.size) fail(`it inflates to ${size} bytes, but the central directory (byte ${member.directoryOffset}) says ${member.size}`);
  if (crc !== member.crc32) {
    fail(`its inflated bytes have CRC-32 ${hex(crc)}, but the central directory (byte ${member.directoryOffset}) says ${hex(member.crc32)}; the archive is damaged`);
  }
}

/**
 * A byte stream read at offsets that only move forward (a C-order array's rows; a .npy header),
 * so it can be inflated as it is read. The chunks that hold the bytes from the last read on are
 * kept, so a read may also start inside the previous one. finish() reads the stream to its end,
 * where inflatedBytes checks its size and CRC-32.
 */
export class ForwardReader implements ByteSource, TensorData {
  /** Chunks from the one holding the last read position on, in order. */
  private readonly chunks: Uint8Array[] = [];
  /** The position of chunks[0][0]. */
  private start = 0;
  /** The position after the last chunk. */
  private end = 0;
  private readonly iterator: AsyncIterator<Uint8Array>;

  constructor(
    readonly name: string,
    readonly member: string,
    readonly size: number,
    bytes: AsyncIterable<Uint8Array>,
  ) {
    this.iterator = bytes[Symbol.asyncIterator]();
  }

  async read(position: number, into: Uint8Array, length: number): Promise<void> {
    if (position < this.start) throw new Error(`ForwardReader: a read at ${position} after one at ${this.start}`);
    this.dropBefore(position);
    while (this.end < position + length) {
      const next = await this.iterator.next();
      if (next.done === true) {
        // The stream has already checked its size against the directory, and callers check
        // theirs against `size`: only a caller's bug gets here.
        throw new Error(`ForwardReader: the stream ends at byte ${this.end}, before byte ${position + length}`);
      }
      this.chunks.push(next.value);
      this.end += next.value.length;
      this.dropBefore(position);
    }
    let copied = 0;
    let chunkStart = this.start;
    for (const chunk of this.chunks) {
      const from = Math.max(0, position + copied - chunkStart);
      if (from < chunk.length) {
        const count = Math.min(chunk.length - from, length - copied);
        into.set(chunk.subarray(from, from + count), copied);
        copied += count;
        if (copied === length) return;
      }
      chunkStart += chunk.length;
    }
  }

  async finish(): Promise<void> {
    this.dropBefore(Infinity);
    for (let next = await this.iterator.next(); next.done !== true; next = await this.iterator.next());
  }

  async close(): Promise<void> {
    await this.iterator.return?.();
  }

  /** Forgets the chunks that end at or before `position`. */
  private dropBefore(position: number): void {
    while (this.chunks.length > 0 && this.start + this.chunks[0].length <= position) {
      this.start += this.chunks[0].length;
      this.chunks.shift();
    }
  }
}
