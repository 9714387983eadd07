// Labels read apart from the logits: --labels FILE (a text file, FILE:COLUMN of a CSV, a .npy, a
// .npz[:NAME]) for any input, and --labels-tensor NAME in a .npz or safetensors input. The
// expected labels are numpy's (fixtures/labels/labels.json, written by make_labels.py).

import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { readError, readInput } from './labels-helpers.js';
import { npyBytes, npyHeader, tempFile } from './tensor-helpers.js';

const F = 'fixtures/labels/';
const NUMPY: { labels: Record<string, number[]>; npz: Record<string, number[]>; text: number[] } = JSON.parse(readFileSync(`${F}labels.json`, 'utf8'));

/** Three rows of four logits, as CSV (no labels of its own). */
const csv3 = () => tempFile('three.csv', 'a,b,c,d\n1,2,3,4\n5,6,7,8\n9,10,11,12\n');

describe('--labels FILE', () => {
  test('a text file, one label a line, for a CSV input and for a .npy input', async () => {
    const fromCsv = await readInput(csv3(), { labels: `${F}labels.txt` });
    expect(fromCsv.targets).toEqual(NUMPY.text);
    expect(fromCsv.info.labels).toEqual({ source: `${F}labels.txt`, binary: false });
    expect((await readInput(`${F}logits_3x4.npy`, { labels: `${F}labels.txt` })).targets).toEqual(NUMPY.text);
  });

  test('a .npy of int64, int32 or uint8 labels', async () => {
    for (const name of ['labels_int64.npy', 'labels_int32.npy', 'labels_uint8.npy']) {
      const { targets, info } = await readInput(`${F}logits_3x4.npy`, { labels: F + name });
      expect(targets).toEqual(NUMPY.labels[name]);
      expect(info.labels).toEqual({ source: F + name, binary: false });
      expect((await readInput(csv3(), { labels: F + name })).targets).toEqual(NUMPY.labels[name]);
    }
  });

  test('labels shaped like the leading axes of a 3-D tensor, or flat; -100 with --ignore-index', async () => {
    const { targets } = await readInput(`${F}logits_2x3x4.npy`, { labels: `${F}labels_2x3.npy`, ignoreIndex: -100 });
    expect(targets).toEqual(NUMPY.labels['labels_2x3.npy']);
    expect(targets[4]).toBe(-100);
  });

  test('a .npz: its only array, or FILE:NAME', async () => {
    expect((await readInput(csv3(), { labels: `${F}labels_only.npz` })).targets).toEqual(NUMPY.npz['labels_only.npz:labels']);
    const named = await readInput(csv3(), { labels: `${F}val.npz:labels` });
    expect(named.targets).toEqual(NUMPY.npz['val.npz:labels']);
    expect(named.info.labels?.source).toBe(`${F}val.npz, array 'labels'`);
    expect((await readError(csv3(), { labels: `${F}val.npz` })).message).toBe(
      `${F}val.npz: holds 2 arrays; choose one with --labels ${F}val.npz:NAME: 'logits' (float32 (3, 4)), 'labels' (int64 (3,))`,
    );
  });

  test('FILE:COLUMN of a CSV file, by name or 1-based index', async () => {
    const mnist = 'fixtures/mnist/logits-labels.csv';
    const byName = await readInput('fixtures/mnist/logits.csv', { labels: `${mnist}:label` });
    const byIndex = await readInput('fixtures/mnist/logits.csv', { labels: `${mnist}:11` });
    const inFile = await readInput(mnist);
    expect(byName.targets.length).toBe(2500);
    expect(byName.targets).toEqual(inFile.targets);
    expect(byIndex.targets).toEqual(inFile.targets);
    expect(byName.info.labels?.source).toBe(`${mnist}, column 'label'`);
    expect((await readError(csv3(), { labels: `${F}labels.txt:2` })).message).toBe(`--labels ${F}labels.txt:2: column 2 does not exist; the input has 1 column and no header`);
    expect((await readError(csv3(), { labels: mnist })).message).toBe(`--labels ${mnist}: the file has 10 columns; name the one holding the labels with --labels ${mnist}:COLUMN`);
  });

  test('a labels file wins over the input\'s own label column, which stays out of the logits', async () => {
    const path = tempFile('own.csv', 'a,b,label\n1,2,1\n3,4,1\n5,6,1\n');
    const { targets, info } = await readInput(path, { labels: `${F}labels_uint8.npy`, ignoreIndex: 3 });
    expect(targets).toEqual([0, 3, 1]);
    expect(info.columns).toBe(2);
  });

  test('binary targets: a float .npy beside one logit per row', async () => {
    const { targets, info } = await readInput(`${F}binary_logits.npy`, { labels: `${F}binary_targets.npy` });
    expect(targets).toEqual(NUMPY.labels['binary_targets.npy']);
    expect(info.labels).toEqual({ source: `${F}binary_targets.npy`, binary: true });
  });
});

