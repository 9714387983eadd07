import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { readAllRows, readRows } from '../../src/input/open/open-rows.js';
import { MAX_TOKEN_CHARS } from '../../src/input/text/chars.js';
import { expectInputError, infoOf, linesOf, rowsOf } from './helpers.js';

describe('CSV: rows and header', () => {
  it('reads a header and drops an id column by name', async () => {
    const text = 'id,a,b\n1,0.5,-1\n2,inf,nan\n';
    const { info, rows } = await readAllRows('in.csv', text, { excludeColumns: ['id'] });
    expect(info).toEqual({ name: 'in.csv', format: 'csv', delimiter: ',', header: ['a', 'b'], columns: 2 });
    expect(rows.map((row) => [row.index, row.line, ...row.values])).toEqual([
      [0, 2, 0.5, -1],
      [1, 3, Infinity, NaN],
    ]);
  });

  it('has no header when every field of the first line is a number', async () => {
    expect(await rowsOf('1,2\n3,4')).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect((await infoOf('1,2\n3,4')).header).toBeUndefined();
    expect(await linesOf('1,2\n3,4')).toEqual([1, 2]);
  });

  it('takes nan and inf on the first line as numbers, not a header', async () => {
    expect(await rowsOf('nan,-Inf,INFINITY,+inf\n1,2,3,4')).toEqual([
      [NaN, -Infinity, Infinity, Infinity],
      [1, 2, 3, 4],
    ]);
  });

  it('header: true makes a numeric first line the header', async () => {
    const { info, rows } = await readAllRows('in.csv', '0,1\n3,4\n', { header: true });
    expect(info.header).toEqual(['0', '1']);
    expect(rows.map((row) => Array.from(row.values))).toEqual([[3, 4]]);
  });

  it('header: false makes a first line of words an error', async () => {
    await expectInputError('a,b\n1,2', { line: 1, column: 1 }, "expected a number in field 1, got 'a'; if this column is not logits, leave it out with --exclude-columns 1", { header: false });
  });

  it('trims header names and fields', async () => {
    const { info, rows } = await readAllRows('in.csv', ' a ,\tb\t\n 1 ,\t2\t\n');
    expect(info.header).toEqual(['a', 'b']);
    expect(rows.map((row) => Array.from(row.values))).toEqual([[1, 2]]);
  });

  it('reads a one-column file', async () => {
    const { info, rows } = await readAllRows('in.csv', 'x\n1.5\n-inf\n');
    expect(info).toEqual({ name: 'in.csv', format: 'csv', delimiter: ',', header: ['x'], columns: 1 });
    expect(rows.map((row) => Array.from(row.values))).toEqual([[1.5], [-Infinity]]);
  });

  it('reads a one-column file without header', async () => {
    expect(await rowsOf('1\n2\n')).toEqual([[1], [2]]);
  });

  it('keeps -0 and rounds each field correctly', async () => {
    const [[negativeZero, tenth, huge, tiny]] = await rowsOf('-0,0.1,1e400,4.9e-325');
    expect(Object.is(negativeZero, -0)).toBe(true);
    expect(tenth).toBe(0.1);
    expect(huge).toBe(Infinity);
    expect(tiny).toBe(0);
  });
});

