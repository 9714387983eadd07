import { getFloat16 } from '@petamoriken/float16';
import { describe, expect, test } from 'vitest';
import { FormatKernel } from '../../src/algorithms/kernel.js';
import { LOGIT_FUNCTIONS, RESULT_KINDS, type LogitFunctionName } from '../../src/algorithms/names.js';
import { DTYPES, FORMATS } from '../../src/formats/index.js';
import { Analysis } from '../../src/metrics/analysis.js';
import { inputReport } from '../../src/report/report.js';
import { exactDecimal } from '../support/exact-decimal.js';
import {
  bitsQuanta,
  histogramBin,
  measureRow,
  ordinal,
  summarise,
  sumDeviation,
  ulpDistance,
  type OracleDtypeInput,
  type OracleInputReport,
  type OracleRow,
  type OracleRowInput,
  type OracleScales,
} from '../support/metrics-oracle.js';
import { fixtureFiles, parsePythonFloat, parseRow, type FixtureCase } from '../support/reference-fixtures.js';

// Every figure of the report (docs/metrics.md sections 2 and 5, the verdicts of section 6), as
// Analysis and the report model give it, against the independent oracle of
// test/support/metrics-oracle.ts, on every row and dtype of the mpmath fixtures: each row alone
// (so every figure is checked on every row), then each file as one input (sums, maxima, worst and
// first rows across rows). Counts, ulps, bits sums, histograms, verdicts and rows must match
// exactly; the few float64 figures within the tolerances below.

// The logit functions (the fixtures of fixtures/reference have no labels).
const LOGIT_KINDS = RESULT_KINDS.filter((kind) => (LOGIT_FUNCTIONS as readonly string[]).includes(kind.function)).map((kind) => ({ ...kind, function: kind.function as LogitFunctionName }));
const everything = LOGIT_KINDS.map((kind) => ({ function: kind.function, algorithm: kind.algorithm }));
const files = fixtureFiles();

// ---------------------------------------------------------------------------------------------
// The oracle's inputs, from a fixture case

/**
 * float64 outputs of the fixture's emulation (correctly rounded exp, log, log1p) may differ from
 * logitcheck's (Math.exp, Math.log, Math.log1p, faithful) by a few ulps (docs/metrics.md section
 * 8; test/algorithms/mpmath-fixtures.test.ts bounds it by 8 ulps): about 2.6% of the float64
 * outputs, most in the K = 3000 normal(0, 1) row. Analysis measures the outputs the kernel computes,
 * so where they differ the oracle is given those: the outputs are data to measure, not figures.
 * The other dtypes use the fixture's outputs as they are (the kernels match them bit for bit).
 */
// Made by the first test that needs it, not at import: see the note in test/metrics/analysis.test.ts.
let float64Kernel: FormatKernel | undefined;

function oracleInput(fixtureCase: FixtureCase, row: number): OracleRowInput {
  const input = Array.from(parseRow(fixtureCase.input));
  const dtypes = DTYPES.map((dtype): OracleDtypeInput => {
    const data = fixtureCase.dtypes[dtype];
    const cast = Array.from(parseRow(data.cast));
    const runsKernel = dtype === 'float64' && (data.kind === 'ordinary' || data.kind === 'masked');
    if (runsKernel) (float64Kernel ??= new FormatKernel(FORMATS.float64)).run(Float64Array.from(cast), cast.length);
    const results = LOGIT_KINDS.map((kind) => {
      const output = data.algorithms[kind.algorithm][kind.function];
      const values = output.values.map(parsePythonFloat);
      if (runsKernel) {
        values.forEach((value, i) => {
          const computed = float64Kernel!.outputs[kind.id][i];
          if (!Object.is(value, computed)) values[i] = computed;
        });
      }
      return { function: kind.function, algorithm: kind.algorithm, values, flags: output.flags };
    });
    const exact = data.exact;
    const rounded = data.exactRounded;
    return {
      dtype,
      cast,
      exact,
      exactRounded: rounded && {
        softmax: rounded.softmax.map(parsePythonFloat),
        'log-softmax': rounded['log-softmax'].map(parsePythonFloat),
        logsumexp: parsePythonFloat(rounded.logsumexp),
      },
      results,
    };
  });
  return { ref: { row, line: row + 1, id: fixtureCase.name }, input, dtypes };
}

// ---------------------------------------------------------------------------------------------
// The comparison

