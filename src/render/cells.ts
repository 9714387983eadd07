// Text shared by the table and Markdown renderers: how a figure or a verdict cell reads.
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
  if ((result.softmax?.argmaxFlips ?? 0) > 0) return `argmax ${result.softmax!.argmaxFlips}r`;
  if (result.wrong.zero > 0) return `zero x${result.wrong.zero}`;
  if (result.errors.meanBits === null) return '-';
  if (result.verdict === 'warn') return `${result.errors.maxBits!.toFixed(1)}b max`;
  return `${result.errors.meanBits.toFixed(2)}b`;
}

export const VERDICT_WORD = { ok: 'ok', warn: 'WARN', fail: 'FAIL' } as const;
