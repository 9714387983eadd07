// The merge rules of src/metrics/summary.ts on hand-made summaries, one rule per test: ties of
// maxUlp and of the row spread go to the earlier row, first rows and listed rows are the first
// ones in input order (capped), the input shape's null minima and maxima. The property test of
// analysis.test.ts (merged equals whole) compares the code with itself; these state each rule's
// outcome directly.
import { describe, expect, test } from 'vitest';
import {
  emptyInputFigures,
  emptyInputShape,
  emptyResultSummary,
  FIRST_ROWS_LIMIT,
  LISTED_ROWS_LIMIT,
  mergeInputFigures,
  mergeInputShape,
  mergeResultSummary,
  rowAt,
  type InputShape,
  type ResultSummary,
} from '../../src/metrics/summary.js';

function withWorst(maxUlp: number, row: number | null): ResultSummary {
  const summary = emptyResultSummary('log-softmax', 'float16', 'max-shift');
  summary.errors.maxUlp = maxUlp;
  summary.errors.worstRow = row === null ? null : { row, line: row + 1 };
  return summary;
}

test('rowAt carries a label only when there is one', () => {
  expect(Object.keys(rowAt(4, 5, undefined))).toEqual(['row', 'line']);
  expect(rowAt(4, 5, { id: 'a' })).toEqual({ row: 4, line: 5, label: { id: 'a' } });
});

describe('mergeResultSummary: maxUlp and its worst row', () => {
  test.each([
    // [maxUlp, worst row] of into, then of other; the merged maxUlp and worst row
    [3, 8, 3, 2, 3, 2, 'equal maxUlp: the earlier row (the other\'s)'],
    [3, 2, 3, 8, 3, 2, 'equal maxUlp: the earlier row (into\'s)'],
    [7, 8, 3, 2, 7, 8, 'into larger: its row, though the other\'s is earlier'],
    [3, 8, 7, 9, 7, 9, 'the other larger: its row, though into\'s is earlier'],
  ])('into (%d ulps, row %d), other (%d, row %d) -> %d ulps at row %d: %s', (ulpA, rowA, ulpB, rowB, ulp, row) => {
    const into = withWorst(ulpA, rowA);
    mergeResultSummary(into, withWorst(ulpB, rowB));
    expect(into.errors.maxUlp).toBe(ulp);
    expect(into.errors.worstRow).toEqual({ row, line: row + 1 });
  });

  test('two summaries without any measured element keep maxUlp -1 and no worst row', () => {
    const into = withWorst(-1, null);
    mergeResultSummary(into, withWorst(-1, null));
    expect(into.errors.maxUlp).toBe(-1);
    expect(into.errors.worstRow).toBeNull();
  });

  test('a logsumexp summary (no softmax figures) merges without them', () => {
    const into = emptyResultSummary('logsumexp', 'float32', 'naive');
    mergeResultSummary(into, emptyResultSummary('logsumexp', 'float32', 'naive'));
    expect(into.softmax).toBeUndefined();
  });
});

test('counts add and maxima take the larger, field by field', () => {
  // Distinct values in every field, so that a field merged with the wrong rule, or not at all,
  // shows. The bits sums are small: no carry (bits-of-error.test.ts tests the carry).
  const fill = (summary: ResultSummary, k: number) => {
    summary.rows = k;
    summary.flags = { overflow: k + 1, underflow: k + 2, invalid: k + 3, divideByZero: k + 4 };
    summary.wrong = { nan: k + 5, inf: k + 6, zero: k + 7, factor2: k + 8 };
    summary.errors.count = k + 9;
    summary.errors.maxAbs = k / 10;
    summary.errors.maxRel = 1 / k;
    summary.errors.bitsSum = { high: k, low: 2 * k };
    summary.errors.bitsHistogram[0] = k;
    summary.errors.bitsHistogram[7] = 3 * k;
    summary.softmax = { rows: k + 10, maxSumDev: k / 100, argmaxFlips: k + 11 };
    return summary;
  };
  const into = fill(emptyResultSummary('softmax', 'bfloat16', 'online'), 10);
  mergeResultSummary(into, fill(emptyResultSummary('softmax', 'bfloat16', 'online'), 20));
  expect(into.rows).toBe(30);
  expect(into.flags).toEqual({ overflow: 32, underflow: 34, invalid: 36, divideByZero: 38 });
  expect(into.wrong).toEqual({ nan: 40, inf: 42, zero: 44, factor2: 46 });
  expect(into.errors.count).toBe(48);
  expect(into.errors.maxAbs).toBe(2); // max(1, 2)
  expect(into.errors.maxRel).toBe(0.1); // max(1/10, 1/20)
  expect(into.errors.bitsSum).toEqual({ high: 30, low: 60 });
  expect(into.errors.bitsHistogram[0]).toBe(30);
  expect(into.errors.bitsHistogram[7]).toBe(90);
  expect(into.softmax).toEqual({ rows: 50, maxSumDev: 0.2, argmaxFlips: 52 });
});

