// Calibration figures on rows whose values are known otherwise: two-class rows in closed form
// (checked with decimal.js far beyond double-double), random rows against the definitions at
// 200 digits, an ECE worked by hand on 4 rows, special rows, and the robust z-score.
import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { CalibrationAccumulator, calibrationFigures, confidenceBin, saturationMarginValue, type CalibrationFigures } from '../../src/metrics/calibration.js';
import { ExactRow } from '../../src/metrics/calibration/exact-row.js';
import { medianOf, robustZ, type RobustZ } from '../../src/metrics/calibration/dominance.js';
import { ScaledDD } from '../../src/reference/exp-dd.js';
import { ReferenceRow } from '../../src/reference/index.js';
import { exactDecimal } from '../support/exact-decimal.js';

/** Enough digits to hold 1 - q for q = e^-2000 (869 digits) and 130 more (decimal.js takes logarithms to at most 1025 digits). */
const Big = Decimal.clone({ precision: 1000 });
const Wide = Decimal.clone({ precision: 200 });

function big(x: number): Decimal {
  return new Big(exactDecimal(x).toString());
}

function scaledValue(D: typeof Decimal, value: { hi: number; lo: number; exp2: number }): Decimal {
  return new D(exactDecimal(value.hi).toString()).plus(new D(exactDecimal(value.lo).toString())).times(new D(2).pow(value.exp2));
}

function expectClose(what: string, got: Decimal, expected: Decimal, tolerance: number): void {
  const relative = expected.isZero() ? got.abs() : got.minus(expected).abs().div(expected.abs());
  if (!relative.lte(tolerance)) throw new Error(`${what}: got ${got.toSignificantDigits(30)}, expected ${expected.toSignificantDigits(30)}, relative ${relative.toSignificantDigits(3)} > ${tolerance}`);
}

function expectFloat(what: string, got: number, expected: Decimal): void {
  const error = new Big(exactDecimal(got).toString()).minus(expected).abs();
  if (!error.lte(expected.times(2 ** -50).plus(2 ** -1074))) throw new Error(`${what}: got ${got}, expected ${expected.toSignificantDigits(20)}`);
}

function rowOf(x: number[], temperature: number, viaReference: boolean): ExactRow {
  const values = Float64Array.from(x);
  const row = new ExactRow();
  if (viaReference) {
    const reference = new ReferenceRow();
    reference.compute(values, values.length);
    row.fromReference(reference, values, values.length);
  } else {
    row.compute(values, values.length, temperature);
  }
  return row;
}

describe('two classes in closed form', () => {
  // x = [a, b] at temperature T, d = (a - b) / T >= 0: p_top = 1 / (1 + e^-d), q = 1 - p_top =
  // e^-d / (1 + e^-d); entropy -p ln p - q ln q; margin d; loss at the top class -ln p =
  // ln(1 + e^-d), at the other d + ln(1 + e^-d). Decimal at 1000 digits evaluates these as
  // written, so 1 - q keeps its digits even at d = 2000.
  const cases = [
    { a: 0, b: 0, temperature: 1 },
    { a: 1e-300, b: 0, temperature: 1 },
    { a: 0.5, b: 0, temperature: 1 },
    { a: 3, b: -1, temperature: 1 },
    { a: 40, b: 0, temperature: 1 },
    { a: 800, b: 0, temperature: 1 },
    { a: 1000, b: -1000, temperature: 1 },
    { a: 3, b: 0, temperature: 0.3 },
    { a: 2.5, b: 1, temperature: 7 },
    { a: 700, b: -100, temperature: 0.5 },
    { a: 1e-200, b: 0, temperature: 1e150 },
  ];
  for (const { a, b, temperature } of cases) {
    for (const viaReference of temperature === 1 ? [true, false] : [false]) {
      test(`[${a}, ${b}] at T = ${temperature}${viaReference ? ' (from the reference row)' : ''}`, () => {
        const row = rowOf([a, b], temperature, viaReference);
        const d = big(a).minus(big(b)).div(big(temperature));
        const q = d.neg().exp().div(d.neg().exp().plus(1));
        const p = new Big(1).minus(q);
        const entropy = q.isZero() ? new Big(0) : p.ln().times(p).plus(q.ln().times(q)).neg();
        const lossTop = p.ln().neg();
        const lossOther = d.plus(lossTop);
        const tolerance = 2 ** -98;
        expect(row.argmax).toBe(0);
        expectClose('1 - p_top', scaledValue(Big, row.oneMinusTop), q, tolerance);
        expectClose('p_top', scaledValue(Big, { hi: row.topHi, lo: row.topLo, exp2: 0 }), p, tolerance);
        expectClose('entropy', scaledValue(Big, row.entropy), entropy, tolerance);
        expectClose('margin', scaledValue(Big, row.margin), d, tolerance);
        const loss = new ScaledDD();
        row.loss(0, loss);
        expectClose('loss at the top class', scaledValue(Big, loss), lossTop, tolerance);
        row.loss(1, loss);
        expectClose('loss at the other class', scaledValue(Big, loss), lossOther, tolerance);
        // Brier: top class y: (1 - p)^2 + q^2 = 2 q^2; other: p^2 + (1 - q)^2 = 2 p^2. A float64
        // to a few ulps, so below 2^-1022 it keeps an absolute error of 2^-1074 (2 e^-1600 is 0).
        expectFloat('Brier at the top class', row.brier(0), q.pow(2).times(2));
        expectFloat('Brier at the other class', row.brier(1), p.pow(2).times(2));
      });
    }
  }
});

