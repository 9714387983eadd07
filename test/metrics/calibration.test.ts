// The calibration figures of MNIST's 2500 rows with their labels against an independent numpy
// computation: fixtures/mnist/calibration.py, committed with its output calibration.json (float64,
// sums by math.fsum). Means and ECE agree to 1e-12 relative (numpy's float64 against the exact
// values), counts exactly, each numpy quantile lies in the bin reported for it, and the fitted
// temperature within the search's tolerance.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { CalibrationAccumulator, calibrationFigures, fitTemperature, mergeCalibrationSummary, type CalibrationFigures, type QuantileFigure, type TopQuantileFigure } from '../../src/metrics/calibration.js';
import { ReferenceRow } from '../../src/reference/index.js';
import { DTYPES } from '../../src/formats/index.js';

const fixtures = fileURLToPath(new URL('../../fixtures/mnist/', import.meta.url));

interface NumpyDistribution {
  mean: number;
  median: number;
  p90: number;
  p99: number;
}
interface NumpyLabels {
  accuracy: number;
  correct: number;
  meanLoss: number;
  brier: number;
  ece: number;
  meanConfidence: number;
  overconfidence: number;
  reliability: Array<{ count: number; meanConfidence: number | null; accuracy: number | null }>;
}
interface NumpyFigures {
  rows: number;
  classes: number;
  topProbability: NumpyDistribution & {
    oneMinusAtQuantile: { median: number; p90: number; p99: number };
    shareAbove099: number;
    shareAbove0999: number;
  };
  entropy: NumpyDistribution;
  margin: NumpyDistribution;
  dominance: { threshold: number; rows: number; meanMass: number; madZeroRows: number; firstRows: number[] };
  saturation: Record<string, { margin: number; rows: number }>;
  labels: NumpyLabels;
  temperature: { temperature: number; lossBefore: number; lossAfter: number; eceBefore: number; eceAfter: number; after: NumpyLabels };
}

