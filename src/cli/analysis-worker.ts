// A worker thread of `analyze --jobs N`: analyses the batches of rows it is sent and, at the
// end, returns its mergeable summary. Messages: see parallel-analysis.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { Analysis, type AnalysisSelection } from '../metrics/analysis.js';
import { addBatch, type WorkerReply, type WorkerRequest } from './parallel-analysis.js';

const analysis = new Analysis(workerData as AnalysisSelection);
const port = parentPort!;

port.on('message', (message: WorkerRequest) => {
  if (message.type === 'end') {
    const reply: WorkerReply = { type: 'summary', summary: analysis.summary() };
    port.postMessage(reply);
    return;
  }
  addBatch(analysis, message);
  // The buffers go back to be filled again (WorkerSlot.spare in parallel-analysis.ts).
  const { values, lines, targets } = message;
  const reply: WorkerReply = { type: 'done', values, lines, targets };
  port.postMessage(reply, targets === undefined ? [values.buffer, lines.buffer] : [values.buffer, lines.buffer, targets.buffer]);
});
