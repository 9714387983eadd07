import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { scratchDir } from '../support/scratch.js';
import { npyBytes, npyHeader, tempFile } from '../input/tensor-helpers.js';

// Fixtures and their numpy-decoded values come from fixtures/tensors/make_fixtures.py.
const expected = JSON.parse(readFileSync('fixtures/tensors/expected.json', 'utf8'));

describe('analyze and compute on binary tensors', () => {
  test('.npy: the report names the stored dtype and shape; rows are numpy\'s rows', async () => {
    const { status, stdout, stderr } = await runCli(['analyze', 'fixtures/tensors/f4_le_2x3x4.npy', '--format', 'json', '--dtype', 'f32']);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const input = JSON.parse(stdout).inputs[0];
    expect(input).toMatchObject({ format: 'npy', storedDtype: 'float32', shape: [2, 3, 4], rows: 6, classes: 4 });
  });

  test('compute reads the values numpy decodes: log-softmax differences are the logits\' differences', async () => {
    const { stdout } = await runCli(['compute', 'fixtures/tensors/f4_le_3x4.npy', '-f', 'log-softmax', '-d', 'f64']);
    const rows = stdout.trim().split('\n').map((line) => line.split(',').map(Number));
    const logits: Array<Array<number | string>> = expected.fixtures['f4_le_3x4.npy'].rows;
    expect(rows).toHaveLength(logits.length);
    // Rows 0 and 1 are finite (row 2 holds inf and nan): (x_i - m) - L minus (x_j - m) - L.
    for (const r of [0, 1]) {
      const x = logits[r].map(Number);
      expect(rows[r][0] - rows[r][2]).toBeCloseTo(x[0] - x[2], 6);
    }
    expect(rows[2].every((v) => Number.isNaN(v))).toBe(true); // +inf in the row: inf - inf
  });

  test('safetensors with several tensors: an error listing them, unless --tensor names one', async () => {
    const many = await runCli(['analyze', 'fixtures/tensors/multi.safetensors']);
    expect(many.status).toBe(2);
    expect(many.stderr).toMatch(/holds 5 tensors; choose one with --tensor NAME: 'logits_bf16' \(BF16 \(3, 4\)\)/);
    const one = await runCli(['analyze', 'fixtures/tensors/multi.safetensors', '--tensor', 'logits_bf16', '--format', 'json']);
    expect(one.status).toBe(0);
    expect(JSON.parse(one.stdout).inputs[0]).toMatchObject({ format: 'safetensors', tensor: 'logits_bf16', storedDtype: 'bfloat16', rows: 3, classes: 4 });
  });

  test('.npz: --tensor picks an array; the report is the .npy file\'s, naming the array', async () => {
    const args = ['--format', 'json', '--dtype', 'f16,f32'];
    const fromArchive = await runCli(['analyze', 'fixtures/tensors/logits_labels.npz', '--tensor', 'logits', ...args]);
    expect(fromArchive.stderr).toBe('');
    expect(fromArchive.status).toBe(0);
    const report = JSON.parse(fromArchive.stdout);
    expect(report.inputs[0]).toMatchObject({ format: 'npz', tensor: 'logits', storedDtype: 'float32', shape: [3, 4], rows: 3, classes: 4 });
    // make_npz.py saved f4_le_3x4.npy's array as 'logits': every figure is the .npy file's.
    const fromFile = JSON.parse((await runCli(['analyze', 'fixtures/tensors/f4_le_3x4.npy', ...args])).stdout);
    Object.assign(fromFile.inputs[0], { path: 'fixtures/tensors/logits_labels.npz', format: 'npz', tensor: 'logits' });
    expect(report).toEqual(fromFile);
  });

  test('.npz with several arrays: one line listing them, exit 2; a non-float array: the .npy dtype error naming the member', async () => {
    const many = await runCli(['analyze', 'fixtures/tensors/logits_labels.npz']);
    expect(many.status).toBe(2);
    expect(many.stderr).toBe(
      "logitcheck: fixtures/tensors/logits_labels.npz: holds 2 arrays; choose one with --tensor NAME: 'logits' (float32 (3, 4)), 'labels' (int64 (3,))\n",
    );
    const labels = await runCli(['compute', 'fixtures/tensors/compressed.npz', '--tensor', 'labels', '-f', 'softmax', '-d', 'f32']);
    expect(labels.status).toBe(2);
    expect(labels.stderr).toBe(
      "logitcheck: fixtures/tensors/compressed.npz, member labels.npy: byte 20: dtype '<i8' is not a floating-point dtype; logits must be float16, float32 or float64\n",
    );
    const truncated = await runCli(['analyze', 'fixtures/tensors/truncated.npz']);
    expect(truncated.status).toBe(2);
    expect(truncated.stderr).toMatch(/^logitcheck: fixtures\/tensors\/truncated\.npz: byte 906: the file ends at byte 906 without the end-of-central-directory record/);
    const columns = await runCli(['analyze', 'fixtures/tensors/one_compressed.npz', '--header']);
    expect(columns.stderr).toBe('logitcheck: --header applies to CSV input only, not to npz\n');
  });

  test('truncated or lying files are input errors with a byte offset; CSV options are refused', async () => {
    const truncated = await runCli(['analyze', 'fixtures/tensors/truncated_f4_10x100.npy']);
    expect(truncated.status).toBe(2);
    expect(truncated.stderr).toMatch(/^logitcheck: fixtures\/tensors\/truncated_f4_10x100\.npy: byte \d+: /);
    expect((await runCli(['analyze', 'fixtures/tensors/lying_offsets.safetensors'])).status).toBe(2);
    const columns = await runCli(['analyze', 'fixtures/tensors/f4_le_3x4.npy', '--columns', '1-2']);
    expect(columns.stderr).toMatch(/--columns applies to CSV input only/);
  });
});

