import { describe, expect, test } from 'vitest';
import { FormatKernel } from '../../src/algorithms/kernel.js';
import { BinaryKernel, BINARY_RESULTS } from '../../src/algorithms/binary-kernel.js';
import { flagNames } from '../../src/algorithms/flags.js';
import { LABEL_KINDS, R, type ResultKind } from '../../src/algorithms/names.js';
import { DTYPES, FORMATS } from '../../src/formats/index.js';
import { binaryFixtures, binaryOutput, multiclassFixtures, parsePythonFloat, parseRow, type FixtureOutput } from '../support/label-fixtures.js';

// Every cross-entropy and gradient algorithm (SPEC section 9) and every binary function (SPEC
// section 10), in every dtype, against the independent emulation of
// fixtures/reference/generate_labels.py (exact rational rounding of every operation, mpmath's
// correctly rounded exp, log and log1p). float32, float16 and bfloat16 outputs and flags must
// match exactly; float64 outputs within 2 ulps (V8's exp, log and log1p are within 1 ulp of the
// correctly rounded value, test/algorithms/libm.test.ts), flags exactly.
const FLOAT64_ULP_TOLERANCE = 2;

/**
 * Three float64 algorithms take exp or a difference of a value that carries a libm logarithm's
 * ulp, which they turn from an absolute error into a relative one; the fixtures' logarithm is
 * correctly rounded, V8's within 1 ulp (libm.test.ts). Their tolerance, per element, derived:
 * - gradient exp-of-log-softmax, exp(d_i - log s): log s is off by up to ulp(log s) <= |log s| 2^-52
 *   and d_i - log s rounds once more (|arg| 2^-53); exp turns that absolute error of its
 *   argument into the same relative error of its result, whose ulp is at least |result| 2^-53:
 *   2 |log s| + |arg| ulps, plus exp's own ulp and the fixture's half ulp.
 * - gradient exp-lse, exp(x_i - L), L = m + log1p(s'): likewise with |L| for |log s| (L's
 *   rounding adds ulp(L) / 2, within the factor 2).
 * - cross-entropy lse-minus-logit, (m + log s) - x_y: the ulp of m + log s (|lse| 2^-52) stays in
 *   the loss as an absolute error: 2 |lse| / |loss| of its ulps (three-threes: 4).
 * - gradient naive, exp(x_i) / S: each exp(x_j) within 1 ulp, so S within about 2^-52 relative
 *   of the sum of the correctly rounded terms, and the quotient within 1 + 2 + 1/2 ulps: 4 (the
 *   K = 256 row shows 3 and 4).
 * - cross-entropy naive and log-of-softmax, -log(q): q's relative error (4 ulps, 4 2^-53 at most)
 *   is log's absolute error, 4 / |loss| ulps of the loss (whose ulp is at least |loss| 2^-53).
 * (The fixtures' ties/three-threes row hits the first three: log1p(2) 1 ulp low, see mpmath-fixtures.test.ts.)
 */
function float64Tolerance(kernel: FormatKernel, kind: ResultKind, cast: Float64Array, i: number, value: number): number {
  const m = Math.max(...cast);
  if (kind.id === R.gradientExpOfLogSoftmax) {
    const logSum = kernel.outputs[R.logsumexpMaxShift][0] - m;
    return FLOAT64_ULP_TOLERANCE + Math.ceil(2 * Math.abs(logSum) + Math.abs(kernel.outputs[R.logSoftmaxMaxShift][i]));
  }
  if (kind.id === R.gradientExpLse) {
    const lse = kernel.outputs[R.logsumexpLog1p][0];
    return FLOAT64_ULP_TOLERANCE + Math.ceil(2 * Math.abs(lse) + Math.abs(cast[i] - lse));
  }
  if (kind.id === R.crossEntropyLseMinusLogit && value !== 0) {
    return FLOAT64_ULP_TOLERANCE + Math.ceil((2 * Math.abs(kernel.outputs[R.logsumexpMaxShift][0])) / Math.abs(value));
  }
  if (kind.id === R.gradientNaive) return 4;
  if ((kind.id === R.crossEntropyNaive || kind.id === R.crossEntropyLogOfSoftmax) && value !== 0) return FLOAT64_ULP_TOLERANCE + Math.ceil(4 / Math.abs(value));
  return FLOAT64_ULP_TOLERANCE;
}

