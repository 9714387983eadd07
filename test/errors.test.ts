// The messages for files that cannot be used, from the system error code alone: testable
// whoever runs the suite (root reads and writes files whatever their mode, so the real
// permission errors are seen only as another user: test/e2e/permissions.test.ts).
import { describe, expect, test } from 'vitest';
import { fileMessage, InputError, type FileRole } from '../src/errors.js';
import { fileError } from '../src/input/tensor/tensor-file.js';

// [role, code, the message after `logitcheck: `], written out by hand. libuv's words for the
// codes: EACCES permission denied, EPERM operation not permitted, EROFS read-only file system,
// ELOOP too many symbolic links encountered.
const MESSAGES: Array<[FileRole, string, string]> = [
  ['input', 'EACCES', 'data/x.csv: permission denied'],
  ['input', 'EPERM', 'data/x.csv: permission denied'],
  ['input', 'ENOENT', 'data/x.csv: no such file'],
  ['input', 'ENOTDIR', 'data/x.csv: no such file (a part of the path is not a directory)'],
  ['input', 'EISDIR', 'data/x.csv: is a directory, not a file'],
  ['input', 'ELOOP', 'data/x.csv: cannot be read (ELOOP: ELOOP: too many symbolic links encountered, open)'],
  ['output file', 'EACCES', '--output data/x.csv: the file is not writable: permission denied (EACCES)'],
  ['output file', 'EPERM', '--output data/x.csv: the file is not writable: operation not permitted (EPERM)'],
  ['output file', 'EROFS', '--output data/x.csv: the file is not writable: read-only file system (EROFS)'],
  ['output file', 'EISDIR', '--output data/x.csv: is a directory'],
  ['output folder', 'EACCES', '--output data/x.csv: its folder is not writable: permission denied (EACCES)'],
  ['output folder', 'EPERM', '--output data/x.csv: its folder is not writable: operation not permitted (EPERM)'],
  ['output folder', 'EROFS', '--output data/x.csv: its folder is not writable: read-only file system (EROFS)'],
  ['output folder', 'ENOENT', '--output data/x.csv: its folder does not exist'],
  ['output folder', 'ENOTDIR', '--output data/x.csv: its folder does not exist'],
  ['output folder', 'ELOOP', '--output data/x.csv: its folder is not writable: too many symbolic links encountered (ELOOP)'],
  // A code libuv does not know keeps the error's own text.
  ['output folder', 'EWHATEVER', '--output data/x.csv: its folder is not writable: EWHATEVER: something odd, access (EWHATEVER)'],
];

/** The error Node's fs gives for `code` (its message as Node writes it). */
function systemError(code: string): NodeJS.ErrnoException {
  const words: Record<string, string> = { ELOOP: 'too many symbolic links encountered', EWHATEVER: 'something odd' };
  const syscall = code === 'EWHATEVER' ? 'access' : 'open';
  return Object.assign(new Error(`${code}: ${words[code] ?? code.toLowerCase()}, ${syscall}`), { code, syscall });
}

describe('fileMessage: the one line for a file that cannot be used', () => {
  test.each(MESSAGES)('%s %s', (role, code, expected) => {
    const got = fileMessage(role, 'data/x.csv', code, systemError(code).message);
    expect(got, `role ${role}, code ${code}`).toBe(expected);
    expect(got).not.toContain('\n');
  });

  test('an input error is the InputError that fileError makes from the system error, with its byte offset if any', () => {
    for (const [role, code, expected] of MESSAGES.filter(([role]) => role === 'input')) {
      const error = fileError('data/x.csv', systemError(code));
      expect(error, `${role} ${code}`).toBeInstanceOf(InputError);
      expect((error as InputError).message).toBe(expected);
    }
    expect((fileError('data/x.npy', systemError('EACCES'), 128) as InputError).message).toBe('data/x.npy: byte 128: permission denied');
  });

  test('fileError passes through what is not a file-system error', () => {
    const bug = new TypeError('not a system error');
    expect(fileError('data/x.csv', bug)).toBe(bug);
  });
});
