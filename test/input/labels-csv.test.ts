// Labels in a CSV input: --labels COLUMN (by header name or 1-based index), the default column
// named `label`, --no-labels, --ignore-index, --binary, and every way a label can be wrong.

import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { readAllRows } from '../../src/input/open/open-rows.js';
import type { ReadOptions } from '../../src/input/row.js';
import { inputErrorOf } from './helpers.js';

async function targetsOf(text: string, options: ReadOptions = {}) {
  const { info, rows } = await readAllRows('in.csv', text, options);
  return { info, targets: rows.map((row) => row.target), rows: rows.map((row) => Array.from(row.values)) };
}

/** The whole one-line message (position and problem) reading `text` throws. */
async function messageOf(text: string, options: ReadOptions = {}): Promise<string> {
  return (await inputErrorOf(text, options)).message;
}

describe('--labels COLUMN', () => {
  test('by header name: the column is the labels, not a logit, wherever it is', async () => {
    const { info, targets, rows } = await targetsOf('y,a,b\n1,0.5,2\n0,3,4\n', { labels: 'y' });
    expect(targets).toEqual([1, 0]);
    expect(rows).toEqual([
      [0.5, 2],
      [3, 4],
    ]);
    expect(info).toMatchObject({ columns: 2, header: ['a', 'b'], labels: { source: "column 1 'y'", binary: false } });
    expect(info.notes).toBeUndefined(); // the user named it: nothing to note
  });

  test('by 1-based index, with or without a header', async () => {
    expect((await targetsOf('a,b,c\n0.5,2,1\n3,4,0\n', { labels: '3' })).targets).toEqual([1, 0]);
    const bare = await targetsOf('0.5,2,1\n3,4,0\n', { labels: '3' });
    expect(bare.targets).toEqual([1, 0]);
    expect(bare.rows).toEqual([
      [0.5, 2],
      [3, 4],
    ]);
    expect(bare.info.labels).toEqual({ source: 'column 3', binary: false });
  });

  test('a column that does not exist, and is no file either: a usage error naming both', async () => {
    await expect(readAllRows('in.csv', 'a,b\n1,2\n', { labels: 'y' })).rejects.toThrow("--labels y: no such file, and no column named 'y'; available: 1 'a', 2 'b'");
    await expect(readAllRows('in.csv', 'a,b\n1,2\n', { labels: '5' })).rejects.toThrow("--labels 5: no such file, and column 5 does not exist; available: 1 'a', 2 'b'");
  });

  test('the labels column and the id column cannot be one', async () => {
    await expect(readAllRows('in.csv', 'id,a,b\n1,2,3\n', { labels: 'id', idColumn: 'id' })).rejects.toThrow('--labels and --id-column name the same column, 1');
  });
});

describe('the default: a header column named exactly label', () => {
  test('is the labels, with a note saying so', async () => {
    const { info, targets } = await targetsOf('a,b,label\n1.5,2,1\n3,4,0\n');
    expect(targets).toEqual([1, 0]);
    expect(info.labels).toEqual({ source: "column 3 'label'", binary: false });
    expect(info.notes).toEqual(["in.csv: column 3 'label' is read as the labels, not as logits (--labels COLUMN to choose another column, --no-labels to leave it out unread)"]);
  });

  test('--no-labels: no labels, and the column stays out of the logits', async () => {
    const { info, targets, rows } = await targetsOf('a,b,label\n1.5,2,1\n3,4,0\n', { noLabels: true });
    expect(targets).toEqual([undefined, undefined]);
    expect(rows).toEqual([
      [1.5, 2],
      [3, 4],
    ]);
    expect(info.labels).toBeUndefined();
  });

  test('other names (Label, labels, target) are not the default labels: they are left out as before', async () => {
    for (const name of ['Label', 'labels', 'target']) {
      const { info, targets } = await targetsOf(`a,b,${name}\n1.5,2,1\n3,4,0\n`);
      expect(targets).toEqual([undefined, undefined]);
      expect(info.columns).toBe(2);
    }
  });

  test('--columns or --exclude-columns: the user chose, so no default (--labels label names it)', async () => {
    expect((await targetsOf('a,b,label\n1.5,2,1\n', { columns: ['1-2'] })).targets).toEqual([undefined]);
    expect((await targetsOf('a,b,label\n1.5,2,1\n', { excludeColumns: ['label'] })).targets).toEqual([undefined]);
    expect((await targetsOf('a,b,label\n1.5,2,1\n', { excludeColumns: ['b'], labels: 'label' })).targets).toEqual([1]);
  });
});

