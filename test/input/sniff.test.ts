import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { readAllRows } from '../../src/input/open/open-rows.js';
import { DelimiterSniffer, formatFromName, sniffFormat, sniffTensorFormat } from '../../src/input/open/sniff.js';
import { expectInputError, infoOf } from './helpers.js';

describe('format from the file name', () => {
  it.each([
    ['a.csv', 'csv'],
    ['dir.v2/a.TSV', 'csv'],
    ['a.txt', 'csv'],
    ['a.json', 'json'],
    ['A.JSON', 'json'],
    ['a.jsonl', 'jsonl'],
    ['a.ndjson', 'jsonl'],
    ['a.dat', undefined],
    ['<stdin>', undefined],
    ['json', undefined],
  ])('%s -> %s', (name, format) => {
    expect(formatFromName(name)).toBe(format);
  });

  it('an explicit format wins over the extension', async () => {
    expect((await infoOf('[1,2]', { format: 'json' }, 'x.csv')).format).toBe('json');
    expect((await infoOf('[1,2]\n', { format: 'jsonl' }, 'x.json')).format).toBe('jsonl');
  });
});

describe('format from the first characters', () => {
  it('sniffFormat looks at the first character that is not whitespace', () => {
    expect(sniffFormat(' \r\n\t[')).toBe('json-family');
    expect(sniffFormat('{')).toBe('json-family');
    expect(sniffFormat('  1,2')).toBe('csv');
    expect(sniffFormat('"a"')).toBe('csv');
    expect(sniffFormat(' \n ')).toBeUndefined();
  });

  const sniffed = (text: string) => infoOf(text, {}, '<stdin>');

  it('one value is JSON, whether it holds one row or many', async () => {
    expect(await sniffed('[[1,2],[3,4]]')).toEqual({ name: '<stdin>', format: 'json', columns: 2 });
    expect((await sniffed('[1,2]')).format).toBe('json');
    expect((await sniffed('[1,2]\n\n')).format).toBe('json');
    expect((await sniffed('{"logits": [[1],[2]]}\n')).format).toBe('json');
    expect((await sniffed('[\n[1,2],\n[3,4]\n]\n')).format).toBe('json');
  });

  it('a one-line row followed by another line is JSON Lines', async () => {
    const { info, rows } = await readAllRows('<stdin>', '[1,2]\n{"logits": [3,4]}\n');
    expect(info).toEqual({ name: '<stdin>', format: 'jsonl', columns: 2 });
    expect(rows.map((row) => row.line)).toEqual([1, 2]);
  });

  it('JSON Lines rules apply once JSON Lines is recognised', async () => {
    await expectInputError('[1,2]\n\n[3,4]\n', { line: 2, column: 1 }, 'empty row', {}, '<stdin>');
    await expectInputError('\n[1,2]\n[3,4]\n', { line: 1, column: 1 }, 'empty row', {}, '<stdin>');
    await expectInputError('[1,2]\n[3]\n', { line: 2, column: 3 }, 'row has 1 value, expected 2', {}, '<stdin>');
  });

  it('what cannot be JSON Lines is one JSON document, and more after it is an error', async () => {
    // The first value spans lines, or holds several rows, or shares its line with the next one.
    await expectInputError('[\n1,2]\n[3,4]\n', { line: 3, column: 1 }, "unexpected '[' after the end of the JSON document", {}, '<stdin>');
    await expectInputError(
      '[[1,2]]\n[[3,4]]\n',
      { line: 2, column: 1 },
      "unexpected '[' after the end of the JSON document (if this is JSON Lines, use --input-format jsonl: a sniffed input is taken for JSON Lines only when its first line holds one row)",
      {},
      '<stdin>',
    );
    // A first value holding several rows is taken for a JSON document at once (so that one written
    // on one line streams), whose rows need no record: JSON Lines of such records need the flag.
    const { info, rows } = await readAllRows('<stdin>', '{"logits": [[1,2], [3,4]]}\n');
    expect([info.format, rows.map((row) => row.label)]).toEqual(['json', [undefined, undefined]]);
    await expectInputError('{"logits": [[1,2]]}\n{"logits": [[3,4]]}\n', { line: 2, column: 1 }, "unexpected '{' after the end of the JSON document (if this is JSON Lines", {}, '<stdin>');
    await expectInputError('[1,2] [3,4]\n', { line: 1, column: 7 }, "unexpected '[' after the end of the JSON document", {}, '<stdin>');
  });

  it('anything else is CSV', async () => {
    expect(await sniffed('  1;2\n3;4\n')).toEqual({ name: '<stdin>', format: 'csv', delimiter: ';', columns: 2 });
  });

  it('an empty input of unknown format has no data rows', async () => {
    await expectInputError(' \n', { line: 2, column: 1 }, 'no data rows', {}, '<stdin>');
  });

  it('a byte order mark before JSON', async () => {
    expect((await sniffed('\uFEFF[1,2]')).format).toBe('json');
  });

  it('a UTF-16 byte order mark is refused at byte 0', async () => {
    const utf16 = new Uint8Array([0xff, 0xfe, 0x31, 0x00, 0x0a, 0x00]);
    const error = await readAllRows('x.csv', utf16).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toBe('x.csv: byte 0: the input is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8');
  });
});

