import type { LogitRow, ReadOptions } from '../input/row.js';
import type { AnalysisSelection } from '../metrics/analysis.js';
import type { InputKind } from './options.js';
import { UsageError } from '../errors.js';
import { fitTemperature, type TemperatureFit } from '../metrics/calibration.js';
import { analyzeBatches } from './parallel-analysis.js';
import { runChecks, type CheckSpec } from '../report/checks.js';
import { inputReport, REPORT_SCHEMA, type InputReport, type Report } from '../report/report.js';
import { emitReport, type ReportFormat } from './emit-report.js';
import { openInput } from '../input/open-input.js';
import { inputSources, withNotes } from './inputs.js';
import { countBytes, Progress, progressWanted } from './progress.js';
import type { CliIO } from './io.js';
import { checkWritable } from './output-file.js';
import { EXIT_CHECK_FAILED, EXIT_OK } from './exit-codes.js';

export interface AnalyzeRequest {
  files: string[];
  /** The analysis of an input, once its first row shows what it offers (K, labels). */
  selectionFor: (kind: InputKind) => AnalysisSelection;
  /** --temperature: logits divided by it in each dtype; the calibration figures at it too. */
  temperature?: number;
  /** --fit-temperature: the temperature that minimises the exact mean loss, with the ECE before and after. */
  fitTemperature?: boolean;
  functions: Report['selection']['functions'];
  algorithms: Report['selection']['algorithms'];
  read: ReadOptions;
  checks: CheckSpec;
  format: ReportFormat;
  output?: string;
  details: boolean;
  /** Threads for the analysis (1: this one only). */
  jobs: number;
  version: string;
}

/** The first batch of a stream (to see what the input offers), and the stream with it put back. */
export async function peekFirstBatch(stream: AsyncIterable<LogitRow[]>): Promise<{ first: LogitRow | undefined; batches: AsyncIterable<LogitRow[]> }> {
  const iterator = stream[Symbol.asyncIterator]();
  const head = await iterator.next();
  async function* batches(): AsyncGenerator<LogitRow[]> {
    if (head.done) return;
    yield head.value;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  }
  return { first: head.done ? undefined : head.value[0], batches: batches() };
}

/** A labelled row kept for --fit-temperature. */
interface KeptRow {
  values: Float64Array;
  target: number;
}

/**
 * The stream, with every labelled row kept on the side for --fit-temperature: the fit evaluates
 * the exact loss over all rows at each of its ~50 temperatures, so it needs them again (8 bytes
 * a logit; docs/metrics.md 5.11).
 */
async function* keepRows(batches: AsyncIterable<LogitRow[]>, kept: KeptRow[], ignoreIndex: number | undefined): AsyncGenerator<LogitRow[]> {
  for await (const batch of batches) {
    for (const row of batch) if (row.target !== undefined && row.target !== ignoreIndex) kept.push({ values: Float64Array.from(row.values), target: row.target });
    yield batch;
  }
}

function fitOver(kept: readonly KeptRow[], ignoreIndex: number | undefined): TemperatureFit {
  return fitTemperature((visit) => {
    for (const row of kept) visit(row.values, row.values.length, row.target);
  }, ignoreIndex === undefined ? {} : { ignoreIndex });
}

function withTemperature(selection: AnalysisSelection, temperature: number | undefined, kind: InputKind, name: string): AnalysisSelection {
  if (temperature === undefined || temperature === 1) return selection;
  if (kind.binary || kind.classes === 1) throw new UsageError(`--temperature applies to K logits per row; ${name} has one logit per row`);
  return { ...selection, temperature };
}

/** Reads every input, analyses it, checks, renders: the whole of `logitcheck analyze`. Returns the exit status. */
export async function analyze(request: AnalyzeRequest, io: CliIO): Promise<number> {
  if (request.output !== undefined) checkWritable(request.output);
  const inputs: InputReport[] = [];
  const selections: AnalysisSelection[] = [];
  for (const file of request.files) {
    // The bar is made once the input's size is known; the bytes are counted from the first read.
    let progress: Progress | null = null;
    const { name, rows, countsBytes, size } = openInput(file, inputSources(io), request.read, (bytes) => countBytes(bytes, (n) => progress?.bytesRead(n)));
    // Text inputs are counted in bytes as they are read; tensors are read at offsets: rows only.
    if (progressWanted(io, request.format)) progress = new Progress(io, file === '-' ? 'stdin' : file, countsBytes ? size : undefined, countsBytes);
    let summary;
    let fit: TemperatureFit | undefined;
    try {
      const { first, batches } = await peekFirstBatch(withNotes(rows, io));
      const kind: InputKind = { classes: first?.values.length ?? 0, labelled: first?.target !== undefined, binary: request.read.binary === true };
      const selection = withTemperature(request.selectionFor(kind), request.temperature, kind, name);
      selections.push(selection);
      if (request.fitTemperature && !kind.labelled) throw new UsageError(`--fit-temperature needs a label per row; ${name} has none (--labels, --label-key or --labels-tensor)`);
      const kept: KeptRow[] = [];
      const source = request.fitTemperature ? keepRows(batches, kept, selection.ignoreIndex) : batches;
      summary = await analyzeBatches(source, selection, request.jobs, (count) => progress?.rowsDone(count));
      if (request.fitTemperature) fit = fitOver(kept, selection.ignoreIndex);
    } finally {
      progress?.stop();
    }
    const report = inputReport(name, rows.info(), summary);
    if (fit !== undefined) report.temperatureFit = fit;
    inputs.push(report);
  }
  const checks = runChecks(request.checks, inputs);
  const report: Report = {
    schema: REPORT_SCHEMA,
    tool: { name: 'logitcheck', version: request.version },
    // What was analysed: the requested names that apply to at least one selected pair.
    selection: {
      dtypes: [...(selections[0]?.dtypes ?? [])],
      functions: request.functions.filter((fn) => selections.some((s) => s.results.some((r) => r.function === fn))),
      algorithms: request.algorithms.filter((algorithm) => selections.some((s) => s.results.some((r) => r.algorithm === algorithm))),
    },
    inputs,
    checks,
    ok: checks.every((check) => check.passed),
  };
  await emitReport(report, request.format, request.output, request.details, io);
  return report.ok ? EXIT_OK : EXIT_CHECK_FAILED;
}
