import { accessSync, constants, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { OutputError } from '../errors.js';

/** Fails before any work starts when `--output` cannot be written (a bad output path fails first). */
export function checkWritable(path: string): void {
  const full = resolve(path);
  let stats: Stats | undefined;
  try {
    stats = statSync(full);
  } catch {
    stats = undefined; // does not exist yet: its folder must be writable
  }
  if (stats?.isDirectory()) throw new OutputError(`--output ${path}: is a directory`);
  try {
    accessSync(stats ? full : dirname(full), constants.W_OK);
  } catch {
    throw new OutputError(`--output ${path}: ${stats ? 'the file is not writable' : 'its folder does not exist or is not writable'}`);
  }
}
