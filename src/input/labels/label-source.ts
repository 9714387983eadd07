// A source of labels read apart from the logits (--labels FILE, --labels-tensor NAME): values in
// input order, in chunks, each with where it is, for the messages of attach-labels.ts.

import type { InputPosition } from '../../errors.js';

export interface LabelChunk {
  values: Float64Array;
  /** Where value `index` of this chunk is in the source. */
  at(index: number): InputPosition;
}

export interface LabelSource {
  /** The source in words, for the report and messages: "labels.txt", "y.csv, column 'label'", "val.npz, array 'labels'". */
  description: string;
  /** The labels in words after their file's name (messages start with it): "the labels", "array 'labels'". */
  what: string;
  /** The labels in order. */
  chunks(): AsyncIterable<LabelChunk>;
  /** Known before reading (tensors): how many labels there are, and the array's shape. */
  count?: number;
  shape?: number[];
  /** Tensors: the dtype stored, and whether it is a floating-point one (class indices must be integers). */
  storedDtype?: string;
  floating?: boolean;
  /** Where the labels ended, once they have been read to the end, for a count that does not match. */
  end(): InputPosition;
  /** What the source's reader decided (a header line, ...), once read. */
  notes?(): string[];
}
