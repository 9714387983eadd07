// Write errors on stdout and on --output files: one line on stderr naming what could not be
// written, where, and why; status 2 (1 means only "a check failed"); no stack trace. A reader
// that went away (EPIPE) ends the run quietly with status 0.
import { Writable } from 'node:stream';
import { beforeAll, describe, expect, test } from 'vitest';
import { FULL_DEVICE, makeDevice } from '../support/device.js';
import { runCli } from '../support/run-cli.js';
import { scratchDir } from '../support/scratch.js';

const DEMO = 'fixtures/demo/breaks.csv';
const dir = scratchDir('write-errors');
const shardReport = `${dir}/shard.json`;

beforeAll(async () => {
  expect((await runCli(['analyze', DEMO, '--format', 'json', '-o', shardReport])).status).toBe(0);
});

/** Linux errno and libuv's text for each code, as Node's fs and stream errors carry them. */
const SYSTEM_ERRORS: Record<string, [number, string]> = {
  ENOSPC: [-28, 'no space left on device'],
  EIO: [-5, 'i/o error'],
  EBADF: [-9, 'bad file descriptor'],
  EPIPE: [-32, 'broken pipe'],
};

function systemError(code: string): NodeJS.ErrnoException {
  const [errno, text] = SYSTEM_ERRORS[code];
  return Object.assign(new Error(`${code}: ${text}, write`), { code, errno, syscall: 'write' });
}

/** A stdout that takes `accepted` chunks, then fails every write with `code`, as a Node stream does (callback, then 'error'). */
function failingStdout(code: string, accepted = 0): Writable & { writes: number } {
  const stream = new Writable({
    write(_chunk, _encoding, done) {
      stream.writes++;
      done(stream.writes > accepted ? systemError(code) : null);
    },
  }) as Writable & { writes: number };
  stream.writes = 0;
  return stream;
}

/** Each command that writes to stdout, and what its message calls the text. */
const COMMANDS: [string, string[], string | undefined, string][] = [
  ['analyze (table)', ['analyze', DEMO], undefined, 'the report'],
  ['analyze --format json', ['analyze', DEMO, '--format', 'json'], undefined, 'the report'],
  ['compute', ['compute', '-f', 'softmax', '-d', 'f32'], '1,2,3\n4,5,6\n', 'the values'],
  ['merge', ['merge', shardReport], undefined, 'the report'],
  ['limits', ['limits'], undefined, 'the limits'],
  ['analyze --help', ['analyze', '--help'], undefined, 'the help'],
  ['--help', ['--help'], undefined, 'the help'],
  ['--version', ['--version'], undefined, 'the version'],
];

describe('a write error on stdout', () => {
  for (const code of ['ENOSPC', 'EIO', 'EBADF']) {
    test.each(COMMANDS)(`${code}: %s exits 2 with one line naming what, where and why`, async (_name, args, stdin, what) => {
      const { status, stderr } = await runCli(args, { stdin, stdout: failingStdout(code) });
      expect(stderr).toBe(`logitcheck: cannot write ${what} to stdout: ${SYSTEM_ERRORS[code][1]} (${code})\n`);
      expect(status).toBe(2);
    });
  }

  test.each(COMMANDS)('EPIPE (the reader went away): %s ends quietly with status 0', async (_name, args, stdin) => {
    const { status, stderr } = await runCli(args, { stdin, stdout: failingStdout('EPIPE') });
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });

  test('a failed check whose report cannot be written exits 2, not 1 (1 means only "a check failed")', async () => {
    const args = ['analyze', DEMO, '--fail-on', 'overflow'];
    expect((await runCli(args)).status).toBe(1); // the check does fail
    const { status, stderr } = await runCli(args, { stdout: failingStdout('ENOSPC') });
    expect(stderr).toBe('logitcheck: cannot write the report to stdout: no space left on device (ENOSPC)\n');
    expect(status).toBe(2);
  });

  test('compute stops at the first failed write, mid-stream', async () => {
    // 3000 rows of 20 values: several flushes of about 64 KiB; the second one fails.
    const row = Array.from({ length: 20 }, (_, j) => (j * 0.37 - 3).toFixed(2)).join(',');
    const stdout = failingStdout('EIO', 1);
    const { status, stderr } = await runCli(['compute', '-f', 'softmax', '-d', 'f32'], { stdin: `${row}\n`.repeat(3000), stdout });
    expect(stderr).toBe('logitcheck: cannot write the values to stdout: i/o error (EIO)\n');
    expect(status).toBe(2);
    expect(stdout.writes).toBe(2);
  });
});

describe('a write error on an --output file', () => {
  // A device that refuses every write with ENOSPC (like /dev/full), made in the scratch folder.
  const full = makeDevice(dir, 'full', FULL_DEVICE);

  for (const args of [['analyze', DEMO], ['merge', shardReport]]) {
    test(`ENOSPC: ${args[0]} -o exits 2 with one line naming the file and why`, async (context) => {
      if ('skipped' in full) return context.skip(full.skipped);
      const { status, stdout, stderr } = await runCli([...args, '-o', full.path]);
      expect(stdout).toBe('');
      expect(stderr).toBe(`logitcheck: cannot write the report to ${full.path}: no space left on device (ENOSPC)\n`);
      expect(status).toBe(2);
    });
  }
});
