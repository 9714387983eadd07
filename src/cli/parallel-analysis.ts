import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LogitRow } from '../input/row.js';
import { Analysis, type AnalysisSelection } from '../metrics/analysis.js';
import { mergeAnalysisSummary, type AnalysisSummary, type RowLabel } from '../metrics/summary.js';

// Always the compiled worker: a worker thread runs plain JavaScript, also when the caller is
// the TypeScript source under vitest (npm test builds dist first).
const WORKER = fileURLToPath(new URL('../../dist/cli/analysis-worker.js', import.meta.url));
/**
 * Batches queued per worker: one to analyse and one waiting, so a worker need not idle while this
 * thread analyses a batch of its own and cannot answer. More would lengthen the wait at the end,
 * when this thread has nothing left and the workers still hold what was queued.
 */
const IN_FLIGHT = 2;

/** Where a batch was analysed: 0 for this thread, n for the n-th worker started. */
export type BatchPlace = number;

/**
 * Analyses a stream of row batches on up to `jobs` threads, this one included, and returns the
 * summary of the whole. This thread reads, hands each batch to a worker that has room and
 * analyses it itself when none has: the work is shared by how fast each thread goes, so a worker
 * still warming up (its first batches run before V8 has optimized the analysis, several times
 * slower) is given less. Workers start at the second batch, which is read before the first is
 * analysed, so they load and warm up while this thread analyses the first; an input of one batch
 * pays nothing for threads. Each batch carries its global row indices, and every figure merges
 * exactly, so the result is identical, figure for figure (worstRow included), to one thread's,
 * whatever `jobs` is and wherever each batch went.
 */
export async function analyzeBatches(
  batches: AsyncIterable<LogitRow[]>,
  selection: AnalysisSelection,
  jobs: number,
  onBatch: (rows: number, place: BatchPlace) => void = () => {},
): Promise<AnalysisSummary> {
  const local = new Analysis(selection);
  const analyzeHere = (batch: LogitRow[]) => {
    onBatch(batch.length, 0);
    for (const row of batch) local.addRow(row.values, row.values.length, row.index, row.line, row.label, row.target);
  };
  const pool: WorkerSlot[] = [];
  /** The first batch, held until the second shows whether threads are worth starting. */
  let first: LogitRow[] | null = null;
  let count = 0;
  try {
    for await (const batch of batches) {
      count++;
      if (jobs <= 1) {
        analyzeHere(batch);
      } else if (count === 1) {
        first = batch;
      } else {
        const slot = await slotWithRoom(pool, selection, jobs - 1);
        if (slot === null) analyzeHere(batch);
        else {
          onBatch(batch.length, pool.indexOf(slot) + 1);
          slot.send(batch);
        }
        if (first !== null) {
          analyzeHere(first);
          first = null;
        }
      }
    }
    if (first !== null) analyzeHere(first);
    const summary = local.summary();
    for (const slot of pool) mergeAnalysisSummary(summary, await slot.finish());
    return summary;
  } finally {
    await Promise.all(pool.map((slot) => slot.terminate()));
  }
}

/**
 * The worker to send the next batch to, or null to analyse it here (see placeFor). Replies
 * already sent are taken in first (one turn of the event loop): a reader that yields batches
 * without waiting for I/O (a tensor read in 4 MB chunks holds many) would otherwise never see a
 * worker finish, and analyse everything here.
 */
async function slotWithRoom(pool: WorkerSlot[], selection: AnalysisSelection, workers: number): Promise<WorkerSlot | null> {
  if (pool.length > 0) await new Promise<void>((resolve) => setImmediate(resolve));
  for (const slot of pool) slot.throwIfFailed();
  const place = placeFor(pool.map((slot) => slot.pending), workers);
  if (place === 'here') return null;
  if (place === 'new') pool.push(new WorkerSlot(selection));
  return pool[place === 'new' ? pool.length - 1 : place];
}

/**
 * Where the next batch goes, given how many batches each running worker holds: an idle worker;
 * else a new one, while fewer than `workers` run; else the worker holding the fewest, if that is
 * below IN_FLIGHT; else 'here', this thread.
 */
export function placeFor(pending: readonly number[], workers: number): number | 'new' | 'here' {
  let fewest = -1;
  for (let index = 0; index < pending.length; index++) if (fewest < 0 || pending[index] < pending[fewest]) fewest = index;
  if (fewest >= 0 && pending[fewest] === 0) return fewest;
  if (pending.length < workers) return 'new';
  return fewest >= 0 && pending[fewest] < IN_FLIGHT ? fewest : 'here';
}

