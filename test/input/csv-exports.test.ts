// CSV files as people export them: pandas' headers and index, label and id columns, NaN as an
// empty field, and the messages for what is not a CSV of logits (issue 10, defects 5, 6 and 9).
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { readAllRows } from '../../src/input/open/open-rows.js';
import { expectInputError, infoOf, rowsOf } from './helpers.js';

describe('pandas exports', () => {
  it("df.to_csv()'s default (an empty name over the index, then 0..K-1) reads as K columns, the index left out", async () => {
    const { info, rows } = await readAllRows('df.csv', ',0,1,2\n0,1.5,-2.25,3\n1,4,5.5,6\n');
    expect(info.columns).toBe(3);
    expect(info.header).toEqual(['0', '1', '2']);
    expect(rows.map((row) => [row.line, ...row.values])).toEqual([
      [2, 1.5, -2.25, 3],
      [3, 4, 5.5, 6],
    ]);
    expect(info.notes).toEqual([
      "df.csv: column 1 '' holds integers and is named like a label or an index, so it is not read as logits (to analyse it too: --columns 1-4)",
    ]);
  });

  it('df.to_csv(index=False): a first line 0,1,...,K-1 followed by non-integers is a header, so row numbers do not shift', async () => {
    const { info, rows } = await readAllRows('df.csv', '0,1,2\n0.5,1,2\n3,4,5.25\n');
    expect(info.header).toEqual(['0', '1', '2']);
    expect(info.notes).toBeUndefined();
    expect(rows.map((row) => [row.index, row.line])).toEqual([
      [0, 2],
      [1, 3],
    ]);
  });

  it('0,1,...,K-1 followed by integers stays data, with a note; a number that rounds to 0 is no pandas header', async () => {
    const data = await readAllRows('x.csv', '0,1,2\n4,5,6\n');
    expect(data.rows).toHaveLength(2);
    expect(data.info.notes?.[0]).toContain('looks like a pandas header, but the next line holds integers too');
    // 1.5e-400 reads as 0: the values are 0,1,2 but the text is not pandas' header.
    const tiny = await readAllRows('x.csv', '1.5e-400,1,2\n3,4,5\n');
    expect(tiny.rows).toHaveLength(2);
    expect(tiny.info.notes).toBeUndefined();
    // One line 0,1,2 alone is data (nothing follows to make it a header).
    expect(await rowsOf('0,1,2\n')).toEqual([[0, 1, 2]]);
  });

  it('df.to_csv() with named columns: the index under an empty name is left out', async () => {
    const { info, rows } = await readAllRows('df.csv', ',cat,dog\n0,1.5,-2\n1,0.25,3\n');
    expect(info.header).toEqual(['cat', 'dog']);
    expect(rows.map((row) => Array.from(row.values))).toEqual([
      [1.5, -2],
      [0.25, 3],
    ]);
    expect(info.notes?.[0]).toContain("column 1 '' holds integers");
  });

  it("'Unnamed: 0' (pandas' name for an index read back) over integers is left out too", async () => {
    expect((await infoOf('Unnamed: 0,a,b\n0,1.5,2\n1,3,4\n')).header).toEqual(['a', 'b']);
  });
});

describe('columns that are not logits (labels, targets, ids, an index)', () => {
  // A column named exactly 'label' is the labels (test/input/labels-csv.test.ts); with --no-labels it is one of these.
  it.each(['labels', 'target', 'y', 'class', 'id', 'index', 'Label', ' ID '])('a column named %j holding integers is left out with a note', async (name) => {
    const { info, rows } = await readAllRows('in.csv', `a,${name},b\n1.5,3,2\n0.25,7,1\n`);
    expect(info.columns).toBe(2);
    expect(rows.map((row) => Array.from(row.values))).toEqual([
      [1.5, 2],
      [0.25, 1],
    ]);
    expect(info.notes).toEqual([`in.csv: column 2 '${name.trim()}' holds integers and is named like a label or an index, so it is not read as logits (to analyse it too: --columns 1-3)`]);
  });

  it('MNIST with labels: the label column (the last) is left out, K = 10', async () => {
    const { info, rows } = await readAllRows('mnist.csv', 'digit0,digit1,label\n-1.5,2.25,1\n3.5,-0.5,0\n');
    expect(info.header).toEqual(['digit0', 'digit1']);
    expect(rows[1].values).toEqual(Float64Array.from([3.5, -0.5]));
  });

  it("--no-labels: a column named 'label' holding integers is left out with the note, not read", async () => {
    const { info, rows } = await readAllRows('in.csv', 'a,label,b\n1.5,3,2\n0.25,7,1\n', { noLabels: true });
    expect(rows.map((row) => [row.target, ...row.values])).toEqual([
      [undefined, 1.5, 2],
      [undefined, 0.25, 1],
    ]);
    expect(info.labels).toBeUndefined();
    expect(info.notes).toEqual([`in.csv: column 2 'label' holds integers and is named like a label or an index, so it is not read as logits (to analyse it too: --columns 1-3)`]);
  });

  it('a column with such a name whose first value is not an integer is a logit', async () => {
    expect((await infoOf('a,y\n1,2.5\n3,4\n')).header).toEqual(['a', 'y']);
    expect((await infoOf('a,y\n1,2.5\n3,4\n')).notes).toBeUndefined();
  });

  it('a non-integer later in a left-out column is an error, not a silent guess', async () => {
    await expectInputError('a,class,b\n1.5,3,2\n1,0.5,2\n', { line: 3, column: 3 }, "field 2 'class' holds '0.5', not an integer, but was left out as a label or index column");
    await expectInputError('a,class,b\n1.5,3,2\n1,,2\n', { line: 3, column: 3 }, "field 2 'class' holds '', not an integer");
  });

  it('--columns or --exclude-columns turn the guess off: the user chose', async () => {
    expect((await infoOf('a,label\n1.5,3\n', { columns: ['1-2'] })).header).toEqual(['a', 'label']);
    expect((await infoOf('a,label,b\n1.5,3,1\n', { excludeColumns: ['b'] })).header).toEqual(['a', 'label']);
    expect((await infoOf('a,label\n1.5,3\n', { header: false, columns: undefined }).catch((e) => e)).message).toContain("expected a number in field 1, got 'a'");
  });

  it('a file whose only column is such a column keeps it: there would be no logits left', async () => {
    expect(await rowsOf('id\n1\n2\n')).toEqual([[1], [2]]);
  });
});

