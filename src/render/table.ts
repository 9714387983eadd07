import { Chalk, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import { FUNCTIONS } from '../algorithms/names.js';
import { findingsOf, maskedLines } from '../report/findings.js';
import type { InputReport, Report, ResultReport } from '../report/report.js';
import type { Verdict } from '../report/verdict.js';
import { cellFigure, DETAIL_HEAD, detailCells, VERDICT_WORD } from './cells.js';
import { checkLines, describeSize, describeSource, inputLines } from './summary-lines.js';

export interface TableOptions {
  color: boolean;
  details: boolean;
}

/** Between two columns of the verdict matrix. */
const GAP = '  ';

/** The report for a person at a terminal: a verdict matrix per function, then findings in words. */
export function renderTable(report: Report, options: TableOptions): string {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const paint: Record<Verdict, (text: string) => string> = { ok: chalk.green, warn: chalk.yellow, fail: chalk.red };
  const out: string[] = [];
  for (const input of report.inputs) {
    out.push(chalk.bold(`${input.path}`) + `  (${describeSource(input)}, ${describeSize(input)})`);
    for (const line of inputLines(input)) out.push(`  ${line}`);
    out.push('');
    out.push(...matrix(input, report, paint, chalk));
    const masked = maskedLines(input);
    if (masked.length > 0) out.push(...masked.map((line) => `  ${line}`), '');
    const findings = findingsOf(input);
    if (findings.length > 0) {
      out.push(chalk.bold('Findings'));
      for (const finding of findings.slice(0, 12)) out.push(`  ${paint[finding.severity](VERDICT_WORD[finding.severity].padEnd(4))} ${finding.message}`);
      if (findings.length > 12) out.push(`  ... and ${findings.length - 12} more (--details or --format json for all)`);
      out.push('');
    }
    if (options.details) out.push(detailsTable(input), '');
  }
  if (report.checks.length > 0) {
    out.push(chalk.bold('Checks'));
    for (const outcome of report.checks) {
      out.push(`  ${outcome.passed ? paint.ok('pass') : paint.fail('FAIL')} ${outcome.check}`);
      for (const line of checkLines(outcome)) out.push(`       ${line}`);
    }
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

function matrix(input: InputReport, report: Report, paint: Record<Verdict, (t: string) => string>, chalk: ChalkInstance): string[] {
  const lines: string[] = [];
  const dtypes = report.selection.dtypes;
  const functions = FUNCTIONS.filter((fn) => input.results.some((r) => r.function === fn));
  const cellOf = (fn: string, algorithm: string, dtype: string) => input.results.find((r) => r.function === fn && r.algorithm === algorithm && r.dtype === dtype);
  const textOf = (result: ResultReport) => `${VERDICT_WORD[result.verdict]} ${cellFigure(result)}`;
  // Each column as wide as its widest cell, and two spaces between columns whatever a figure's width.
  const width = dtypes.map((dtype) => Math.max(dtype.length, ...input.results.filter((r) => r.dtype === dtype).map((r) => textOf(r).length)));
  const labelWidth = Math.max(16, ...input.results.map((r) => r.algorithm.length + 2));
  for (const fn of functions) {
    const algorithms = [...new Set(input.results.filter((r) => r.function === fn).map((r) => r.algorithm))];
    lines.push((chalk.bold(fn.padEnd(labelWidth + 2)) + dtypes.map((d, i) => d.padEnd(width[i])).join(GAP)).trimEnd());
    for (const algorithm of algorithms) {
      const cells = dtypes.map((dtype, i) => {
        const result = cellOf(fn, algorithm, dtype);
        if (!result) return ''.padEnd(width[i]);
        return paint[result.verdict](textOf(result).padEnd(width[i]));
      });
      lines.push(`  ${algorithm.padEnd(labelWidth)}${cells.join(GAP)}`.trimEnd());
    }
  }
  lines.push(chalk.dim('  cells: verdict and key figure (mean bits of error when fine; NaN/Inf outputs, overflow rows, outputs off by 2x or more, argmax flips, zeros when not)'));
  lines.push('');
  return lines;
}

function detailsTable(input: InputReport): string {
  // Short headings: the terminal table is wide enough without the full names.
  const head = DETAIL_HEAD.map((name) => SHORT_HEAD[name] ?? name);
  const table = new Table({ head, style: { head: [], border: [] } });
  for (const r of input.results) table.push(detailCells(r));
  return table.toString();
}

const SHORT_HEAD: Record<string, string> = { overflow: 'ovf', underflow: 'unf', invalid: 'inv', divideByZero: 'div0', argmaxFlips: 'flips' };
