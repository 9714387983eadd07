// Character devices made with mknod in a test's own scratch directory (never under /dev): a
// `null` (1,3) takes every write, a `full` (1,7) refuses every write with ENOSPC.
import { execFileSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';

export const NULL_DEVICE = [1, 3] as const;
export const FULL_DEVICE = [1, 7] as const;

/**
 * Makes the device DIR/NAME and opens it once for writing. Returns its path, or why it could not
 * be made or opened (not root, no CAP_MKNOD in a container, a file system mounted nodev): the
 * test is then skipped with that reason.
 */
export function makeDevice(dir: string, name: string, [major, minor]: readonly [number, number]): { path: string } | { skipped: string } {
  const path = join(dir, name);
  try {
    execFileSync('mknod', [path, 'c', String(major), String(minor)], { stdio: ['ignore', 'ignore', 'pipe'] });
    closeSync(openSync(path, 'r+'));
  } catch (error) {
    const reason = ((error as { stderr?: Buffer }).stderr?.toString() || (error as Error).message).trim();
    return { skipped: `mknod ${path} c ${major} ${minor} failed or the device cannot be opened: ${reason}` };
  }
  return { path };
}
