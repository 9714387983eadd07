// The shapes every text reader (CSV, JSON, JSON Lines) produces, and the options they take.

import type { RowLabel } from '../metrics/summary.js';

/** One vector of logits, with where it came from so reports can point back at the source. */
export interface LogitRow {
  /** The logits as float64, each correctly rounded from its decimal text. */
  values: Float64Array;
  /** 1-based source line the row starts on; 0 if the input has no lines (binary formats). */
  line: number;
  /** 0-based row index in input order. */
  index: number;
  /** The row's other names (an id, a record and position), when the input gives them. */
  label?: RowLabel;
  /**
   * The row's label as read (`label` above is taken: it names the row), checked by
   * targetProblem (targets.ts): a class index in [0, K) or the --ignore-index for multiclass
   * logits; a real in [0, 1] for binary logits (K = 1 or --binary). Absent when the input has no labels.
   */
  target?: number;
}

export type InputFormat = 'csv' | 'json' | 'jsonl' | 'npy' | 'npz' | 'safetensors';

export interface ReadOptions {
  /**
   * Default: from the file extension (.csv .tsv .txt -> csv, .json -> json, .jsonl .ndjson ->
   * jsonl, .npy -> npy, .npz -> npz, .safetensors -> safetensors), else sniffed: the first bytes
   * of a .npy, .npz or safetensors file (src/input/open/sniff.ts, by src/input/open-input.ts);
   * '[' or '{' first -> json, or jsonl when the first value is one row on one line and another
   * line follows; anything else -> csv.
   */
  format?: InputFormat;
  /** CSV only: one character. Default: sniffed among ',', '\t', ';' outside quotes. */
  delimiter?: string;
  /** CSV only: undefined = auto (a first line with a field that is not a number is a header). */
  header?: boolean;
  /** CSV only: keep only these columns (header name, 1-based index "3", range "2-5" or "3-"). */
  columns?: string[];
  /** CSV only: drop these columns (same syntax), e.g. an id or label column. */
  excludeColumns?: string[];
  /** CSV only: the column (name or 1-based index) whose values name the rows in reports; it is not a logit. */
  idColumn?: string;
  /** CSV only: read an empty field as NaN (pandas writes NaN so) instead of refusing it. */
  emptyAsNaN?: boolean;
  /** JSON and JSON Lines only: the key of a record object holding its logits. Default 'logits'. */
  key?: string;
  /**
   * JSON and JSON Lines only: the key of each record object holding its id (a string or an
   * integer), which names the record's rows in reports. Every record must be an object that has it.
   */
  idKey?: string;
  /** safetensors and .npz: the tensor (array) to read; needed when the file holds several. */
  tensor?: string;
  /**
   * Where each row's label is (--labels): a file, when one of this name exists (a text file of
   * one label per line, a .npy, or a .npz); FILE:PART for a column of a CSV file or an array of a
   * .npz, when FILE exists; else, for CSV input, a column of the input (header name or 1-based
   * index), which is then not a logit. See src/input/labels/labels-option.ts. openInput
   * (open-input.ts) decides which; the text readers (readRows) take it as a column.
   */
  labels?: string;
  /** CSV: do not take a column named `label` as the labels (it stays left out of the logits); JSON: no default label key. */
  noLabels?: boolean;
  /** JSON and JSON Lines: the key of each record object holding its label. Default 'label', when the first record object has it. */
  labelKey?: string;
  /** .npz and safetensors: the integer tensor in the same file holding the labels; its shape is the logits' without the last axis. */
  labelsTensor?: string;
  /** The label of rows that have none (PyTorch's ignore_index, often -100); no default. Multiclass only. */
  ignoreIndex?: number;
  /** Binary logits: one logit per row, targets in [0, 1] (implied by K = 1); K must be 1. */
  binary?: boolean;
}

/** Where an input's labels came from, for the report. */
export interface LabelsInfo {
  /** In words: "column 11 'label'", "key 'label'", "tensor 'labels'", "labels.txt", "y.csv, column 'label'". */
  source: string;
  /** Whether the targets are binary ones (reals in [0, 1]) rather than class indices. */
  binary: boolean;
  /** --ignore-index, when given. */
  ignoreIndex?: number;
}

export interface InputInfo {
  name: string;
  format: InputFormat;
  /** CSV: the delimiter used (given or sniffed). */
  delimiter?: string;
  /** CSV with a header line: the (trimmed) names of the kept columns, in order. */
  header?: string[];
  /** K, the number of logits per row after column selection. */
  columns: number;
  /** Binary tensors: the dtype the file stores, the tensor's name (safetensors; the array's in a .npz) and its shape. */
  storedDtype?: string;
  tensor?: string;
  shape?: number[];
  /** Where the rows' labels came from; absent when the input has none. */
  labels?: LabelsInfo;
  /** What the reader decided that the user should know (a column left out, a header read as data), one sentence each. */
  notes?: string[];
}
