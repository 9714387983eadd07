// Files that cannot be read or written, seen for real: the bin run as a user without root's
// overrides (root reads and writes files whatever their mode, and CI runs as root). As
// ourselves when we are not root; as nobody through setpriv (or runuser) when we are; skipped,
// saying why, when neither works. The messages themselves are checked for every code in
// test/errors.test.ts.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { scratchDir } from '../support/scratch.js';

const BIN = resolve('bin/logitcheck.js');
const NOBODY = 65534; // uid and gid of nobody / nogroup on Linux distributions

/** The command prefix that runs a program unprivileged, or why there is none. */
function unprivileged(): { prefix: string[] } | { skipped: string } {
  if (process.getuid?.() !== 0) return { prefix: [] };
  const candidates = [
    ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '--'],
    ['runuser', '-u', 'nobody', '--'],
  ];
  const reasons: string[] = [];
  for (const prefix of candidates) {
    // The unprivileged user must be able to run node on the bin (the checkout readable by others).
    const probe = spawnSync(prefix[0], [...prefix.slice(1), process.execPath, BIN, '--version'], { encoding: 'utf8' });
    if (probe.status === 0) return { prefix };
    reasons.push(`${prefix[0]}: ${probe.error?.message ?? (probe.stderr.trim() || `exit ${probe.status}`)}`);
  }
  return { skipped: `running as root, and no way to run the bin as nobody (${reasons.join('; ')})` };
}

const runner = unprivileged();
const dir = scratchDir('permissions');
chmodSync(dir, 0o755); // mkdtemp makes it 0700: nobody could not even look inside

function logitcheck(args: string[], input = ''): { status: number | null; stdout: string; stderr: string } {
  if ('skipped' in runner) throw new Error(runner.skipped);
  const [command, ...prefixArgs] = [...runner.prefix, process.execPath];
  const result = spawnSync(command, [...prefixArgs, BIN, ...args], { input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('permission errors, as an unprivileged user', () => {
  // An input nobody may read, a folder nobody may write in, a file nobody may write.
  const secretCsv = join(dir, 'secret.csv');
  writeFileSync(secretCsv, '1,2\n');
  chmodSync(secretCsv, 0o000);
  const secretNpy = join(dir, 'secret.npy');
  copyFileSync('fixtures/tensors/f4_le_3x4.npy', secretNpy);
  chmodSync(secretNpy, 0o000);
  const lockedFolder = join(dir, 'locked');
  mkdirSync(lockedFolder);
  // Writable itself, but replaced through a temporary file in a folder one may not write in.
  const writableInLocked = join(lockedFolder, 'writable.json');
  writeFileSync(writableInLocked, '{}\n');
  chmodSync(writableInLocked, 0o666);
  const lockedFile = join(dir, 'locked-file.csv');
  writeFileSync(lockedFile, 'old\n');
  chmodSync(lockedFile, 0o444);
  chmodSync(lockedFolder, 0o555);
  // Writable again when this describe ends, so that the scratch folder can be removed by a user
  // who is not root.
  afterAll(() => chmodSync(lockedFolder, 0o755));

  const cases: Array<[string, string[], string]> = [
    ['a CSV input', ['analyze', secretCsv], `logitcheck: ${secretCsv}: permission denied\n`],
    ['a .npy input (opened at offsets)', ['analyze', secretNpy], `logitcheck: ${secretNpy}: permission denied\n`],
    [
      'an -o file in a folder one may not write in',
      ['compute', '-f', 'softmax', '-d', 'f32', '-o', join(lockedFolder, 'out.csv')],
      `logitcheck: --output ${join(lockedFolder, 'out.csv')}: its folder is not writable: permission denied (EACCES)\n`,
    ],
    [
      'an -o file one may not write',
      ['compute', '-f', 'softmax', '-d', 'f32', '-o', lockedFile],
      `logitcheck: --output ${lockedFile}: the file is not writable: permission denied (EACCES)\n`,
    ],
    [
      // It used to pass the up-front check and fail after the whole analysis: 'cannot write the
      // report to ...: permission denied (EACCES)'.
      'an -o file one may write, in a folder one may not write in',
      ['analyze', 'fixtures/demo/breaks.csv', '--format', 'json', '-o', writableInLocked],
      `logitcheck: --output ${writableInLocked}: its folder is not writable: permission denied (EACCES)\n`,
    ],
  ];
  for (const [what, args, expected] of cases) {
    test(`${what}: exit 2, one line naming the file and why`, (context) => {
      if ('skipped' in runner) return context.skip(runner.skipped);
      const result = logitcheck(args, '1,2\n');
      expect(result, `logitcheck ${args.join(' ')}`).toEqual({ status: 2, stdout: '', stderr: expected });
    });
  }
});

describe('an immutable -o file (chattr +i): EPERM, even for root', () => {
  // access(2) refuses W_OK on an immutable file with EPERM, whoever asks: the one way to see
  // EPERM for real. Needs root (CAP_LINUX_IMMUTABLE), chattr and a file system with the flag.
  // The flag is set and cleared within the test, so that nothing undeletable outlives it.
  test('compute -o onto it: exit 2, the file is not writable: operation not permitted (EPERM)', (context) => {
    const immutable = join(dir, 'immutable.csv');
    writeFileSync(immutable, 'old\n');
    try {
      if (process.getuid?.() !== 0) throw new Error('not root');
      execFileSync('chattr', ['+i', immutable], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (error) {
      const reason = ((error as { stderr?: Buffer }).stderr?.toString() || (error as Error).message).trim();
      return context.skip(`chattr +i ${immutable} failed: ${reason}`);
    }
    try {
      const result = spawnSync(process.execPath, [BIN, 'compute', '-f', 'softmax', '-d', 'f32', '-o', immutable], { input: '1,2\n', encoding: 'utf8' });
      expect({ status: result.status, stdout: result.stdout, stderr: result.stderr }).toEqual({
        status: 2,
        stdout: '',
        stderr: `logitcheck: --output ${immutable}: the file is not writable: operation not permitted (EPERM)\n`,
      });
    } finally {
      execFileSync('chattr', ['-i', immutable]);
    }
  });
});
