// compute -o PATH onto what is already at PATH. A regular file (or nothing) is replaced whole by
// a rename; a named pipe or a device is written in place and stays what it is; a symbolic link is
// followed and stays a link. Pipes and devices are made here, in the scratch folder (never /dev).
import { execFileSync, spawn } from 'node:child_process';
import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { FULL_DEVICE, makeDevice, NULL_DEVICE } from '../support/device.js';
import { runCli } from '../support/run-cli.js';
import { scratchDir } from '../support/scratch.js';

const INPUT = '1,2,3\n0,0,0\n-5,12,0.5\n';
const COMPUTE = ['compute', '-f', 'softmax', '-d', 'f32'];
let expectedCsv: string;

beforeAll(async () => {
  // The same values on stdout: what every file below must end up holding.
  const { status, stdout } = await runCli(COMPUTE, { stdin: INPUT });
  expect(status).toBe(0);
  expectedCsv = stdout;
});

function mkfifo(path: string): string {
  execFileSync('mkfifo', [path]);
  return path;
}

/** Reads a named pipe from another process, concurrently with the run that writes it. */
function readPipe(path: string): { bytes: Promise<Buffer>; stop: () => void } {
  const reader = spawn('cat', [path], { stdio: ['ignore', 'pipe', 'inherit'] });
  const chunks: Buffer[] = [];
  reader.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  const bytes = new Promise<Buffer>((resolve, reject) => {
    reader.on('error', reject);
    reader.on('close', () => resolve(Buffer.concat(chunks)));
  });
  readers.push(reader);
  return { bytes, stop: () => reader.kill() };
}
const readers: ReturnType<typeof spawn>[] = [];
// A reader left waiting (the pipe replaced under it) is not left behind.
afterEach(() => {
  for (const reader of readers.splice(0)) if (reader.exitCode === null) reader.kill();
});

/** Files left in `dir` by a write under a temporary name. */
const partials = (dir: string) => readdirSync(dir).filter((name) => name.endsWith('.partial'));

describe('compute -o onto a named pipe', () => {
  test('the values are written into the pipe, which stays a pipe', async () => {
    const dir = scratchDir('out-fifo');
    const fifo = mkfifo(join(dir, 'values.csv'));
    const reader = readPipe(fifo);
    const result = await runCli([...COMPUTE, '-o', fifo], { stdin: INPUT });
    expect(result).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect((await reader.bytes).toString()).toBe(expectedCsv);
    expect(readdirSync(dir)).toEqual(['values.csv']);
  });

  test('a reader that leaves early (head -c 100) ends the run quietly with status 0, as on stdout', async () => {
    const dir = scratchDir('out-fifo-head');
    const fifo = mkfifo(join(dir, 'values.csv'));
    const reader = spawn('head', ['-c', '100', fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
    readers.push(reader);
    let read = 0;
    reader.stdout.on('data', (chunk: Buffer) => (read += chunk.length));
    const closed = new Promise((resolve) => reader.on('close', resolve));
    // About 1 MB of values: far more than the pipe holds once its reader is gone.
    const result = await runCli([...COMPUTE, '-o', fifo], { stdin: INPUT.repeat(10_000) });
    expect(result).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    await closed;
    expect(read).toBe(100);
  });

  test('a .npy (whose header is rewritten at the end) reaches the pipe whole, through a temporary copy that is removed', async () => {
    const dir = scratchDir('out-fifo-npy');
    const regular = join(dir, 'regular.npy');
    expect((await runCli([...COMPUTE, '-o', regular], { stdin: INPUT })).status).toBe(0);
    const fifo = mkfifo(join(dir, 'values.npy'));
    const copies = scratchDir('out-fifo-npy-tmp');
    const reader = readPipe(fifo);
    const savedTmp = process.env.TMPDIR;
    process.env.TMPDIR = copies; // where the temporary copy is made (os.tmpdir())
    let result;
    try {
      result = await runCli([...COMPUTE, '-o', fifo], { stdin: INPUT });
    } finally {
      if (savedTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmp;
    }
    expect(result).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(await reader.bytes).toEqual(readFileSync(regular));
    expect(readdirSync(copies)).toEqual([]);
  });
});

describe('compute -o onto a symbolic link', () => {
  test('to a regular file: that file is replaced whole (a new file renamed over it), the link stays a link', async () => {
    const dir = scratchDir('out-link');
    const target = join(dir, 'values.csv');
    const link = join(dir, 'link.csv');
    writeFileSync(target, 'old\n');
    symlinkSync('values.csv', link);
    const before = statSync(target).ino;

    // A failed run leaves the file and the link as they were.
    const failed = await runCli([...COMPUTE, '-o', link], { stdin: '1,2\n3,oops\n' });
    expect(failed.status).toBe(2);
    expect(readFileSync(target, 'utf8')).toBe('old\n');

    const result = await runCli([...COMPUTE, '-o', link], { stdin: INPUT });
    expect(result).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe('values.csv');
    expect(readFileSync(target, 'utf8')).toBe(expectedCsv);
    expect(statSync(target).ino).not.toBe(before); // renamed over, not rewritten in place
    expect(partials(dir)).toEqual([]);
  });

  test('to a named pipe: the values go into the pipe; link and pipe stay', async () => {
    const dir = scratchDir('out-link-fifo');
    const fifo = mkfifo(join(dir, 'pipe'));
    const link = join(dir, 'link.csv');
    symlinkSync('pipe', link);
    const reader = readPipe(fifo);
    const result = await runCli([...COMPUTE, '-o', link], { stdin: INPUT });
    expect(result).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect((await reader.bytes).toString()).toBe(expectedCsv);
  });

  test('dangling: the file it names is created, the link stays', async () => {
    const dir = scratchDir('out-link-dangling');
    const link = join(dir, 'link.csv');
    symlinkSync('made.csv', link);
    const result = await runCli([...COMPUTE, '-o', link], { stdin: INPUT });
    expect(result).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, 'made.csv'), 'utf8')).toBe(expectedCsv);
    expect(partials(dir)).toEqual([]);
  });
});

