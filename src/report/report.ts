import type { AlgorithmName, FunctionName } from '../algorithms/names.js';
import type { Dtype } from '../formats/index.js';
import { meanBits } from '../metrics/bits-of-error.js';
import { calibrationFigures, type CalibrationFigures, type CalibrationSummary, type TemperatureFit } from '../metrics/calibration.js';
import { meanOfPartials, type AnalysisSummary, type InputFigures, type MaskedOutputs, type ResultSummary, type WorstRow } from '../metrics/summary.js';
import type { CheckOutcome } from './checks.js';
import { verdictOf, type Verdict } from './verdict.js';

/**
 * The report model: what every renderer renders and what `--format json` writes (documented in
 * docs/report-schema.md). All derived numbers are computed here, once; renderers only format.
 */
export const REPORT_SCHEMA = 'logitcheck.report/1';

export interface RowRef {
  /** In a merged report: the shard (its input's path) the row belongs to. */
  shard?: string;
  /** 0-based row index in input order (within the shard, in a merged report). */
  row: number;
  /** 1-based source line (text inputs), or null. */
  line: number | null;
  /** The row's id (--id-column, --id-key), when given. */
  id?: string;
  /** JSON records holding several rows: the 0-based record and the row's 0-based position in it. */
  record?: number;
  position?: number;
  /** Tensors of rank 3 or more: the row's index over the leading axes ([4, 51]: head 4, query 51). */
  index?: number[];
}

export interface ResultReport {
  function: FunctionName;
  dtype: Dtype;
  algorithm: AlgorithmName;
  rows: number;
  verdict: Verdict;
  flags: { overflow: number; underflow: number; invalid: number; divideByZero: number };
  /** factor2: finite outputs off by a factor of 2 or more where it matters (docs/metrics.md). */
  wrong: { nan: number; inf: number; zero: number; factor2: number };
  errors: {
    count: number;
    maxAbs: number | null;
    maxRel: number | null;
    maxUlp: number | null;
    meanBits: number | null;
    maxBits: number | null;
    worstRow: RowRef | null;
    /** The exact sum of bits of error, in units of 2^-24 bits, as a decimal integer string (for merging). */
    bitsSum: string;
    /** Element counts per quarter bit of error: bin i holds [i/4, (i+1)/4) bits; trailing zero bins dropped. */
    bitsHistogram: number[];
  };
  /** softmax only: over rows whose outputs are all finite. */
  softmax?: { rows: number; maxSumDev: number | null; argmaxFlips: number };
  /**
   * cross-entropy only (SPEC section 9), over the labelled ordinary rows: meanLoss, the mean of
   * the computed losses summed exactly (NaN or Infinity when one is), beside exactMeanLoss; the
   * counts of NaN and +Infinity computed losses and of +Infinity exact ones; and both exact sums
   * as partials (non-overlapping doubles whose exact sum is the sum), for merging.
   */
  loss?: {
    rows: number;
    meanLoss: number | null;
    exactMeanLoss: number | null;
    nan: number;
    posInf: number;
    exactPosInf: number;
    sum: number[];
    exactSum: number[];
  };
  /** gradient only: labelled ordinary rows, and those whose whole computed gradient is 0 while the exact one does not round to 0. */
  gradient?: { rows: number; vanishing: number };
  /** The first row where each flag, wrong output or argmax flip occurred (exampleRows[kind][0]). */
  firstRows: Record<string, RowRef | null>;
  /** The first rows (input order, at most 5) of each kind: where to look. */
  exampleRows: Record<string, RowRef[]>;
  masked: MaskedOutputs;
}

export interface InputReport {
  path: string;
  format: string;
  /** In a merged report: the shards, in merge order. */
  shards?: Array<{ path: string; rows: number }>;
  /** Binary tensors: the dtype the file stores (e.g. "float16"), the tensor's name (safetensors) and its shape. */
  storedDtype?: string;
  tensor?: string;
  shape?: number[];
  rows: number;
  classes: number;
  logits: { min: number | null; max: number | null; maxRowSpread: number | null; maxRowSpreadRow: RowRef | null };
  dtypes: Array<Omit<InputFigures, 'listedRows'> & { listedRows: Array<RowRef & { kind: string }> }>;
  /** Where the labels came from, when rows have them (a column, a key, a file, a tensor). */
  labels?: { source: string; binary: boolean; ignoreIndex?: number };
  /**
   * Over-confidence and calibration at the exact probabilities (docs/metrics.md 5.11; absent for
   * binary logits), and the mergeable state they come from (for `logitcheck merge`).
   */
  calibration?: Omit<CalibrationFigures, 'dominance'> & { dominance: Omit<CalibrationFigures['dominance'], 'firstRows'> & { firstRows: RowRef[] } };
  calibrationState?: CalibrationSummary;
  /** --fit-temperature: the temperature minimising the exact mean loss, with the loss and ECE before (T = 1) and after. */
  temperatureFit?: TemperatureFit;
  results: ResultReport[];
}

export interface Report {
  schema: typeof REPORT_SCHEMA;
  tool: { name: 'logitcheck'; version: string };
  selection: { dtypes: Dtype[]; functions: FunctionName[]; algorithms: AlgorithmName[] };
  inputs: InputReport[];
  checks: CheckOutcome[];
  ok: boolean;
}

/** Turns the metrics' row references into the report's; a tensor's rows also get their index over the leading axes. */
export type RefMaker = (row: WorstRow | null) => RowRef | null;

