import { describe, expect, test } from 'vitest';
import { reviveNonFinite } from '../../src/report/merge.js';
import { runCli } from '../support/run-cli.js';

// analyze --temperature and --fit-temperature through the CLI. The expected temperature and
// figures come from fixtures/mnist/calibration.py (numpy and scipy, committed output
// calibration.json), not from this code.
const MNIST = 'fixtures/mnist/logits-labels.csv';
const FAST = ['-f', 'cross-entropy', '-a', 'log1p', '-d', 'f16', '--format', 'json'];

async function fails(args: string[], stdin?: string): Promise<string> {
  const { status, stdout, stderr } = await runCli(args, stdin === undefined ? {} : { stdin });
  expect({ status, stdout }).toEqual({ status: 2, stdout: '' });
  return stderr;
}

describe('--fit-temperature', () => {
  test('MNIST: the temperature numpy finds (0.4553932355), with the loss and ECE before and after', async () => {
    const { status, stdout } = await runCli(['analyze', MNIST, ...FAST, '--fit-temperature']);
    expect(status).toBe(0);
    const report = JSON.parse(stdout, reviveNonFinite);
    const fit = report.inputs[0].temperatureFit;
    expect(fit.status).toBe('fitted');
    expect(fit.rows).toBe(2500);
    // calibration.json: 0.45539323553360567 (golden-section in numpy to 1e-12); the tool's tolerance is 1e-9 in ln T.
    expect(Math.abs(fit.temperature - 0.45539323553360567) / 0.45539323553360567).toBeLessThan(2e-9);
    expect(fit.lossBefore).toBeCloseTo(0.07519176591528395, 13);
    expect(fit.lossAfter).toBeCloseTo(0.03667631060052685, 12);
    expect(fit.eceBefore).toBeCloseTo(0.04555968353772775, 12);
    expect(fit.eceAfter).toBeCloseTo(0.003071682755069793, 8);
  });

  test('without labels: an error naming the options, exit 2', async () => {
    const stderr = await fails(['analyze', MNIST, '-d', 'f16', '--format', 'json', '--no-labels', '--fit-temperature']);
    // After the reader's note on the label column left out: one line.
    expect(stderr.trimEnd().split('\n').at(-1)).toBe(`logitcheck: --fit-temperature needs a label per row; ${MNIST} has none (--labels, --label-key or --labels-tensor)`);
  });
});

describe('--temperature', () => {
  test('MNIST at the fitted T: calibration figures at T (numpy: ECE 0.00307, loss 0.0367), float16 losses lost by max-shift', async () => {
    const { status, stdout } = await runCli(['analyze', MNIST, '-f', 'cross-entropy', '-a', 'max-shift', '-d', 'f16', '--format', 'json', '--temperature', '0.45539323553360567']);
    expect(status).toBe(0);
    const input = JSON.parse(stdout, reviveNonFinite).inputs[0];
    expect(input.calibration.temperature).toBe(0.45539323553360567);
    expect(input.calibration.labels.meanLoss).toBeCloseTo(0.03667631060052685, 12);
    expect(input.calibration.labels.ece).toBeCloseTo(0.003071682755069793, 12);
    // At T = 1 max-shift loses 266 float16 losses (test/cli/labels or the README); at T = 0.455 the
    // margins double and many more round to 0.
    expect(input.results[0].wrong.zero).toBeGreaterThan(266);
  });

  test('bad values and binary inputs are refused, exit 2', async () => {
    expect(await fails(['analyze', MNIST, ...FAST, '--temperature', '0'])).toBe("logitcheck: --temperature: expected a positive number, got '0'\n");
    expect(await fails(['analyze', MNIST, ...FAST, '--temperature', 'abc'])).toBe("logitcheck: --temperature: expected a positive number, got 'abc'\n");
    expect(await fails(['analyze', '--input-format', 'csv', '-', '--temperature', '2'], '0.5\n1.5\n')).toBe('logitcheck: --temperature applies to K logits per row; <stdin> has one logit per row\n');
  });
});

describe('compute --temperature', () => {
  test('float32 log-sum-exp max-shift of [1, 2, 3] at T = 0.7: the same value as an emulation with Math.fround', async () => {
    // z_j = fround(c_j / 0.7); m = z_2; LSE = m + log(fround(fround(t_0 + t_1) + 1)), each rounded.
    const f = Math.fround;
    const z = [1, 2, 3].map((c) => f(c / 0.7));
    const t0 = f(Math.exp(f(z[0] - z[2])));
    const t1 = f(Math.exp(f(z[1] - z[2])));
    const lse = f(z[2] + f(Math.log(f(f(t0 + t1) + 1))));
    const { status, stdout } = await runCli(['compute', '-', '--input-format', 'csv', '-f', 'logsumexp', '-a', 'max-shift', '-d', 'f32', '--format', 'json', '--temperature', '0.7'], { stdin: '1,2,3\n' });
    expect(status).toBe(0);
    // One row of one value, written as the shortest decimal that reads back to the float32 value.
    const rows = JSON.parse(stdout) as number[][];
    expect(rows.length).toBe(1);
    expect(f(rows[0][0])).toBe(lse);
  });

  test('on one logit per row it is refused', async () => {
    expect(await fails(['compute', '-', '--input-format', 'csv', '-f', 'sigmoid', '-d', 'f32', '--temperature', '2'], '0.5\n')).toBe('logitcheck: --temperature applies to K logits per row, not to sigmoid\n');
  });
});
