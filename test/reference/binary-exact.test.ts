// The exact sigmoid, log-sigmoid and binary cross-entropy of one logit (SPEC section 10) against
// decimal.js at 60 digits, evaluated straight from the definitions (not from the
// no-cancellation forms the oracle uses): sigmoid = 1/(1 + e^-x), logSigmoid = -log(1 + e^-x)
// (with a series for log(1 + tiny)), bce = max(x, 0) - x y + log(1 + e^-|x|) with its linear part
// max(x, 0) - x y computed exactly (x and y are float64 values, so their product has at most
// 1,500 significant digits), so the cancellation between x y and max(x, 0) is done exactly.
import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { BinaryExactValues, binaryExact } from '../../src/reference/binary-exact.js';
import type { ScaledDD } from '../../src/reference/exp-dd.js';
import { Precise, RELATIVE_TOLERANCE, checkClose, ddDecimal, decimalLog1p, describeObserved, exactDecimal } from './decimal-oracle.js';

/** Enough digits for the exact product of two float64 values (<= 767 + 767 significant digits) and a difference. */
const Exact = Decimal.clone({ precision: 2000, minE: -9e15, maxE: 9e15 });

interface DecimalBinary {
  sigmoid: Decimal;
  logSigmoid: Decimal;
  bce: Decimal | null;
}

/** The definitions, at 60 digits, for a finite x and y in [0, 1] (or NaN: no bce). */
function decimalBinary(x: number, y: number): DecimalBinary {
  const xDecimal = exactDecimal(x);
  const expNegative = Precise.exp(xDecimal.neg()); // e^-x (decimal.js's exponent range is +-9e15)
  const sigmoid = new Precise(1).div(expNegative.plus(1));
  const logSigmoid = decimalLog1p(expNegative, Precise).neg();
  if (y !== y) return { sigmoid, logSigmoid, bce: null };
  const xExact = new Exact(xDecimal);
  const linear = (x > 0 ? xExact : new Exact(0)).minus(xExact.times(new Exact(exactDecimal(y))));
  const softplus = decimalLog1p(Precise.exp(xDecimal.abs().neg()), Precise);
  const bce = new Precise(linear.plus(new Exact(softplus)));
  return { sigmoid, logSigmoid, bce };
}

const FOLD = new Precise(2).pow(-960);

/** exp2 is 0 at or above 2^-960, negative only below, and never positive (SPEC's representation). */
function checkExponent(what: string, input: string, value: ScaledDD): void {
  if (value.exp2 === 0) return;
  const magnitude = ddDecimal(value.hi, value.lo, value.exp2).abs();
  if (value.exp2 > 0 || magnitude.gte(FOLD)) {
    throw new Error(`${what} at ${input}: exponent ${value.exp2} for a value of magnitude ${magnitude.toExponential(3)}`);
  }
}

function checkValue(what: string, input: string, got: ScaledDD, expected: Decimal): void {
  checkExponent(what, input, got);
  // hi is the double nearest the value (a normalized double-double).
  if (got.exp2 === 0) expect(got.hi + got.lo, `${what} at ${input}: hi + lo rounds to hi`).toBe(got.hi);
  checkClose(what, input, ddDecimal(got.hi, got.lo, got.exp2), expected, RELATIVE_TOLERANCE);
}

const out = new BinaryExactValues();

function checkBinary(x: number, y: number): void {
  const input = `x = ${Object.is(x, -0) ? '-0' : x}, y = ${y}`;
  binaryExact(x, y, out);
  const expected = decimalBinary(x, y);
  checkValue('sigmoid', input, out.sigmoid, expected.sigmoid);
  checkValue('logSigmoid', input, out.logSigmoid, expected.logSigmoid);
  if (expected.bce === null) {
    expect(out.bce.hi).toBeNaN();
  } else {
    checkValue('bce', input, out.bce, expected.bce);
  }
}

/** A deterministic uniform generator. */
function uniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

// The exp thresholds of SPEC section 1 (where exp(x) overflows, turns subnormal, rounds to 0 in
// each format); where 1 + e^-x rounds to 1 (x = p ln 2: float16 7.62, bfloat16 5.55, float32
// 16.64, float64 36.74), so that a computed sigmoid is 1 and its log 0; and where the exact
// sigmoid itself rounds to 1 (x = (p + 1) ln 2: 8.32, 6.24, 17.33, 37.43).
const THRESHOLDS = [
  709.78271289338399679, 708.39641853226410634, 745.13321910194120762, 88.722839081870676774, 87.336544810157755538, 103.97207708399179641,
  11.090110718526951036, 9.7045489283373432063, 17.328679513998632735, 88.720884076837196255, 87.340458649874245316, 92.881722195032671462,
  7.6246189861593985, 5.545177444479562, 16.635532333438686, 36.7368005696771, 8.317766166719343, 6.238324625039508, 17.328679513998633,
  37.42994775023705,
];

