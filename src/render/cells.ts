// Text shared by the table and Markdown renderers: how a figure or a verdict cell reads.
import { describeRow, maskedOutput } from '../report/findings.js';
import type { ResultReport } from '../report/report.js';

export function formatFigure(value: number | null | undefined): string {
  if (value === null || value === undefined) return '-';
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Inf';
  if (value === -Infinity) return '-Inf';
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  if (value !== 0 && (Math.abs(value) < 1e-3 || Math.abs(value) >= 1e6)) return value.toExponential(2);
  return value.toPrecision(3);
}

/** The key figure of a verdict cell: the failure that matters most, or the mean bits of error. */
export function cellFigure(result: ResultReport): string {
  if (result.wrong.nan > 0) return `NaN x${result.wrong.nan}`;
  if (result.wrong.inf > 0) return `Inf x${result.wrong.inf}`;
  if (result.flags.overflow > 0) return `overflow ${result.flags.overflow}r`;
  if (result.wrong.factor2 > 0) return `2x off x${result.wrong.factor2}`;
  if ((result.softmax?.argmaxFlips ?? 0) > 0) return `argmax ${result.softmax!.argmaxFlips}r`;
  if ((result.gradient?.vanishing ?? 0) > 0) return `vanish ${result.gradient!.vanishing}r`;
  if (result.verdict === 'fail' && result.softmax?.maxSumDev != null) return `sum off ${formatFigure(result.softmax.maxSumDev)}`;
  if (result.wrong.zero > 0) return `zero x${result.wrong.zero}`;
  if (result.errors.meanBits === null) return '-';
  if (result.verdict === 'warn') return `${result.errors.maxBits!.toFixed(1)}b max`;
  return `${result.errors.meanBits.toFixed(2)}b`;
}

export const VERDICT_WORD = { ok: 'ok', warn: 'WARN', fail: 'FAIL' } as const;

/** The columns of the details table (table and Markdown), and one result's cells. */
export const DETAIL_HEAD = ['function', 'algorithm', 'dtype', 'rows', 'overflow', 'underflow', 'invalid', 'divideByZero', 'nan', 'inf', 'zero', 'factor2', 'maxAbs', 'maxRel', 'maxUlp', 'meanBits', 'maxBits', 'worstRow', 'maxSumDev', 'argmaxFlips', 'meanLoss', 'exactMeanLoss', 'vanishing', 'masked'];

export function detailCells(r: ResultReport): string[] {
  return [
    r.function,
    r.algorithm,
    r.dtype,
    String(r.rows),
    String(r.flags.overflow),
    String(r.flags.underflow),
    String(r.flags.invalid),
    String(r.flags.divideByZero),
    String(r.wrong.nan),
    String(r.wrong.inf),
    String(r.wrong.zero),
    String(r.wrong.factor2),
    formatFigure(r.errors.maxAbs),
    formatFigure(r.errors.maxRel),
    formatFigure(r.errors.maxUlp),
    formatFigure(r.errors.meanBits),
    formatFigure(r.errors.maxBits),
    describeRow(r.errors.worstRow),
    formatFigure(r.softmax?.maxSumDev),
    r.softmax ? String(r.softmax.argmaxFlips) : '-',
    r.loss ? formatLoss(r.loss.meanLoss) : '-',
    r.loss ? formatLoss(r.loss.exactMeanLoss) : '-',
    r.gradient ? String(r.gradient.vanishing) : '-',
    r.masked.rows === 0 ? '-' : `${maskedOutput(r)} (${r.masked.rows}r)`,
  ];
}

/** A mean loss with the digits that tell a computed mean from the exact one (7 significant). */
export function formatLoss(value: number | null): string {
  if (value === null) return '-';
  if (!Number.isFinite(value)) return formatFigure(value);
  return value.toPrecision(7);
}
