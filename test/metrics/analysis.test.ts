import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { RESULT_KINDS } from '../../src/algorithms/names.js';
import { DTYPES } from '../../src/formats/index.js';
import { Analysis, type AnalysisSelection } from '../../src/metrics/analysis.js';
import { meanBits } from '../../src/metrics/bits-of-error.js';
import { mergeAnalysisSummary, type AnalysisSummary, type ResultSummary } from '../../src/metrics/summary.js';

const everything: AnalysisSelection = {
  dtypes: DTYPES,
  results: RESULT_KINDS.map((kind) => ({ function: kind.function, algorithm: kind.algorithm })),
};

function analyse(rows: number[][], selection: AnalysisSelection = everything, firstRow = 0): AnalysisSummary {
  const analysis = new Analysis(selection);
  rows.forEach((row, i) => analysis.addRow(Float64Array.from(row), row.length, firstRow + i, firstRow + i + 2));
  return analysis.summary();
}

function result(summary: AnalysisSummary, fn: string, dtype: string, algorithm: string): ResultSummary {
  const found = summary.results.find((r) => r.function === fn && r.dtype === dtype && r.algorithm === algorithm);
  if (!found) throw new Error(`no result ${fn}/${dtype}/${algorithm}`);
  return found;
}

describe('hand-derived figures', () => {
  // float16: exp(10) = 22026.47 rounds to 22032 (ulp 16 there); 22032 + 22032 = 44064;
  // 44064 + 22032 = 66096 > 65504: the sum overflows although every term is finite.
  const summary = analyse([[10, 10, 10]]);

  test('float16 naive logsumexp of [10, 10, 10]: overflow in the sum, an infinite output', () => {
    const naive = result(summary, 'logsumexp', 'float16', 'naive');
    expect(naive.rows).toBe(1);
    expect(naive.flags).toEqual({ overflow: 1, underflow: 0, invalid: 0, divideByZero: 0 });
    expect(naive.wrong).toEqual({ nan: 0, inf: 1, zero: 0, factor2: 0 });
    expect(naive.errors.count).toBe(0);
  });

  test('float16 max-shift logsumexp of [10, 10, 10] is fine: 10 + log(3) = 11.0986 rounds to 11.1 (0x498d)', () => {
    const maxShift = result(summary, 'logsumexp', 'float16', 'max-shift');
    expect(maxShift.flags).toEqual({ overflow: 0, underflow: 0, invalid: 0, divideByZero: 0 });
    expect(maxShift.wrong).toEqual({ nan: 0, inf: 0, zero: 0, factor2: 0 });
    expect(maxShift.errors.count).toBe(1);
    // s = 1 + 1 + 1 = 3 exactly, log(3) = 1.0986 -> 1.0986328125 (f16), 10 + that = 11.0986328125
    // -> 11.1015625 (f16 spacing 2^-7 above 8). Exact 11.0986122887 rounds to 11.09375 or
    // 11.1015625: 11.0986 - 11.09375 = 0.00486 > 0.0039 (half spacing): 11.1015625. 0 ulps.
    expect(maxShift.errors.maxUlp).toBe(0);
  });

  test('float16 naive softmax of [10, 10, 10]: 22032 / Infinity = 0 three times, each 13653 ulps from 1/3', () => {
    const naive = result(summary, 'softmax', 'float16', 'naive');
    expect(naive.flags.overflow).toBe(1);
    // 1/3 in float16 is 0x3555 = 0.333251953125, whose bit pattern 0x3555 = 13653 is its ulp distance from 0.
    // 0 where the exact 1/3 is a normal float16 number: also off by a factor of 2 or more.
    expect(naive.wrong).toEqual({ nan: 0, inf: 0, zero: 3, factor2: 3 });
    expect(naive.errors.count).toBe(3);
    expect(naive.errors.maxUlp).toBe(13653);
    expect(naive.errors.maxAbs).toBeCloseTo(1 / 3, 15);
    expect(naive.errors.maxRel).toBe(1);
    expect(naive.errors.worstRow).toEqual({ row: 0, line: 2 });
    expect(meanBits(naive.errors.bitsSum, naive.errors.count)).toBeCloseTo(Math.log2(13654), 6);
    // All outputs are finite (zeros): the row counts for the sum and argmax figures.
    expect(naive.softmax).toEqual({ rows: 1, maxSumDev: 1, argmaxFlips: 0 });
  });

  test('float32 and float64 handle [10, 10, 10] with max-shift softmax correctly rounded', () => {
    for (const dtype of ['float32', 'float64']) {
      const maxShift = result(summary, 'softmax', dtype, 'max-shift');
      expect(maxShift.errors.count).toBe(3);
      expect(maxShift.errors.maxUlp).toBe(0); // 1 / 3 with t = 1, s = 3: one correctly rounded division
      expect(maxShift.softmax!.argmaxFlips).toBe(0);
    }
  });
});

