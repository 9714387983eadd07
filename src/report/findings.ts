import { FORMATS, type Dtype } from '../formats/index.js';
import { saturationMarginValue } from '../metrics/calibration.js';
import type { InputReport, ResultReport, RowRef } from './report.js';
import { FAIL_SUM_DEVIATION } from './verdict.js';

/**
 * One thing worth telling a person, in plain words, with where to look: one (function,
 * algorithm, kind of failure), over the dtypes where it happens.
 */
export interface Finding {
  severity: 'fail' | 'warn';
  function: string;
  algorithm: string;
  dtypes: Dtype[];
  message: string;
}

/**
 * Where a row is, in words: `row 12, line 14`; a row of a JSON record holding several rows by its
 * record and position, as the user would find it (`record 3, position 7, line 4`); then its id
 * when it has one (`row 12, line 14, id 'img_0412'`).
 */
export function describeRow(ref: RowRef | null): string {
  if (ref === null) return '';
  let where: string;
  if (ref.index !== undefined) where = `row [${ref.index.join(', ')}]`;
  else {
    const parts = [ref.record === undefined ? `row ${ref.row}` : ref.position === undefined ? `record ${ref.record}` : `record ${ref.record}, position ${ref.position}`];
    if (ref.line !== null) parts.push(`line ${ref.line}`);
    where = parts.join(', ');
  }
  if (ref.id !== undefined) where += `, id ${quoteId(ref.id)}`;
  return ref.shard === undefined ? where : `${ref.shard} ${where}`;
}

/** The first rows of a kind of failure, as many as the report keeps (5): "row 1, line 3; row 4, line 6". */
export function describeRows(refs: readonly RowRef[]): string {
  return refs.map(describeRow).join('; ');
}

/** An id in single quotes, control characters escaped so the description stays on one line. */
function quoteId(id: string): string {
  return `'${JSON.stringify(id).slice(1, -1).replace(/\\"/g, '"')}'`;
}

interface Kind {
  severity: 'fail' | 'warn';
  /** The count in this result, 0 when the kind does not occur. */
  count: (r: ResultReport) => number;
  unit: string | ((r: ResultReport) => string);
  rows: (r: ResultReport) => RowRef[];
  what: string;
  why?: (dtypes: Dtype[], input: InputReport, algorithm: string, results: ResultReport[]) => string;
}

function overflowWhy(dtypes: Dtype[], input: InputReport, algorithm: string): string {
  if (algorithm !== 'naive') return 'An intermediate passed the largest finite value';
  const thresholds = dtypes.map((d) => `${Number(FORMATS[d].expThresholds.overflow).toFixed(2)} in ${d}`);
  const largest = input.logits.max === null ? '' : `; the largest logit is ${input.logits.max.toPrecision(6).replace(/\.?0+$/, '')}`;
  return `exp(x) overflows for x > ${thresholds.join(', ')}, and a sum of finite exponentials can overflow too${largest}`;
}

/**
 * Why outputs are off by a factor of 2. A left-to-right sum in precision p stalls once it reaches
 * 2^p, where adding a term of at most 1 rounds back to the sum (ties to even): with more than 2^p
 * classes, the sum of K terms near 1 ends near 2^p instead of K.
 */
function factor2Why(dtypes: Dtype[], input: InputReport, results: ResultReport[]): string {
  if (results[0].function === 'bce' && results[0].algorithm === 'clamped') {
    return 'The sigmoid rounded to 0 or 1, so a log(0) was clamped to -100 (torch.nn.BCELoss): the loss becomes 100 times the target weight instead of about |x|; use BCE with logits';
  }
  if (results[0].function === 'gradient') {
    const spacing = dtypes.map((d) => `2^-${FORMATS[d].precision} in ${d}`).join(', ');
    return `At the label, softmax_y - 1 cancels: softmax_y is held to the spacing just below 1 (${spacing}), so a gradient smaller than that comes out 0 or a whole spacing: form 1 - softmax_y as the sum of the other probabilities, or compute in float32`;
  }
  const stalled = dtypes.filter((d) => input.classes > 2 ** FORMATS[d].precision);
  if (stalled.length === 0) return 'An intermediate lost all its accuracy: see these rows with --details or --format json';
  const limits = stalled.map((d) => `2^${FORMATS[d].precision} = ${2 ** FORMATS[d].precision} in ${d}`).join(', ');
  return `K = ${input.classes} exceeds ${limits}, so a left-to-right sum of K terms near 1 stalls at 2^p: accumulate in a wider dtype (float32) or sum pairwise`;
}

