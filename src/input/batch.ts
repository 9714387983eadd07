// What the format parsers hand rows to, and what they promise the stream driver.

import type { RowLabel } from '../metrics/summary.js';
import type { InputInfo, LogitRow } from './row.js';

/** Logits per batch: large enough that per-batch costs vanish, small enough to bound memory. */
export const BATCH_LOGITS = 1 << 16;

/** Numbers rows in input order and groups them into batches of about BATCH_LOGITS logits. */
export class RowBatcher {
  private batch: LogitRow[] = [];
  private logits = 0;
  private rowCount = 0;

  add(values: Float64Array, line: number, label?: RowLabel, target?: number): void {
    const row: LogitRow = { values, line, index: this.rowCount++ };
    if (label !== undefined) row.label = label;
    if (target !== undefined) row.target = target;
    this.batch.push(row);
    this.logits += values.length;
  }

  /** Rows added so far, over all batches. */
  get total(): number {
    return this.rowCount;
  }

  get full(): boolean {
    return this.logits >= BATCH_LOGITS;
  }

  get pending(): number {
    return this.batch.length;
  }

  take(): LogitRow[] {
    const batch = this.batch;
    this.batch = [];
    this.logits = 0;
    return batch;
  }
}

/** A format parser: text in (chunks of any size), rows out to its RowBatcher. */
export interface TextParser {
  push(text: string): void;
  /** End of input: flushes the last row and checks that there was one. */
  end(): void;
  /** Complete once a row has been added. */
  info(): Omit<InputInfo, 'name'>;
}

/** The message for a row whose length differs from the first row's. */
export function rowLengthProblem(found: number, expected: number, unit: 'field' | 'value', fromLine: number): string {
  const plural = (n: number) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  return `row has ${plural(found)}, expected ${expected} (from line ${fromLine})`;
}