describe('compute -o onto a character device (made with mknod)', () => {
  test('one that takes every write (1,3 like /dev/null): written in place, stays the same device', async (context) => {
    const dir = scratchDir('out-null');
    const device = makeDevice(dir, 'null', NULL_DEVICE);
    if ('skipped' in device) return context.skip(device.skipped);
    const rdev = lstatSync(device.path).rdev;
    const result = await runCli([...COMPUTE, '-o', device.path], { stdin: INPUT });
    expect(result).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(lstatSync(device.path).isCharacterDevice()).toBe(true);
    expect(lstatSync(device.path).rdev).toBe(rdev);
    expect(readdirSync(dir)).toEqual(['null']);
  });

  test('one that refuses every write (1,7 like /dev/full): the values reach it, ENOSPC in one line, exit 2, the device stays', async (context) => {
    const dir = scratchDir('out-full');
    const device = makeDevice(dir, 'full', FULL_DEVICE);
    if ('skipped' in device) return context.skip(device.skipped);
    const rdev = lstatSync(device.path).rdev;
    const result = await runCli([...COMPUTE, '-o', device.path], { stdin: INPUT });
    // Only a write that reached the device itself can fail with ENOSPC here.
    expect(result).toEqual({ status: 2, stdout: '', stderr: `logitcheck: cannot write the values to ${device.path}: no space left on device (ENOSPC)\n` });
    expect(lstatSync(device.path).isCharacterDevice()).toBe(true);
    expect(lstatSync(device.path).rdev).toBe(rdev);
    expect(readdirSync(dir)).toEqual(['full']);
  });
});

describe('analyze -o, like compute -o', () => {
  test('onto a named pipe: the report goes into the pipe, which stays a pipe', async () => {
    const dir = scratchDir('report-fifo');
    const fifo = mkfifo(join(dir, 'report.json'));
    const reader = readPipe(fifo);
    const result = await runCli(['analyze', '--input-format', 'csv', '-d', 'f32', '--format', 'json', '-o', fifo], { stdin: INPUT });
    expect(result).toEqual({ status: 0, stdout: '', stderr: '' });
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(JSON.parse((await reader.bytes).toString()).inputs[0].rows).toBe(3);
  });

  test('onto a regular file: replaced whole by a rename (a new inode), no partial file left', async () => {
    const dir = scratchDir('report-file');
    const path = join(dir, 'report.json');
    writeFileSync(path, 'old');
    const before = statSync(path).ino;
    const result = await runCli(['analyze', '--input-format', 'csv', '-d', 'f32', '--format', 'json', '-o', path], { stdin: INPUT });
    expect(result.status).toBe(0);
    expect(statSync(path).ino).not.toBe(before);
    expect(JSON.parse(readFileSync(path, 'utf8')).inputs[0].rows).toBe(3);
    expect(partials(dir)).toEqual([]);
  });
});