describe('input figures', () => {
  test('cast overflow and underflow are counted per dtype, and the rows they make are classified', () => {
    const summary = analyse([
      [70000, 0], // float16: 70000 -> +Infinity, a posInf row there only
      [1e-8, 0], // float16: 1e-8 < 2^-25 -> 0; bfloat16 keeps it
      [-Infinity, -Infinity], // masked everywhere
      [1, NaN], // nan everywhere
    ]);
    const f16 = summary.inputs.find((f) => f.dtype === 'float16')!;
    expect(f16).toMatchObject({ castOverflow: 1, castUnderflow: 1, posInfRows: 1, maskedRows: 1, nanRows: 1, ordinaryRows: 1 });
    expect(f16.listedRows).toEqual([
      { row: 0, line: 2, kind: 'posInf' },
      { row: 2, line: 4, kind: 'masked' },
      { row: 3, line: 5, kind: 'nan' },
    ]);
    const f64 = summary.inputs.find((f) => f.dtype === 'float64')!;
    expect(f64).toMatchObject({ castOverflow: 0, castUnderflow: 0, posInfRows: 0, maskedRows: 1, nanRows: 1, ordinaryRows: 2 });
    expect(summary.input).toMatchObject({ rows: 4, classes: 2, minLogit: 0, maxLogit: 70000, maxRowSpread: 70000 });
  });

  test('what each algorithm outputs on a masked row is reported', () => {
    const summary = analyse([[-Infinity, -Infinity, -Infinity]]);
    // naive: exp(-inf) = 0, 0 / 0 = NaN; logsumexp log(0) = -Infinity.
    expect(result(summary, 'softmax', 'float32', 'naive').masked).toEqual({ rows: 1, nan: 3, zero: 0, negInf: 0, posInf: 0, finite: 0, uniformRows: 0 });
    expect(result(summary, 'logsumexp', 'float32', 'naive').masked).toEqual({ rows: 1, nan: 0, zero: 0, negInf: 1, posInf: 0, finite: 0, uniformRows: 0 });
    // max-shift: -inf - -inf = NaN everywhere.
    expect(result(summary, 'softmax', 'bfloat16', 'max-shift').masked.nan).toBe(3);
    // Masked rows are not ordinary: no error figures.
    expect(result(summary, 'softmax', 'float32', 'naive').rows).toBe(0);
  });

  test('online on a causal-mask row (leading -Infinity) gives NaN, and the report shows it', () => {
    const summary = analyse([[-Infinity, 1, 2]]);
    const online = result(summary, 'softmax', 'float32', 'online');
    expect(online.flags.invalid).toBe(1);
    expect(online.wrong.nan).toBe(3);
    // log-softmax: NaN at the masked position counts too (its exact value -Infinity is not NaN).
    expect(result(summary, 'log-softmax', 'float32', 'online').wrong.nan).toBe(3);
    expect(result(summary, 'log-softmax', 'float32', 'max-shift').wrong).toEqual({ nan: 0, inf: 0, zero: 0, factor2: 0 }); // -Infinity there is exact
    const maxShift = result(summary, 'softmax', 'float32', 'max-shift');
    expect(maxShift.wrong.nan).toBe(0);
    expect(maxShift.errors.count).toBe(3); // the masked position's exact probability 0 is met exactly
  });
});