/** The unit of one output element, in words. */
function elementUnit(r: ResultReport): string {
  switch (r.function) {
    case 'softmax':
    case 'sigmoid':
      return 'probability';
    case 'logsumexp':
      return 'log-sum-exp';
    case 'cross-entropy':
    case 'bce':
      return 'loss';
    case 'gradient':
      return 'gradient element';
    default:
      return 'log-probability';
  }
}

/** Why a loss is +Infinity: the log of a probability that underflowed to 0. */
function infiniteWhy(dtypes: Dtype[], input: InputReport, algorithm: string, results: ResultReport[]): string {
  const fn = results[0].function;
  if (fn === 'cross-entropy' && (algorithm === 'naive' || algorithm === 'log-of-softmax')) {
    return "Softmax flushed the true class's probability to 0 and log(0) = -Inf: compute the loss from log-softmax (max-shift, log1p) or use a fused cross-entropy";
  }
  if (fn === 'log-softmax' && algorithm === 'log-of-softmax') return 'Softmax flushed a probability to 0 and log(0) = -Inf: compute log-softmax as (x - m) - log(s) (max-shift, log1p)';
  if (fn === 'bce' && algorithm === 'naive') return 'The sigmoid rounded to 0 or 1 and log(0) = -Inf: use BCE with logits (max(x, 0) - x y + log1p(exp(-|x|)))';
  return overflowWhy(dtypes, input, algorithm);
}

function vanishingWhy(dtypes: Dtype[], input: InputReport): string {
  // The saturation margin of docs/metrics.md 5.11 (the same figure as the calibration lines).
  const margins = dtypes.map((d) => `${(saturationMarginValue(input.classes, d) ?? 0).toFixed(1)} nats in ${d}`).join(', ');
  return `The true class's probability rounds to 1 once its margin over every other logit exceeds ${margins} (K = ${input.classes}), and the other elements underflow to 0: compute softmax - onehot in float32 or wider, or lower the logits' scale (temperature)`;
}

function zeroWhy(dtypes: Dtype[], input: InputReport, algorithm: string, results: ResultReport[]): string {
  if (results[0].function === 'cross-entropy') {
    return algorithm === 'log1p'
      ? 'Every exp(x_j - m) of the other classes underflowed: the loss is below what the dtype holds after them'
      : 'Once the other classes add less than half an ulp of 1 to s, log(s) rounds to log(1) = 0 and the loss (about the sum of the others) is lost; log1p computes log1p(s\') and keeps it';
  }
  return '';
}

const KINDS: Kind[] = [
  { severity: 'fail', count: (r) => r.flags.overflow, unit: 'row', rows: (r) => r.exampleRows.overflow, what: 'overflows', why: overflowWhy },
  { severity: 'fail', count: (r) => r.wrong.nan, unit: 'NaN output', rows: (r) => r.exampleRows.nan, what: 'gives NaN where the exact value is a number' },
  { severity: 'fail', count: (r) => r.wrong.inf, unit: 'infinite output', rows: (r) => r.exampleRows.inf, what: 'gives +-Inf where the exact value is finite', why: infiniteWhy },
  {
    severity: 'fail',
    count: (r) => r.wrong.factor2,
    unit: elementUnit,
    rows: (r) => r.exampleRows.factor2,
    what: 'is off by a factor of 2 or more',
    why: (dtypes, input, _algorithm, results) => factor2Why(dtypes, input, results),
  },
  {
    severity: 'fail',
    count: (r) => ((r.softmax?.maxSumDev ?? 0) > FAIL_SUM_DEVIATION ? 1 : 0),
    unit: () => 'sum',
    rows: () => [],
    what: 'gives probabilities whose sum is off from 1 by more than 1/2 (largest |sum - 1|)',
    why: (dtypes, input, _algorithm, results) => factor2Why(dtypes, input, results),
  },
  { severity: 'fail', count: (r) => r.softmax?.argmaxFlips ?? 0, unit: 'row', rows: (r) => r.exampleRows.argmaxFlip, what: 'changes the predicted class (argmax)' },
  {
    severity: 'fail',
    count: (r) => r.gradient?.vanishing ?? 0,
    unit: 'row',
    rows: (r) => r.exampleRows.vanishing ?? [],
    what: 'gradients vanish (the whole computed gradient is 0, the exact one is not)',
    why: (dtypes, input) => vanishingWhy(dtypes, input),
  },
  {
    severity: 'warn',
    count: (r) => r.wrong.zero,
    unit: elementUnit,
    rows: (r) => r.exampleRows.zero,
    what: 'flushes to 0 values the dtype can hold',
    why: (dtypes, input, algorithm, results) => zeroWhy(dtypes, input, algorithm, results),
  },
  {
    severity: 'warn',
    count: (r) => (r.verdict === 'warn' && r.wrong.zero === 0 ? (r.errors.maxUlp ?? 0) : 0),
    unit: 'ulp',
    rows: (r) => (r.errors.worstRow === null ? [] : [r.errors.worstRow]),
    what: 'loses accuracy (largest error in ulps)',
  },
];

