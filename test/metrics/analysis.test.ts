import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { LOGIT_KINDS as RESULT_KINDS } from '../../src/algorithms/names.js';
import { DTYPES } from '../../src/formats/index.js';
import { Analysis, type AnalysisSelection } from '../../src/metrics/analysis.js';
import { meanBits } from '../../src/metrics/bits-of-error.js';
import { mergeAnalysisSummary, type AnalysisSummary, type ResultSummary } from '../../src/metrics/summary.js';
import { expectFigure } from '../support/expect-figure.js';

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
  // Analysed inside each test, not here: what runs while describe collects its tests belongs to
  // no test, and Stryker would run every test file for each mutant it reaches (static mutants).
  const summary = () => analyse([[10, 10, 10]]);

  test('float16 naive logsumexp of [10, 10, 10]: overflow in the sum, an infinite output', () => {
    const naive = result(summary(), 'logsumexp', 'float16', 'naive');
    expect(naive.rows).toBe(1);
    expect(naive.flags).toEqual({ overflow: 1, underflow: 0, invalid: 0, divideByZero: 0 });
    expect(naive.wrong).toEqual({ nan: 0, inf: 1, zero: 0, factor2: 0 });
    expect(naive.errors.count).toBe(0);
  });

  test('float16 max-shift logsumexp of [10, 10, 10] is fine: 10 + log(3) = 11.0986 rounds to 11.1 (0x498d)', () => {
    const maxShift = result(summary(), 'logsumexp', 'float16', 'max-shift');
    expect(maxShift.flags).toEqual({ overflow: 0, underflow: 0, invalid: 0, divideByZero: 0 });
    expect(maxShift.wrong).toEqual({ nan: 0, inf: 0, zero: 0, factor2: 0 });
    expect(maxShift.errors.count).toBe(1);
    // s = 1 + 1 + 1 = 3 exactly, log(3) = 1.0986 -> 1.0986328125 (f16), 10 + that = 11.0986328125
    // -> 11.1015625 (f16 spacing 2^-7 above 8). Exact 11.0986122887 rounds to 11.09375 or
    // 11.1015625: 11.0986 - 11.09375 = 0.00486 > 0.0039 (half spacing): 11.1015625. 0 ulps.
    expect(maxShift.errors.maxUlp).toBe(0);
  });

  test('float16 naive softmax of [10, 10, 10]: 22032 / Infinity = 0 three times, each 13653 ulps from 1/3', () => {
    const naive = result(summary(), 'softmax', 'float16', 'naive');
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
      const maxShift = result(summary(), 'softmax', dtype, 'max-shift');
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

describe('hand-derived edge rows', () => {
  // bfloat16 max-shift log-softmax of [-5, -3, 0]. bfloat16 keeps 8 significant bits: its spacing
  // is 2^-15 in [2^-8, 2^-7), 2^-12 in [2^-5, 2^-4), 2^-7 in [1, 2), 2^-6 in [2, 4), 2^-5 in
  // [4, 8). The logits are bfloat16 values, m = 0, so d = x exactly.
  //   t_0 = exp(-5) = 0.00673795 = 220.789 * 2^-15  -> 221 * 2^-15
  //   t_1 = exp(-3) = 0.0497871  = 203.928 * 2^-12  -> 204 * 2^-12
  //   t_2 = exp(0)  = 1
  //   t_0 + t_1 = (27.625 + 204) * 2^-12 = 231.625 * 2^-12 -> 232 * 2^-12 = 0.056640625
  //   s = 1.056640625 = 135.25 * 2^-7 -> 135 * 2^-7 = 1.0546875
  //   log(s) = 0.0532445 = 218.090 * 2^-12 -> 218 * 2^-12 = 0.05322265625
  //   c_0 = -5 - log(s) = -161.703 * 2^-5 -> -162 * 2^-5
  //   c_1 = -3 - log(s) = -195.406 * 2^-6 -> -195 * 2^-6
  //   c_2 =  0 - log(s) = -218 * 2^-12 (exact)
  // Exact: LSE = log(1 + e^-3 + e^-5) = 0.0549852354, log-softmax = x - LSE:
  //   e_0 = -5.0549852354 = -161.760 * 2^-5 -> -162 * 2^-5: c_0 is correctly rounded, 0 ulps
  //   e_1 = -3.0549852354 = -195.519 * 2^-6 -> -196 * 2^-6: c_1 is 1 ulp off
  //   e_2 = -0.0549852354 = -225.220 * 2^-12 -> -225 * 2^-12: c_2 is 7 ulps off
  // (Each scaled figure is at least 0.02 from a rounding boundary, so 6 digits decide it.)
  const row = [-5, -3, 0];
  const logSoftmax = () => result(analyse([row]), 'log-softmax', 'bfloat16', 'max-shift');

  test('bfloat16 max-shift log-softmax of [-5, -3, 0]: maxUlp is the largest distance of the row (7, last), not the first wrong one (1)', () => {
    const errors = logSoftmax().errors;
    expectFigure('errors.count', row, errors.count, 3);
    expectFigure('errors.maxUlp', row, errors.maxUlp, 7);
  });

  test('bfloat16 max-shift log-softmax of [-5, -3, 0]: bits of error are log2(1 + d) for d = 0, 1, 7 ulps: 0, 1 and 3 bits', () => {
    const errors = logSoftmax().errors;
    // Sum 0 + 1 + 3 = 4 bits, in quanta of 2^-24 bits; mean 4/3.
    expectFigure('errors.bitsSum (quanta)', row, errors.bitsSum.high * 2 ** 52 + errors.bitsSum.low, 4 * 2 ** 24);
    expectFigure('meanBits', row, meanBits(errors.bitsSum, errors.count), 4 / 3, 2 ** -40);
    // Quarter-bit bins: 0 bits in bin 0, 1 bit in bin 4, 3 bits in bin 12.
    const bins = errors.bitsHistogram.flatMap((count, bin) => (count > 0 ? [`${bin}:${count}`] : []));
    expect(bins, `histogram of ${JSON.stringify(row)}`).toEqual(['0:1', '4:1', '12:1']);
  });

  test('bfloat16 softmax of [0, 2^-10]: every algorithm flips the argmax, though each probability is correctly rounded', () => {
    // The exact softmax is largest at index 1 (the larger logit): 1/(1 + e^-2^-10) = 0.500244
    // against 0.499756 at index 0. In bfloat16 both round to 0.5: below 1 the spacing is 2^-8,
    // and exp(-2^-10) = 1 - 0.000976 lies within 2^-9 of 1, so t_0 = t_1 = 1, s = 2 and both
    // outputs are 1/2; the computed argmax (ties: lowest index) is 0. naive: exp(2^-10) =
    // 1.000977 rounds to 1 too (spacing 2^-7 above 1). exp-lse: L = 2^-10 + log1p(1), log1p(1) =
    // 0.693147 = 354.89 * 2^-9 -> 355 * 2^-9, + 2^-10 = 355.5 * 2^-9, a tie -> 356 * 2^-9; then
    // x_0 - L = -356 * 2^-9 and x_1 - L = -355.5 * 2^-9 -> (tie) -356 * 2^-9: equal exps.
    // Wider dtypes keep the two apart: float16 t_0 = 1 - 2^-10 (spacing 2^-11 below 1), s = 2 -
    // 2^-10, t_0/s = 0.4997557 -> 2047 * 2^-12 and 1/s = 0.5002443 -> 1025 * 2^-11; float32 and
    // float64 separate them by far more than their spacing.
    const input = [0, 2 ** -10];
    const summary = analyse([input]);
    for (const algorithm of ['naive', 'max-shift', 'online', 'log1p', 'exp-lse']) {
      for (const dtype of DTYPES) {
        const softmax = result(summary, 'softmax', dtype, algorithm);
        expectFigure(`softmax ${dtype} ${algorithm} argmaxFlips`, input, softmax.softmax!.argmaxFlips, dtype === 'bfloat16' ? 1 : 0);
        expect(softmax.firstRows.argmaxFlip, `${dtype} ${algorithm}`).toEqual(dtype === 'bfloat16' ? [{ row: 0, line: 2 }] : []);
      }
    }
    const maxShift = result(summary, 'softmax', 'bfloat16', 'max-shift');
    expectFigure('bfloat16 max-shift errors.maxUlp', input, maxShift.errors.maxUlp, 0);
  });

  test('castUnderflow counts negative logits flushed to -0: -1e-8 in float16, -1e-46 in float32, bfloat16 and float16', () => {
    // float16's least subnormal is 2^-24 = 5.96e-8, so anything below half of it (2^-25 =
    // 2.98e-8) in magnitude rounds to a zero of its sign. float32's is 2^-149 = 1.4e-45,
    // bfloat16's 2^-133 = 9.2e-41: -1e-46 becomes -0 in both, -1e-8 stays (normal). float64
    // holds both. The zeros of the rows are zeros already, not casts to 0.
    const rows = [
      [-1e-8, 0],
      [-1e-46, 0],
    ];
    const summary = analyse(rows);
    const expected: Record<string, number> = { float64: 0, float32: 1, float16: 2, bfloat16: 1 };
    for (const figures of summary.inputs) {
      expectFigure(`${figures.dtype} castUnderflow`, rows, figures.castUnderflow, expected[figures.dtype]);
      expectFigure(`${figures.dtype} castOverflow`, rows, figures.castOverflow, 0);
    }
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