/**
 * A batch's transferable buffers: the logits row after row, each row's source line and, when the
 * input has labels, each row's target (NaN for a row without one: no valid target is NaN).
 */
export interface BatchBuffers {
  values: Float64Array<ArrayBuffer>;
  lines: Int32Array<ArrayBuffer>;
  targets?: Float64Array<ArrayBuffer>;
}

export type BatchRequest = { type: 'batch'; columns: number; rows: number; firstRow: number; labels?: Array<RowLabel | undefined> } & BatchBuffers;
/** The messages to a worker (analysis-worker.ts): a batch of `rows` rows (the buffers may be longer), or the end. */
export type WorkerRequest = BatchRequest | { type: 'end' };
/** A worker's replies: a batch done, its buffers sent back to be filled again; the summary, after the end. */
export type WorkerReply = ({ type: 'done' } & BatchBuffers) | { type: 'summary'; summary: AnalysisSummary };

/**
 * Packs a batch into `buffers` (large enough for it; targets present when a row has one) and
 * returns the message and what to transfer. addBatch undoes it in the worker: every row reaches
 * Analysis.addRow there with what it would get here.
 */
export function packBatch(batch: LogitRow[], buffers: BatchBuffers): { request: BatchRequest; transfer: ArrayBuffer[] } {
  const columns = batch[0].values.length; // rows of one input all have the same length
  const { values, lines, targets } = buffers;
  batch.forEach((row, r) => {
    values.set(row.values, r * columns);
    lines[r] = row.line;
    if (targets !== undefined) targets[r] = row.target ?? NaN;
  });
  const request: BatchRequest = { type: 'batch', values, columns, rows: batch.length, firstRow: batch[0].index, lines };
  const transfer: ArrayBuffer[] = [values.buffer, lines.buffer];
  if (targets !== undefined) {
    request.targets = targets;
    transfer.push(targets.buffer);
  }
  // Labels (ids) are cloned, and only when the input has them.
  if (batch.some((row) => row.label !== undefined)) request.labels = batch.map((row) => row.label);
  return { request, transfer };
}

/** The worker's side of packBatch: each row of the batch to `analysis`. */
export function addBatch(analysis: Pick<Analysis, 'addRow'>, request: BatchRequest): void {
  const { values, columns, rows, firstRow, lines, labels, targets } = request;
  for (let r = 0; r < rows; r++) {
    const target = targets === undefined || Number.isNaN(targets[r]) ? undefined : targets[r];
    analysis.addRow(values.subarray(r * columns, (r + 1) * columns), columns, firstRow + r, lines[r], labels?.[r], target);
  }
}

class WorkerSlot {
  private readonly worker: Worker;
  private queued = 0;
  /**
   * Buffers the worker has sent back, to be filled again. Without this, every batch left a
   * transferred buffer in the worker, freed only when its garbage collector next ran: a worker
   * held tens of MB of spent batches, and peak memory grew with the number of threads.
   */
  private readonly spare: BatchBuffers[] = [];
  private failure: Error | null = null;
  private summaryWaiter: ((summary: AnalysisSummary) => void) | null = null;

  constructor(selection: AnalysisSelection) {
    this.worker = new Worker(WORKER, { workerData: selection });
    this.worker.on('message', (message: WorkerReply) => {
      if (message.type === 'done') {
        this.spare.push({ values: message.values, lines: message.lines, targets: message.targets });
        this.queued--;
      } else {
        this.summaryWaiter?.(message.summary);
      }
    });
    this.worker.on('error', (error) => {
      this.failure = error;
    });
  }

  /** Batches sent and not yet done. */
  get pending(): number {
    return this.queued;
  }

  throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  /** Sends a batch, packed into transferable buffers. */
  send(batch: LogitRow[]): void {
    const withTargets = batch.some((row) => row.target !== undefined);
    const { request, transfer } = packBatch(batch, this.buffers(batch.length * batch[0].values.length, batch.length, withTargets));
    this.queued++;
    this.worker.postMessage(request, transfer);
  }

  /** Buffers for a batch: spare ones when large enough, else new ones (batches of one input are all about BATCH_LOGITS logits). */
  private buffers(logits: number, rows: number, withTargets: boolean): BatchBuffers {
    const spare = this.spare.pop();
    const buffers = spare !== undefined && spare.values.length >= logits && spare.lines.length >= rows ? spare : { values: new Float64Array(logits), lines: new Int32Array(rows) };
    if (!withTargets) delete buffers.targets;
    else if (buffers.targets === undefined || buffers.targets.length < rows) buffers.targets = new Float64Array(buffers.lines.length);
    return buffers;
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
