import { describe, expect, test } from 'vitest';
import { LOGIT_KINDS as RESULT_KINDS } from '../../src/algorithms/names.js';
import { analyzeBatches, placeFor, type BatchPlace } from '../../src/cli/parallel-analysis.js';
import { BATCH_LOGITS } from '../../src/input/batch.js';
import type { LogitRow } from '../../src/input/row.js';
import type { AnalysisSelection } from '../../src/metrics/analysis.js';
import { npyBytes, npyHeader, tempFile } from '../input/tensor-helpers.js';
import { runCli } from '../support/run-cli.js';

/** On a machine with fewer cores than asked, the CLI caps --jobs with a note (src/cli/main.ts); three threads are then tested through analyzeBatches below. */
const withoutCapNote = (stderr: string) => stderr.replace(/^logitcheck: note: --jobs \d+ is more than this machine's \d+ cores; using \d+ \(more threads would only add memory\)\n/, '');

// Which batch goes to which thread depends on how fast each thread is at that moment (a batch
// goes to a worker with room, else this thread analyses it), so these tests do not pin the
// assignment (placeFor's choices are tested on their own, below); they check that every figure
// of the report, worstRow and exampleRows included, is the same as one thread's for --jobs 2
// and 3, on inputs of many batches that go both ways.

/** A seeded linear congruential generator in [0, 1). */
function uniform(seed: number): () => number {
  return () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
}

// 7268 rows x 64 logits = 7 batches of 1024 rows (64K logits) and one of 100: a worker's
// buffers come back and are refilled, and the short last batch may go out in a longer one.
function csv(): string {
  const next = uniform(7);
  const lines: string[] = [];
  for (let r = 0; r < 7268; r++) {
    const row = Array.from({ length: 64 }, () => ((next() - 0.5) * 40 * (r % 97 === 0 ? 20 : 1)).toPrecision(6));
    if (r % 113 === 0) row[0] = '1000';
    if (r === 2500) row[3] = 'nan';
    lines.push(row.join(','));
  }
  return lines.join('\n') + '\n';
}

/** Rows of k float32 logits that break somewhere: scales that vary by row, a 1000 (float16 overflows), a NaN, a masked row. */
function wideRows(rows: number, k: number, seed: number): Float32Array {
  const next = uniform(seed);
  const values = new Float32Array(rows * k);
  for (let r = 0; r < rows; r++) {
    const scale = 4 + 12 * (r % 3);
    for (let j = 0; j < k; j++) values[r * k + j] = (next() - 0.5) * scale;
  }
  values[1 * k + 17] = 1000;
  values[2 * k + 5] = NaN;
  values.fill(-Infinity, 3 * k, 4 * k);
  return values;
}

async function reports(args: string[], jobs: number[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const n of jobs) {
    const result = await runCli(['analyze', '--format', 'json', '--jobs', String(n), ...args]);
    expect(withoutCapNote(result.stderr)).toBe('');
    out.push(JSON.parse(result.stdout));
  }
  return out;
}

describe('--jobs N gives the report of --jobs 1, figure for figure', () => {
  test('short rows: many batches, buffers sent back and refilled, a short last batch', async () => {
    const input = csv();
    const run = (jobs: string) => runCli(['analyze', '--format', 'json', '--jobs', jobs, '--input-format', 'csv'], { stdin: input });
    const [one, two, three] = [await run('1'), await run('2'), await run('3')];
    for (const result of [one, two, three]) expect(withoutCapNote(result.stderr)).toBe('');
    const a = JSON.parse(one.stdout);
    expect(a.inputs[0].rows).toBe(7268);
    expect(JSON.parse(two.stdout)).toEqual(a);
    expect(JSON.parse(three.stdout)).toEqual(a);
    // The data really breaks somewhere, so the comparison means something.
    expect(a.inputs[0].results.some((r: any) => r.verdict === 'fail')).toBe(true);
  });

  // K above half a batch (one or two rows a batch) and above a whole batch (a row alone, kept
  // in one piece): few batches, each a large share of the work.
  for (const [rows, k] of [
    [7, 40_000],
    [5, 70_000],
  ]) {
    test(`wide rows: ${rows} x ${k} float32 .npy`, async () => {
      expect(k).toBeGreaterThan(BATCH_LOGITS / 2);
      const data = wideRows(rows, k, k);
      const path = tempFile(`wide-${k}.npy`, npyBytes(npyHeader('<f4', [rows, k]), new Uint8Array(data.buffer)));
      const [one, two, three] = await reports([path], [1, 2, 3]);
      const a = one as any;
      expect(a.inputs[0].rows).toBe(rows);
      expect(two).toEqual(one);
      expect(three).toEqual(one);
      expect(a.inputs[0].results.some((r: any) => r.verdict === 'fail')).toBe(true);
    });
  }
});

describe('analyzeBatches', () => {
  const selection: AnalysisSelection = {
    dtypes: ['float32', 'float16'],
    results: RESULT_KINDS.map((kind) => ({ function: kind.function, algorithm: kind.algorithm })),
  };

  /** Batches of one or two rows of K = 40000, each row with an id; made afresh for each run (sending a batch copies it, but to be safe). */
  async function* labelledBatches(): AsyncGenerator<LogitRow[]> {
    const k = 40_000;
    const data = wideRows(12, k, 3);
    let index = 0;
    for (const size of [1, 2, 1, 1, 2, 1, 1, 2, 1]) {
      const batch: LogitRow[] = [];
      for (let n = 0; n < size; n++, index++) {
        batch.push({ values: Float64Array.from(data.subarray(index * k, (index + 1) * k)), line: 0, index, label: { id: `row-${index}` } });
      }
      yield batch;
    }
  }

  test('rows with labels (ids): the same summary on 1, 2 and 3 threads', async () => {
    const places: BatchPlace[][] = [];
    const summaries = [];
    for (const jobs of [1, 2, 3]) {
      const seen: BatchPlace[] = [];
      summaries.push(await analyzeBatches(labelledBatches(), selection, jobs, (_rows, place) => seen.push(place)));
      places.push(seen);
    }
    expect(summaries[1]).toEqual(summaries[0]);
    expect(summaries[2]).toEqual(summaries[0]);
    expect(JSON.stringify(summaries[0])).toContain('"id":"row-');
    expect(places[0].every((place) => place === 0)).toBe(true);
    // With more threads, the second batch goes to a worker before the first is analysed here;
    // where the rest go depends on timing (placeFor, below, decides).
    expect(places[1].slice(0, 2)).toEqual([1, 0]);
    expect(places[2].slice(0, 2)).toEqual([1, 0]);
  });

  test('placeFor: an idle worker, else a new one while fewer than allowed run, else the one holding fewest below two, else here', () => {
    expect(placeFor([], 1)).toBe('new');
    expect(placeFor([], 0)).toBe('here');
    expect(placeFor([0], 1)).toBe(0);
    expect(placeFor([1], 1)).toBe(0);
    expect(placeFor([2], 1)).toBe('here');
    expect(placeFor([1], 2)).toBe('new');
    expect(placeFor([1, 0], 2)).toBe(1);
    expect(placeFor([2, 1], 2)).toBe(1);
    expect(placeFor([1, 1], 2)).toBe(0);
    expect(placeFor([2, 2], 2)).toBe('here');
    expect(placeFor([2, 2], 3)).toBe('new');
  });

  test('one batch is analysed here, without starting a worker', async () => {
    async function* single(): AsyncGenerator<LogitRow[]> {
      yield [{ values: Float64Array.from([1, 2, 3]), line: 1, index: 0 }];
    }
    const seen: BatchPlace[] = [];
    const summary = await analyzeBatches(single(), selection, 4, (_rows, place) => seen.push(place));
    expect(seen).toEqual([0]);
    expect(summary.input.rows).toBe(1);
  });
});

test('--jobs must be a whole number >= 1', async () => {
  expect((await runCli(['analyze', '--jobs', '0'], { stdin: '1,2\n' })).status).toBe(2);
  expect((await runCli(['analyze', '--jobs', 'many'], { stdin: '1,2\n' })).status).toBe(2);
});
