// The input summary and checks as plain sentences, shared by the table and Markdown renderers.
import { describeRow, plural } from '../report/findings.js';
import type { CheckOutcome } from '../report/checks.js';
import type { InputReport } from '../report/report.js';
import { formatFigure, formatLoss } from './cells.js';

/** "csv", or for a tensor "safetensors, tensor logits, stored float16 (4, 100)". */
export function describeSource(input: InputReport): string {
  const parts = [input.format];
  if (input.tensor !== undefined) parts.push(`tensor ${input.tensor}`);
  if (input.storedDtype !== undefined) parts.push(`stored ${input.storedDtype}${input.shape ? ` ${describeShape(input.shape)}` : ''}`);
  return parts.join(', ');
}

/** A shape as numpy prints it: (4, 100), and (3,) for one axis. */
export function describeShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** "12 rows x 8 classes", "1 row x 1 class" (`times` is the sign between them). */
export function describeSize(input: InputReport, times = 'x'): string {
  return `${plural(input.rows, 'row')} ${times} ${plural(input.classes, 'class')}`;
}

export function inputLines(input: InputReport): string[] {
  const lines: string[] = [];
  const { min, max, maxRowSpread, maxRowSpreadRow } = input.logits;
  if (min !== null && max !== null) {
    lines.push(
      `logits ${formatFigure(min)} .. ${formatFigure(max)}; largest row spread ${formatFigure(maxRowSpread)}${maxRowSpreadRow ? ` (${describeRow(maxRowSpreadRow)})` : ''}`,
    );
  } else {
    lines.push('no finite logits');
  }
  const labelled = input.dtypes.find((d) => d.labelledRows > 0 || d.ignoredRows > 0);
  if (labelled) {
    const ignored = labelled.ignoredRows > 0 ? `, ${plural(labelled.ignoredRows, 'row')} with the ignore index (left out)` : '';
    const accuracy = labelled.labelledRows > 0 ? `; accuracy ${((100 * labelled.correctRows) / labelled.labelledRows).toFixed(2)}% (exact argmax = label, ${labelled.dtype})` : '';
    lines.push(`labels: ${plural(labelled.labelledRows, 'labelled row')}${ignored}${accuracy}`);
  }
  const losses = input.results.filter((r) => r.loss && r.loss.rows > 0);
  if (losses.length > 0) {
    // What a training loop logs (the computed mean) beside what it should log, per dtype for the algorithm frameworks fuse.
    const pick = losses.filter((r) => r.algorithm === 'max-shift');
    for (const r of pick.length > 0 ? pick : losses.slice(0, 1)) {
      lines.push(`${r.dtype} mean loss (cross-entropy ${r.algorithm}): ${formatLoss(r.loss!.meanLoss)}, exact ${formatLoss(r.loss!.exactMeanLoss)}`);
    }
  }
  for (const figures of input.dtypes) {
    const parts: string[] = [];
    if (figures.castOverflow > 0) parts.push(`${plural(figures.castOverflow, 'logit')} ${figures.castOverflow === 1 ? 'overflows' : 'overflow'} to Inf on the cast`);
    if (figures.castUnderflow > 0) parts.push(`${plural(figures.castUnderflow, 'logit')} ${figures.castUnderflow === 1 ? 'underflows' : 'underflow'} to 0 on the cast`);
    if (figures.maskedRows > 0) parts.push(`${plural(figures.maskedRows, 'fully masked row')}`);
    if (figures.nanRows > 0) parts.push(`${plural(figures.nanRows, 'row')} with NaN (excluded)`);
    if (figures.posInfRows > 0) parts.push(`${plural(figures.posInfRows, 'row')} with +Inf (excluded)`);
    if (parts.length > 0) {
      const first = figures.listedRows[0];
      lines.push(`${figures.dtype}: ${parts.join(', ')}${first ? `; first: ${describeRow(first)} (${first.kind})` : ''}`);
    }
  }
  return lines;
}

export function checkLines(outcome: CheckOutcome, limit = 10): string[] {
  if (outcome.passed) return [];
  const shown = outcome.failures.slice(0, limit).map((failure) => {
    const where = failure.row ? `, ${describeRow(failure.row)}` : '';
    return `${failure.function} ${failure.algorithm} ${failure.dtype}: ${failure.figure} = ${formatFigure(failure.value)}${where} [${failure.input}]`;
  });
  if (outcome.failures.length > limit) shown.push(`... and ${outcome.failures.length - limit} more`);
  return shown;
}