/** The problems of one output against the fixture's. */
function compareOutput(
  where: string,
  format: (typeof FORMATS)['float64'],
  got: ArrayLike<number>,
  gotFlags: number,
  want: FixtureOutput,
  problems: string[],
  tolerance: (i: number, value: number) => number = () => FLOAT64_ULP_TOLERANCE,
): void {
  const flags = flagNames(gotFlags).sort().join(',');
  const wantFlags = [...want.flags].sort().join(',');
  if (flags !== wantFlags) problems.push(`${where}: flags got [${flags}], expected [${wantFlags}]`);
  want.values.forEach((text, i) => {
    const expected = parsePythonFloat(text);
    const value = got[i];
    if (Object.is(value, expected)) return;
    if (format.dtype === 'float64' && Number.isFinite(value) && Number.isFinite(expected)) {
      const ulps = format.ulpDistance(value, expected);
      const allowed = tolerance(i, expected);
      if (ulps <= allowed) return;
      problems.push(`${where}[${i}]: got ${value}, expected ${expected}, ${ulps} ulps (tolerance ${allowed})`);
      return;
    }
    // -0 and +0: the same point for every figure, but the fixtures record the sign; say so.
    problems.push(`${where}[${i}]: got ${Object.is(value, -0) ? '-0' : value}, expected ${Object.is(expected, -0) ? '-0' : expected} (exact match required)`);
  });
}

describe.each(multiclassFixtures().map(({ file, fixture }) => ({ file, fixture })))('$file', ({ fixture }) => {
  for (const dtype of DTYPES) {
    test(`${dtype}: cross-entropy and gradient, outputs and flags of every algorithm`, () => {
      const format = FORMATS[dtype];
      const kernel = new FormatKernel(format);
      const problems: string[] = [];
      let ordinary = 0;
      for (const fixtureCase of fixture.cases) {
        const expected = fixtureCase.dtypes[dtype];
        // Losses and gradients are taken over ordinary rows only (SPEC section 9).
        if (expected.kind !== 'ordinary') continue;
        ordinary++;
        const cast = parseRow(expected.cast);
        kernel.run(cast, cast.length, fixtureCase.label);
        for (const kind of LABEL_KINDS) {
          const want = expected.algorithms[kind.algorithm]?.[kind.function as 'cross-entropy' | 'gradient'];
          if (!want) {
            problems.push(`${fixtureCase.name}: the fixture lacks ${kind.function}/${kind.algorithm}`);
            continue;
          }
          compareOutput(`${fixtureCase.name} label ${fixtureCase.label} ${kind.function}/${kind.algorithm}/${dtype}`, format, kernel.outputs[kind.id], kernel.flags[kind.id], want, problems, (i, value) =>
            float64Tolerance(kernel, kind, cast, i, value),
          );
        }
      }
      expect(ordinary).toBeGreaterThan(0);
      expect(problems.slice(0, 30)).toEqual([]);
    });
  }
});

describe.each(binaryFixtures().map(({ file, fixture }) => ({ file, fixture })))('$file', ({ fixture }) => {
  for (const dtype of DTYPES) {
    test(`${dtype}: sigmoid, log-sigmoid and bce, outputs and flags of every algorithm`, () => {
      const format = FORMATS[dtype];
      const kernel = new BinaryKernel(format);
      const problems: string[] = [];
      for (const fixtureCase of fixture.cases) {
        const expected = fixtureCase.dtypes[dtype];
        const x = parsePythonFloat(expected.cast.x);
        const y = parsePythonFloat(expected.cast.y);
        kernel.run(x, y);
        for (const kind of BINARY_RESULTS) {
          const want = binaryOutput(expected, kind.function, kind.algorithm);
          compareOutput(`${fixtureCase.name} (x ${x}, y ${y}) ${kind.function}/${kind.algorithm}/${dtype}`, format, [kernel.outputs[kind.id]], kernel.flags[kind.id], want, problems);
        }
      }
      expect(problems.slice(0, 30)).toEqual([]);
    });
  }
});
