// What --labels VALUE names (src/input/labels/labels-option.ts): an existing file wins, then
// FILE:PART when FILE exists, else a column of the CSV input.

import { describe, expect, test } from 'vitest';
import { parseLabelsOption } from '../../src/input/labels/labels-option.js';
import { readInput } from './labels-helpers.js';
import { tempFile } from './tensor-helpers.js';

describe('parseLabelsOption', () => {
  test('an existing file, even one whose name holds a colon', () => {
    const plain = tempFile('y.txt', '0\n');
    expect(parseLabelsOption(plain)).toEqual({ kind: 'file', path: plain });
    const colon = tempFile('a:b.txt', '0\n');
    expect(parseLabelsOption(colon)).toEqual({ kind: 'file', path: colon });
  });

  test('FILE:PART when FILE exists (the last colon splits)', () => {
    const csv = tempFile('y.csv', 'label\n0\n');
    expect(parseLabelsOption(`${csv}:label`)).toEqual({ kind: 'file', path: csv, part: 'label' });
    expect(parseLabelsOption(`${csv}:3`)).toEqual({ kind: 'file', path: csv, part: '3' });
  });

  test('otherwise a column: a name, an index, or a FILE:PART whose FILE does not exist', () => {
    expect(parseLabelsOption('label')).toEqual({ kind: 'column', column: 'label' });
    expect(parseLabelsOption('11')).toEqual({ kind: 'column', column: '11' });
    expect(parseLabelsOption('no/such/file.csv:label')).toEqual({ kind: 'column', column: 'no/such/file.csv:label' });
  });
});

test('--labels FILE with a JSON Lines input: the file wins over the records\' label key', async () => {
  const jsonl = tempFile('rows.jsonl', '{"logits": [1, 2], "label": 1}\n{"logits": [3, 4], "label": 1}\n');
  const labels = tempFile('two.txt', '0\n1\n');
  const { targets, info } = await readInput(jsonl, { labels });
  expect(targets).toEqual([0, 1]);
  expect(info.labels).toEqual({ source: labels, binary: false });
  expect(info.notes).toBeUndefined(); // the default key is not looked for
});
