import type { Report } from '../report/report.js';
import { renderJson } from '../render/json.js';
import { renderMarkdown } from '../render/markdown.js';
import { renderTable } from '../render/table.js';
import { useColor } from './color.js';
import { Output, type CliIO } from './io.js';
import { openOutputFile } from './output-file.js';

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
  // As compute -o: a regular file is replaced only once the report is whole (a full disk leaves
  // the old one), a pipe or device is written in place.
  const file = await openOutputFile(output, 'the report', false);
  try {
    await file.write(new TextEncoder().encode(text));
    await file.commit();
  } catch (error) {
    await file.abort();
    throw error;
  }
}