describe('binary tensors on stdin and from files of any name', () => {
  const tensor = (name: string) => readFileSync(`fixtures/tensors/${name}`);
  const inputOf = (stdout: string) => JSON.parse(stdout).inputs[0];
  /** The report of the file itself, with the path stdin would have. */
  async function fileReport(name: string, args: readonly string[]) {
    const { status, stdout } = await runCli(['analyze', `fixtures/tensors/${name}`, '--format', 'json', ...args]);
    expect(status).toBe(0);
    const report = JSON.parse(stdout);
    report.inputs[0].path = '<stdin>';
    return report;
  }
  /** A fresh TMPDIR for the copy of stdin, to see it removed. */
  const tempDir = () => scratchDir('stdin');

  test.each([
    // name, chunk size of the pipe, --input-format or found by the first bytes, extra arguments
    ['f4_le_2x3x4.npy', 5, [], []],
    ['f4_le_2x3x4.npy', undefined, ['--input-format', 'npy'], []],
    ['fortran_f8_be_2x3x4.npy', 3, [], []],
    ['f2_be_3x4.npy', 1, [], ['--dtype', 'f16']],
    ['multi.safetensors', 7, [], ['--tensor', 'logits_bf16']],
    ['single.safetensors', undefined, ['--input-format', 'safetensors'], []],
    ['compressed.npz', 7, [], ['--tensor', 'fortran']], // deflated, Fortran order: inflated into a second copy
    ['compressed.npz', 64, [], ['--tensor', 'logits']],
    ['logits_labels.npz', undefined, ['--input-format', 'npz'], ['--tensor', 'logits']],
    ['fortran_stored.npz', 1, [], []],
  ] as const)('%s in chunks of %s bytes %j: the same report as the file, from a copy that is removed', async (name, chunk, format, args) => {
    const dir = tempDir();
    const { status, stdout, stderr } = await runCli(['analyze', '--format', 'json', ...format, ...args], {
      stdin: tensor(name),
      stdinChunkBytes: chunk,
      env: { TMPDIR: dir },
    });
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toEqual(await fileReport(name, args));
    expect(readdirSync(dir)).toEqual([]);
  });

  test('errors name <stdin> with the byte offset of the stream, and the copy is removed', async () => {
    const dir = tempDir();
    const truncated = await runCli(['analyze'], { stdin: tensor('truncated_f4_10x100.npy'), stdinChunkBytes: 1000, env: { TMPDIR: dir } });
    expect(truncated.status).toBe(2);
    const fromFile = await runCli(['analyze', 'fixtures/tensors/truncated_f4_10x100.npy']);
    expect(truncated.stderr).toBe(fromFile.stderr.replace('fixtures/tensors/truncated_f4_10x100.npy', '<stdin>'));
    const several = await runCli(['analyze'], { stdin: tensor('multi.safetensors'), env: { TMPDIR: dir } });
    expect(several.status).toBe(2);
    expect(several.stderr).toMatch(/^logitcheck: <stdin>: holds 5 tensors; choose one with --tensor NAME/);
    const notNpy = await runCli(['analyze', '--input-format', 'npy'], { stdin: 'x', env: { TMPDIR: dir } });
    expect(notNpy.status).toBe(2);
    expect(notNpy.stderr).toMatch(/^logitcheck: <stdin>: byte 0: not a .npy file/);
    const truncatedZip = await runCli(['analyze'], { stdin: tensor('truncated.npz'), stdinChunkBytes: 100, env: { TMPDIR: dir } });
    expect(truncatedZip.status).toBe(2);
    expect(truncatedZip.stderr).toMatch(/^logitcheck: <stdin>: byte 906: the file ends at byte 906 without the end-of-central-directory record/);
    const badCrc = await runCli(['analyze'], { stdin: tensor('bad_crc.npz'), env: { TMPDIR: dir } });
    expect(badCrc.status).toBe(2);
    expect(badCrc.stderr).toMatch(/^logitcheck: <stdin>: byte 59: member 'arr_0.npy' \(deflated data from byte 59\): its inflated bytes have CRC-32/);
    expect(readdirSync(dir)).toEqual([]);
  });

  test('CSV options are refused for a tensor found on stdin; text on stdin is still text', async () => {
    const delimiter = await runCli(['analyze', '--delimiter', ';'], { stdin: tensor('f4_le_3x4.npy') });
    expect(delimiter.status).toBe(2);
    expect(delimiter.stderr).toBe('logitcheck: --delimiter applies to CSV input only, not to npy\n');
    const text = await runCli(['analyze', '--format', 'json', '--delimiter', ';'], { stdin: '1;2;3\n4;5;6\n', stdinChunkBytes: 2 });
    expect(text.status).toBe(0);
    expect(inputOf(text.stdout)).toMatchObject({ format: 'csv', rows: 2, classes: 3 });
  });

  test.each([
    ['f4_le_2x3x4.npy', []],
    ['compressed.npz', ['--tensor', 'half']],
  ] as const)('a file with another extension is read by its first bytes: %s', async (name, args) => {
    const dir = tempDir();
    const path = join(dir, 'logits.bin');
    copyFileSync(`fixtures/tensors/${name}`, path);
    const { status, stdout } = await runCli(['analyze', path, '--format', 'json', ...args]);
    expect(status).toBe(0);
    const expected = await fileReport(name, args);
    expected.inputs[0].path = path;
    expect(JSON.parse(stdout)).toEqual(expected);
  });

  test('a named pipe (mkfifo, or bash\'s <(...)) is copied like stdin', async () => {
    const dir = tempDir();
    const fifo = join(dir, 'logits.npy');
    execFileSync('mkfifo', [fifo]);
    const writer = spawn('sh', ['-c', 'cat fixtures/tensors/fortran_f4_5x3.npy > "$1"', 'sh', fifo]);
    const written = new Promise((resolve) => writer.on('exit', resolve));
    const { status, stdout, stderr } = await runCli(['analyze', fifo, '--format', 'json'], { env: { TMPDIR: dir } });
    expect(await written).toBe(0);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const expected = await fileReport('fortran_f4_5x3.npy', []);
    expected.inputs[0].path = fifo;
    expect(JSON.parse(stdout)).toEqual(expected);
    expect(readdirSync(dir)).toEqual(['logits.npy']); // the copy is gone, the pipe stays
  });

  test('compute reads a tensor on stdin as it reads the file', async () => {
    const args = ['compute', '-f', 'log-softmax', '-d', 'f32'];
    const fromFile = await runCli([...args, 'fixtures/tensors/f8_le_2x3x4.npy']);
    const fromStdin = await runCli(args, { stdin: tensor('f8_le_2x3x4.npy'), stdinChunkBytes: 16 });
    expect(fromStdin.status).toBe(0);
    expect(fromStdin.stdout).toBe(fromFile.stdout);
    expect(fromFile.stdout.trim().split('\n')).toHaveLength(6);
  });
});

