// Labels through the CLI: the options of analyze and compute, their errors (one line, exit 2),
// and targets carried to the worker threads of --jobs N exactly as this thread would use them.

import { describe, expect, test } from 'vitest';
import { addBatch, packBatch, type BatchBuffers } from '../../src/cli/parallel-analysis.js';
import type { LogitRow } from '../../src/input/row.js';
import type { RowLabel } from '../../src/metrics/summary.js';
import { tempFile } from '../input/tensor-helpers.js';
import { runCli } from '../support/run-cli.js';

const F = 'fixtures/labels/';
const MNIST = 'fixtures/mnist/logits-labels.csv';
const FAST = ['-f', 'logsumexp', '-a', 'naive', '-d', 'f16', '--format', 'json'];

async function fails(args: string[], stdin?: string): Promise<string> {
  const { status, stdout, stderr } = await runCli(args, stdin === undefined ? {} : { stdin });
  expect({ status, stdout }).toEqual({ status: 2, stdout: '' });
  return stderr;
}

describe('analyze and compute read labels', () => {
  test('MNIST: the label column by default, the same column as FILE:COLUMN, and --no-labels: the same analysis', async () => {
    const byDefault = await runCli(['analyze', MNIST, ...FAST]);
    const fromFile = await runCli(['analyze', 'fixtures/mnist/logits.csv', '--labels', `${MNIST}:label`, ...FAST]);
    const without = await runCli(['analyze', MNIST, '--no-labels', ...FAST]);
    for (const run of [byDefault, fromFile, without]) expect(run.status).toBe(0);
    expect(byDefault.stderr).toBe(`logitcheck: note: ${MNIST}: column 11 'label' is read as the labels, not as logits (--labels COLUMN to choose another column, --no-labels to leave it out unread)\n`);
    expect(fromFile.stderr).toBe('');
    const results = (run: { stdout: string }) => JSON.parse(run.stdout).inputs[0].results;
    expect(results(fromFile)).toEqual(results(byDefault));
    expect(results(without)).toEqual(results(byDefault));
  });

  test('--ignore-index takes a negative number; --labels-tensor; compute takes the same options', async () => {
    const tensor = await runCli(['analyze', `${F}val.safetensors`, '--tensor', 'logits', '--labels-tensor', 'labels', '--ignore-index', '-100', ...FAST]);
    expect({ status: tensor.status, stderr: tensor.stderr }).toEqual({ status: 0, stderr: '' });
    const compute = await runCli(['compute', `${F}logits_3x4.npy`, '--labels', `${F}labels_int64.npy`, '-f', 'logsumexp', '-d', 'f64']);
    expect({ status: compute.status, stderr: compute.stderr, lines: compute.stdout.trim().split('\n').length }).toEqual({ status: 0, stderr: '', lines: 3 });
    expect(await fails(['compute', `${F}logits_3x4.npy`, '--labels', `${F}labels_4.npy`, '-f', 'logsumexp', '-d', 'f64'])).toBe(
      `logitcheck: ${F}labels_4.npy: the array has shape (4,) (4 labels), but the logits of ${F}logits_3x4.npy have shape (3, 4): the labels need shape (3,) (the logits' without the class axis)\n`,
    );
  });

  test('--jobs 1 and --jobs 2 give the same report with labels, over several batches (so workers get targets)', async () => {
    // 9000 rows of 16 logits: three batches of about 64K logits (src/input/batch.ts), each row labelled.
    const lines = ['a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,label'];
    for (let r = 0; r < 9000; r++) lines.push([...Array.from({ length: 16 }, (_, j) => ((r * 7 + j * 13) % 41) - 20), r % 16].join(','));
    const input = tempFile('jobs-labels.csv', `${lines.join('\n')}\n`);
    const one = await runCli(['analyze', input, '--jobs', '1', '-d', 'f16,bf16', '--format', 'json']);
    const two = await runCli(['analyze', input, '--jobs', '2', '-d', 'f16,bf16', '--format', 'json']);
    expect(one.status).toBe(0);
    expect(two.status).toBe(0);
    expect(JSON.parse(one.stdout).inputs[0].rows).toBe(9000);
    expect(JSON.parse(two.stdout)).toEqual(JSON.parse(one.stdout));
  });
});

