import { expect, test } from 'vitest';
import { runCli } from '../support/run-cli.js';

// 3000 rows x 64 logits = 3 batches of 64K logits: with --jobs 2 the second and third go to
// worker threads. Every figure must match the single-threaded report, worstRow included.
function csv(): string {
  let seed = 7;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const lines: string[] = [];
  for (let r = 0; r < 3000; r++) {
    const row = Array.from({ length: 64 }, () => ((next() - 0.5) * 40 * (r % 97 === 0 ? 20 : 1)).toPrecision(6));
    if (r % 113 === 0) row[0] = '1000';
    if (r === 2500) row[3] = 'nan';
    lines.push(row.join(','));
  }
  return lines.join('\n') + '\n';
}

test('--jobs 2 gives the same report as --jobs 1, figure for figure', async () => {
  const input = csv();
  const one = await runCli(['analyze', '--format', 'json', '--jobs', '1', '--input-format', 'csv'], { stdin: input });
  const two = await runCli(['analyze', '--format', 'json', '--jobs', '2', '--input-format', 'csv'], { stdin: input });
  expect(one.stderr).toBe('');
  expect(two.stderr).toBe('');
  const a = JSON.parse(one.stdout);
  const b = JSON.parse(two.stdout);
  expect(a.inputs[0].rows).toBe(3000);
  expect(b).toEqual(a);
  // The data really spans several batches and breaks somewhere, so the comparison means something.
  expect(a.inputs[0].results.some((r: any) => r.verdict === 'fail')).toBe(true);
});

test('--jobs must be a whole number >= 1', async () => {
  expect((await runCli(['analyze', '--jobs', '0'], { stdin: '1,2\n' })).status).toBe(2);
  expect((await runCli(['analyze', '--jobs', 'many'], { stdin: '1,2\n' })).status).toBe(2);
});
