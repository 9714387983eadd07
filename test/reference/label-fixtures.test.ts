import { describe, expect, test } from 'vitest';
import { exactRound, float64Bits, float64FromBits } from '../support/exact-rounding.js';
import {
  BINARY_ALGORITHMS,
  BINARY_FUNCTIONS,
  binaryFixtures,
  binaryOutput,
  CROSS_ENTROPY_ALGORITHMS,
  crossEntropyOutput,
  exactDecimalString,
  FixtureDecimal,
  type FixtureDecimalValue,
  type FixtureOutput,
  FLAG_NAMES,
  GRADIENT_ALGORITHMS,
  gradientOutput,
  labelFixtureFiles,
  multiclassFixtures,
  parsePythonFloat,
  TORCH_FUNCTIONS,
  torchLosses,
} from '../support/label-fixtures.js';
import { DECIMAL_ROUNDING_FORMATS, roundDecimalString } from '../support/round-decimal.js';

// The label fixtures (fixtures/reference/labels, fixtures/torch) checked for internal
// consistency, independently of src/: so the loader is exercised and a defect in a generator's
// output (a wrong rounding, a missing algorithm, a loss and a gradient that disagree) fails here
// before any kernel is compared with it.

const DTYPES = ['float64', 'float32', 'float16', 'bfloat16'] as const;

/** Identical floats, +0 and -0 told apart, NaN equal to NaN. */
function sameFloat(a: number, b: number): boolean {
  return Object.is(a, b);
}

/** The exact decimal expansion of a finite float64, from its bits (m * 2^e = m * 5^-e * 10^e). */
function exactDecimalOfFloat(x: number): string {
  const bits = float64Bits(x);
  const negative = bits >> 63n === 1n;
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const integer = biased === 0 ? fraction : fraction | (1n << 52n);
  const exponent = biased === 0 ? -1074 : biased - 1075;
  const digits = exponent >= 0 ? `${integer << BigInt(exponent)}` : `${integer * 5n ** BigInt(-exponent)}e${exponent}`;
  return (negative ? '-' : '') + digits;
}

function checkOutputShape(problems: string[], where: string, output: FixtureOutput, length: number): void {
  if (output.values.length !== length) problems.push(`${where}: ${output.values.length} values, expected ${length}`);
  for (const text of output.values) {
    if (Number.isNaN(parsePythonFloat(text)) && text !== 'nan') problems.push(`${where}: unparsable ${text}`);
  }
  const sorted = [...output.flags].sort();
  if (output.flags.some((flag) => !(FLAG_NAMES as readonly string[]).includes(flag)) || sorted.join() !== output.flags.join()) {
    problems.push(`${where}: flags ${JSON.stringify(output.flags)} are not a sorted list of IEEE flag names`);
  }
}

