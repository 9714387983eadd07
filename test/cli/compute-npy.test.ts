import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { float16Bits } from '../../src/cli/values-output.js';
import { exactRound, float64Bits } from '../support/exact-rounding.js';
import { FIXTURE_DIR, parsePythonFloat, type FixtureFile } from '../support/reference-fixtures.js';
import { runCli } from '../support/run-cli.js';
import { scratchDir } from '../support/scratch.js';
import { decodeFloat16, readNpy } from '../support/read-npy.js';

const dir = scratchDir('npy');

/** The float64 values in order: the distance between two of them is the number of values between (independent of src/formats). */
function float64Ordinal(x: number): bigint {
  const bits = float64Bits(x);
  return bits >> 63n === 1n ? -(bits & 0x7fffffffffffffffn) : bits;
}

// The rows of K = 3 of the mpmath fixtures (fixtures/reference/small_mixed.json): 1, 2, 3;
// signed zeros; 0.1, 1/3 and 2.001 (not representable in the narrow dtypes); cast to a
// subnormal and to 0. Their max-shift softmax in each dtype, emulated by generate.py with every
// operation rounded, is the expected output of `compute`.
const smallMixed = JSON.parse(readFileSync(join(FIXTURE_DIR, 'small_mixed.json'), 'utf8')) as FixtureFile;
const rows = smallMixed.cases.filter((c) => c.input.length === 3);

describe('compute -o FILE.npy', () => {
  test.each([
    ['f16', 'float16', '<f2'],
    ['f32', 'float32', '<f4'],
    ['f64', 'float64', '<f8'],
    ['bf16', 'bfloat16', '<f4'], // numpy has no bfloat16: float32 holds every bfloat16 exactly
  ] as const)('%s softmax: the .npy (%s) and the CSV hold the mpmath fixtures\' max-shift values, shape (rows, K)', async (dtype, name, descr) => {
    const input = rows.map((c) => c.input.join(',')).join('\n') + '\n';
    const path = join(dir, `softmax-${dtype}.npy`);
    const written = await runCli(['compute', '-f', 'softmax', '-d', dtype, '-o', path], { stdin: input });
    expect(written).toMatchObject({ status: 0, stdout: '' });
    const csv = await runCli(['compute', '-f', 'softmax', '-d', dtype], { stdin: input });
    const npy = readNpy(path);
    expect(npy.descr).toBe(descr);
    expect(npy.shape).toEqual([rows.length, 3]);
    // The CSV holds the shortest decimals that read back to the computed values once rounded to
    // the dtype (here by the test's own exact BigInt rounding).
    const params = { f16: [11, -14, 15], f32: [24, -126, 127], f64: [53, -1022, 1023], bf16: [8, -126, 127] }[dtype];
    const csvLines = csv.stdout.trim().split('\n');
    expect(csvLines).toHaveLength(rows.length);
    const fromCsv = csvLines.map((line) => line.split(',').map((v) => exactRound({ precision: params[0], minExponent: params[1], maxExponent: params[2] }, Number(v))));
    // float32, float16 and bfloat16 match the emulation exactly; float64 within 2 ulps, as in
    // test/algorithms/mpmath-fixtures.test.ts (the fixtures' exp is correctly rounded, Math.exp
    // only faithful).
    const tolerance = 2n; // float64 only
    const problems: string[] = [];
    rows.forEach((row, r) => {
      const expected = row.dtypes[name].algorithms['max-shift'].softmax.values.map(parsePythonFloat);
      for (let i = 0; i < 3; i++) {
        for (const [source, got] of [
          ['npy', npy.values[r * 3 + i]],
          ['csv', fromCsv[r][i]],
        ] as const) {
          const ulps = float64Ordinal(got) - float64Ordinal(expected[i]);
          if (dtype === 'f64' ? -tolerance <= ulps && ulps <= tolerance : got === expected[i]) continue;
          problems.push(`${row.name}[${i}] (${source}): input [${row.input.join(', ')}], got ${got}, expected ${expected[i]}, difference ${got - expected[i]}, tolerance ${dtype === 'f64' ? `${tolerance} ulps` : '0 (exact)'}`);
        }
      }
    });
    expect(problems).toEqual([]);
    expect(npy.values).toEqual(fromCsv.flat()); // and the two outputs agree with each other
  });

  test('a row longer than the write buffer (K = 140000 in float64: 1.1 MB) is written whole (was a RangeError, exit 70)', async () => {
    // softmax of K equal logits is 1/K in every position; float64 max-shift: exp(0) = 1, the sum
    // K exactly, 1/K correctly rounded.
    const K = 140000;
    const path = join(dir, 'wide.npy');
    const written = await runCli(['compute', '-f', 'softmax', '-d', 'f64', '-o', path], { stdin: `${new Array(K).fill('3').join(',')}\n${new Array(K).fill('3').join(',')}\n` });
    expect(written).toMatchObject({ status: 0, stderr: '' });
    const npy = readNpy(path);
    expect(npy.shape).toEqual([2, K]);
    expect(npy.values.length).toBe(2 * K);
    expect(npy.values.every((v) => v === 1 / K)).toBe(true);
  });

  test('logsumexp gives a 1-D array; NaN survives', async () => {
    const path = join(dir, 'lse.npy');
    await runCli(['compute', '-f', 'logsumexp', '-d', 'f64', '-o', path], { stdin: '0,0\n1,nan\n' });
    const npy = readNpy(path);
    expect(npy.shape).toEqual([2]);
    expect(npy.values[0]).toBe(Math.LN2); // 0 + log(1 + 1), correctly rounded by Math.log
    expect(npy.values[1]).toBeNaN();
  });

  test('a failure leaves neither the file nor a partial one behind', async () => {
    const path = join(dir, 'broken.npy');
    const { status, stderr } = await runCli(['compute', '-f', 'softmax', '-d', 'f32', '-o', path], { stdin: '1,2\n3,oops\n' });
    expect(status).toBe(2);
    expect(stderr).toMatch(/<stdin>:2:3/);
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(dir).filter((name) => name.includes('partial'))).toEqual([]);
  });

  test('--format npy without -o is a usage error (no binary to a terminal or pipe)', async () => {
    const { status, stderr } = await runCli(['compute', '-f', 'softmax', '-d', 'f32', '--format', 'npy'], { stdin: '1,2\n' });
    expect(status).toBe(2);
    expect(stderr).toMatch(/needs -o FILE/);
  });
});

test('float16Bits inverts the float16 decoding on all 63488 finite bit patterns and the infinities', () => {
  for (let bits = 0; bits < 0x10000; bits++) {
    const value = decodeFloat16(bits);
    if (Number.isNaN(value)) continue;
    if (float16Bits(value) !== bits) throw new Error(`float16Bits(${value}) = ${float16Bits(value).toString(16)}, expected ${bits.toString(16)}`);
  }
});
