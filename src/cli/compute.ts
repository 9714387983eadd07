import { FormatKernel } from '../algorithms/kernel.js';
import { RESULT_COUNT, resultKind, type AlgorithmName, type FunctionName } from '../algorithms/names.js';
import { UsageError } from '../errors.js';
import { FORMATS, type Dtype } from '../formats/index.js';
import type { ReadOptions } from '../input/row.js';
import { openInput } from '../input/open-input.js';
import { inputSources, withNotes } from './inputs.js';
import { Output, type CliIO } from './io.js';
import { checkWritable } from './output-file.js';
import { openValuesSink, type ValuesFormat } from './values-output.js';

export type { ValuesFormat } from './values-output.js';

export interface ComputeRequest {
  file: string;
  function: FunctionName;
  dtype: Dtype;
  algorithm: AlgorithmName;
  read: ReadOptions;
  /** undefined: npy when --output ends in .npy, else csv. */
  format?: ValuesFormat;
  output?: string;
}

/**
 * `logitcheck compute`: the values one algorithm computes in one dtype, one output row per input
 * row, streamed to stdout or written to --output (a regular file under a temporary name, renamed
 * when complete, so a failure never leaves a half-written file; a named pipe or a device in
 * place). The algorithm runs literally on every row, including rows with NaN or +Infinity (the
 * analysis excludes those; here the user asked for the values).
 */
export async function compute(request: ComputeRequest, io: CliIO): Promise<number> {
  const kind = resultKind(request.function, request.algorithm);
  if (!kind) throw new UsageError(`--algorithm ${request.algorithm} does not compute ${request.function}`);
  if (request.output !== undefined) checkWritable(request.output);
  const layout = request.format ?? (request.output?.toLowerCase().endsWith('.npy') ? 'npy' : 'csv');
  const format = FORMATS[request.dtype];
  const selection = Array.from({ length: RESULT_COUNT }, (_, id) => id === kind.id);
  const kernel = new FormatKernel(format, selection);
  const scalar = request.function === 'logsumexp';
  const { rows } = openInput(request.file, inputSources(io), request.read);
  const sink = await openValuesSink(format, layout, scalar ? 'scalar' : 'vector', request.output, new Output(io.stdout, 'the values'));
  try {
    let cast = new Float64Array(0);
    for await (const batch of withNotes(rows, io)) {
      for (const row of batch) {
        const length = row.values.length;
        if (cast.length < length) cast = new Float64Array(length);
        for (let j = 0; j < length; j++) cast[j] = format.round(row.values[j]);
        kernel.run(cast, length);
        await sink.row(kernel.outputs[kind.id], scalar ? 1 : length);
      }
    }
    await sink.finish();
  } catch (error) {
    await sink.abort();
    throw error;
  }
  return 0;
}
