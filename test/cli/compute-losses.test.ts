// `logitcheck compute` for the functions of a label (cross-entropy, gradient: SPEC section 9) and
// of one logit per row (sigmoid, log-sigmoid, bce: SPEC section 10), through the CLI: values
// derived by hand, and the mpmath label fixtures (fixtures/reference/labels/*.json, made by
// fixtures/reference/generate_labels.py with every operation rounded to the dtype) bit for bit.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { exactRound, type FormatParams } from '../support/exact-rounding.js';
import {
  binaryFixtures,
  binaryOutput,
  BINARY_ALGORITHMS,
  BINARY_FUNCTIONS,
  crossEntropyOutput,
  CROSS_ENTROPY_ALGORITHMS,
  gradientOutput,
  GRADIENT_ALGORITHMS,
  multiclassFixtures,
  parsePythonFloat,
  type MulticlassCase,
} from '../support/label-fixtures.js';
import { readNpy } from '../support/read-npy.js';
import { runCli } from '../support/run-cli.js';
import { scratchDir } from '../support/scratch.js';

const dir = scratchDir('compute-losses');

const DTYPES = [
  ['f32', 'float32', { precision: 24, minExponent: -126, maxExponent: 127 }],
  ['f16', 'float16', { precision: 11, minExponent: -14, maxExponent: 15 }],
  ['bf16', 'bfloat16', { precision: 8, minExponent: -126, maxExponent: 127 }],
] as const;

/**
 * A CSV's values as the dtype's values: each field is the shortest decimal that reads back to the
 * computed value once rounded to the dtype (here by the test's own exact BigInt rounding).
 */
function csvValues(stdout: string, params: FormatParams): number[][] {
  return stdout
    .trim()
    .split('\n')
    .map((line) => line.split(',').map((field) => exactRound(params, parsePythonFloat(field))));
}

/** Object.is: the sign of a zero and NaN count too. */
function sameValue(got: number, expected: number): boolean {
  return Object.is(got, expected);
}

const NOTE_LABEL = /^logitcheck: note: .*column \d+ 'label' is read as the labels.*\n/;

describe('compute: values derived by hand', () => {
  test('float32 cross-entropy max-shift of [1, 2, 3], label 0', async () => {
    // d = x - 3 = [-2, -1, 0]; loss = -(d_0 - log(sum exp d)) = 2 + log(1 + e^-1 + e^-2)
    // = 3 + log(1 + e^-1 + e^-2) - 1 = 2.4076059644443806 (float64), rounded to float32; each
    // operation rounds to float32 and the errors stay below the half ulp around the loss.
    const { status, stdout, stderr } = await runCli(['compute', '-f', 'cross-entropy', '-a', 'max-shift', '-d', 'f32'], { stdin: 'a,b,c,label\n1,2,3,0\n' });
    expect({ status, stderr: stderr.replace(NOTE_LABEL, '').trim() }).toEqual({ status: 0, stderr: '' });
    expect(Math.fround(Number(stdout.trim()))).toBe(Math.fround(2.4076059644443806));
    expect(stdout.trim().split('\n')).toHaveLength(1); // one value per row
  });

  test.each(['f64', 'f32', 'f16', 'bf16'])('%s gradient of [0, 0], label 1 is [0.5, -0.5] (softmax [1/2, 1/2] minus the one-hot of 1: exact)', async (dtype) => {
    const { status, stdout } = await runCli(['compute', '-f', 'gradient', '-d', dtype, '--labels', 'y'], { stdin: 'a,b,y\n0,0,1\n' });
    expect(status).toBe(0);
    expect(stdout).toBe('0.5,-0.5\n');
  });

  test('float16 sigmoid naive at x = -12 is 0: exp(12) = 162754.8 overflows (max 65504), 1/(1 + inf) = 0; stable gives e^-12/(1 + e^-12)', async () => {
    const naive = await runCli(['compute', '-f', 'sigmoid', '-a', 'naive', '-d', 'f16'], { stdin: '-12\n' });
    expect(naive).toEqual({ status: 0, stdout: '0\n', stderr: '' });
    // e^-12 = 6.1442e-6, a float16 subnormal (below 2^-14): multiples of 2^-24 = 5.96e-8. Rounded
    // once by exp, then divided by 1 + e^-12, which rounds to 1 in float16 (e^-12 < 2^-11):
    // round(6.1442e-6 / 2^-24) = round(103.08) = 103, so 103 * 2^-24.
    const stable = await runCli(['compute', '-f', 'sigmoid', '-a', 'stable', '-d', 'f16'], { stdin: '-12\n' });
    expect(stable.status).toBe(0);
    expect(exactRound(DTYPES[1][2], Number(stable.stdout.trim()))).toBe(103 * 2 ** -24);
  });

  test('float16 bce with-logits at x = 0, y = 0.5 is ln 2 = 0.693359375: max(0, 0) - 0 * 0.5 + log1p(exp(0))', async () => {
    // ln 2 = 0.693147...; float16 spacing in [0.5, 1) is 2^-11: 0.693147 * 2^11 = 1419.55, so 1420 * 2^-11 = 0.693359375.
    const { status, stdout } = await runCli(['compute', '-f', 'bce', '-d', 'f16'], { stdin: 'x,label\n0,0.5\n' });
    expect(status).toBe(0);
    expect(exactRound(DTYPES[1][2], Number(stdout.trim()))).toBe(0.693359375);
  });

  test('bce casts the target to the dtype first: float16 y = 0.7 is read as 0.7001953125', async () => {
    // The float16 nearest 0.7: spacing 2^-11 in [0.5, 1), 0.7 * 2^11 = 1433.6 -> 1434 * 2^-11 =
    // 0.7001953125. Cast, both rows are the same row; uncast, naive bce at x = 2 differs (the
    // product y log(s) rounds otherwise). The fixtures below check the values themselves.
    const { status, stdout } = await runCli(['compute', '-f', 'bce', '-a', 'naive', '-d', 'f16', '--labels', 't'], { stdin: 'x,t\n2,0.7\n2,0.7001953125\n' });
    expect(status).toBe(0);
    const [first, second] = stdout.trim().split('\n');
    expect(first).toBe(second);
  });
});

