import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LogitRow } from '../input/row.js';
import { Analysis, type AnalysisSelection } from '../metrics/analysis.js';
import { mergeAnalysisSummary, type AnalysisSummary, type RowLabel } from '../metrics/summary.js';

// Always the compiled worker: a worker thread runs plain JavaScript, also when the caller is
// the TypeScript source under vitest (npm test builds dist first).
const WORKER = fileURLToPath(new URL('../../dist/cli/analysis-worker.js', import.meta.url));
/** Batches in flight per worker: enough to keep it busy while the reader parses the next. */
const IN_FLIGHT = 2;

/**
 * Analyses a stream of row batches on up to `jobs` threads and returns the summary of the whole.
 * The first batch is analysed here; workers start only when a second batch comes, so small
 * inputs pay nothing for threads. Each batch carries its global row indices, and every figure
 * merges exactly, so the result is identical, figure for figure (worstRow included), to one
 * thread's, whatever `jobs` is.
 */
export async function analyzeBatches(
  batches: AsyncIterable<LogitRow[]>,
  selection: AnalysisSelection,
  jobs: number,
  onBatch: (rows: number) => void = () => {},
): Promise<AnalysisSummary> {
  let local: Analysis | null = new Analysis(selection);
  let localSummary: AnalysisSummary | null = null;
  const pool: WorkerSlot[] = [];
  let next = 0;
  let first = true;
  try {
    for await (const batch of batches) {
      onBatch(batch.length);
      if (first || jobs <= 1) {
        for (const row of batch) local!.addRow(row.values, row.values.length, row.index, row.line, row.label);
        first = false;
        continue;
      }
      if (local !== null) {
        // Threads from here on: keep the first batch's summary and let its buffers (large for long rows) go.
        localSummary = local.summary();
        local = null;
      }
      if (pool.length < jobs) pool.push(new WorkerSlot(selection));
      const slot = pool[next];
      next = (next + 1) % jobs;
      await slot.send(batch);
    }
    const summary = localSummary ?? local!.summary();
    for (const slot of pool) mergeAnalysisSummary(summary, await slot.finish());
    return summary;
  } finally {
    await Promise.all(pool.map((slot) => slot.terminate()));
  }
}

/** A batch's transferable buffers: the logits row after row, and each row's source line. */
interface BatchBuffers {
  values: Float64Array<ArrayBuffer>;
  lines: Int32Array<ArrayBuffer>;
}

/** The messages to a worker (analysis-worker.ts): a batch of `rows` rows (the buffers may be longer), or the end. */
export type WorkerRequest = ({ type: 'batch'; columns: number; rows: number; firstRow: number; labels?: Array<RowLabel | undefined> } & BatchBuffers) | { type: 'end' };
/** A worker's replies: a batch done, its buffers sent back to be filled again; the summary, after the end. */
export type WorkerReply = ({ type: 'done' } & BatchBuffers) | { type: 'summary'; summary: AnalysisSummary };

class WorkerSlot {
  private readonly worker: Worker;
  private pending = 0;
  /**
   * Buffers the worker has sent back, to be filled again. Without this, every batch left a
   * transferred buffer in the worker, freed only when its garbage collector next ran: a worker
   * held tens of MB of spent batches, and peak memory grew with the number of threads.
   */
  private readonly spare: BatchBuffers[] = [];
  private wake: (() => void) | null = null;
  private failure: Error | null = null;
  private summaryWaiter: ((summary: AnalysisSummary) => void) | null = null;

  constructor(selection: AnalysisSelection) {
    this.worker = new Worker(WORKER, { workerData: selection });
    this.worker.on('message', (message: WorkerReply) => {
      if (message.type === 'done') {
        this.spare.push({ values: message.values, lines: message.lines });
        this.pending--;
        this.wake?.();
      } else {
        this.summaryWaiter?.(message.summary);
      }
    });
    this.worker.on('error', (error) => {
      this.failure = error;
      this.wake?.();
    });
  }

  /** Sends a batch (packed into one transferable buffer), waiting while too many are in flight. */
  async send(batch: LogitRow[]): Promise<void> {
    while (this.pending >= IN_FLIGHT && !this.failure) await new Promise<void>((resolve) => (this.wake = resolve));
    if (this.failure) throw this.failure;
    const columns = batch[0].values.length; // rows of one input all have the same length
    const rows = batch.length;
    const { values, lines } = this.buffers(rows * columns, rows);
    batch.forEach((row, r) => {
      values.set(row.values, r * columns);
      lines[r] = row.line;
    });
    this.pending++;
    const request: WorkerRequest = { type: 'batch', values, columns, rows, firstRow: batch[0].index, lines };
    // Labels (ids) are cloned, and only when the input has them.
    if (batch.some((row) => row.label !== undefined)) request.labels = batch.map((row) => row.label);
    this.worker.postMessage(request, [values.buffer, lines.buffer]);
  }

  /** Buffers for a batch: a spare pair when one is large enough, else new ones (batches of one input are all about BATCH_LOGITS logits). */
  private buffers(logits: number, rows: number): BatchBuffers {
    const spare = this.spare.pop();
    if (spare !== undefined && spare.values.length >= logits && spare.lines.length >= rows) return spare;
    return { values: new Float64Array(logits), lines: new Int32Array(rows) };
  }

  async finish(): Promise<AnalysisSummary> {
    if (this.failure) throw this.failure;
    const summary = new Promise<AnalysisSummary>((resolve, reject) => {
      this.summaryWaiter = resolve;
      this.worker.once('error', reject);
    });
    const request: WorkerRequest = { type: 'end' };
    this.worker.postMessage(request);
    return summary;
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}
