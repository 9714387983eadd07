import type { LogitRow, ReadOptions } from '../input/row.js';
import type { AnalysisSelection } from '../metrics/analysis.js';
import type { InputKind } from './options.js';
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
  /** --binary. */
  binary?: boolean;
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
    try {
      const { first, batches } = await peekFirstBatch(withNotes(rows, io));
      const kind: InputKind = { classes: first?.values.length ?? 0, labelled: first?.target !== undefined, binary: request.binary === true };
      const selection = request.selectionFor(kind);
      selections.push(selection);
      summary = await analyzeBatches(batches, selection, request.jobs, (count) => progress?.rowsDone(count));
    } finally {
      progress?.stop();
    }
    inputs.push(inputReport(name, rows.info(), summary));
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
