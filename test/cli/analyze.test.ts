import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { scratchDir } from '../support/scratch.js';

const DEMO = 'fixtures/demo/breaks.csv';
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[/;

function result(report: any, fn: string, dtype: string, algorithm: string, input = 0) {
  return report.inputs[input].results.find((r: any) => r.function === fn && r.dtype === dtype && r.algorithm === algorithm);
}

describe('analyze: table', () => {
  test('the demo: a verdict matrix per function, findings in words, exit 0 without checks', async () => {
    const { status, stdout, stderr } = await runCli(['analyze', DEMO]);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout).toContain('fixtures/demo/breaks.csv  (csv, 12 rows x 8 classes)');
    for (const heading of ['softmax', 'log-softmax', 'logsumexp']) expect(stdout).toMatch(new RegExp(`^${heading}\\s+float64\\s+float32\\s+float16\\s+bfloat16`, 'm'));
    expect(stdout).toMatch(/^ {2}naive\s+FAIL/m);
    expect(stdout).toContain('Findings');
    // Naive exp overflows where a logit passes the dtype's threshold (SPEC section 1): float64
    // (709.78) on rows 3 (~800) and 9 (70000); float32 (88.72) also on row 2 (~95); float16
    // (11.09) on rows 1 (~11.5), 2, 3 and 5 (30), row 9 being +Inf after the cast there.
    expect(stdout).toContain('logsumexp naive overflows: float64 2 rows (first: row 3, line 5; row 9, line 11); float32 3 rows (first: row 2, line 4; row 3, line 5; row 9, line 11); float16 4 rows (first: row 1, line 3; row 2, line 4; row 3, line 5; row 5, line 7); bfloat16 3 rows (first: row 2, line 4; row 3, line 5; row 9, line 11)');
    expect(stdout).not.toMatch(ANSI);
  });

  test('--details adds the full figure table', async () => {
    const { stdout } = await runCli(['analyze', DEMO, '--details', '--dtype', 'f32']);
    expect(stdout).toContain('maxUlp');
    expect(stdout).toContain('meanBits');
  });

  test('colour only on a terminal; NO_COLOR wins over a terminal, FORCE_COLOR over a pipe', async () => {
    expect((await runCli(['analyze', DEMO], { stdoutIsTTY: true })).stdout).toMatch(ANSI);
    expect((await runCli(['analyze', DEMO], { stdoutIsTTY: true, env: { NO_COLOR: '1' } })).stdout).not.toMatch(ANSI);
    expect((await runCli(['analyze', DEMO], { stdoutIsTTY: false, env: { FORCE_COLOR: '1' } })).stdout).toMatch(ANSI);
    expect((await runCli(['analyze', DEMO], { stdoutIsTTY: true, env: { FORCE_COLOR: '0' } })).stdout).not.toMatch(ANSI);
  });
});

describe('analyze: JSON report', () => {
  test('schema, inputs, input figures and results named as SPEC section 6', async () => {
    const { status, stdout } = await runCli(['analyze', DEMO, '--format', 'json']);
    expect(status).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.schema).toBe('logitcheck.report/1');
    expect(report.tool.name).toBe('logitcheck');
    expect(report.ok).toBe(true);
    const input = report.inputs[0];
    expect(input).toMatchObject({ path: DEMO, format: 'csv', rows: 12, classes: 8 });
    const f16 = input.dtypes.find((d: any) => d.dtype === 'float16');
    // Row 9 holds 70000 (> 65504 + 16): a cast overflow, so a +Inf row in float16; row 10 holds NaN.
    expect(f16).toMatchObject({ castOverflow: 1, posInfRows: 1, nanRows: 1, maskedRows: 1, ordinaryRows: 9 });
    const f64 = input.dtypes.find((d: any) => d.dtype === 'float64');
    expect(f64).toMatchObject({ castOverflow: 0, posInfRows: 0, nanRows: 1, maskedRows: 1, ordinaryRows: 10 });
    expect(input.results).toHaveLength(56);
    const naive = result(report, 'logsumexp', 'float64', 'naive');
    expect(Object.keys(naive.flags)).toEqual(['overflow', 'underflow', 'invalid', 'divideByZero']);
    for (const key of ['count', 'maxAbs', 'maxRel', 'maxUlp', 'meanBits', 'maxBits', 'worstRow']) expect(naive.errors).toHaveProperty(key);
    // Rows 3 (line 5, logits around 800) and 9 (line 11, 70000) are the rows whose naive exp overflows float64.
    expect(naive.flags.overflow).toBe(2);
    expect(naive.firstRows.overflow).toEqual({ row: 3, line: 5 });
    const softmax = result(report, 'softmax', 'float32', 'max-shift');
    expect(softmax.softmax).toHaveProperty('maxSumDev');
    expect(softmax.softmax).toHaveProperty('argmaxFlips');
  });

  test('non-finite figures are written as strings, never null', async () => {
    // float16 naive softmax of [12, 12]: exp(12) overflows, Inf / Inf is NaN; the masked row's outputs are NaN.
    const { stdout } = await runCli(['analyze', '--format', 'json', '--input-format', 'csv'], { stdin: '12,12\n1,2\n' });
    expect(stdout).not.toContain('null,\n          "maxRel"'); // figures exist for row 1
    const report = JSON.parse(stdout);
    expect(report.inputs[0].path).toBe('<stdin>');
    expect(result(report, 'softmax', 'float16', 'naive').wrong.nan).toBe(2);
  });

  test('an exact value below float64\'s range: log-softmax of [1500, 0, 0] has maxRel 1 and maxUlp 0, and --max-rel sees it', async () => {
    // At the maximum, -log(1 + 2e^-1500) = -7.2e-652 rounds to -0 in float64: the computed 0 is
    // correctly rounded (0 ulps) and wrong by all of the value (relative error 1).
    const args = ['analyze', '-f', 'log-softmax', '-d', 'f64', '-a', 'max-shift', '--format', 'json'];
    const { status, stdout } = await runCli(args, { stdin: '1500,0,0\n' });
    expect(status).toBe(0);
    expect(result(JSON.parse(stdout), 'log-softmax', 'float64', 'max-shift').errors).toMatchObject({ count: 3, maxRel: 1, maxUlp: 0, maxAbs: 0 });
    expect((await runCli([...args, '--max-rel', '0.5'], { stdin: '1500,0,0\n' })).status).toBe(1);
  });
});

