// What a kernel computes when only some results are selected, which part of its input buffer it
// reads, its argmax on ties, and the shape of its output buffers: values derived by hand.
import { describe, expect, test } from 'vitest';
import { flagNames } from '../../src/algorithms/flags.js';
import { FormatKernel, SELECT_ALL } from '../../src/algorithms/kernel.js';
import { ALGORITHMS, FUNCTIONS, isScalar, LABEL_KINDS, LOGIT_KINDS, R, RESULT_COUNT, RESULT_KINDS, resultKind } from '../../src/algorithms/names.js';
import { FORMATS } from '../../src/formats/index.js';
import { expectFigure, expectNames } from '../support/expect-figure.js';

describe('a kernel that computes one selected result', () => {
  // float16 [0, 0]. Every algorithm takes the same steps to the same values: exp(0) = 1 (or
  // exp(x_j - m) = exp(0)), a sum 1 + 1 = 2 (online: D = 1 * 1 + 1; log1p: 1 + s' with s' = 1),
  // softmax 1 / 2 = 0.5 exactly. log 2 = 0.693147 lies between 1419 and 1420 * 2^-11 (float16's
  // spacing in [0.5, 1)), at 1419.56: it rounds to 1420 * 2^-11 = 0.693359375, and so do
  // log1p(1), 0 + log 2 (log-sum-exp) and, negated, log(0.5) and 0 - log 2 (log-softmax).
  // exp-lse: exp(0 - 0.693359375) = 0.5 * exp(-0.000212) = 0.499894, 0.000106 below 0.5 where
  // float16's spacing below 0.5 is 2^-12 = 0.000244: it rounds to 0.5. No operation raises a flag.
  // A kernel skips what no selected result needs, so each result alone catches a skip too many.
  const row = [0, 0];
  const LN2_F16 = 1420 * 2 ** -11;
  for (const kind of LOGIT_KINDS) {
    test(`${kind.function} ${kind.algorithm} alone, float16 [0, 0]`, () => {
      const selection = RESULT_KINDS.map((other) => other.id === kind.id);
      const kernel = new FormatKernel(FORMATS.float16, selection);
      kernel.run(Float64Array.from(row), row.length);
      const expected = kind.function === 'softmax' ? [0.5, 0.5] : kind.function === 'log-softmax' ? [-LN2_F16, -LN2_F16] : [LN2_F16];
      const where = `float16 ${kind.function} ${kind.algorithm} alone`;
      expected.forEach((value, i) => expectFigure(`${where} [${i}]`, row, kernel.outputs[kind.id][i], value));
      expectNames(`${where} flags`, row, flagNames(kernel.flags[kind.id]), []);
    });
  }
  // With the label y = 0 (SPEC section 9): every cross-entropy algorithm gives -log(0.5) = log 2,
  // 0.693359375 in float16 as above (naive and log-of-softmax: -log(0.5); max-shift, online:
  // -(0 - log 2); log1p: -(0 - log1p(1)); lse-minus-logit: (0 + log 2) - 0). The gradient is
  // softmax - [i = 0] = [0.5 - 1, 0.5] = [-0.5, 0.5], exact; exp-of-log-softmax's
  // exp(-0.693359375) = 0.499894 rounds to 0.5 as exp-lse's does above.
  for (const kind of LABEL_KINDS) {
    test(`${kind.function} ${kind.algorithm} alone, float16 [0, 0], label 0`, () => {
      const selection = RESULT_KINDS.map((other) => other.id === kind.id);
      const kernel = new FormatKernel(FORMATS.float16, selection);
      kernel.run(Float64Array.from(row), row.length, 0);
      const expected = kind.function === 'cross-entropy' ? [LN2_F16] : [-0.5, 0.5];
      const where = `float16 ${kind.function} ${kind.algorithm} alone, label 0`;
      expected.forEach((value, i) => expectFigure(`${where} [${i}]`, row, kernel.outputs[kind.id][i], value));
      expectNames(`${where} flags`, row, flagNames(kernel.flags[kind.id]), []);
    });
  }
});

