// safetensors files: the fixtures written by make_fixtures.py decode to numpy's values; every
// damaged or refused file is an InputError at the byte at fault.

import { truncateSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exactRows, expectedRows, fixture, readTensor, safetensorsBytes, tempFile, tensorError } from './tensor-helpers.js';

// multi.safetensors: a 400-byte header, so the data starts at byte 408; its tensors' data
// offsets are logits_f16 [0, 24], logits_bf16 [24, 48], logits_f32 [48, 144],
// logits_f64 [144, 240], token_ids [240, 264].
const MULTI = fixture('multi.safetensors');

describe('fixtures decode to numpy values', () => {
  it.each([
    ['logits_f16', 'float16', [3, 4]],
    ['logits_bf16', 'bfloat16', [3, 4]],
    ['logits_f32', 'float32', [2, 3, 4]],
    ['logits_f64', 'float64', [3, 4]],
  ])('multi.safetensors --tensor %s', async (tensor, storedDtype, shape) => {
    const { info, rows } = await readTensor(MULTI, 'safetensors', { tensor });
    expect(exactRows(rows.map((row) => row.values))).toEqual(expectedRows(`multi.safetensors#${tensor}`));
    const columns = shape[shape.length - 1];
    expect(info).toEqual({ name: MULTI, format: 'safetensors', storedDtype, shape, tensor, rows: rows.length, columns });
    expect(rows.map((row) => [row.index, row.line])).toEqual(rows.map((_, index) => [index, 0]));
  });

  it('a file with one tensor needs no --tensor', async () => {
    const path = fixture('single.safetensors');
    const { info, rows } = await readTensor(path, 'safetensors');
    expect(exactRows(rows.map((row) => row.values))).toEqual(expectedRows('single.safetensors'));
    expect(info).toEqual({ name: path, format: 'safetensors', storedDtype: 'float32', shape: [2, 4], tensor: 'logits', rows: 2, columns: 4 });
  });
});

describe('choosing the tensor', () => {
  it('several tensors and no --tensor: an error listing them, sorted, with dtype and shape', async () => {
    expect(await tensorError(MULTI, 'safetensors')).toEqual({
      file: MULTI,
      problem:
        "holds 5 tensors; choose one with --tensor NAME: 'logits_bf16' (BF16 (3, 4)), 'logits_f16' (F16 (3, 4)), " +
        "'logits_f32' (F32 (2, 3, 4)), 'logits_f64' (F64 (3, 4)), 'token_ids' (I64 (3,))",
    });
  });

  it('at most 20 are listed', async () => {
    const header: Record<string, object> = {};
    for (let i = 24; i >= 0; i--) header[`t${String(i).padStart(2, '0')}`] = { dtype: 'F32', shape: [1], data_offsets: [0, 4] };
    const path = tempFile('many.safetensors', safetensorsBytes(header, new Uint8Array(4)));
    const { problem } = await tensorError(path, 'safetensors');
    expect(problem).toMatch(/^holds 25 tensors; choose one with --tensor NAME: 't00' \(F32 \(1,\)\), 't01' .*'t19' \(F32 \(1,\)\) and 5 more$/);
    expect(problem).not.toContain('t20');
  });

  it('--tensor naming no tensor', async () => {
    const path = fixture('single.safetensors');
    expect(await tensorError(path, 'safetensors', { tensor: 'logit' })).toEqual({
      file: path,
      problem: "has no tensor named 'logit'; it holds 'logits' (F32 (2, 4))",
    });
  });

  it.each(['__metadata__', 'toString', '__proto__'])('--tensor %s is not a tensor', async (tensor) => {
    const { problem } = await tensorError(MULTI, 'safetensors', { tensor });
    expect(problem).toContain(`has no tensor named '${tensor}'; it holds 'logits_bf16'`);
  });

  it('a header with no tensors', async () => {
    const path = tempFile('none.safetensors', safetensorsBytes({ __metadata__: { format: 'pt' } }));
    expect(await tensorError(path, 'safetensors')).toEqual({ file: path, problem: 'holds no tensors' });
  });

  it('a non-float tensor is refused at its data', async () => {
    expect(await tensorError(MULTI, 'safetensors', { tensor: 'token_ids' })).toEqual({
      file: MULTI,
      byteOffset: 648,
      problem: "tensor 'token_ids' has dtype I64; logits must be F16, BF16, F32 or F64",
    });
  });
});