const MAGNITUDES = [
  0, 5e-324, 1e-310, 2.2250738585072014e-308, 1e-300, 1e-100, 1e-20, 1e-8, 2 ** -30, 0.001, 0.1, 0.5, 0.6931471805599453, 1, 1.5, 2, 3, 5, 10, 20, 30, 35, 40,
  50, 100, 200, 500, 600, 700, 744, 746, 750, 800, 900, 1000, 1074, 1100, 2000, 1e4, 1e5, 3e5,
];

const TARGETS = [0, 1, 0.5, 0.3, 1e-8, 5e-324, 1 - 2 ** -53, 0.999999];

describe('binaryExact against decimal.js at 60 digits (2^-100 relative)', () => {
  afterAll(() => {
    console.log(`binary reference: largest relative errors seen: ${describeObserved()}`);
  });

  test('x = +-m for m in a list of magnitudes and the exp thresholds of every format, y in {0, 1, 0.5, 0.3, 1e-8, 5e-324, 1 - 2^-53, 0.999999, none}', () => {
    const magnitudes = [...MAGNITUDES];
    for (const threshold of THRESHOLDS) magnitudes.push(threshold, threshold * (1 - 2 ** -40), threshold * (1 + 2 ** -40));
    for (const magnitude of magnitudes) {
      for (const x of [magnitude, -magnitude]) {
        for (const y of [...TARGETS, NaN]) checkBinary(x, y);
      }
    }
  });

  test('-0 behaves as +0: sigmoid 1/2, logSigmoid -log 2, bce log 2', () => {
    for (const y of [0, 0.3, 1]) checkBinary(-0, y);
    binaryExact(-0, 0.3, out);
    expect(out.sigmoid.hi).toBe(0.5);
    expect(out.sigmoid.lo).toBe(0);
    expect(out.logSigmoid.hi).toBe(-Math.LN2);
    expect(out.bce.hi).toBe(Math.LN2);
  });

  test('random x in [-1100, 1100] with random targets, and a random target at every x', () => {
    const random = uniform(20261202);
    for (let i = 0; i < 300; i++) {
      const x = (random() * 2 - 1) * 1100;
      checkBinary(x, random());
      checkBinary(x, TARGETS[i % TARGETS.length]);
    }
  });

  test('property: any double x in [-1100, 1100] (tiny and subnormal ones included) and any target in [0, 1]', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.double({ min: -1100, max: 1100, noNaN: true }), fc.double({ min: -1e-290, max: 1e-290, noNaN: true })),
        fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 1, 0.5)),
        (x, y) => {
          checkBinary(x, y);
        },
      ),
      { numRuns: 400 },
    );
  });

  test('bce when x y nearly cancels max(x, 0): y a few ulps below 1 and x large (the loss is tiny, and exact)', () => {
    for (const x of [40, 100, 745.5, 1000, 1e5]) {
      for (const y of [1 - 2 ** -53, 1 - 2 ** -52, 1 - 3 * 2 ** -53, 0.9999999999]) checkBinary(x, y);
    }
    // And the mirror image: x < 0, y tiny, where |x| y is tiny beside e^-|x|, or not.
    for (const x of [-40, -745.5, -800, -1000]) {
      for (const y of [5e-324, 1e-320, 1e-310, 2 ** -1022, 1e-300]) checkBinary(x, y);
    }
  });

  test('huge |x| in float64: the linear part of bce keeps its digits (1e308 (1 - y) and 1e308 y)', () => {
    for (const x of [1e300, 1.7976931348623157e308, -1e300, -1.7976931348623157e308]) {
      for (const y of [0, 0.3, 0.5, 1 - 2 ** -53, 1e-300, 5e-324]) {
        binaryExact(x, y, out);
        // e^-|x| is 0 at 60 digits and far below 2^(-2^31): bce is the linear part alone.
        const expected = new Precise(
          (x > 0 ? new Exact(exactDecimal(x)) : new Exact(0)).minus(new Exact(exactDecimal(x)).times(new Exact(exactDecimal(y)))),
        );
        if (expected.isZero()) {
          expect(out.bce.hi).toBe(0);
          expect(out.bce.lo).toBe(0);
        } else {
          checkValue('bce', `x = ${x}, y = ${y}`, out.bce, expected);
        }
      }
    }
  });
});

