// The saturation margin d* = ln(K - 1) + ln(2^(p+1) - 1) against exact rounding with
// decimal.js: at the worst-case row (K - 1 logits at m - d), p_top = 1 / (1 + (K - 1) e^-d)
// rounded to p bits (round half to even, by scaling to an integer) is 1 for d a hair above d*
// and below 1 a hair below it; the tie at p_top = 1 - 2^-(p+1) rounds to 1. Then the count of
// rows beyond d*, and the histogram and quantile helpers.
import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { FORMATS, DTYPES, roundDoubleDouble } from '../../src/formats/index.js';
import { CalibrationAccumulator, calibrationFigures, fitTemperature, saturationMarginValue } from '../../src/metrics/calibration.js';
import { ExactRow } from '../../src/metrics/calibration/exact-row.js';
import { binEdges, binKey, binOfRank, quantileRank, BINS_PER_BINADE, MIN_BINADE } from '../../src/metrics/calibration/log-histogram.js';
import { TEMPERATURE_LOG_LIMIT } from '../../src/metrics/calibration/fit-temperature.js';
import { DD } from '../../src/reference/double-double.js';
import { saturationMargin } from '../../src/metrics/calibration/saturation.js';
import { exactDecimal } from '../support/exact-decimal.js';

const D = Decimal.clone({ precision: 80 });

/** v in (1/2, 1] rounded to p significant bits, half to even: values there are multiples of 2^-p. */
function roundToBits(v: Decimal, precision: number): Decimal {
  const scale = new D(2).pow(precision);
  return v.times(scale).toDecimalPlaces(0, Decimal.ROUND_HALF_EVEN).div(scale);
}

function worstTop(classes: number, margin: Decimal): Decimal {
  return new D(1).div(new D(classes - 1).times(margin.neg().exp()).plus(1));
}

describe('the saturation margin', () => {
  for (const dtype of DTYPES) {
    const precision = FORMATS[dtype].precision;
    for (const classes of [2, 3, 10, 1000, 131072]) {
      test(`${dtype}, K = ${classes}`, () => {
        const holder = new DD();
        saturationMargin(classes, precision, holder);
        const star = new D(exactDecimal(holder.hi).toString()).plus(exactDecimal(holder.lo).toString());
        // Against the closed form in decimal: ln(K - 1) + ln(2^(p+1) - 1), to 2^-100.
        const expected = new D(classes - 1).ln().plus(new D(2).pow(precision + 1).minus(1).ln());
        expect(star.minus(expected).abs().lte(expected.times(2 ** -100).plus(2 ** -1000))).toBe(true);
        const hair = new D('1e-30');
        expect(roundToBits(worstTop(classes, star.plus(hair)), precision).eq(1)).toBe(true);
        expect(roundToBits(worstTop(classes, star.minus(hair)), precision).lt(1)).toBe(true);
        // At d*, p_top is the midpoint 1 - 2^-(p+1) (to 1e-60) and the tie goes to 1.
        const midpoint = new D(1).minus(new D(2).pow(-(precision + 1)));
        expect(worstTop(classes, expected).minus(midpoint).abs().lt('1e-60')).toBe(true);
        expect(roundToBits(midpoint, precision).eq(1)).toBe(true);
        expect(roundToBits(midpoint.minus('1e-70'), precision).eq(new D(1).minus(new D(2).pow(-precision)))).toBe(true);
      });
    }
  }

  test('the tie also rounds to 1 in the project formats (float32, float16, bfloat16: 1 - 2^-(p+1) is a float64)', () => {
    for (const dtype of ['float32', 'float16', 'bfloat16'] as const) {
      const format = FORMATS[dtype];
      expect(format.round(1 - 2 ** -(format.precision + 1))).toBe(1);
      expect(format.round(1 - 2 ** -(format.precision + 1) - 2 ** -52)).toBe(1 - 2 ** -format.precision);
    }
  });

  test('K = 1 has none; the reported values (float16, K = 10: ln 9 + ln 4095)', () => {
    expect(saturationMarginValue(1, 'float16')).toBeNull();
    expect(saturationMarginValue(10, 'float16')).toBeCloseTo(Math.log(9) + Math.log(4095), 14);
  });
});

describe('rows beyond the saturation margin', () => {
  test('two classes: counted exactly when the margin is at least d*', () => {
    const star = saturationMarginValue(2, 'float16')!; // ln(4095) = 8.3175...
    const rows = [star * (1 + 1e-15), star * (1 - 1e-15), star + 1, 3].map((d) => Float64Array.from([d, 0]));
    const accumulator = new CalibrationAccumulator({ dtypes: ['float16', 'float32'] });
    rows.forEach((x, i) => accumulator.addRow(x, 2, null, undefined, i, i + 1));
    const figures = calibrationFigures(accumulator.summary());
    expect(figures.saturation.map((s) => s.rows)).toEqual([2, 0]);
  });

  test('a row counted has a top probability that rounds to exactly 1 in the dtype; with two classes, and only then', () => {
    const logit = fc.double({ min: -60, max: 60, noNaN: true });
    fc.assert(
      fc.property(fc.array(logit, { minLength: 2, maxLength: 5 }), fc.double({ min: 0.2, max: 3, noNaN: true }), (x, temperature) => {
        const values = Float64Array.from(x);
        const accumulator = new CalibrationAccumulator({ dtypes: DTYPES, temperature });
        accumulator.addRow(values, values.length, null, undefined, 0, 1);
        const figures = calibrationFigures(accumulator.summary());
        const row = new ExactRow();
        row.compute(values, values.length, temperature);
        for (const s of figures.saturation) {
          const roundsToOne = roundDoubleDouble(FORMATS[s.dtype], row.topHi, row.topLo) === 1;
          if (s.rows === 1) expect(roundsToOne).toBe(true);
          if (values.length === 2) expect(s.rows === 1).toBe(roundsToOne);
        }
      }),
      { numRuns: 300, endOnFailure: true },
    );
  });
});

