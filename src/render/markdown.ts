import { FUNCTIONS } from '../algorithms/names.js';
import { findingsOf, maskedLines } from '../report/findings.js';
import type { InputReport, Report } from '../report/report.js';
import { verdictCounts } from '../report/verdict.js';
import { cellFigure, DETAIL_HEAD, detailCells, VERDICT_WORD } from './cells.js';
import { checkLines, describeSize, describeSource, inputLines } from './summary-lines.js';

const MARK = { ok: '🟢', warn: '🟡', fail: '🔴' } as const;

/** GitHub-flavoured Markdown, for a PR comment or a CI step summary: the table view's content. */
export function renderMarkdown(report: Report, details: boolean): string {
  const out: string[] = [];
  const failed = report.checks.filter((c) => !c.passed);
  if (report.checks.length > 0) {
    out.push(`## logitcheck ${report.ok ? '✅' : '❌'}`, '');
    out.push(failed.length === 0 ? `All ${report.checks.length} checks passed.` : `${failed.length} of ${report.checks.length} checks failed.`, '');
  } else {
    // No check decides the run, so the title shows the worst verdict: a green tick above red cells would mislead.
    const counts = verdictCounts(report.inputs);
    const worst = counts.fail > 0 ? 'fail' : counts.warn > 0 ? 'warn' : 'ok';
    out.push(`## logitcheck ${worst === 'ok' ? '✅' : MARK[worst]}`, '');
    const tally = (['fail', 'warn', 'ok'] as const).filter((v) => counts[v] > 0).map((v) => `${counts[v]} ${VERDICT_WORD[v]}`);
    out.push(`Results: ${tally.join(', ')}. No checks were requested (\`--fail-on\`, \`--max-ulp\`...), so the exit status is 0.`, '');
  }
  for (const input of report.inputs) {
    out.push(`### \`${escapeCell(input.path)}\` (${describeSource(input)}, ${describeSize(input, '×')})`, '');
    for (const line of inputLines(input)) out.push(`- ${escapeCell(line)}`);
    out.push('');
    out.push(...matrix(input, report));
    const masked = maskedLines(input);
    if (masked.length > 0) out.push(`**Masked rows:** ${escapeCell(masked[0])}`, '', ...masked.slice(1).map((line) => `- ${escapeCell(line.trim())}`), '');
    const findings = findingsOf(input);
    if (findings.length > 0) {
      out.push('**Findings**', '');
      for (const finding of findings) out.push(`- ${MARK[finding.severity]} ${escapeCell(finding.message)}`);
      out.push('');
    }
    if (details) out.push(...detailsTable(input), '');
  }
  if (report.checks.length > 0) {
    out.push('**Checks**', '');
    for (const outcome of report.checks) {
      out.push(`- ${outcome.passed ? '✅' : '❌'} \`${outcome.check}\``);
      for (const line of checkLines(outcome)) out.push(`  - ${escapeCell(line)}`);
    }
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

function matrix(input: InputReport, report: Report): string[] {
  const lines: string[] = [];
  const dtypes = report.selection.dtypes;
  for (const fn of FUNCTIONS) {
    const rows = input.results.filter((r) => r.function === fn);
    if (rows.length === 0) continue;
    lines.push(`| ${fn} | ${dtypes.join(' | ')} |`, `|---|${dtypes.map(() => '---').join('|')}|`);
    for (const algorithm of [...new Set(rows.map((r) => r.algorithm))]) {
      const cells = dtypes.map((dtype) => {
        const result = rows.find((r) => r.algorithm === algorithm && r.dtype === dtype);
        return result ? `${MARK[result.verdict]} ${VERDICT_WORD[result.verdict]} ${cellFigure(result)}` : '';
      });
      lines.push(`| ${algorithm} | ${cells.join(' | ')} |`);
    }
    lines.push('');
  }
  return lines;
}

function detailsTable(input: InputReport): string[] {
  const lines = [`| ${DETAIL_HEAD.join(' | ')} |`, `|${DETAIL_HEAD.map(() => '---').join('|')}|`];
  for (const r of input.results) lines.push(`| ${detailCells(r).map(escapeCell).join(' | ')} |`);
  return lines;
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