describe('analyze: checks and exit codes', () => {
  test('--fail-on nan fails with exit 1 and names function, dtype, algorithm, figure and row', async () => {
    const { status, stdout } = await runCli(['analyze', DEMO, '--fail-on', 'nan', '--dtype', 'f32', '--function', 'softmax', '--algorithm', 'naive']);
    expect(status).toBe(1);
    // Row 2 (line 4, logits around 95): exp overflows float32, Inf / Inf = NaN.
    expect(stdout).toMatch(/FAIL fail-on nan\n\s+softmax naive float32: wrong\.nan = \d+, row 2, line 4 \[fixtures\/demo\/breaks\.csv\]/);
  });

  test('checks apply only to the selection: max-shift passes --fail-on nan,inf,overflow', async () => {
    const { status, stdout } = await runCli(['analyze', DEMO, '--algorithm', 'max-shift', '--fail-on', 'nan,inf,overflow', '--format', 'json']);
    const report = JSON.parse(stdout);
    expect(report.checks.map((c: any) => [c.check, c.passed])).toEqual([
      ['fail-on nan', true],
      ['fail-on inf', true],
      ['fail-on overflow', true],
    ]);
    expect(status).toBe(0);
  });

  test('--max-ulp: a loose limit passes, a tight one fails on the worst row', async () => {
    expect((await runCli(['analyze', DEMO, '--algorithm', 'log1p', '--dtype', 'f64', '--max-ulp', '1000000'])).status).toBe(0);
    const tight = await runCli(['analyze', DEMO, '--function', 'softmax', '--algorithm', 'exp-lse', '--dtype', 'bf16', '--max-ulp', '0', '--format', 'json']);
    expect(tight.status).toBe(1);
    const failure = JSON.parse(tight.stdout).checks[0].failures[0];
    expect(failure).toMatchObject({ function: 'softmax', dtype: 'bfloat16', algorithm: 'exp-lse', figure: 'errors.maxUlp' });
    expect(failure.value).toBeGreaterThan(0);
    expect(failure.row).toHaveProperty('line');
  });

  test('usage errors exit 2 with one line and no stack trace', async () => {
    for (const args of [
      ['analyze', DEMO, '--dtype', 'f8'],
      ['analyze', DEMO, '--function', 'logsumexp', '--algorithm', 'exp-lse'],
      ['analyze', DEMO, '--fail-on', 'bogus'],
      ['analyze', DEMO, '--max-ulp', '-1'],
      ['analyze', DEMO, '--format', 'yaml'],
      ['analyze', DEMO, '--bogus'],
    ]) {
      const { status, stderr, stdout } = await runCli(args);
      expect(status, args.join(' ')).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.trim().split('\n'), stderr).toHaveLength(1);
      expect(stderr).toMatch(/^logitcheck: /);
      expect(stderr).not.toMatch(/\n\s+at /);
    }
  });

  test('input errors exit 2 naming file, line and column', async () => {
    const missing = await runCli(['analyze', 'no/such.csv']);
    expect(missing).toMatchObject({ status: 2, stdout: '' });
    expect(missing.stderr).toBe('logitcheck: no/such.csv: no such file\n');
    const bad = await runCli(['analyze', '--input-format', 'csv'], { stdin: '1,2,3\n4,,6\n' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^logitcheck: <stdin>:2:3: /);
  });

  test('--key and --id-key on CSV or a tensor: a usage error naming the format', async () => {
    for (const [file, format] of [
      [DEMO, 'csv'],
      ['fixtures/tensors/f4_le_3x4.npy', 'npy'],
      ['fixtures/tensors/single.safetensors', 'safetensors'],
    ]) {
      const { status, stdout, stderr } = await runCli(['analyze', file, '--key', 'scores']);
      expect({ status, stdout, stderr }).toEqual({ status: 2, stdout: '', stderr: `logitcheck: --key applies to JSON and JSON Lines input only, not to ${format}\n` });
      const idKey = await runCli(['analyze', file, '--id-key', 'id']);
      expect(idKey).toEqual({ status: 2, stdout: '', stderr: `logitcheck: --id-key applies to JSON and JSON Lines input only, not to ${format}\n` });
    }
  });

  test('no FILE and stdin a terminal: a usage error, not a hang', async () => {
    const { status, stderr } = await runCli(['analyze'], { stdinIsTTY: true });
    expect(status).toBe(2);
    expect(stderr).toMatch(/no input/);
  });
});

