import { InputError } from '../errors.js';
import { HISTOGRAM_SIZE } from '../metrics/bits-of-error.js';
import {
  emptyInputFigures,
  emptyInputShape,
  emptyResultSummary,
  mergeAnalysisSummary,
  type AnalysisSummary,
  type ResultSummary,
  rowAt,
  type RowLabel,
  type WorstRow,
} from '../metrics/summary.js';
import type { CalibrationSummary } from '../metrics/calibration.js';
import { inputReport, REPORT_SCHEMA, type InputReport, type Report, type ResultReport, type RowRef } from './report.js';

/**
 * Merges the reports of shards of one dataset into the report of the whole, exactly, with the
 * very merge `analyze --jobs` uses (mergeAnalysisSummary): each report is turned back into the
 * mergeable summary it was rendered from, its rows numbered after the rows of the shards before
 * it, the summaries merged, and the result rendered again, so ties go to the earlier shard as one
 * pass over the shards in merge order would decide. Rows come out shard-qualified
 * ({shard, row, line}, row and line within the shard).
 */
export interface ShardReport {
  /** The report file, for messages. */
  file: string;
  report: Report;
}

interface Shard {
  name: string;
  rows: number;
  /** The first row of this shard in the merged numbering. */
  offset: number;
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
  // An input that is itself a merge brings its own shards.
  const paths = inputs.flatMap(({ input }) => input.shards?.map((s) => s.path) ?? [input.path]);
  const all: Shard[] = [];
  let summary: AnalysisSummary | null = null;
  for (const { file, input } of inputs) {
    const own: Shard[] = (input.shards ?? [{ path: input.path, rows: input.rows }]).map((s) => ({
      name: paths.filter((p) => p === s.path).length > 1 ? `${file}:${s.path}` : s.path,
      rows: s.rows,
      offset: 0,
    }));
    for (const shard of own) {
      shard.offset = all.reduce((rows, s) => rows + s.rows, 0);
      all.push(shard);
    }
    const toGlobal = (ref: RowRef | null): WorstRow | null => {
      if (ref === null) return null;
      // A merged input's rows name their shard by its path in that input's own shards list.
      const index = ref.shard === undefined ? 0 : Math.max(0, input.shards?.findIndex((s) => s.path === ref.shard) ?? 0);
      const shard = own[index];
      return rowAt(shard.offset + ref.row, ref.line ?? 0, labelOf(ref));
    };
    const part = summaryOf(input, toGlobal);
    if (summary === null) summary = part;
    else mergeAnalysisSummary(summary, part);
  }
  const merged = inputReport(all.length === 1 ? all[0].name : `${all.length} shards`, { format: [...new Set(inputs.map(({ input }) => input.format))].join(',') }, summary!);
  merged.shards = all.map((s) => ({ path: s.name, rows: s.rows }));
  qualifyRows(merged, (ref) => {
    const shard = [...all].reverse().find((s) => ref.row >= s.offset)!;
    return { ...ref, shard: shard.name, row: ref.row - shard.offset };
  });
  return { input: merged, selection: first.report.selection };
}

/** The label a report's row reference carries, kept through the merge. */
function labelOf(ref: RowRef): RowLabel | undefined {
  if (ref.id === undefined && ref.record === undefined && ref.position === undefined && ref.index === undefined) return undefined;
  const label: RowLabel = {};
  if (ref.index !== undefined) label.index = ref.index;
  if (ref.id !== undefined) label.id = ref.id;
  if (ref.record !== undefined) label.record = ref.record;
  if (ref.position !== undefined) label.position = ref.position;
  return label;
}

/** The mergeable summary an input report was rendered from (src/report/report.ts in reverse). */
function summaryOf(input: InputReport, toGlobal: (ref: RowRef | null) => WorstRow | null): AnalysisSummary {
  const shape = emptyInputShape();
  Object.assign(shape, {
    rows: input.rows,
    classes: input.classes,
    minLogit: input.logits.min,
    maxLogit: input.logits.max,
    maxRowSpread: input.logits.maxRowSpread,
    maxRowSpreadRow: toGlobal(input.logits.maxRowSpreadRow),
  });
  return {
    input: shape,
    ...(input.calibrationState === undefined ? {} : { calibration: calibrationOf(input, toGlobal) }),
    inputs: input.dtypes.map((figures) => ({
      ...emptyInputFigures(figures.dtype),
      ...figures,
      listedRows: figures.listedRows.map((listed) => ({ ...toGlobal(listed)!, kind: listed.kind as never })),
    })),
    results: input.results.map((result) => resultSummaryOf(result, toGlobal)),
  };
}

