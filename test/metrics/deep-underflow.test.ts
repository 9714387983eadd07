import { getFloat16, setFloat16 } from '@petamoriken/float16';
import { Decimal } from 'decimal.js';
import { describe, expect, test } from 'vitest';
import { FormatKernel } from '../../src/algorithms/kernel.js';
import { RESULT_KINDS } from '../../src/algorithms/names.js';
import { DTYPES, FORMATS, type Dtype } from '../../src/formats/index.js';
import { Analysis } from '../../src/metrics/analysis.js';
import { absoluteError, relativeError } from '../../src/metrics/accumulate.js';
import { exactDecimal, Precise } from '../support/exact-decimal.js';
import { float64Bits } from '../support/exact-rounding.js';
import { fixtureFiles, parsePythonFloat, parseRow, type FixtureDtype } from '../support/reference-fixtures.js';

// The error figures of SPEC section 6 on rows whose exact values lie far below float64's least
// subnormal (fixtures/reference/deep_underflow.json: spreads of 1500 to 1.48e9), each derived
// here from mpmath's exact value e and its correct rounding round(e) (the fixture) and the
// outputs c the algorithms give: maxRel = max |c - e| / |e| and maxAbs = max |c - e| in
// decimal.js, maxUlp as steps between bit patterns, wrong.zero where c = 0 but round(e) is not.
// Before exponents below -2047 were handled, log-softmax at the maximum of [1500, 0, 0] (e =
// -7.2e-652, computed 0) measured a relative error of NaN, which left maxRel at 0.

const fixture = fixtureFiles().find(({ fixture }) => fixture.region === 'deep_underflow')!.fixture;
const everything = RESULT_KINDS.map((kind) => ({ function: kind.function, algorithm: kind.algorithm }));

const word = new DataView(new ArrayBuffer(8));

/** |x|'s index among the dtype's non-negative values (its bit pattern without the sign), negated for negative x; +-0 are 0. */
function signedOrdinal(dtype: Dtype, x: number): bigint {
  const magnitude = Math.abs(x);
  let index: bigint;
  if (dtype === 'float64') {
    index = float64Bits(magnitude);
  } else if (dtype === 'float16') {
    setFloat16(word, 0, magnitude);
    if (getFloat16(word, 0) !== magnitude) throw new Error(`${x} is not a float16`);
    index = BigInt(word.getUint16(0));
  } else {
    word.setFloat32(0, magnitude); // exact: every float16 and bfloat16 value is a float32
    const bits = BigInt(word.getUint32(0));
    index = dtype === 'float32' ? bits : bits >> 16n; // a bfloat16 is a float32 with 16 zero low bits
  }
  return x < 0 ? -index : index;
}

const LEAST_SUBNORMAL = new Precise(2).pow(-1074);

/** A nonzero exact value (40-digit string) below float64's least subnormal. */
function belowFloat64(text: string): boolean {
  if (text === '-inf' || text === '0') return false;
  return new Precise(text).abs().lt(LEAST_SUBNORMAL);
}

interface Figures {
  /** The largest |e| of the row's elements: the scale of the fixture's rounding to 40 digits. */
  largestExact: number;
  count: number;
  nan: number;
  inf: number;
  zero: number;
  maxAbs: number;
  maxRel: number;
  maxUlp: number;
}

/** The figures of one result on one row, from the fixture's exact values and the computed outputs. */
function expectedFigures(dtype: Dtype, exact: string[], rounded: string[], computed: Float64Array, isSoftmax: boolean): Figures {
  const figures: Figures = { largestExact: 0, count: 0, nan: 0, inf: 0, zero: 0, maxAbs: 0, maxRel: 0, maxUlp: -1 };
  let maxAbs = new Precise(0);
  let maxRel = new Precise(0);
  exact.forEach((text, i) => {
    const c = computed[i];
    const finiteExact = text !== '-inf';
    if (Number.isNaN(c)) figures.nan++;
    else if (!Number.isFinite(c) && finiteExact) figures.inf++;
    if (!Number.isFinite(c) || !finiteExact) return;
    figures.count++;
    const e = new Precise(text);
    figures.largestExact = Math.max(figures.largestExact, e.abs().toNumber());
    const r = parsePythonFloat(rounded[i]);
    const difference = exactDecimal(c).minus(e).abs();
    if (difference.gt(maxAbs)) maxAbs = difference;
    if (!e.isZero() && difference.div(e.abs()).gt(maxRel)) maxRel = difference.div(e.abs());
    const ulps = Number(signedOrdinal(dtype, c) - signedOrdinal(dtype, r));
    figures.maxUlp = Math.max(figures.maxUlp, Math.abs(ulps));
    if (isSoftmax && c === 0 && r !== 0) figures.zero++;
  });
  figures.maxAbs = maxAbs.toNumber();
  figures.maxRel = maxRel.toNumber();
  return figures;
}