describe('--labels-tensor NAME: labels in the same .npz or safetensors file', () => {
  test('safetensors: an I64 tensor of shape (2, 3) beside logits (2, 3, 4)', async () => {
    const { targets, info } = await readInput(`${F}val.safetensors`, { tensor: 'logits', labelsTensor: 'labels', ignoreIndex: -100 });
    expect(targets).toEqual(NUMPY.labels['labels_2x3.npy']);
    expect(info.labels).toEqual({ source: `${F}val.safetensors, tensor 'labels'`, binary: false, ignoreIndex: -100 });
  });

  test('.npz, stored and deflated', async () => {
    expect((await readInput(`${F}val.npz`, { tensor: 'logits', labelsTensor: 'labels' })).targets).toEqual(NUMPY.npz['val.npz:labels']);
    expect((await readInput(`${F}val_2x3x4.npz`, { tensor: 'logits', labelsTensor: 'labels', ignoreIndex: -100 })).targets).toEqual(NUMPY.npz['val_2x3x4.npz:labels']);
  });

  test('a .npy holds one array: --labels-tensor is refused there, and on text', async () => {
    expect((await readError(`${F}logits_3x4.npy`, { labelsTensor: 'labels' })).message).toBe(
      '--labels-tensor applies to .npz and safetensors input, which hold several tensors; a .npy holds one: give the labels\' file with --labels FILE',
    );
    expect((await readError(csv3(), { labelsTensor: 'labels' })).message).toMatch(/^--labels-tensor applies to safetensors and \.npz input only, but .*three\.csv is CSV; give a file of labels with --labels FILE$/);
  });
});

