import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { flagNames, type FlagName } from '../../src/algorithms/flags.js';
import { FormatKernel } from '../../src/algorithms/kernel.js';
import { R } from '../../src/algorithms/names.js';
import { DTYPES, FORMATS, type Format } from '../../src/formats/index.js';
import { Precise, exactDecimal } from '../support/exact-decimal.js';
import { nextDown } from '../support/exact-rounding.js';
import { expectFigure, expectNames } from '../support/expect-figure.js';

/**
 * The IEEE flags of one operation, derived from its exact result and the format's range (SPEC
 * section 6), sharing nothing with src/algorithms/flags.ts (which reads them off the rounded
 * result). With q the least subnormal and M the largest finite value of the format:
 *   overflow:  finite operands, |exact| >= M + ulp(M)/2 (what rounds to an infinity);
 *   underflow: 0 < |exact| < minNormal - q/2 (what rounds to a subnormal or to 0);
 *   invalid:   operands that are not NaN, an exact result that is not a number (Inf - Inf,
 *              0 * Inf, log of a negative number);
 *   divideByZero: log(0).
 * The exact results: a - b and a + b as float64 s plus the TwoSum error e, exactly; a * b in
 * float64, exact for float32, float16 and bfloat16 (two significands of at most 24 bits, and
 * magnitudes from 2^-298 to 2^256); exp(x) against ln of the two bounds, taken with decimal.js.
 * float64 bounds are not float64 numbers; there the float64 result of + - * is the exact one
 * correctly rounded, which lies below minNormal, or is infinite, exactly when the exact one
 * lies below or beyond the bound (rounding is monotonic, and both bounds round away from the
 * range they end).
 */
class FlagOracle {
  readonly names = new Set<FlagName>();
  private readonly tinyBelow: number; // minNormal - q/2 (narrow formats)
  private readonly hugeFrom: number; // M + ulp(M)/2 (narrow formats)
  private readonly expTinyBelow: number; // the largest double below ln(minNormal - q/2)
  private readonly expHugeAbove: number; // the largest double below ln(M + ulp(M)/2)

  constructor(private readonly format: Format) {
    const halfUlpOfMax = 2 ** (format.maxExponent - format.precision);
    this.tinyBelow = format.minNormal - format.minSubnormal / 2;
    this.hugeFrom = format.maxFinite + halfUlpOfMax;
    const tiny = exactDecimal(format.minNormal).minus(exactDecimal(format.minSubnormal).div(2));
    const huge = exactDecimal(format.maxFinite).plus(exactDecimal(halfUlpOfMax));
    this.expTinyBelow = doubleBelow(Precise.ln(tiny));
    this.expHugeAbove = doubleBelow(Precise.ln(huge));
  }

  private isFloat64(): boolean {
    return this.format.precision === 53;
  }

  /** a + b (b negated by the caller for a - b). */
  add(a: number, b: number): void {
    if (a !== a || b !== b) return;
    if (!Number.isFinite(a) || !Number.isFinite(b)) {
      if (a === -b) this.names.add('invalid'); // Infinity - Infinity
      return;
    }
    const s = a + b;
    if (this.isFloat64()) return this.classifyFloat64(s, a !== -b);
    // TwoSum (Knuth): s + e = a + b exactly.
    const bVirtual = s - a;
    const e = a - (s - bVirtual) + (b - bVirtual);
    this.classify(s, e);
  }

  mul(a: number, b: number): void {
    if (a !== a || b !== b) return;
    if (!Number.isFinite(a) || !Number.isFinite(b)) {
      if (a === 0 || b === 0) this.names.add('invalid'); // 0 * Infinity
      return;
    }
    const p = a * b;
    if (this.isFloat64()) return this.classifyFloat64(p, a !== 0 && b !== 0);
    this.classify(p, 0); // exact (see above)
  }

  exp(x: number): void {
    if (x !== x || x === -Infinity || x === Infinity) return; // NaN; exp(-Infinity) = 0 and exp(Infinity) = Infinity exactly
    if (x <= this.expTinyBelow) this.names.add('underflow');
    if (x > this.expHugeAbove) this.names.add('overflow');
  }

  /** log(x) for the x the recurrence feeds it: NaN, +Infinity, or a finite value. */
  log(x: number): void {
    if (x !== x || x === Infinity) return;
    if (x < 0) this.names.add('invalid');
    else if (x === 0) this.names.add('divideByZero');
    // Otherwise ln x is 0 (x = 1) or at least ln(1 + 2^-53) > 2^-54 in magnitude, far above
    // every format's minNormal, and at most 745: never tiny, never huge.
  }

  /** The exact value s + e (|e| at most half an ulp of s) against the narrow format's bounds. */
  private classify(s: number, e: number): void {
    const magnitude = Math.abs(s);
    const towardZero = s > 0 ? e < 0 : e > 0; // whether e takes |s + e| below |s|
    const below = (bound: number) => magnitude < bound || (magnitude === bound && towardZero);
    if ((s !== 0 || e !== 0) && below(this.tinyBelow)) this.names.add('underflow');
    if (!below(this.hugeFrom)) this.names.add('overflow');
  }

  private classifyFloat64(result: number, exactNonzero: boolean): void {
    if (exactNonzero && Math.abs(result) < this.format.minNormal) this.names.add('underflow');
    if (!Number.isFinite(result)) this.names.add('overflow');
  }
}

/** The largest float64 below an irrational value (ln of a bound: never a double itself). */
function doubleBelow(value: InstanceType<typeof Precise>): number {
  let candidate = Number(value.toString());
  if (exactDecimal(candidate).gt(value)) candidate = nextDown(candidate);
  return candidate;
}

/** One per format (its bounds take decimal.js logarithms); the names are cleared for each row. */
const oracles = new Map<Format, FlagOracle>();

