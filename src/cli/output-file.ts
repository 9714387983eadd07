import { accessSync, constants, lstatSync, readlinkSync, realpathSync, statSync, type Stats } from 'node:fs';
import { mkdtemp, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileMessage, OutputError } from '../errors.js';
import { writeFailure } from './io.js';

/**
 * Fails before any work starts when `--output` cannot be written (a bad output path fails
 * first): the file itself when it exists, and the folder it is replaced from (openOutputFile
 * writes a regular file under a temporary name there and renames it over the file), so a
 * writable file in a folder one may not write in fails here, not after the work.
 */
export function checkWritable(path: string): void {
  let stats: Stats | undefined;
  try {
    stats = statSync(resolve(path));
  } catch {
    stats = undefined; // does not exist yet: its folder must be writable
  }
  if (stats?.isDirectory()) throw new OutputError(fileMessage('output file', path, 'EISDIR'));
  const target = outputTarget(path);
  const checks: Array<['output file' | 'output folder', string]> = [];
  if (stats) checks.push(['output file', resolve(path)]);
  if (target.replace) checks.push(['output folder', dirname(target.path)]);
  for (const [role, checked] of checks) {
    try {
      accessSync(checked, constants.W_OK);
      // access(2) lets a writable regular file pass for a folder (`-o notes.txt/out.csv`).
      if (role === 'output folder' && !statSync(checked).isDirectory()) throw Object.assign(new Error(`ENOTDIR: not a directory, access '${checked}'`), { code: 'ENOTDIR' });
    } catch (error) {
      const { code, message } = error as NodeJS.ErrnoException;
      if (typeof code !== 'string') throw error;
      throw new OutputError(fileMessage(role, path, code, message));
    }
  }
}

/**
 * What `-o PATH` leads to, symbolic links followed. A regular file, or nothing yet, is replaced:
 * written under a temporary name in the same folder and renamed over it when complete, so it is
 * never left half-written (through a link, the file it names is replaced and the link stays).
 * Anything else (a named pipe, a device) would be destroyed by a rename: it is written in place,
 * as a shell's `>` does.
 */
export function outputTarget(path: string): { path: string; replace: boolean } {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch {
    return { path: createdPath(path), replace: true };
  }
  // In place, PATH itself is opened: the kernel follows the links, including /proc's
  // (/dev/stdout, a shell's >(...)), whose text is no path.
  if (!stats.isFile()) return { path, replace: false };
  return { path: realpathSync(path), replace: true };
}

/** Where opening PATH would create the file: at the end of its links when it is a dangling one. */
function createdPath(path: string): string {
  let target = resolve(path);
  for (let links = 0; links < 40; links++) {
    try {
      if (!lstatSync(target).isSymbolicLink()) break;
      target = resolve(dirname(target), readlinkSync(target));
    } catch {
      break; // nothing there: the file is created here (or the open says why it cannot be)
    }
  }
  return target;
}

/** `-o PATH` while it is being written: `commit` completes it, `abort` gives up. */
export interface OutputFile {
  /** Appends all of `bytes`. */
  write(bytes: Uint8Array): Promise<void>;
  /** Overwrites bytes already written, from `position` (only when opened `seekable`). */
  writeAt(bytes: Uint8Array, position: number): Promise<void>;
  commit(): Promise<void>;
  /** After a failure: a file being replaced is left as it was; a pipe or device just stops being written. */
  abort(): Promise<void>;
}

/**
 * Opens `-o PATH` (`what` names the contents in messages: 'the values'). A regular file is
 * replaced on commit (see outputTarget). A pipe or device is written as the bytes come, unless the
 * writer needs to seek back (`seekable`, a .npy's header): it then gets them from a temporary
 * copy, in one go, on commit. Every failure is a WriteError naming PATH as the user gave it, but
 * EPIPE (the reader of a named pipe went away): BrokenPipe, as on stdout.
 */
export async function openOutputFile(path: string, what: string, seekable: boolean): Promise<OutputFile> {
  const target = outputTarget(path);
  const attempt = async <T>(step: () => Promise<T>): Promise<T> => {
    try {
      return await step();
    } catch (error) {
      throw writeFailure(what, path, error);
    }
  };
  if (target.replace) {
    const temporary = join(dirname(target.path), `.${basename(target.path)}.${process.pid}.partial`);
    const file = await attempt(() => open(temporary, 'w'));
    return {
      write: (bytes) => attempt(() => writeAll(file, bytes)),
      writeAt: (bytes, position) => attempt(() => writeAll(file, bytes, position)),
      commit: () =>
        attempt(async () => {
          await file.close(); // some file systems (NFS) report a full disk only here
          await rename(temporary, target.path);
        }),
      abort: async () => {
        await closeQuietly(file);
        await removeQuietly(temporary);
      },
    };
  }
  // Opening a named pipe waits for its reader, off the main thread.
  const inPlace = await attempt(() => open(target.path, 'w'));
  if (!seekable) {
    return {
      write: (bytes) => attempt(() => writeAll(inPlace, bytes)),
      writeAt: () => Promise.reject(new Error('writeAt on an output opened without seekable')),
      commit: () => attempt(() => inPlace.close()),
      abort: () => closeQuietly(inPlace),
    };
  }
  let folder: string | undefined;
  let copy: FileHandle;
  try {
    folder = await mkdtemp(join(tmpdir(), 'logitcheck-output-'));
    copy = await open(join(folder, 'output'), 'w+');
  } catch (error) {
    await closeQuietly(inPlace);
    if (folder !== undefined) await removeQuietly(folder);
    throw writeFailure(what, `${path} (its temporary copy in ${tmpdir()})`, error);
  }
  const discard = async () => {
    await closeQuietly(copy);
    await removeQuietly(folder!);
  };
  return {
    write: (bytes) => attempt(() => writeAll(copy, bytes)),
    writeAt: (bytes, position) => attempt(() => writeAll(copy, bytes, position)),
    commit: async () => {
      try {
        await attempt(async () => {
          const chunk = new Uint8Array(1 << 20);
          for (let position = 0; ; ) {
            const { bytesRead } = await copy.read(chunk, 0, chunk.length, position);
            if (bytesRead === 0) break;
            await writeAll(inPlace, chunk.subarray(0, bytesRead));
            position += bytesRead;
          }
          await inPlace.close();
        });
      } finally {
        await closeQuietly(inPlace);
        await discard();
      }
    },
    abort: async () => {
      await closeQuietly(inPlace);
      await discard();
    },
  };
}

/** One write(2) may take only part of the bytes (a pipe, a device, a disk filling up): loops until all are written. */
async function writeAll(file: FileHandle, bytes: Uint8Array, position?: number): Promise<void> {
  for (let done = 0; done < bytes.length; ) {
    const { bytesWritten } = await file.write(bytes, done, bytes.length - done, position === undefined ? null : position + done);
    done += bytesWritten;
  }
}

async function closeQuietly(file: FileHandle): Promise<void> {
  try {
    await file.close();
  } catch {
    // already closed, or failing after a failure that is the one reported
  }
}

/** Cleaning up after a failure must not hide that failure, which is the one to report. */
async function removeQuietly(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true }).catch(() => undefined);
}
