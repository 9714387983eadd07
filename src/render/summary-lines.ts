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
  lines.push(...calibrationLines(input));
  const labelled = input.dtypes.find((d) => d.labelledRows > 0 || d.ignoredRows > 0);
  if (labelled && !input.calibration?.labels) {
    const ignored = labelled.ignoredRows > 0 ? `, ${plural(labelled.ignoredRows, 'row')} with the ignore index (left out)` : '';
    const rule = input.labels?.binary || input.classes === 1 ? 'a logit > 0 predicts target 1, <= 0 target 0' : 'exact argmax = label';
    const accuracy = labelled.labelledRows > 0 ? `; accuracy ${((100 * labelled.correctRows) / labelled.labelledRows).toFixed(2)}% (${rule}, ${labelled.dtype})` : '';
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

/** A probability near 1 with the digits that matter: 0.9986, 0.999993. */
function nearOne(p: number): string {
  if (p >= 1) return '1';
  const digits = Math.min(12, Math.max(3, Math.ceil(-Math.log10(1 - p)) + 2));
  return p.toFixed(digits).replace(/0+$/, '');
}

const percent = (share: number | null) => (share === null ? '-' : `${(100 * share).toFixed(1)}%`);

/** Over-confidence and calibration (docs/metrics.md 5.11), when the input has them. */
export function calibrationLines(input: InputReport): string[] {
  const c = input.calibration;
  if (!c || c.rows === 0) return [];
  const lines: string[] = [];
  const at = c.temperature === 1 ? '' : ` (at temperature ${c.temperature})`;
  const top = c.topProbability;
  if (top) {
    lines.push(
      `confidence${at}: top probability mean ${nearOne(top.mean)}, median ${nearOne(top.median.value)}, p90 ${nearOne(top.p90.value)}; ${percent(top.shareAbove099)} of rows above 0.99, ${percent(top.shareAbove0999)} above 0.999` +
        (c.entropy ? `; entropy mean ${formatFigure(c.entropy.mean)} nats` : '') +
        (c.margin ? `; top-2 margin median ${formatFigure(c.margin.median.value)}` : ''),
    );
  }
  const saturated = c.saturation.filter((s) => s.rows > 0);
  if (saturated.length > 0) {
    const parts = saturated.map((s) => `${s.dtype} ${plural(s.rows, 'row')} beyond ${s.margin === null ? '-' : s.margin.toFixed(2)} nats`);
    lines.push(`saturated (top-2 margin beyond which softmax rounds to one-hot and the top class's gradient is 0): ${parts.join(', ')}`);
  }
  if (c.dominance.rows > 0) {
    const first = c.dominance.firstRows[0];
    lines.push(
      `one logit dominates (robust z-score > ${c.dominance.threshold}) in ${plural(c.dominance.rows, 'row')}, taking ${c.dominance.meanMass === null ? '-' : nearOne(c.dominance.meanMass)} of the mass on average${first ? `; first: ${describeRow(first)}` : ''}`,
    );
  }
  const fit = input.temperatureFit;
  if (fit) lines.push(temperatureFitLine(fit));
  const labels = c.labels;
  if (labels && labels.labelledRows > 0) {
    const ignored = labels.ignoredRows > 0 ? `, ${plural(labels.ignoredRows, 'row')} with the ignore index left out` : '';
    const gap = labels.overconfidence === null ? '' : `, over-confidence ${labels.overconfidence >= 0 ? '+' : ''}${labels.overconfidence.toFixed(4)} (${labels.overconfidence > 0 ? 'over-confident' : 'under-confident'})`;
    lines.push(`labels: ${plural(labels.labelledRows, 'labelled row')}${ignored}; accuracy ${labels.accuracy === null ? '-' : `${(100 * labels.accuracy).toFixed(2)}%`}, exact mean loss ${formatLoss(labels.meanLoss)}, Brier ${formatFigure(labels.brier)}, ECE ${formatFigure(labels.ece)} (15 bins)${gap}`);
  }
  return lines;
}

/** --fit-temperature, in a sentence. */
function temperatureFitLine(fit: NonNullable<InputReport['temperatureFit']>): string {
  if (fit.status === 'no-rows') return 'temperature fit: no labelled row with two or more classes';
  if (fit.status === 'infinite-loss') return 'temperature fit: a label sits on a -Inf logit, so the loss is +Inf at every temperature';
  const where = fit.status === 'at-limit' ? ` (at the search limit: every label is on a largest logit, so the loss falls as T goes to 0)` : '';
  return `temperature fit: T = ${fit.temperature.toPrecision(6)} minimises the exact mean loss${where}: loss ${formatLoss(fit.lossBefore)} -> ${formatLoss(fit.lossAfter)}, ECE ${formatFigure(fit.eceBefore)} -> ${formatFigure(fit.eceAfter)} (${plural(fit.rows, 'row')})`;
}
