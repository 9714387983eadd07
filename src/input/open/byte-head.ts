// The first bytes of a byte stream, looked at without losing them: the stream is handed on whole.

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