describe('wrong labels: one line naming the file, the byte or line, and the row', () => {
  test('a wrong shape', async () => {
    expect((await readError(`${F}val.safetensors`, { tensor: 'logits', labelsTensor: 'wrong' })).message).toBe(
      `${F}val.safetensors: tensor 'wrong' has shape (3,) (3 labels), but the logits of ${F}val.safetensors have shape (2, 3, 4): the labels need shape (2, 3) (the logits' without the class axis) or (6,)`,
    );
    expect((await readError(`${F}logits_3x4.npy`, { labels: `${F}labels_4.npy` })).message).toBe(
      `${F}labels_4.npy: the array has shape (4,) (4 labels), but the logits of ${F}logits_3x4.npy have shape (3, 4): the labels need shape (3,) (the logits' without the class axis)`,
    );
  });

  test('a float dtype for class indices, and a dtype that is no number', async () => {
    expect((await readError(`${F}val.safetensors`, { tensor: 'logits', labelsTensor: 'floats' })).message).toBe(
      `${F}val.safetensors: tensor 'floats' holds float32 values; class indices must be an integer array (binary targets may be floats: they need one logit per row, or --binary)`,
    );
    expect((await readError(`${F}logits_3x4.npy`, { labels: `${F}labels_float32.npy` })).message).toBe(
      `${F}labels_float32.npy: the array holds float32 values; class indices must be an integer array (binary targets may be floats: they need one logit per row, or --binary)`,
    );
    // A bool array (numpy '|b1') is not read as labels.
    const bools = tempFile('bools.npy', npyBytes(npyHeader('|b1', [3]), Uint8Array.from([1, 0, 1])));
    expect((await readError(`${F}logits_3x4.npy`, { labels: bools })).message).toBe(
      `${bools}: byte 20: dtype '|b1': labels must be an integer array (class indices), or a float array of binary targets`,
    );
  });

  test('a label outside [0, K): the byte of the label, and the row', async () => {
    // labels_2x3 holds -100 at flat index 4: byte 128 (header) + 4 * 8.
    expect((await readError(`${F}logits_2x3x4.npy`, { labels: `${F}labels_2x3.npy` })).message).toBe(
      `${F}labels_2x3.npy: byte 160: row 4: label -100 is outside [0, 4) (4 classes) (rows without a label: pass --ignore-index -100)`,
    );
    expect((await readError(csv3(), { labels: tempFile('bad.txt', '0\n1\n4\n') })).message).toMatch(/bad\.txt:3: row 2: label 4 is outside \[0, 4\) \(4 classes\)$/);
    expect((await readError(csv3(), { labels: tempFile('half.txt', '0\n1.5\n3\n') })).message).toMatch(/half\.txt:2: row 1: label 1.5 is not an integer \(a class index in \[0, 4\)\)$/);
  });

  test('fewer labels than rows: both counts, where the labels end and the first row without one', async () => {
    const short = tempFile('short.txt', '0\n1\n');
    expect((await readError(csv3(), { labels: short })).message).toBe(`${short}:2: 2 labels for 3 rows of ${csv3()}: the labels end here; row 2 (line 4) and those after it have none`);
    expect((await readError('fixtures/mnist/logits.csv', { labels: `${F}labels.txt` })).message).toBe(
      `${F}labels.txt:3: 3 labels for 2500 rows of fixtures/mnist/logits.csv: the labels end here; row 3 (line 5) and those after it have none`,
    );
  });

  test('more labels than rows: both counts, and where the extra labels start', async () => {
    const long = tempFile('long.txt', '0\n1\n2\n3\n0\n');
    expect((await readError(csv3(), { labels: long })).message).toBe(`${long}:4: 5 labels for 3 rows of ${csv3()}: the rows end at row 2, and the labels go on from here`);
    // A .npy beside CSV rows: the byte of the first extra label (128-byte header + 3 * 8).
    expect((await readError(csv3(), { labels: `${F}labels_4.npy` })).message).toBe(`${F}labels_4.npy: byte 152: 4 labels for 3 rows of ${csv3()}: the rows end at row 2, and the labels go on from here`);
  });

  test('a missing label: an empty line in a labels file', async () => {
    const gap = tempFile('gap.txt', '0\n\n1\n');
    expect((await readError(csv3(), { labels: gap })).message).toBe(`${gap}:2:1: empty row (blank lines are allowed only at the end of the input)`);
  });
});

describe('options that need labels', () => {
  test('--ignore-index without labels is a usage error', async () => {
    const error = await readError(csv3(), { ignoreIndex: -100 });
    expect(error).toEqual({ code: 'usage', message: `--ignore-index: ${csv3()} has no labels; give them with --labels COLUMN or --labels FILE` });
    expect((await readError(`${F}val.npz`, { tensor: 'logits', ignoreIndex: -100 })).message).toBe(`--ignore-index: ${F}val.npz has no labels; give them with --labels-tensor NAME or --labels FILE`);
  });

  test('--binary on K > 1 is a usage error, with labels or without', async () => {
    expect(await readError(`${F}logits_3x4.npy`, { binary: true })).toEqual({ code: 'usage', message: `--binary: ${F}logits_3x4.npy has 4 logits per row; binary logits are one per row (leave out --binary for 4 classes)` });
    expect((await readError(`${F}logits_3x4.npy`, { binary: true, labels: `${F}labels.txt` })).code).toBe('usage');
  });

  test('--labels NAME that is no file, on a tensor or JSON input', async () => {
    expect((await readError(`${F}val.npz`, { tensor: 'logits', labels: 'labels' })).message).toBe(
      '--labels labels: no such file (a column applies to CSV input only; for a tensor in the same file use --labels-tensor NAME)',
    );
    const json = tempFile('in.json', '[[1, 2], [3, 4]]');
    expect((await readError(json, { labels: 'y' })).message).toBe(`--labels y: no such file (a column applies to CSV input only, but ${json} is JSON: name the key of each record's label with --label-key)`);
  });
});
