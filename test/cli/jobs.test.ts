import { expect, test } from 'vitest';
import { runCli } from '../support/run-cli.js';

// 7268 rows x 64 logits = 7 batches of 1024 rows (64K logits) and one of 100. With --jobs 2 the
// first batch is analysed in the main thread; worker 0 gets batches 2, 4, 6 and 8. With two
// batches in flight at most, batch 6 and the short batch 8 go out in buffers worker 0 sent back,
// the last one with 924 rows of an earlier batch still behind its own 100. Every figure must
// match the single-threaded report, worstRow included.
function csv(): string {
  let seed = 7;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const lines: string[] = [];
  for (let r = 0; r < 7268; r++) {
    const row = Array.from({ length: 64 }, () => ((next() - 0.5) * 40 * (r % 97 === 0 ? 20 : 1)).toPrecision(6));
    if (r % 113 === 0) row[0] = '1000';
    if (r === 2500) row[3] = 'nan';
    lines.push(row.join(','));
  }
  return lines.join('\n') + '\n';
}

test('--jobs 2 gives the same report as --jobs 1, figure for figure, also for a short last batch in a reused buffer', async () => {
  const input = csv();
  const one = await runCli(['analyze', '--format', 'json', '--jobs', '1', '--input-format', 'csv'], { stdin: input });
  const two = await runCli(['analyze', '--format', 'json', '--jobs', '2', '--input-format', 'csv'], { stdin: input });
  expect(one.stderr).toBe('');
  expect(two.stderr).toBe('');
  const a = JSON.parse(one.stdout);
  const b = JSON.parse(two.stdout);
  expect(a.inputs[0].rows).toBe(7268);
  expect(b).toEqual(a);
  // The data really breaks somewhere, so the comparison means something.
  expect(a.inputs[0].results.some((r: any) => r.verdict === 'fail')).toBe(true);
});

test('--jobs must be a whole number >= 1', async () => {
  expect((await runCli(['analyze', '--jobs', '0'], { stdin: '1,2\n' })).status).toBe(2);
  expect((await runCli(['analyze', '--jobs', 'many'], { stdin: '1,2\n' })).status).toBe(2);
});
