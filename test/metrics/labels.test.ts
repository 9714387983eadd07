import { describe, expect, test } from 'vitest';
import { RESULT_KINDS } from '../../src/algorithms/names.js';
import { Analysis } from '../../src/metrics/analysis.js';
import { inputReport, type ResultReport } from '../../src/report/report.js';
import type { Dtype } from '../../src/formats/index.js';
import { findingsOf } from '../../src/report/findings.js';
import { runChecks } from '../../src/report/checks.js';

// The label figures of SPEC section 9 through Analysis and the report model, on rows whose
// figures are derived by hand (float16: 11 bits, smallest subnormal 2^-24 = 5.96e-8).

function analyse(dtypes: Dtype[], functions: string[], rows: Array<{ x: number[]; y?: number }>, ignoreIndex?: number) {
  const results = RESULT_KINDS.filter((k) => functions.includes(k.function)).map((k) => ({ function: k.function, algorithm: k.algorithm }));
  const analysis = new Analysis({ dtypes, results, ignoreIndex });
  rows.forEach((row, i) => analysis.addRow(Float64Array.from(row.x), row.x.length, i, i + 1, undefined, row.y));
  return inputReport('rows', { format: 'json' }, analysis.summary());
}

function result(report: ReturnType<typeof analyse>, fn: string, algorithm: string, dtype: Dtype): ResultReport {
  const found = report.results.find((r) => r.function === fn && r.algorithm === algorithm && r.dtype === dtype);
  if (!found) throw new Error(`no ${fn} ${algorithm} ${dtype}`);
  return found;
}

describe('cross-entropy', () => {
  test('float16 [0, -18], label 1: naive loses softmax_1 to 0 and gives +Inf; max-shift gives 18, correctly rounded', () => {
    // naive: exp(-18) = 1.52e-8 is below half the smallest subnormal (2.98e-8): 0, with underflow;
    // softmax_1 = 0 / 1 = 0 and -log(0) = +Inf (divide-by-zero). Exact: 18 + log1p(e^-18) =
    // 18.0000000152, which float16 (spacing 2^-6 at 16) rounds to 18. max-shift: d_1 = -18,
    // t_1 = 0 (underflow), s = 1, log s = 0, loss -(-18 - 0) = 18.
    const report = analyse(['float16'], ['cross-entropy'], [{ x: [0, -18], y: 1 }]);
    const naive = result(report, 'cross-entropy', 'naive', 'float16');
    expect(naive.wrong.inf).toBe(1);
    expect(naive.flags).toMatchObject({ underflow: 1, divideByZero: 1, overflow: 0 });
    expect(naive.verdict).toBe('fail');
    expect(naive.loss).toMatchObject({ rows: 1, meanLoss: Infinity, posInf: 1, nan: 0, exactPosInf: 0 });
    expect(naive.loss!.exactMeanLoss).toBeCloseTo(18 + Math.log1p(Math.exp(-18)), 12);
    const maxShift = result(report, 'cross-entropy', 'max-shift', 'float16');
    expect(maxShift.wrong.inf).toBe(0);
    expect(maxShift.errors.maxUlp).toBe(0);
    expect(maxShift.loss!.meanLoss).toBe(18);
    expect(report.dtypes[0]).toMatchObject({ labelledRows: 1, ignoredRows: 0, correctRows: 0 });
    const finding = findingsOf(report).find((f) => f.function === 'cross-entropy' && f.algorithm === 'naive' && f.message.includes('+-Inf'));
    expect(finding?.message).toContain("Softmax flushed the true class's probability to 0");
  });

  test('meanLoss and exactMeanLoss over rows, the ignore index left out, accuracy from the exact argmax', () => {
    // float64, label 0 on [0, 0] (loss ln 2) and [1, 0] (loss log(1 + e^-1) = 0.31326168751822286),
    // label 1 on [3, 0] (loss 3 + log(1 + e^-3) = 3.0485873515737420): mean of the three
    // = (0.6931471805599453 + 0.3132616875182228 + 3.048587351573742) / 3 = 1.3516654065506367.
    // A fourth row carries the ignore index -100: counted, left out. Correct: rows 1 and 2
    // (argmax 0 = label; [0, 0] ties to index 0 = label), not row 3 (argmax 0, label 1).
    const report = analyse(
      ['float64'],
      ['cross-entropy'],
      [
        { x: [0, 0], y: 0 },
        { x: [1, 0], y: 0 },
        { x: [3, 0], y: 1 },
        { x: [5, 5], y: -100 },
      ],
      -100,
    );
    expect(report.dtypes[0]).toMatchObject({ ordinaryRows: 4, labelledRows: 3, ignoredRows: 1, correctRows: 2 });
    const lse = result(report, 'cross-entropy', 'log1p', 'float64');
    expect(lse.rows).toBe(3);
    expect(lse.loss!.rows).toBe(3);
    const exactMean = (Math.LN2 + 0.31326168751822286 + 3.048587351573742) / 3;
    expect(Math.abs(lse.loss!.exactMeanLoss! - exactMean)).toBeLessThan(4e-16);
    expect(Math.abs(lse.loss!.meanLoss! - exactMean)).toBeLessThan(4e-16);
  });

  test('rows without a label are left out of the losses, and counted nowhere as labelled', () => {
    const report = analyse(['float32'], ['softmax', 'cross-entropy'], [{ x: [1, 2] }, { x: [1, 2], y: 1 }]);
    expect(result(report, 'softmax', 'naive', 'float32').rows).toBe(2);
    expect(result(report, 'cross-entropy', 'naive', 'float32').rows).toBe(1);
    expect(report.dtypes[0].labelledRows).toBe(1);
  });

  test('float16 [12, 0], label 0: max-shift loses the loss (log(s) rounds to log 1 = 0), log1p keeps it', () => {
    // t_1 = exp(-12) = 6.144e-6, a float16 subnormal (6.137e-6 = 103 * 2^-24; underflow);
    // s = 1 + 6.1e-6 rounds to 1 (half an ulp of 1 is 2^-11 = 4.9e-4): log(s) = 0, loss -(0 - 0)
    // = 0, while the exact loss log(1 + e^-12) = 6.144e-6 rounds to 103 * 2^-24 = 6.139e-6 in
    // float16: a lost loss (zero). log1p: log1p(s') = log1p(6.137e-6) = 6.137e-6, kept.
    const report = analyse(['float16'], ['cross-entropy'], [{ x: [12, 0], y: 0 }]);
    const maxShift = result(report, 'cross-entropy', 'max-shift', 'float16');
    expect(maxShift.wrong.zero).toBe(1);
    expect(maxShift.verdict).toBe('warn');
    const log1p = result(report, 'cross-entropy', 'log1p', 'float16');
    expect(log1p.wrong.zero).toBe(0);
    expect(log1p.loss!.meanLoss).toBe(103 * 2 ** -24);
    expect(findingsOf(report).find((f) => f.algorithm === 'max-shift')?.message).toContain('log(s) rounds to log(1) = 0');
  });
});