/**
 * The online recurrence exactly as SPEC section 4 writes it, every operation rounded and its
 * flags derived by the oracle above, with none of the kernel's shortcuts (the kernel skips the
 * steps whose outcome is known: exp(0) = 1, D * 1 = D, and past the first maximum a plain sum).
 */
function literalOnline(format: Format, x: number[]): { lse: number; flags: FlagName[]; denominator: number } {
  const oracle = oracles.get(format) ?? oracles.set(format, new FlagOracle(format)).get(format)!;
  oracle.names.clear();
  let runningMax = -Infinity;
  let denominator = 0;
  for (const xj of x) {
    const nextMax = Math.max(runningMax, xj);
    oracle.add(runningMax, -nextMax);
    const rescaleExponent = format.round(runningMax - nextMax);
    oracle.exp(rescaleExponent);
    const rescale = format.round(Math.exp(rescaleExponent));
    oracle.mul(denominator, rescale);
    const rescaled = format.round(denominator * rescale);
    oracle.add(xj, -nextMax);
    const termExponent = format.round(xj - nextMax);
    oracle.exp(termExponent);
    const term = format.round(Math.exp(termExponent));
    oracle.add(rescaled, term);
    denominator = format.round(rescaled + term);
    runningMax = nextMax;
  }
  oracle.log(denominator);
  const logDenominator = format.round(Math.log(denominator));
  oracle.add(runningMax, logDenominator);
  const lse = format.round(runningMax + logDenominator);
  return { lse, flags: [...oracle.names], denominator };
}

// Rows that exercise every branch: a running maximum that moves several times before the
// first maximum, ties with it, -Infinity before and after it (causal masks), fully masked rows,
// and spreads wide enough that exp underflows in every format.
const logit = fc.oneof(
  fc.integer({ min: -12, max: 12 }),
  fc.double({ min: -120, max: 120, noNaN: true }),
  fc.constantFrom(-Infinity, 0, 11, 88, -200, 1e-6, -1e-40),
  // Differences beyond the range: x_j - m overflows (float16 at 6e4, float32 and bfloat16 at 3e38, float64 at 1.5e308).
  fc.constantFrom(6e4, -6e4, 3e38, -3e38, 1.5e308, -1.5e308),
);
const row = fc.oneof(
  fc.array(logit, { minLength: 1, maxLength: 40 }),
  // Fully masked rows of every length, which random logits seldom make.
  fc.integer({ min: 1, max: 8 }).map((length) => new Array<number>(length).fill(-Infinity)),
);

describe('online, against the literal recurrence', () => {
  for (const dtype of DTYPES) {
    test(`${dtype}: log-sum-exp values and flags, softmax values`, () => {
      const format = FORMATS[dtype];
      const kernel = new FormatKernel(format);
      fc.assert(
        fc.property(row, (values) => {
          const x = values.map((v) => format.round(v));
          kernel.run(Float64Array.from(x), x.length);
          const literal = literalOnline(format, x);
          expectFigure(`${dtype} logsumexp online`, x, kernel.outputs[R.logsumexpOnline][0], literal.lse);
          expectNames(`${dtype} logsumexp online flags`, x, flagNames(kernel.flags[R.logsumexpOnline]), literal.flags);
          // softmax_i = t_i / D with t_i = exp(x_i - m), each rounded.
          const m = Math.max(...x);
          for (let i = 0; i < x.length; i++) {
            const t = format.round(Math.exp(format.round(x[i] - m)));
            expectFigure(`${dtype} softmax online [${i}]`, x, kernel.outputs[R.softmaxOnline][i], format.round(t / literal.denominator));
          }
        }),
        { numRuns: 3000 },
      );
    });
  }
});

describe('the flag oracle of this test, on operations whose flags are known by hand', () => {
  // float16: minNormal 2^-14, least subnormal 2^-24, largest 65504 (ulp 32); exp is subnormal
  // below -9.7045 and infinite above 11.0901 (docs/metrics.md section 1).
  const cases: Array<[string, (oracle: FlagOracle) => void, FlagName[]]> = [
    ['2^-14 - 2^-24 (a subnormal difference of normal numbers)', (o) => o.add(2 ** -14, -(2 ** -24)), ['underflow']],
    ['2^-24 - 2^-24 (an exact 0)', (o) => o.add(2 ** -24, -(2 ** -24)), []],
    ['65504 + 16 (the overflow midpoint: rounds to Infinity)', (o) => o.add(65504, 16), ['overflow']],
    ['65504 + 15.9 (just below the midpoint: 65504)', (o) => o.add(65504, 15.9), []],
    ['-Infinity - -Infinity', (o) => o.add(-Infinity, Infinity), ['invalid']],
    ['0 * Infinity', (o) => o.mul(0, Infinity), ['invalid']],
    ['2^-7 * 2^-10 (2^-17, subnormal)', (o) => o.mul(2 ** -7, 2 ** -10), ['underflow']],
    ['exp(-9.703125)', (o) => o.exp(-9.703125), []],
    ['exp(-9.7109375)', (o) => o.exp(-9.7109375), ['underflow']],
    ['exp(11.0859375)', (o) => o.exp(11.0859375), []],
    ['exp(11.09375)', (o) => o.exp(11.09375), ['overflow']],
    ['exp(-Infinity) (exactly 0)', (o) => o.exp(-Infinity), []],
    ['log(0)', (o) => o.log(0), ['divideByZero']],
  ];
  for (const [what, operation, expected] of cases) {
    test(`float16 ${what}: [${expected.join(', ')}]`, () => {
      const oracle = new FlagOracle(FORMATS.float16);
      operation(oracle);
      expectNames(`float16 ${what}`, what, [...oracle.names], expected);
    });
  }
});