describe('compute: rows labelled with the ignore index', () => {
  test('a loss of 0 and a gradient of zeros, as PyTorch cross_entropy(reduction="none") gives them; the other rows as without it', async () => {
    const input = 'a,b,c,label\n0,0,0,-100\n1,2,3,0\n0,0,0,-100\n';
    const loss = await runCli(['compute', '-f', 'cross-entropy', '-d', 'f32', '--ignore-index', '-100'], { stdin: input });
    expect(loss.status).toBe(0);
    const lines = loss.stdout.split('\n');
    expect([lines[0], lines[2], lines[3]]).toEqual(['0', '0', '']);
    expect(Math.fround(Number(lines[1]))).toBe(Math.fround(2.4076059644443806)); // as derived above
    const gradient = await runCli(['compute', '-f', 'gradient', '-d', 'f32', '--ignore-index', '-100'], { stdin: input });
    expect(gradient.status).toBe(0);
    const rows = gradient.stdout.trim().split('\n');
    expect([rows[0], rows[2]]).toEqual(['0,0,0', '0,0,0']);
    // softmax [1, 2, 3] max-shift in float32, minus 1 at label 0: e^-2/s - 1, e^-1/s, 1/s with s = 1 + e^-1 + e^-2.
    const s = 1 + Math.exp(-1) + Math.exp(-2);
    const got = rows[1].split(',').map(Number);
    expect(got.map((v) => Math.fround(v))).toEqual([Math.fround(Math.exp(-2) / s - 1), Math.fround(Math.exp(-1) / s), Math.fround(1 / s)]);
  });

  test('-o .npy: the ignored rows are zeros there too', async () => {
    const path = join(dir, 'ignored.npy');
    const result = await runCli(['compute', '-f', 'gradient', '-d', 'f16', '--ignore-index', '7', '-o', path], { stdin: 'a,b,label\n0,0,7\n0,0,1\n' });
    expect(result.status).toBe(0);
    expect(readNpy(path)).toEqual({ descr: '<f2', shape: [2, 2], values: [0, 0, 0.5, -0.5] });
  });
});

