// The committed files under fixtures/input/, read from disk through openFile and readRows.

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { openFile, readRows } from '../../src/input/open/open-rows.js';
import type { InputInfo, LogitRow, ReadOptions } from '../../src/input/row.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/input/${name}`, import.meta.url));

async function readFixture(name: string, options: ReadOptions = {}): Promise<{ info: InputInfo; rows: LogitRow[] }> {
  const path = fixture(name);
  const stream = readRows(path, openFile(path), options);
  const rows: LogitRow[] = [];
  for await (const batch of stream) rows.push(...batch);
  return { info: stream.info(), rows };
}

const valuesOf = (rows: LogitRow[]) => rows.map((row) => Array.from(row.values));

async function fixtureError(name: string): Promise<InputError> {
  const error = await readFixture(name).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

describe('valid fixtures', () => {
  it('good.csv: header and an id column', async () => {
    const { info, rows } = await readFixture('good.csv', { excludeColumns: ['id'] });
    expect(info).toEqual({ name: fixture('good.csv'), format: 'csv', delimiter: ',', header: ['logit_0', 'logit_1', 'logit_2'], columns: 3 });
    expect(valuesOf(rows)).toEqual([
      [1.5, -2.25, 0],
      [NaN, -Infinity, 1e-3],
      [100, 200, 300],
    ]);
    expect(rows.map((row) => row.line)).toEqual([2, 3, 4]);
  });

  it('semicolon.csv', async () => {
    const { info, rows } = await readFixture('semicolon.csv');
    expect(info.delimiter).toBe(';');
    expect(valuesOf(rows)).toEqual([
      [0.5, 1, -1],
      [2, 3, 4],
    ]);
  });

  it('quoted.csv', async () => {
    const { info, rows } = await readFixture('quoted.csv', { excludeColumns: ['id'] });
    expect(info.header).toEqual(['x, y', 'z']);
    expect(valuesOf(rows)).toEqual([
      [1.5, 2],
      [-3, 4],
    ]);
  });

  it('crlf.csv', async () => {
    const { rows } = await readFixture('crlf.csv');
    expect(rows.map((row) => [row.line, ...row.values])).toEqual([
      [2, 1, 2],
      [3, 3, 4],
    ]);
  });

  it('bom.csv', async () => {
    expect((await readFixture('bom.csv')).info.header).toEqual(['a', 'b']);
  });

  it('one-column.csv', async () => {
    const { info, rows } = await readFixture('one-column.csv');
    expect(info.columns).toBe(1);
    expect(valuesOf(rows)).toEqual([[0.25], [-Infinity]]);
  });

  it('tabs.tsv', async () => {
    const { info, rows } = await readFixture('tabs.tsv');
    expect(info).toMatchObject({ format: 'csv', delimiter: '\t', columns: 2 });
    expect(valuesOf(rows)).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('rows.json', async () => {
    const { info, rows } = await readFixture('rows.json');
    expect(info).toEqual({ name: fixture('rows.json'), format: 'json', columns: 3 });
    expect(rows.map((row) => [row.line, ...row.values])).toEqual([
      [2, 1, 2, 3],
      [3, -1e308, 0.5, NaN],
    ]);
  });

  it('object.json', async () => {
    expect(valuesOf((await readFixture('object.json')).rows)).toEqual([
      [0.1, 0.2],
      [0.3, 0.4],
    ]);
  });

  it('python-literals.json (written by json.dumps)', async () => {
    const [[nan, inf, negInf, negZero, subnormal]] = valuesOf((await readFixture('python-literals.json')).rows);
    expect(nan).toBeNaN();
    expect(inf).toBe(Infinity);
    expect(negInf).toBe(-Infinity);
    expect(Object.is(negZero, -0)).toBe(true);
    expect(subnormal).toBe(1e-320);
  });

  it('rows.jsonl', async () => {
    const { info, rows } = await readFixture('rows.jsonl');
    expect(info.format).toBe('jsonl');
    expect(rows.map((row) => [row.line, ...row.values])).toEqual([
      [1, 1, 2],
      [2, 3, 4],
    ]);
  });
});

describe('invalid fixtures: file, line and column', () => {
  it.each([
    ['ragged.csv', 3, 4, 'row has 2 fields, expected 3 (from line 1)'],
    ['empty-field.csv', 3, 3, 'empty field'],
    ['bad-token.csv', 3, 3, "expected a number in field 2 'b', got '1.2.3'; if this column is not logits, leave it out with --exclude-columns b"],
    ['no-rows.csv', 2, 1, "no data rows: line 1 was read as a header because field 1 'a' is not a number; if it is data, pass --no-header"],
    ['unterminated.csv', 2, 3, 'unterminated quoted field'],
    ['bad.jsonl', 2, 5, 'expected a number (value 2 of the row), got a string'],
  ])('%s:%d:%d', async (name, line, column, problem) => {
    const error = await fixtureError(name);
    expect(error.position).toEqual({ file: fixture(name), line, column });
    expect(error.problem).toContain(problem);
    expect(error.message).toBe(`${fixture(name)}:${line}:${column}: ${error.problem}`);
  });
});

describe('openFile', () => {
  const drain = async (path: string) => {
    for await (const chunk of openFile(path)) void chunk;
  };

  it('a missing file is an InputError naming it', async () => {
    await expect(drain('no/such/file.csv')).rejects.toThrow(new InputError({ file: 'no/such/file.csv' }, 'no such file'));
  });

  it('a directory is an InputError naming it', async () => {
    const dir = fixture('');
    await expect(drain(dir)).rejects.toThrow(new InputError({ file: dir }, 'is a directory, not a file'));
  });

  // An unreadable file: its message for every error code in test/errors.test.ts, and for real
  // (root reads files whatever their mode) as an unprivileged user in test/e2e/permissions.test.ts.

  it('yields the file bytes', async () => {
    const chunks: Uint8Array[] = [];
    for await (const chunk of openFile(fixture('bom.csv'))) chunks.push(chunk);
    expect(Buffer.concat(chunks)).toEqual(Buffer.from([0xef, 0xbb, 0xbf, ...Buffer.from('a,b\n1,2\n')]));
  });
});