describe('the log-scale histogram', () => {
  test('bins are 1/32 of a binade; an edge belongs to the bin above it, a hair below to the bin below', () => {
    const one = binKey(1, 0, 0);
    expect(binEdges(one)).toEqual({ low: 1, high: 1 + 1 / 32 });
    expect(binKey(1 + 1 / 32, 0, 0)).toBe(one + 1);
    expect(binKey(1 + 1 / 32, -1e-40, 0)).toBe(one);
    expect(binKey(1 + 1 / 32 - 2 ** -52, 0, 0)).toBe(one);
    expect(binKey(1, -1e-40, 0)).toBe(one - 1);
    expect(binEdges(one - 1)).toEqual({ low: 63 / 64, high: 1 }); // the last bin of [1/2, 1)
    expect(binKey(3, 0, 0)).toBe(one + BINS_PER_BINADE + 16); // 3 = 2 (1 + 16/32)
    // With a separate exponent: (1.5) 2^-2000 is below 2^MIN_BINADE; 2^-1074 (subnormal) is binned.
    expect(binKey(1.5, 0, -2000)).toBe(-1);
    expect(binEdges(binKey(5e-324, 0, 0)).low).toBe(5e-324);
    expect(binEdges(binKey(1.25, 0, MIN_BINADE))).toEqual({ low: 0, high: 0 }); // edges below 2^-1074 round to 0
  });

  test('any value lies within the edges of its bin', () => {
    fc.assert(
      fc.property(fc.double({ min: 2 ** -1000, max: 1e300, noNaN: true }), (v) => {
        const { low, high } = binEdges(binKey(v, 0, 0));
        expect(low <= v && v < high).toBe(true);
        expect((high - low) / low <= 1 / BINS_PER_BINADE).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  test('quantile ranks by inverted_cdf: ceil(q n)', () => {
    expect(quantileRank(10, 1, 2)).toBe(5);
    expect(quantileRank(11, 1, 2)).toBe(6);
    expect(quantileRank(10, 9, 10)).toBe(9);
    expect(quantileRank(2500, 99, 100)).toBe(2475);
    expect(quantileRank(2501, 99, 100)).toBe(2476);
    expect(quantileRank(1, 99, 100)).toBe(1);
  });

  test('a rank falls in zero, below, a bin, or infinity, in that order', () => {
    const histogram = { zero: 1, below: 1, infinite: 1, bins: [[binKey(1, 0, 0), 2]] as Array<[number, number]> };
    expect(binOfRank(histogram, 1)).toEqual({ low: 0, high: 0, value: 0 });
    expect(binOfRank(histogram, 2).high).toBe(2 ** MIN_BINADE);
    expect(binOfRank(histogram, 4)).toEqual({ low: 1, high: 1 + 1 / 32, value: 1 + 1 / 64 });
    expect(binOfRank(histogram, 5).value).toBe(Infinity);
  });
});

describe('fitTemperature outside the ordinary case', () => {
  const fit = (rows: number[][], labels: number[]) => fitTemperature((visit) => rows.forEach((x, i) => visit(Float64Array.from(x), x.length, labels[i])));

  test('every row classified correctly: the loss falls as T -> 0, the search stops at its limit', () => {
    const result = fit([[2, 0], [0, 3]], [0, 1]);
    expect(result.status).toBe('at-limit');
    expect(result.temperature).toBe(Math.exp(-TEMPERATURE_LOG_LIMIT));
    expect(result.lossAfter).toBeLessThan(result.lossBefore);
  });

  test('a label on a -Infinity logit: infinite loss at every T', () => {
    expect(fit([[-Infinity, 0], [1, 0]], [0, 1]).status).toBe('infinite-loss');
  });

  test('no labelled row with two classes or more: nothing to fit', () => {
    expect(fit([[1], [2]], [0, 0]).status).toBe('no-rows');
    expect(fit([[1, 2]], [-100]).status).toBe('no-rows');
  });

  test('two rows that disagree: the loss is least as T -> infinity, the search stops at its upper limit', () => {
    // [d, 0] with y = 0 and [d, 0] with y = 1: the mean loss is (ln(1 + e^-b) + ln(1 + e^b)) / 2
    // with b = d / T, minimal at b = 0: T -> infinity, the upper limit.
    const result = fit([[1, 0], [1, 0]], [0, 1]);
    expect(result.status).toBe('at-limit');
    expect(result.temperature).toBe(Math.exp(TEMPERATURE_LOG_LIMIT));
  });

  test('rows with a finite optimum in closed form: three [1, 0] rows with labels 0, 0, 1', () => {
    // Mean loss f(b) = (2 ln(1 + e^-b) + ln(1 + e^b)) / 3, b = 1 / T: f'(b) = 0 where
    // 2 e^-b / (1 + e^-b) = e^b / (1 + e^b), i.e. 2 / (e^b + 1) = e^b / (1 + e^b): e^b = 2,
    // b = ln 2, T = 1 / ln 2.
    const result = fit([[1, 0], [1, 0], [1, 0]], [0, 0, 1]);
    expect(result.status).toBe('fitted');
    expect(Math.abs(result.temperature * Math.LN2 - 1)).toBeLessThan(1e-9);
  });
});
