import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { runCli } from '../support/run-cli.js';

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

  test('truncated or lying files are input errors with a byte offset; CSV options and stdin are refused', async () => {
    const truncated = await runCli(['analyze', 'fixtures/tensors/truncated_f4_10x100.npy']);
    expect(truncated.status).toBe(2);
    expect(truncated.stderr).toMatch(/^logitcheck: fixtures\/tensors\/truncated_f4_10x100\.npy: byte \d+: /);
    expect((await runCli(['analyze', 'fixtures/tensors/lying_offsets.safetensors'])).status).toBe(2);
    const columns = await runCli(['analyze', 'fixtures/tensors/f4_le_3x4.npy', '--columns', '1-2']);
    expect(columns.stderr).toMatch(/--columns applies to CSV input only/);
    const stdin = await runCli(['analyze', '--input-format', 'npy'], { stdin: 'x' });
    expect(stdin.status).toBe(2);
    expect(stdin.stderr).toMatch(/give a file path, not stdin/);
  });
});