describe('damaged files (committed fixtures)', () => {
  it('lying_offsets.safetensors: data_offsets [0, 40] for a (3, 4) F32 tensor', async () => {
    // 64-byte header: the data starts at byte 72.
    const path = fixture('lying_offsets.safetensors');
    expect(await tensorError(path, 'safetensors')).toEqual({
      file: path,
      byteOffset: 72,
      problem: "tensor 'logits': data_offsets [0, 40] hold 40 bytes, but shape (3, 4) of F32 needs 48",
    });
  });

  it('header_past_eof.safetensors: a header length of 1000 in a 49-byte file', async () => {
    const path = fixture('header_past_eof.safetensors');
    expect(await tensorError(path, 'safetensors')).toEqual({
      file: path,
      byteOffset: 49,
      problem: 'file ends at byte 49 but the header length (bytes 0-7) says the header runs to byte 1008 (truncated, or not a safetensors file?)',
    });
  });
});

describe('damaged and refused files (written here)', () => {
  const tensor = (dtype: string, shape: unknown, offsets: unknown) => ({ x: { dtype, shape, data_offsets: offsets } });
  const cases: Array<[string, Uint8Array, number, string]> = [
    ['shorter than the length field', Buffer.from('abc'), 3, 'file ends at byte 3, inside the 8-byte header length a safetensors file starts with'],
    ['an empty header', safetensorsBytes(''), 8, 'header is not valid JSON'],
    // {"x":1 "y":2} stops at the second key, character 7: byte 15.
    ['JSON with a missing comma', safetensorsBytes('{"x":1 "y":2}'), 15, 'header is not valid JSON'],
    // "é" is 2 bytes, so character 7 of {"é":1 "y":2} is byte 8 of the header: byte 16.
    ['JSON error after a two-byte character', safetensorsBytes('{"\u00e9":1 "y":2}'), 16, 'header is not valid JSON'],
    ['JSON cut short', safetensorsBytes('{"x":{"dtype":"F32"'), 27, 'header is not valid JSON'],
    ['header not UTF-8', safetensorsBytes(new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])), 8, 'header is not valid UTF-8'],
    ['header an array', safetensorsBytes('[1, 2]'), 8, 'header must be a JSON object, found an array'],
    ['__metadata__ a string', safetensorsBytes({ __metadata__: 'pt' }), 8, "'__metadata__' must be an object, found string \"pt\""],
    ['an entry not an object', safetensorsBytes({ x: [1, 2] }), 8, "tensor 'x' in the header: expected an object, found an array"],
    ['dtype missing', safetensorsBytes({ x: { shape: [1], data_offsets: [0, 4] } }), 8, "tensor 'x' in the header: 'dtype' must be a string, found nothing"],
    ['shape negative', safetensorsBytes(tensor('F32', [2, -1], [0, 4])), 8, "tensor 'x' in the header: 'shape' must be an array of non-negative integers, found [2,-1]"],
    ['shape fractional', safetensorsBytes(tensor('F32', [1.5], [0, 4])), 8, "'shape' must be an array of non-negative integers, found [1.5]"],
    ['data_offsets of three', safetensorsBytes(tensor('F32', [1], [0, 4, 8])), 8, "'data_offsets' must be [BEGIN, END], two non-negative integers, found [0,4,8]"],
    ['data_offsets beyond 2^53', safetensorsBytes('{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,18014398509481985]}}'), 8, "'data_offsets' must be [BEGIN, END]"],
    ['end before begin', safetensorsBytes(tensor('F32', [1], [8, 4]), new Uint8Array(8)), 8, "tensor 'x' in the header: 'data_offsets' [8, 4] end before they begin"],
    // Below, the data starts at byte 8 + the length of the JSON text, e.g. 8 + 54 for
    // {"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}; errors about a tensor's
    // dtype or shape point at its data, errors about its extent at the end of the file.
    ['data past the end of the file', safetensorsBytes(tensor('F32', [2], [0, 8]), new Uint8Array(4)), 66, "tensor 'x' in the header: 'data_offsets' [0, 8] run to byte 70 (the data starts at byte 62), but the file ends at byte 66; is it truncated?"],
    ['another tensor past the end', safetensorsBytes({ ...tensor('F32', [1], [0, 4]), y: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, new Uint8Array(4)), 119, "tensor 'y' in the header: 'data_offsets' [4, 8] run to byte 123"],
    ['a 0-d tensor', safetensorsBytes(tensor('F32', [], [0, 4]), new Uint8Array(4)), 61, "tensor 'x' is 0-dimensional (a single number); logits need at least one axis, the last being the classes"],
    ['a zero dimension', safetensorsBytes(tensor('F16', [0, 4], [0, 0])), 64, "no data rows: tensor 'x' has shape (0, 4), with no elements"],
    ['F8_E4M3', safetensorsBytes(tensor('F8_E4M3', [4], [0, 4]), new Uint8Array(4)), 66, "tensor 'x' has dtype F8_E4M3; logits must be F16, BF16, F32 or F64"],
    ['BOOL', safetensorsBytes(tensor('BOOL', [4], [0, 4]), new Uint8Array(4)), 63, "tensor 'x' has dtype BOOL"],
    ['more data than the shape needs', safetensorsBytes(tensor('F32', [1, 2], [0, 12]), new Uint8Array(12)), 65, "tensor 'x': data_offsets [0, 12] hold 12 bytes, but shape (1, 2) of F32 needs 8"],
  ];

  it.each(cases)('%s', async (label, bytes, byteOffset, problem) => {
    const path = tempFile(`broken-${label.replace(/\W+/g, '-')}.safetensors`, bytes);
    expect(await tensorError(path, 'safetensors')).toEqual({ file: path, byteOffset, problem: expect.stringContaining(problem) });
  });

  it('a header longer than the 100 MB safetensors allows (in a sparse file that long)', async () => {
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(150_000_000n);
    const path = tempFile('huge-header.safetensors', length);
    truncateSync(path, 150_000_100);
    expect(await tensorError(path, 'safetensors')).toEqual({
      file: path,
      byteOffset: 0,
      problem: 'header of 150000000 bytes is larger than the 100000000 bytes safetensors allows',
    });
  });

  it('header padding with spaces (as the safetensors writer does) and unknown metadata are fine', async () => {
    const header = JSON.stringify({ __metadata__: { format: 'pt' }, x: { dtype: 'F64', shape: [2], data_offsets: [0, 16] } }) + '        ';
    const path = tempFile('padded.safetensors', safetensorsBytes(header, new Uint8Array(new Float64Array([0.1, -2.5]).buffer)));
    expect(Array.from((await readTensor(path, 'safetensors')).rows[0].values)).toEqual([0.1, -2.5]);
  });

  it("tensors' data may be anywhere in the data region, in any order", async () => {
    const data = new Uint8Array(new Float32Array([9, 9, 1, 2, 3, 4]).buffer);
    const header = { b: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, a: { dtype: 'F32', shape: [2, 2], data_offsets: [8, 24] } };
    const path = tempFile('order.safetensors', safetensorsBytes(header, data));
    const { rows } = await readTensor(path, 'safetensors', { tensor: 'a' });
    expect(rows.map((row) => Array.from(row.values))).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });
});