describe('roundDecimalString (test support: rounds a decimal string exactly to a format)', () => {
  test('hand-derived cases: ties to even, the overflow boundary, gradual underflow, the sign of zero', () => {
    const { float64, float32, float16, bfloat16 } = DECIMAL_ROUNDING_FORMATS;
    // float16: max finite 65504; 65520 is the midpoint to the next binade's 65536, rounds up to inf.
    expect(roundDecimalString(float16, '65519.99')).toBe(65504);
    expect(roundDecimalString(float16, '65520')).toBe(Infinity);
    // 2^-25 = 2.98023223876953125e-8 is half the least subnormal 2^-24: the tie goes to even (0).
    expect(roundDecimalString(float16, '2.98023223876953125e-8')).toBe(0);
    expect(roundDecimalString(float16, '2.98023223876953126e-8')).toBe(2 ** -24);
    expect(Object.is(roundDecimalString(float16, '-1e-30'), -0)).toBe(true);
    // bfloat16: 1 + 2^-8 = 1.00390625 is the midpoint of 1 and 1 + 2^-7: ties to 1.
    expect(roundDecimalString(bfloat16, '1.00390625')).toBe(1);
    expect(roundDecimalString(bfloat16, '1.003906250000000000001')).toBe(1 + 2 ** -7);
    expect(roundDecimalString(float32, '1e-46')).toBe(0); // below half of 2^-149 = 1.4e-45
    expect(roundDecimalString(float64, '0.1')).toBe(0.1);
    expect(roundDecimalString(float64, '4.9406564584124654e-324')).toBe(5e-324);
    expect(roundDecimalString(float64, '1e-600000')).toBe(0);
    expect(roundDecimalString(float64, '-inf')).toBe(-Infinity);
  });

  test('agrees with Math.fround and with the BigInt rounding of float64 values, on their exact decimals', () => {
    // Deterministic pseudo-random bit patterns (a 64-bit LCG), all finite float64 values.
    let state = 0x9e3779b97f4a7c15n;
    const problems: string[] = [];
    for (let i = 0; i < 3000; i++) {
      state = (state * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n);
      // Keep exponents where the formats are interesting: |x| in about [2^-160, 2^140].
      const biased = 1023n - 160n + (state >> 40n) % 300n;
      const x = float64FromBits((state & (1n << 63n)) | (biased << 52n) | (state & ((1n << 52n) - 1n)));
      const text = exactDecimalOfFloat(x);
      if (!sameFloat(roundDecimalString(DECIMAL_ROUNDING_FORMATS.float32, text), Math.fround(x))) problems.push(`float32 ${text}`);
      for (const dtype of ['float16', 'bfloat16'] as const) {
        const params = DECIMAL_ROUNDING_FORMATS[dtype];
        const want = exactRound(params, x);
        if (!sameFloat(roundDecimalString(params, text), want)) problems.push(`${dtype} ${text}`);
      }
    }
    expect(problems.slice(0, 10)).toEqual([]);
  });
});

describe('label fixtures: structure', () => {
  test('every file names its generator, versions and task, and every case is complete', () => {
    const files = labelFixtureFiles();
    expect(files.map(({ file }) => file)).toContain('confident.json');
    expect(files.filter(({ fixture }) => fixture.task === 'binary').length).toBeGreaterThanOrEqual(3);
    const problems: string[] = [];
    for (const { file, fixture } of files) {
      if (fixture.generator !== 'fixtures/reference/generate_labels.py' || !fixture.python || !fixture.mpmath) problems.push(`${file}: header`);
      const names = new Set(fixture.cases.map((c) => c.name));
      if (names.size !== fixture.cases.length) problems.push(`${file}: duplicate case names`);
    }
    for (const { file, fixture } of multiclassFixtures()) {
      for (const c of fixture.cases) {
        const K = c.input.length;
        if (!Number.isInteger(c.label) || c.label < 0 || c.label >= K) problems.push(`${file}/${c.name}: label ${c.label}`);
        for (const dtype of DTYPES) {
          const entry = c.dtypes[dtype];
          const where = `${file}/${c.name}/${dtype}`;
          if (entry.cast.length !== K) problems.push(`${where}: cast length`);
          if ((entry.kind === 'ordinary') !== (entry.exact !== undefined && entry.exactRounded !== undefined)) problems.push(`${where}: exact values present iff ordinary`);
          if (entry.exact && (entry.exact.gradient.length !== K || entry.exactRounded?.gradient.length !== K)) problems.push(`${where}: exact gradient length`);
          for (const algorithm of CROSS_ENTROPY_ALGORITHMS) checkOutputShape(problems, `${where} cross-entropy ${algorithm}`, crossEntropyOutput(entry, algorithm), 1);
          for (const algorithm of GRADIENT_ALGORITHMS) checkOutputShape(problems, `${where} gradient ${algorithm}`, gradientOutput(entry, algorithm), K);
        }
      }
    }
    for (const { file, fixture } of binaryFixtures()) {
      for (const c of fixture.cases) {
        for (const dtype of DTYPES) {
          const entry = c.dtypes[dtype];
          for (const fn of BINARY_FUNCTIONS) {
            for (const algorithm of BINARY_ALGORITHMS[fn]) checkOutputShape(problems, `${file}/${c.name}/${dtype} ${fn} ${algorithm}`, binaryOutput(entry, fn, algorithm), 1);
          }
        }
      }
    }
    expect(problems.slice(0, 20)).toEqual([]);
  });
});

