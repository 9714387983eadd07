import { describe, expect, it } from 'vitest';
import { peekBytes } from '../../src/input/open/byte-head.js';

async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, at + size);
}

async function collect(stream: AsyncIterable<Uint8Array>): Promise<number[]> {
  const out: number[] = [];
  for await (const chunk of stream) out.push(...chunk);
  return out;
}

const data = Uint8Array.from({ length: 50 }, (_, i) => (i * 37) % 256);

describe('peekBytes', () => {
  it.each([1, 2, 3, 9, 10, 64])('chunks of %i bytes: the head, then the whole stream again', async (size) => {
    const { head, bytes } = await peekBytes(chunksOf(data, size), 9);
    expect([...head]).toEqual([...data.subarray(0, 9)]);
    expect(await collect(bytes)).toEqual([...data]);
  });

  it('a stream shorter than the head asked for: all of it, twice', async () => {
    const short = data.subarray(0, 4);
    const { head, bytes } = await peekBytes(chunksOf(short, 3), 9);
    expect([...head]).toEqual([...short]);
    expect(await collect(bytes)).toEqual([...short]);
  });

  it('an empty stream', async () => {
    const { head, bytes } = await peekBytes(chunksOf(new Uint8Array(0), 1), 9);
    expect(head.length).toBe(0);
    expect(await collect(bytes)).toEqual([]);
  });

  it('stopping early closes the source', async () => {
    let closed = false;
    async function* source(): AsyncGenerator<Uint8Array> {
      try {
        yield* chunksOf(data, 5);
      } finally {
        closed = true;
      }
    }
    const { bytes } = await peekBytes(source(), 9);
    for await (const chunk of bytes) {
      expect(chunk.length).toBe(5);
      break;
    }
    expect(closed).toBe(true);
  });
});
