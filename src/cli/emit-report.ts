import { writeFileSync } from 'node:fs';
import type { Report } from '../report/report.js';
import { renderJson } from '../render/json.js';
import { renderMarkdown } from '../render/markdown.js';
import { renderTable } from '../render/table.js';
import { useColor } from './color.js';
import { Output, writeFailure, type CliIO } from './io.js';

export type ReportFormat = 'table' | 'json' | 'markdown';

/** Renders a report in the chosen format to --output (a file) or stdout. */
export async function emitReport(report: Report, format: ReportFormat, output: string | undefined, details: boolean, io: CliIO): Promise<void> {
  const toFile = output !== undefined;
  const text =
    format === 'json'
      ? renderJson(report)
      : format === 'markdown'
        ? renderMarkdown(report, details)
        : renderTable(report, { color: !toFile && useColor(io), details });
  if (!toFile) return new Output(io.stdout, 'the report').write(text);
  try {
    writeFileSync(output, text);
  } catch (error) {
    throw writeFailure('the report', output, error);
  }
}
