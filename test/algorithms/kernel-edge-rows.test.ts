// Rows whose outputs and flags are derived by hand, each aimed at one operation of the kernel
// that the mpmath fixtures leave unchecked.
import { describe, test } from 'vitest';
import { flagNames } from '../../src/algorithms/flags.js';
import { FormatKernel } from '../../src/algorithms/kernel.js';
import { R, LOGIT_KINDS as RESULT_KINDS } from '../../src/algorithms/names.js';
import { FORMATS } from '../../src/formats/index.js';
import { expectFigure, expectNames } from '../support/expect-figure.js';

describe('the flags of the final m + log(s) addition', () => {
  // [1e-40], K = 1. The cast: float32's least subnormal is 2^-149 = 1.4013e-45, and 1e-40 =
  // 71362.38 * 2^-149 -> x = 71362 * 2^-149; bfloat16's is 2^-133 = 9.1835e-41, and 1e-40 =
  // 1.089 * 2^-133 -> x = 2^-133. Both are subnormal, and not 0 (no cast underflow). Then
  //   m = x; d = x - m = 0 (an exact zero: no underflow); t = exp(0) = 1; s = 1 (one term, no
  //   addition); log(s) = 0 (exactly); softmax 1/1 = 1; log-softmax 0 - 0 = 0;
  //   log1p: s' = 0 (empty sum), log1p(0) = 0, 1 + 0 = 1;
  //   online: M_1 = x, exp(-Infinity - x) = exp(-Infinity) = 0 and D_0 * 0 = 0 * 0 = 0 (exact
  //   zeros), exp(x - x) = 1, D = 0 + 1 = 1, log(D) = 0;
  //   naive: exp(x) = 1 (x is far below half an ulp of 1), log(1) = 0;
  // and the log-sum-exp m + log(s) = x + 0 = x: an operation whose exact result is nonzero and
  // subnormal, so it raises underflow, the only flag of the row. max-shift, online and log1p
  // compute it for logsumexp, and exp-lse for its L = m + log1p(s'). naive's log-sum-exp is
  // log(1) = 0: no addition, no flag (and 0 where the exact value is x).
  const cases = [
    { dtype: 'float32', x: 71362 * 2 ** -149 },
    { dtype: 'bfloat16', x: 2 ** -133 },
  ] as const;
  const underflowing = new Set<number>([R.logsumexpMaxShift, R.logsumexpOnline, R.logsumexpLog1p, R.softmaxExpLse]);

  for (const { dtype, x } of cases) {
    test(`${dtype} [1e-40] (K = 1): underflow in logsumexp max-shift, online, log1p and softmax exp-lse, from m + log(s) alone`, () => {
      const format = FORMATS[dtype];
      const input = [1e-40];
      expectFigure(`${dtype} cast of 1e-40`, input, format.round(1e-40), x);
      const kernel = new FormatKernel(format);
      kernel.run(Float64Array.of(x), 1);
      for (const kind of RESULT_KINDS) {
        const where = `${kind.function} ${kind.algorithm} ${dtype}`;
        expectNames(`${where} flags`, input, flagNames(kernel.flags[kind.id]), underflowing.has(kind.id) ? ['underflow'] : []);
        const expected = kind.function === 'softmax' ? 1 : kind.function === 'log-softmax' ? 0 : kind.algorithm === 'naive' ? 0 : x;
        expectFigure(`${where} output`, input, kernel.outputs[kind.id][0], expected);
      }
    });
  }

  test('float64 [1e-40] raises nothing: 1e-40 is a normal float64 number', () => {
    const kernel = new FormatKernel(FORMATS.float64);
    kernel.run(Float64Array.of(1e-40), 1);
    for (const kind of RESULT_KINDS) expectNames(`${kind.function} ${kind.algorithm} float64 flags`, [1e-40], flagNames(kernel.flags[kind.id]), []);
  });
});

describe('float64: log and log1p are the machine\'s own, called once', () => {
  // In float64 every operation is the machine's own (docs/metrics.md section 1): log(s) is
  // Math.log(s) itself, not a mathematically equal formula such as log2(s) * ln 2, which
  // differs in the last bit for some s (K = 9, 10, 17, ...). The mpmath fixtures cannot see
  // that: their log is correctly rounded, Math.log only faithful, so they allow float64 an ulp
  // or two. Here the row is K zeros, every intermediate is exact, and the outputs are one call:
  //   t_j = exp(0) = 1; s = K and D = K (integers, added exactly); s' = K - 1;
  //   logsumexp: 0 + log(s) = Math.log(K) (max-shift, online, naive), log1p: Math.log1p(K - 1);
  //   log-softmax: 0 - log(s) = -Math.log(K) (max-shift, online), -Math.log1p(K - 1) (log1p).
  test('K zeros, K = 1 .. 64: logsumexp and log-softmax are exactly Math.log(K) and Math.log1p(K - 1)', () => {
    const kernel = new FormatKernel(FORMATS.float64);
    for (let K = 1; K <= 64; K++) {
      const input = new Float64Array(K);
      kernel.run(input, K);
      const row = `[0 x ${K}]`;
      for (const [id, name] of [
        [R.logsumexpMaxShift, 'logsumexp max-shift'],
        [R.logsumexpOnline, 'logsumexp online'],
        [R.logsumexpNaive, 'logsumexp naive'],
      ] as const) {
        expectFigure(name, row, kernel.outputs[id][0], Math.log(K));
      }
      expectFigure('logsumexp log1p', row, kernel.outputs[R.logsumexpLog1p][0], Math.log1p(K - 1));
      for (let i = 0; i < K; i++) {
        expectFigure(`log-softmax max-shift [${i}]`, row, kernel.outputs[R.logSoftmaxMaxShift][i], -Math.log(K));
        expectFigure(`log-softmax online [${i}]`, row, kernel.outputs[R.logSoftmaxOnline][i], -Math.log(K));
        expectFigure(`log-softmax log1p [${i}]`, row, kernel.outputs[R.logSoftmaxLog1p][i], -Math.log1p(K - 1));
      }
    }
  });
});

describe('online takes the flags of its own steps, not of exp(x_j - m) before the maximum', () => {
  // float16 [6, 0, 12, 11] (smallest normal 2^-14 = 6.1e-5; exp(x) is subnormal below -9.70).
  // max-shift: exp(0 - 12) = 6.1e-6 is subnormal: underflow, in every max-shift result.
  // online, literally: M_1 = 6, D_1 = 1; x_2 = 0: exp(0 - 6) = 0.00248 (normal), D_2 = 1.0029;
  // x_3 = 12: exp(6 - 12) = 0.00248 (normal), D_2 * 0.00248 = 0.00249 (normal), + exp(0) = 1
  // gives 1.0029; x_4 = 11: exp(11 - 12) = 0.368, D = 1.371; log D = 0.315; 12 + 0.315. The
  // exponent 0 - 12 is never formed: online's log-sum-exp and log-softmax raise nothing.
  test('float16 [6, 0, 12, 11]: underflow in max-shift logsumexp, none in online logsumexp and log-softmax', () => {
    const row = [6, 0, 12, 11];
    const kernel = new FormatKernel(FORMATS.float16);
    kernel.run(Float64Array.from(row), row.length);
    expectNames('logsumexp max-shift flags', row, flagNames(kernel.flags[R.logsumexpMaxShift]), ['underflow']);
    expectNames('logsumexp online flags', row, flagNames(kernel.flags[R.logsumexpOnline]), []);
    expectNames('log-softmax online flags', row, flagNames(kernel.flags[R.logSoftmaxOnline]), []);
  });
});