/**
 * Tolerances, with why:
 * - maxAbs: Analysis forms |c - hi - lo| in float64 from the double-double reference (within
 *   2^-100 |e|): two roundings of at most 2^-53 each, so 2^-50 |maxAbs| (4 float64 ulps) plus
 *   2^-99 times the largest |e| counted, plus 2^-1074 where e lies below float64's range (it is
 *   rounded to float64 first). The oracle's own error (40-digit e, 60-digit arithmetic) is below
 *   1e-40 |e|.
 * - maxRel: one division more: 2^-50 |maxRel| plus 2^-99 (the reference's relative error).
 * - meanBits: the exact bitsSum (equal to the oracle's, checked exactly) divided by the count in
 *   float64: at most two roundings, 2^-51 |meanBits|.
 * - maxBits: Math.log2(1 + maxUlp), faithful, with 1 + maxUlp rounded above 2^53: 2^-51 |maxBits|.
 * - maxSumDev: none. The sum is exact and rounded once, as the oracle's (docs/metrics.md 5.5).
 * Everything else must be equal (numbers with ===, so +0 and -0 are one value, as in JSON).
 */
function tolerance(path: string, want: number, scale: OracleScales | undefined): number {
  const last = path.slice(path.lastIndexOf('.') + 1);
  switch (last) {
    case 'maxAbs':
      return 2 ** -50 * Math.abs(want) + 2 ** -99 * scale!.largestExact + 2 ** -1074;
    case 'maxRel':
      return 2 ** -50 * Math.abs(want) + 2 ** -99;
    case 'meanBits':
    case 'maxBits':
      return 2 ** -51 * Math.abs(want);
    default:
      return 0;
  }
}

