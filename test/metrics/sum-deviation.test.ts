import { describe, expect, test } from 'vitest';
import { FormatKernel } from '../../src/algorithms/kernel.js';
import { RESULT_KINDS } from '../../src/algorithms/names.js';
import { DTYPES, FORMATS } from '../../src/formats/index.js';
import { Analysis } from '../../src/metrics/analysis.js';
import { sumDeviationUpperBound } from '../../src/metrics/exact-sum.js';

/** |sum_i values[i] - 1| exactly, in BigInt units of 2^-1074, rounded once to float64 at the end. */
function exactDeviation(values: ArrayLike<number>): number {
  let total = -(1n << 1074n);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === 0) continue;
    // v = mantissa * 2^exponent with an integer mantissa below 2^53, and exponent >= -1074.
    let exponent = Math.max(Math.floor(Math.log2(v)) - 52, -1074);
    let mantissa = v / 2 ** exponent;
    while (!Number.isInteger(mantissa)) mantissa = v / 2 ** --exponent;
    total += BigInt(mantissa) << BigInt(exponent + 1074);
  }
  const magnitude = total < 0n ? -total : total;
  // Keep the top 64 bits and a sticky bit for the rest: Number() then rounds to nearest once,
  // and the power-of-two scaling is exact (the deviations here are normal numbers).
  const shift = Math.max(0, magnitude.toString(2).length - 64);
  const top = magnitude >> BigInt(shift);
  const sticky = top << BigInt(shift) === magnitude ? 0n : 1n;
  return Number(top | sticky) * 2 ** (shift - 1074);
}

function rows(count: number, length: number, seed: number): Float64Array[] {
  let state = seed;
  const uniform = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (state + 0.5) / 2147483648;
  };
  return Array.from({ length: count }, (_, r) => {
    // Spreads from 1 to 400, so that rows have outputs near 1, tiny ones and (float16) subnormals.
    const spread = 1 + ((r * 37) % 400);
    return Float64Array.from({ length }, () => (uniform() - 0.5) * spread);
  });
}

const SOFTMAX = RESULT_KINDS.filter((kind) => kind.function === 'softmax');

describe('maxSumDev', () => {
  test('equals the largest exact |sum - 1| of the finite rows, computed here in BigInt from the same outputs', () => {
    const data = [...rows(300, 7, 1), ...rows(200, 60, 2), ...rows(40, 500, 3)];
    const analysis = new Analysis({ dtypes: DTYPES, results: SOFTMAX.map((kind) => ({ function: 'softmax', algorithm: kind.algorithm })) });
    data.forEach((row, i) => analysis.addRow(row, row.length, i, i + 1));
    const summary = analysis.summary();
    for (const dtype of DTYPES) {
      const format = FORMATS[dtype];
      const kernel = new FormatKernel(format);
      const expected = new Map<string, number>(SOFTMAX.map((kind) => [kind.algorithm, 0]));
      for (const row of data) {
        kernel.run(row.map((v) => format.round(v)), row.length);
        for (const kind of SOFTMAX) {
          const output = kernel.outputs[kind.id].subarray(0, row.length);
          if (!output.every(Number.isFinite)) continue;
          expected.set(kind.algorithm, Math.max(expected.get(kind.algorithm)!, exactDeviation(output)));
        }
      }
      for (const kind of SOFTMAX) {
        const found = summary.results.find((r) => r.dtype === dtype && r.algorithm === kind.algorithm)!;
        expect(found.softmax!.maxSumDev, `${dtype} ${kind.algorithm}`).toBe(expected.get(kind.algorithm));
      }
    }
  });

  test('the upper bound is at least the exact deviation, and tight: within 2^-40 relative plus 3 (K u)^2', () => {
    for (const row of [...rows(300, 9, 4), ...rows(100, 300, 5)]) {
      for (const dtype of DTYPES) {
        const kernel = new FormatKernel(FORMATS[dtype]);
        kernel.run(row.map((v) => FORMATS[dtype].round(v)), row.length);
        for (const kind of SOFTMAX) {
          const output = kernel.outputs[kind.id].subarray(0, row.length);
          if (!output.every(Number.isFinite)) continue;
          const exact = exactDeviation(output);
          const bound = sumDeviationUpperBound(output, row.length);
          expect(bound).toBeGreaterThanOrEqual(exact);
          expect(bound).toBeLessThanOrEqual(exact * (1 + 2 ** -40) + 3 * (row.length * 2 ** -53) ** 2);
        }
      }
    }
  });

  test('hand-derived: [0.5, 0.25, 0.25 + 2^-54] deviates by 2^-54, which the bound covers', () => {
    expect(exactDeviation([0.5, 0.25, 0.25 + 2 ** -54])).toBe(2 ** -54);
    expect(sumDeviationUpperBound(Float64Array.of(0.5, 0.25, 0.25 + 2 ** -54), 3)).toBeGreaterThanOrEqual(2 ** -54);
  });
});
