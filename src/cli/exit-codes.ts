import { CommanderError } from 'commander';
import { LogitcheckError } from '../errors.js';
import { BrokenPipe } from './io.js';

/**
 * SPEC section 7: 0 done and no check failed (or the reader of stdout went away); 1 a check
 * failed, and nothing else; 2 a usage, input or output error (an output that could not be
 * written included: a report that never arrived is not a check result).
 */
export const EXIT_OK = 0;
export const EXIT_CHECK_FAILED = 1;
export const EXIT_USAGE_OR_INPUT = 2;
/** An internal error (a bug): the one case where a stack trace is printed. */
export const EXIT_INTERNAL = 70;

/** The one place that turns an error into an exit status and a message for stderr. */
export function exitFor(error: unknown): { code: number; message: string | null } {
  if (error instanceof BrokenPipe) return { code: EXIT_OK, message: null };
  if (error instanceof LogitcheckError) return { code: EXIT_USAGE_OR_INPUT, message: `logitcheck: ${error.message}` };
  if (error instanceof CommanderError) {
    // Help and --version are not errors; commander has already written their text.
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') {
      return { code: EXIT_OK, message: null };
    }
    // commander has already written its one-line message (configureOutput routes it to stderr).
    return { code: EXIT_USAGE_OR_INPUT, message: null };
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return { code: EXIT_INTERNAL, message: `logitcheck: internal error, please report it:\n${detail}` };
}
