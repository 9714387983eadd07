// Fully masked rows (every logit -Infinity once cast): the input's counts (maskedRows, listed rows,
// the casts to -Infinity that make a row masked in one dtype only), what each result outputs
// there (`masked` of a result summary), and the merge of both. The kernels of today give only
// NaN or -Infinity on such rows, so the other counters (zero, finite, +Infinity, uniform rows:
// what a framework that returns 0 or 1/K would give) are checked on hand-made outputs through
// accumulateMasked. The metrics oracle checks these counters on the fixtures, where they are 0.
import { describe, expect, test } from 'vitest';
import { LOGIT_KINDS } from '../../src/algorithms/names.js';
import { DTYPES } from '../../src/formats/index.js';
import { accumulateMasked } from '../../src/metrics/accumulate.js';
import { Analysis } from '../../src/metrics/analysis.js';
import { emptyInputFigures, emptyResultSummary, FIRST_ROWS_LIMIT, mergeInputFigures, mergeResultSummary } from '../../src/metrics/summary.js';

function maskedOf(outputs: number[][]) {
  const summary = emptyResultSummary('softmax', 'float32', 'naive');
  outputs.forEach((row, i) => accumulateMasked(summary, Float64Array.from(row), row.length, 10 + i, 20 + i, undefined));
  return summary;
}

describe('accumulateMasked: each output counted by kind, and uniform rows', () => {
  test.each([
    // [outputs of one masked row, expected counts, why]
    [[NaN, NaN, NaN], { nan: 3, zero: 0, negInf: 0, posInf: 0, finite: 0, uniformRows: 0 }, 'NaN everywhere (0/0): not a uniform distribution'],
    [[0, -0, 0], { nan: 0, zero: 3, negInf: 0, posInf: 0, finite: 0, uniformRows: 0 }, 'zeros (both signs): equal, but no distribution'],
    [[0.25, 0.25, 0.25, 0.25], { nan: 0, zero: 0, negInf: 0, posInf: 0, finite: 4, uniformRows: 1 }, '1/K for K = 4: uniform'],
    [[-Math.log(3), -Math.log(3), -Math.log(3)], { nan: 0, zero: 0, negInf: 0, posInf: 0, finite: 3, uniformRows: 1 }, '-log K for K = 3: uniform'],
    [[0.25, 0.25, 0.5, 0.25], { nan: 0, zero: 0, negInf: 0, posInf: 0, finite: 4, uniformRows: 0 }, 'finite but one differs (third)'],
    [[0.5, 0.25, 0.25], { nan: 0, zero: 0, negInf: 0, posInf: 0, finite: 3, uniformRows: 0 }, 'finite but the first differs'],
    [[Infinity, Infinity], { nan: 0, zero: 0, negInf: 0, posInf: 2, finite: 0, uniformRows: 0 }, '+Infinity twice: equal, not finite'],
    [[-Infinity, -Infinity], { nan: 0, zero: 0, negInf: 2, posInf: 0, finite: 0, uniformRows: 0 }, '-Infinity twice: equal, not finite'],
    [[-Infinity], { nan: 0, zero: 0, negInf: 1, posInf: 0, finite: 0, uniformRows: 0 }, 'a logsumexp output (K = 1)'],
    [[0.7], { nan: 0, zero: 0, negInf: 0, posInf: 0, finite: 1, uniformRows: 0 }, 'one finite output: a row of one is not called uniform'],
    [[NaN, 0, 0.5, Infinity, -Infinity], { nan: 1, zero: 1, negInf: 1, posInf: 1, finite: 1, uniformRows: 0 }, 'one of each kind'],
  ])('%j -> %j: %s', (outputs, counts) => {
    expect(maskedOf([outputs]).masked).toEqual({ rows: 1, ...counts });
  });

  test('counts add over rows; the first FIRST_ROWS_LIMIT (5) masked rows are noted, in order', () => {
    // 6 rows: 1/2 twice (uniform), then [0, 1] (one zero, one finite), three times, then NaN twice.
    const summary = maskedOf([[0.5, 0.5], [0, 1], [0, 1], [0, 1], [NaN, NaN], [0.5, 0.5]]);
    expect(summary.masked).toEqual({ rows: 6, nan: 2, zero: 3, negInf: 0, posInf: 0, finite: 7, uniformRows: 2 });
    expect(FIRST_ROWS_LIMIT).toBe(5);
    expect(summary.firstRows.masked).toEqual([10, 11, 12, 13, 14].map((row) => ({ row, line: row + 10 })));
    // A masked row is no ordinary row: nothing else moves.
    expect(summary.rows).toBe(0);
    expect(summary.errors.count).toBe(0);
  });
});

