// .npy files: numpy's own files decode to numpy's own values; every refused or broken file is an
// InputError at the byte at fault.

import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { openTensorRows } from '../../src/input/tensor/tensor-rows.js';
import {
  EXPECTED,
  exactRows,
  expectedRows,
  fixture,
  npyBytes,
  npyHeader,
  readTensor,
  tempFile,
  tensorError,
} from './tensor-helpers.js';

const npyFixtures = Object.keys(EXPECTED).filter((key) => key.endsWith('.npy'));

/** Float32 little-endian bytes of `values`. */
const f32 = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);

describe('numpy-written fixtures decode to numpy values', () => {
  it.each(npyFixtures)('%s', async (name) => {
    const { info, rows } = await readTensor(fixture(name), 'npy');
    const want = EXPECTED[name];
    expect(exactRows(rows.map((row) => row.values))).toEqual(expectedRows(name));
    expect(info).toEqual({
      name: fixture(name),
      format: 'npy',
      storedDtype: want.storedDtype,
      shape: want.shape,
      rows: want.rows.length,
      columns: want.shape[want.shape.length - 1],
    });
    expect(rows.map((row) => [row.index, row.line])).toEqual(want.rows.map((_, index) => [index, 0]));
  });

  it('the fixture list covers every dtype, byte order, version and layout asked for', () => {
    expect(npyFixtures).toEqual(
      expect.arrayContaining([
        'f2_le_3x4.npy', 'f2_be_3x4.npy', 'f4_le_3x4.npy', 'f4_be_3x4.npy', 'f8_le_3x4.npy', 'f8_be_3x4.npy',
        'f2_le_2x3x4.npy', 'f8_be_2x3x4.npy', 'fortran_f4_5x3.npy', 'fortran_f8_be_2x3x4.npy',
        'version1_f4_2x3.npy', 'version2_f4_2x3.npy', 'version3_f4_2x3.npy', 'f4_1d.npy',
      ]),
    );
  });

  it('a 1-D array is one row', async () => {
    const { info, rows } = await readTensor(fixture('f4_1d.npy'), 'npy');
    expect(info).toMatchObject({ shape: [5], rows: 1, columns: 5 });
    expect(Array.from(rows[0].values)).toEqual([3, -1, 0.25, 100, -0.5]);
  });

  it('Fortran order (5, 3): rows come out as numpy.reshape(-1, 3) gives them', async () => {
    const { rows } = await readTensor(fixture('fortran_f4_5x3.npy'), 'npy');
    // (arange(15).reshape(5, 3) - 7) * 0.25, by hand.
    expect(rows.map((row) => Array.from(row.values))).toEqual([
      [-1.75, -1.5, -1.25],
      [-1, -0.75, -0.5],
      [-0.25, 0, 0.25],
      [0.5, 0.75, 1],
      [1.25, 1.5, 1.75],
    ]);
  });

  it('info() is valid right after open, before any row is read', async () => {
    const stream = await openTensorRows(fixture('f2_be_2x3x4.npy'), 'npy', {});
    expect(stream.info()).toEqual({ name: fixture('f2_be_2x3x4.npy'), format: 'npy', storedDtype: 'float16', shape: [2, 3, 4], rows: 6, columns: 4 });
  });

  it('--tensor is ignored for .npy (one option may serve .npy and safetensors inputs alike)', async () => {
    const { info } = await readTensor(fixture('f4_le_3x4.npy'), 'npy', { tensor: 'logits' });
    expect(info.tensor).toBeUndefined();
  });
});

describe('headers other writers produce', () => {
  const data = f32([1, 2, 3, 4, 5, 6]);
  it.each([
    ['double quotes', `{"descr": "<f4", "fortran_order": False, "shape": (2, 3)}`],
    ['Python 2 longs', `{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 3L), }`],
    ["'=f4' (native order)", `{'descr': '=f4', 'fortran_order': False, 'shape': (2, 3), }`],
    ["'f4' without an order", `{'descr': 'f4', 'fortran_order': False, 'shape': (2, 3), }`],
    ['keys in another order, an extra key, no trailing comma', `{'shape': (2, 3), 'extra': None, 'fortran_order': False, 'descr': '<f4'}`],
    ['u strings and newlines between tokens', `{u'descr':\n u'<f4',\n u'fortran_order': False,\n u'shape': (2,\n 3)}`],
  ])('%s', async (label, header) => {
    const path = tempFile(`other-${label.replace(/\W+/g, '-')}.npy`, npyBytes(header, data));
    const { rows } = await readTensor(path, 'npy');
    expect(rows.map((row) => Array.from(row.values))).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });
});

