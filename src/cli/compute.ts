import { FormatKernel } from '../algorithms/kernel.js';
import { RESULT_COUNT, resultKind, type AlgorithmName, type FunctionName } from '../algorithms/names.js';
import { UsageError } from '../errors.js';
import { FORMATS, type Dtype } from '../formats/index.js';
import { shortestDecimal } from '../formats/shortest-decimal.js';
import type { ReadOptions } from '../input/row.js';
import { openRows } from './inputs.js';
import { Output, type CliIO } from './io.js';

export type ValuesFormat = 'csv' | 'json' | 'jsonl';

export interface ComputeRequest {
  file: string;
  function: FunctionName;
  dtype: Dtype;
  algorithm: AlgorithmName;
  read: ReadOptions;
  format: ValuesFormat;
}

/** Output is flushed in pieces of about this many characters: big enough to be cheap, small enough to stream. */
const FLUSH_CHARS = 1 << 16;

/**
 * `logitcheck compute`: the values one algorithm computes in one dtype, one output row per input
 * row, streamed to stdout. The algorithm runs literally on every row, including rows with NaN or
 * +Infinity (the analysis excludes those; here the user asked for the values).
 */
export async function compute(request: ComputeRequest, io: CliIO): Promise<number> {
  const kind = resultKind(request.function, request.algorithm);
  if (!kind) throw new UsageError(`--algorithm ${request.algorithm} does not compute ${request.function}`);
  const format = FORMATS[request.dtype];
  const selection = Array.from({ length: RESULT_COUNT }, (_, id) => id === kind.id);
  const kernel = new FormatKernel(format, selection);
  const out = new Output(io.stdout);
  const { rows } = openRows(request.file, io, request.read);
  const quote = request.format === 'csv' ? (text: string) => text : jsonValue;
  let cast = new Float64Array(0);
  let buffer = request.format === 'json' ? '[' : '';
  let first = true;
  for await (const batch of rows) {
    for (const row of batch) {
      const length = row.values.length;
      if (cast.length < length) cast = new Float64Array(length);
      for (let j = 0; j < length; j++) cast[j] = format.round(row.values[j]);
      kernel.run(cast, length);
      const outputs = kernel.outputs[kind.id];
      const count = request.function === 'logsumexp' ? 1 : length;
      const fields: string[] = [];
      for (let i = 0; i < count; i++) fields.push(quote(shortestDecimal(format, outputs[i])));
      if (request.format === 'csv') buffer += `${fields.join(',')}\n`;
      else if (request.format === 'jsonl') buffer += `[${fields.join(',')}]\n`;
      else buffer += `${first ? '\n' : ',\n'}[${fields.join(',')}]`;
      first = false;
      if (buffer.length >= FLUSH_CHARS) {
        await out.write(buffer);
        buffer = '';
      }
    }
  }
  if (request.format === 'json') buffer += '\n]\n';
  await out.write(buffer);
  return 0;
}

/** JSON has no NaN or Infinity: written as the strings the report uses. */
function jsonValue(text: string): string {
  if (text === 'nan') return '"NaN"';
  if (text === 'inf') return '"Infinity"';
  if (text === '-inf') return '"-Infinity"';
  return text;
}
