// Labels in JSON and JSON Lines: --label-key NAME, and the default key 'label' when the first
// record object has it (then every record must).

import { describe, expect, test } from 'vitest';
import { readAllRows } from '../../src/input/open/open-rows.js';
import type { ReadOptions } from '../../src/input/row.js';

async function read(name: string, text: string, options: ReadOptions = {}) {
  const { info, rows } = await readAllRows(name, text, options);
  return { info, targets: rows.map((row) => row.target), rows: rows.map((row) => Array.from(row.values)) };
}

async function message(name: string, text: string, options: ReadOptions = {}): Promise<string> {
  try {
    await readAllRows(name, text, options);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

const NOTE = (file: string) => `${file}: record 0 has a 'label' key, read as the labels (--label-key NAME to choose another key, --no-labels to ignore it)`;

describe('the default key, label', () => {
  test('JSON Lines, the label before or after the logits, with a note', async () => {
    const { info, targets, rows } = await read('a.jsonl', '{"logits": [1, 2], "label": 1}\n{"label": 0, "logits": [3, 4]}\n');
    expect(targets).toEqual([1, 0]);
    expect(rows).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(info.labels).toEqual({ source: "key 'label'", binary: false });
    expect(info.notes).toEqual([NOTE('a.jsonl')]);
  });

  test('a JSON array of record objects (pandas orient="records"), and one record object', async () => {
    expect((await read('a.json', '[{"logits": [1, 2], "label": 1}, {"label": 0, "logits": [3, 4]}]')).targets).toEqual([1, 0]);
    expect((await read('a.json', '{"logits": [1, 2], "label": 1}')).targets).toEqual([1]);
    // Sniffed (no extension): JSON Lines found by its second line, the first row held till then.
    expect((await read('-', '{"logits": [1, 2], "label": 1}\n{"label": 0, "logits": [3, 4]}\n')).targets).toEqual([1, 0]);
  });

  test('records without the key, or arrays: no labels', async () => {
    const objects = await read('a.jsonl', '{"logits": [1, 2]}\n{"logits": [3, 4], "label": 7}\n');
    expect(objects.targets).toEqual([undefined, undefined]);
    expect(objects.info.labels).toBeUndefined();
    expect((await read('a.json', '[[1, 2], [3, 4]]')).targets).toEqual([undefined, undefined]);
  });

  test('--no-labels: the key is ignored', async () => {
    const { info, targets } = await read('a.jsonl', '{"logits": [1, 2], "label": 9}\n', { noLabels: true });
    expect(targets).toEqual([undefined]);
    expect(info.labels).toBeUndefined();
  });

  test('once the first record has it, every record must', async () => {
    expect(await message('a.json', '[{"logits": [1, 2], "label": 1}, {"logits": [3, 4]}]')).toBe(
      'a.json:1:34: record 1 has no key \'label\' (keys: logits); the first record has one, so every record needs one (--no-labels to ignore the labels)',
    );
  });
});

describe('--label-key NAME', () => {
  test('names the key; every record must have it', async () => {
    expect((await read('a.jsonl', '{"logits": [1, 2], "y": 1}\n{"y": 0, "logits": [3, 4]}\n', { labelKey: 'y' })).info.labels).toEqual({ source: "key 'y'", binary: false });
    expect(await message('a.jsonl', '{"logits": [1, 2], "y": 1}\n{"logits": [3, 4]}\n', { labelKey: 'y' })).toBe("a.jsonl:2:1: record 1 has no key 'y' (keys: logits); choose the field with --label-key NAME");
    expect(await message('a.json', '[[1, 2], [3, 4]]', { labelKey: 'y' })).toBe('a.json:1:2: record 0 is an array, not an object, so it has no label; --label-key y needs records like {"y": ..., "logits": [...]}');
  });

  test('cannot be the key of the logits or of the ids', async () => {
    await expect(readAllRows('a.jsonl', '{"logits": [1]}\n', { labelKey: 'logits' })).rejects.toThrow("--label-key: 'logits' is the key of the logits (--key); name the key that holds each record's label");
    await expect(readAllRows('a.jsonl', '{"logits": [1]}\n', { labelKey: 'id', idKey: 'id' })).rejects.toThrow("--label-key: 'id' is the key of the ids (--id-key)");
  });

  test('is refused on CSV and tensors', async () => {
    await expect(readAllRows('a.csv', '1,2\n', { labelKey: 'y' })).rejects.toThrow('--label-key applies to JSON and JSON Lines input only, not to csv');
  });
});

describe('records holding lists of rows: a list of labels, one per row', () => {
  test('targets in order, with ids and the ignore index', async () => {
    const text = '{"logits": [[1, 2], [3, 4]], "label": [1, -100], "id": "a"}\n{"label": [0], "logits": [[5, 6]], "id": "b"}\n';
    const { info, targets } = await read('a.jsonl', text, { ignoreIndex: -100, idKey: 'id' });
    expect(targets).toEqual([1, -100, 0]);
    expect(info.labels).toEqual({ source: "key 'label'", binary: false, ignoreIndex: -100 });
  });

  test('the count must match, and one number for several rows is refused', async () => {
    expect(await message('a.jsonl', '{"logits": [[1, 2], [3, 4]], "label": [1]}\n')).toBe('a.jsonl:1:40: record 0 has 1 label for its 2 rows');
    expect(await message('a.jsonl', '{"logits": [[1, 2], [3, 4]], "label": [1, 0, 1]}\n')).toBe('a.jsonl:1:46: record 0 has 3 labels for its 2 rows');
    expect(await message('a.jsonl', '{"logits": [[1, 2], [3, 4]], "label": 1}\n')).toBe('a.jsonl:1:39: record 0 holds 2 rows but one label; give a list of 2 labels');
    expect(await message('a.jsonl', '{"logits": [1, 2], "label": [1]}\n')).toBe('a.jsonl:1:30: record 0 holds one row: its label is one number, not a list');
  });
});

describe('bad labels: the line and column of the label, the row and the record', () => {
  test('outside [0, K), not an integer, not a number, missing (null)', async () => {
    expect(await message('a.jsonl', '{"logits": [1, 2], "label": 1}\n{"logits": [1, 2], "label": 2}\n')).toBe('a.jsonl:2:29: row 1, record 1: label 2 is outside [0, 2) (2 classes)');
    expect(await message('a.jsonl', '{"logits": [1, 2], "label": 1.5}\n')).toBe('a.jsonl:1:29: row 0, record 0: label 1.5 is not an integer (a class index in [0, 2))');
    expect(await message('a.jsonl', '{"logits": [1, 2], "label": "1"}\n')).toBe("a.jsonl:1:29: record 0: a label ('label') is a number, or a list of numbers for a list of rows; got a string");
    expect(await message('a.jsonl', '{"logits": [1, 2], "label": null}\n')).toBe(
      "a.jsonl:1:29: record 0: expected a label (a number) for 'label', got null: every record needs a label (a row without one takes the --ignore-index value)",
    );
    expect(await message('a.jsonl', '{"logits": [[1, 2], [3, 4]], "label": [0, 5]}\n')).toBe('a.jsonl:1:43: row 1, record 0, position 1: label 5 is outside [0, 2) (2 classes)');
  });
});

describe('binary logits', () => {
  test('one logit per row: targets in [0, 1]', async () => {
    const { info, targets } = await read('a.jsonl', '{"logits": [1], "label": 0.25}\n{"logits": [-1], "label": 1}\n');
    expect(targets).toEqual([0.25, 1]);
    expect(info.labels).toEqual({ source: "key 'label'", binary: true });
    expect(await message('a.jsonl', '{"logits": [1], "label": 2}\n')).toBe('a.jsonl:1:26: row 0, record 0: target 2 is outside [0, 1] (binary logits: one logit per row, a target in [0, 1])');
  });

  test('--binary with two logits per row', async () => {
    await expect(readAllRows('a.jsonl', '{"logits": [1, 2], "label": 0.25}\n', { binary: true })).rejects.toThrow('--binary: a.jsonl has 2 logits per row; binary logits are one per row (leave out --binary for 2 classes)');
  });
});
