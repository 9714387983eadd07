import { describe, expect, test } from 'vitest';
import { runCli } from '../support/run-cli.js';

describe('compute', () => {
  test('values are exact and written shortest: softmax of [1,1,1,1] is 0.25', async () => {
    const { status, stdout } = await runCli(['compute', '-f', 'softmax', '-d', 'f16'], { stdin: '1,1,1,1\n' });
    expect(status).toBe(0);
    expect(stdout).toBe('0.25,0.25,0.25,0.25\n');
  });

  test('float32 log(2) is written 0.6931472, the shortest decimal that reads back to it', async () => {
    // logsumexp of [0, 0] by max-shift: 0 + log(1 + 1) = float32(ln 2) = 0.693147182464599609375.
    const { stdout } = await runCli(['compute', '-f', 'logsumexp', '-d', 'f32'], { stdin: '0,0\n' });
    expect(stdout).toBe('0.6931472\n');
    expect(Math.fround(0.6931472)).toBe(Math.fround(Math.LN2));
  });

  test('non-finite values are nan/inf/-inf in CSV and strings in JSON', async () => {
    // float16: exp(12) = 162755 > 65504 overflows, Inf / Inf = NaN.
    const csv = await runCli(['compute', '-f', 'softmax', '-d', 'f16', '-a', 'naive'], { stdin: '12,12\n' });
    expect(csv.stdout).toBe('nan,nan\n');
    const lse = await runCli(['compute', '-f', 'logsumexp', '-d', 'f16', '-a', 'naive', '--format', 'jsonl'], { stdin: '12,12\n-inf,-inf\n' });
    expect(lse.stdout).toBe('["Infinity"]\n["-Infinity"]\n');
    const json = await runCli(['compute', '-f', 'log-softmax', '-d', 'f64', '--format', 'json'], { stdin: '[[0, 0], [0, -Infinity]]' });
    expect(JSON.parse(json.stdout)).toEqual([
      [-Math.LN2, -Math.LN2],
      [0, '-Infinity'],
    ]);
  });

  test('bad requests exit 2', async () => {
    expect((await runCli(['compute', '-f', 'logsumexp', '-d', 'f16', '-a', 'exp-lse'], { stdin: '1\n' })).status).toBe(2);
    expect((await runCli(['compute', '-f', 'softmax,logsumexp', '-d', 'f16'], { stdin: '1\n' })).status).toBe(2);
    expect((await runCli(['compute', '-d', 'f16'], { stdin: '1\n' })).status).toBe(2); // --function is required
  });
});

describe('limits', () => {
  test('JSON holds the SPEC section 1 constants and thresholds', async () => {
    const { status, stdout } = await runCli(['limits', '--format', 'json', '--dtype', 'f16,bf16']);
    expect(status).toBe(0);
    const { dtypes } = JSON.parse(stdout);
    expect(dtypes.map((d: any) => d.dtype)).toEqual(['float16', 'bfloat16']);
    expect(dtypes[0]).toMatchObject({
      maxFinite: 65504,
      minNormal: 6.103515625e-5,
      minSubnormal: 5.9604644775390625e-8,
      unitRoundoff: 2 ** -11,
      expOverflowAbove: '11.090110718526951036',
      expSubnormalBelow: '-9.7045489283373432063',
      expZeroBelow: '-17.328679513998632735',
    });
    expect(dtypes[1]).toMatchObject({ maxFinite: 3.3895313892515355e38, minSubnormal: 9.183549615799121e-41, expOverflowAbove: '88.720884076837196255' });
  });

  test('table and Markdown', async () => {
    expect((await runCli(['limits'])).stdout).toContain('bfloat16 (bf16)');
    expect((await runCli(['limits', '--format', 'markdown'])).stdout).toMatch(/^\| dtype \| p \|/);
  });
});

describe('help and version', () => {
  test('--version prints the package version', async () => {
    const { status, stdout } = await runCli(['--version']);
    expect(status).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  test('every command has help with examples of the three uses', async () => {
    for (const command of ['analyze', 'compute', 'limits']) {
      const { status, stdout } = await runCli([command, '--help']);
      expect(status).toBe(0);
      expect(stdout).toContain('Examples:');
    }
    const analyzeHelp = (await runCli(['analyze', '--help'])).stdout;
    expect(analyzeHelp).toContain('At a shell');
    expect(analyzeHelp).toContain('In a pipe');
    expect(analyzeHelp).toContain('In CI');
  });
});