test('first rows: the first FIRST_ROWS_LIMIT (5) of both lists, in input order', () => {
  const into = emptyResultSummary('softmax', 'float16', 'naive');
  const other = emptyResultSummary('softmax', 'float16', 'naive');
  into.firstRows.nan = [7, 9].map((row) => rowAt(row, row + 1, undefined));
  other.firstRows.nan = [1, 2, 3, 8].map((row) => rowAt(row, row + 1, undefined));
  mergeResultSummary(into, other);
  expect(FIRST_ROWS_LIMIT).toBe(5);
  expect(into.firstRows.nan.map((r) => r.row)).toEqual([1, 2, 3, 7, 8]);
});

test('listed rows: the first LISTED_ROWS_LIMIT (20) of both lists, in input order', () => {
  // Even rows 0..28 in one part, odd rows 1..29 in the other (15 each): the first 20 are 0..19.
  const into = emptyInputFigures('float16');
  const other = emptyInputFigures('float16');
  into.listedRows = Array.from({ length: 15 }, (_, i) => ({ row: 2 * i, line: 2 * i + 1, kind: 'masked' as const }));
  other.listedRows = Array.from({ length: 15 }, (_, i) => ({ row: 2 * i + 1, line: 2 * i + 2, kind: 'nan' as const }));
  mergeInputFigures(into, other);
  expect(LISTED_ROWS_LIMIT).toBe(20);
  expect(into.listedRows.map((r) => r.row)).toEqual(Array.from({ length: 20 }, (_, i) => i));
});

describe('mergeInputShape', () => {
  function shape(fields: Partial<InputShape>): InputShape {
    return { ...emptyInputShape(), ...fields };
  }

  test('rows add, classes take the larger', () => {
    const into = shape({ rows: 2, classes: 3 });
    mergeInputShape(into, shape({ rows: 5, classes: 7 }));
    expect(into).toMatchObject({ rows: 7, classes: 7 });
  });

  test('a part without finite logits (null extremes) changes no extreme; into without any takes the other\'s', () => {
    const into = shape({ minLogit: 3, maxLogit: 4 }); // positive minimum, so a null read as 0 would show
    mergeInputShape(into, shape({}));
    expect(into).toMatchObject({ minLogit: 3, maxLogit: 4 });
    const negative = shape({ minLogit: -4, maxLogit: -3 }); // negative maximum, likewise
    mergeInputShape(negative, shape({}));
    expect(negative).toMatchObject({ minLogit: -4, maxLogit: -3 });
    const empty = shape({});
    mergeInputShape(empty, shape({ minLogit: 5, maxLogit: -5 }));
    expect(empty).toMatchObject({ minLogit: 5, maxLogit: -5 });
  });

  test('the largest row spread and its row; a tie goes to the earlier row', () => {
    const at = (row: number) => ({ row, line: row + 1 });
    const empty = shape({});
    mergeInputShape(empty, shape({ maxRowSpread: 5, maxRowSpreadRow: at(3) }));
    expect(empty).toMatchObject({ maxRowSpread: 5, maxRowSpreadRow: at(3) });

    const tie = shape({ maxRowSpread: 5, maxRowSpreadRow: at(8) });
    mergeInputShape(tie, shape({ maxRowSpread: 5, maxRowSpreadRow: at(3) }));
    expect(tie).toMatchObject({ maxRowSpread: 5, maxRowSpreadRow: at(3) });

    const smaller = shape({ maxRowSpread: 5, maxRowSpreadRow: at(8) });
    mergeInputShape(smaller, shape({ maxRowSpread: 4, maxRowSpreadRow: at(3) }));
    expect(smaller).toMatchObject({ maxRowSpread: 5, maxRowSpreadRow: at(8) });

    const larger = shape({ maxRowSpread: 5, maxRowSpreadRow: at(3) });
    mergeInputShape(larger, shape({ maxRowSpread: 6, maxRowSpreadRow: at(8) }));
    expect(larger).toMatchObject({ maxRowSpread: 6, maxRowSpreadRow: at(8) });
  });
});
