import { expect, test } from 'vitest';
import type { InputReport } from '../../src/report/report.js';
import { calibrationLines } from '../../src/render/summary-lines.js';

// The calibration lines of the table and Markdown, from hand-made figures (every number stated
// here, none computed), so the wording and the rounding of each figure are pinned. Probabilities
// near 1 keep the digits that tell them from 1 (two past the first non-9), trailing zeros dropped.
const quantile = (value: number) => ({ low: value, high: value, value });

function input(): InputReport {
  return {
    path: 'in.csv',
    format: 'csv',
    rows: 4,
    classes: 3,
    logits: { min: 0, max: 1, maxRowSpread: 1, maxRowSpreadRow: null },
    dtypes: [],
    results: [],
    calibration: {
      temperature: 1,
      rows: 4,
      skippedRows: 0,
      classes: 3,
      topProbability: {
        mean: 0.9,
        median: { ...quantile(0.95), oneMinusLow: 0.05, oneMinusHigh: 0.05 },
        p90: { ...quantile(0.9994), oneMinusLow: 0.0006, oneMinusHigh: 0.0006 },
        p99: { ...quantile(0.9999), oneMinusLow: 0.0001, oneMinusHigh: 0.0001 },
        shareAbove099: 0.25,
        shareAbove0999: 0,
      },
      entropy: { mean: 0.2, median: quantile(0.1), p90: quantile(0.5), p99: quantile(0.6) },
      margin: { mean: 4, median: quantile(3.5), p90: quantile(9), p99: quantile(10), rows: 4 },
      dominance: { threshold: 3.5, rows: 1, share: 0.25, meanMass: 0.99, madZeroRows: 0, firstRows: [{ row: 2, line: 4 }] },
      saturation: [
        { dtype: 'float16', precision: 11, margin: 9.0109, rows: 1, share: 0.25 },
        { dtype: 'float32', precision: 24, margin: 17.329, rows: 0, share: 0 },
      ],
      labels: { labelledRows: 4, ignoredRows: 1, accuracy: 0.75, meanLoss: 0.5, brier: 0.3, ece: 0.05, meanConfidence: 0.9, overconfidence: 0.15, reliability: [] },
    },
    temperatureFit: { status: 'fitted', temperature: 0.5, rows: 4, lossBefore: 0.5, lossAfter: 0.4, eceBefore: 0.05, eceAfter: 0.01, evaluations: 40 },
  } as InputReport;
}

test('confidence, saturation, dominance, the temperature fit and the labels, one line each', () => {
  expect(calibrationLines(input())).toEqual([
    'confidence: top probability mean 0.9, median 0.95, p90 0.9994; 25.0% of rows above 0.99, 0.0% above 0.999; entropy mean 0.200 nats; top-2 margin median 3.50',
    "saturated (top-2 margin beyond which softmax rounds to one-hot and the top class's gradient is 0): float16 1 row beyond 9.01 nats",
    'one logit dominates (robust z-score > 3.5) in 1 row, taking 0.99 of the mass on average; first: row 2, line 4',
    'temperature fit: T = 0.500000 minimises the exact mean loss: loss 0.5000000 -> 0.4000000, ECE 0.0500 -> 0.0100 (4 rows)',
    'labels: 4 labelled rows, 1 row with the ignore index left out; accuracy 75.00%, exact mean loss 0.5000000, Brier 0.300, ECE 0.0500 (15 bins), over-confidence +0.1500 (over-confident)',
  ]);
});

test('at a temperature the confidence line says so; no rows, no lines', () => {
  const at = input();
  at.calibration!.temperature = 0.5;
  expect(calibrationLines(at)[0].startsWith('confidence (at temperature 0.5): ')).toBe(true);
  const none = input();
  none.calibration!.rows = 0;
  expect(calibrationLines(none)).toEqual([]);
});