describe('label fixtures: the exact values agree with each other and with their roundings', () => {
  test('multiclass: loss >= 0 (inf exactly when the label is on -inf), gradient in [-1, 0] at y and [0, 1] elsewhere, summing to 0, gradient_y = exp(-loss) - 1', () => {
    const problems: string[] = [];
    let checkedRows = 0;
    for (const { file, fixture } of multiclassFixtures()) {
      for (const c of fixture.cases) {
        for (const dtype of DTYPES) {
          const entry = c.dtypes[dtype];
          if (!entry.exact) continue;
          checkedRows++;
          const where = `${file}/${c.name}/${dtype}`;
          const loss = exactDecimalString(entry.exact['cross-entropy']);
          const gradient = entry.exact.gradient.map(exactDecimalString);
          if (loss.isNegative() && !loss.isZero()) problems.push(`${where}: loss ${loss} < 0`);
          if (!loss.isFinite() !== (entry.labelIsNegInf === true)) problems.push(`${where}: loss ${loss}, labelIsNegInf ${entry.labelIsNegInf}`);
          if (parsePythonFloat(entry.cast[c.label]) === -Infinity !== (entry.labelIsNegInf === true)) problems.push(`${where}: labelIsNegInf disagrees with the cast`);
          gradient.forEach((g, i) => {
            const [low, high] = i === c.label ? [-1, 0] : [0, 1];
            if (g.lessThan(low) || g.greaterThan(high)) problems.push(`${where}: gradient[${i}] = ${g}`);
          });
          // sum_i softmax_i = 1: each 40-digit string is within 1e-40 relative of an element <= 1.
          const sum = gradient.reduce((acc: FixtureDecimalValue, g) => acc.plus(g), new FixtureDecimal(0));
          if (sum.abs().greaterThan(1e-30)) problems.push(`${where}: gradient sums to ${sum}`);
          // gradient_y = softmax_y - 1 = exp(-loss) - 1 (exactly -1 for an infinite loss)
          const fromLoss = loss.isFinite() ? loss.neg().exp().minus(1) : new FixtureDecimal(-1);
          if (fromLoss.minus(gradient[c.label]).abs().greaterThan(1e-36)) problems.push(`${where}: gradient[y] ${gradient[c.label]} but exp(-loss) - 1 = ${fromLoss}`);
        }
      }
    }
    expect(checkedRows).toBeGreaterThan(600);
    expect(problems.slice(0, 20)).toEqual([]);
  });

  test('K = 1 rows: exact loss 0, gradient [0], and every algorithm computes a zero loss and gradient', () => {
    // softmax of one logit is exactly 1 in any format (exp(0) = 1, 1 / 1 = 1): the loss -log(1)
    // and the gradient 1 - 1 are zeros (-0 where the formula ends with a negation).
    const k1 = multiclassFixtures().find(({ file }) => file === 'k1.json');
    expect(k1).toBeDefined();
    const problems: string[] = [];
    for (const c of k1?.fixture.cases ?? []) {
      for (const dtype of DTYPES) {
        const entry = c.dtypes[dtype];
        if (entry.kind !== 'ordinary') continue;
        if (entry.exact?.['cross-entropy'] !== '0' || entry.exact.gradient.join() !== '0') problems.push(`${c.name}/${dtype}: exact ${JSON.stringify(entry.exact)}`);
        const values = [
          ...CROSS_ENTROPY_ALGORITHMS.map((a) => crossEntropyOutput(entry, a).values[0] ?? ''),
          ...GRADIENT_ALGORITHMS.map((a) => gradientOutput(entry, a).values[0] ?? ''),
        ];
        // Naive's exp(x) overflows or underflows for large |x| (x = 1e4, -100, 65504): excluded.
        const naiveBreaks = Math.abs(parsePythonFloat(entry.cast[0] ?? '')) > 80;
        values.forEach((v, i) => {
          if (parsePythonFloat(v) !== 0 && !(naiveBreaks && (i === 0 || i === CROSS_ENTROPY_ALGORITHMS.length))) problems.push(`${c.name}/${dtype}: output ${i} is ${v}`);
        });
      }
    }
    expect(problems).toEqual([]);
  });

  test('exactRounded is the exact 40-digit string rounded to the dtype', () => {
    const problems: string[] = [];
    let compared = 0;
    const check = (where: string, dtype: (typeof DTYPES)[number], exact: string, rounded: string) => {
      compared++;
      const fromString = roundDecimalString(DECIMAL_ROUNDING_FORMATS[dtype], exact === '0' ? '0' : exact);
      const want = parsePythonFloat(rounded);
      // "0" is written without a sign; the rounding of an exact zero is +0.
      if (!sameFloat(fromString, want) && !(fromString === 0 && want === 0)) problems.push(`${where}: ${exact} rounds to ${fromString}, fixture says ${rounded}`);
    };
    for (const { file, fixture } of multiclassFixtures()) {
      for (const c of fixture.cases) {
        for (const dtype of DTYPES) {
          const entry = c.dtypes[dtype];
          if (!entry.exact || !entry.exactRounded) continue;
          const where = `${file}/${c.name}/${dtype}`;
          check(`${where} cross-entropy`, dtype, entry.exact['cross-entropy'], entry.exactRounded['cross-entropy']);
          entry.exact.gradient.forEach((g, i) => check(`${where} gradient[${i}]`, dtype, g, entry.exactRounded?.gradient[i] ?? ''));
        }
      }
    }
    for (const { file, fixture } of binaryFixtures()) {
      for (const c of fixture.cases) {
        for (const dtype of DTYPES) {
          const entry = c.dtypes[dtype];
          for (const fn of BINARY_FUNCTIONS) check(`${file}/${c.name}/${dtype} ${fn}`, dtype, entry.exact[fn], entry.exactRounded[fn]);
        }
      }
    }
    expect(compared).toBeGreaterThan(10_000);
    expect(problems.slice(0, 20)).toEqual([]);
  });

  test('binary: sigmoid in [0, 1], log-sigmoid = log(sigmoid) <= 0, bce = (1 - y) x - log-sigmoid(x) >= 0, at the cast x and y', () => {
    const problems: string[] = [];
    for (const { file, fixture } of binaryFixtures()) {
      for (const c of fixture.cases) {
        for (const dtype of DTYPES) {
          const entry = c.dtypes[dtype];
          const where = `${file}/${c.name}/${dtype}`;
          const x = new FixtureDecimal(exactDecimalOfFloat(parsePythonFloat(entry.cast.x)));
          const y = new FixtureDecimal(exactDecimalOfFloat(parsePythonFloat(entry.cast.y)));
          const sigmoid = exactDecimalString(entry.exact.sigmoid);
          const logSigmoid = exactDecimalString(entry.exact['log-sigmoid']);
          const bce = exactDecimalString(entry.exact.bce);
          if (sigmoid.isNegative() || sigmoid.greaterThan(1)) problems.push(`${where}: sigmoid ${sigmoid}`);
          if (logSigmoid.greaterThan(0)) problems.push(`${where}: log-sigmoid ${logSigmoid}`);
          if (bce.isNegative()) problems.push(`${where}: bce ${bce}`);
          // log sigmoid(x) and sigmoid(x) agree to the strings' 40 digits: the log-sigmoid string's
          // absolute error, up to 1e-40 |log-sigmoid|, is a relative error of its exp.
          if (logSigmoid.exp().minus(sigmoid).abs().greaterThan(sigmoid.times(logSigmoid.abs().plus(1)).times(1e-38))) problems.push(`${where}: exp(log-sigmoid) ${logSigmoid.exp()} != sigmoid ${sigmoid}`);
          // bce = -y log s(x) - (1 - y) log s(-x) and log s(-x) = log s(x) - x: so
          // bce = (1 - y) x - log s(x). The 40-digit log-sigmoid carries an absolute error of
          // 1e-40 * |x| at most.
          const identity = new FixtureDecimal(1).minus(y).times(x).minus(logSigmoid);
          if (identity.minus(bce).abs().greaterThan(x.abs().plus(1).times(1e-37))) problems.push(`${where}: bce ${bce}, (1 - y) x - log-sigmoid = ${identity}`);
        }
      }
    }
    expect(problems.slice(0, 20)).toEqual([]);
  });
});

