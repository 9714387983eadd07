// Labels in a text file: one per line, or a column of a CSV file (--labels FILE:COLUMN). Read
// by the CSV reader, so a header line, quotes, delimiters and the errors are those of CSV input;
// every row must have one field (the column asked for).

import { UsageError } from '../../errors.js';
import { openFile, readRows } from '../open/open-rows.js';
import { FLAG } from '../option-flags.js';
import type { LabelChunk, LabelSource } from './label-source.js';
import type { LogitRow } from '../row.js';

export function textLabels(path: string, column: string | undefined): LabelSource {
  const rows = readRows(path, openFile(path), { format: 'csv', noLabels: true, ...(column === undefined ? {} : { columns: [column] }) });
  let lastLine = 0;
  let read = false;
  return {
    description: column === undefined ? path : `${path}, column '${column}'`,
    what: column === undefined ? 'the labels' : `column '${column}'`,
    async *chunks(): AsyncGenerator<LabelChunk> {
      for await (const batch of labelBatches(rows, path, column)) {
        if (!read) {
          read = true;
          const { columns } = rows.info();
          if (columns !== 1) {
            throw new UsageError(`${FLAG.labels} ${path}: the file has ${columns} columns; name the one holding the labels with ${FLAG.labels} ${path}:COLUMN`);
          }
        }
        const values = Float64Array.from(batch, (row) => row.values[0]);
        lastLine = batch[batch.length - 1].line;
        yield { values, at: (index) => ({ file: path, line: batch[index].line }) };
      }
    },
    end: () => ({ file: path, line: lastLine }),
    notes: () => (read ? (rows.info().notes ?? []) : []),
  };
}

/** The CSV reader's batches, its errors about the column (--columns, to it) told as --labels FILE:COLUMN's. */
async function* labelBatches(rows: AsyncIterable<LogitRow[]>, path: string, column: string | undefined): AsyncGenerator<LogitRow[]> {
  try {
    yield* rows;
  } catch (error) {
    if (error instanceof UsageError && column !== undefined && error.message.startsWith(`${FLAG.columns}: `)) {
      throw new UsageError(`${FLAG.labels} ${path}:${column}: ${error.message.slice(FLAG.columns.length + 2)}`);
    }
    throw error;
  }
}
