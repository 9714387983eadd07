// The first bytes of a byte stream, looked at without losing them: the stream is handed on whole;
// and the first bytes of a file, read apart.
import { closeSync, openSync, readSync } from 'node:fs';

export interface PeekedBytes {
  /** The first `count` bytes, or all of them when the stream is shorter. */
  head: Uint8Array;
  /** The whole stream again, from its first byte. Returning early closes the source. */
  bytes: AsyncGenerator<Uint8Array>;
}

export async function peekBytes(stream: AsyncIterable<Uint8Array>, count: number): Promise<PeekedBytes> {
  const iterator = stream[Symbol.asyncIterator]();
  const seen: Uint8Array[] = [];
  let length = 0;
  let ended = false;
  while (length < count) {
    const next = await iterator.next();
    if (next.done === true) {
      ended = true;
      break;
    }
    seen.push(next.value);
    length += next.value.length;
  }
  const head = new Uint8Array(Math.min(length, count));
  let at = 0;
  for (const chunk of seen) {
    if (at === head.length) break;
    const part = chunk.subarray(0, head.length - at);
    head.set(part, at);
    at += part.length;
  }
  async function* replay(): AsyncGenerator<Uint8Array> {
    try {
      yield* seen;
      if (ended) return;
      for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) yield next.value;
    } finally {
      await iterator.return?.();
    }
  }
  return { head, bytes: replay() };
}

/** The first `count` bytes of a regular file (fewer when it is shorter or cannot be read: reading it will say why). */
export function fileHead(file: string, count: number): Uint8Array {
  const head = new Uint8Array(count);
  let descriptor: number | undefined;
  try {
    descriptor = openSync(file, 'r');
    return head.subarray(0, readSync(descriptor, head, 0, head.length, 0));
  } catch {
    return head.subarray(0, 0);
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}