describe('row references of tensors name the index over the leading axes', () => {
  test('a (2, 3, 2) float32 array: the row with the largest spread is [1, 2], not a flat row 5; overflow rows likewise', async () => {
    // Rows in C order over the leading axes (2, 3): row r is [r div 3, r mod 3]. Only [1, 2]
    // (row 5) spreads far, and only [0, 1] (row 1) and [1, 2] overflow in float32 naive.
    const values = Float32Array.from([0, 1, 100, 0, 2, 3, 4, 5, 6, 7, -1000, 1000]);
    const file = tempFile('heads.npy', npyBytes(npyHeader('<f4', [2, 3, 2]), new Uint8Array(values.buffer)));
    const { status, stdout } = await runCli(['analyze', file, '-d', 'f32', '-f', 'logsumexp', '-a', 'naive', '--format', 'json']);
    expect(status).toBe(0);
    const input = JSON.parse(stdout).inputs[0];
    expect(input.logits.maxRowSpreadRow).toEqual({ row: 5, line: null, index: [1, 2] });
    expect(input.results[0].exampleRows.overflow).toEqual([
      { row: 1, line: null, index: [0, 1] },
      { row: 5, line: null, index: [1, 2] },
    ]);
    const table = await runCli(['analyze', file, '-d', 'f32', '-f', 'logsumexp', '-a', 'naive']);
    expect(table.stdout).toContain('float32 2 rows (first: row [0, 1]; row [1, 2])');
  });
});