describe('errors: one line, exit 2', () => {
  test('a bad label in a CSV column', async () => {
    expect(await fails(['analyze', '--input-format', 'csv', ...FAST], 'a,b,label\n1,2,1\n3,4,2\n')).toBe("logitcheck: <stdin>:3:5: row 1, field 3 'label': label 2 is outside [0, 2) (2 classes)\n");
    expect(await fails(['analyze', '--input-format', 'csv', ...FAST], 'a,b,label\n1,2,0.5\n')).toBe("logitcheck: <stdin>:2:5: row 0, field 3 'label': label 0.5 is not an integer (a class index in [0, 2))\n");
    expect(await fails(['analyze', '--input-format', 'csv', ...FAST], 'a,b,label\n1,2,\n')).toBe("logitcheck: <stdin>:2:5: row 0, field 3 'label': no label (an empty field); every row needs one\n");
  });

  test('a labels file with fewer or more labels than rows', async () => {
    const short = tempFile('cli-short.txt', '0\n1\n');
    expect(await fails(['analyze', `${F}logits_3x4.npy`, '--labels', short, ...FAST])).toBe(
      `logitcheck: ${short}:2: 2 labels for 3 rows of ${F}logits_3x4.npy: the labels end here; row 2 and those after it have none\n`,
    );
    const long = tempFile('cli-long.txt', '0\n1\n2\n3\n');
    expect(await fails(['analyze', `${F}logits_3x4.npy`, '--labels', long, ...FAST])).toBe(
      `logitcheck: ${long}:4: 4 labels for 3 rows of ${F}logits_3x4.npy: the rows end at row 2, and the labels go on from here\n`,
    );
  });

  test('a wrong tensor shape or dtype', async () => {
    expect(await fails(['analyze', `${F}val.safetensors`, '--tensor', 'logits', '--labels-tensor', 'wrong', ...FAST])).toBe(
      `logitcheck: ${F}val.safetensors: tensor 'wrong' has shape (3,) (3 labels), but the logits of ${F}val.safetensors have shape (2, 3, 4): the labels need shape (2, 3) (the logits' without the class axis) or (6,)\n`,
    );
    expect(await fails(['analyze', `${F}val.safetensors`, '--tensor', 'logits', '--labels-tensor', 'floats', ...FAST])).toBe(
      `logitcheck: ${F}val.safetensors: tensor 'floats' holds float32 values; class indices must be an integer array (binary targets may be floats: they need one logit per row, or --binary)\n`,
    );
  });

  test('options: a bad --ignore-index, contradictions, --binary on K > 1, a JSON option on CSV', async () => {
    expect(await fails(['analyze', MNIST, '--ignore-index', '-1.5'])).toBe("logitcheck: --ignore-index: expected an integer such as -100, got '-1.5'\n");
    expect(await fails(['analyze', MNIST, '--labels', 'label', '--no-labels'])).toBe('logitcheck: --labels and --no-labels contradict each other: give one\n');
    expect(await fails(['analyze', MNIST, '--binary', ...FAST])).toBe(`logitcheck: --binary: ${MNIST} has 10 logits per row; binary logits are one per row (leave out --binary for 10 classes)\n`);
    expect(await fails(['analyze', MNIST, '--label-key', 'y', ...FAST])).toBe('logitcheck: --label-key applies to JSON and JSON Lines input only, not to csv\n');
    expect(await fails(['analyze', `${F}logits_3x4.npy`, '--labels', `${F}labels.txt`, '--labels-tensor', 'x', ...FAST])).toBe(
      `logitcheck: --labels ${F}labels.txt and --labels-tensor contradict each other: give one\n`,
    );
    const json = tempFile('cli.jsonl', '{"logits": [1, 2], "y": 1}\n');
    expect(await fails(['analyze', json, '--labels', `${F}labels.txt`, '--label-key', 'y', ...FAST])).toBe(`logitcheck: --labels ${F}labels.txt and --label-key contradict each other: give one\n`);
    expect(await fails(['analyze', 'fixtures/mnist/logits.csv', '--ignore-index', '-100', ...FAST])).toBe(
      'logitcheck: --ignore-index: fixtures/mnist/logits.csv has no labels; give them with --labels COLUMN or --labels FILE\n',
    );
  });
});

