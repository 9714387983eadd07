// End-to-end: the real bin (bin/logitcheck.js over dist/, built by `npm test`), real processes,
// real pipes and exit codes.
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { scratchDir } from '../support/scratch.js';

const BIN = 'bin/logitcheck.js';
const DEMO = 'fixtures/demo/breaks.csv';
const MNIST = 'fixtures/mnist/logits.csv';
const MNIST_LABELS = 'fixtures/mnist/logits-labels.csv';
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[/;

function logitcheck(args: string[], options: { input?: string | Buffer; env?: NodeJS.ProcessEnv } = {}) {
  const env = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...options.env };
  const result = spawnSync(process.execPath, [BIN, ...args], { input: options.input ?? '', env, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the bin', () => {
  test('reads stdin in a pipe and writes JSON to stdout', () => {
    const { status, stdout, stderr } = logitcheck(['analyze', '--format', 'json', '--dtype', 'f16'], { input: '[[1, 2, 3], [10, 10, 10]]' });
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.inputs[0]).toMatchObject({ path: '<stdin>', format: 'json', rows: 2, classes: 3 });
  });

  test('reads a .npy piped to stdin (np.save(sys.stdout.buffer, ...)) and leaves no copy behind', () => {
    const dir = scratchDir('e2e-stdin');
    const input = readFileSync('fixtures/tensors/f4_le_2x3x4.npy');
    const { status, stdout, stderr } = logitcheck(['analyze', '--format', 'json', '--dtype', 'f32'], { input, env: { TMPDIR: dir } });
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(JSON.parse(stdout).inputs[0]).toMatchObject({ path: '<stdin>', format: 'npy', storedDtype: 'float32', shape: [2, 3, 4], rows: 6 });
    expect(readdirSync(dir)).toEqual([]);
  });

  test('Ctrl-C while a piped .npy is being copied removes the copy and ends by the signal', async () => {
    const dir = scratchDir('e2e-sigint');
    const child = spawn(process.execPath, [BIN, 'analyze'], { env: { ...process.env, TMPDIR: dir }, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    // Part of a .npy, the pipe left open: logitcheck is copying it when the signal comes.
    child.stdin.write(readFileSync('fixtures/tensors/f4_le_2x3x4.npy').subarray(0, 100));
    const deadline = Date.now() + 10_000;
    while (readdirSync(dir).length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(readdirSync(dir)).toHaveLength(1);
    child.kill('SIGINT');
    expect(await ended).toEqual({ code: null, signal: 'SIGINT' });
    expect(stderr).toBe('');
    expect(readdirSync(dir)).toEqual([]);
  });

  test('exit 1 when a check fails, 0 when it passes', () => {
    expect(logitcheck(['analyze', 'fixtures/demo/breaks.csv', '--fail-on', 'overflow']).status).toBe(1);
    expect(logitcheck(['analyze', 'fixtures/demo/breaks.csv', '--algorithm', 'log1p', '--fail-on', 'overflow']).status).toBe(0);
  });

  test.each([
    ['ragged.csv', '1,2,3\n4,5\n', /^logitcheck: .*ragged\.csv:2:4: row has 2 fields, expected 3/],
    ['empty.csv', '1,2,3\n4,,6\n', /^logitcheck: .*empty\.csv:2:3: /],
    ['token.csv', '1,2,3\n4,five,6\n', /^logitcheck: .*token\.csv:2:3: .*'five'/],
    ['bad.jsonl', '[1,2]\n[3,oops]\n', /^logitcheck: .*bad\.jsonl:2:4: /],
    ['nothing.csv', '', /^logitcheck: .*nothing\.csv.*no data rows/],
  ])('malformed %s: exit 2, one line naming file, line and column, no stack trace', (name, content, message) => {
    const dir = scratchDir('e2e');
    const path = join(dir, name);
    writeFileSync(path, content);
    const { status, stdout, stderr } = logitcheck(['analyze', path]);
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  test('no colour in a pipe; FORCE_COLOR turns it on; NO_COLOR wins', () => {
    expect(logitcheck(['analyze', 'fixtures/demo/breaks.csv']).stdout).not.toMatch(ANSI);
    expect(logitcheck(['analyze', 'fixtures/demo/breaks.csv'], { env: { FORCE_COLOR: '1' } }).stdout).toMatch(ANSI);
    expect(logitcheck(['analyze', 'fixtures/demo/breaks.csv'], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } }).stdout).not.toMatch(ANSI);
  });

  test('compute ... | head -3 ends quietly with status 0 (no EPIPE trace)', () => {
    const dir = scratchDir('e2e');
    const path = join(dir, 'big.csv');
    const row = Array.from({ length: 20 }, (_, j) => (j * 0.37 - 3).toFixed(2)).join(',');
    writeFileSync(path, `${row}\n`.repeat(100_000));
    const result = spawnSync('bash', ['-c', `"${process.execPath}" ${BIN} compute "${path}" -f softmax -d f32 | head -3; echo "status=\${PIPESTATUS[0]}" >&2`], {
      encoding: 'utf8',
    });
    expect(result.stdout.trim().split('\n')).toHaveLength(3);
    expect(result.stderr.trim()).toBe('status=0');
  });

  describe('output that cannot be written', () => {
    // Each command that writes to stdout, and what its message calls the text.
    const shard = join(scratchDir('e2e-output'), 'shard.json');
    beforeAll(() => expect(logitcheck(['analyze', DEMO, '--format', 'json', '-o', shard]).status).toBe(0));
    const COMMANDS: [string, string, string][] = [
      ['analyze', `analyze ${DEMO}`, 'the report'],
      ['compute', `compute ${DEMO} -f softmax -d f32`, 'the values'],
      ['merge', `merge ${shard}`, 'the report'],
      ['limits', 'limits', 'the limits'],
      ['analyze --help', 'analyze --help', 'the help'],
    ];
    const shell = (command: string) => spawnSync('bash', ['-c', command], { encoding: 'utf8' });

    test.each(COMMANDS)('%s > /dev/full: exit 2 and one line on stderr, no stack trace', (_name, args, what) => {
      // /dev/full is only written to, as the shell's redirection target (never created or replaced).
      const result = shell(`"${process.execPath}" ${BIN} ${args} > /dev/full`);
      expect(result.stderr).toBe(`logitcheck: cannot write ${what} to stdout: no space left on device (ENOSPC)\n`);
      expect(result.status).toBe(2);
    });

    test('stderr that cannot be written (2>/dev/full) keeps the error\'s status 2, not 1', () => {
      const result = shell(`"${process.execPath}" ${BIN} analyze no-such-file.csv 2>/dev/full`);
      expect(result.status).toBe(2);
    });

    test.each(COMMANDS)('%s into a pipe its reader closed first: exit 0, nothing on stderr', async (_name, args) => {
      const child = spawn('bash', ['-c', `exec "${process.execPath}" ${BIN} ${args}`], { stdio: ['ignore', 'pipe', 'pipe'] });
      // The read end is closed before node has even started: its first write gets EPIPE.
      child.stdout.destroy();
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      expect(stderr).toBe('');
      expect(status).toBe(0);
    });
  });

  test('--version and --help exit 0', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
    expect(logitcheck(['--version']).stdout.trim()).toBe(pkg.version);
    expect(logitcheck(['analyze', '--help']).status).toBe(0);
  });
});

describe('real data: MNIST logits (Blanchard, Higham & Higham 2021)', () => {
  // Expected counts come from fixtures/mnist/mnist_overflow.py, which runs the same algorithms
  // with the independent Python emulation (fractions + mpmath) of fixtures/reference/.
  const expected = JSON.parse(readFileSync('fixtures/mnist/mnist_overflow.json', 'utf8'));

  test('naive and max-shift logsumexp overflow counts in float16 and bfloat16 match the independent emulation', () => {
    const { status, stdout, stderr } = logitcheck([
      'analyze',
      MNIST,
      '--function',
      'logsumexp',
      '--algorithm',
      'naive,max-shift',
      '--dtype',
      'f16,bf16',
      '--format',
      'json',
    ]);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const input = JSON.parse(stdout).inputs[0];
    expect(input).toMatchObject({ rows: 2500, classes: 10 });
    for (const dtype of ['float16', 'bfloat16']) {
      for (const algorithm of ['naive', 'max-shift']) {
        const result = input.results.find((r: any) => r.dtype === dtype && r.algorithm === algorithm);
        const want = expected.counts[dtype][algorithm];
        expect({ dtype, algorithm, overflow: result.flags.overflow, inf: result.wrong.inf, first: result.firstRows.overflow?.row ?? null }).toEqual({
          dtype,
          algorithm,
          overflow: want.overflowRows,
          inf: want.infRows,
          first: want.firstOverflowRow,
        });
      }
    }
    // The point of the paper's experiment: float16 naive overflows on real data, shifting fixes it.
    expect(expected.counts.float16.naive.overflowRows).toBeGreaterThan(0);
  });

  test('with its label column: the labels are read, not logits (K = 10, not 11), with a note, and the counts are the same', () => {
    const { status, stdout, stderr } = logitcheck(['analyze', MNIST_LABELS, '-f', 'logsumexp', '-a', 'naive', '-d', 'f16', '--format', 'json']);
    expect(status).toBe(0);
    expect(stderr).toBe(
      "logitcheck: note: fixtures/mnist/logits-labels.csv: column 11 'label' is read as the labels, not as logits (--labels COLUMN to choose another column, --no-labels to leave it out unread)\n",
    );
    const input = JSON.parse(stdout).inputs[0];
    expect(input).toMatchObject({ rows: 2500, classes: 10 });
    expect(input.results[0].flags.overflow).toBe(expected.counts.float16.naive.overflowRows);
  });

  test('--no-labels: the label column is still left out, with the note of a column named like a label', () => {
    const { status, stdout, stderr } = logitcheck(['analyze', MNIST_LABELS, '--no-labels', '-f', 'logsumexp', '-a', 'naive', '-d', 'f16', '--format', 'json']);
    expect(status).toBe(0);
    expect(stderr).toBe(
      "logitcheck: note: fixtures/mnist/logits-labels.csv: column 11 'label' holds integers and is named like a label or an index, so it is not read as logits (to analyse it too: --columns 1-11)\n",
    );
    expect(JSON.parse(stdout).inputs[0]).toMatchObject({ rows: 2500, classes: 10 });
  });
});

describe('a fresh clone', () => {
  // The workspace's sibling folder, which a clone elsewhere does not have. Spelled in parts so
  // this guard does not name the path itself, and checks every test file, this one included.
  const sibling = ['..', 'shared'].join('/');

  test('no test or source file reads the sibling shared folder (it is not there in a clone)', () => {
    const files = ['test', 'src'].flatMap((root) =>
      readdirSync(root, { recursive: true, encoding: 'utf8' })
        .filter((file) => file.endsWith('.ts'))
        .map((file) => `${root}/${file}`),
    );
    expect(files.length).toBeGreaterThan(50);
    expect(files.filter((file) => readFileSync(file, 'utf8').includes(sibling))).toEqual([]);
  });
});