const moderate = fc.double({ min: -30, max: 30, noNaN: true });

test('random rows at random temperatures: 1 - p_top, entropy and loss as defined, at 200 digits', () => {
  // The definitions, not the code's rearrangements: p_j = e^(z_j) / sum e^(z_i),
  // H = -sum p_j ln p_j, loss = ln sum e^(z_j) - z_y, with z = x / T exactly. |z| <= 120, so
  // 200 digits hold 1 - p_top (>= e^-240).
  fc.assert(
    fc.property(
      fc.array(moderate, { minLength: 2, maxLength: 6 }),
      fc.double({ min: 0.25, max: 4, noNaN: true }),
      fc.nat(),
      fc.boolean(),
      (x, temperature, pick, viaReference) => {
        const useReference = viaReference && temperature === 1;
        const row = rowOf(x, useReference ? 1 : temperature, useReference);
        const t = new Wide(exactDecimal(useReference ? 1 : temperature).toString());
        const z = x.map((v) => new Wide(exactDecimal(v).toString()).div(t));
        const exps = z.map((v) => v.exp());
        const total = exps.reduce((s, v) => s.plus(v), new Wide(0));
        const p = exps.map((v) => v.div(total));
        let top = 0;
        x.forEach((v, j) => {
          if (v > x[top]) top = j;
        });
        const entropy = p.reduce((s, v) => s.minus(v.times(v.ln())), new Wide(0));
        const y = pick % x.length;
        const lossValue = total.ln().minus(z[y]);
        const tolerance = 2 ** -95;
        expect(row.argmax).toBe(top);
        expectClose('1 - p_top', scaledValue(Wide, row.oneMinusTop), new Wide(1).minus(p[top]), tolerance);
        expectClose('entropy', scaledValue(Wide, row.entropy), entropy, tolerance);
        const loss = new ScaledDD();
        row.loss(y, loss);
        expectClose('loss', scaledValue(Wide, loss), lossValue, tolerance);
      },
    ),
    { numRuns: 60, endOnFailure: true },
  );
});

test('one row: its exact p_top lies in the bracket of its median, and 1 - p_top in the bracket of that', () => {
  // The p bracket is 1 - the edges of the 1 - p bin, rounded outwards to float64 (rounded to
  // nearest, an edge near 1 can move inwards past a p_top: margins of 20 to 60 show it).
  const wide = fc.oneof(moderate, fc.double({ min: 20, max: 60, noNaN: true }));
  fc.assert(
    fc.property(fc.array(wide, { minLength: 2, maxLength: 6 }), (x) => {
      const values = Float64Array.from(x);
      const row = rowOf(x, 1, false);
      const accumulator = new CalibrationAccumulator({ dtypes: [] });
      accumulator.addRow(values, values.length, null, undefined, 0, 1);
      const median = calibrationFigures(accumulator.summary()).topProbability!.median;
      // 1000 digits: p_top may be 1/2 + 1e-220 (logits 1e-219 apart).
      const top = scaledValue(Big, { hi: row.topHi, lo: row.topLo, exp2: 0 });
      const oneMinusTop = scaledValue(Big, row.oneMinusTop);
      expect(top.gte(exactDecimal(median.low).toString()) && top.lte(exactDecimal(median.high).toString())).toBe(true);
      expect(oneMinusTop.gte(exactDecimal(median.oneMinusLow).toString()) && oneMinusTop.lt(exactDecimal(median.oneMinusHigh).toString())).toBe(true);
    }),
    { numRuns: 500, endOnFailure: true },
  );
});