describe('gradient', () => {
  test('float16 [18, 0 x 63], label 0: every element 0 in max-shift while the exact gradient at the label is -9.6e-7: vanishing', () => {
    // t_j = exp(-18) = 1.52e-8 < 2^-25 (half the smallest subnormal): 0. s = 1, softmax = [1, 0, ...],
    // gradient = [1 - 1, 0, ...] = 0 everywhere. Exact: softmax_j = e^-18 / (1 + 63 e^-18) =
    // 1.523e-8 (rounds to 0 in float16), gradient_0 = -63 * 1.523e-8 = -9.594e-7 = -16.1 * 2^-24,
    // which rounds to -16 * 2^-24: not 0.
    const x = [18, ...new Array<number>(63).fill(0)];
    const report = analyse(['float16'], ['gradient'], [{ x, y: 0 }]);
    const maxShift = result(report, 'gradient', 'max-shift', 'float16');
    expect(maxShift.gradient).toEqual({ rows: 1, vanishing: 1 });
    expect(maxShift.verdict).toBe('fail');
    expect(maxShift.exampleRows.vanishing).toEqual([{ row: 0, line: 1 }]);
    const finding = findingsOf(report).find((f) => f.message.includes('gradients vanish'));
    // ln(63) + ln(2^12 - 1) = 4.143 + 8.318 = 12.46 nats.
    expect(finding?.message).toContain('12.5 nats in float16');
    // --fail-on vanishing fails on it, naming the row.
    const outcome = runChecks({ failOn: ['vanishing'] }, [report])[0];
    expect(outcome.passed).toBe(false);
    expect(outcome.failures.find((f) => f.algorithm === 'max-shift')).toMatchObject({ figure: 'gradient.vanishing', value: 1, row: { row: 0, line: 1 } });
  });

  test('float64 [0, 0], label 1: gradient [0.5, -0.5] exactly, in every algorithm', () => {
    const report = analyse(['float64'], ['gradient'], [{ x: [0, 0], y: 1 }]);
    for (const r of report.results) {
      expect(r.errors.maxUlp, r.algorithm).toBe(0);
      expect(r.gradient).toEqual({ rows: 1, vanishing: 0 });
    }
  });

  test('bfloat16 [0, 0, 0], label 0: the gradient at the label, negative, is within 2x', () => {
    // bfloat16 (8 bits): exact gradient [-2/3, 1/3, 1/3]; every algorithm computes 1/3 ->
    // 0.333984375 and 0.333984375 - 1 = -0.666015625: 1 ulp (2^-9), no factor 2 (the rule for
    // negative values is tested case by case in measure-row.test.ts).
    const report = analyse(['bfloat16'], ['gradient'], [{ x: [0, 0, 0], y: 0 }]);
    for (const r of report.results) expect(r.wrong.factor2, r.algorithm).toBe(0);
  });
});

describe('binary logits', () => {
  test('float16 x = -12, y = 0.3: naive sigmoid overflows exp(12) and gives 0, stable is correct', () => {
    // exp(12) = 162754.8 > 65504: Inf (overflow), 1 / (1 + Inf) = 0. Exact sigmoid(-12) =
    // 6.144e-6, a float16 subnormal: 103 * 2^-24 after rounding, so 0 is a flushed zero.
    const report = analyse(['float16'], ['sigmoid', 'log-sigmoid', 'bce'], [{ x: [-12], y: 0.3 }]);
    const naive = result(report, 'sigmoid', 'naive', 'float16');
    expect(naive.flags.overflow).toBe(1);
    expect(naive.wrong.zero).toBe(1);
    expect(naive.verdict).toBe('fail');
    expect(result(report, 'sigmoid', 'stable', 'float16').errors.maxUlp).toBe(0);
    expect(result(report, 'bce', 'with-logits', 'float16').rows).toBe(1);
    expect(report.dtypes[0]).toMatchObject({ labelledRows: 1, correctRows: 0 });
  });

  test('without a target, bce is not measured', () => {
    const report = analyse(['float32'], ['sigmoid', 'bce'], [{ x: [2] }]);
    expect(result(report, 'bce', 'naive', 'float32').rows).toBe(0);
    expect(result(report, 'sigmoid', 'naive', 'float32').rows).toBe(1);
  });
});