const logit = fc.oneof(
  { weight: 10, arbitrary: fc.double({ min: -30, max: 30, noNaN: true }) },
  { weight: 2, arbitrary: fc.double({ min: -2000, max: 2000, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(-Infinity, Infinity, NaN, 70000, 1e-9, -0) },
);

describe('merge', () => {
  test('merging the summaries of two parts gives exactly the summary of the whole', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((k) => fc.array(fc.array(logit, { minLength: k, maxLength: k }), { minLength: 2, maxLength: 12 })),
        fc.nat(),
        (rows, cut) => {
          const split = 1 + (cut % (rows.length - 1));
          const whole = analyse(rows);
          const merged = analyse(rows.slice(0, split));
          mergeAnalysisSummary(merged, analyse(rows.slice(split), everything, split));
          expect(merged).toEqual(whole);
        },
      ),
      { numRuns: 150, endOnFailure: true },
    );
  });

  test('the comparison above can fail: different rows give different summaries', () => {
    expect(analyse([[1, 2, 3]])).not.toEqual(analyse([[1, 2, 4]]));
  });
});

test('a selection computes only what it names', () => {
  const summary = analyse([[1, 2]], { dtypes: ['float16'], results: [{ function: 'softmax', algorithm: 'naive' }] });
  expect(summary.results.map((r) => `${r.function}/${r.dtype}/${r.algorithm}`)).toEqual(['softmax/float16/naive']);
  expect(summary.inputs.map((f) => f.dtype)).toEqual(['float16']);
});

test('each result is the same whether analysed alone or beside algorithms whose outputs it shares', () => {
  // The full selection reuses a row's measurement between algorithms with identical outputs
  // (online and max-shift, mostly); analysed alone, each result measures its own.
  fc.assert(
    fc.property(fc.array(fc.array(logit, { minLength: 4, maxLength: 4 }), { minLength: 1, maxLength: 6 }), (rows) => {
      const together = analyse(rows);
      for (const kind of RESULT_KINDS) {
        const alone = analyse(rows, { dtypes: DTYPES, results: [{ function: kind.function, algorithm: kind.algorithm }] });
        for (const dtype of DTYPES) {
          expect(result(alone, kind.function, dtype, kind.algorithm)).toEqual(result(together, kind.function, dtype, kind.algorithm));
        }
      }
    }),
    { numRuns: 40, endOnFailure: true },
  );
});

test('each dtype is the same analysed alone or beside the others, whose exact values it may share', () => {
  // One reference row serves the dtypes in turn and is reused only for an equal cast row. Rows
  // whose casts coincide in some dtypes and not in others: float32-exact values (float64 = float32),
  // integers (all four equal), and values that float32 and bfloat16 round alike while float16
  // flushes them (float32 = bfloat16, float16 apart, float64 apart).
  const f32 = fc.double({ min: -30, max: 30, noNaN: true }).map(Math.fround);
  const integer = fc.integer({ min: -40, max: 40 });
  const flushedInFloat16 = fc.constantFrom(1.00000001, 2 ** -30 * (1 + 1e-9), -(2 ** -40) * (1 + 1e-10), 3.0000000001);
  const mixed = fc.oneof(logit, f32, integer, flushedInFloat16);
  const row = fc.oneof(
    fc.array(mixed, { minLength: 3, maxLength: 3 }),
    fc.array(f32, { minLength: 3, maxLength: 3 }),
    fc.array(integer, { minLength: 3, maxLength: 3 }),
    fc.array(flushedInFloat16, { minLength: 3, maxLength: 3 }),
  );
  fc.assert(
    fc.property(fc.array(row, { minLength: 1, maxLength: 6 }), (rows) => {
      const together = analyse(rows);
      for (const dtype of DTYPES) {
        const alone = analyse(rows, { dtypes: [dtype], results: everything.results });
        expect(alone.results).toEqual(together.results.filter((r) => r.dtype === dtype));
      }
    }),
    { numRuns: 60, endOnFailure: true },
  );
});