describe('compute: the function against the input (usage errors, exit 2, nothing written)', () => {
  const cases: Array<[string, string[], string, string]> = [
    [
      'cross-entropy without labels',
      ['-f', 'cross-entropy', '-d', 'f32'],
      '1,2,3\n',
      'logitcheck: --function cross-entropy needs a label per row: give --labels COLUMN|FILE (CSV), --label-key (JSON) or --labels-tensor (tensors)',
    ],
    [
      'gradient with the labels left out (--no-labels)',
      ['-f', 'gradient', '-d', 'f32', '--no-labels'],
      'a,b,label\n1,2,0\n',
      'logitcheck: --function gradient needs a label per row: give --labels COLUMN|FILE (CSV), --label-key (JSON) or --labels-tensor (tensors)',
    ],
    ['bce without targets', ['-f', 'bce', '-d', 'f16'], '0.5\n-1\n', 'logitcheck: --function bce needs a label per row: give --labels COLUMN|FILE (CSV), --label-key (JSON) or --labels-tensor (tensors)'],
    ['sigmoid on K = 3', ['-f', 'sigmoid', '-d', 'f32'], '1,2,3\n', 'logitcheck: --function sigmoid takes one logit per row; this input has 3'],
    ['bce on K = 2 with labels', ['-f', 'bce', '-d', 'f32', '--labels', 'y'], 'a,b,y\n1,2,0\n', 'logitcheck: --function bce takes one logit per row; this input has 2'],
    [
      'cross-entropy on K = 1 with --binary',
      ['-f', 'cross-entropy', '-d', 'f32', '--binary', '--labels', 'y'],
      'x,y\n1,0\n',
      'logitcheck: --function cross-entropy takes a class index per row, but <stdin> has one logit per row, whose labels are binary targets in [0, 1]: use --function bce',
    ],
    [
      'gradient on K = 1 (its labels are binary targets)',
      ['-f', 'gradient', '-d', 'f32', '--labels', 'y'],
      'x,y\n1,0.5\n',
      'logitcheck: --function gradient takes a class index per row, but <stdin> has one logit per row, whose labels are binary targets in [0, 1]: use --function bce',
    ],
    ['an algorithm that does not compute the function', ['-f', 'bce', '-a', 'max-shift', '-d', 'f32'], 'x,y\n1,0\n', 'logitcheck: --algorithm max-shift does not compute bce; its algorithms are naive, clamped, with-logits'],
  ];
  test.each(cases)('%s', async (_name, args, stdin, message) => {
    const { status, stdout, stderr } = await runCli(['compute', ...args], { stdin });
    expect(status).toBe(2);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n').filter((line) => !line.startsWith('logitcheck: note:'));
    expect(lines).toEqual([message]);
  });

  test('no output file is left behind by a usage error found at the first row', async () => {
    const path = join(dir, 'refused.npy');
    const { status } = await runCli(['compute', '-f', 'cross-entropy', '-d', 'f32', '-o', path], { stdin: '1,2\n' });
    expect(status).toBe(2);
    expect(existsSync(path)).toBe(false);
  });
});

describe('compute: -o FILE.npy shapes', () => {
  test('a scalar function gives shape (rows,), a vector one (rows, K)', async () => {
    const input = 'a,b,c,label\n1,2,3,0\n0,0,0,2\n';
    const loss = join(dir, 'loss.npy');
    const gradient = join(dir, 'gradient.npy');
    expect((await runCli(['compute', '-f', 'cross-entropy', '-d', 'f32', '-o', loss], { stdin: input })).status).toBe(0);
    expect((await runCli(['compute', '-f', 'gradient', '-d', 'f32', '-o', gradient], { stdin: input })).status).toBe(0);
    const lossNpy = readNpy(loss);
    expect(lossNpy.shape).toEqual([2]);
    expect(lossNpy.descr).toBe('<f4');
    // Row 2: [0, 0, 0] label 2: log 3 = 1.0986122886681098, rounded to float32 (sum 3 exact, log correctly rounded then).
    expect(lossNpy.values).toEqual([Math.fround(2.4076059644443806), Math.fround(Math.log(3))]);
    const gradientNpy = readNpy(gradient);
    expect(gradientNpy.shape).toEqual([2, 3]);
    // Row 2: 1/3 each (correctly rounded: 1/3 in float32), minus 1 at 2: round(round(1/3) - 1).
    expect(gradientNpy.values.slice(3)).toEqual([Math.fround(1 / 3), Math.fround(1 / 3), Math.fround(Math.fround(1 / 3) - 1)]);
  });

  test('sigmoid: shape (rows,); bfloat16 as float32', async () => {
    const path = join(dir, 'sigmoid.npy');
    expect((await runCli(['compute', '-f', 'sigmoid', '-d', 'bf16', '-o', path], { stdin: '0\n0\n0\n' })).status).toBe(0);
    expect(readNpy(path)).toEqual({ descr: '<f4', shape: [3], values: [0.5, 0.5, 0.5] });
  });
});

describe('compute in a pipe', () => {
  test('--help names the new functions, the ignored rows and a pipe of per-row losses', async () => {
    const { status, stdout } = await runCli(['compute', '--help']);
    expect(status).toBe(0);
    for (const text of ['cross-entropy', 'gradient', 'sigmoid', 'log-sigmoid', 'bce', 'ignore-index', '-f cross-entropy']) expect(stdout).toContain(text);
  });

  test('stdin to stdout, one loss per line, JSON Lines labels by key', async () => {
    // [0, 0] at either label: max-shift d = [0, 0], loss = -(0 - log(1 + 1)) = ln 2, correctly rounded by Math.log.
    const jsonl = '{"logits": [0, 0], "label": 0}\n{"logits": [0, 0], "label": 1}\n';
    const { status, stdout } = await runCli(['compute', '-f', 'cross-entropy', '-d', 'f64', '--format', 'jsonl'], { stdin: jsonl });
    expect(status).toBe(0);
    expect(stdout).toBe(`[${Math.LN2}]\n[${Math.LN2}]\n`);
  });

  test('log-sigmoid of a column of logits, CSV in, CSV out', async () => {
    // softplus: x >= 0: -log1p(exp(-x)); float64, log1p and exp faithful: -ln 2 at 0 (exp(0) = 1 exact, log1p(1) = ln 2 correctly rounded by Math.log1p).
    const { status, stdout } = await runCli(['compute', '-f', 'log-sigmoid', '-d', 'f64'], { stdin: '0\n0\n' });
    expect(status).toBe(0);
    expect(stdout).toBe(`${-Math.LN2}\n${-Math.LN2}\n`);
  });
});

