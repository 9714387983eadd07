// What a row's label (its "target") may be, in one place: every reader and labels source asks
// targetProblem and turns its answer into an InputError at its own position (file, line or byte
// offset, row, field).
//
// - Multiclass logits (K >= 2): a class index y, an integer in [0, K), as PyTorch's
//   F.cross_entropy takes it; or exactly the ignore index (--ignore-index, PyTorch's -100), for
//   rows without a label (counted, and left out of the losses).
// - Binary logits (K = 1, or --binary): a target y, a real in [0, 1], as
//   F.binary_cross_entropy_with_logits takes it. There is no ignore index for binary targets
//   (PyTorch has none either): a row needs a target.

import { FLAG } from './option-flags.js';

/** What is wrong with `value` as the label of a row of `classes` logits; undefined when nothing is. */
export function targetProblem(value: number, classes: number, binary: boolean, ignoreIndex: number | undefined): string | undefined {
  if (binary) {
    if (value >= 0 && value <= 1) return undefined;
    if (ignoreIndex !== undefined && value === ignoreIndex) {
      return `target ${shown(value)} is the ${FLAG.ignoreIndex}, which does not apply to binary logits: every row needs a target in [0, 1]`;
    }
    return `target ${shown(value)} is outside [0, 1] (binary logits: one logit per row, a target in [0, 1])`;
  }
  if (ignoreIndex !== undefined && value === ignoreIndex) return undefined;
  if (!Number.isInteger(value)) return `label ${shown(value)} is not an integer (a class index in [0, ${classes}))`;
  if (value < 0 || value >= classes) {
    const hint = value < 0 && ignoreIndex === undefined ? ` (rows without a label: pass ${FLAG.ignoreIndex} ${shown(value)})` : '';
    return `label ${shown(value)} is outside [0, ${classes}) (${classes} classes)${hint}`;
  }
  return undefined;
}

/** Whether the rows are binary logits: --binary, or one logit per row. */
export function isBinary(binaryFlag: boolean | undefined, classes: number): boolean {
  return binaryFlag === true || classes === 1;
}

/** The message when --binary is given for rows of more than one logit (`file` names the input); undefined when it is not. */
export function binaryProblem(binaryFlag: boolean | undefined, classes: number, file: string): string | undefined {
  if (binaryFlag !== true || classes === 1) return undefined;
  return `${FLAG.binary}: ${file} has ${classes} logits per row; binary logits are one per row (leave out ${FLAG.binary} for ${classes} classes)`;
}

/** A number as Python and the input write it: 3, -100, 0.5, nan, inf. */
function shown(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return String(value);
}
