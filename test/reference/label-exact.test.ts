import { describe, expect, test } from 'vitest';
import { DTYPES, FORMATS, roundScaledDoubleDouble } from '../../src/formats/index.js';
import { BinaryExactValues, binaryExact } from '../../src/reference/binary-exact.js';
import { crossEntropyExact, gradientExact } from '../../src/reference/label-exact.js';
import { ReferenceRow } from '../../src/reference/index.js';
import { ddDecimal, exactDecimal } from './decimal-oracle.js';
import {
  binaryFixtures,
  exactDecimalString,
  FixtureDecimal,
  multiclassFixtures,
  parsePythonFloat,
  parseRow,
  torchLosses,
  type FixtureDecimalValue,
} from '../support/label-fixtures.js';

// The exact losses, gradients and binary functions of the reference against mpmath's (40
// significant digits, fixtures/reference/generate_labels.py) and against PyTorch 1.13.1's float64
// outputs (fixtures/torch/generate_losses.py). The reference promises 2^-100 relative; the
// fixture strings carry 40 digits (5e-40 relative).
const RELATIVE = 2 ** -99;

/** (hi + lo) * 2^exp2 as a Decimal. */
function decimalOf(hi: number, lo: number, exp2: number): FixtureDecimalValue {
  return new FixtureDecimal(ddDecimal(hi, lo, exp2)); // exactly (new Decimal(x) would take x's shortest repr)
}

function torchDecimal(x: number): FixtureDecimalValue {
  return Number.isFinite(x) ? new FixtureDecimal(exactDecimal(x)) : new FixtureDecimal(x);
}

/** The problem with a computed exact value against a fixture string, or undefined. */
function relativeProblem(where: string, got: FixtureDecimalValue, text: string, tolerance = RELATIVE): string | undefined {
  const want = exactDecimalString(text);
  if (!want.isFinite() || !got.isFinite()) return got.eq(want) ? undefined : `${where}: got ${got}, expected ${text}`;
  if (want.isZero()) return got.abs().lt(new FixtureDecimal(2).pow(-2000)) ? undefined : `${where}: got ${got}, expected 0`;
  const error = got.minus(want).abs().div(want.abs());
  return error.lte(tolerance) ? undefined : `${where}: got ${got.toSignificantDigits(25)}, expected ${text}, relative error ${error.toSignificantDigits(3)}`;
}

describe.each(multiclassFixtures().map(({ file, fixture }) => ({ file, fixture })))('$file', ({ fixture }) => {
  test('cross-entropy and gradient exact values: to 2^-99 of mpmath, and rounded to every dtype as mpmath rounds them', () => {
    const reference = new ReferenceRow();
    const problems: string[] = [];
    const value = { hi: 0, lo: 0, exp2: 0 };
    for (const fixtureCase of fixture.cases) {
      for (const dtype of DTYPES) {
        const expected = fixtureCase.dtypes[dtype];
        if (expected.kind !== 'ordinary') continue;
        const cast = parseRow(expected.cast);
        const y = fixtureCase.label;
        const where = `${fixtureCase.name} label ${y} ${dtype}`;
        reference.compute(cast, cast.length);
        crossEntropyExact(reference, y, value);
        const loss = value.hi === Infinity ? new FixtureDecimal(Infinity) : decimalOf(value.hi, value.lo, value.exp2);
        const lossProblem = relativeProblem(`${where} cross-entropy`, loss, expected.exact!['cross-entropy']);
        if (lossProblem) problems.push(lossProblem);
        const rounded = value.hi === Infinity ? Infinity : roundScaledDoubleDouble(FORMATS[dtype], value.hi, value.lo, value.exp2);
        if (!Object.is(rounded, parsePythonFloat(expected.exactRounded!['cross-entropy'])) && !(rounded === 0 && parsePythonFloat(expected.exactRounded!['cross-entropy']) === 0)) {
          problems.push(`${where} cross-entropy rounded: got ${rounded}, expected ${expected.exactRounded!['cross-entropy']}`);
        }
        const K = cast.length;
        const hi = new Float64Array(K);
        const lo = new Float64Array(K);
        const exp2 = new Int32Array(K);
        gradientExact(reference, y, K, hi, lo, exp2);
        for (let i = 0; i < K; i++) {
          const problem = relativeProblem(`${where} gradient[${i}]`, decimalOf(hi[i], lo[i], exp2[i]), expected.exact!.gradient[i]);
          if (problem) problems.push(problem);
          const got = roundScaledDoubleDouble(FORMATS[dtype], hi[i], lo[i], exp2[i]);
          const want = parsePythonFloat(expected.exactRounded!.gradient[i]);
          if (got !== want) problems.push(`${where} gradient[${i}] rounded: got ${got}, expected ${want}`);
        }
      }
    }
    expect(problems.slice(0, 20)).toEqual([]);
  });
});

