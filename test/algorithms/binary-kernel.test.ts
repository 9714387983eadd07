// The binary kernel (SPEC section 10): outputs and flags derived by hand in float16 and bfloat16,
// every float32 output against an independent emulation with Math.fround, and the float64
// outputs against the exact values within an error bound derived below.
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { B, BINARY_RESULTS, BinaryKernel } from '../../src/algorithms/binary-kernel.js';
import { flagNames } from '../../src/algorithms/flags.js';
import { FORMATS, float32, float64, roundScaledDoubleDouble } from '../../src/formats/index.js';
import { BinaryExactValues, binaryExact } from '../../src/reference/binary-exact.js';
import { expectFigure, expectNames } from '../support/expect-figure.js';

type Expected = Record<number, { output: number; flags: string[] }>;

/** Runs the kernel on (x, y) and checks each listed result's output (exactly) and flags. */
function expectResults(dtype: keyof typeof FORMATS, x: number, y: number, expected: Expected): void {
  const format = FORMATS[dtype];
  expectFigure(`${dtype} cast of x`, x, format.round(x), x);
  if (y === y) expectFigure(`${dtype} cast of y`, y, format.round(y), y);
  const kernel = new BinaryKernel(format);
  kernel.run(x, y);
  for (const kind of BINARY_RESULTS) {
    const want = expected[kind.id];
    if (want === undefined) continue;
    const where = `${dtype} ${kind.function} ${kind.algorithm}`;
    expectFigure(`${where} output`, [x, y], kernel.outputs[kind.id], want.output);
    expectNames(`${where} flags`, [x, y], flagNames(kernel.flags[kind.id]), want.flags);
  }
}