describe('refused dtypes and shapes (committed fixtures)', () => {
  // numpy's header starts at byte 10: "{'descr': " is 10 characters, so the descr value is at
  // byte 20 and, after "'<f4', 'fortran_order': False, 'shape': ", the shape at byte 60.
  it.each([
    ['i4_2x2.npy', 20, "dtype '<i4' is not a floating-point dtype; logits must be float16, float32 or float64"],
    ['object.npy', 20, "object arrays are not supported (dtype '|O'); save the logits as a float array"],
    ['void2_bfloat16_like.npy', 20, "dtype '|V2' is raw 2-byte data, which is how bfloat16 arrays (ml_dtypes) are saved: .npy cannot name bfloat16. Save them as safetensors (dtype BF16), or as float32 with arr.astype(np.float32)"],
    ['scalar_f4.npy', 60, 'the array is 0-dimensional (a single number); logits need at least one axis, the last being the classes'],
    ['empty_0x4.npy', 60, 'no data rows: the array has shape (0, 4), with no elements'],
  ])('%s: byte %i', async (name, byteOffset, problem) => {
    expect(await tensorError(fixture(name), 'npy')).toEqual({ file: fixture(name), byteOffset, problem });
  });

  it('truncated_f4_10x100.npy: a (10, 100) float32 array cut 1000 bytes into its 4000 bytes of data', async () => {
    const path = fixture('truncated_f4_10x100.npy');
    expect(await tensorError(path, 'npy')).toEqual({
      file: path,
      byteOffset: 1128,
      problem: 'file ends at byte 1128 but the header promises 4000 bytes of data from byte 128 to byte 4128 (shape (10, 100), float32); is the file truncated?',
    });
  });

  it('the error is thrown by open, before any row', async () => {
    await expect(openTensorRows(fixture('truncated_f4_10x100.npy'), 'npy', {})).rejects.toBeInstanceOf(InputError);
  });
});