describe.each(binaryFixtures().map(({ file, fixture }) => ({ file, fixture })))('$file', ({ fixture }) => {
  test('sigmoid, log-sigmoid and bce exact values: to 2^-99 of mpmath, and rounded to every dtype as mpmath rounds them', () => {
    const exact = new BinaryExactValues();
    const problems: string[] = [];
    for (const fixtureCase of fixture.cases) {
      for (const dtype of DTYPES) {
        const expected = fixtureCase.dtypes[dtype];
        const x = parsePythonFloat(expected.cast.x);
        const y = parsePythonFloat(expected.cast.y);
        binaryExact(x, y, exact);
        const where = `${fixtureCase.name} (x ${x}, y ${y}) ${dtype}`;
        for (const [fn, value] of [
          ['sigmoid', exact.sigmoid],
          ['log-sigmoid', exact.logSigmoid],
          ['bce', exact.bce],
        ] as const) {
          const got = Number.isFinite(value.hi) ? decimalOf(value.hi, value.lo, value.exp2) : new FixtureDecimal(value.hi);
          const problem = relativeProblem(`${where} ${fn}`, got, expected.exact[fn]);
          if (problem) problems.push(problem);
          const rounded = Number.isFinite(value.hi) ? roundScaledDoubleDouble(FORMATS[dtype], value.hi, value.lo, value.exp2) : value.hi;
          const want = parsePythonFloat(expected.exactRounded[fn]);
          if (rounded !== want) problems.push(`${where} ${fn} rounded: got ${rounded}, expected ${want}`);
        }
      }
    }
    expect(problems.slice(0, 20)).toEqual([]);
  });
});

describe('PyTorch 1.13.1 float64 (fixtures/torch): its outputs agree with the exact values to 1e-13 relative', () => {
  const TOLERANCE = 1e-13;
  test('F.cross_entropy (reduction none; ignore_index rows give 0)', () => {
    const torch = torchLosses();
    const reference = new ReferenceRow();
    const value = { hi: 0, lo: 0, exp2: 0 };
    const problems: string[] = [];
    let checked = 0;
    for (const c of torch.crossEntropy) {
      const output = parsePythonFloat(c.torch);
      if (c.ignored) {
        if (output !== 0) problems.push(`${c.name}: ignored row gave ${output}`);
        continue;
      }
      if (c.outOfContract !== undefined) {
        expect(torch.reasons[c.outOfContract], c.name).toBeTruthy();
        continue;
      }
      const row = parseRow(c.input);
      reference.compute(row, row.length);
      crossEntropyExact(reference, c.label, value);
      const exact = value.hi === Infinity ? new FixtureDecimal(Infinity) : decimalOf(value.hi, value.lo, value.exp2);
      const problem = relativeProblem(`${c.name} torch ${output} against our exact`, torchDecimal(output), exact.toString(), TOLERANCE);
      if (problem) problems.push(problem);
      checked++;
    }
    expect(checked).toBeGreaterThan(40);
    expect(problems).toEqual([]);
  });

  test('sigmoid, logsigmoid, binary_cross_entropy_with_logits, binary_cross_entropy', () => {
    const torch = torchLosses();
    const exact = new BinaryExactValues();
    const problems: string[] = [];
    let checked = 0;
    for (const c of torch.binary) {
      const x = parsePythonFloat(c.x);
      const y = parsePythonFloat(c.y);
      binaryExact(x, y, exact);
      const ours = {
        sigmoid: exact.sigmoid,
        logsigmoid: exact.logSigmoid,
        binary_cross_entropy_with_logits: exact.bce,
        binary_cross_entropy: exact.bce,
      } as const;
      for (const [name, output] of Object.entries(c.outputs) as Array<[keyof typeof ours, { torch: string; outOfContract?: string }]>) {
        if (output.outOfContract !== undefined) continue;
        const value = ours[name];
        const mine = Number.isFinite(value.hi) ? decimalOf(value.hi, value.lo, value.exp2) : new FixtureDecimal(value.hi);
        const problem = relativeProblem(`${c.name} ${name} (x ${x}, y ${y}): torch ${output.torch} against our exact`, torchDecimal(parsePythonFloat(output.torch)), mine.toString(), TOLERANCE);
        if (problem) problems.push(problem);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(600);
    expect(problems).toEqual([]);
  });
});