describe('bad labels: one line with the file, line, column, row and field', () => {
  test('outside [0, K)', async () => {
    expect(await messageOf('a,b,label\n1,2,1\n3,4,2\n')).toBe("in.csv:3:5: row 1, field 3 'label': label 2 is outside [0, 2) (2 classes)");
    expect(await messageOf('a,b,label\n1,2,-1\n')).toBe("in.csv:2:5: row 0, field 3 'label': label -1 is outside [0, 2) (2 classes) (rows without a label: pass --ignore-index -1)");
  });

  test('not an integer, or not a number', async () => {
    expect(await messageOf('a,b,label\n1,2,0.5\n')).toBe("in.csv:2:5: row 0, field 3 'label': label 0.5 is not an integer (a class index in [0, 2))");
    expect(await messageOf('a,b,label\n1,2,cat\n')).toBe("in.csv:2:5: row 0, field 3 'label': expected a label (a number), got 'cat'");
    expect(await messageOf('a,b,label\n1,2,nan\n')).toBe("in.csv:2:5: row 0, field 3 'label': label nan is not an integer (a class index in [0, 2))");
  });

  test('missing: an empty field is never a label', async () => {
    expect(await messageOf('a,b,label\n1,2,1\n1,2,\n')).toBe("in.csv:3:5: row 1, field 3 'label': no label (an empty field); every row needs one");
    expect(await messageOf('a,b,label\n1,2,\n', { ignoreIndex: -100 })).toBe(
      "in.csv:2:5: row 0, field 3 'label': no label (an empty field); every row needs one (for a row without a label write -100, the --ignore-index)",
    );
    // A record too short to hold the label is the usual field count error.
    expect(await messageOf('a,b,label\n1,2,1\n1,2\n')).toBe('in.csv:3:4: row has 2 fields, expected 3 (from line 1)');
  });
});

describe('--ignore-index and --binary', () => {
  test('--ignore-index N: rows labelled N are read, with N as their target', async () => {
    const { info, targets } = await targetsOf('a,b,label\n1,2,-100\n3,4,1\n', { ignoreIndex: -100 });
    expect(targets).toEqual([-100, 1]);
    expect(info.labels).toEqual({ source: "column 3 'label'", binary: false, ignoreIndex: -100 });
  });

  test('one logit per row: binary targets in [0, 1], implied', async () => {
    const { info, targets } = await targetsOf('x,label\n-2.5,0\n0.5,0.25\n3,1\n');
    expect(targets).toEqual([0, 0.25, 1]);
    expect(info.labels).toEqual({ source: "column 2 'label'", binary: true });
    expect(await messageOf('x,label\n-2.5,2\n')).toBe("in.csv:2:6: row 0, field 2 'label': target 2 is outside [0, 1] (binary logits: one logit per row, a target in [0, 1])");
  });

  test('--binary with more than one logit per row is refused before any label is read', async () => {
    await expect(readAllRows('in.csv', 'a,b,label\n1,2,7\n', { binary: true })).rejects.toThrow('--binary: in.csv has 2 logits per row; binary logits are one per row (leave out --binary for 2 classes)');
  });
});

describe('MNIST: fixtures/mnist/logits-labels.csv', () => {
  test('the labels read are its label column: 2500 of them, 250 of each digit, in file order', async () => {
    const path = 'fixtures/mnist/logits-labels.csv';
    const text = readFileSync(path, 'utf8');
    const { info, targets, rows } = await targetsOf(text);
    // The column as the file holds it, split by hand (no quotes in this file): its 11th field.
    const lines = text.trimEnd().split('\n');
    expect(lines[0].split(',')[10]).toBe('label');
    const column = lines.slice(1).map((line) => Number(line.split(',')[10]));
    expect(column.length).toBe(2500); // wc -l gives 2501 lines: the header and 2500 rows
    expect(targets).toEqual(column);
    // By hand: the first data lines end in ,0 (the file is sorted by digit, 250 of each).
    expect(lines[1].endsWith(',0')).toBe(true);
    expect(targets.slice(0, 3)).toEqual([0, 0, 0]);
    expect(targets[249]).toBe(0);
    expect(targets[250]).toBe(1);
    expect(targets[2499]).toBe(9);
    for (let digit = 0; digit < 10; digit++) expect(targets.filter((y) => y === digit).length).toBe(250);
    expect(info).toMatchObject({ columns: 10, labels: { source: "column 11 'label'", binary: false } });
    expect(rows[0][0]).toBe(9.86809253692627);
  });
});
