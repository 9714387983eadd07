import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { checkSpecs, resolveColumns, specsUseNames } from '../../src/input/text/columns.js';

const names = ['id', 'a', 'b', 'a', 'c'];

describe('resolveColumns', () => {
  it('keeps everything when nothing is asked', () => {
    expect(resolveColumns(3, undefined, undefined, undefined)).toEqual([0, 1, 2]);
    expect(resolveColumns(3, undefined, [], [])).toEqual([0, 1, 2]);
  });

  it('indices and ranges are 1-based and inclusive; results come in file order', () => {
    expect(resolveColumns(5, undefined, ['4', '2-3'], undefined)).toEqual([1, 2, 3]);
    expect(resolveColumns(5, undefined, ['4-'], undefined)).toEqual([3, 4]);
    expect(resolveColumns(5, undefined, ['2', '2', ' 2 '], undefined)).toEqual([1]);
  });

  it('a name selects every column of that name', () => {
    expect(resolveColumns(5, names, ['a'], undefined)).toEqual([1, 3]);
    expect(resolveColumns(5, names, undefined, ['a', 'id'])).toEqual([2, 4]);
  });

  it('excludes after including', () => {
    expect(resolveColumns(5, names, ['2-5'], ['3'])).toEqual([1, 3, 4]);
  });

  it('digits are always an index, even when a header name is made of digits', () => {
    expect(resolveColumns(3, ['2', '1', '0'], ['1'], undefined)).toEqual([0]);
  });

  it('errors name the column and list what is available', () => {
    expect(() => resolveColumns(5, names, ['z'], undefined)).toThrow(
      new UsageError("--columns: no column named 'z'; available: 1 'id', 2 'a', 3 'b', 4 'a', 5 'c'"),
    );
    expect(() => resolveColumns(2, undefined, undefined, ['3'])).toThrow(
      new UsageError('--exclude-columns: column 3 does not exist; the input has 2 columns and no header'),
    );
    expect(() => resolveColumns(1, undefined, ['1-2'], undefined)).toThrow(
      new UsageError('--columns: column 1-2 does not exist; the input has 1 column and no header'),
    );
  });

  it('lists at most 20 columns', () => {
    const many = Array.from({ length: 30 }, (_, i) => `c${i + 1}`);
    expect(() => resolveColumns(30, many, ['nope'], undefined)).toThrow(/20 'c20', \.\.\. \(30 columns\)$/);
  });

  it('nothing left is an error', () => {
    expect(() => resolveColumns(2, undefined, ['1'], ['1'])).toThrow(UsageError);
  });
});

describe('spec syntax', () => {
  it('names versus indices', () => {
    expect(specsUseNames(['1', '2-3', '4-'])).toBe(false);
    expect(specsUseNames(['1', 'id'])).toBe(true);
    expect(specsUseNames(['-1'])).toBe(true); // not an index or a range: a name
    expect(specsUseNames(undefined)).toBe(false);
  });

  it.each(['0', '0-2', '3-2', '', '  '])('%j is malformed', (spec) => {
    expect(() => checkSpecs([spec], '--columns')).toThrow(UsageError);
  });
});