describe('analyze: a JSON Lines eval dump, records holding lists of rows, with ids', () => {
  const EVAL = 'fixtures/input/eval-tokens.jsonl';
  // Its rows, as the report must name them: row index -> record, position, line and id.
  const ROWS = [
    { row: 0, line: 1, id: 'doc_a', record: 0, position: 0 },
    { row: 1, line: 1, id: 'doc_a', record: 0, position: 1 },
    { row: 2, line: 2, id: 'doc_b', record: 1, position: 0 },
    { row: 3, line: 2, id: 'doc_b', record: 1, position: 1 },
    { row: 4, line: 2, id: 'doc_b', record: 1, position: 2 },
    { row: 5, line: 3, id: '7', record: 2, position: 0 },
  ];
  const args = ['analyze', EVAL, '--id-key', 'id', '--dtype', 'f16', '--function', 'softmax'];

  test('--format json: exampleRows, firstRows, worstRow and maxRowSpreadRow carry record, position and id', async () => {
    const { status, stdout, stderr } = await runCli([...args, '--format', 'json']);
    // Its 'label' lists are the labels now (src/input/text/json-rows.ts), which the note says.
    expect({ status, stderr }).toEqual({
      status: 0,
      stderr: `logitcheck: note: ${EVAL}: record 0 has a 'label' key, read as the labels (--label-key NAME to choose another key, --no-labels to ignore it)\n`,
    });
    const input = JSON.parse(stdout).inputs[0];
    expect(input).toMatchObject({ format: 'jsonl', rows: 6, classes: 3 });
    // float16 exp overflows above 11.09: logits 12 and 30 of doc_b, 800 of record 2.
    const naive = result(JSON.parse(stdout), 'softmax', 'float16', 'naive');
    expect(naive.exampleRows.overflow).toEqual([ROWS[2], ROWS[3], ROWS[5]]);
    expect(naive.firstRows.overflow).toEqual(ROWS[2]);
    // 800 - 1: the largest spread, in record 2.
    expect(input.logits.maxRowSpreadRow).toEqual(ROWS[5]);
    for (const r of input.results) {
      expect(r.errors.worstRow, `${r.algorithm}`).toEqual(ROWS[r.errors.worstRow.row]);
    }
  });

  test('the same references through two worker threads', async () => {
    const one = await runCli([...args, '--format', 'json', '--jobs', '1']);
    const two = await runCli([...args, '--format', 'json', '--jobs', '2']);
    expect(result(JSON.parse(one.stdout), 'softmax', 'float16', 'naive').exampleRows.overflow).toEqual([ROWS[2], ROWS[3], ROWS[5]]);
    expect(two.stdout).toBe(one.stdout);
  });

  test('the table names a row by record, position, line and id; without --id-key, no id', async () => {
    expect((await runCli(args)).stdout).toContain("FAIL softmax naive overflows: float16 3 rows (first: record 1, position 0, line 2, id 'doc_b'; record 1, position 1, line 2, id 'doc_b'; record 2, position 0, line 3, id '7').");
    const { stdout } = await runCli(['analyze', EVAL, '--dtype', 'f16', '--function', 'softmax', '--format', 'json']);
    expect(result(JSON.parse(stdout), 'softmax', 'float16', 'naive').firstRows.overflow).toEqual({ row: 2, line: 2, record: 1, position: 0 });
  });

  test('--id-key on plain arrays, and on CSV: usage errors saying why', async () => {
    const arrays = await runCli(['analyze', '--input-format', 'jsonl', '--id-key', 'id'], { stdin: '[1, 2]\n[3, 4]\n' });
    expect(arrays).toEqual({
      status: 2,
      stdout: '',
      stderr:
        'logitcheck: --id-key id: record 0 of <stdin> (line 1, column 1) is an array, not an object, so it has no id; --id-key needs records like {"id": ..., "logits": [...]}\n',
    });
    const csv = await runCli(['analyze', DEMO, '--id-key', 'id']);
    expect(csv).toEqual({ status: 2, stdout: '', stderr: 'logitcheck: --id-key applies to JSON and JSON Lines input only, not to csv\n' });
  });
});

