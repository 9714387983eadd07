// The closed set of errors logitcheck reports to users. Everything that can go wrong in the
// user's hands throws one of these; src/cli/exit-codes.ts is the one place that turns them into
// an exit status and a one-line message. Anything else reaching it is a bug (exit 70, with stack).

import { getSystemErrorMap } from 'node:util';

/** Stable codes; scripts may match on them, so never rename one. */
export type ErrorCode =
  | 'usage' // a bad flag or flag value
  | 'input' // unreadable or invalid input data
  | 'output'; // an output that cannot be written: a bad path, or a write that failed

export abstract class LogitcheckError extends Error {
  abstract readonly code: ErrorCode;
}

/** A bad command line: names the flag at fault and, where it can, the fix. */
export class UsageError extends LogitcheckError {
  readonly code = 'usage' as const;
}

/** Where in an input the problem is. Text inputs give line and column (1-based); binary inputs give a byte offset. */
export interface InputPosition {
  file: string; // the path as the user gave it, or '<stdin>'
  /** A member of an archive (a .npz's `logits.npy`): the byte offset is then counted from the member's first byte. */
  member?: string;
  line?: number;
  column?: number;
  byteOffset?: number;
}

/**
 * Invalid or unreadable input. The message is formatted as `FILE:LINE:COLUMN: what is wrong`,
 * `FILE: byte N: what is wrong`, or `FILE, member M: byte N: what is wrong` inside an archive.
 */
export class InputError extends LogitcheckError {
  readonly code = 'input' as const;
  constructor(
    readonly position: InputPosition,
    readonly problem: string,
  ) {
    super(`${formatPosition(position)}: ${problem}`);
  }
}

/** An output that cannot be written: a bad --output path (checked before any work starts), or a write that failed. */
export class OutputError extends LogitcheckError {
  readonly code = 'output' as const;
}

/**
 * A write the system refused (a full disk, an I/O error, a closed descriptor), on stdout or an
 * --output file: `cannot write the report to stdout: no space left on device (ENOSPC)`.
 */
export class WriteError extends OutputError {
  constructor(
    readonly what: string, // 'the report', 'the values', ...
    readonly where: string, // 'stdout', or the path as the user gave it
    readonly systemError: NodeJS.ErrnoException,
  ) {
    super(`cannot write ${what} to ${where}: ${systemReason(systemError)}`);
  }
}

/**
 * `no space left on device (ENOSPC)`: libuv's text for the code, as Node's own messages give it,
 * without their syscall suffix (`ENOSPC: no space left on device, write`).
 */
export function systemReason(error: NodeJS.ErrnoException): string {
  if (!error.code) return error.message;
  return codeReason(error.code, error.message);
}

/** libuv's text for a system error code, and the code: `permission denied (EACCES)`; `fallback` for a code libuv does not know. */
function codeReason(code: string, fallback: string): string {
  const text = [...getSystemErrorMap().values()].find(([name]) => name === code)?.[1] ?? fallback;
  return `${text} (${code})`;
}

/**
 * What a path given on the command line is, for the message of a failed open: an input file,
 * the `--output` file (it exists), or the folder `--output` would be created in (it does not).
 */
export type FileRole = 'input' | 'output file' | 'output folder';

// Why an input cannot be read, in words (the code itself says nothing to most users).
const INPUT_PROBLEMS: Record<string, string> = {
  ENOENT: 'no such file',
  ENOTDIR: 'no such file (a part of the path is not a directory)',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory, not a file',
};

/**
 * Why a file in `role` cannot be used, from the system error code of the failed open, stat or
 * access: the part of the message after the path. `detail` (the error's own message) is shown
 * for an input error without words of its own.
 */
export function fileProblem(role: FileRole, code: string, detail = ''): string {
  if (role === 'input') return INPUT_PROBLEMS[code] ?? `cannot be read (${code}: ${detail})`;
  if (role === 'output file') return code === 'EISDIR' ? 'is a directory' : `the file is not writable: ${codeReason(code, detail)}`;
  if (code === 'ENOENT' || code === 'ENOTDIR') return 'its folder does not exist';
  return `its folder is not writable: ${codeReason(code, detail)}`;
}

/**
 * The one-line message (what follows `logitcheck: ` on stderr) for a file that cannot be used:
 * `data.csv: permission denied`, `--output out.npy: its folder is not writable: permission
 * denied (EACCES)`. InputError and OutputError carry exactly this text.
 */
export function fileMessage(role: FileRole, path: string, code: string, detail = ''): string {
  const problem = fileProblem(role, code, detail);
  return role === 'input' ? `${formatPosition({ file: path })}: ${problem}` : `--output ${path}: ${problem}`;
}

export function formatPosition(position: InputPosition): string {
  let where = position.file;
  if (position.member !== undefined) where += `, member ${position.member}`;
  if (position.line !== undefined) {
    where += `:${position.line}`;
    if (position.column !== undefined) where += `:${position.column}`;
  } else if (position.byteOffset !== undefined) {
    where += `: byte ${position.byteOffset}`;
  }
  return where;
}
