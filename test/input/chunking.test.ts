// Streaming must not depend on where the byte chunks end: a CRLF, a quote, a multi-byte UTF-8
// character, a byte order mark or a number may be cut anywhere. Every case is read whole, then
// in 1-byte chunks, then in random chunkings, and the rows (or the error and its position) must
// be identical.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReadOptions } from '../../src/input/row.js';
import { outcomeOfChunks, outcomeOfText, splitAt } from './helpers.js';

const cases: [name: string, text: string, options?: ReadOptions][] = [
  ['good.csv', '\uFEFFid,"a ""x""",b\r\n1,0.1,-inf\r\n2,  1e400 ,"nan"\r\n\r\n', { excludeColumns: ['id'] }],
  ['quoted.csv', '"x,1";"y\r\nz"\n"1.5";2\n3;"4"\n'],
  ['emoji.csv', 'label,v,w\n😀é,1,2\n日本,3,x\n', { excludeColumns: ['label'] }],
  ['lone-cr.csv', 'a\tb\r1\t2\r3\t4\r\r'],
  ['no-final-newline.csv', '1,2\n3,4'],
  ['ragged.csv', 'a,b,c\n1,2,3\n4,5\n'],
  ['ragged-long.csv', 'a,b\n1,2\n3,4,5,6\n'],
  ['blank-middle.csv', '1,2\n\r\n3,4\n'],
  ['empty-field.csv', 'a,b\n1,\n'],
  ['unterminated.csv', 'a,b\n1,"2\n3,4\n'],
  ['after-quote.csv', 'a,b\n"1"x,2\n'],
  ['header-only.csv', 'a,b\r\n'],
  ['bad-utf8.csv', 'a,b\n1,\xff\n'],
  ['rows.json', '\uFEFF{"meta": {"s": "\\u00e9\\"]\\n", "n": [1, [2, null]]},\r\n "logits": [\r\n  [1, 2.5e-3],\r\n  [NaN, -Infinity]\r\n]}\r\n'],
  ['flat.json', '[ 1 , -0.0 , 4.9e-325 ]'],
  ['ragged.json', '[[1,2],\n [3,4,5]]'],
  ['string.json', '[[1, "2"]]'],
  ['syntax.json', '{"logits": [[1, 2]] "x": 1}'],
  ['unterminated.json', '{"logits": [[1]], "x": "abc'],
  ['eof.json', '[[1, 2], [3'],
  ['rows.jsonl', '[1, 2]\r\n{"logits": [3, 4], "id": "é"}\r\n[5, 6]\r\n\r\n'],
  ['blank.jsonl', '[1]\n\n[2]\n'],
  ['span.jsonl', '[1,\n2]\n'],
  // Records holding lists of rows: every row with its record and position.
  ['nested.jsonl', '{"logits": [[1, 2], [3, 4]], "note": "[[9]]"}\r\n[[5, 6]]\r\n{"logits": [[7, 8], [9, 10], [11, 12]]}\n'],
  ['nested.json', '[\n  [[1, 2],\n   [3, 4]],\n  {"logits": [[5, 6]]}\n]\n'],
  ['nested-ragged.jsonl', '[[1, 2]]\n[[3, 4], [5, 6, 7]]\n'],
  ['nested-mixed.jsonl', '[[1, 2]]\n[3, 4]\n'],
  ['nested-empty.jsonl', '[[1, 2]]\n{"logits": []}\n'],
  // Ids before and after the logits (rows held until the id), escaped, integers.
  ['ids.jsonl', '{"logits": [[1, 2], [3, 4]], "id": "d\\u00e9j\\u00e0"}\n{"id": 12345678901234567890, "logits": [[5, 6]]}\n', { idKey: 'id' }],
  ['ids.json', '[{"id": "a", "logits": [1, 2]},\r\n {"logits": [3, 4], "id": "b"}]', { idKey: 'id' }],
  ['ids-missing.jsonl', '{"id": "a", "logits": [[1]]}\n{"logits": [[2]], "ID": "b"}\n', { idKey: 'id' }],
  ['<stdin>', '[1,2]\n[3,4]\n'],
  ['<stdin>', '[[1,2],\n[3,4]]\n[5]'],
  ['<stdin>', ' \n\t1;2;3\n4;5;6\n'],
  ['<stdin>', '{"logits": [1, 2]}\n\n{"logits": [3, 4]}'],
  // Enough rows for several batches and for the delimiter sniffer to finish before the end.
  ['big.csv', `x,y,z\n${Array.from({ length: 3000 }, (_, i) => `${i},${i / 7},-${i}e-3`).join('\n')}\n`],
];

const encode = (text: string) => {
  // '\xff' in a case stands for a raw invalid byte, which a JS string cannot hold.
  const parts = text.split('\xff').map((part) => new TextEncoder().encode(part));
  const bytes: number[] = [];
  parts.forEach((part, i) => {
    if (i > 0) bytes.push(0xff);
    bytes.push(...part);
  });
  return new Uint8Array(bytes);
};