describe('BINARY_RESULTS', () => {
  test('report order, ids 0..7 matching the kernel constants', () => {
    expect(BINARY_RESULTS.map((kind) => `${kind.function} ${kind.algorithm}`)).toEqual([
      'sigmoid naive',
      'sigmoid stable',
      'log-sigmoid naive',
      'log-sigmoid log-of-sigmoid',
      'log-sigmoid softplus',
      'bce naive',
      'bce clamped',
      'bce with-logits',
    ]);
    expect(BINARY_RESULTS.map((kind) => kind.id)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Object.values(B)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('float16 by hand (p = 11, max 65504, least normal 2^-14, least subnormal q = 2^-24 = 5.96e-8)', () => {
  const q = 2 ** -24;

  test('x = -12, y = 0.3 (cast 0.300048828125): naive sigmoid overflows to 0, stable is correctly rounded', () => {
    // The cast of y: 0.3 = 1228.8 * 2^-12 in [0.25, 0.5), so y = 1229 * 2^-12 = 0.300048828125.
    const y = 1229 * 2 ** -12;
    // sigmoid naive: exp(12) = 162754.79 > 65504 -> +Infinity (overflow); 1 + Infinity =
    //   Infinity (no flag: an operand is infinite); 1/Infinity = 0 (no flag, likewise).
    // sigmoid stable (x < 0): exp(-12) = 6.1442e-6 = 103.08 q -> 103 q (subnormal: underflow);
    //   1 + 103 q -> 1 (far below half of 2^-10); 103 q / 1 = 103 q (subnormal: underflow).
    //   Exact: e^-12/(1 + e^-12) = 103.082 q -> 103 q: correctly rounded.
    // log-sigmoid naive: log(0) = -Infinity (divideByZero), with the overflow of exp(12).
    // log-of-sigmoid: log(103 q) = -12.000803 = -1536.10 * 2^-7 in [8, 16) -> -1536 * 2^-7 = -12.
    // softplus (x < 0): exp(-12) -> 103 q (underflow); log1p(103 q) = 102.9997 q -> 103 q
    //   (subnormal: underflow); -12 - 103 q -> -12 (spacing 2^-7).
    // bce: exact |x| y + log1p(e^-12) = 3.6005859375 + 6.144e-6 = 1843.503 * 2^-9 -> 3.6015625.
    //   naive: log(s) = log(0) = -Infinity (divideByZero); 1 - 0 = 1; log(1) = 0;
    //     1 - y = 0.699951171875 = 1433.5 * 2^-11, a tie -> 1434 * 2^-11 = 0.7001953125;
    //     y * -Infinity = -Infinity; 0.7001953125 * 0 = 0; -Infinity + 0 = -Infinity; negated:
    //     +Infinity, flags overflow (exp(12)) and divideByZero.
    //   clamped: max(-Infinity, -100) = -100, max(0, -100) = 0; y * -100 = -30.0048828125 =
    //     -1920.31 * 2^-6 -> -30; -30 + 0 = -30; negated: 30 (finite, and 8 times the loss).
    //   with-logits: max(-12, 0) = 0; x y = -3.6005859375 = -1843.5 * 2^-9, a tie -> -1844 * 2^-9
    //     = -3.6015625; 0 - (-3.6015625) = 3.6015625; + log1p(exp(-12)) = 3.6015625 + 103 q ->
    //     3.6015625; flags: underflow (exp and log1p).
    expectResults('float16', -12, y, {
      [B.sigmoidNaive]: { output: 0, flags: ['overflow'] },
      [B.sigmoidStable]: { output: 103 * q, flags: ['underflow'] },
      [B.logSigmoidNaive]: { output: -Infinity, flags: ['overflow', 'divideByZero'] },
      [B.logSigmoidLogOfSigmoid]: { output: -12, flags: ['underflow'] },
      [B.logSigmoidSoftplus]: { output: -12, flags: ['underflow'] },
      [B.bceNaive]: { output: Infinity, flags: ['overflow', 'divideByZero'] },
      [B.bceClamped]: { output: 30, flags: ['overflow', 'divideByZero'] },
      [B.bceWithLogits]: { output: 3.6015625, flags: ['underflow'] },
    });
  });

  test('x = 12, y = 1: sigmoid rounds to 1, log of it to 0; naive bce is NaN, clamped 0, with-logits right', () => {
    // exp(-12) -> 103 q (underflow); 1 + 103 q -> 1; 1/1 = 1: naive = stable = 1, flags
    //   underflow. (Exact 1 - 6.144e-6 rounds to 1 too: spacing below 1 is 2^-11.)
    // log(1) = 0 for naive and log-of-sigmoid, where the exact -6.144e-6 rounds to -103 q.
    // softplus (x >= 0): -log1p(103 q) = -103 q (log1p underflows), correctly rounded.
    // bce, exact log1p(e^-12) = 103.08 q -> 103 q:
    //   naive: log(s) = 0; 1 - s = 0; log(0) = -Infinity (divideByZero); 1 - y = 0;
    //     1 * 0 = 0; 0 * -Infinity = NaN (invalid); 0 + NaN = NaN: output NaN.
    //   clamped: max(-Infinity, -100) = -100; 0 * -100 = -0; 0 + -0 = 0; negated -0: a zero
    //     loss where the exact one is 103 q. Flags: underflow, divideByZero (the clamped log(0)).
    //   with-logits: max(12, 0) - 12 * 1 = 0; 0 + 103 q = 103 q (a subnormal sum: underflow).
    expectResults('float16', 12, 1, {
      [B.sigmoidNaive]: { output: 1, flags: ['underflow'] },
      [B.sigmoidStable]: { output: 1, flags: ['underflow'] },
      [B.logSigmoidNaive]: { output: 0, flags: ['underflow'] },
      [B.logSigmoidLogOfSigmoid]: { output: 0, flags: ['underflow'] },
      [B.logSigmoidSoftplus]: { output: -103 * q, flags: ['underflow'] },
      [B.bceNaive]: { output: NaN, flags: ['underflow', 'divideByZero', 'invalid'] },
      [B.bceClamped]: { output: 0, flags: ['underflow', 'divideByZero'] },
      [B.bceWithLogits]: { output: 103 * q, flags: ['underflow'] },
    });
  });

  test('x = 0, y = 0.5: every algorithm gives the correctly rounded value, no flag', () => {
    // exp(0) = 1; 1 + 1 = 2; 1/2 = 0.5 (both sigmoids). log(0.5) = -0.693147 = -1419.57 * 2^-11
    // in [0.5, 1) -> -1420 * 2^-11 = -0.693359375 (naive, log-of-sigmoid); softplus:
    // -log1p(1) likewise. bce: log(1 - 0.5) = the same; 0.5 * l twice is exact (a halving);
    // l/2 + l/2 = l: -l = 0.693359375 for naive and clamped; with-logits:
    // max(0, 0) - 0 * 0.5 = 0; 0 + log1p(1) = 0.693359375.
    const minusLog2 = -1420 * 2 ** -11;
    expectResults('float16', 0, 0.5, {
      [B.sigmoidNaive]: { output: 0.5, flags: [] },
      [B.sigmoidStable]: { output: 0.5, flags: [] },
      [B.logSigmoidNaive]: { output: minusLog2, flags: [] },
      [B.logSigmoidLogOfSigmoid]: { output: minusLog2, flags: [] },
      [B.logSigmoidSoftplus]: { output: minusLog2, flags: [] },
      [B.bceNaive]: { output: -minusLog2, flags: [] },
      [B.bceClamped]: { output: -minusLog2, flags: [] },
      [B.bceWithLogits]: { output: -minusLog2, flags: [] },
    });
  });

  test('no target (y = NaN): bce outputs NaN with no flag; the other results as usual', () => {
    expectResults('float16', -12, NaN, {
      [B.sigmoidStable]: { output: 103 * q, flags: ['underflow'] },
      [B.bceNaive]: { output: NaN, flags: [] },
      [B.bceClamped]: { output: NaN, flags: [] },
      [B.bceWithLogits]: { output: NaN, flags: [] },
    });
  });

  test('x = NaN: NaN everywhere and no flag (NaN in, NaN out raises nothing)', () => {
    const expected: Expected = {};
    for (const kind of BINARY_RESULTS) expected[kind.id] = { output: NaN, flags: [] };
    expectResults('float16', NaN, 0.5, expected);
  });

  test('x = -Infinity, y = 0: the limits, with no flag from the infinite operands', () => {
    // naive: exp(+Infinity) = Infinity (no overflow: the operand is infinite); 1/Infinity = 0.
    // stable: exp(-Infinity) = 0 (no underflow); 0/(1 + 0) = 0. Both log(0) = -Infinity with
    // divideByZero. softplus: -Infinity - log1p(0) = -Infinity. bce (y = 0, exact 0):
    // naive: 0 * log(0) = 0 * -Infinity = NaN (invalid), with the divideByZero of log(0);
    // clamped: 0 * -100 = 0, (1 - 0) * log(1 - 0) = 0: -(0 + 0) = -0;
    // with-logits: max(-Infinity, 0) = 0; -Infinity * 0 = NaN (invalid): NaN.
    expectResults('float16', -Infinity, 0, {
      [B.sigmoidNaive]: { output: 0, flags: [] },
      [B.sigmoidStable]: { output: 0, flags: [] },
      [B.logSigmoidNaive]: { output: -Infinity, flags: ['divideByZero'] },
      [B.logSigmoidLogOfSigmoid]: { output: -Infinity, flags: ['divideByZero'] },
      [B.logSigmoidSoftplus]: { output: -Infinity, flags: [] },
      [B.bceNaive]: { output: NaN, flags: ['divideByZero', 'invalid'] },
      [B.bceClamped]: { output: 0, flags: ['divideByZero'] },
      [B.bceWithLogits]: { output: NaN, flags: ['invalid'] },
    });
  });
});

describe('bfloat16 by hand (p = 8, max 3.3895e38, least normal 2^-126, least subnormal q = 2^-133 = 9.18e-41)', () => {
  const q = 2 ** -133;

  test('x = -89 (past the exp overflow threshold 88.72), y = 0: naive overflows, stable is subnormal and right', () => {
    // The cast: 89 = 1011001b, 7 bits: exact. y = 0.
    // naive: exp(89) = 4.49e38 > max -> Infinity (overflow); 1/(1 + Infinity) = 0.
    // stable: exp(-89) = 2.2274e-39 = 24.25 q -> 24 q (subnormal: underflow); 1 + 24 q -> 1;
    //   24 q / 1 = 24 q (underflow). Exact e^-89/(1 + e^-89) = 24.25 q -> 24 q.
    // log-of-sigmoid: log(24 q) = -89.0105 -> -89 (spacing 0.5 in [64, 128)); exact -89 - 2.2e-39
    //   -> -89 as well. softplus: -89 - log1p(24 q) -> -89 (log1p(24 q) = 24 q: underflow).
    // bce, y = 0, exact log1p(e^-89) = 24.25 q -> 24 q:
    //   naive: 0 * log(0) = 0 * -Infinity = NaN (invalid) with divideByZero and overflow.
    //   clamped: 0 * -100 = 0; 1 * log(1 - 0) = 0; -(0 + 0) = -0: a zero loss. Flags overflow and
    //     divideByZero (the log(0) under the clamp).
    //   with-logits: max(-89, 0) - (-89 * 0) = 0 - (-0) = 0; 0 + log1p(24 q) = 24 q (underflow).
    expectResults('bfloat16', -89, 0, {
      [B.sigmoidNaive]: { output: 0, flags: ['overflow'] },
      [B.sigmoidStable]: { output: 24 * q, flags: ['underflow'] },
      [B.logSigmoidNaive]: { output: -Infinity, flags: ['overflow', 'divideByZero'] },
      [B.logSigmoidLogOfSigmoid]: { output: -89, flags: ['underflow'] },
      [B.logSigmoidSoftplus]: { output: -89, flags: ['underflow'] },
      [B.bceNaive]: { output: NaN, flags: ['overflow', 'divideByZero', 'invalid'] },
      [B.bceClamped]: { output: 0, flags: ['overflow', 'divideByZero'] },
      [B.bceWithLogits]: { output: 24 * q, flags: ['underflow'] },
    });
  });

  test('x = 200, y = 1 - 2^-8: with-logits loses the small loss to the rounding of x y', () => {
    // Exact: x (1 - y) + log1p(e^-200) = 200 * 2^-8 + 1.4e-87 = 0.78125 + tiny -> 0.78125
    // (0.11001b: exact in bfloat16).
    // with-logits: x y = 199.21875 -> 199 (spacing 1 in [128, 256)); 200 - 199 = 1;
    //   exp(-200) = 1.4e-87 -> 0 (below half of q: underflow); log1p(0) = 0; 1 + 0 = 1.
    //   28% too large, from one rounding of x y (half an ulp of 200 is 0.5).
    // The sigmoids: exp(-200) -> 0 (underflow), 1/(1 + 0) = 1. bce naive: log(1) = 0,
    //   1 - 1 = 0, log(0) = -Infinity, (1 - y) * -Infinity = -Infinity: the loss is +Infinity.
    //   clamped: y * 0 = 0, 2^-8 * -100 = -0.390625 (exact: 100 = 1100100b), -(0 - 0.390625).
    expectResults('bfloat16', 200, 1 - 2 ** -8, {
      [B.sigmoidNaive]: { output: 1, flags: ['underflow'] },
      [B.bceNaive]: { output: Infinity, flags: ['underflow', 'divideByZero'] },
      [B.bceClamped]: { output: 0.390625, flags: ['underflow', 'divideByZero'] },
      [B.bceWithLogits]: { output: 1, flags: ['underflow'] },
    });
  });
});

// ---- float32: every output against an independent emulation -----------------------------
//
// Math.fround(a op b) for float32 a, b is the correctly rounded float32 result of + - * /:
// float64 has 53 >= 2 * 24 + 2 bits, so rounding the exact result to float64 first and then to
// float32 never changes the answer (Figueroa, "When is double rounding innocuous?", 1995). For
// exp, log and log1p the kernel rounds Math.exp(v) (faithful in float64) to float32, which is
// what Math.fround(Math.exp(v)) is: the two must agree bit for bit, always. (Neither is then
// always the correctly rounded float32 exp: when Math.exp(v) lands within its error of a float32
// midpoint, about once in 2^28 arguments, the double rounding may pick the wrong neighbour. That
// is a property of the emulation, documented in docs/binary.md, not of this comparison.)

function emulateFloat32(x: number, y: number): number[] {
  const f = Math.fround;
  const expNegated = f(Math.exp(-x));
  const naive = f(1 / f(1 + expNegated));
  let stable = naive;
  if (!(x >= 0)) {
    const e = f(Math.exp(x));
    stable = f(e / f(1 + e));
  }
  const logNaive = f(Math.log(naive));
  const logStable = f(Math.log(stable));
  const expNegativeMagnitude = x >= 0 ? expNegated : f(Math.exp(x));
  const log1pTerm = f(Math.log1p(expNegativeMagnitude));
  const softplus = x >= 0 ? -log1pTerm : f(x - log1pTerm);
  if (y !== y) return [naive, stable, logNaive, logStable, softplus, NaN, NaN, NaN];
  const logComplement = f(Math.log(f(1 - naive)));
  const oneMinusY = f(1 - y);
  const bceNaive = -f(f(y * logNaive) + f(oneMinusY * logComplement));
  const clamp = (v: number) => (v < -100 ? -100 : v); // NaN stays NaN
  const bceClamped = -f(f(y * clamp(logNaive)) + f(oneMinusY * clamp(logComplement)));
  const withLogits = f(f((x > 0 ? x : 0) - f(x * y)) + log1pTerm);
  return [naive, stable, logNaive, logStable, softplus, bceNaive, bceClamped, withLogits];
}

describe('float32 against Math.fround', () => {
  const kernel = new BinaryKernel(float32);

  function check(x: number, y: number): void {
    kernel.run(x, y);
    const expected = emulateFloat32(x, y);
    for (const kind of BINARY_RESULTS) {
      const got = kernel.outputs[kind.id];
      const want = expected[kind.id];
      if (!Object.is(got, want) && !(Number.isNaN(got) && Number.isNaN(want))) {
        throw new Error(`float32 ${kind.function} ${kind.algorithm} at x = ${x}, y = ${y}: got ${got}, Math.fround emulation ${want}`);
      }
    }
  }

  test('property: any float32 logit (the whole range, infinities and NaN) and any float32 target or none', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.float({ noDefaultInfinity: false }), fc.float({ min: -120, max: 120, noNaN: true })),
        fc.oneof(fc.float({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 1, NaN)),
        (x, y) => check(x, y),
      ),
      { numRuns: 20000 },
    );
  });

  test('the exp thresholds of float32 and their neighbours, with y in {0, 1/2, 1}', () => {
    for (const threshold of [88.722839081870676774, 87.336544810157755538, 103.97207708399179641, 16.635532333438686]) {
      let value = Math.fround(threshold);
      for (let step = 0; step < 8; step++) {
        for (const x of [value, -value]) for (const y of [0, 0.5, 1]) check(x, y);
        value = Math.fround(value + value * 2 ** -23);
      }
    }
  });
});

// ---- float64: against the exact values, within a derived bound ---------------------------
//
// Every + - * / is correctly rounded: result (1 + d), |d| <= u = 2^-53. Math.exp, Math.log and
// Math.log1p are faithful (test/algorithms/libm.test.ts): |d| < 2^-52 = 2u. To first order in u,
// with s = sigmoid(x), S = log1p(e^-|x|), every quantity below exact and normal (the domains
// keep all intermediates in float64's normal range), the relative error rho of each output:
// - sigmoid, naive or either branch of stable: e = exp(+-x) (2u); 1 + e carries e's error
//   times e/(1 + e) <= 1, plus u; the division (or e/(1 + e), whose error in e cancels down to
//   2u/(1 + e)) adds u: rho <= 4u.
// - log of a computed sigmoid: log(s (1 + r)) = log s + r, so the log's input error r <= 4u is
//   an absolute error, |log s| times smaller relatively; the log adds 2u: rho <= 4u/|log s| + 2u.
// - softplus: log1p(e (1 + 2u)) has condition e/((1 + e) log1p(e)) <= 1 in e, plus 2u: 4u for
//   x >= 0; for x < 0, x - log1p(...) adds two terms of one sign (u more): rho <= 5u.
// - bce with-logits: x y rounds (absolute |x y| u), max(x, 0) - x y rounds (u of the
//   difference, the linear part), log1p(exp(-|x|)) is good to 4u relative, and the final sum of
//   two non-negative terms adds u of the loss: absolute error <= u (|x y| + linear + 4 S + bce),
//   with 3 * 2^-1074 more for a product or sum that is subnormal.
// - bce naive: y log(s) carries y (4u + 3u |log s|) (the input error of the log, its own 2u
//   and the product's u); 1 - s has relative error 4u s/(1 - s) + u (s's error, then the
//   subtraction), so (1 - y) log(1 - s) carries (1 - y) (4u s/(1 - s) + u + 4u |log(1 - s)|)
//   (the log's 2u, the rounding of 1 - y and the product); the sum of two terms of one sign
//   adds u of the loss.
// An absolute error of rho |e| puts c within (rho/u + 1)/(1 - rho - u) steps of round(e): each
// step is at least u times the smaller of |c| and |round(e)|, and round(e) is within u |e| of e.
// The bound is taken with a 0.1% margin for the second-order terms. It can fail: a wrong
// operation order, a missed rounding or a wrong branch puts some outputs far outside it.

const u = 2 ** -53;

function ulpBound(rho: number): number {
  if (!(rho < 0.5)) return Infinity;
  return Math.floor(((rho / u + 1) / (1 - rho - u)) * 1.001);
}

/** log(1 + e^t) in float64 without overflow (for the bounds only: a few ulps are plenty). */
function softplusApprox(t: number): number {
  return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
}

/** The relative error bound of each result at (x, y) (index by result id; NaN: not bounded here). */
function relativeBounds(x: number, y: number): number[] {
  const s = 1 / (1 + Math.exp(-x));
  const complement = 1 / (1 + Math.exp(x)); // 1 - s
  const logS = -softplusApprox(-x);
  const logComplement = -softplusApprox(x);
  const magnitudeTerm = Math.log1p(Math.exp(-Math.abs(x)));
  const linear = x > 0 ? x * (1 - y) : -x * y;
  const bce = linear + magnitudeTerm;
  const tiny = 3 * 2 ** -1074;
  const naiveError = y * (4 * u + 3 * u * Math.abs(logS)) + (1 - y) * ((4 * u * s) / complement + u + 4 * u * Math.abs(logComplement)) + u * bce;
  return [
    4 * u,
    4 * u,
    (4 * u) / Math.abs(logS) + 2 * u,
    (4 * u) / Math.abs(logS) + 2 * u,
    5 * u,
    naiveError / bce,
    naiveError / bce,
    (u * (Math.abs(x * y) + linear + 4 * magnitudeTerm + bce) + tiny) / bce,
  ];
}

describe('float64 against the exact values within the derived bound', () => {
  const kernel = new BinaryKernel(float64);
  const exact = new BinaryExactValues();
  const worst = new Map<string, { ulps: number; bound: number; x: number; y: number }>();

  afterAll(() => {
    const lines = [...worst.entries()].map(([name, { ulps, bound, x, y }]) => `${name} ${ulps} (bound there ${bound}, x = ${x}, y = ${y})`);
    console.log(`binary kernel float64: largest ulp distances seen: ${lines.join('; ')}`);
  });

  /** Checks the results in `ids` at (x, y): ulp distance from round(exact) within the bound. */
  function check(x: number, y: number, ids: readonly number[]): void {
    kernel.run(x, y);
    binaryExact(x, y, exact);
    const bounds = relativeBounds(x, y);
    for (const id of ids) {
      const kind = BINARY_RESULTS[id];
      const value = kind.function === 'sigmoid' ? exact.sigmoid : kind.function === 'log-sigmoid' ? exact.logSigmoid : exact.bce;
      const rounded = roundScaledDoubleDouble(float64, value.hi, value.lo, value.exp2);
      const got = kernel.outputs[id];
      const bound = ulpBound(bounds[id]);
      const ulps = Number.isFinite(got) ? float64.ulpDistance(got, rounded) : Infinity;
      const name = `${kind.function} ${kind.algorithm}`;
      if (ulps > bound) {
        throw new Error(
          `float64 ${name} at x = ${x}, y = ${y}: got ${got}, exact rounded ${rounded}, ${ulps} ulps apart (bound ${bound}, from relative ${bounds[id] / u} u)`,
        );
      }
      const previous = worst.get(name);
      if (bound < 1000 && (previous === undefined || ulps > previous.ulps)) worst.set(name, { ulps, bound, x, y });
    }
  }

  const target = fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 1, 0.5, 1 - 2 ** -53));

  test('sigmoid (naive, stable), softplus and with-logits on x in [-700, 700]', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double({ min: -700, max: 700, noNaN: true }), fc.double({ min: -40, max: 40, noNaN: true })), target, (x, y) =>
        check(x, y, [B.sigmoidNaive, B.sigmoidStable, B.logSigmoidSoftplus, B.bceWithLogits]),
      ),
      { numRuns: 4000 },
    );
  });

  test('log-sigmoid naive and log-of-sigmoid on x in [-700, 30] (the bound grows as e^x beyond 0: log of a sigmoid near 1)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double({ min: -700, max: 30, noNaN: true }), fc.double({ min: -5, max: 5, noNaN: true })), (x) =>
        check(x, NaN, [B.logSigmoidNaive, B.logSigmoidLogOfSigmoid]),
      ),
      { numRuns: 3000 },
    );
  });

  test('bce naive and clamped on x in [-30, 30] (no log below -100 there, so the two agree)', () => {
    fc.assert(
      fc.property(fc.double({ min: -30, max: 30, noNaN: true }), target, (x, y) => {
        check(x, y, [B.bceNaive, B.bceClamped]);
        kernel.run(x, y);
        expect(kernel.outputs[B.bceClamped]).toBe(kernel.outputs[B.bceNaive]);
      }),
      { numRuns: 3000 },
    );
  });
});