describe('compute matches the mpmath label fixtures bit for bit', () => {
  test.each(DTYPES)('%s cross-entropy and gradient, every algorithm (fixtures/reference/labels, K >= 2)', async (dtype, name, params) => {
    // Every case with an output in this dtype, grouped by K (one CSV per K: the columns must agree).
    const byK = new Map<number, MulticlassCase[]>();
    for (const { fixture } of multiclassFixtures()) {
      for (const c of fixture.cases) {
        if (c.input.length < 2 || c.dtypes[name].algorithms['max-shift']?.['cross-entropy'] === undefined) continue;
        byK.set(c.input.length, [...(byK.get(c.input.length) ?? []), c]);
      }
    }
    const problems: string[] = [];
    let compared = 0;
    for (const [K, cases] of byK) {
      const header = [...Array.from({ length: K }, (_, j) => `x${j}`), 'label'].join(',');
      const path = join(dir, `multiclass-${dtype}-${K}.csv`);
      writeFileSync(path, `${header}\n${cases.map((c) => [...c.input, String(c.label)].join(',')).join('\n')}\n`);
      for (const [fn, algorithms] of [
        ['cross-entropy', CROSS_ENTROPY_ALGORITHMS],
        ['gradient', GRADIENT_ALGORITHMS],
      ] as const) {
        for (const algorithm of algorithms) {
          const { status, stdout, stderr } = await runCli(['compute', path, '-f', fn, '-a', algorithm, '-d', dtype, '--labels', 'label']);
          if (status !== 0) {
            problems.push(`${fn} ${algorithm} K=${K}: exit ${status}: ${stderr}`);
            continue;
          }
          const got = csvValues(stdout, params);
          cases.forEach((c, r) => {
            const entry = c.dtypes[name];
            const expected = (fn === 'cross-entropy' ? crossEntropyOutput(entry, algorithm as never) : gradientOutput(entry, algorithm as never)).values.map(parsePythonFloat);
            compared++;
            if (got[r].length === expected.length && got[r].every((v, i) => sameValue(v, expected[i]))) return;
            problems.push(`${c.name} ${fn} ${algorithm}: input [${c.input.join(', ')}] label ${c.label}, got [${got[r].join(', ')}], expected [${expected.join(', ')}] (exact match)`);
          });
        }
      }
    }
    expect(problems).toEqual([]);
    expect(compared).toBeGreaterThan(1000); // the fixtures were read
  });

  test.each(DTYPES)('%s sigmoid, log-sigmoid and bce, every algorithm (x and y cast to the dtype)', async (dtype, name, params) => {
    const cases = binaryFixtures().flatMap(({ fixture }) => fixture.cases);
    const path = join(dir, `binary-${dtype}.csv`);
    writeFileSync(path, `x,label\n${cases.map((c) => `${c.input.x},${c.input.y}`).join('\n')}\n`);
    const problems: string[] = [];
    for (const fn of BINARY_FUNCTIONS) {
      for (const algorithm of BINARY_ALGORITHMS[fn]) {
        const { status, stdout, stderr } = await runCli(['compute', path, '-f', fn, '-a', algorithm, '-d', dtype]);
        if (status !== 0) {
          problems.push(`${fn} ${algorithm}: exit ${status}: ${stderr}`);
          continue;
        }
        const got = csvValues(stdout, params);
        expect(got).toHaveLength(cases.length);
        cases.forEach((c, r) => {
          const expected = parsePythonFloat(binaryOutput(c.dtypes[name], fn, algorithm).values[0]);
          if (got[r].length === 1 && sameValue(got[r][0], expected)) return;
          problems.push(`${c.name} ${fn} ${algorithm}: x ${c.input.x} y ${c.input.y}, got ${got[r].join(', ')}, expected ${expected} (exact match)`);
        });
      }
    }
    expect(problems).toEqual([]);
    expect(cases.length).toBeGreaterThan(300);
  });
});
