// Labels read apart from the logits (--labels FILE, --labels-tensor NAME) joined to the rows,
// one label per row in order, each checked by targetProblem (targets.ts). A count that does not
// match is an error that says both counts and where each ran out: nothing is dropped or guessed.

import { InputError, UsageError, type InputPosition } from '../../errors.js';
import type { RowStream } from '../open/open-rows.js';
import { FLAG } from '../option-flags.js';
import type { InputInfo, LogitRow, ReadOptions } from '../row.js';
import { binaryProblem, isBinary, targetProblem } from '../targets.js';
import { formatShape } from '../tensor/tensor-layout.js';
import type { LabelChunk, LabelSource } from './label-source.js';

/**
 * The rows of `rows` with their labels from the source `open` opens (on the first iteration).
 * `name` is the input as messages name it.
 */
export function attachLabels(rows: RowStream, open: () => Promise<LabelSource>, options: Pick<ReadOptions, 'binary' | 'ignoreIndex'>, name: string): RowStream {
  let info: InputInfo | undefined;
  async function* batches(): AsyncGenerator<LogitRow[]> {
    const source = await open();
    const labels = source.chunks()[Symbol.asyncIterator]();
    let chunk: LabelChunk | undefined;
    let position = 0;
    let rowCount = 0;
    let binary = false;
    let classes = 0;
    const rowsIterator = rows[Symbol.asyncIterator]();
    try {
      for (let next = await rowsIterator.next(); next.done !== true; next = await rowsIterator.next()) {
        const batch = next.value;
        if (info === undefined) {
          const inner = rows.info();
          classes = inner.columns;
          const problem = binaryProblem(options.binary, classes, name);
          if (problem !== undefined) throw new UsageError(problem);
          binary = isBinary(options.binary, classes);
          checkBeforeReading(source, inner, binary, name);
          info = { ...inner, labels: { source: source.description, binary, ...(options.ignoreIndex === undefined ? {} : { ignoreIndex: options.ignoreIndex }) } };
        }
        for (const row of batch) {
          if (chunk === undefined || position === chunk.values.length) {
            const label = await labels.next();
            if (label.done === true) {
              const total = row.index + (await countRest(rowsIterator, batch.length - batch.indexOf(row)));
              throw new InputError(
                source.end(),
                `${row.index} labels for ${total} rows of ${name}: the labels end here; row ${row.index}${lineOf(row.line)} and those after it have none`,
              );
            }
            chunk = label.value;
            position = 0;
          }
          const value = chunk.values[position];
          const problem = targetProblem(value, classes, binary, options.ignoreIndex);
          if (problem !== undefined) throw new InputError(chunk.at(position), `row ${row.index}: ${problem}`);
          row.target = value;
          position++;
        }
        if (rowCount === 0) {
          // The source's own notes (a header line in a labels file) are known once it has been read from.
          const notes = [...(info.notes ?? []), ...(source.notes?.() ?? [])];
          if (notes.length > 0) info.notes = notes;
          else delete info.notes;
        }
        rowCount += batch.length;
        yield batch;
      }
      // The rows are done: a label left over is an error, at the first of them.
      let extra: InputPosition | undefined;
      let more = 0;
      if (chunk !== undefined && position < chunk.values.length) {
        extra = chunk.at(position);
        more = chunk.values.length - position;
      }
      for (let label = await labels.next(); label.done !== true; label = await labels.next()) {
        extra ??= label.value.at(0);
        more += label.value.values.length;
      }
      if (extra !== undefined) {
        throw new InputError(extra, `${rowCount + more} labels for ${rowCount} rows of ${name}: the rows end at row ${rowCount - 1}, and the labels go on from here`);
      }
  
    } finally {
      // Stopped early (an error, a consumer that stopped): both sources close their files.
      await labels.return?.();
      await rowsIterator.return?.();
    }
  }

  const iterator = batches();
  return {
    [Symbol.asyncIterator]: () => iterator,
    info() {
      if (info === undefined) throw new Error('RowStream.info() is valid only once the first batch has been produced');
      return info;
    },
  };
}

/** Rows left to read (`inBatch` of them still in the batch being joined), counted for the message of too few labels. */
async function countRest(rows: AsyncIterator<LogitRow[]>, inBatch: number): Promise<number> {
  let count = inBatch;
  for (let next = await rows.next(); next.done !== true; next = await rows.next()) count += next.value.length;
  return count;
}

function lineOf(line: number): string {
  return line > 0 ? ` (line ${line})` : '';
}

/**
 * What can be told before the first label is read: float labels for class indices, and (a
 * tensor of labels beside a tensor of logits) a count or a shape that does not fit.
 */
function checkBeforeReading(source: LabelSource, inner: InputInfo, binary: boolean, name: string): void {
  const start = source.end();
  const at: InputPosition = { file: start.file, ...(start.member === undefined ? {} : { member: start.member }) };
  if (source.floating === true && !binary) {
    throw new InputError(
      at,
      `${source.what} holds ${source.storedDtype} values; class indices must be an integer array (binary targets may be floats: they need one logit per row, or ${FLAG.binary})`,
    );
  }
  if (source.shape === undefined || source.count === undefined || inner.shape === undefined) return;
  const leading = inner.shape.slice(0, -1);
  const rows = leading.reduce((product, dimension) => product * dimension, 1);
  const sameShape = source.shape.length === leading.length && source.shape.every((dimension, axis) => dimension === leading[axis]);
  // A flat array of one label per row fits logits of any leading shape.
  if (sameShape || (source.shape.length === 1 && source.count === rows)) return;
  const flat = leading.length === 1 ? '' : ` or (${rows},)`;
  throw new InputError(
    at,
    `${source.what} has shape ${formatShape(source.shape)} (${source.count} label${source.count === 1 ? '' : 's'}), but the logits of ${name} have shape ${formatShape(inner.shape)}: the labels need shape ${formatShape(leading)} (the logits' without the class axis)${flat}`,
  );
}