/** Every difference between got and want, as one line each: where, got, expected, difference, tolerance. */
function differences(got: unknown, want: unknown, path: string, scale: OracleScales | undefined, out: string[]): void {
  if (typeof want === 'number' && typeof got === 'number') {
    if (got === want || (Number.isNaN(got) && Number.isNaN(want))) return;
    const allowed = tolerance(path, want, scale);
    const difference = Math.abs(got - want);
    if (difference <= allowed) return;
    out.push(`${path}: got ${got}, expected ${want}, difference ${difference}, tolerance ${allowed}`);
    return;
  }
  if (Array.isArray(want) && Array.isArray(got)) {
    if (got.length !== want.length) out.push(`${path}: got ${JSON.stringify(got)}, expected ${JSON.stringify(want)} (lengths ${got.length}, ${want.length})`);
    else want.forEach((w, i) => differences(got[i], w, `${path}[${i}]`, scale, out));
    return;
  }
  if (typeof want === 'object' && want !== null && typeof got === 'object' && got !== null) {
    const keys = new Set([...Object.keys(want), ...Object.keys(got)]);
    for (const key of keys) {
      if (!(key in want)) out.push(`${path}.${key}: got ${JSON.stringify((got as Record<string, unknown>)[key])}, not expected`);
      else if (!(key in got)) out.push(`${path}.${key}: missing, expected ${JSON.stringify((want as Record<string, unknown>)[key])}`);
      else differences((got as Record<string, unknown>)[key], (want as Record<string, unknown>)[key], `${path}.${key}`, scale, out);
    }
    return;
  }
  if (got !== want) out.push(`${path}: got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
}

function rowText(values: readonly number[]): string {
  return values.length <= 8 ? `[${values.join(', ')}]` : `[${values.slice(0, 8).join(', ')}, ... (K = ${values.length})]`;
}

function analysisReport(rows: ReadonlyArray<{ input: OracleRowInput; labelled: boolean }>) {
  const analysis = new Analysis({ dtypes: DTYPES, results: everything });
  for (const { input, labelled } of rows) {
    const { row, line, id } = input.ref;
    analysis.addRow(Float64Array.from(input.input), input.input.length, row, line!, labelled ? { id } : undefined);
  }
  return inputReport('fixture', { format: 'json' }, analysis.summary());
}

/** The differences between Analysis (through the report model) and the oracle on these rows. */
function compare(where: string, inputs: OracleRowInput[], measured: OracleRow[], labelled: boolean): string[] {
  const refs = labelled ? measured : measured.map((row) => ({ ...row, ref: { row: row.ref.row, line: row.ref.line } }));
  const { report: want, scales } = summarise(refs, DTYPES, everything);
  const got = analysisReport(inputs.map((input) => ({ input, labelled })));
  const problems: string[] = [];
  const inputText = inputs.length === 1 ? `input ${rowText(inputs[0].input)}` : `${inputs.length} rows`;
  const shape = (r: OracleInputReport | typeof got) => ({ rows: r.rows, classes: r.classes, logits: r.logits, dtypes: r.dtypes });
  const lines: string[] = [];
  differences(shape(got), shape(want), 'input', undefined, lines);
  for (const line of lines) problems.push(`${where} ${inputText} ${line}`);
  if (got.results.length !== want.results.length) problems.push(`${where}: ${got.results.length} results, expected ${want.results.length}`);
  want.results.forEach((expected, i) => {
    const result = got.results.find((r) => r.function === expected.function && r.dtype === expected.dtype && r.algorithm === expected.algorithm);
    const name = `${expected.function}/${expected.algorithm}/${expected.dtype}`;
    const resultLines: string[] = [];
    if (result === undefined) resultLines.push('missing');
    else differences(result, expected, name, scales[i], resultLines);
    for (const line of resultLines) problems.push(`${where} ${inputText} ${line}`);
    // meanBits is documented accurate to 2^-25 bits against the unquantized mean (5.8).
    const exactMean = scales[i].exactMeanBits;
    if (exactMean !== null && Math.abs(expected.errors.meanBits! - exactMean) > 2 ** -25 * (1 + 2 ** -40)) {
      problems.push(`${where} ${name}: the quantized meanBits ${expected.errors.meanBits} is ${Math.abs(expected.errors.meanBits! - exactMean)} from the exact mean ${exactMean} (tolerance 2^-25)`);
    }
  });
  return problems;
}

// ---------------------------------------------------------------------------------------------
// The oracle's own tools, against other means

describe("the oracle's tools", () => {
  const view = new DataView(new ArrayBuffer(8));

  test('ordinals are the bit patterns of |x|, negated below 0: every float16 and bfloat16 value, float32 and float64 samples', () => {
    for (let bits = 0; bits < 0x7c00; bits++) {
      view.setUint16(0, bits);
      const value = getFloat16(view, 0);
      if (ordinal('float16', value) !== BigInt(bits) || ordinal('float16', -value) !== -BigInt(bits)) throw new Error(`float16 ${bits}`);
    }
    expect(ordinal('float16', Infinity)).toBe(0x7c00n);
    for (let bits = 0; bits < 0x7f80; bits++) {
      view.setUint32(0, bits << 16);
      const value = view.getFloat32(0);
      if (ordinal('bfloat16', value) !== BigInt(bits)) throw new Error(`bfloat16 ${bits}`);
    }
    expect(ordinal('bfloat16', -Infinity)).toBe(-0x7f80n);
    for (const value of [2 ** -149, 2 ** -126 - 2 ** -149, 2 ** -126, 1, 1 + 2 ** -23, 3.4028234663852886e38, Math.fround(0.1)]) {
      view.setFloat32(0, value);
      expect(ordinal('float32', value)).toBe(BigInt(view.getUint32(0)));
    }
    expect(ordinal('float32', Infinity)).toBe(0x7f800000n);
    for (const value of [Number.MIN_VALUE, 2 ** -1022, 0.1, 1, Number.MAX_VALUE, -0]) {
      view.setFloat64(0, Math.abs(value));
      expect(ordinal('float64', value)).toBe(view.getBigUint64(0));
    }
    expect(() => ordinal('float16', 0.1)).toThrow(/not a float16/);
    expect(() => ordinal('float16', 70000)).toThrow(/beyond/);
  });

  test('ulp distances: across 0 (+0 and -0 one point), to Infinity one step past the largest finite', () => {
    expect(ulpDistance('float16', 2 ** -24, -(2 ** -24))).toBe(2n);
    expect(ulpDistance('float16', 0, -0)).toBe(0n);
    expect(ulpDistance('float16', 65504, Infinity)).toBe(1n);
    expect(ulpDistance('bfloat16', 1, 2)).toBe(128n);
    expect(ulpDistance('float64', 1, 1 + 2 ** -52)).toBe(1n);
    expect(ulpDistance('float64', 0, 1)).toBe(0x3ff0000000000000n);
  });

  test('bits of error: the table of docs/metrics.md 5.4, quantized to 2^-24 bits, and the quarter-bit bins of 5.8', () => {
    const table: Array<[bigint, number, number]> = [
      [0n, 0, 0],
      [1n, 1, 4],
      [2n, Math.log2(3), 6],
      [3n, 2, 8],
      [15n, 4, 16],
      [1023n, 10, 40],
    ];
    for (const [ulps, bits, bin] of table) {
      expect(bitsQuanta(ulps)).toBe(BigInt(Math.round(bits * 2 ** 24)));
      expect(histogramBin(ulps)).toBe(bin);
    }
    // Bin edges: 2^(9/4) = 4.757, so 3.757 ulps would be the edge; 3 ulps is in bin 8, 4 in bin 9.
    expect(histogramBin(4n)).toBe(9);
    expect(histogramBin(2n ** 64n)).toBe(256);
    expect(histogramBin(2n ** 80n)).toBe(256);
  });

  test('the sum deviation is exact and rounded once; decimals of c are its exact binary value', () => {
    expect(sumDeviation([0.5, 0.5])).toBe(0);
    expect(sumDeviation([1, 2 ** -60])).toBe(2 ** -60);
    expect(sumDeviation([1 - 2 ** -53, 2 ** -1074])).toBe(2 ** -53 - 2 ** -1074);
    expect(sumDeviation([2 ** -1074])).toBe(1); // 1 - 2^-1074 rounds to 1
    for (const x of [0.1, 2 ** -1074, 1 / 3, 65504, 1e300]) expect(x.toPrecision(60)).toBe(exactDecimal(x).toPrecision(60));
  });
});

// ---------------------------------------------------------------------------------------------
// The fixtures, row by row and file by file

/** The oracle's measure of every row of a file, computed once for both tests of the file. */
const measuredFiles = new Map<string, { inputs: OracleRowInput[]; measured: OracleRow[] }>();

function measuredFile(file: string, cases: FixtureCase[]) {
  let entry = measuredFiles.get(file);
  if (entry === undefined) {
    const inputs = cases.map((fixtureCase, row) => oracleInput(fixtureCase, row));
    entry = { inputs, measured: inputs.map(measureRow) };
    measuredFiles.set(file, entry);
  }
  return entry;
}

describe.each(files.map(({ file, fixture }) => ({ file, fixture })))('$file', ({ file, fixture }) => {
  test('every figure of every row, one row at a time, as the oracle derives it', () => {
    const { inputs, measured } = measuredFile(file, fixture.cases);
    const problems = inputs.flatMap((input, i) => compare(`${file} ${fixture.cases[i].name}:`, [input], [measured[i]], false));
    expect(problems.slice(0, 20)).toEqual([]);
  });

  test('the figures of the whole file as one input (sums, maxima, worst and first rows, row ids)', () => {
    const { inputs, measured } = measuredFile(file, fixture.cases);
    expect(compare(`${file}:`, inputs, measured, true).slice(0, 20)).toEqual([]);
  });
});

test('the fixtures exercise every figure the oracle checks', () => {
  const measured = files.map(({ file, fixture }) => measuredFile(file, fixture.cases));
  const all = measured.flatMap((m) => m.measured);
  const results = all.flatMap((row) => row.dtypes.flatMap((d) => d.results));
  const ordinary = results.filter((r) => r.ordinary);
  const some = (what: string, found: boolean) => [what, found] as const;
  const dtypeRows = all.flatMap((row) => row.dtypes);
  const negativeCastUnderflow = measured
    .flatMap((m) => m.inputs)
    .some((row) => row.dtypes.some((d) => d.cast.some((c, j) => c === 0 && row.input[j] < 0)));
  const coverage = [
    some('wrong.nan', ordinary.some((r) => r.nan > 0)),
    some('wrong.inf', ordinary.some((r) => r.inf > 0)),
    some('wrong.zero', ordinary.some((r) => r.zero > 0)),
    some('wrong.factor2 (probability)', ordinary.some((r) => r.function === 'softmax' && r.factor2 > 0)),
    some('wrong.factor2 (log-value)', ordinary.some((r) => r.function !== 'softmax' && r.factor2 > 0)),
    some('argmax flip', ordinary.some((r) => r.softmax?.argmaxFlip === true)),
    some('maxUlp >= 256 (bits beyond the small-distance table)', ordinary.some((r) => r.maxUlp !== null && r.maxUlp >= 256n)),
    some('every flag', ['overflow', 'underflow', 'invalid', 'divideByZero'].every((flag) => ordinary.some((r) => r.flags.has(flag)))),
    some('castOverflow', dtypeRows.some((d) => d.castOverflow > 0)),
    some('castUnderflow of a negative logit', negativeCastUnderflow),
    some('masked rows', results.some((r) => r.masked !== undefined)),
  ];
  // Exact values below float64's least subnormal (deep_underflow.json), where Analysis scales
  // them by 2^exp2: at least 20 float64 rows, as many in float32 and bfloat16, 9 in float16 (it
  // holds spreads up to 131008 only).
  const deepRows = (dtype: string) =>
    measured
      .flatMap((m) => m.inputs)
      .filter((row) => {
        const exact = row.dtypes.find((d) => d.dtype === dtype)!.exact;
        return exact !== undefined && [exact.logsumexp, ...exact.softmax, ...exact['log-softmax']].some((text) => Number(text) === 0 && text !== '0');
      }).length;
  expect(DTYPES.map((dtype) => [dtype, deepRows(dtype) >= (dtype === 'float16' ? 9 : 20)])).toEqual(DTYPES.map((dtype) => [dtype, true]));
  expect(coverage.filter(([, found]) => !found).map(([what]) => what)).toEqual([]);
});

