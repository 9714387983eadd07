import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { expect, test } from 'vitest';
import { LOGIT_KINDS, LABEL_KINDS } from '../../src/algorithms/names.js';
import { Analysis, type AnalysisSelection } from '../../src/metrics/analysis.js';
import { exactDecimal } from '../reference/decimal-oracle.js';

// --temperature T: logits divided by T in the dtype (the quotient rounded once to it), the exact
// values at the exact quotients.

/** Steps between two positive float32 values: the difference of their bit patterns (positive floats order like their bits). */
function float32Steps(a: number, b: number): number {
  const bits = new Int32Array(new Float32Array([a, b]).buffer);
  return Math.abs(bits[0] - bits[1]);
}

const kinds = [...LOGIT_KINDS, ...LABEL_KINDS].map((k) => ({ function: k.function, algorithm: k.algorithm }));

function summary(rows: number[][], labels: number[], temperature: number) {
  const selection: AnalysisSelection = { dtypes: ['float64', 'float32', 'float16', 'bfloat16'], results: kinds, temperature };
  const analysis = new Analysis(selection);
  rows.forEach((row, i) => analysis.addRow(Float64Array.from(row), row.length, i, i + 1, undefined, labels[i]));
  return analysis.summary();
}

test('T = 2 is dividing the rows by 2 first: every figure the same (quotients exact in every format)', () => {
  // Multiples of 2^-3 in [-64, 64]: they and their halves are exact in bfloat16 (8 bits) and up.
  const value = fc.integer({ min: -512, max: 512 }).map((n) => n / 8);
  fc.assert(
    fc.property(
      fc.array(fc.array(value, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 5 }),
      fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 5, maxLength: 5 }),
      (rows, labels) => {
        const atTemperature = summary(rows, labels, 2);
        const halved = summary(
          rows.map((row) => row.map((v) => v / 2)),
          labels,
          1,
        );
        expect(atTemperature.results).toEqual(halved.results);
        expect(atTemperature.inputs).toEqual(halved.inputs);
      },
    ),
    { numRuns: 40 },
  );
});

test('float32 log-sum-exp of [1, 2, 3] at T = 0.7: the division rounds, the error is measured at the exact quotients', () => {
  // The kernel's input: z_j = c_j / 0.7 rounded to float32 (Math.fround of the double quotient:
  // a second rounding, which differs from the correct one only when the double lands on a
  // float32 midpoint; then this test would fail, not pass wrongly). max-shift: m = z_2, t_j = exp(z_j - m), s = t_0 + t_1 + 1, LSE = m + log(s), each
  // rounded to float32. Exact: LSE at 1/0.7, 2/0.7, 3/0.7 in decimal.js at 60 digits.
  const T = 0.7;
  const f = Math.fround;
  const z = [1, 2, 3].map((c) => f(c / T));
  const m = z[2];
  const t0 = f(Math.exp(f(z[0] - m)));
  const t1 = f(Math.exp(f(z[1] - m)));
  const s = f(f(t0 + t1) + 1);
  const lse = f(m + f(Math.log(s)));
  const D = Decimal.clone({ precision: 60 });
  const exactT = new D(exactDecimal(T));
  const q = [1, 2, 3].map((c) => new D(c).div(exactT));
  const exact = q[2].plus(D.ln(D.exp(q[0].minus(q[2])).plus(D.exp(q[1].minus(q[2]))).plus(1)));
  const exactRounded = f(exact.toNumber());
  const ulps = float32Steps(lse, exactRounded);
  const analysis = new Analysis({ dtypes: ['float32'], results: [{ function: 'logsumexp', algorithm: 'max-shift' }], temperature: T });
  analysis.addRow(Float64Array.of(1, 2, 3), 3, 0, 1);
  const result = analysis.summary().results[0];
  expect(result.errors.maxUlp).toBe(ulps);
  // And the measured error is not that of the rounded quotients: at z itself the exact LSE differs.
  const atRounded = new D(z[2]).plus(D.ln(D.exp(new D(z[0]).minus(z[2])).plus(D.exp(new D(z[1]).minus(z[2]))).plus(1)));
  expect(atRounded.minus(exact).abs().toNumber()).toBeGreaterThan(0);
  expect(result.errors.maxAbs).toBeCloseTo(Math.abs(lse - exact.toNumber()), 12);
});

test('the calibration is taken at the temperature too', () => {
  const s = summary([[1, 2, 3]], [2], 0.5);
  expect(s.calibration?.temperature).toBe(0.5);
});

test('a temperature that is not a positive finite number is refused', () => {
  expect(() => new Analysis({ dtypes: ['float32'], results: kinds, temperature: 0 })).toThrow(/temperature/);
  expect(() => new Analysis({ dtypes: ['float32'], results: [{ function: 'sigmoid', algorithm: 'naive' }], temperature: 2 })).toThrow(/binary/);
});

test('a quotient that overflows or underflows the dtype counts as a cast overflow or underflow', () => {
  // float16: 1e-4 casts to a normal number (above 2^-14 = 6.1e-5); divided by 1e4 it is about
  // 1e-8, below half the smallest subnormal (2^-25 = 3e-8): 0. 60000 / 0.5 = 120000 > 65504: Inf.
  const at = (temperature: number) => {
    const analysis = new Analysis({ dtypes: ['float16'], results: [{ function: 'softmax', algorithm: 'max-shift' }], temperature });
    analysis.addRow(Float64Array.of(1e-4, 1), 2, 0, 1);
    analysis.addRow(Float64Array.of(60000, 1), 2, 1, 2);
    return analysis.summary().inputs[0];
  };
  expect(at(1e4)).toMatchObject({ castUnderflow: 1, castOverflow: 0 });
  expect(at(0.5)).toMatchObject({ castUnderflow: 0, castOverflow: 1, posInfRows: 1 });
});
