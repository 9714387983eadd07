// How the CLI spells each reader option (src/cli/main.ts). Usage errors and hints name the flag
// the user typed, not the ReadOptions field; this is the one place to change if a flag is renamed.

import { UsageError } from '../errors.js';
import type { ReadOptions } from './row.js';

export const FLAG = {
  format: '--input-format',
  delimiter: '--delimiter',
  header: '--header',
  noHeader: '--no-header',
  columns: '--columns',
  excludeColumns: '--exclude-columns',
  tensor: '--tensor',
  idColumn: '--id-column',
  emptyAsNaN: '--empty-as-nan',
  key: '--key',
  idKey: '--id-key',
  labels: '--labels',
  noLabels: '--no-labels',
  labelKey: '--label-key',
  labelsTensor: '--labels-tensor',
  ignoreIndex: '--ignore-index',
  binary: '--binary',
} as const;

/** The JSON-only options must not be silently ignored on CSV or a tensor (`format` names it). */
export function rejectJsonOptions(options: ReadOptions, format: string): void {
  for (const [given, flag] of [
    [options.key, FLAG.key],
    [options.idKey, FLAG.idKey],
    [options.labelKey, FLAG.labelKey],
  ] as const) {
    if (given !== undefined) throw new UsageError(`${flag} applies to JSON and JSON Lines input only, not to ${format}`);
  }
}