describe('--id-column: rows named by their id', () => {
  it('the id column is not a logit; its text labels each row', async () => {
    const { info, rows } = await readAllRows('in.csv', 'sample,a,b\nimg_0001,1,2\n"img,2",3,4\n', { idColumn: 'sample' });
    expect(info.header).toEqual(['a', 'b']);
    expect(rows.map((row) => [row.label?.id, ...row.values])).toEqual([
      ['img_0001', 1, 2],
      ['img,2', 3, 4],
    ]);
  });

  it('by 1-based index, with or without a header; integer ids are not mistaken for labels', async () => {
    const { rows } = await readAllRows('in.csv', '17,1.5,2\n18,3,4\n', { idColumn: '1' });
    expect(rows.map((row) => [row.label?.id, ...row.values])).toEqual([
      ['17', 1.5, 2],
      ['18', 3, 4],
    ]);
    const named = await readAllRows('in.csv', 'id,label,a\n5,1,0.5\n', { idColumn: 'id' });
    expect(named.info.header).toEqual(['a']);
    expect(named.rows[0].label).toEqual({ id: '5' });
  });

  it('an unknown id column is a usage error listing the columns', async () => {
    await expect(readAllRows('in.csv', 'a,b\n1,2\n', { idColumn: 'name' })).rejects.toThrow(new UsageError("--id-column: no column named 'name'; available: 1 'a', 2 'b'"));
  });
});

describe('empty fields: pandas writes NaN so', () => {
  it('are refused by default with the hint', async () => {
    await expectInputError('a,b\n1,\n', { line: 2, column: 3 }, "empty field 2 'b' (an empty field is never read as 0; pandas writes NaN as an empty field: pass --empty-as-nan to read empty fields as NaN)");
  });

  it('--empty-as-nan reads them as NaN', async () => {
    const rows = await rowsOf('a,b\n1,\n,2\n', { emptyAsNaN: true });
    expect(rows).toEqual([
      [1, NaN],
      [NaN, 2],
    ]);
  });
});

describe('what is not a CSV of logits says what was found, where, and what to do', () => {
  it('a hexadecimal float on the only line: the header reason and the hint', async () => {
    await expectInputError('0x1p3,1,2\n', { line: 2, column: 1 }, "no data rows: line 1 was read as a header because field 1 '0x1p3' is not a number (hexadecimal numbers are not read: write decimals, e.g. with repr()); if it is data, pass --no-header");
    await expectInputError('0x1p3,1,2\n', { line: 1, column: 1 }, "expected a number in field 1, got '0x1p3' (hexadecimal numbers are not read", { header: false });
  });

  it('decimal commas with semicolons', async () => {
    await expectInputError('1;2,5;3\n', { line: 2, column: 1 }, "field 2 '2,5' is not a number (a decimal comma? logitcheck reads numbers with a decimal point)");
  });

  it('binary bytes are not taken for a header', async () => {
    await expectInputError('ab\u0000\u0001,cd\n1,2\n', { line: 1, column: 3 }, 'a control character (U+0000): this is not a text export of logits');
  });

  it('a word in a column names the field, its header and the option that leaves it out', async () => {
    await expectInputError('a,note,b\n1,good,2\n', { line: 2, column: 3 }, "expected a number in field 2 'note', got 'good'; if this column is not logits, leave it out with --exclude-columns note");
  });
});
