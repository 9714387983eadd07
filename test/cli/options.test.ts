import { availableParallelism } from 'node:os';
import { describe, expect, test } from 'vitest';
import { runCli } from '../support/run-cli.js';

async function json(args: string[], stdin: string) {
  const { status, stdout, stderr } = await runCli([...args, '--format', 'json'], { stdin });
  expect(stderr).toBe('');
  return { status, report: JSON.parse(stdout) };
}

describe('CSV reading options on the command line', () => {
  test('--delimiter, --header and --no-header decide how the text is read', async () => {
    // "1;2;3" read with a comma delimiter is one field that is not a number: an error naming it.
    const wrong = await runCli(['analyze', '--input-format', 'csv', '--delimiter', ',', '--no-header'], { stdin: '1;2;3\n4;5;6\n' });
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/<stdin>:1:1: /);
    const right = await json(['analyze', '--input-format', 'csv', '--delimiter', ';'], '1;2;3\n4;5;6\n');
    expect(right.report.inputs[0]).toMatchObject({ rows: 2, classes: 3 });
    // A first line of numbers is data unless --header says otherwise; pandas' 0,1,2 header gets a note.
    const pandas = await runCli(['analyze', '--input-format', 'csv', '--format', 'json'], { stdin: '0,1,2\n4,5,6\n' });
    expect(JSON.parse(pandas.stdout).inputs[0].rows).toBe(2);
    expect(pandas.stderr).toBe(
      'logitcheck: note: <stdin>: line 1 is 0,1,...,2, which looks like a pandas header, but the next line holds integers too, so it was read as data (pass --header to skip it, --no-header to silence this)\n',
    );
    expect((await json(['analyze', '--input-format', 'csv', '--no-header'], '0,1,2\n4,5,6\n')).report.inputs[0].rows).toBe(2); // no note
    expect((await json(['analyze', '--input-format', 'csv', '--header'], '0,1,2\n4,5,6\n')).report.inputs[0].rows).toBe(1);
    expect((await json(['analyze', '--input-format', 'csv'], '0,2,1\n4,5,6\n')).report.inputs[0].rows).toBe(2); // not 0..K-1: no note
  });

  test('--columns keeps columns by name or index, for compute too', async () => {
    const csv = 'id,a,b,label\n1,0,0,1\n';
    const { stdout } = await runCli(['compute', '--input-format', 'csv', '--columns', 'a,b', '-f', 'softmax', '-d', 'f32'], { stdin: csv });
    expect(stdout).toBe('0.5,0.5\n');
    const byIndex = await runCli(['compute', '--input-format', 'csv', '--columns', '2-3', '-f', 'softmax', '-d', 'f32'], { stdin: csv });
    expect(byIndex.stdout).toBe('0.5,0.5\n');
  });
});

describe('checks on the command line', () => {
  // float16 max-shift softmax of [1, 2, 3]: not every output is correctly rounded, so
  // maxRel and maxAbs are positive; limits above them pass, below them fail.
  const row = '1,2,3\n';
  test('--max-rel and --max-abs pass above the figure and fail below it, naming it', async () => {
    const base = (await json(['analyze', '-d', 'f16', '-f', 'softmax', '-a', 'max-shift', '--input-format', 'csv'], row)).report;
    const { maxRel, maxAbs } = base.inputs[0].results[0].errors;
    expect(maxRel).toBeGreaterThan(0);
    for (const [flag, figure, value] of [
      ['--max-rel', 'errors.maxRel', maxRel],
      ['--max-abs', 'errors.maxAbs', maxAbs],
    ] as const) {
      const pass = await json(['analyze', '-d', 'f16', '-f', 'softmax', '-a', 'max-shift', '--input-format', 'csv', flag, String(value * 2)], row);
      expect(pass.status).toBe(0);
      const fail = await json(['analyze', '-d', 'f16', '-f', 'softmax', '-a', 'max-shift', '--input-format', 'csv', flag, String(value / 2)], row);
      expect(fail.status).toBe(1);
      expect(fail.report.checks[0].failures[0]).toMatchObject({ figure, value, row: { row: 0, line: 1 } });
    }
  });

  test('every --fail-on condition is understood and checked', async () => {
    // float16 naive on [12, 12, -20]: exp(12) = 162755 overflows (overflow); Inf / Inf = NaN
    // (invalid, wrong nan) at the two 12s; exp(-20) = 2.1e-9 underflows to 0 (underflow), and
    // 0 / Inf = 0 there, which is right: the exact 6e-15 rounds to 0 in float16 (no wrong zero).
    // log-softmax takes log(0) = -Inf there (divideByZero), where the exact value -32.7 is finite
    // (wrong inf); logsumexp is log(Inf) = Inf (wrong inf). No row has all outputs finite, so
    // there is no argmax figure to fail.
    const { status, report } = await json(
      ['analyze', '-d', 'f16', '-a', 'naive', '--input-format', 'csv', '--fail-on', 'nan,inf,zero,overflow,underflow,invalid,divide-by-zero,argmax-flip'],
      '12,12,-20\n',
    );
    expect(status).toBe(1);
    const outcome = Object.fromEntries(report.checks.map((c: any) => [c.check, c.passed]));
    expect(outcome).toEqual({
      'fail-on nan': false,
      'fail-on inf': false,
      'fail-on zero': true,
      'fail-on overflow': false,
      'fail-on underflow': false,
      'fail-on invalid': false,
      'fail-on divide-by-zero': false,
      'fail-on argmax-flip': true,
    });
  });
});