function figuresOf(rows: number[][], labels: Array<number | undefined>, temperature = 1): CalibrationFigures {
  const accumulator = new CalibrationAccumulator({ dtypes: ['float16'], temperature });
  rows.forEach((x, i) => accumulator.addRow(Float64Array.from(x), x.length, null, labels[i], i, i + 1));
  return calibrationFigures(accumulator.summary());
}

test('ECE, gap, Brier and the reliability bins on 4 rows, by hand', () => {
  // sigma(d) = 1 / (1 + e^-d) is the top probability of [d, 0].
  //   row 0: [3, 0],   y = 0: confidence s3 = sigma(3) = 0.9526 in bin 14 (14/15 = 0.9333 < s3), right
  //   row 1: [3, 0],   y = 1: confidence s3, bin 14, wrong
  //   row 2: [0, 1],   y = 1: confidence s1 = sigma(1) = 0.7311 in bin 10 (0.6667, 0.7333], right
  //   row 3: [0, 0.5], y = 0: confidence sh = sigma(0.5) = 0.6225 in bin 9 (0.6, 0.6667], wrong
  // ECE = (2/4)|1/2 - s3| + (1/4)|1 - s1| + (1/4)|0 - sh|; accuracy 1/2;
  // gap = (2 s3 + s1 + sh)/4 - 1/2; Brier per row (two classes): 2(1 - p)^2 when right, 2 p^2 when wrong.
  const sigma = (d: number) => 1 / (1 + Math.exp(-d));
  const s3 = sigma(3);
  const s1 = sigma(1);
  const sh = sigma(0.5);
  const figures = figuresOf([[3, 0], [3, 0], [0, 1], [0, 0.5]], [0, 1, 1, 0]);
  const labels = figures.labels!;
  expect(labels.accuracy).toBe(0.5);
  expect(labels.ece).toBeCloseTo(0.5 * (s3 - 0.5) + 0.25 * (1 - s1) + 0.25 * sh, 15);
  expect(labels.overconfidence).toBeCloseTo((2 * s3 + s1 + sh) / 4 - 0.5, 15);
  expect(labels.brier).toBeCloseTo((2 * (1 - s3) ** 2 + 2 * s3 ** 2 + 2 * (1 - s1) ** 2 + 2 * sh ** 2) / 4, 15);
  expect(labels.reliability.map((bin) => bin.count)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 2]);
  expect(labels.reliability[14].accuracy).toBe(0.5);
  expect(labels.reliability[14].meanConfidence).toBeCloseTo(s3, 15);
  expect(labels.reliability[10]).toMatchObject({ low: 10 / 15, high: 11 / 15, accuracy: 1 });
  expect(labels.reliability[9].accuracy).toBe(0);
  expect(labels.reliability[0].meanConfidence).toBeNull();
  // The loss: -ln s3, -ln(1 - s3), -ln s1, -ln(1 - sh).
  expect(labels.meanLoss).toBeCloseTo(-(Math.log(s3) + Math.log(1 - s3) + Math.log(s1) + Math.log(1 - sh)) / 4, 14);
});

test('a confidence on a bin edge goes to the bin below: (b/15, (b+1)/15]', () => {
  // 0.2 in float64 is 0.2000000000000000111 > 3/15: bin 3; 1 is in bin 14; 1/15 as a
  // double-double just above or below decides by its low word.
  expect(confidenceBin(0.2, 0)).toBe(3);
  expect(confidenceBin(1, 0)).toBe(14);
  expect(confidenceBin(1, -1e-30)).toBe(14);
  expect(confidenceBin(0.6, 0)).toBe(8); // 0.59999999999999997780 <= 9/15
  expect(confidenceBin(0.6, 2.3e-17)).toBe(9); // now above 9/15 = 0.6
  expect(confidenceBin(0.1, 0)).toBe(1); // 0.1000000000000000055 > 1/15
});

