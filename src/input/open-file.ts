// A file as a stream of byte chunks, with the reasons a file cannot be read turned into
// InputErrors that name it (the CLI reports those with exit status 2, not as a crash).

import { createReadStream } from 'node:fs';
import { InputError } from '../errors.js';

const PROBLEMS: Record<string, string> = {
  ENOENT: 'no such file',
  ENOTDIR: 'no such file (a part of the path is not a directory)',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory, not a file',
};

export async function* openFile(path: string): AsyncGenerator<Uint8Array> {
  // Opened on the first read, so an unreadable file fails when reading starts, like any bad input.
  const stream = createReadStream(path);
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === undefined) throw error;
    const problem = PROBLEMS[code] ?? `cannot be read (${code}: ${(error as Error).message})`;
    throw new InputError({ file: path }, problem);
  } finally {
    stream.destroy();
  }
}
