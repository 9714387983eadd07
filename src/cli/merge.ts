import { readFileSync } from 'node:fs';
import { InputError } from '../errors.js';
import { runChecks, type CheckSpec } from '../report/checks.js';
import { mergeReports, reviveNonFinite, type ShardReport } from '../report/merge.js';
import { REPORT_SCHEMA, type Report } from '../report/report.js';
import { emitReport, type ReportFormat } from './emit-report.js';
import { EXIT_CHECK_FAILED, EXIT_OK } from './exit-codes.js';
import type { CliIO } from './io.js';
import { checkWritable } from './output-file.js';

export interface MergeRequest {
  files: string[];
  checks: CheckSpec;
  format: ReportFormat;
  output?: string;
  details: boolean;
  version: string;
}

function readReport(file: string): ShardReport {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InputError({ file }, code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a file' : `cannot be read (${code})`);
  }
  try {
    return { file, report: JSON.parse(text, reviveNonFinite) as Report };
  } catch (error) {
    const offset = /position (\d+)/.exec((error as Error).message);
    throw new InputError({ file, byteOffset: offset ? Number(offset[1]) : undefined }, `not valid JSON (${(error as Error).message})`);
  }
}

/** `logitcheck merge`: the report of the whole from the JSON reports of its shards. */
export async function merge(request: MergeRequest, io: CliIO): Promise<number> {
  if (request.output !== undefined) checkWritable(request.output);
  const { input, selection } = mergeReports(request.files.map(readReport));
  const checks = runChecks(request.checks, [input]);
  const report: Report = {
    schema: REPORT_SCHEMA,
    tool: { name: 'logitcheck', version: request.version },
    selection,
    inputs: [input],
    checks,
    ok: checks.every((check) => check.passed),
  };
  await emitReport(report, request.format, request.output, request.details, io);
  return report.ok ? EXIT_OK : EXIT_CHECK_FAILED;
}