describe('torch fixture (fixtures/torch/losses_float64.json)', () => {
  test('records its provenance, and every output in contract agrees with its exact value to 1e-13 relative (recomputed here)', () => {
    const losses = torchLosses();
    expect(losses.dtype).toBe('float64');
    expect(losses.tolerance).toBe(1e-13);
    expect(losses.torch).toMatch(/^1\.13/);
    const tolerance = new FixtureDecimal(losses.tolerance);
    const problems: string[] = [];
    let inContract = 0;
    const check = (where: string, torchText: string, exactText: string, reason: string | undefined) => {
      if (reason !== undefined) {
        if (!(reason in losses.reasons)) problems.push(`${where}: unknown reason ${reason}`);
        return;
      }
      inContract++;
      const got = parsePythonFloat(torchText);
      const exact = exactDecimalString(exactText);
      if (!exact.isFinite() || !Number.isFinite(got)) {
        if (!(exact.isFinite() === false && got === exact.toNumber())) problems.push(`${where}: torch ${torchText}, exact ${exactText}`);
        return;
      }
      const gap = new FixtureDecimal(exactDecimalOfFloat(got)).minus(exact).abs();
      if (gap.greaterThan(exact.abs().times(tolerance))) problems.push(`${where}: torch ${torchText}, exact ${exactText}, gap ${gap.toExponential(3)}`);
    };
    for (const c of losses.crossEntropy) {
      if (c.ignored) {
        if (c.label !== -100 || parsePythonFloat(c.torch) !== 0 || c.exact !== null) problems.push(`${c.name}: ignored row`);
        continue;
      }
      if (c.exact === null) {
        problems.push(`${c.name}: no exact value`);
        continue;
      }
      if (exactDecimalString(c.exact).isNegative()) problems.push(`${c.name}: exact loss < 0`);
      check(`cross_entropy ${c.name}`, c.torch, c.exact, c.outOfContract);
    }
    for (const c of losses.binary) {
      for (const fn of TORCH_FUNCTIONS) {
        const output = c.outputs[fn];
        check(`${fn} ${c.name}`, output.torch, output.exact, output.outOfContract);
      }
      // Both bce functions have one exact value: the function of x and y a user means.
      if (c.outputs.binary_cross_entropy.exact !== c.outputs.binary_cross_entropy_with_logits.exact) problems.push(`${c.name}: two bce exact values`);
    }
    expect(losses.crossEntropy.filter((c) => c.ignored).length).toBeGreaterThan(0);
    expect(inContract).toBeGreaterThan(700);
    expect(problems.slice(0, 20)).toEqual([]);
  });

  test('its exact values agree with the mpmath label fixtures where both hold the same float64 point', () => {
    // Two scripts, two mpmath versions (the torch script runs Debian's): the shared binary points
    // must agree to the 40 digits the label fixtures carry.
    const losses = torchLosses();
    const torchByPoint = new Map(losses.binary.map((c) => [`${c.x}|${c.y}`, c]));
    const names = { sigmoid: 'sigmoid', 'log-sigmoid': 'logsigmoid', bce: 'binary_cross_entropy_with_logits' } as const;
    const problems: string[] = [];
    let shared = 0;
    for (const { fixture } of binaryFixtures()) {
      for (const c of fixture.cases) {
        const torchCase = torchByPoint.get(`${c.input.x}|${c.input.y}`);
        if (!torchCase) continue;
        shared++;
        for (const fn of BINARY_FUNCTIONS) {
          const ours = exactDecimalString(c.dtypes.float64.exact[fn]);
          const theirs = exactDecimalString(torchCase.outputs[names[fn]].exact);
          if (ours.minus(theirs).abs().greaterThan(theirs.abs().times(1e-38))) problems.push(`${c.name} ${fn}: ${ours} vs ${theirs}`);
        }
      }
    }
    expect(shared).toBeGreaterThan(50);
    expect(problems.slice(0, 20)).toEqual([]);
  });
});