describe('rows', () => {
  test('NaN, +Infinity and fully masked rows are left out and counted; a row with some -Infinity is ordinary', () => {
    const figures = figuresOf([[NaN, 0], [Infinity, 0], [-Infinity, -Infinity], [-Infinity, 2]], [0, 0, 0, 1]);
    expect(figures.rows).toBe(1);
    expect(figures.skippedRows).toBe(3);
    // [-Infinity, 2]: p = [0, 1], entropy 0, margin +Infinity (the second logit is -Infinity).
    expect(figures.topProbability!.mean).toBe(1);
    expect(figures.entropy!.mean).toBe(0);
    expect(figures.margin!.mean).toBe(Infinity);
    expect(figures.margin!.median).toEqual({ low: Infinity, high: Infinity, value: Infinity });
    expect(figures.saturation[0].rows).toBe(1);
    expect(figures.labels!.labelledRows).toBe(1);
    expect(figures.labels!.meanLoss).toBe(0);
  });

  test('a label on a -Infinity logit: the loss is +Infinity', () => {
    expect(figuresOf([[-Infinity, 2], [1, 0]], [0, 0]).labels!.meanLoss).toBe(Infinity);
  });

  test('the ignore index is counted and left out; other labels outside [0, K) throw', () => {
    const figures = figuresOf([[1, 0], [0, 1], [2, 0]], [-100, 1, undefined]);
    expect(figures.labels!.ignoredRows).toBe(1);
    expect(figures.labels!.labelledRows).toBe(1);
    expect(figures.rows).toBe(3);
    expect(() => figuresOf([[1, 0]], [2])).toThrow(/label 2 outside \[0, 2\)/);
    expect(() => figuresOf([[1, 0]], [0.5])).toThrow(/label 0.5/);
    expect(() => figuresOf([[1, 0]], [-1])).toThrow(/label -1/);
    expect(figuresOf([[1, 0]], [undefined]).labels).toBeNull();
  });

  test('K = 1: probability 1, entropy 0, no margin, saturated in every dtype', () => {
    const figures = figuresOf([[5], [-3]], [0, 0]);
    expect(figures.topProbability!.mean).toBe(1);
    expect(figures.topProbability!.median).toMatchObject({ low: 1, high: 1, oneMinusLow: 0, oneMinusHigh: 0 });
    expect(figures.entropy!.mean).toBe(0);
    expect(figures.margin).toBeNull();
    expect(figures.saturation).toEqual([{ dtype: 'float16', precision: 11, margin: null, rows: 2, share: 1 }]);
    expect(figures.dominance.rows).toBe(0);
    expect(figures.labels!.meanLoss).toBe(0);
    expect(figures.labels!.accuracy).toBe(1);
  });

  test('no ordinary row: no distributions and no shares; every label ignored: no labelled ratios', () => {
    const accumulator = new CalibrationAccumulator({ dtypes: ['bfloat16'], classes: 10 });
    accumulator.addRow(Float64Array.from([NaN, 1]), 2, null, -100, 0, 1);
    const figures = calibrationFigures(accumulator.summary());
    expect(figures.rows).toBe(0);
    expect(figures.skippedRows).toBe(1);
    expect(figures.topProbability).toBeNull();
    expect(figures.entropy).toBeNull();
    expect(figures.margin).toBeNull();
    expect(figures.dominance).toMatchObject({ rows: 0, share: null, meanMass: null });
    // ln 9 + ln(2^9 - 1)
    expect(figures.saturation).toEqual([{ dtype: 'bfloat16', precision: 8, margin: saturationMarginValue(10, 'bfloat16'), rows: 0, share: null }]);
    expect(figures.saturation[0].margin).toBeCloseTo(Math.log(9) + Math.log(511), 14);
    expect(figures.labels).toMatchObject({ labelledRows: 0, ignoredRows: 1, accuracy: null, meanLoss: null, brier: null, ece: null, overconfidence: null });
  });

  test('a temperature must be finite and positive', () => {
    for (const temperature of [0, -1, Infinity, NaN]) expect(() => new CalibrationAccumulator({ dtypes: [], temperature })).toThrow(/temperature/);
  });

  test('shares above 0.99 and 0.999 are strict, and exact next to the threshold', () => {
    // [ln 99, 0] would have p_top = 99/100 exactly; ln 99 rounded to float64 is a little off it,
    // to one side that decimal.js decides. 1e-12 either side of it is clear of the threshold.
    const a = Math.log(99);
    const p = new Big(1).div(big(a).neg().exp().plus(1));
    const figures = figuresOf([[a, 0]], [undefined]);
    expect(figures.topProbability!.shareAbove099).toBe(p.gt(0.99) ? 1 : 0);
    expect(figuresOf([[Math.log(99) + 1e-12, 0]], [undefined]).topProbability!.shareAbove099).toBe(1);
    expect(figuresOf([[Math.log(99) - 1e-12, 0]], [undefined]).topProbability!.shareAbove099).toBe(0);
    expect(figuresOf([[Math.log(999) + 1e-12, 0]], [undefined]).topProbability!.shareAbove0999).toBe(1);
    expect(figuresOf([[Math.log(999) - 1e-12, 0]], [undefined]).topProbability!.shareAbove0999).toBe(0);
  });
});

