import { RESULT_KINDS, resultKind, type AlgorithmName, type FunctionName } from '../algorithms/names.js';
import { UsageError } from '../errors.js';
import { FORMATS, type Dtype } from '../formats/index.js';
import type { LogitRow, ReadOptions } from '../input/row.js';
import { openInput } from '../input/open-input.js';
import { inputSources, withNotes } from './inputs.js';
import { Output, type CliIO } from './io.js';
import { functionsFor } from './options.js';
import { checkWritable } from './output-file.js';
import { RowValues } from './row-values.js';
import { openValuesSink, type ValuesFormat } from './values-output.js';

export type { ValuesFormat } from './values-output.js';

export interface ComputeRequest {
  file: string;
  function: FunctionName;
  dtype: Dtype;
  /** undefined: DEFAULT_ALGORITHM's for the function. */
  algorithm?: AlgorithmName;
  read: ReadOptions;
  /** --temperature: the logits divided by it in the dtype first (K logits per row only). */
  temperature?: number;
  /** undefined: npy when --output ends in .npy, else csv. */
  format?: ValuesFormat;
  output?: string;
}

/**
 * The algorithm when --algorithm is not given: the accurate one a framework computes. max-shift
 * for the functions of K logits (PyTorch's log_softmax and cross_entropy shift by the maximum);
 * for one logit, the forms that never overflow: the stable sigmoid, softplus for log-sigmoid
 * (F.logsigmoid), with-logits for bce (BCEWithLogitsLoss).
 */
export const DEFAULT_ALGORITHM: Readonly<Record<FunctionName, AlgorithmName>> = {
  softmax: 'max-shift',
  'log-softmax': 'max-shift',
  logsumexp: 'max-shift',
  'cross-entropy': 'max-shift',
  gradient: 'max-shift',
  sigmoid: 'stable',
  'log-sigmoid': 'softplus',
  bce: 'with-logits',
};

/**
 * `logitcheck compute`: the values one algorithm computes in one dtype, one output row per input
 * row, streamed to stdout or written to --output (a regular file under a temporary name, renamed
 * when complete, so a failure never leaves a half-written file; a named pipe or a device in
 * place). The algorithm runs literally on every row, including rows with NaN or +Infinity (the
 * analysis excludes those; here the user asked for the values). Functions of a label
 * (cross-entropy, gradient, bce) take each row's label; rows labelled with the ignore index get
 * a loss of 0 and a gradient of zeros (RowValues).
 */
export async function compute(request: ComputeRequest, io: CliIO): Promise<number> {
  const algorithm = request.algorithm ?? DEFAULT_ALGORITHM[request.function];
  const kind = resultKind(request.function, algorithm);
  if (!kind) {
    const algorithms = RESULT_KINDS.filter((k) => k.function === request.function).map((k) => k.algorithm);
    throw new UsageError(`--algorithm ${algorithm} does not compute ${request.function}; its algorithms are ${algorithms.join(', ')}`);
  }
  if (request.output !== undefined) checkWritable(request.output);
  const layout = request.format ?? (request.output?.toLowerCase().endsWith('.npy') ? 'npy' : 'csv');
  const format = FORMATS[request.dtype];
  const values = new RowValues(kind, format, request.read.ignoreIndex, request.temperature ?? 1);
  const { name, rows } = openInput(request.file, inputSources(io), request.read);
  const sink = await openValuesSink(format, layout, values.scalar ? 'scalar' : 'vector', request.output, new Output(io.stdout, 'the values'));
  try {
    let first = true;
    for await (const batch of withNotes(rows, io)) {
      for (const row of batch) {
        // Whether the function applies is known from the first row (K, and whether rows carry labels): checked before any output.
        if (first) {
          checkApplies(request.function, row, request.read.binary === true, name);
          if (request.temperature !== undefined && request.temperature !== 1 && values.binaryFunction) throw new UsageError(`--temperature applies to K logits per row, not to ${request.function}`);
        }
        first = false;
        const length = row.values.length;
        await sink.row(values.run(row.values, length, row.target), values.count(length));
      }
    }
    await sink.finish();
  } catch (error) {
    await sink.abort();
    throw error;
  }
  return 0;
}

/**
 * The function against what the input offers, as analyze checks it (functionsFor): a label
 * where one is needed, one logit per row for the binary functions. Beyond analyze, a function
 * of a class index refuses one logit per row: the labels of such rows are binary targets (reals
 * in [0, 1], targets.ts), not class indices.
 */
function checkApplies(fn: FunctionName, first: LogitRow, binaryFlag: boolean, name: string): void {
  const classes = first.values.length;
  functionsFor({ classes, labelled: first.target !== undefined, binary: binaryFlag }, [fn], name);
}
