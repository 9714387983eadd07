// Hand-made reports for the renderer tests: every figure stated here, none computed.
import type { Dtype } from '../../src/formats/index.js';
import type { InputReport, Report, ResultReport } from '../../src/report/report.js';
import type { Verdict } from '../../src/report/verdict.js';

const NO_ROWS = { overflow: null, underflow: null, invalid: null, divideByZero: null, nan: null, inf: null, zero: null, factor2: null, argmaxFlip: null, masked: null };
const NO_LISTS = { overflow: [], underflow: [], invalid: [], divideByZero: [], nan: [], inf: [], zero: [], factor2: [], argmaxFlip: [], masked: [] };

export function result(fields: { dtype: Dtype; algorithm: ResultReport['algorithm']; verdict: Verdict; nan?: number; inf?: number; maxUlp?: number; meanBits?: number; maxBits?: number }): ResultReport {
  return {
    function: 'softmax',
    dtype: fields.dtype,
    algorithm: fields.algorithm,
    rows: 4,
    verdict: fields.verdict,
    flags: { overflow: 0, underflow: 0, invalid: 0, divideByZero: 0 },
    wrong: { nan: fields.nan ?? 0, inf: fields.inf ?? 0, zero: 0, factor2: 0 },
    errors: {
      count: 8,
      maxAbs: 0.1,
      maxRel: 0.1,
      maxUlp: fields.maxUlp ?? 1,
      meanBits: fields.meanBits ?? 0.5,
      maxBits: fields.maxBits ?? 1,
      worstRow: { row: 2, line: 4 },
      bitsSum: '0',
      bitsHistogram: [8],
    },
    softmax: { rows: 4, maxSumDev: 0, argmaxFlips: 0 },
    firstRows: { ...NO_ROWS },
    exampleRows: structuredClone(NO_LISTS),
    masked: { rows: 0, nan: 0, zero: 0, negInf: 0, posInf: 0, finite: 0, uniformRows: 0 },
  };
}

export function report(results: ResultReport[], dtypes: Dtype[], checks: Report['checks'] = []): Report {
  const input: InputReport = {
    path: 'in.csv',
    format: 'csv',
    rows: 4,
    classes: 2,
    logits: { min: 0, max: 1, maxRowSpread: 1, maxRowSpreadRow: { row: 0, line: 2 } },
    dtypes: [],
    results,
  };
  return {
    schema: 'logitcheck.report/1',
    tool: { name: 'logitcheck', version: '0.0.0' },
    selection: { dtypes, functions: ['softmax'], algorithms: [...new Set(results.map((r) => r.algorithm))] },
    inputs: [input],
    checks,
    ok: checks.every((check) => check.passed),
  };
}
