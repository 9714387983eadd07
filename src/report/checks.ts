import type { AlgorithmName, FunctionName } from '../algorithms/names.js';
import type { Dtype } from '../formats/index.js';
import type { ResultReport, RowRef } from './report.js';

/** The conditions `--fail-on` accepts, as users type them. */
export const FAIL_ON_CONDITIONS = ['nan', 'inf', 'zero', 'factor2', 'overflow', 'underflow', 'invalid', 'divide-by-zero', 'argmax-flip', 'masked-nan', 'masked-zero', 'masked-uniform', 'vanishing'] as const;
export type FailOnCondition = (typeof FAIL_ON_CONDITIONS)[number];

/** What the user asked CI to hold, over the selected dtypes, functions and algorithms. */
export interface CheckSpec {
  failOn: FailOnCondition[];
  maxUlp?: number;
  maxRel?: number;
  maxAbs?: number;
}

export interface CheckFailure {
  input: string;
  function: FunctionName;
  dtype: Dtype;
  algorithm: AlgorithmName;
  /** The figure's name as in the report (e.g. "wrong.nan", "errors.maxUlp"). */
  figure: string;
  value: number;
  /** Where to look: the first row with the condition, or the worst row for error limits. */
  row: RowRef | null;
}

export interface CheckOutcome {
  /** As typed: "fail-on nan", "max-ulp 4". */
  check: string;
  limit: number;
  passed: boolean;
  failures: CheckFailure[];
}

interface Figure {
  figure: string;
  value: (r: ResultReport) => number | null;
  row: (r: ResultReport) => RowRef | null;
}

const CONDITION_FIGURES: Record<FailOnCondition, Figure> = {
  nan: { figure: 'wrong.nan', value: (r) => r.wrong.nan, row: (r) => r.firstRows.nan },
  inf: { figure: 'wrong.inf', value: (r) => r.wrong.inf, row: (r) => r.firstRows.inf },
  zero: { figure: 'wrong.zero', value: (r) => r.wrong.zero, row: (r) => r.firstRows.zero },
  factor2: { figure: 'wrong.factor2', value: (r) => r.wrong.factor2, row: (r) => r.firstRows.factor2 },
  overflow: { figure: 'flags.overflow', value: (r) => r.flags.overflow, row: (r) => r.firstRows.overflow },
  underflow: { figure: 'flags.underflow', value: (r) => r.flags.underflow, row: (r) => r.firstRows.underflow },
  invalid: { figure: 'flags.invalid', value: (r) => r.flags.invalid, row: (r) => r.firstRows.invalid },
  'divide-by-zero': { figure: 'flags.divideByZero', value: (r) => r.flags.divideByZero, row: (r) => r.firstRows.divideByZero },
  'argmax-flip': { figure: 'softmax.argmaxFlips', value: (r) => r.softmax?.argmaxFlips ?? null, row: (r) => r.firstRows.argmaxFlip },
  // Fully masked rows (every logit -Infinity): what the algorithm outputs there. The exact value
  // is undefined (softmax) or -Infinity, so nan/inf do not count these; a kernel must decide.
  'masked-nan': { figure: 'masked.nan', value: (r) => r.masked.nan, row: (r) => r.firstRows.masked },
  'masked-zero': { figure: 'masked.zero', value: (r) => r.masked.zero, row: (r) => r.firstRows.masked },
  'masked-uniform': { figure: 'masked.uniformRows', value: (r) => r.masked.uniformRows, row: (r) => r.firstRows.masked },
  // Gradient rows computed as 0 everywhere where the exact gradient is not (a step that learns nothing).
  vanishing: { figure: 'gradient.vanishing', value: (r) => r.gradient?.vanishing ?? null, row: (r) => r.firstRows.vanishing ?? null },
};

function evaluate(check: string, limit: number, figure: Figure, inputs: Array<{ path: string; results: ResultReport[] }>): CheckOutcome {
  const failures: CheckFailure[] = [];
  for (const input of inputs) {
    for (const result of input.results) {
      const value = figure.value(result);
      if (value === null) continue; // the figure does not exist here (no finite elements, or not softmax)
      if (value > limit) {
        failures.push({
          input: input.path,
          function: result.function,
          dtype: result.dtype,
          algorithm: result.algorithm,
          figure: figure.figure,
          value,
          row: figure.row(result),
        });
      }
    }
  }
  return { check, limit, passed: failures.length === 0, failures };
}

/** Evaluates every requested check on every result of every input. */
export function runChecks(spec: CheckSpec, inputs: Array<{ path: string; results: ResultReport[] }>): CheckOutcome[] {
  const outcomes: CheckOutcome[] = [];
  for (const condition of spec.failOn) outcomes.push(evaluate(`fail-on ${condition}`, 0, CONDITION_FIGURES[condition], inputs));
  const limits: Array<[string, number | undefined, Figure]> = [
    ['max-ulp', spec.maxUlp, { figure: 'errors.maxUlp', value: (r) => r.errors.maxUlp, row: (r) => r.errors.worstRow }],
    ['max-rel', spec.maxRel, { figure: 'errors.maxRel', value: (r) => r.errors.maxRel, row: (r) => r.errors.worstRow }],
    ['max-abs', spec.maxAbs, { figure: 'errors.maxAbs', value: (r) => r.errors.maxAbs, row: (r) => r.errors.worstRow }],
  ];
  for (const [name, limit, figure] of limits) {
    if (limit !== undefined) outcomes.push(evaluate(`${name} ${limit}`, limit, figure, inputs));
  }
  return outcomes;
}