const LIMB = 2n ** 52n;

function resultSummaryOf(result: ResultReport, toGlobal: (ref: RowRef | null) => WorstRow | null): ResultSummary {
  const e = result.errors;
  const bitsSum = BigInt(e.bitsSum);
  const histogram = new Array<number>(HISTOGRAM_SIZE).fill(0);
  e.bitsHistogram.forEach((count, bin) => (histogram[bin] = count));
  return {
    function: result.function,
    dtype: result.dtype,
    algorithm: result.algorithm,
    rows: result.rows,
    flags: { ...result.flags },
    wrong: { ...result.wrong, factor2: result.wrong.factor2 ?? 0 }, // 0 in reports written before factor2 existed
    errors: {
      count: e.count,
      maxAbs: e.maxAbs ?? 0,
      maxRel: e.maxRel ?? 0,
      maxUlp: e.maxUlp ?? -1,
      worstRow: toGlobal(e.worstRow),
      bitsSum: { high: Number(bitsSum / LIMB), low: Number(bitsSum % LIMB) },
      bitsHistogram: histogram,
    },
    // Reports written before exampleRows existed have the first row only.
    // Keys a report leaves out (vanishing, but for gradients) start empty.
    firstRows: {
      ...emptyResultSummary(result.function, result.dtype, result.algorithm).firstRows,
      ...Object.fromEntries(
        Object.entries(result.firstRows).map(([key, ref]) => [key, (result.exampleRows?.[key] ?? (ref === null ? [] : [ref])).map((row) => toGlobal(row)!)]),
      ),
    },
    softmax: result.softmax ? { rows: result.softmax.rows, maxSumDev: result.softmax.maxSumDev ?? 0, argmaxFlips: result.softmax.argmaxFlips } : undefined,
    loss: result.loss
      ? { rows: result.loss.rows, sum: result.loss.sum, nan: result.loss.nan, posInf: result.loss.posInf, exactSum: result.loss.exactSum, exactPosInf: result.loss.exactPosInf }
      : undefined,
    gradient: result.gradient ? { ...result.gradient } : undefined,
    masked: { ...result.masked, uniformRows: result.masked.uniformRows ?? 0 },
  };
}

/** The calibration state of an input report, its rows (kept as references in the figures) made global. */
function calibrationOf(input: InputReport, toGlobal: (ref: RowRef | null) => WorstRow | null): CalibrationSummary {
  const state = structuredClone(input.calibrationState!);
  state.dominance.firstRows = (input.calibration?.dominance.firstRows ?? []).map((ref) => toGlobal(ref)!);
  return state;
}

/** Rewrites every row reference of an input report. */
function qualifyRows(input: InputReport, qualify: (ref: RowRef) => RowRef): void {
  const map = (ref: RowRef | null) => (ref === null ? null : qualify(ref));
  input.logits.maxRowSpreadRow = map(input.logits.maxRowSpreadRow);
  for (const figures of input.dtypes) figures.listedRows = figures.listedRows.map((listed) => ({ ...qualify(listed), kind: listed.kind }));
  if (input.calibration) input.calibration.dominance.firstRows = input.calibration.dominance.firstRows.map(qualify);
  for (const result of input.results) {
    result.errors.worstRow = map(result.errors.worstRow);
    for (const key of Object.keys(result.firstRows)) result.firstRows[key] = map(result.firstRows[key]);
    for (const key of Object.keys(result.exampleRows)) result.exampleRows[key] = result.exampleRows[key].map(qualify);
  }
}

/** JSON.parse reviver: the report writes non-finite numbers as these strings. */
export function reviveNonFinite(key: string, value: unknown): unknown {
  if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') {
    if (['path', 'input', 'shard', 'check', 'format', 'id'].includes(key)) return value;
    return Number(value);
  }
  return value;
}
