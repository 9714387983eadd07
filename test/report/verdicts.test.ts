// The verdict rules (docs/metrics.md, section 6) on rows whose outcome is derived by hand, and the
// masked-row checks (issue 10, defects 7 and 8).
import { describe, expect, test } from 'vitest';
import { accumulateMasked } from '../../src/metrics/accumulate.js';
import { emptyResultSummary } from '../../src/metrics/summary.js';
import { runCli } from '../support/run-cli.js';

async function report(stdin: string, args: string[]) {
  const { status, stdout, stderr } = await runCli(['analyze', '--input-format', 'csv', '--format', 'json', ...args], { stdin });
  expect(stderr).toBe('');
  return { status, report: JSON.parse(stdout) };
}

const result = (r: any, fn: string) => r.inputs[0].results.find((x: any) => x.function === fn);

describe('total accuracy loss fails (defect 7)', () => {
  // A float16 row of K = 128256 zeros (an LLM vocabulary). Every t_j = exp(0) = 1; the
  // left-to-right float16 sum reaches 2048 = 2^11 after 2048 terms and stays there, since 2048 + 1
  // = 2049 lies halfway between 2048 and 2050 and rounds to even. So s = 2048 and each computed
  // probability is 1/2048 = 2^-11 exactly, against the exact 1/128256: 62.625 times too large,
  // a relative error of 61.625 and a sum of 128256/2048 = 62.625, off from 1 by 61.625.
  // log-softmax is -log(2048) = -7.62 against -log(128256) = -11.76: 4.14 nats off (>= ln 2).
  const K = 128256;
  const zeros = `${new Array(K).fill('0').join(',')}\n`;

  test('softmax: 62.6x too large probabilities, sum off by 61.625: FAIL (was WARN 12.0b max)', async () => {
    const { report: r } = await report(zeros, ['-d', 'f16', '-a', 'max-shift', '-f', 'softmax']);
    const softmax = result(r, 'softmax');
    expect(softmax.verdict).toBe('fail');
    expect(softmax.softmax.maxSumDev).toBe(61.625);
    expect(softmax.errors.maxRel).toBeCloseTo(61.625, 10);
    // 1/128256 is below float16's smallest normal (2^-14): no single probability counts as off by 2,
    // the sum decides.
    expect(softmax.wrong.factor2).toBe(0);
  });

  test('log-softmax and log-sum-exp: every output off by more than ln 2: FAIL with wrong.factor2 counted', async () => {
    const { report: r } = await report(zeros, ['-d', 'f16', '-a', 'max-shift', '-f', 'log-softmax,logsumexp']);
    const logSoftmax = result(r, 'log-softmax');
    expect(logSoftmax.verdict).toBe('fail');
    expect(logSoftmax.wrong.factor2).toBe(K);
    expect(logSoftmax.errors.maxAbs).toBeGreaterThan(Math.log(K) - Math.log(2048) - 0.01);
    expect(logSoftmax.errors.maxAbs).toBeLessThan(Math.log(K) - Math.log(2048) + 0.01);
    expect(result(r, 'logsumexp')).toMatchObject({ verdict: 'fail', wrong: { factor2: 1 } });
    expect(logSoftmax.exampleRows.factor2).toEqual([{ row: 0, line: 1 }]);
  });

  test('the finding names the cause: K exceeds 2^p, so the sum stalls', async () => {
    const { stdout } = await runCli(['analyze', '--input-format', 'csv', '-d', 'f16', '-a', 'max-shift', '-f', 'log-softmax'], { stdin: zeros });
    expect(stdout).toContain('FAIL log-softmax max-shift is off by a factor of 2 or more: float16 128256 log-probabilities (row 0, line 1). K = 128256 exceeds 2^11 = 2048 in float16, so a left-to-right sum of K terms near 1 stalls at 2^p: accumulate in a wider dtype (float32) or sum pairwise.');
  });

  test('float32 sums the same row right (2^24 > K): ok', async () => {
    const { report: r } = await report(zeros, ['-d', 'f32', '-a', 'max-shift']);
    for (const x of r.inputs[0].results) expect([x.function, x.verdict]).toEqual([x.function, 'ok']);
  });

  test('a log-sum-exp correctly rounded to a coarse format is not off by 2, however far from exact', async () => {
    // bfloat16 [300, 300, 300]: LSE = 300 + ln 3 = 301.0986; bfloat16's spacing at 256..512 is 2,
    // so the correctly rounded value is 302 (0.90 away, more than ln 2). max-shift gives 302: no failure.
    const { report: r } = await report('300,300,300\n', ['-d', 'bf16', '-a', 'max-shift', '-f', 'logsumexp']);
    const lse = result(r, 'logsumexp');
    expect(lse.errors.maxAbs).toBeCloseTo(302 - 300 - Math.log(3), 6);
    expect(lse.errors.maxUlp).toBe(0);
    expect(lse).toMatchObject({ verdict: 'ok', wrong: { factor2: 0 } });
  });

  test('a probability of normal size flushed to 0 is off by a factor of 2 or more', async () => {
    // float16 naive softmax of [11.5, 5]: exp(11.5) = 98715 overflows (max 65504), so the sum is
    // Inf, the first output Inf/Inf = NaN and the second exp(5)/Inf = 0, where the exact
    // e^-6.5 / (1 + e^-6.5) = 0.0015 is a normal float16 number (>= 2^-14).
    const { report: r } = await report('11.5,5\n', ['-d', 'f16', '-a', 'naive', '-f', 'softmax']);
    expect(result(r, 'softmax').wrong).toEqual({ nan: 1, inf: 0, zero: 1, factor2: 1 });
  });
});