/** "1 row", "3 rows", "2 probabilities". */
export function plural(n: number, unit: string): string {
  if (unit === 'probability') return `${n} ${n === 1 ? 'probability' : 'probabilities'}`;
  if (unit === 'log-probability') return `${n} ${n === 1 ? 'log-probability' : 'log-probabilities'}`;
  if (unit === 'loss') return `${n} ${n === 1 ? 'loss' : 'losses'}`;
  if (unit === 'class') return `${n} ${n === 1 ? 'class' : 'classes'}`;
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

/** The findings of one input, failures first, in function and algorithm order. */
export function findingsOf(input: InputReport): Finding[] {
  const findings: Finding[] = [];
  const groups = new Map<string, ResultReport[]>();
  for (const result of input.results) {
    const key = `${result.function} ${result.algorithm}`;
    groups.set(key, [...(groups.get(key) ?? []), result]);
  }
  for (const kind of KINDS) {
    for (const [name, results] of groups) {
      const hit = results.filter((r) => kind.count(r) > 0);
      if (hit.length === 0) continue;
      const parts = hit.map((r) => {
        const rows = kind.rows(r);
        const unit = typeof kind.unit === 'string' ? kind.unit : kind.unit(r);
        const where = rows.length === 0 ? '' : rows.length === 1 ? ` (${describeRow(rows[0])})` : ` (first: ${describeRows(rows)})`;
        return unit === 'sum' ? `${r.dtype} ${(r.softmax?.maxSumDev ?? 0).toPrecision(3)}` : `${r.dtype} ${plural(kind.count(r), unit)}${where}`;
      });
      const dtypes = hit.map((r) => r.dtype);
      const reason = kind.why ? kind.why(dtypes, input, hit[0].algorithm, hit) : '';
      const why = reason === '' ? '' : `. ${reason}`;
      findings.push({
        severity: kind.severity,
        function: hit[0].function,
        algorithm: hit[0].algorithm,
        dtypes,
        message: `${name} ${kind.what}: ${parts.join('; ')}${why}.`,
      });
    }
  }
  return findings.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'fail' ? -1 : 1));
}

/**
 * What the algorithms output on fully masked rows (every logit -Infinity, as causal or padding
 * masks make them), one line per function, with the checks that catch it: the exact softmax is
 * undefined there and nan/inf do not count these rows, so without this line they pass unseen.
 */
export function maskedLines(input: InputReport): string[] {
  const masked = Math.max(0, ...input.dtypes.map((d) => d.maskedRows));
  if (masked === 0) return [];
  const lines: string[] = [];
  for (const fn of [...new Set(input.results.map((r) => r.function))]) {
    const groups = new Map<string, string[]>();
    for (const r of input.results.filter((x) => x.function === fn && x.masked.rows > 0)) {
      const word = maskedOutput(r);
      const name = input.dtypes.every((d) => d.maskedRows === masked) ? r.algorithm : `${r.algorithm} ${r.dtype}`;
      const names = groups.get(word) ?? [];
      if (!names.includes(name)) names.push(name);
      groups.set(word, names);
    }
    if (groups.size === 0) continue;
    lines.push(`${fn}: ${[...groups].map(([word, names]) => `${word} (${names.join(', ')})`).join('; ')}`);
  }
  const first = input.dtypes.find((d) => d.maskedRows > 0)?.listedRows.find((row) => row.kind === 'masked');
  const head = `${plural(masked, 'fully masked row')} (every logit -Inf${first ? `; first: ${describeRow(first)}` : ''}) give:`;
  return [head, ...lines.map((line) => `  ${line}`), '  to fail CI on these: --fail-on masked-nan (or masked-zero, masked-uniform)'];
}

/** What a result outputs on fully masked rows, in a word: NaN, some NaN, uniform, 0, -Inf, +Inf or mixed. */
export function maskedOutput(r: ResultReport): string {
  const m = r.masked;
  if (m.nan > 0) return m.nan === m.nan + m.zero + m.negInf + m.posInf + m.finite ? 'NaN' : 'some NaN';
  if (m.uniformRows === m.rows) return 'uniform';
  const total = m.zero + m.negInf + m.posInf + m.finite;
  if (m.zero === total) return '0';
  if (m.negInf === total) return '-Inf';
  if (m.posInf === total) return '+Inf';
  return 'mixed';
}
