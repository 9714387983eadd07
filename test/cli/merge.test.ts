import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { scratchDir } from '../support/scratch.js';

// The whole demo file against its two halves analysed apart and merged: every figure must be
// identical, and every shard-qualified row must point at the same row of the whole.
const lines = readFileSync('fixtures/demo/breaks.csv', 'utf8').trimEnd().split('\n');
const dir = scratchDir('merge');
const header = lines[0];
const firstHalf = lines.slice(1, 6); // rows 0-4
const secondHalf = lines.slice(6); // rows 5-11
writeFileSync(join(dir, 'a.csv'), [header, ...firstHalf].join('\n') + '\n');
writeFileSync(join(dir, 'b.csv'), [header, ...secondHalf].join('\n') + '\n');

async function jsonReport(args: string[]) {
  const { status, stdout, stderr } = await runCli([...args, '--format', 'json']);
  expect(stderr).toBe('');
  return { status, report: JSON.parse(stdout) };
}

/** A shard-qualified row of the merged report, as a row of the whole file. */
function globalRow(ref: any): number | null {
  if (ref === null) return null;
  return ref.shard.endsWith('b.csv') ? ref.row + firstHalf.length : ref.row;
}

describe('merge', () => {
  test('the merged report of two halves equals the report of the whole, figure for figure', async () => {
    const whole = (await jsonReport(['analyze', 'fixtures/demo/breaks.csv'])).report.inputs[0];
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    await runCli(['analyze', join(dir, 'a.csv'), '--format', 'json', '-o', a]);
    await runCli(['analyze', join(dir, 'b.csv'), '--format', 'json', '-o', b]);
    const merged = (await jsonReport(['merge', a, b])).report.inputs[0];
    expect(merged.rows).toBe(whole.rows);
    expect(merged.shards.map((s: any) => s.rows)).toEqual([5, 7]);
    const strip = (d: any) => ({ ...d, listedRows: d.listedRows.map((r: any) => [globalRow(r), r.kind]) });
    expect(merged.dtypes.map(strip)).toEqual(whole.dtypes.map((d: any) => ({ ...d, listedRows: d.listedRows.map((r: any) => [r.row, r.kind]) })));
    expect(merged.results).toHaveLength(whole.results.length);
    merged.results.forEach((m: any, i: number) => {
      const w = whole.results[i];
      const { errors: me, firstRows: mf, exampleRows: mx, ...mRest } = m;
      const { errors: we, firstRows: wf, exampleRows: wx, ...wRest } = w;
      expect(mRest).toEqual(wRest);
      const { worstRow: mw, ...meRest } = me;
      const { worstRow: ww, ...weRest } = we;
      expect(meRest).toEqual(weRest); // counts, maxima, exact bitsSum, meanBits, histogram
      expect(globalRow(mw)).toBe(ww?.row ?? null);
      for (const key of Object.keys(wf)) expect([key, globalRow(mf[key])]).toEqual([key, wf[key]?.row ?? null]);
      // The first rows of each kind, up to 5, across the shard boundary.
      for (const key of Object.keys(wx)) expect([key, mx[key].map(globalRow)]).toEqual([key, wx[key].map((r: any) => r.row)]);
    });
  });

  test('a merged report merges again like its shards: merge(merge(a), b) = merge(a, b)', async () => {
    const a = join(dir, 'a4.json');
    const b = join(dir, 'b4.json');
    const mergedA = join(dir, 'merged-a.json');
    await runCli(['analyze', join(dir, 'a.csv'), '--dtype', 'bf16', '--format', 'json', '-o', a]);
    await runCli(['analyze', join(dir, 'b.csv'), '--dtype', 'bf16', '--format', 'json', '-o', b]);
    await runCli(['merge', a, '--format', 'json', '-o', mergedA]);
    const direct = (await jsonReport(['merge', a, b])).report.inputs[0];
    const nested = (await jsonReport(['merge', mergedA, b])).report.inputs[0];
    expect(nested).toEqual(direct);
    expect(direct.results.some((r: any) => r.errors.worstRow?.shard.endsWith('b.csv'))).toBe(true); // rows of both shards appear
  });

  test('checks run on the merged figures and set the exit status; rows name their shard', async () => {
    const a = join(dir, 'a2.json');
    const b = join(dir, 'b2.json');
    await runCli(['analyze', join(dir, 'a.csv'), '--dtype', 'f32', '--format', 'json', '-o', a]);
    await runCli(['analyze', join(dir, 'b.csv'), '--dtype', 'f32', '--format', 'json', '-o', b]);
    const { status, stdout } = await runCli(['merge', a, b, '--fail-on', 'nan']);
    expect(status).toBe(1);
    expect(stdout).toMatch(/softmax online float32: wrong\.nan = 8, \S*b\.csv row 1, line 3/); // the causal-mask row, second in b.csv
  });

  test('reports of different selections or bad files are refused with exit 2', async () => {
    const a = join(dir, 'a3.json');
    const b = join(dir, 'b3.json');
    await runCli(['analyze', join(dir, 'a.csv'), '--dtype', 'f32', '--format', 'json', '-o', a]);
    await runCli(['analyze', join(dir, 'b.csv'), '--dtype', 'f16', '--format', 'json', '-o', b]);
    const mixed = await runCli(['merge', a, b]);
    expect(mixed.status).toBe(2);
    expect(mixed.stderr).toMatch(/selection .* differs/);
    const notJson = join(dir, 'bad.json');
    writeFileSync(notJson, '{"schema": ');
    const bad = await runCli(['merge', notJson]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/bad\.json.*not valid JSON/);
    expect((await runCli(['merge', join(dir, 'missing.json')])).stderr).toMatch(/missing\.json: no such file/);
  });
});
