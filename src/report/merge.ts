import { InputError } from '../errors.js';
import { meanBits } from '../metrics/bits-of-error.js';
import { LISTED_ROWS_LIMIT } from '../metrics/summary.js';
import { REPORT_SCHEMA, type InputReport, type Report, type ResultReport, type RowRef } from './report.js';
import { verdictOf } from './verdict.js';

/**
 * Merges the reports of shards of one dataset into the report of the whole, exactly: counts and
 * sums add, maxima take the max, the exact sums of bits add (so meanBits is what one pass would
 * give), histograms add. Rows become shard-qualified ({shard, row, line}); ties go to the earlier
 * shard in merge order, as one pass over the shards in that order would decide.
 */
export interface ShardReport {
  /** The report file, for messages. */
  file: string;
  report: Report;
}

export function mergeReports(shards: ShardReport[]): { input: InputReport; selection: Report['selection'] } {
  if (shards.length === 0) throw new InputError({ file: '<merge>' }, 'no reports to merge');
  const first = shards[0];
  for (const shard of shards) {
    if (shard.report.schema !== REPORT_SCHEMA) {
      throw new InputError({ file: shard.file }, `not a logitcheck report (schema ${JSON.stringify(shard.report.schema)}, expected "${REPORT_SCHEMA}")`);
    }
    if (JSON.stringify(shard.report.selection) !== JSON.stringify(first.report.selection)) {
      throw new InputError({ file: shard.file }, `its selection (dtypes, functions, algorithms) differs from ${first.file}'s: analyse every shard with the same options`);
    }
  }
  const inputs = shards.flatMap((shard) => shard.report.inputs.map((input) => ({ file: shard.file, input })));
  const classes = inputs[0].input.classes;
  for (const { file, input } of inputs) {
    if (input.classes !== classes) throw new InputError({ file }, `${input.path} has ${input.classes} classes, ${inputs[0].input.path} has ${classes}: not shards of one dataset`);
  }
  // A shard is named by its input's path, or by report file and path when paths repeat (stdin).
  const paths = inputs.map(({ input }) => input.path);
  const names = inputs.map(({ file, input }) => (paths.filter((p) => p === input.path).length > 1 ? `${file}:${input.path}` : input.path));
  const qualify = (ref: RowRef | null, shard: number): RowRef | null => (ref === null ? null : { ...ref, shard: ref.shard ?? names[shard] });

  const merged: InputReport = {
    path: names.length === 1 ? names[0] : `${names.length} shards`,
    format: [...new Set(inputs.map(({ input }) => input.format))].join(','),
    shards: inputs.map(({ input }, i) => ({ path: names[i], rows: input.rows })),
    rows: 0,
    classes,
    logits: { min: null, max: null, maxRowSpread: null, maxRowSpreadRow: null },
    dtypes: inputs[0].input.dtypes.map((figures) => ({ ...figures, castOverflow: 0, castUnderflow: 0, nanRows: 0, posInfRows: 0, maskedRows: 0, ordinaryRows: 0, listedRows: [] })),
    results: [],
  };
  inputs.forEach(({ input }, shard) => {
    merged.rows += input.rows;
    const logits = merged.logits;
    if (input.logits.min !== null) logits.min = logits.min === null ? input.logits.min : Math.min(logits.min, input.logits.min);
    if (input.logits.max !== null) logits.max = logits.max === null ? input.logits.max : Math.max(logits.max, input.logits.max);
    if (input.logits.maxRowSpread !== null && (logits.maxRowSpread === null || input.logits.maxRowSpread > logits.maxRowSpread)) {
      logits.maxRowSpread = input.logits.maxRowSpread;
      logits.maxRowSpreadRow = qualify(input.logits.maxRowSpreadRow, shard);
    }
    input.dtypes.forEach((figures, d) => {
      const into = merged.dtypes[d];
      for (const key of ['castOverflow', 'castUnderflow', 'nanRows', 'posInfRows', 'maskedRows', 'ordinaryRows'] as const) into[key] += figures[key];
      for (const listed of figures.listedRows) {
        if (into.listedRows.length < LISTED_ROWS_LIMIT) into.listedRows.push({ ...qualify(listed, shard)!, kind: listed.kind });
      }
    });
  });
  merged.results = inputs[0].input.results.map((_, r) => mergeResults(inputs.map(({ input }) => input.results[r]), qualify));
  return { input: merged, selection: first.report.selection };
}

function maxOf(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

function mergeResults(results: ResultReport[], qualify: (ref: RowRef | null, shard: number) => RowRef | null): ResultReport {
  const first = results[0];
  const out: ResultReport = structuredClone(first);
  out.errors.worstRow = qualify(first.errors.worstRow, 0);
  out.firstRows = Object.fromEntries(Object.entries(first.firstRows).map(([key, ref]) => [key, qualify(ref, 0)]));
  let bitsSum = BigInt(first.errors.bitsSum);
  results.slice(1).forEach((result, index) => {
    const shard = index + 1;
    if (result.function !== first.function || result.dtype !== first.dtype || result.algorithm !== first.algorithm) {
      throw new InputError({ file: '<merge>' }, 'reports list their results in different orders: analyse every shard with the same logitcheck version and options');
    }
    out.rows += result.rows;
    for (const key of ['overflow', 'underflow', 'invalid', 'divideByZero'] as const) out.flags[key] += result.flags[key];
    for (const key of ['nan', 'inf', 'zero'] as const) out.wrong[key] += result.wrong[key];
    for (const key of ['rows', 'nan', 'zero', 'negInf', 'posInf', 'finite'] as const) out.masked[key] += result.masked[key];
    const e = out.errors;
    const o = result.errors;
    if (o.maxUlp !== null && (e.maxUlp === null || o.maxUlp > e.maxUlp)) e.worstRow = qualify(o.worstRow, shard);
    e.maxUlp = maxOf(e.maxUlp, o.maxUlp);
    e.maxAbs = maxOf(e.maxAbs, o.maxAbs);
    e.maxRel = maxOf(e.maxRel, o.maxRel);
    e.count += o.count;
    bitsSum += BigInt(o.bitsSum);
    for (let i = 0; i < o.bitsHistogram.length; i++) e.bitsHistogram[i] = (e.bitsHistogram[i] ?? 0) + o.bitsHistogram[i];
    for (const [key, ref] of Object.entries(result.firstRows)) out.firstRows[key] ??= qualify(ref, shard);
    if (out.softmax && result.softmax) {
      out.softmax.rows += result.softmax.rows;
      out.softmax.maxSumDev = maxOf(out.softmax.maxSumDev, result.softmax.maxSumDev);
      out.softmax.argmaxFlips += result.softmax.argmaxFlips;
    }
  });
  const e = out.errors;
  e.bitsSum = bitsSum.toString();
  // Derived figures, recomputed from the merged exact ones just as a single pass computes them.
  const limb = 2n ** 52n;
  e.meanBits = e.count === 0 ? null : meanBits({ high: Number(bitsSum / limb), low: Number(bitsSum % limb) }, e.count);
  e.maxBits = e.maxUlp === null ? null : Math.log2(1 + e.maxUlp);
  out.verdict = verdictOf(out);
  return out;
}

/** JSON.parse reviver: the report writes non-finite numbers as these strings. */
export function reviveNonFinite(key: string, value: unknown): unknown {
  if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') {
    if (['path', 'input', 'shard', 'check', 'format'].includes(key)) return value;
    return Number(value);
  }
  return value;
}