describe('CSV: delimiters, quotes and line ends', () => {
  it('sniffs a semicolon', async () => {
    expect(await infoOf('a;b\n1;2\n')).toMatchObject({ delimiter: ';', header: ['a', 'b'] });
  });

  it('sniffs a tab', async () => {
    expect(await rowsOf('1\t2\n3\t4\n')).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('uses a given delimiter', async () => {
    expect(await rowsOf('1|2\n3|4', { delimiter: '|' })).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('reads np.savetxt output with delimiter space', async () => {
    expect(await rowsOf('1.0e+00 2.5e-01\n3.0e+00 4.0e+00\n', { delimiter: ' ' })).toEqual([
      [1, 0.25],
      [3, 4],
    ]);
  });

  it('suggests the space delimiter when a field is numbers separated by spaces', async () => {
    await expectInputError('1.0 2.0\n3.0 4.0\n', { line: 1, column: 1 }, "(if the values are separated by spaces, use --delimiter ' ')", {
      header: false,
    });
  });

  it('reads quoted fields, with delimiters, escaped quotes and line breaks inside quotes', async () => {
    const text = '"a,b","say ""hi""","x\ny"\n"1.5", " 2 " ,3\n';
    const { info, rows } = await readAllRows('in.csv', text);
    expect(info.header).toEqual(['a,b', 'say "hi"', 'x\ny']);
    expect(rows.map((row) => [row.line, ...row.values])).toEqual([[3, 1.5, 2, 3]]);
  });

  it('gives a row the line it starts on when a quoted field spans lines', async () => {
    const { rows } = await readAllRows('in.csv', 'a,b\n1,2\n"x\n",3\n4,5\n', { excludeColumns: ['a'] });
    expect(rows.map((row) => [row.line, ...row.values])).toEqual([
      [2, 2],
      [3, 3],
      [5, 5],
    ]);
  });

  it('reads CRLF line ends', async () => {
    expect(await linesOf('a,b\r\n1,2\r\n3,4\r\n')).toEqual([2, 3]);
  });

  it('reads lone CR line ends', async () => {
    expect(await linesOf('a,b\r1,2\r3,4')).toEqual([2, 3]);
  });

  it('counts a CRLF inside quotes as one line break', async () => {
    await expectInputError('"a\r\nb",c\r\n1,x\r\n', { line: 3, column: 3 }, "got 'x'");
  });

  it('skips a UTF-8 byte order mark', async () => {
    expect((await infoOf('\uFEFFa,b\n1,2')).header).toEqual(['a', 'b']);
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('a,b\n1,2\n')]);
    expect((await readAllRows('in.csv', bytes)).info.header).toEqual(['a', 'b']);
  });

  it('reads a file without a final line end', async () => {
    expect(await rowsOf('1,2\n3,4')).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('ignores blank lines at the end', async () => {
    expect(await rowsOf('1,2\n3,4\n\n  \n\r\n\n')).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });
});

describe('CSV: errors with their line and column', () => {
  it('a blank line in the middle is an empty row', async () => {
    await expectInputError('1,2\n\n3,4\n', { line: 2, column: 1 }, 'empty row');
    await expectInputError('1,2\n   \n3,4\n', { line: 2, column: 1 }, 'empty row');
  });

  it('a blank line before the first record is an empty row', async () => {
    await expectInputError('\n1,2\n', { line: 1, column: 1 }, 'empty row');
  });

  it('too many fields: at the first extra field', async () => {
    await expectInputError('a,b,c\n1,2,3\n4,5,6,7\n', { line: 3, column: 7 }, 'row has 4 fields, expected 3 (from line 1)');
  });

  it('too few fields: at the line end, where a field is missing', async () => {
    await expectInputError('1,2,3\n4,5\n', { line: 2, column: 4 }, 'row has 2 fields, expected 3 (from line 1)');
    await expectInputError('x,y\n1,2\n3', { line: 3, column: 2 }, 'row has 1 field, expected 2 (from line 1)');
  });

  it('ragged rows are found whatever columns are kept', async () => {
    await expectInputError('id,a\n1,2\n3\n', { line: 3, column: 2 }, 'row has 1 field, expected 2 (from line 1)', {
      columns: ['1'],
    });
  });

  it('an empty field is an error, never 0', async () => {
    await expectInputError('1,,3', { line: 1, column: 3 }, 'empty field', { header: false });
    await expectInputError('1,2,', { line: 1, column: 5 }, 'empty field', { header: false });
    await expectInputError('1,2\n,4', { line: 2, column: 1 }, 'empty field');
    await expectInputError('1,2\n3,   \n', { line: 2, column: 3 }, 'empty field');
    await expectInputError('1,""', { line: 1, column: 3 }, 'empty field', { header: false });
    await expectInputError('a,b\n1,\t"  "\n', { line: 2, column: 4 }, 'empty field');
  });

  it('a token that is not a number: at its first character, quoted', async () => {
    await expectInputError('1,abc,3', { line: 1, column: 3 }, "expected a number in field 2, got 'abc'", { header: false });
    await expectInputError('a,b\n1,   x\n', { line: 2, column: 6 }, "expected a number in field 2 'b', got 'x'");
    await expectInputError('a,b\n1,"1.5x"\n', { line: 2, column: 3 }, "expected a number in field 2 'b', got '1.5x'");
  });

  it.each(['0x10', '1_000', '1e', '.', '1,5', '0b1', 'Infinity1', '--1'])('%s is not a number', async (token) => {
    await expectInputError(`a\n1\n"${token}"\n`, { line: 3, column: 1 }, 'expected a number');
  });

  it('cuts a long bad token after 40 characters', async () => {
    await expectInputError(`a\n${'y'.repeat(50)}\n`, { line: 2, column: 1 }, `got '${'y'.repeat(40)}...'`);
  });

  it('shows a line break inside a quoted number as \\n', async () => {
    await expectInputError('a,b\n"1\n",2\n', { line: 2, column: 1 }, "got '1\\n'");
  });

  it('counts columns in characters, an emoji being one', async () => {
    await expectInputError('label,v\n😀😀,abc\n', { line: 2, column: 4 }, "got 'abc'", { excludeColumns: ['label'] });
  });

  it('an unterminated quote: at the opening quote', async () => {
    await expectInputError('1,2\n3,"4\n5,6\n', { line: 2, column: 3 }, 'unterminated quoted field');
  });

  it('text after a closing quote', async () => {
    await expectInputError('"1"x,2', { line: 1, column: 4 }, "expected a delimiter or a line end after the closing quote, got 'x'");
    await expectInputError('"a" "b",c', { line: 1, column: 5 }, 'after the closing quote');
  });

  it('no data rows: an empty input, a header alone, blank lines alone', async () => {
    await expectInputError('', { line: 1, column: 1 }, 'no data rows');
    await expectInputError('a,b\n', { line: 2, column: 1 }, "no data rows: line 1 was read as a header because field 1 'a' is not a number; if it is data, pass --no-header");
    await expectInputError('a,b\n', { line: 2, column: 1 }, 'no data rows (only a header)', { header: true });
    await expectInputError('a,b', { line: 1, column: 4 }, 'no data rows: line 1 was read as a header');
    await expectInputError('\n\n', { line: 3, column: 1 }, 'no data rows');
  });

  it('a field too long to be a number is refused without holding it', async () => {
    await expectInputError(`a\n"${'9'.repeat(MAX_TOKEN_CHARS + 1)}"\n`, { line: 2, column: 1 }, 'is longer than');
  });
});

describe('CSV: column selection', () => {
  const text = 'id,a,b,c\n1,2,3,4\n';
  const keep = async (columns: string[] | undefined, excludeColumns?: string[]) => {
    const { info, rows } = await readAllRows('in.csv', text, { columns, excludeColumns });
    return { header: info.header, columns: info.columns, values: Array.from(rows[0].values) };
  };

  it('by range, index and open range', async () => {
    expect(await keep(['2-3'])).toEqual({ header: ['a', 'b'], columns: 2, values: [2, 3] });
    expect(await keep(['4', '2'])).toEqual({ header: ['a', 'c'], columns: 2, values: [2, 4] });
    expect(await keep(['3-'])).toEqual({ header: ['b', 'c'], columns: 2, values: [3, 4] });
  });

  it('by name, in file order whatever the order asked', async () => {
    expect(await keep(['c', 'a'])).toEqual({ header: ['a', 'c'], columns: 2, values: [2, 4] });
  });

  it('columns and excludeColumns together', async () => {
    expect(await keep(['2-4'], ['b'])).toEqual({ header: ['a', 'c'], columns: 2, values: [2, 4] });
  });

  it('does not parse excluded columns (labels, empty ids)', async () => {
    expect(await rowsOf('id,a\nfoo bar,1\n,2\n', { excludeColumns: ['id'] })).toEqual([[1], [2]]);
  });

  it('decides about the header from the kept columns only', async () => {
    // The label column holds words: without the exclusion it would make line 1 a header.
    expect(await rowsOf('cat,1,2\ndog,3,4\n', { excludeColumns: ['1'] })).toEqual([
      [1, 2],
      [3, 4],
    ]);
    await expectInputError('cat,1,2\ndog,3,4\n', { line: 2, column: 1 }, "got 'dog'");
  });

  it('reads a pandas index column (empty header name) when excluded', async () => {
    const { info, rows } = await readAllRows('in.csv', ',0,1\n0,1.5,2.5\n1,3,4\n', { excludeColumns: ['1'] });
    expect(info.header).toEqual(['0', '1']);
    expect(rows.map((row) => Array.from(row.values))).toEqual([
      [1.5, 2.5],
      [3, 4],
    ]);
  });

  it('empty fields make a header only when all of them are in excluded columns', async () => {
    expect((await infoOf(',1\n1,2\n', { excludeColumns: ['1'] })).header).toEqual(['1']);
    expect((await infoOf('x,1\n1,2\n', { excludeColumns: ['1'] })).header).toBeUndefined();
    // A first data row with a missing value is an error, not a header that drops the row.
    await expectInputError('1,,3\n4,5,6\n', { line: 1, column: 3 }, 'empty field');
    // With a word in a kept column the line is a header, empty names and all.
    expect((await infoOf('a,,c\n1,2.5,3\n')).header).toEqual(['a', '', 'c']);
    // ... and an empty name over integers is pandas' index, left out.
    expect((await infoOf('a,,c\n1,2,3\n')).header).toEqual(['a', 'c']);
  });

  it('a name implies a header', async () => {
    await expect(readAllRows('in.csv', '1,2\n3,4\n', { columns: ['a'] })).rejects.toThrow(
      new UsageError("--columns: no column named 'a'; available: 1 '1', 2 '2'"),
    );
  });

  it('a missing name or index is a usage error listing the available columns', async () => {
    await expect(readAllRows('in.csv', text, { columns: ['z'] })).rejects.toThrow(
      new UsageError("--columns: no column named 'z'; available: 1 'id', 2 'a', 3 'b', 4 'c'"),
    );
    await expect(readAllRows('in.csv', text, { excludeColumns: ['5'] })).rejects.toThrow(
      new UsageError("--exclude-columns: column 5 does not exist; available: 1 'id', 2 'a', 3 'b', 4 'c'"),
    );
    await expect(readAllRows('in.csv', '1,2\n', { columns: ['2-3'] })).rejects.toThrow(
      new UsageError('--columns: column 2-3 does not exist; the input has 2 columns and no header'),
    );
  });

  it('excluding every column is a usage error', async () => {
    await expect(readAllRows('in.csv', text, { excludeColumns: ['1-'] })).rejects.toThrow(UsageError);
  });

  it('names with the header off are a usage error', async () => {
    await expect(readAllRows('in.csv', text, { header: false, columns: ['a'] })).rejects.toThrow(
      new UsageError('--no-header: columns are selected by name, which needs the header; select them by 1-based index instead'),
    );
  });

  it('malformed specs fail at once, before reading', () => {
    const never: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => {
        throw new Error('must not be read');
      },
    };
    expect(() => readRows('in.csv', never, { columns: ['0'] })).toThrow(new UsageError("--columns: column '0': column indices start at 1"));
    expect(() => readRows('in.csv', never, { excludeColumns: ['3-2'] })).toThrow(UsageError);
    expect(() => readRows('in.csv', never, { columns: [' '] })).toThrow(UsageError);
  });
});

describe('reader options', () => {
  const never: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]: () => {
      throw new Error('must not be read');
    },
  };

  it.each(['', ',,', '"', '\n', '\r'])('delimiter %j is a usage error', (delimiter) => {
    expect(() => readRows('in.csv', never, { delimiter })).toThrow(UsageError);
  });

  it('an unknown format is a usage error', () => {
    expect(() => readRows('in.csv', never, { format: 'xml' as 'csv' })).toThrow(
      new UsageError("--input-format: expected csv, json or jsonl for a text input, got 'xml'"),
    );
  });

  it('CSV options on JSON input are a usage error, not silently ignored', async () => {
    await expect(readAllRows('in.json', '[1]', { delimiter: ',' })).rejects.toThrow(
      new UsageError('--delimiter: only for CSV input, but in.json is JSON'),
    );
    await expect(readAllRows('<stdin>', '[1]\n[2]\n', { excludeColumns: ['1'], header: false })).rejects.toThrow(
      new UsageError('--no-header, --exclude-columns: only for CSV input, but <stdin> is JSON'),
    );
    await expect(readAllRows('in.jsonl', '[1]\n', { header: true })).rejects.toThrow(
      new UsageError('--header: only for CSV input, but in.jsonl is JSON Lines'),
    );
    expect(await rowsOf('[1]', { columns: [] }, 'in.json')).toEqual([[1]]);
  });
});
