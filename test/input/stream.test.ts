// The streaming contract of readRows: batches, info(), and a consumer that stops early.

import { describe, expect, it } from 'vitest';
import { BATCH_LOGITS } from '../../src/input/batch.js';
import { readRows } from '../../src/input/open/open-rows.js';

const encoder = new TextEncoder();

/** 'rows' lines of 'width' values, generated chunk by chunk, recording whether it was closed. */
function generated(rows: number, width: number, rowsPerChunk: number) {
  const state = { chunks: 0, closed: false };
  async function* source(): AsyncGenerator<Uint8Array> {
    try {
      for (let start = 0; start < rows; start += rowsPerChunk) {
        let text = '';
        for (let row = start; row < Math.min(rows, start + rowsPerChunk); row++) {
          text += `${Array.from({ length: width }, (_, column) => row * width + column).join(',')}\n`;
        }
        state.chunks++;
        yield encoder.encode(text);
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, source: source() };
}

describe('readRows', () => {
  it('yields batches of about BATCH_LOGITS logits, rows numbered in order across batches', async () => {
    const { source } = generated(10_000, 20, 100);
    const stream = readRows('<stdin>', source, {});
    const sizes: number[] = [];
    let expectedIndex = 0;
    for await (const batch of stream) {
      sizes.push(batch.length);
      for (const row of batch) {
        expect(row.index).toBe(expectedIndex);
        expect(row.line).toBe(expectedIndex + 1);
        expect(row.values[0]).toBe(expectedIndex * 20);
        expectedIndex++;
      }
    }
    expect(expectedIndex).toBe(10_000);
    expect(sizes.length).toBeGreaterThan(1);
    for (const size of sizes.slice(0, -1)) {
      expect(size * 20).toBeGreaterThanOrEqual(BATCH_LOGITS);
      expect(size * 20).toBeLessThan(2 * BATCH_LOGITS);
    }
    // Row 0 is 0,1,...,19 and the next rows are integers too: data, with a note saying so.
    expect(stream.info()).toMatchObject({ name: '<stdin>', format: 'csv', delimiter: ',', columns: 20 });
    expect(stream.info().header).toBeUndefined();
  });

  it('splits one huge chunk into several batches', async () => {
    const text = '1,2,3,4\n'.repeat(50_000);
    async function* once(): AsyncGenerator<Uint8Array> {
      yield encoder.encode(text);
    }
    const sizes: number[] = [];
    for await (const batch of readRows('x.csv', once(), {})) sizes.push(batch.length);
    expect(sizes.reduce((a, b) => a + b)).toBe(50_000);
    expect(Math.max(...sizes) * 4).toBeLessThan(2 * BATCH_LOGITS);
  });

  it('info() is valid once the first batch is out, and not before', async () => {
    const { source } = generated(3, 2, 1);
    const stream = readRows('x.csv', source, {});
    expect(() => stream.info()).toThrow(/first batch/);
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    expect(stream.info().columns).toBe(2);
  });

  it('stops reading and closes the source when the consumer stops early', async () => {
    const { state, source } = generated(100_000, 10, 100);
    for await (const batch of readRows('x.csv', source, {})) {
      expect(batch.length).toBeGreaterThan(0);
      break;
    }
    expect(state.closed).toBe(true);
    expect(state.chunks).toBeLessThan(1000);
  });

  it('an input error ends the stream; rows of the unfinished batch are not delivered', async () => {
    async function* source(): AsyncGenerator<Uint8Array> {
      yield encoder.encode('1,2\n3,4\n');
      yield encoder.encode('5,x\n');
    }
    const seen: number[] = [];
    const reading = (async () => {
      for await (const batch of readRows('x.csv', source(), {})) for (const row of batch) seen.push(row.index);
    })();
    await expect(reading).rejects.toThrow("x.csv:3:3: expected a number in field 2, got 'x'; if this column is not logits, leave it out with --exclude-columns 2");
    expect(seen).toEqual([]); // both rows were still in the unfinished first batch
  });
});
