import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { readAllRows } from '../../src/input/open/open-rows.js';
import type { ReadOptions } from '../../src/input/row.js';
import { expectInputError, infoOf, inputErrorOf, labelledRowsOf, linesOf, rowsOf } from './helpers.js';

const read = (text: string) => rowsOf(text, {}, 'in.json');
const errorAt = (text: string, line: number, column: number, problem: string, options: ReadOptions = {}) =>
  expectInputError(text, { line, column }, problem, options, 'in.json');

describe('JSON: accepted shapes', () => {
  it('an array of arrays: one row per inner array', async () => {
    const { info, rows } = await readAllRows('in.json', '[[1, 2.5], [-Infinity, NaN]]');
    expect(info).toEqual({ name: 'in.json', format: 'json', columns: 2 });
    expect(rows.map((row) => [row.index, row.line, ...row.values])).toEqual([
      [0, 1, 1, 2.5],
      [1, 1, -Infinity, NaN],
    ]);
  });

  it('gives each row the line of its opening bracket', async () => {
    expect(await linesOf('[\n  [1, 2],\n  [3, 4]\n]\n', {}, 'in.json')).toEqual([2, 3]);
    expect(await linesOf('[\r\n[1,\r\n2],\r\n[3, 4]]', {}, 'in.json')).toEqual([2, 4]);
  });

  it('a single array of numbers is one row', async () => {
    expect(await read('[1, 2, 3]')).toEqual([[1, 2, 3]]);
    expect(await read('[\n1,\n2\n]')).toEqual([[1, 2]]);
  });

  it("an object's logits key, holding rows or one row; other keys are ignored", async () => {
    const text = '{"model": "x", "logits": [[1, 2], [3, 4]], "meta": {"a": [1, {"b": null}], "t": true, "s": "\\u00e9\\n"}}';
    expect(await read(text)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(await read('{"logits": [5, 6], "labels": ["cat", "dog"]}')).toEqual([[5, 6]]);
  });

  it('a key written with escapes is still logits', async () => {
    expect(await read('{"logi\\u0074s": [1]}')).toEqual([[1]]);
  });

  it("Python's NaN, Infinity, -Infinity and the CSV spellings (nan, -inf)", async () => {
    const [[nan, inf, negInf, negZero, tiny, nan2, negInf2]] = await read('[NaN, Infinity, -Infinity, -0.0, 1e-400, nan, -inf]');
    expect(nan).toBeNaN();
    expect(inf).toBe(Infinity);
    expect(negInf).toBe(-Infinity);
    expect(Object.is(negZero, -0)).toBe(true);
    expect(tiny).toBe(0);
    expect(nan2).toBeNaN();
    expect(negInf2).toBe(-Infinity);
  });

  it('numbers beyond strict JSON (+1, .5, 5.) are read like CSV fields', async () => {
    expect(await read('[+1, .5, 5., 1E3]')).toEqual([[1, 0.5, 5, 1000]]);
  });

  it('whitespace and a byte order mark around the document', async () => {
    expect(await read('\uFEFF \n\t[[1]] \r\n\n')).toEqual([[1]]);
  });
});

describe('JSON: errors with their line and column', () => {
  it('a string where a number belongs', async () => {
    await errorAt('[[1, "1.5"]]', 1, 6, 'expected a number (value 2 of the row), got a string');
    await errorAt('["1.5"]', 1, 2, 'expected a number (value 1 of the row), got a string');
  });

  it('words that are not numbers', async () => {
    await errorAt('[[1, true]]', 1, 6, "expected a number (value 2 of the row), got 'true'");
    await errorAt('[null]', 1, 2, "expected a number (value 1 of the row), got 'null'");
    await errorAt('[1.2.3]', 1, 2, "expected a number (value 1 of the row), got '1.2.3'");
    await errorAt('[\n  0x10\n]', 2, 3, "expected a number (value 1 of the row), got '0x10'");
  });

  it('a missing logits key: at the object, with the keys it has', async () => {
    await errorAt('{"x": [1]}', 1, 1, "record 0 has no key 'logits' (keys: x); choose the field with --key NAME");
    await errorAt('\n  {"x": 1}', 2, 3, "record 0 has no key 'logits' (keys: x)");
    await errorAt('{}', 1, 1, "record 0 has no key 'logits' (no keys)");
  });

  it('a duplicate logits key: at the second one', async () => {
    await errorAt('{"logits": [1], "logits": [2]}', 1, 17, "duplicate key 'logits'");
  });

  it('logits that are not an array', async () => {
    await errorAt('{"logits": 5}', 1, 12, "expected an array for 'logits', got '5'");
    await errorAt('{"logits": {"a": 1}}', 1, 12, "expected an array for 'logits', got '{'");
  });

  it('rows of different lengths: both lengths and where', async () => {
    // Too many: at the first extra value; too few: at the ']' where one is missing.
    await errorAt('[[1,2],[3,4,5]]', 1, 13, 'row has 3 values, expected 2 (from line 1)');
    await errorAt('[[1,2],[3]]', 1, 10, 'row has 1 value, expected 2 (from line 1)');
    await errorAt('[\n[1,2],\n[3,4],\n[5]\n]', 4, 3, 'row has 1 value, expected 2 (from line 2)');
  });

  it('empty rows and empty documents', async () => {
    await errorAt('[[1],[]]', 1, 6, 'empty row');
    await errorAt('[[]]', 1, 2, 'empty row');
    await errorAt('[]', 1, 1, 'no data rows');
    await errorAt('{"logits": []}', 1, 12, 'no data rows');
    await errorAt('', 1, 1, 'no data rows');
    await errorAt('   \n  ', 2, 3, 'no data rows');
  });

  it('nesting other than records of rows of numbers', async () => {
    await errorAt('[[[[1]]]]', 1, 4, "expected a number (value 1 of the row), got '[' (a record holds one row [...] or a list of rows [[...], ...], nothing deeper)");
    await errorAt('{"logits": [[[1]]]}', 1, 14, "expected a number (value 1 of the row), got '[' (a record holds one row");
    await errorAt('[[1], 2]', 1, 7, "expected '[' or '{' (the next record), got '2'");
    await errorAt('[1, [2]]', 1, 5, "expected a number (value 2 of the row), got '['");
    await errorAt('[[[1], 2]]', 1, 8, "expected '[' (the next row), got '2'");
    await errorAt('[{"logits": [{"a": 1}]}]', 1, 14, "expected a number or '[' (a row), got '{'");
    await errorAt('["a"]', 1, 2, 'expected a number (value 1 of the row), got a string');
    await errorAt('[true, 1]', 1, 2, "expected a number (value 1 of the row), got 'true'");
    await errorAt('[:]', 1, 2, "expected a number, '[' or '{' (a record), got ':'");
    await errorAt('"abc"', 1, 1, "expected '[' or '{'");
    await errorAt('42', 1, 1, "expected '[' or '{'");
  });

  it('syntax errors say what was expected', async () => {
    await errorAt('[[1 2]]', 1, 5, "expected ',' or ']', got '2'");
    await errorAt('[[1,]]', 1, 5, "expected a value after ',', got ']'");
    await errorAt('[[1,2]', 1, 7, "unexpected end of input; expected ',' or ']'");
    await errorAt('[[1,2],', 1, 8, 'unexpected end of input; expected a value');
    await errorAt('{"logits" [1]}', 1, 11, "expected ':', got '['");
    await errorAt('{logits: [1]}', 1, 2, "expected a key (a string) or '}', got 'logits'");
    await errorAt('{"logits": [1],}', 1, 16, "expected a key (a string), got '}'");
    await errorAt('{"logits": [1] "x": 2}', 1, 16, "expected ',' or '}', got a string");
    await errorAt('{"logits": [1], "x": }', 1, 22, "expected a value, got '}'");
    await errorAt('{"logits": [1], "x": nope}', 1, 22, "expected a JSON value, got 'nope'");
    await errorAt('[1,2]]', 1, 6, "unexpected ']' after the end of the JSON document");
  });

  it('string syntax', async () => {
    await errorAt('{"logits": [1], "x": "abc', 1, 22, 'unterminated string');
    await errorAt('{"logits": [1], "x": "a\nb"}', 1, 22, 'unterminated string');
    await errorAt('{"a\\qb": 1}', 1, 4, "invalid escape '\\q' in a string");
    await errorAt('{"a\\u12g4": 1}', 1, 4, 'invalid \\u escape');
    await errorAt('{"a\tb": 1}', 1, 4, 'control character U+0009 in a string');
  });

  it('a .json file holding JSON Lines: at the second line, with a hint', async () => {
    await errorAt('[1,2]\n[3,4]\n', 2, 1, "unexpected '[' after the end of the JSON document (for JSON Lines, name the file .jsonl or use --input-format jsonl)");
  });

  it('counts columns after multi-byte characters in characters', async () => {
    await errorAt('{"é😀": 1, "logits": [x]}', 1, 22, "got 'x'");
  });
});

describe('JSON Lines', () => {
  const readLines = (text: string, name = 'in.jsonl') => readAllRows(name, text);
  const errorAtLine = (text: string, line: number, column: number, problem: string) =>
    expectInputError(text, { line, column }, problem, {}, 'in.jsonl');

  it('one array or logits object per line', async () => {
    const { info, rows } = await readLines('[1,2]\n{"logits": [3,4], "id": 7}\n  [5,6]  \n');
    expect(info).toEqual({ name: 'in.jsonl', format: 'jsonl', columns: 2 });
    expect(rows.map((row) => [row.index, row.line, ...row.values])).toEqual([
      [0, 1, 1, 2],
      [1, 2, 3, 4],
      [2, 3, 5, 6],
    ]);
  });

  it('.ndjson, CRLF, no final line end, blank lines at the end', async () => {
    expect(await linesOf('[1]\r\n[2]\r\n[3]', {}, 'in.ndjson')).toEqual([1, 2, 3]);
    expect(await linesOf('[1]\n[2]\n\n \n', {}, 'in.jsonl')).toEqual([1, 2]);
    expect(await rowsOf('[1]', {}, 'in.jsonl')).toEqual([[1]]);
  });

  it('a blank line before a row is an empty row', async () => {
    await errorAtLine('[1]\n\n[2]\n', 2, 1, 'empty row (blank lines are allowed only at the end');
    await errorAtLine('\n[1]\n', 1, 1, 'empty row');
  });

  it('a row spread over lines', async () => {
    await errorAtLine('[1,\n2]\n', 1, 4, 'the line ends inside a JSON Lines record; expected a value');
  });

  it('two values on one line', async () => {
    await errorAtLine('[1] [2]\n', 1, 5, "expected the end of the line after the record, got '[' (JSON Lines holds one record per line)");
  });

  it('records hold rows of numbers, nothing deeper', async () => {
    await errorAtLine('[[[1,2]]]\n', 1, 3, "expected a number (value 1 of the row), got '[' (a record holds one row [...] or a list of rows [[...], ...], nothing deeper)");
    await errorAtLine('{"logits": [[[1,2]]]}\n', 1, 14, "expected a number (value 1 of the row), got '[' (a record holds");
    await errorAtLine('["a"]\n', 1, 2, 'expected a number (value 1 of the row), got a string');
    await errorAtLine('[]\n', 1, 1, 'empty row (a row needs at least one value)');
    await errorAtLine('{"x": [1]}\n', 1, 1, "record 0 has no key 'logits' (keys: x)");
    await errorAtLine('7\n', 1, 1, "expected '[' or '{'");
  });

  it('rows of different lengths', async () => {
    await errorAtLine('[1,2]\n[3]\n', 2, 3, 'row has 1 value, expected 2 (from line 1)');
    await errorAtLine('[1,2]\n{"logits": [3,4,5]}\n', 2, 17, 'row has 3 values, expected 2 (from line 1)');
  });

  it('no rows at all', async () => {
    await errorAtLine('', 1, 1, 'no data rows');
    await errorAtLine('\n\n', 3, 1, 'no data rows');
  });

  it('reports the format in info', async () => {
    expect((await infoOf('[1]\n', {}, 'x.jsonl')).format).toBe('jsonl');
  });
});

describe('--key: the field holding the logits', () => {
  const scores = { key: 'scores' };

  it('reads that key of each record; logits is then an ordinary key, checked for syntax only', async () => {
    expect(await rowsOf('{"logits": "text", "scores": [1, 2], "label": 1}', scores, 'in.json')).toEqual([[1, 2]]);
    expect(await rowsOf('{"scores": [[1, 2], [3, 4]]}', scores, 'in.json')).toEqual([
      [1, 2],
      [3, 4],
    ]);
    const { info, rows } = await readAllRows('in.jsonl', '{"id": 1, "scores": [1, 2]}\n{"scores": [3, 4], "logits": null}\n', scores);
    expect(info.format).toBe('jsonl');
    expect(rows.map((row) => [row.line, ...row.values])).toEqual([
      [1, 1, 2],
      [2, 3, 4],
    ]);
  });

  it('a key written with escapes, and one that is not a plain name', async () => {
    expect(await rowsOf('{"s\\u00e9": [1]}', { key: 'sé' }, 'in.json')).toEqual([[1]]);
    expect(await rowsOf('{"out put/0": [1]}', { key: 'out put/0' }, 'in.json')).toEqual([[1]]);
  });

  it('a record without the key: its record number, line and column, the keys it has and the fix', async () => {
    const eval3 = '{"logits": [1, 2], "id": "a"}\n{"logits": [3, 4], "id": "b"}\n{"scores": [5, 6], "label": 1, "id": "c"}\n';
    expect((await inputErrorOf(eval3, {}, 'eval.jsonl')).message).toBe(
      "eval.jsonl:3:1: record 2 has no key 'logits' (keys: scores, label, id); choose the field with --key NAME",
    );
    expect((await inputErrorOf('[1, 2]\n  {"logits": [1, 2]}\n', scores, 'eval.jsonl')).message).toBe(
      "eval.jsonl:2:3: record 1 has no key 'scores' (keys: logits); choose the field with --key NAME",
    );
  });

  it('the keys listed: the first 10 distinct ones, then how many more; odd ones quoted', async () => {
    const many = `{${Array.from({ length: 13 }, (_, i) => `"k${i}": ${i}`).join(', ')}, "k0": 0}`;
    await expectInputError(many, { line: 1, column: 1 }, "(keys: k0, k1, k2, k3, k4, k5, k6, k7, k8, k9 and 3 more)", {}, 'in.json');
    await expectInputError('{"a b": 1, "\\n": 2, "x.y-z_1": 3}', { line: 1, column: 1 }, "(keys: 'a b', '\\n', x.y-z_1)", {}, 'in.json');
    await expectInputError(`{"${'k'.repeat(41)}": 1, "": 2}`, { line: 1, column: 1 }, `(keys: '${'k'.repeat(40)}...', '')`, {}, 'in.json');
  });

  it('a duplicate of the key, and the key holding something else than an array', async () => {
    await errorAt('{"scores": [1], "scores": [2]}', 1, 17, "duplicate key 'scores'", scores);
    await errorAt('{"scores": 5}', 1, 12, "expected an array for 'scores', got '5'", scores);
  });

  it('a long key is compared whole: a key in the file that only begins like it is another key', async () => {
    const key = 'k'.repeat(1024);
    expect(await rowsOf(`{"${key}": [1]}`, { key }, 'in.json')).toEqual([[1]]);
    await errorAt(`{"${key}k": [1]}`, 1, 1, `record 0 has no key '${key}'`, { key });
    await expect(readAllRows('in.json', '[1]', { key: key + 'k' })).rejects.toThrow(new UsageError('--key: a key longer than 1024 characters is not supported'));
  });

  it('on CSV: a usage error, not an ignored flag', async () => {
    await expect(readAllRows('in.csv', '1,2\n', scores)).rejects.toThrow(new UsageError('--key applies to JSON and JSON Lines input only, not to csv'));
    // sniffed as CSV from its first characters
    await expect(readAllRows('<stdin>', '1,2\n', scores)).rejects.toThrow(new UsageError('--key applies to JSON and JSON Lines input only, not to csv'));
  });
});

describe('records holding lists of rows (per-token logits)', () => {
  it('JSON Lines: each row with its record (the line, from 0) and its position in it', async () => {
    const text = '{"logits": [[1, 2], [3, 4]]}\n{"logits": [[5, 6]]}\n[[7, 8], [9, 10], [11, 12]]\n';
    expect(await infoOf(text, {}, 'in.jsonl')).toEqual({ name: 'in.jsonl', format: 'jsonl', columns: 2 });
    expect(await labelledRowsOf(text, {}, 'in.jsonl')).toEqual([
      [0, 1, { record: 0, position: 0 }, 1, 2],
      [1, 1, { record: 0, position: 1 }, 3, 4],
      [2, 2, { record: 1, position: 0 }, 5, 6],
      [3, 3, { record: 2, position: 0 }, 7, 8],
      [4, 3, { record: 2, position: 1 }, 9, 10],
      [5, 3, { record: 2, position: 2 }, 11, 12],
    ]);
  });

  it('a JSON array of records holding lists of rows, pretty-printed: each row on its own line', async () => {
    expect(await labelledRowsOf('[\n  [[1, 2],\n   [3, 4]],\n  [[5, 6]]\n]\n')).toEqual([
      [0, 2, { record: 0, position: 0 }, 1, 2],
      [1, 3, { record: 0, position: 1 }, 3, 4],
      [2, 4, { record: 1, position: 0 }, 5, 6],
    ]);
    expect(await labelledRowsOf('[[[1], [2]]]')).toEqual([
      [0, 1, { record: 0, position: 0 }, 1],
      [1, 1, { record: 0, position: 1 }, 2],
    ]);
    // One JSON object holding a list of rows is the whole document, and an array of rows a list of
    // one-row records: the row index says all.
    expect(await labelledRowsOf('{"logits": [[1], [2]]}')).toEqual([
      [0, 1, undefined, 1],
      [1, 1, undefined, 2],
    ]);
    expect(await labelledRowsOf('[[1], [2]]')).toEqual([
      [0, 1, undefined, 1],
      [1, 1, undefined, 2],
    ]);
  });

  it('a JSON array of record objects (pandas orient="records"), holding lists of rows or one row each', async () => {
    expect(await labelledRowsOf('[{"id": "a", "logits": [[1, 2], [3, 4]]}, {"logits": [[5, 6]], "id": "b"}]')).toEqual([
      [0, 1, { record: 0, position: 0 }, 1, 2],
      [1, 1, { record: 0, position: 1 }, 3, 4],
      [2, 1, { record: 1, position: 0 }, 5, 6],
    ]);
    // One row per record: the row index is the record, nothing to add.
    expect(await labelledRowsOf('[{"logits": [1, 2]},\n {"logits": [3, 4]}]')).toEqual([
      [0, 1, undefined, 1, 2],
      [1, 2, undefined, 3, 4],
    ]);
  });

  it('every record holds the same: one row, or a list of rows', async () => {
    const errorIn = (text: string, name: string) => inputErrorOf(text, {}, name).then((error) => error.message);
    expect(await errorIn('[1, 2]\n[[3, 4]]\n', 'in.jsonl')).toBe(
      'in.jsonl:2:2: record 1 holds a list of rows [[...], ...], but record 0 (line 1) holds one row [...]; all records must hold the same',
    );
    expect(await errorIn('{"logits": [[1, 2]]}\n{"logits": [3, 4]}\n', 'in.jsonl')).toBe(
      'in.jsonl:2:13: record 1 holds one row [...], but record 0 (line 1) holds a list of rows [[...], ...]; all records must hold the same',
    );
    expect(await errorIn('[[[1, 2]], [3, 4]]', 'in.json')).toBe(
      'in.json:1:13: record 1 holds one row [...], but record 0 (line 1) holds a list of rows [[...], ...]; all records must hold the same',
    );
  });

  it('rows of another length, in any record: the record and position, and where', async () => {
    // Too many: at the first extra value; too few: at the ']' where one is missing.
    expect((await inputErrorOf('[[1, 2]]\n[[3, 4], [5, 6, 7]]\n', {}, 'in.jsonl')).message).toBe(
      'in.jsonl:2:17: record 1, position 1: row has 3 values, expected 2 (from line 1)',
    );
    expect((await inputErrorOf('[[1, 2], [3]]\n', {}, 'in.jsonl')).message).toBe('in.jsonl:1:12: record 0, position 1: row has 1 value, expected 2 (from line 1)');
  });

  it('an empty list of rows names the record; an empty row in a list, its record and position', async () => {
    expect((await inputErrorOf('[[1, 2]]\n{"logits": []}\n', {}, 'in.jsonl')).message).toBe(
      'in.jsonl:2:12: record 1 has an empty list of rows (a record needs at least one row)',
    );
    expect((await inputErrorOf('[[[1]], []]', {}, 'in.json')).message).toBe('in.json:1:9: record 1 has an empty list of rows (a record needs at least one row)');
    expect((await inputErrorOf('[[1, 2], []]\n', {}, 'in.jsonl')).message).toBe('in.jsonl:1:10: record 0, position 1: empty row (a row needs at least one value)');
  });
});

describe('--id-key: rows named by the id of their record', () => {
  const ids = { idKey: 'id' };

  it('a string or an integer, before or after the logits', async () => {
    const text = '{"id": "img_0", "logits": [1, 2]}\n{"logits": [3, 4], "id": 17}\n{"id": -5, "logits": [5, 6], "label": 2}\n';
    expect(await labelledRowsOf(text, ids, 'in.jsonl')).toEqual([
      [0, 1, { id: 'img_0' }, 1, 2],
      [1, 2, { id: '17' }, 3, 4],
      [2, 3, { id: '-5' }, 5, 6],
    ]);
  });

  it('in a record holding a list of rows, every row has the id, with its record and position', async () => {
    const text = '{"id": "a", "logits": [[1, 2], [3, 4]]}\n{"logits": [[5, 6]], "id": "b"}\n';
    expect(await labelledRowsOf(text, ids, 'in.jsonl')).toEqual([
      [0, 1, { id: 'a', record: 0, position: 0 }, 1, 2],
      [1, 1, { id: 'a', record: 0, position: 1 }, 3, 4],
      [2, 2, { id: 'b', record: 1, position: 0 }, 5, 6],
    ]);
  });

  it('a JSON array of record objects, and one object holding the whole document', async () => {
    expect(await labelledRowsOf('[{"id": "x", "logits": [1]},\n {"logits": [2], "id": "y"}]', ids)).toEqual([
      [0, 1, { id: 'x' }, 1],
      [1, 2, { id: 'y' }, 2],
    ]);
    expect(await labelledRowsOf('{"logits": [[1], [2]], "id": "run-3"}', ids)).toEqual([
      [0, 1, { id: 'run-3' }, 1],
      [1, 1, { id: 'run-3' }, 2],
    ]);
    // sniffed: the held first row gets its id too, whether the input turns out JSON or JSON Lines
    expect(await labelledRowsOf('{"logits": [1], "id": "p"}\n{"id": "q", "logits": [2]}\n', ids, '<stdin>')).toEqual([
      [0, 1, { id: 'p' }, 1],
      [1, 2, { id: 'q' }, 2],
    ]);
  });

  it('ids as written: escapes decoded, integers beyond 2^53 not rounded, --key and --id-key together', async () => {
    const text = '{"scores": [1], "name": "caf\\u00e9 \\"1\\""}\n{"scores": [2], "name": 12345678901234567890}\n';
    expect(await labelledRowsOf(text, { key: 'scores', idKey: 'name' }, 'in.jsonl')).toEqual([
      [0, 1, { id: 'café "1"' }, 1],
      [1, 2, { id: '12345678901234567890' }, 2],
    ]);
    const long = 'i'.repeat(1024);
    expect(await labelledRowsOf(`{"id": "${long}", "logits": [1]}`, ids)).toEqual([[0, 1, { id: long }, 1]]);
  });

  it('a record without the id: its record, line and column, the keys it has and the fix', async () => {
    const text = '{"id": "a", "logits": [1]}\n{"logits": [2], "label": 0}\n';
    expect((await inputErrorOf(text, ids, 'eval.jsonl')).message).toBe(
      "eval.jsonl:2:1: record 1 has no key 'id' (keys: logits, label); choose the field with --id-key NAME",
    );
  });

  it('an id that is neither a string nor an integer, a duplicate, one too long', async () => {
    await errorAt('{"id": 1.5, "logits": [1]}', 1, 8, "record 0: an id ('id') is a string or an integer, got '1.5'", ids);
    await errorAt('[{"id": "a", "logits": [1]}, {"id": null, "logits": [1]}]', 1, 37, "record 1: an id ('id') is a string or an integer, got 'null'", ids);
    await errorAt('{"logits": [1], "id": ["a"]}', 1, 23, "record 0: an id ('id') is a string or an integer, got '['", ids);
    await errorAt('{"id": 1, "logits": [1], "id": 2}', 1, 26, "duplicate key 'id'", ids);
    await errorAt(`{"id": "${'i'.repeat(1025)}", "logits": [1]}`, 1, 8, 'record 0: the id is longer than 1024 characters', ids);
  });

  it('records that are arrays have no id: a usage error saying why, at the first one', async () => {
    const refusal = (record: number, name: string, line: number, column: number) =>
      new UsageError(
        `--id-key id: record ${record} of ${name} (line ${line}, column ${column}) is an array, not an object, so it has no id; --id-key needs records like {"id": ..., "logits": [...]}`,
      );
    await expect(readAllRows('in.jsonl', '[1, 2]\n', ids)).rejects.toThrow(refusal(0, 'in.jsonl', 1, 1));
    await expect(readAllRows('in.json', '[1, 2]', ids)).rejects.toThrow(refusal(0, 'in.json', 1, 1));
    await expect(readAllRows('in.json', '[\n  [1, 2]\n]', ids)).rejects.toThrow(refusal(0, 'in.json', 2, 3));
    await expect(readAllRows('in.json', '[{"id": 1, "logits": [1]}, [[2]]]', ids)).rejects.toThrow(refusal(1, 'in.json', 1, 28));
    await expect(readAllRows('in.json', '[1]', { idKey: 'id' })).rejects.toBeInstanceOf(UsageError);
  });

  it('usage errors: on CSV, the same key as the logits, a key too long', async () => {
    await expect(readAllRows('in.csv', '1,2\n', ids)).rejects.toThrow(new UsageError('--id-key applies to JSON and JSON Lines input only, not to csv'));
    await expect(readAllRows('in.jsonl', '{"logits": [1]}\n', { idKey: 'logits' })).rejects.toThrow(
      new UsageError("--id-key: 'logits' is the key of the logits (--key); name the key that identifies each record"),
    );
    await expect(readAllRows('in.jsonl', '{"s": [1]}\n', { key: 's', idKey: 's' })).rejects.toBeInstanceOf(UsageError);
    await expect(readAllRows('in.jsonl', '{"logits": [1]}\n', { idKey: 'i'.repeat(1025) })).rejects.toThrow(
      new UsageError('--id-key: a key longer than 1024 characters is not supported'),
    );
  });
});