describe('the worker protocol carries targets (src/cli/parallel-analysis.ts)', () => {
  /** What Analysis.addRow receives, call by call. */
  type AddRowCall = [number[], number, number, number, RowLabel | undefined, number | undefined];

  function recorder(): { calls: AddRowCall[]; addRow: (...args: [Float64Array, number, number, number, RowLabel?, number?]) => void } {
    const calls: AddRowCall[] = [];
    return { calls, addRow: (values, length, row, line, label, target) => calls.push([Array.from(values), length, row, line, label, target]) };
  }

  /** The calls this thread makes for a batch (analyzeBatches' analyzeHere). */
  const here = (batch: LogitRow[]): AddRowCall[] => batch.map((row) => [Array.from(row.values), row.values.length, row.index, row.line, row.label, row.target]);

  function buffers(rows: number, columns: number, targets: boolean): BatchBuffers {
    const made: BatchBuffers = { values: new Float64Array(rows * columns), lines: new Int32Array(rows) };
    if (targets) made.targets = new Float64Array(rows);
    return made;
  }

  test('labelled rows arrive with their targets, ids and lines, in a transferred buffer', () => {
    const batch: LogitRow[] = [
      { values: Float64Array.from([1, 2, 3]), line: 5, index: 40, target: 2 },
      { values: Float64Array.from([4, 5, 6]), line: 6, index: 41, target: -100, label: { id: 'b' } },
      { values: Float64Array.from([7, 8, 9]), line: 7, index: 42, target: 0 },
    ];
    const { request, transfer } = packBatch(batch, buffers(3, 3, true));
    expect(transfer).toHaveLength(3);
    expect(transfer).toContain(request.targets!.buffer);
    const worker = recorder();
    addBatch(worker, structuredClone(request));
    expect(worker.calls).toEqual(here(batch));
    expect(worker.calls.map((call) => call[5])).toEqual([2, -100, 0]);
  });

  test('unlabelled rows: no targets buffer, and addRow gets none', () => {
    const batch: LogitRow[] = [{ values: Float64Array.from([1, 2]), line: 0, index: 0 }];
    const { request, transfer } = packBatch(batch, buffers(1, 2, false));
    expect(request.targets).toBeUndefined();
    expect(transfer).toHaveLength(2);
    const worker = recorder();
    addBatch(worker, request);
    expect(worker.calls).toEqual([[[1, 2], 2, 0, 0, undefined, undefined]]);
  });

  test('reused buffers longer than the batch: only the batch rows are read', () => {
    const batch: LogitRow[] = [{ values: Float64Array.from([1, 2]), line: 3, index: 9, target: 0.5 }];
    const spare = buffers(4, 2, true);
    spare.targets!.fill(1);
    const { request } = packBatch(batch, spare);
    const worker = recorder();
    addBatch(worker, request);
    expect(worker.calls).toEqual(here(batch));
  });
});

test('analyze --ignore-index: the rows carrying it are counted as ignored and left out of the losses (the option reaches the analysis)', async () => {
  // Three rows, the middle one labelled -100: two labelled rows, one ignored; the loss is taken over two.
  const { status, stdout } = await runCli(['analyze', '--input-format', 'csv', '-', '--ignore-index', '-100', '-d', 'f32', '-f', 'cross-entropy', '-a', 'max-shift', '--format', 'json'], {
    stdin: 'a,b,label\n1,2,0\n3,1,-100\n0,5,1\n',
  });
  expect(status).toBe(0);
  const input = JSON.parse(stdout).inputs[0];
  expect(input.dtypes[0]).toMatchObject({ labelledRows: 2, ignoredRows: 1 });
  expect(input.results[0].loss.rows).toBe(2);
  expect(input.calibration.labels).toMatchObject({ labelledRows: 2, ignoredRows: 1 });
});