/** The CSV: a header, 10 logits and an integer label per line (a parser of the test's own). */
function readMnist(): { rows: Float64Array[]; labels: number[] } {
  const lines = readFileSync(`${fixtures}logits-labels.csv`, 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  expect(header[header.length - 1]).toBe('label');
  const rows: Float64Array[] = [];
  const labels: number[] = [];
  for (const line of lines.slice(1)) {
    const fields = line.split(',');
    rows.push(Float64Array.from(fields.slice(0, -1), Number));
    labels.push(Number.parseInt(fields[fields.length - 1], 10));
  }
  return { rows, labels };
}

function numpyFigures(): NumpyFigures {
  return JSON.parse(readFileSync(`${fixtures}calibration.json`, 'utf8')) as NumpyFigures;
}

function expectRelative(what: string, got: number, expected: number, tolerance: number): void {
  const difference = Math.abs(got - expected);
  const relative = difference / Math.abs(expected);
  if (!(relative <= tolerance)) throw new Error(`${what}: got ${got}, expected ${expected}, relative difference ${relative} > ${tolerance}`);
}

function expectInBin(what: string, bin: QuantileFigure, value: number): void {
  if (!(bin.low <= value && value <= bin.high)) throw new Error(`${what}: numpy's ${value} outside the bin [${bin.low}, ${bin.high}]`);
  // The representative value is inside too.
  expect(bin.low <= bin.value && bin.value <= bin.high).toBe(true);
}

function analyse(useReference: boolean): CalibrationFigures {
  const { rows, labels } = readMnist();
  const accumulator = new CalibrationAccumulator({ dtypes: DTYPES });
  const reference = new ReferenceRow();
  rows.forEach((x, i) => {
    if (useReference) reference.compute(x, x.length);
    accumulator.addRow(x, x.length, useReference ? reference : null, labels[i], i, i + 2);
  });
  return calibrationFigures(accumulator.summary());
}

function compareLabels(got: NonNullable<CalibrationFigures['labels']>, expected: NumpyLabels, tolerance: number): void {
  expect(got.accuracy).toBe(expected.accuracy);
  expectRelative('mean loss', got.meanLoss!, expected.meanLoss, tolerance);
  expectRelative('Brier', got.brier!, expected.brier, tolerance);
  expectRelative('ECE', got.ece!, expected.ece, tolerance);
  expectRelative('mean confidence', got.meanConfidence!, expected.meanConfidence, tolerance);
  expectRelative('over-confidence gap', got.overconfidence!, expected.overconfidence, tolerance);
  expect(got.reliability.map((bin) => bin.count)).toEqual(expected.reliability.map((bin) => bin.count));
  got.reliability.forEach((bin, b) => {
    const want = expected.reliability[b];
    if (want.meanConfidence === null || want.accuracy === null) {
      expect(bin.meanConfidence).toBeNull();
      expect(bin.accuracy).toBeNull();
      return;
    }
    expectRelative(`bin ${b} confidence`, bin.meanConfidence!, want.meanConfidence, tolerance);
    expect(bin.accuracy).toBe(want.accuracy);
  });
}

test.each([
  { what: 'from the analysis reference rows', useReference: true },
  { what: 'computed by the accumulator', useReference: false },
])('MNIST calibration figures ($what) agree with numpy', ({ useReference }) => {
  const got = analyse(useReference);
  const want = numpyFigures();
  expect(got.rows).toBe(want.rows);
  expect(got.classes).toBe(want.classes);
  const tolerance = 1e-12;

  expectRelative('mean top probability', got.topProbability!.mean, want.topProbability.mean, tolerance);
  for (const name of ['median', 'p90', 'p99'] as const) {
    const bin: TopQuantileFigure = got.topProbability![name];
    expectInBin(`top probability ${name}`, bin, want.topProbability[name]);
    const oneMinus = want.topProbability.oneMinusAtQuantile[name];
    if (!(bin.oneMinusLow <= oneMinus && oneMinus < bin.oneMinusHigh)) throw new Error(`1 - top ${name}: ${oneMinus} outside [${bin.oneMinusLow}, ${bin.oneMinusHigh})`);
  }
  expect(got.topProbability!.shareAbove099).toBe(want.topProbability.shareAbove099);
  expect(got.topProbability!.shareAbove0999).toBe(want.topProbability.shareAbove0999);

  expectRelative('mean entropy', got.entropy!.mean, want.entropy.mean, tolerance);
  for (const name of ['median', 'p90', 'p99'] as const) expectInBin(`entropy ${name}`, got.entropy![name], want.entropy[name]);
  const margin = got.margin!;
  expect(margin.rows).toBe(want.rows);
  expectRelative('mean margin', margin.mean, want.margin.mean, tolerance);
  for (const name of ['median', 'p90', 'p99'] as const) expectInBin(`margin ${name}`, margin[name], want.margin[name]);

  expect(got.dominance.threshold).toBe(want.dominance.threshold);
  expect(got.dominance.rows).toBe(want.dominance.rows);
  expect(got.dominance.madZeroRows).toBe(want.dominance.madZeroRows);
  expectRelative('dominant mass', got.dominance.meanMass!, want.dominance.meanMass, tolerance);
  expect(got.dominance.firstRows).toEqual(want.dominance.firstRows.map((row) => ({ row, line: row + 2 })));

  for (const saturation of got.saturation) {
    const expected = want.saturation[saturation.dtype];
    expectRelative(`${saturation.dtype} saturation margin`, saturation.margin!, expected.margin, 1e-15);
    expect(saturation.rows).toBe(expected.rows);
  }

  const labels = got.labels!;
  expect(labels.labelledRows).toBe(want.rows);
  expect(labels.ignoredRows).toBe(0);
  compareLabels(labels, want.labels, tolerance);
});

test('MNIST: the fitted temperature agrees with numpy, and so do the loss and ECE after it', () => {
  const { rows, labels } = readMnist();
  const want = numpyFigures().temperature;
  const fit = fitTemperature((visit) => rows.forEach((x, i) => visit(x, x.length, labels[i])));
  expect(fit.status).toBe('fitted');
  expect(fit.rows).toBe(rows.length);
  // The search's tolerance: 1e-9 in ln T, so T to 5e-10 relative; numpy's root of the derivative
  // (brentq to 1e-15) is far more precise than that.
  expectRelative('temperature', fit.temperature, want.temperature, 5e-10);
  expectRelative('loss before', fit.lossBefore, want.lossBefore, 1e-12);
  expectRelative('ECE before', fit.eceBefore, want.eceBefore, 1e-12);
  // At the minimum the loss is flat: T off by 5e-10 moves it by ~1e-19 relative.
  expectRelative('loss after', fit.lossAfter, want.lossAfter, 1e-12);
  // ECE moves with T at first order: about 1e-9 relative at most here.
  expectRelative('ECE after', fit.eceAfter, want.eceAfter, 1e-8);
  expect(fit.lossAfter).toBeLessThan(fit.lossBefore);

  // Every figure at the fitted T, against numpy's at its own T (same tolerance reasoning).
  const accumulator = new CalibrationAccumulator({ dtypes: [], temperature: fit.temperature });
  rows.forEach((x, i) => accumulator.addRow(x, x.length, null, labels[i], i, i + 2));
  compareLabels(calibrationFigures(accumulator.summary()).labels!, want.after, 1e-8);
});

test('MNIST: the two halves, summarised apart and merged, give the figures of the whole', () => {
  const { rows, labels } = readMnist();
  const summarise = (from: number, to: number) => {
    const accumulator = new CalibrationAccumulator({ dtypes: DTYPES });
    for (let i = from; i < to; i++) accumulator.addRow(rows[i], rows[i].length, null, labels[i], i, i + 2);
    return structuredClone(accumulator.summary());
  };
  const half = rows.length / 2;
  const merged = summarise(0, half);
  mergeCalibrationSummary(merged, summarise(half, rows.length));
  const whole = calibrationFigures(summarise(0, rows.length));
  expect(calibrationFigures(merged)).toEqual(whole);
  // And the halves alone differ from the whole (the comparison can fail).
  expect(calibrationFigures(summarise(0, half))).not.toEqual(whole);
});