/**
 * Within 2^-40 relative (the float64 figures are accurate to a few ulps), plus what the fixture's
 * 40 significant digits leave open: 1e-39 |e| in an exact value (so 1e-39 in a relative error).
 */
function close(got: number, want: number, digitsFloor: number): boolean {
  return got === want || Math.abs(got - want) <= 2 ** -40 * Math.abs(want) + digitsFloor;
}

describe('figures where the exact values lie below 2^-1074 (deep_underflow.json)', () => {
  for (const dtype of DTYPES) {
    test(`${dtype}: maxRel, maxAbs, maxUlp, zero and count as derived from mpmath's exact values`, () => {
      const format = FORMATS[dtype];
      const kernel = new FormatKernel(format);
      const problems: string[] = [];
      let deepRows = 0;
      for (const fixtureCase of fixture.cases) {
        const expected: FixtureDtype = fixtureCase.dtypes[dtype];
        if (expected.kind !== 'ordinary' || !expected.exact || !expected.exactRounded) continue;
        if ([expected.exact.logsumexp, ...expected.exact.softmax, ...expected.exact['log-softmax']].some(belowFloat64)) deepRows++;
        const cast = parseRow(expected.cast);
        kernel.run(cast, cast.length);
        const analysis = new Analysis({ dtypes: [dtype], results: everything });
        analysis.addRow(cast, cast.length, 0, 1);
        const results = analysis.summary().results;
        for (const kind of RESULT_KINDS) {
          const fn = kind.function;
          const exact = fn === 'logsumexp' ? [expected.exact.logsumexp] : expected.exact[fn];
          const rounded = fn === 'logsumexp' ? [expected.exactRounded.logsumexp] : expected.exactRounded[fn];
          const want = expectedFigures(dtype, exact, rounded, kernel.outputs[kind.id], fn === 'softmax');
          const got = results.find((r) => r.function === fn && r.algorithm === kind.algorithm)!;
          const where = `${fixtureCase.name} [${expected.cast.join(', ')}] ${fn}/${kind.algorithm}/${dtype}`;
          const counts = { count: got.errors.count, nan: got.wrong.nan, inf: got.wrong.inf, zero: got.wrong.zero, maxUlp: got.errors.maxUlp };
          const wantCounts = { count: want.count, nan: want.nan, inf: want.inf, zero: want.zero, maxUlp: want.maxUlp };
          if (JSON.stringify(counts) !== JSON.stringify(wantCounts)) problems.push(`${where}: got ${JSON.stringify(counts)}, expected ${JSON.stringify(wantCounts)}`);
          if (!close(got.errors.maxRel, want.maxRel, 1e-39)) problems.push(`${where}: maxRel ${got.errors.maxRel}, expected ${want.maxRel} (tolerance 2^-40 relative + 1e-39)`);
          if (!close(got.errors.maxAbs, want.maxAbs, 1e-39 * want.largestExact)) {
            problems.push(`${where}: maxAbs ${got.errors.maxAbs}, expected ${want.maxAbs} (tolerance 2^-40 relative + ${1e-39 * want.largestExact})`);
          }
        }
      }
      // float16 holds spreads up to 131008 only; the others every row of the file.
      expect(deepRows).toBeGreaterThanOrEqual(dtype === 'float16' ? 9 : 20);
      expect(problems.slice(0, 20)).toEqual([]);
    });
  }
});

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