describe('dominance: the robust z-score', () => {
  const z = (x: number[]): RobustZ => {
    const out: RobustZ = { z: 0, madZero: false };
    robustZ(Float64Array.from(x), x.length, new Float64Array(x.length), out);
    return out;
  };

  test('by hand', () => {
    // [0, 1, 2, 3, 10]: median 2, |x - 2| = [2, 1, 0, 1, 8], MAD 1, z = (10 - 2) / 1.4826.
    expect(z([3, 10, 0, 2, 1]).z).toBe(8 / 1.4826);
    // Even count [0, 1, 2, 3, 4, 20]: median 2.5, deviations [2.5, 1.5, 0.5, 0.5, 1.5, 17.5], MAD 1.5.
    expect(z([20, 0, 4, 1, 3, 2]).z).toBe(17.5 / (1.4826 * 1.5));
    // -Infinity entries are left out: [0, 1, 2, 3, 10] again.
    expect(z([3, -Infinity, 10, 0, 2, 1, -Infinity]).z).toBe(8 / 1.4826);
  });

  test('MAD = 0: infinite when the top is above the median, undefined when it is the median', () => {
    expect(z([0, 0, 0, 5])).toEqual({ z: Infinity, madZero: true });
    const flat = z([1, 1, 1]);
    expect(flat.madZero).toBe(true);
    expect(flat.z).toBeNaN();
    expect(z([4, -Infinity]).z).toBeNaN();
  });

  test('the threshold 3.5 is strict, and the dominant rows and their mass are counted', () => {
    // [0, 1, 2, 3, t]: z = (t - 2) / 1.4826 > 3.5 iff t > 2 + 5.1891.
    const figures = figuresOf([[0, 1, 2, 3, 7.2], [0, 1, 2, 3, 7.1], [0, 0, 0, 9]], [undefined, undefined, undefined]);
    expect(figures.dominance.rows).toBe(2);
    expect(figures.dominance.madZeroRows).toBe(1);
    expect(figures.dominance.firstRows).toEqual([{ row: 0, line: 1 }, { row: 2, line: 3 }]);
    // The mass: p_top of rows 0 and 2, e^7.2 / (1 + e + e^2 + e^3 + e^7.2) and e^9 / (3 + e^9).
    const p0 = Math.exp(7.2) / (1 + Math.E + Math.exp(2) + Math.exp(3) + Math.exp(7.2));
    const p2 = Math.exp(9) / (3 + Math.exp(9));
    expect(figures.dominance.meanMass).toBeCloseTo((p0 + p2) / 2, 14);
  });

  test('median by quickselect equals the median of the sorted values (numpy: the mean of the middle two)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(moderate, fc.constantFrom(0, 1, -1)), { minLength: 1, maxLength: 40 }), (values) => {
        const sorted = [...values].sort((a, b) => a - b);
        const n = values.length;
        const expected = n % 2 === 1 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        // === : -0 and +0 are one median (their order among equal values is arbitrary).
        expect(medianOf(Float64Array.from(values), n) === expected).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