describe('fully masked rows are visible to CI (defect 8)', () => {
  // 3 ordinary rows and 2 fully masked ones (every logit -inf), as causal attention masks give.
  const input = '1,2,3\n-inf,-inf,-inf\n0.5,0.25,0\n-inf,-inf,-inf\n4,4,4\n';

  test('--fail-on nan,inf passes, --fail-on masked-nan fails and names the first masked row', async () => {
    const passing = await runCli(['analyze', '--input-format', 'csv', '-d', 'f32', '-f', 'softmax', '-a', 'max-shift', '--fail-on', 'nan,inf'], { stdin: input });
    expect(passing.status).toBe(0);
    const failing = await report(input, ['-d', 'f32', '-f', 'softmax', '-a', 'max-shift', '--fail-on', 'masked-nan']);
    expect(failing.status).toBe(1);
    // max-shift on a masked row: m = -inf, x - m = -inf - -inf = NaN in every position.
    expect(result(failing.report, 'softmax').masked).toEqual({ rows: 2, nan: 6, zero: 0, negInf: 0, posInf: 0, finite: 0, uniformRows: 0 });
    expect(failing.report.checks[0]).toMatchObject({ check: 'fail-on masked-nan', passed: false, failures: [{ figure: 'masked.nan', value: 6, row: { row: 1, line: 2 } }] });
  });

  test('the table and the Markdown say what each algorithm outputs there', async () => {
    const table = await runCli(['analyze', '--input-format', 'csv', '-d', 'f32', '-f', 'softmax,logsumexp', '-a', 'naive,max-shift'], { stdin: input });
    expect(table.stdout).toContain(
      [
        '  2 fully masked rows (every logit -Inf; first: row 1, line 2) give:',
        '    softmax: NaN (naive, max-shift)',
        // naive: log(0 + 0 + 0) = -inf, the exact value; max-shift: -inf + log(NaN) = NaN.
        '    logsumexp: -Inf (naive); NaN (max-shift)',
        '    to fail CI on these: --fail-on masked-nan (or masked-zero, masked-uniform)',
      ].join('\n'),
    );
    const markdown = await runCli(['analyze', '--input-format', 'csv', '-d', 'f32', '-f', 'softmax', '-a', 'naive', '--format', 'markdown'], { stdin: input });
    expect(markdown.stdout).toContain('**Masked rows:** 2 fully masked rows (every logit -Inf; first: row 1, line 2) give:\n\n- softmax: NaN (naive)\n');
  });

  test('--details shows each result\'s output on masked rows', async () => {
    const { stdout } = await runCli(['analyze', '--input-format', 'csv', '-d', 'f32', '-f', 'logsumexp', '-a', 'naive,max-shift', '--details'], { stdin: input });
    expect(stdout).toMatch(/│ logsumexp │ naive +│ float32 .*│ -Inf \(2r\) +│/);
    expect(stdout).toMatch(/│ logsumexp │ max-shift +│ float32 .*│ NaN \(2r\) +│/);
  });

  test('uniform outputs on a masked row are counted as such (a kernel that returns 1/K there)', () => {
    const summary = emptyResultSummary('softmax', 'float32', 'naive');
    accumulateMasked(summary, Float64Array.from([0.25, 0.25, 0.25, 0.25]), 4, 7, 9, undefined);
    accumulateMasked(summary, Float64Array.from([0, 0, 0, 0]), 4, 8, 10, undefined);
    accumulateMasked(summary, Float64Array.from([0.25, 0.25, 0.5, 0.25]), 4, 9, 11, undefined);
    expect(summary.masked).toEqual({ rows: 3, nan: 0, zero: 4, negInf: 0, posInf: 0, finite: 8, uniformRows: 1 });
    expect(summary.firstRows.masked).toEqual([
      { row: 7, line: 9 },
      { row: 8, line: 10 },
      { row: 9, line: 11 },
    ]);
  });
});
