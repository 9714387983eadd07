import { FORMATS, type Dtype } from '../formats/index.js';
import type { InputReport, ResultReport, RowRef } from './report.js';

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
  const parts = [ref.record === undefined ? `row ${ref.row}` : ref.position === undefined ? `record ${ref.record}` : `record ${ref.record}, position ${ref.position}`];
  if (ref.line !== null) parts.push(`line ${ref.line}`);
  if (ref.id !== undefined) parts.push(`id ${quoteId(ref.id)}`);
  const where = parts.join(', ');
  return ref.shard === undefined ? where : `${ref.shard} ${where}`;
}

/** An id in single quotes, control characters escaped so the description stays on one line. */
function quoteId(id: string): string {
  return `'${JSON.stringify(id).slice(1, -1).replace(/\\"/g, '"')}'`;
}

interface Kind {
  severity: 'fail' | 'warn';
  /** The count in this result, 0 when the kind does not occur. */
  count: (r: ResultReport) => number;
  unit: string;
  first: (r: ResultReport) => RowRef | null;
  what: string;
  why?: (dtypes: Dtype[], input: InputReport, algorithm: string) => string;
}

function overflowWhy(dtypes: Dtype[], input: InputReport, algorithm: string): string {
  if (algorithm !== 'naive') return 'an intermediate passed the largest finite value';
  const thresholds = dtypes.map((d) => `${Number(FORMATS[d].expThresholds.overflow).toFixed(2)} in ${d}`);
  const largest = input.logits.max === null ? '' : `; the largest logit is ${input.logits.max.toPrecision(6).replace(/\.?0+$/, '')}`;
  return `exp(x) overflows for x > ${thresholds.join(', ')}, and a sum of finite exponentials can overflow too${largest}`;
}

const KINDS: Kind[] = [
  { severity: 'fail', count: (r) => r.flags.overflow, unit: 'row', first: (r) => r.firstRows.overflow, what: 'overflows', why: overflowWhy },
  { severity: 'fail', count: (r) => r.wrong.nan, unit: 'NaN output', first: (r) => r.firstRows.nan, what: 'gives NaN where the exact value is a number' },
  { severity: 'fail', count: (r) => r.wrong.inf, unit: 'infinite output', first: (r) => r.firstRows.inf, what: 'gives +-Inf where the exact value is finite' },
  { severity: 'fail', count: (r) => r.softmax?.argmaxFlips ?? 0, unit: 'row', first: (r) => r.firstRows.argmaxFlip, what: 'changes the predicted class (argmax)' },
  { severity: 'warn', count: (r) => r.wrong.zero, unit: 'probability', first: (r) => r.firstRows.zero, what: 'flushes to 0 probabilities the dtype can hold' },
  {
    severity: 'warn',
    count: (r) => (r.verdict === 'warn' && r.wrong.zero === 0 ? (r.errors.maxUlp ?? 0) : 0),
    unit: 'ulp',
    first: (r) => r.errors.worstRow,
    what: 'loses accuracy (largest error in ulps)',
  },
];

/** "1 row", "3 rows", "2 probabilities". */
export function plural(n: number, unit: string): string {
  if (unit === 'probability') return `${n} ${n === 1 ? 'probability' : 'probabilities'}`;
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
        const first = kind.first(r);
        return `${r.dtype} ${plural(kind.count(r), kind.unit)}${first ? ` (from ${describeRow(first)})` : ''}`;
      });
      const dtypes = hit.map((r) => r.dtype);
      const why = kind.why ? `. ${kind.why(dtypes, input, hit[0].algorithm)}` : '';
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