describe('broken and refused files (written here)', () => {
  const header34 = npyHeader('<f4', [3, 4]);
  const good = npyBytes(header34, f32(Array.from({ length: 12 }, (_, i) => i)));

  const cases: Array<[string, Uint8Array, number, string]> = [
    ['empty file', new Uint8Array(0), 0, 'file ends at byte 0, inside the 10-byte .npy preamble'],
    ['not a .npy file', Buffer.from('1,2,3\n4,5,6\n'), 0, 'not a .npy file: it does not start with "\\x93NUMPY"'],
    ['magic wrong at byte 3', Buffer.from('\x93NUXPY\x01\x00', 'latin1'), 3, 'not a .npy file'],
    ['cut inside the preamble', good.subarray(0, 8), 8, 'file ends at byte 8, inside the 10-byte .npy preamble'],
    ['version 4.0', Buffer.concat([Buffer.from('\x93NUMPY\x04\x00', 'latin1'), good.subarray(8)]), 6, '.npy format version 4.0 is not supported (logitcheck reads 1.0, 2.0 and 3.0)'],
    ['version 1.1', Buffer.concat([Buffer.from('\x93NUMPY\x01\x01', 'latin1'), good.subarray(8)]), 6, '.npy format version 1.1 is not supported'],
    ['cut inside the header', good.subarray(0, 40), 40, 'file ends at byte 40 but the header length field (bytes 8-9) says the header runs to byte 128'],
    ['v2 cut inside the length field', npyBytes(header34, new Uint8Array(0), 2).subarray(0, 11), 11, 'file ends at byte 11, inside the header length field (bytes 8-11)'],
    // 10 + 48 bytes of data; 1 byte more than the header promises.
    ['a byte after the data', Buffer.concat([good, Buffer.from([0])]), 176, '1 byte follows the array\'s data (shape (3, 4), float32, bytes 128 to 176); logitcheck reads one array per .npy file (several np.save calls to one file?)'],
    ['truncated data', good.subarray(0, 170), 170, 'file ends at byte 170 but the header promises 48 bytes of data from byte 128 to byte 176 (shape (3, 4), float32)'],
    // "{'descr': '<f4', 'fortran_order': " is 34 characters: the value is at byte 44.
    ['fortran_order not a bool', npyBytes(`{'descr': '<f4', 'fortran_order': 0, 'shape': (3, 4), }`, f32(new Array(12).fill(0))), 44, "'fortran_order' must be True or False, found the integer 0"],
    ['shape a list', npyBytes(`{'descr': '<f4', 'fortran_order': False, 'shape': [3, 4], }`, f32(new Array(12).fill(0))), 60, "'shape' must be a tuple of integers, found a list"],
    ['negative dimension', npyBytes(`{'descr': '<f4', 'fortran_order': False, 'shape': (3, -4), }`, new Uint8Array(0)), 64, "'shape' must be a tuple of non-negative integers, found the integer -4 in it"],
    ['a zero dimension among others', npyBytes(`{'descr': '<f4', 'fortran_order': False, 'shape': (2, 0, 4), }`, new Uint8Array(0)), 60, 'no data rows: the array has shape (2, 0, 4), with no elements'],
    ['zero classes', npyBytes(`{'descr': '<f4', 'fortran_order': False, 'shape': (3, 0), }`, new Uint8Array(0)), 60, 'no data rows: the array has shape (3, 0), with no elements'],
    ['a row too long to hold', npyBytes(npyHeader('<f4', [2 ** 28]), new Uint8Array(0)), 60, 'rows of 268435456 logits (shape (268435456,)) are longer than the 134217728 logits a row may have; is the class axis the last one?'],
    ['more elements than 2^53', npyBytes(`{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776, 1048576), }`, new Uint8Array(0)), 60, 'shape (1099511627776, 1048576) has more elements than any file can hold'],
    ['missing shape', npyBytes(`{'descr': '<f4', 'fortran_order': False}`, new Uint8Array(0)), 10, "header has no 'shape' key"],
    ['header a tuple', npyBytes(`('<f4', False, (3, 4))`, new Uint8Array(0)), 10, 'header must be a dict, found a tuple'],
    ['header syntax', npyBytes(`{'descr': '<f4', 'fortran_order': Flase, 'shape': (3, 4), }`, new Uint8Array(0)), 44, "header is not a valid Python literal: unexpected name 'Flase'"],
    ['structured dtype', npyBytes(`{'descr': [('a', '<f4'), ('b', '<f4')], 'fortran_order': False, 'shape': (3,), }`, new Uint8Array(24)), 20, 'structured arrays (record dtypes with named fields) are not supported; logits must be float16, float32 or float64'],
    ['complex', npyBytes(npyHeader('<c8', [3, 4]), new Uint8Array(96)), 20, "dtype '<c8' is not a floating-point dtype"],
    ['big-endian int64', npyBytes(npyHeader('>i8', [3, 4]), new Uint8Array(96)), 20, "dtype '>i8' is not a floating-point dtype"],
    ['bool', npyBytes(npyHeader('|b1', [3, 4]), new Uint8Array(12)), 20, "dtype '|b1' is not a floating-point dtype"],
    ['long double', npyBytes(npyHeader('<f16', [3, 4]), new Uint8Array(192)), 20, "dtype '<f16' is a long double, which is not supported; logits must be float16, float32 or float64"],
    ['void of 8 bytes', npyBytes(npyHeader('|V8', [3, 4]), new Uint8Array(96)), 20, "dtype '|V8' is raw (void) data, not floats"],
    ['descr not a string', npyBytes(`{'descr': 4, 'fortran_order': False, 'shape': (3, 4), }`, new Uint8Array(0)), 20, "'descr' must be a dtype string such as '<f4', found the integer 4"],
  ];

  it.each(cases)('%s', async (label, bytes, byteOffset, problem) => {
    const path = tempFile(`broken-${label.replace(/\W+/g, '-')}.npy`, bytes);
    expect(await tensorError(path, 'npy')).toEqual({ file: path, byteOffset, problem: expect.stringContaining(problem) });
  });

  it('version 3.0: a UTF-8 header, and offsets in bytes, not characters', async () => {
    const prefix = "{'note': 'caf\u00e9 \u2014 \u03bb', 'descr': ";
    const path = tempFile('v3-utf8.npy', npyBytes(`${prefix}'<i2', 'fortran_order': False, 'shape': (3,), }`, new Uint8Array(6), 3));
    // 12-byte preamble, then the prefix: 30 characters, 34 bytes (é 2 bytes, — 3, λ 2).
    expect([prefix.length, Buffer.byteLength(prefix)]).toEqual([30, 34]);
    expect(await tensorError(path, 'npy')).toEqual({ file: path, byteOffset: 46, problem: expect.stringContaining("dtype '<i2' is not") });
  });

  it('version 3.0 with a header that is not UTF-8', async () => {
    const bytes = Buffer.from(npyBytes(npyHeader('<f4', [1]), f32([1]), 3));
    bytes[14] = 0xff; // inside 'descr'
    const path = tempFile('v3-bad-utf8.npy', bytes);
    expect(await tensorError(path, 'npy')).toEqual({ file: path, byteOffset: 12, problem: 'header of a version 3.0 .npy file is not valid UTF-8' });
  });

  it('version 1.0 headers are latin-1: a byte 0xe9 is é, not an error', async () => {
    const path = tempFile('v1-latin1.npy', npyBytes(`{'note': 'caf\u00e9', 'descr': '<f4', 'fortran_order': False, 'shape': (1,), }`, f32([7])));
    expect(Array.from((await readTensor(path, 'npy')).rows[0].values)).toEqual([7]);
  });
});

describe('unreadable files', () => {
  it('no such file', async () => {
    const path = fixture('does-not-exist.npy');
    expect(await tensorError(path, 'npy')).toEqual({ file: path, problem: 'no such file' });
  });

  it('a directory', async () => {
    const path = fixture('');
    expect(await tensorError(path, 'npy')).toEqual({ file: path, problem: 'is a directory, not a file' });
  });

  it('a named pipe is refused without waiting for a writer', async () => {
    const path = tempFile('placeholder', '') + '-fifo';
    execFileSync('mkfifo', [path]);
    expect(await tensorError(path, 'npy')).toEqual({
      file: path,
      problem: 'is not a regular file: .npy, .npz and safetensors inputs are read at offsets, so save the data to a file first',
    });
  });

  // Permission denied: for every error code in test/errors.test.ts, and for real (root reads
  // files whatever their mode) as an unprivileged user in test/e2e/permissions.test.ts.
});
