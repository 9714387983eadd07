// Calibration summaries merge exactly: the summaries of any split of the rows, merged, give the
// figures of one pass over the whole. Also: a summary survives structuredClone, a temperature
// T gives the figures of the rows divided by T, and the two ways to the exact values (the
// analysis's reference row, or the accumulator's own) give the same figures.
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { DTYPES } from '../../src/formats/index.js';
import { CalibrationAccumulator, calibrationFigures, mergeCalibrationSummary, type CalibrationSummary } from '../../src/metrics/calibration.js';
import { ReferenceRow } from '../../src/reference/index.js';

const logit = fc.oneof(
  { weight: 10, arbitrary: fc.double({ min: -30, max: 30, noNaN: true }) },
  { weight: 2, arbitrary: fc.double({ min: -2000, max: 2000, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(-Infinity, Infinity, NaN, 0, 1e-300, 7, 7) },
);

interface Row {
  x: number[];
  label: number | undefined;
}

const rowsArbitrary = fc.integer({ min: 1, max: 6 }).chain((k) =>
  fc.array(
    fc.record({
      x: fc.array(logit, { minLength: k, maxLength: k }),
      label: fc.oneof(fc.integer({ min: 0, max: k - 1 }), fc.constant(-100)),
    }),
    { minLength: 2, maxLength: 14 },
  ),
);

function summarise(rows: Row[], first = 0, options: { temperature?: number; reference?: boolean } = {}): CalibrationSummary {
  const accumulator = new CalibrationAccumulator({ dtypes: DTYPES, temperature: options.temperature });
  const reference = new ReferenceRow();
  rows.forEach((row, i) => {
    const x = Float64Array.from(row.x);
    if (options.reference) reference.compute(x, x.length);
    accumulator.addRow(x, x.length, options.reference ? reference : null, row.label, first + i, first + i + 1, { id: `r${first + i}` });
  });
  return accumulator.summary();
}

test('merging the summaries of any split gives the figures of the whole', () => {
  fc.assert(
    fc.property(rowsArbitrary, fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), fc.boolean(), (rows, cuts, reversed) => {
      const points = [...new Set(cuts.map((c) => 1 + (c % (rows.length - 1))))].sort((a, b) => a - b);
      const bounds = [0, ...points, rows.length];
      const parts = bounds.slice(1).map((end, i) => structuredClone(summarise(rows.slice(bounds[i], end), bounds[i])));
      if (reversed) parts.reverse();
      const merged = parts[0];
      for (const part of parts.slice(1)) mergeCalibrationSummary(merged, part);
      expect(calibrationFigures(merged)).toEqual(calibrationFigures(summarise(rows)));
    }),
    { numRuns: 200, endOnFailure: true },
  );
});

test('the comparison above can fail: one changed row changes the figures', () => {
  const rows: Row[] = [
    { x: [1, 2, 3], label: 2 },
    { x: [0, 5, 1], label: 0 },
  ];
  const changed = structuredClone(rows);
  changed[1].x[1] = 5.001;
  expect(calibrationFigures(summarise(changed))).not.toEqual(calibrationFigures(summarise(rows)));
});

test('a summary is plain data: structuredClone and JSON keep its figures', () => {
  const summary = summarise([
    { x: [1, 2, 3], label: 2 },
    { x: [0, 50, 1], label: 0 },
    { x: [0, 0, 0], label: 1 },
  ]);
  expect(calibrationFigures(structuredClone(summary))).toEqual(calibrationFigures(summary));
  expect(calibrationFigures(JSON.parse(JSON.stringify(summary)) as CalibrationSummary)).toEqual(calibrationFigures(summary));
});

test('summaries at different temperatures do not merge', () => {
  const rows: Row[] = [{ x: [1, 2], label: 0 }];
  expect(() => mergeCalibrationSummary(summarise(rows), summarise(rows, 0, { temperature: 2 }))).toThrow(/temperatures/);
});

test('at T = 2^n, the figures of x equal those of x / 2^n at T = 1 (the division is exact there)', () => {
  fc.assert(
    fc.property(rowsArbitrary, fc.integer({ min: -3, max: 3 }).filter((n) => n !== 0), (rows, n) => {
      const temperature = 2 ** n;
      // Exact only where neither x nor x / 2^n is subnormal.
      fc.pre(rows.every((row) => row.x.every((v) => !(v !== 0 && Math.abs(v) < 2 ** -1018))));
      const divided = rows.map((row) => ({ x: row.x.map((v) => v / temperature), label: row.label }));
      const atT = calibrationFigures(summarise(rows, 0, { temperature }));
      const atOne = calibrationFigures(summarise(divided, 0));
      // The saturation margins are for the same K; only the temperature field differs.
      expect({ ...atT, temperature: 1 }).toEqual(atOne);
    }),
    { numRuns: 100, endOnFailure: true },
  );
});

test('the figures from the reference row equal those the accumulator computes itself (T = 1)', () => {
  // Two computations of the same exact values, both to 2^-100: their float64 roundings agree
  // (a difference would need a value within 2^-100 of a rounding boundary or bin edge).
  fc.assert(
    fc.property(rowsArbitrary, (rows) => {
      expect(calibrationFigures(summarise(rows, 0, { reference: true }))).toEqual(calibrationFigures(summarise(rows)));
    }),
    { numRuns: 150, endOnFailure: true },
  );
});