describe.each(cases)('%s %j', (name, text, options = {}) => {
  const bytes = encode(text);

  it('1-byte chunks give what one chunk gives', async () => {
    const whole = await outcomeOfChunks(name, [bytes], options);
    if (!text.includes('\xff')) expect(whole).toEqual(await outcomeOfText(name, text, options));
    const oneByteChunks = Array.from(bytes, (byte) => new Uint8Array([byte]));
    expect(await outcomeOfChunks(name, oneByteChunks, options)).toEqual(whole);
  });

  it('random chunkings give what one chunk gives', async () => {
    const whole = await outcomeOfChunks(name, [bytes], options);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: Math.max(1, bytes.length - 1) }), { maxLength: 40 }), async (cuts) => {
        expect(await outcomeOfChunks(name, splitAt(bytes, cuts), options)).toEqual(whole);
      }),
      { numRuns: name === 'big.csv' ? 20 : 100 },
    );
  });
});

describe('the expected outcomes of some chunked cases', () => {
  it('a bad byte becomes U+FFFD and is reported where it is', async () => {
    const outcome = await outcomeOfChunks('bad-utf8.csv', [encode('a,b\n1,\xff\n')]);
    expect(outcome).toEqual({ error: { name: 'InputError', message: "bad-utf8.csv:2:3: expected a number in field 2 'b', got '\uFFFD'; if this column is not logits, leave it out with --exclude-columns b" } });
  });

  it('records holding lists of rows: each row with its record and position, on its record\'s line', async () => {
    const [name, text] = cases.find(([caseName]) => caseName === 'nested.jsonl')!;
    const outcome = await outcomeOfChunks(name, splitAt(encode(text), [3, 17, 18, 40, 41, 42, 60]));
    expect(outcome).toEqual({
      info: { name, format: 'jsonl', columns: 2 },
      rows: [
        { index: 0, line: 1, values: ['1', '2'], label: { record: 0, position: 0 } },
        { index: 1, line: 1, values: ['3', '4'], label: { record: 0, position: 1 } },
        { index: 2, line: 2, values: ['5', '6'], label: { record: 1, position: 0 } },
        { index: 3, line: 3, values: ['7', '8'], label: { record: 2, position: 0 } },
        { index: 4, line: 3, values: ['9', '10'], label: { record: 2, position: 1 } },
        { index: 5, line: 3, values: ['11', '12'], label: { record: 2, position: 2 } },
      ],
    });
  });

  it('the other cases of records holding lists of rows, read whole (the tests above cut them anywhere)', async () => {
    const outcome = (name: string) => outcomeOfText(name, cases.find(([caseName]) => caseName === name)![1]);
    expect(await outcome('nested.json')).toEqual({
      info: { name: 'nested.json', format: 'json', columns: 2 },
      rows: [
        { index: 0, line: 2, values: ['1', '2'], label: { record: 0, position: 0 } },
        { index: 1, line: 3, values: ['3', '4'], label: { record: 0, position: 1 } },
        { index: 2, line: 4, values: ['5', '6'], label: { record: 1, position: 0 } },
      ],
    });
    const message = async (name: string) => ((await outcome(name)) as { error: { message: string } }).error.message;
    expect(await message('nested-ragged.jsonl')).toBe('nested-ragged.jsonl:2:17: record 1, position 1: row has 3 values, expected 2 (from line 1)');
    expect(await message('nested-mixed.jsonl')).toBe(
      'nested-mixed.jsonl:2:2: record 1 holds one row [...], but record 0 (line 1) holds a list of rows [[...], ...]; all records must hold the same',
    );
    expect(await message('nested-empty.jsonl')).toBe('nested-empty.jsonl:2:12: record 1 has an empty list of rows (a record needs at least one row)');
  });

  it('ids: every row with its record\'s id, read before or after the logits', async () => {
    const outcome = (name: string) => {
      const [, text, options] = cases.find(([caseName]) => caseName === name)!;
      return outcomeOfChunks(name, Array.from(encode(text), (byte) => new Uint8Array([byte])), options);
    };
    expect(await outcome('ids.jsonl')).toEqual({
      info: { name: 'ids.jsonl', format: 'jsonl', columns: 2 },
      rows: [
        { index: 0, line: 1, values: ['1', '2'], label: { id: 'déjà', record: 0, position: 0 } },
        { index: 1, line: 1, values: ['3', '4'], label: { id: 'déjà', record: 0, position: 1 } },
        { index: 2, line: 2, values: ['5', '6'], label: { id: '12345678901234567890', record: 1, position: 0 } },
      ],
    });
    expect(await outcome('ids.json')).toEqual({
      info: { name: 'ids.json', format: 'json', columns: 2 },
      rows: [
        { index: 0, line: 1, values: ['1', '2'], label: { id: 'a' } },
        { index: 1, line: 2, values: ['3', '4'], label: { id: 'b' } },
      ],
    });
    expect(await outcome('ids-missing.jsonl')).toEqual({
      error: { name: 'InputError', message: "ids-missing.jsonl:2:1: record 1 has no key 'id' (keys: logits, ID); choose the field with --id-key NAME" },
    });
  });

  it('the emoji case points after the emoji, counted as one character', async () => {
    const [name, text, options] = cases[2];
    expect(await outcomeOfText(name, text, options)).toEqual({
      error: { name: 'InputError', message: "emoji.csv:3:6: expected a number in field 3 'w', got 'x'; if this column is not logits, leave it out with --exclude-columns w" },
    });
  });
});
