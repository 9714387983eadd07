// Analysis on rows the other tests do not give it: a row shorter than the buffer it comes in (the
// readers reuse one buffer for every row), a masked row with only some results selected, and more
// excluded rows than the report lists. Expected figures are derived in the comments.
import { expect, test } from 'vitest';
import { Analysis } from '../../src/metrics/analysis.js';

test('only the first `length` values of the buffer are the row: the input shape and the figures ignore the rest', () => {
  // The row is [1, 2]; 1000 and -1000 are left in the buffer from a longer row. Its shape: 2
  // classes, logits 1 to 2, spread 1. float64 max-shift softmax measures 2 outputs.
  const analysis = new Analysis({ dtypes: ['float64'], results: [{ function: 'softmax', algorithm: 'max-shift' }] });
  analysis.addRow(Float64Array.of(1, 2, 1000, -1000), 2, 0, 1);
  const summary = analysis.summary();
  expect(summary.input).toEqual({ rows: 1, classes: 2, minLogit: 1, maxLogit: 2, maxRowSpread: 1, maxRowSpreadRow: { row: 0, line: 1 } });
  expect(summary.results[0].errors.count).toBe(2);
});

test('a masked row with one result selected: only that result counts its outputs', () => {
  // naive softmax of [-Inf, -Inf] in float32: exp(-Inf) = 0 twice, s = 0, 0/0 = NaN twice.
  const analysis = new Analysis({ dtypes: ['float32'], results: [{ function: 'softmax', algorithm: 'naive' }] });
  analysis.addRow(Float64Array.of(-Infinity, -Infinity), 2, 0, 1);
  const summary = analysis.summary();
  expect(summary.results).toHaveLength(1);
  expect(summary.results[0].masked).toEqual({ rows: 1, nan: 2, zero: 0, negInf: 0, posInf: 0, finite: 0, uniformRows: 0 });
  expect(summary.inputs[0].maskedRows).toBe(1);
});

test('the input figures list the first 20 excluded or masked rows and count them all', () => {
  // 22 masked rows: all 22 counted, rows 0 to 19 listed.
  const analysis = new Analysis({ dtypes: ['float16'], results: [{ function: 'logsumexp', algorithm: 'naive' }] });
  for (let row = 0; row < 22; row++) analysis.addRow(Float64Array.of(-Infinity, -Infinity), 2, row, row + 1);
  const figures = analysis.summary().inputs[0];
  expect(figures.maskedRows).toBe(22);
  expect(figures.listedRows).toEqual(Array.from({ length: 20 }, (_, row) => ({ row, line: row + 1, kind: 'masked' })));
});