describe('masked rows through Analysis', () => {
  test('a row is masked in the dtypes where every logit is -Infinity after the cast, and counted there', () => {
    // Row 0, [-Inf, -Inf, -Inf]: masked in every dtype. Row 1, [-70000, -Inf]: -70000 is past
    // float16's overflow midpoint -65520, so -Infinity in float16 only (a cast overflow there).
    // Row 2, [-1e39, -Inf]: past float32's largest 3.40e38 and bfloat16's 3.39e38 too: masked in
    // float32, float16 and bfloat16; float64 keeps -1e39 (an ordinary row).
    const analysis = new Analysis({ dtypes: DTYPES, results: LOGIT_KINDS.map((k) => ({ function: k.function, algorithm: k.algorithm })) });
    const rows = [[-Infinity, -Infinity, -Infinity], [-70000, -Infinity], [-1e39, -Infinity]];
    rows.forEach((row, i) => analysis.addRow(Float64Array.from(row), row.length, i, i + 2));
    const summary = analysis.summary();
    const expected = {
      float64: { masked: [0], castOverflow: 0 },
      float32: { masked: [0, 2], castOverflow: 1 },
      float16: { masked: [0, 1, 2], castOverflow: 2 },
      bfloat16: { masked: [0, 2], castOverflow: 1 },
    };
    for (const figures of summary.inputs) {
      const { masked, castOverflow } = expected[figures.dtype];
      expect(figures, figures.dtype).toMatchObject({ maskedRows: masked.length, ordinaryRows: 3 - masked.length, castOverflow, nanRows: 0, posInfRows: 0 });
      expect(figures.listedRows, figures.dtype).toEqual(masked.map((row) => ({ row, line: row + 2, kind: 'masked' })));
    }
    // Outputs on the masked rows, float16 (rows of 3, 2 and 2 logits: 7 outputs, 3 rows):
    // naive softmax: exp(-Inf) = 0 everywhere, s = 0, 0/0 = NaN in each position. naive
    // logsumexp: log(0) = -Infinity. max-shift logsumexp: m = -Inf, -Inf - -Inf = NaN.
    const f16 = (fn: string, algorithm: string) => summary.results.find((r) => r.dtype === 'float16' && r.function === fn && r.algorithm === algorithm)!;
    expect(f16('softmax', 'naive').masked).toEqual({ rows: 3, nan: 7, zero: 0, negInf: 0, posInf: 0, finite: 0, uniformRows: 0 });
    expect(f16('logsumexp', 'naive').masked).toEqual({ rows: 3, nan: 0, zero: 0, negInf: 3, posInf: 0, finite: 0, uniformRows: 0 });
    expect(f16('logsumexp', 'max-shift').masked).toEqual({ rows: 3, nan: 3, zero: 0, negInf: 0, posInf: 0, finite: 0, uniformRows: 0 });
    expect(f16('softmax', 'naive').firstRows.masked).toEqual([0, 1, 2].map((row) => ({ row, line: row + 2 })));
  });
});

describe('merging masked counts', () => {
  test('mergeResultSummary adds each masked counter', () => {
    const into = maskedOf([[NaN, NaN], [0.5, 0.5], [-Infinity]]); // nan 2, finite 2, uniform 1, negInf 1
    const other = maskedOf([[0, Infinity, 1], [0.25, 0.25, 0.25, 0.25]]); // zero 1, posInf 1, finite 5, uniform 1
    mergeResultSummary(into, other);
    expect(into.masked).toEqual({ rows: 5, nan: 2, zero: 1, negInf: 1, posInf: 1, finite: 7, uniformRows: 2 });
  });

  test('mergeInputFigures adds the row counts of each kind and keeps the listed rows in input order', () => {
    const a = { ...emptyInputFigures('float16'), castOverflow: 1, castUnderflow: 2, nanRows: 3, posInfRows: 4, maskedRows: 5, ordinaryRows: 6 };
    a.listedRows = [{ row: 4, line: 5, kind: 'masked' }];
    const b = { ...emptyInputFigures('float16'), castOverflow: 10, castUnderflow: 20, nanRows: 30, posInfRows: 40, maskedRows: 50, ordinaryRows: 60 };
    b.listedRows = [{ row: 1, line: 2, kind: 'nan' }];
    mergeInputFigures(a, b);
    expect(a).toEqual({
      dtype: 'float16',
      castOverflow: 11,
      castUnderflow: 22,
      nanRows: 33,
      posInfRows: 44,
      maskedRows: 55,
      ordinaryRows: 66,
      labelledRows: 0,
      ignoredRows: 0,
      correctRows: 0,
      listedRows: [
        { row: 1, line: 2, kind: 'nan' },
        { row: 4, line: 5, kind: 'masked' },
      ],
    });
  });
});
