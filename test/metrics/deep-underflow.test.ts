import { Decimal } from 'decimal.js';
import { describe, expect, test } from 'vitest';
import { DTYPES } from '../../src/formats/index.js';
import { Analysis } from '../../src/metrics/analysis.js';
import { absoluteError, relativeError } from '../../src/metrics/accumulate.js';

// The error figures where exact values lie far below float64's least subnormal. Every row of
// fixtures/reference/deep_underflow.json (spreads of 1500 to 1.48e9) is checked figure by figure
// against an independent oracle in metrics-oracle.test.ts; here, one row by hand, and the two
// functions that measure such values. Before exponents below -2047 were handled, log-softmax at
// the maximum of [1500, 0, 0] (e = -7.2e-652, computed 0) measured a relative error of NaN,
// which left maxRel at 0.

describe('the figures of [1500, 0, 0], by hand', () => {
  // log-softmax at the maximum: e = -log1p(2e^-1500) = -2e^-1500 (1 - e^-1500 + ...) = -7.2e-652
  // (bfloat16 casts 1500 to 1504: e = -1.3e-653). Every dtype rounds it to -0; max-shift computes
  // (1500 - 1500) - log(1 + 0 + 0) = +0: 0 ulps (+0 and -0 are one point), relative error
  // |0 - e| / |e| = 1, absolute error 7.2e-652, which is 0 in float64 (the figures' own format).
  // The other two elements, -1500 - 7.2e-652, are computed as -1500: 0 ulps, errors that round
  // to 0.
  for (const dtype of DTYPES) {
    test(`${dtype} max-shift log-softmax: maxRel 1, maxUlp 0, maxAbs 0`, () => {
      const analysis = new Analysis({ dtypes: [dtype], results: [{ function: 'log-softmax', algorithm: 'max-shift' }] });
      analysis.addRow(Float64Array.of(1500, 0, 0), 3, 0, 1);
      const [result] = analysis.summary().results;
      expect(result.errors).toMatchObject({ count: 3, maxRel: 1, maxUlp: 0, maxAbs: 0 });
      expect(result.wrong).toEqual({ nan: 0, inf: 0, zero: 0, factor2: 0 });
    });
  }

  test('softmax: e^-1500 / (1 + 2e^-1500) rounds to 0 in every dtype, so the computed 0 is no wrong zero, but its relative error is 1', () => {
    const analysis = new Analysis({ dtypes: DTYPES, results: [{ function: 'softmax', algorithm: 'max-shift' }] });
    analysis.addRow(Float64Array.of(1500, 0, 0), 3, 0, 1);
    for (const result of analysis.summary().results) {
      expect(result.wrong.zero).toBe(0);
      expect(result.errors).toMatchObject({ count: 3, maxRel: 1, maxUlp: 0 });
    }
  });
});

describe('relativeError and absoluteError of e = (hi + lo) 2^exp2 far below float64', () => {
  test('c = +-0: relative error exactly 1 and absolute error 0 (|e| < 2^-1075), at any exponent', () => {
    for (const exp2 of [-1100, -2047, -2165, -1e6, -(2 ** 31)]) {
      for (const c of [0, -0]) {
        expect(relativeError(c, 1.5, 2 ** -60, exp2)).toBe(1);
        expect(relativeError(c, -3.75, 0, exp2)).toBe(1);
        expect(absoluteError(c, 1.5, 2 ** -60, exp2)).toBe(0);
      }
    }
  });

  test('c nonzero: |c / e - 1| while it fits float64, Infinity beyond', () => {
    // c = 2^-1074, e = 1.5 2^-2090: c / e = 2^1016 / 1.5, and the 1 is far below its last bit.
    const ratio = new Decimal(2).pow(1016).div(1.5).minus(1).toNumber();
    expect(relativeError(2 ** -1074, 1.5, 0, -2090)).toBe(ratio);
    // c = 2^-1074, e = 2^20 2^-2100: c 2^2100 overflows, c / e = 2^1006 does not.
    expect(relativeError(2 ** -1074, 2 ** 20, 0, -2100)).toBe(2 ** 1006);
    expect(relativeError(-(2 ** -1074), 2 ** 20, 0, -2100)).toBe(2 ** 1006);
    // c / e = 2^(2^31 - 1074): beyond float64's range.
    expect(relativeError(2 ** -1074, 1, 0, -(2 ** 31))).toBe(Infinity);
    // |c - e| rounds to c where e is below half c's last bit.
    expect(absoluteError(2 ** -1074, 1.5, 0, -2090)).toBe(2 ** -1074);
    expect(absoluteError(-1, 1.5, 0, -(2 ** 31))).toBe(1);
  });
});
