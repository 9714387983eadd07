// A worker thread of `analyze --jobs N`: analyses the batches of rows it is sent and, at the
// end, returns its mergeable summary. Messages: see parallel-analysis.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { Analysis, type AnalysisSelection } from '../metrics/analysis.js';
import type { WorkerReply, WorkerRequest } from './parallel-analysis.js';

const analysis = new Analysis(workerData as AnalysisSelection);
const port = parentPort!;

port.on('message', (message: WorkerRequest) => {
  if (message.type === 'end') {
    const reply: WorkerReply = { type: 'summary', summary: analysis.summary() };
    port.postMessage(reply);
    return;
  }
  const { values, columns, rows, firstRow, lines, labels } = message;
  for (let r = 0; r < rows; r++) {
    analysis.addRow(values.subarray(r * columns, (r + 1) * columns), columns, firstRow + r, lines[r], labels?.[r]);
  }
  // The buffers go back to be filled again (WorkerSlot.spare in parallel-analysis.ts).
  const reply: WorkerReply = { type: 'done', values, lines };
  port.postMessage(reply, [values.buffer, lines.buffer]);
});