export function rowRef(row: WorstRow | null): RowRef | null {
  if (row === null) return null;
  const ref: RowRef = { row: row.row, line: row.line === 0 ? null : row.line };
  const label = row.label;
  if (label?.id !== undefined) ref.id = label.id;
  if (label?.record !== undefined) ref.record = label.record;
  if (label?.position !== undefined) ref.position = label.position;
  if (label?.index !== undefined) ref.index = label.index;
  return ref;
}

/** rowRef, plus the index tuple of a row of a tensor with two or more leading axes (C order, as the readers flatten them). */
export function refMaker(shape: readonly number[] | undefined): RefMaker {
  if (shape === undefined || shape.length < 3) return rowRef;
  const leading = shape.slice(0, -1);
  return (row) => {
    const ref = rowRef(row);
    if (ref === null || ref.index !== undefined) return ref;
    const index = new Array<number>(leading.length);
    let rest = ref.row;
    for (let axis = leading.length - 1; axis >= 0; axis--) {
      index[axis] = rest % leading[axis];
      rest = Math.floor(rest / leading[axis]);
    }
    ref.index = index;
    return ref;
  };
}

const LIMB = 2n ** 52n;

export function resultReport(summary: ResultSummary, ref: RefMaker = rowRef): ResultReport {
  const errors = summary.errors;
  const none = errors.count === 0;
  let histogramEnd = errors.bitsHistogram.length;
  while (histogramEnd > 0 && errors.bitsHistogram[histogramEnd - 1] === 0) histogramEnd--;
  const report: ResultReport = {
    function: summary.function,
    dtype: summary.dtype,
    algorithm: summary.algorithm,
    rows: summary.rows,
    verdict: 'ok',
    flags: { ...summary.flags },
    wrong: { ...summary.wrong },
    errors: {
      count: errors.count,
      maxAbs: none ? null : errors.maxAbs,
      maxRel: none ? null : errors.maxRel,
      maxUlp: none ? null : errors.maxUlp,
      meanBits: none ? null : meanBits(errors.bitsSum, errors.count),
      maxBits: none ? null : Math.log2(1 + errors.maxUlp),
      worstRow: ref(errors.worstRow),
      bitsSum: (BigInt(errors.bitsSum.high) * LIMB + BigInt(errors.bitsSum.low)).toString(),
      bitsHistogram: errors.bitsHistogram.slice(0, histogramEnd),
    },
    firstRows: Object.fromEntries(firstRowEntries(summary).map(([key, rows]) => [key, rows.length === 0 ? null : ref(rows[0])])),
    exampleRows: Object.fromEntries(firstRowEntries(summary).map(([key, rows]) => [key, rows.map((row) => ref(row)!)])),
    masked: { ...summary.masked },
  };
  if (summary.loss) {
    const loss = summary.loss;
    report.loss = {
      rows: loss.rows,
      meanLoss: loss.rows === 0 ? null : loss.nan > 0 ? NaN : loss.posInf > 0 ? Infinity : meanOfPartials(loss.sum, loss.rows),
      exactMeanLoss: loss.rows === 0 ? null : loss.exactPosInf > 0 ? Infinity : meanOfPartials(loss.exactSum, loss.rows),
      nan: loss.nan,
      posInf: loss.posInf,
      exactPosInf: loss.exactPosInf,
      sum: loss.sum,
      exactSum: loss.exactSum,
    };
  }
  if (summary.gradient) report.gradient = { rows: summary.gradient.rows, vanishing: summary.gradient.vanishing };
  if (summary.softmax) {
    report.softmax = {
      rows: summary.softmax.rows,
      maxSumDev: summary.softmax.rows === 0 ? null : summary.softmax.maxSumDev,
      argmaxFlips: summary.softmax.argmaxFlips,
    };
  }
  report.verdict = verdictOf(report);
  return report;
}

/** The first-row lists a result reports: `vanishing` belongs to the gradient alone. */
function firstRowEntries(summary: ResultSummary): Array<[string, WorstRow[]]> {
  return Object.entries(summary.firstRows).filter(([key]) => key !== 'vanishing' || summary.function === 'gradient');
}

export function inputReport(
  path: string,
  source: { format: string; storedDtype?: string; tensor?: string; shape?: number[]; labels?: { source: string; binary: boolean; ignoreIndex?: number } },
  summary: AnalysisSummary,
): InputReport {
  const ref = refMaker(source.shape);
  return {
    path,
    format: source.format,
    ...(source.storedDtype === undefined ? {} : { storedDtype: source.storedDtype }),
    ...(source.tensor === undefined ? {} : { tensor: source.tensor }),
    ...(source.shape === undefined ? {} : { shape: source.shape }),
    rows: summary.input.rows,
    classes: summary.input.classes,
    logits: {
      min: summary.input.minLogit,
      max: summary.input.maxLogit,
      maxRowSpread: summary.input.maxRowSpread,
      maxRowSpreadRow: ref(summary.input.maxRowSpreadRow),
    },
    dtypes: summary.inputs.map((figures) => ({
      ...figures,
      listedRows: figures.listedRows.map((listed) => ({ ...ref(listed)!, kind: listed.kind })),
    })),
    ...(source.labels === undefined ? {} : { labels: source.labels }),
    ...calibrationReport(summary.calibration, ref),
    results: summary.results.map((result) => resultReport(result, ref)),
  };
}

function calibrationReport(summary: CalibrationSummary | undefined, ref: RefMaker): Pick<InputReport, 'calibration' | 'calibrationState'> {
  if (summary === undefined) return {};
  const figures = calibrationFigures(summary);
  return {
    calibration: { ...figures, dominance: { ...figures.dominance, firstRows: figures.dominance.firstRows.map((row) => ref(row)!) } },
    calibrationState: structuredClone(summary),
  };
}