describe('analyze: output and several inputs', () => {
  test('--output writes the report; a bad path fails before any work', async () => {
    const dir = scratchDir('analyze');
    const path = join(dir, 'report.md');
    const { status, stdout } = await runCli(['analyze', DEMO, '--format', 'markdown', '-o', path]);
    expect(status).toBe(0);
    expect(stdout).toBe('');
    expect(readFileSync(path, 'utf8')).toContain('| softmax | float64 | float32 | float16 | bfloat16 |');
    const bad = await runCli(['analyze', 'no/such.csv', '-o', join(dir, 'missing-dir', 'r.json')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--output .*folder does not exist/); // not the missing input: the output is checked first
  });

  test('--output under a regular file (its "folder" is a file) fails before any work, though access(2) finds the file writable', async () => {
    const dir = scratchDir('analyze');
    writeFileSync(join(dir, 'notes.txt'), 'not a folder\n');
    const path = join(dir, 'notes.txt', 'r.json');
    const bad = await runCli(['analyze', 'no/such.csv', '-o', path]);
    expect(bad).toEqual({ status: 2, stdout: '', stderr: `logitcheck: --output ${path}: its folder does not exist\n` });
  });

  test('several files: one JSON object holding all, one table section each', async () => {
    const json = JSON.parse((await runCli(['analyze', DEMO, 'fixtures/demo/breaks.csv', '--format', 'json', '--dtype', 'f16'])).stdout);
    expect(json.inputs).toHaveLength(2);
    const table = (await runCli(['analyze', DEMO, DEMO, '--dtype', 'f16'])).stdout;
    expect(table.split('(csv, 12 rows x 8 classes)').length).toBe(3);
  });

  test('Markdown carries the matrix, findings and checks', async () => {
    const { stdout, status } = await runCli(['analyze', DEMO, '--format', 'markdown', '--fail-on', 'overflow']);
    expect(status).toBe(1);
    expect(stdout).toMatch(/^## logitcheck ❌/);
    expect(stdout).toContain('| naive | ');
    expect(stdout).toContain('**Findings**');
    expect(stdout).toContain('- ❌ `fail-on overflow`');
  });

  test('CSV column selection drops an id and a label column', async () => {
    const csv = 'id,a,b,c,label\n7,1,2,3,2\n8,3,2,1,0\n';
    const { stdout } = await runCli(['analyze', '--format', 'json', '--input-format', 'csv', '--exclude-columns', 'id,label'], { stdin: csv });
    expect(JSON.parse(stdout).inputs[0]).toMatchObject({ rows: 2, classes: 3 });
  });
});

describe('analyze: rows named by their id (--id-column)', () => {
  test('findings and the JSON name rows by id; --jobs 2 carries the ids to the workers', async () => {
    // 2000 rows of 40 logits (several batches); rows 3 and 1500 overflow float16 naive (x > 11.09).
    const lines = ['sample,' + Array.from({ length: 40 }, (_, j) => `c${j}`).join(',')];
    for (let r = 0; r < 2000; r++) lines.push(`img_${String(r).padStart(4, '0')},` + Array.from({ length: 40 }, (_, j) => (r === 3 || r === 1500) && j === 7 ? '20' : String((j % 5) / 4)).join(','));
    const stdin = `${lines.join('\n')}\n`;
    const args = ['analyze', '--input-format', 'csv', '--id-column', 'sample', '-d', 'f16', '-f', 'logsumexp', '-a', 'naive'];
    const json = await runCli([...args, '--format', 'json', '--jobs', '2'], { stdin });
    const result = JSON.parse(json.stdout).inputs[0].results[0];
    expect(result.exampleRows.overflow).toEqual([
      { row: 3, line: 5, id: 'img_0003' },
      { row: 1500, line: 1502, id: 'img_1500' },
    ]);
    const table = await runCli(args, { stdin });
    expect(table.stdout).toContain("float16 2 rows (first: row 3, line 5, id 'img_0003'; row 1500, line 1502, id 'img_1500')");
  });
});