test('the kernel reads the first `length` values of a longer buffer, and no more', () => {
  // float16 [1, 2] in a buffer holding a larger 9 after them (Analysis reuses one buffer for rows
  // of every length). m = 2 at index 1. max-shift softmax: t_0 = exp(-1) = 0.367879 = 1506.84 *
  // 2^-12 -> 1507 * 2^-12 = 0.367919921875; s = 1.367919921875 = 1400.75 * 2^-10 -> 1401 *
  // 2^-10 = 1.3681640625; t_0 / s = 0.268915 = 1101.48 * 2^-12 -> 1101 * 2^-12 = 0.268798828125;
  // 1 / s = 0.730906 = 1496.90 * 2^-11 -> 1497 * 2^-11 = 0.73095703125.
  const kernel = new FormatKernel(FORMATS.float16);
  const buffer = Float64Array.of(1, 2, 9);
  kernel.run(buffer, 2);
  expect(kernel.argmax).toBe(1);
  expectFigure('float16 max-shift softmax [0]', [1, 2], kernel.outputs[R.softmaxMaxShift][0], 1101 * 2 ** -12);
  expectFigure('float16 max-shift softmax [1]', [1, 2], kernel.outputs[R.softmaxMaxShift][1], 1497 * 2 ** -11);
});

test('argmax is the first index of the maximum', () => {
  const kernel = new FormatKernel(FORMATS.float32);
  kernel.run(Float64Array.of(1, 3, 3, -2, 3), 5);
  expect(kernel.argmax).toBe(1);
  kernel.run(Float64Array.of(-Infinity, -Infinity), 2); // fully masked: no logit exceeds -Infinity
  expect(kernel.argmax).toBe(0);
});

test('outputs: one buffer per result, a single value for each logsumexp', () => {
  const kernel = new FormatKernel(FORMATS.float64, SELECT_ALL);
  kernel.run(Float64Array.of(0.5, -1, 2), 3);
  expect(kernel.outputs).toHaveLength(RESULT_COUNT);
  for (const kind of RESULT_KINDS) {
    expect(kernel.outputs[kind.id], `${kind.function} ${kind.algorithm}`).toHaveLength(isScalar(kind.function) ? 1 : 3);
  }
});

describe('names', () => {
  test('the functions and algorithms are the ones the README and --help name, in that order', () => {
    expect(FUNCTIONS).toEqual(['softmax', 'log-softmax', 'logsumexp', 'cross-entropy', 'gradient', 'sigmoid', 'log-sigmoid', 'bce']);
    expect(ALGORITHMS).toEqual([
      'naive',
      'max-shift',
      'log-of-softmax',
      'online',
      'log1p',
      'exp-lse',
      'lse-minus-logit',
      'exp-of-log-softmax',
      'stable',
      'log-of-sigmoid',
      'softplus',
      'clamped',
      'with-logits',
    ]);
    // Every result pairs a listed function with a listed algorithm.
    for (const kind of RESULT_KINDS) {
      expect(FUNCTIONS).toContain(kind.function);
      expect(ALGORITHMS).toContain(kind.algorithm);
    }
  });

  test('resultKind finds the pairs that exist (SPEC section 4) and no other', () => {
    expect(resultKind('logsumexp', 'online')).toEqual({ id: R.logsumexpOnline, function: 'logsumexp', algorithm: 'online' });
    expect(resultKind('log-softmax', 'log-of-softmax')).toEqual({ id: R.logSoftmaxLogOfSoftmax, function: 'log-softmax', algorithm: 'log-of-softmax' });
    expect(resultKind('softmax', 'log-of-softmax')).toBeUndefined();
    expect(resultKind('logsumexp', 'exp-lse')).toBeUndefined();
  });
});