describe('contradictory and misplaced options are errors (issue 10, defect 10)', () => {
  test('--header with --no-header', async () => {
    const { status, stderr } = await runCli(['analyze', '--header', '--no-header', '--input-format', 'csv'], { stdin: 'a,b\n1,2\n' });
    expect({ status, stderr }).toEqual({ status: 2, stderr: 'logitcheck: --header and --no-header contradict each other: give one (or neither, to detect the header)\n' });
  });

  test('--tensor on text, CSV options on a tensor', async () => {
    const text = await runCli(['analyze', '--tensor', 'logits', '--input-format', 'csv'], { stdin: '1,2\n' });
    expect({ status: text.status, stderr: text.stderr }).toEqual({ status: 2, stderr: 'logitcheck: --tensor applies to safetensors and .npz input only, but <stdin> is CSV\n' });
    const tensor = await runCli(['analyze', 'fixtures/tensors/f4_le_3x4.npy', '--id-column', '1']);
    expect({ status: tensor.status, stderr: tensor.stderr }).toEqual({ status: 2, stderr: 'logitcheck: --id-column applies to CSV input only, not to npy\n' });
  });

  test('--jobs: one message for every number out of range; more than the cores is capped with a note, same report', async () => {
    const cores = availableParallelism();
    for (const bad of ['0', '-1', '1.5', 'many']) {
      const { status, stderr } = await runCli(['analyze', '--jobs', bad], { stdin: '1,2\n' });
      expect({ bad, status, stderr }).toEqual({ bad, status: 2, stderr: `logitcheck: --jobs: expected a whole number from 1 to ${cores} (this machine's cores), got '${bad}'\n` });
    }
    const many = await runCli(['analyze', '--jobs', String(cores + 5), '--format', 'json', '--input-format', 'csv'], { stdin: '1,2\n3,4\n' });
    expect(many.stderr).toBe(`logitcheck: note: --jobs ${cores + 5} is more than this machine's ${cores} cores; using ${cores} (more threads would only add memory)\n`);
    const one = await runCli(['analyze', '--jobs', '1', '--format', 'json', '--input-format', 'csv'], { stdin: '1,2\n3,4\n' });
    expect(many.stdout).toBe(one.stdout);
  });

  test('sizes and shapes are worded properly: 1 row x 1 class, (3,)', async () => {
    const { stdout } = await runCli(['analyze', '--input-format', 'csv', '-d', 'f32', '-f', 'softmax', '-a', 'naive'], { stdin: '0.5\n' });
    expect(stdout).toContain('<stdin>  (csv, 1 row x 1 class)');
    const vector = await runCli(['analyze', 'fixtures/tensors/f4_1d.npy', '-d', 'f32', '-f', 'softmax', '-a', 'naive']);
    expect(vector.stdout).toMatch(/stored float32 \(\d+,\), 1 row x \d+ classes\)/);
  });
});