describe('CSV delimiter sniffing', () => {
  const sniff = (text: string) => {
    const sniffer = new DelimiterSniffer();
    sniffer.push(text);
    return sniffer.delimiter();
  };

  it.each([
    ['a,b\n1,2\n', ','],
    ['a;b;c\n1;2;3\n', ';'],
    ['a\tb\n1\t2\n', '\t'],
    ['"x,y";"z"\n1;2\n', ';'], // commas inside quotes do not count
    ['"x\ny,z";"w"\n1;2\n', ';'], // nor inside a quoted line break
    ['1.5\n2.5\n', ','], // one column: none occurs
    ['', ','],
    ['a,b;c\n1,2;3\n', ','], // both consistent, same count: ',' first
    ['a;b;c,d\n1;2;3,4\n', ';'], // both consistent: the more frequent
    ['a,b\n1;2;3\n', ','], // none consistent: the most frequent in the first record
    ['\ta ,b\t\n\t1 ,2\t\n', ','], // tabs padding the line ends are not separators
    ['a;b\n\n1;2\n', ';'], // blank lines are not records
    ['a;b', ';'], // an incomplete only record still counts
  ])('%j -> %j', (text, delimiter) => {
    expect(sniff(text)).toBe(delimiter);
  });

  it('is done after 10 records', () => {
    const sniffer = new DelimiterSniffer();
    sniffer.push('1;2\n'.repeat(9));
    expect(sniffer.done()).toBe(false);
    sniffer.push('1;2\n');
    expect(sniffer.done()).toBe(true);
  });

  it('gives the same answer whatever the chunking', () => {
    const text = '"a;b",c\r\n"1",2\r\n3,"4;5"\r\n';
    const sniffer = new DelimiterSniffer();
    for (const char of text) sniffer.push(char);
    expect(sniffer.delimiter()).toBe(sniff(text));
    expect(sniffer.delimiter()).toBe(',');
  });
});

describe('a binary tensor from its first bytes', () => {
  const bytes = (...parts: Array<string | number[]>) =>
    Uint8Array.from(parts.flatMap((part) => (typeof part === 'string' ? [...Buffer.from(part, 'latin1')] : part)));
  // A safetensors file starts with its header length, 8 bytes little-endian, then the header's '{'.
  const lengthBytes = (length: number) => [...Buffer.from(new BigUint64Array([BigInt(length)]).buffer)];

  it.each([
    ['.npy magic', bytes([0x93], 'NUMPY', [1, 0], 'v'), 'npy'],
    ['.npy magic alone (a file cut after it)', bytes([0x93], 'NUMPY'), 'npy'],
    ['safetensors, a 2-byte header {}', bytes(lengthBytes(2), '{'), 'safetensors'],
    ['safetensors, a 100 MB header (the library\'s limit)', bytes(lengthBytes(100_000_000), '{'), 'safetensors'],
    ['a header length over the limit', bytes(lengthBytes(100_000_001), '{'), undefined],
    ['a header length of 1', bytes(lengthBytes(1), '{'), undefined],
    ['no { after the length', bytes(lengthBytes(64), '['), undefined],
    ['CSV', bytes('1.5,2,3\n4,5,6\n'), undefined],
    ['CSV with a UTF-8 BOM', bytes([0xef, 0xbb, 0xbf], '1,2,3\n'), undefined],
    ['CSV whose ninth byte is {', bytes('a,b,c,d,{\n'), undefined],
    ['JSON', bytes('[[1, 2], [3, 4]]'), undefined],
    ['a short text', bytes('1\n'), undefined],
    ['nothing', bytes(), undefined],
    ['"NUMPY" without its first byte', bytes('NUMPY,1\n'), undefined],
    ['a zip archive (.npz): a local file header first', bytes('PK', [3, 4, 0x2d, 0]), 'npz'],
    ['an empty zip archive: its end record first', bytes('PK', [5, 6, 0, 0]), 'npz'],
    ['"PK" then text', bytes('PK,1\n'), undefined],
  ])('%s', (_, head, format) => {
    expect(sniffTensorFormat(head)).toBe(format);
  });

  it('reads the length from a view into a larger buffer', () => {
    const buffer = bytes('xxxx', lengthBytes(2), '{');
    expect(sniffTensorFormat(buffer.subarray(4))).toBe('safetensors');
  });
});