describe('binaryExact: special values, named', () => {
  function expectValue(value: ScaledDD, hi: number, lo = 0, exp2 = 0): void {
    expect(value.hi).toBe(hi);
    expect(value.lo).toBe(lo);
    expect(value.exp2).toBe(exp2);
  }

  test('x = NaN: every value NaN', () => {
    binaryExact(NaN, 0.5, out);
    expect(out.sigmoid.hi).toBeNaN();
    expect(out.logSigmoid.hi).toBeNaN();
    expect(out.bce.hi).toBeNaN();
  });

  test('y = NaN (no target): sigmoid and logSigmoid as usual, bce NaN', () => {
    binaryExact(2, NaN, out);
    expect(out.bce.hi).toBeNaN();
    checkValue('sigmoid', 'x = 2', out.sigmoid, new Precise(1).div(Precise.exp(-2).plus(1)));
  });

  test('a target outside [0, 1] is refused (the caller validates targets)', () => {
    expect(() => binaryExact(1, 1.5, out)).toThrow(RangeError);
    expect(() => binaryExact(1, -0.25, out)).toThrow(RangeError);
    expect(() => binaryExact(1, Infinity, out)).toThrow(/outside \[0, 1\]/);
  });

  test('x = +Infinity: sigmoid 1, logSigmoid 0, bce +Infinity for y < 1 and 0 at y = 1 exactly (the limit of log(1 + e^-x))', () => {
    binaryExact(Infinity, 0.5, out);
    expectValue(out.sigmoid, 1);
    expectValue(out.logSigmoid, 0);
    expectValue(out.bce, Infinity);
    binaryExact(Infinity, 1 - 2 ** -53, out);
    expectValue(out.bce, Infinity);
    binaryExact(Infinity, 1, out);
    expectValue(out.bce, 0);
  });

  test('x = -Infinity: sigmoid 0, logSigmoid -Infinity, bce +Infinity for y > 0 and 0 at y = 0 exactly', () => {
    binaryExact(-Infinity, 0.5, out);
    expectValue(out.sigmoid, 0);
    expectValue(out.logSigmoid, -Infinity);
    expectValue(out.bce, Infinity);
    binaryExact(-Infinity, 5e-324, out);
    expectValue(out.bce, Infinity);
    binaryExact(-Infinity, 0, out);
    expectValue(out.bce, 0);
  });

  test('sigmoid(-1000) = e^-1000 / (1 + e^-1000) keeps its exponent (2^-1442.7, far below the least double)', () => {
    binaryExact(-1000, 0, out);
    // e^-1000 = 2^(-1000 / ln 2) = 2^-1442.695...: exp2 is -1443 with hi in [1, 2), or -1442 with hi in [0.5, 1).
    expect(out.sigmoid.exp2).toBeLessThanOrEqual(-1442);
    expect(out.sigmoid.exp2).toBeGreaterThanOrEqual(-1444);
    checkValue('sigmoid', 'x = -1000', out.sigmoid, Precise.exp(-1000).div(Precise.exp(-1000).plus(1)));
    // bce(-1000, 0) = log(1 + e^-1000), scaled likewise; logSigmoid(1000) = -that.
    checkValue('bce', 'x = -1000, y = 0', out.bce, decimalLog1p(Precise.exp(-1000), Precise));
    binaryExact(1000, 1, out);
    expect(out.logSigmoid.exp2).toBeLessThan(0);
    expect(out.logSigmoid.hi).toBeLessThan(0);
    checkValue('logSigmoid', 'x = 1000', out.logSigmoid, decimalLog1p(Precise.exp(-1000), Precise).neg());
    checkValue('bce', 'x = 1000, y = 1', out.bce, decimalLog1p(Precise.exp(-1000), Precise));
  });

  test('beyond |x| = 1.4885e9 e^-|x| is below 2^(-2^31) and taken as 0 (the documented limit)', () => {
    binaryExact(-2e9, 0, out);
    expectValue(out.sigmoid, 0);
    expectValue(out.logSigmoid, -2e9);
    expectValue(out.bce, 0);
    binaryExact(2e9, 1, out);
    expectValue(out.sigmoid, 1);
    expectValue(out.logSigmoid, 0);
    expectValue(out.bce, 0);
    binaryExact(2e9, 0.25, out);
    expectValue(out.bce, 1.5e9);
  });
});
