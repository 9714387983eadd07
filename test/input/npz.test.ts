// .npz archives: each array numpy put in one reads exactly as the .npy it was saved from (stored
// in place, deflated as it is inflated, or inflated to a temporary file for Fortran order);
// choosing an array; every refused or broken archive is an InputError at the byte at fault.

import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatPosition } from '../../src/errors.js';
import { openTensorRows, type ReadLimits } from '../../src/input/tensor/tensor-rows.js';
import { scratchDir } from '../support/scratch.js';
import {
  centralDirectoryStart,
  EXPECTED,
  exactRows,
  expectedRows,
  fixture,
  npyBytes,
  npyHeader,
  readTensor,
  tempFile,
  tensorError,
  zipBytes,
} from './tensor-helpers.js';

interface DescribedArray {
  method: 'stored' | 'deflated';
  fortranOrder: boolean;
  /** The .npy fixture the array was loaded from, when it is one. */
  npy?: string;
  descr?: string;
  shape?: number[];
  values?: number[];
}

/** What make_npz.py put in each archive (fixtures/tensors/npz.json). */
const ARCHIVES: Record<string, { arrays: Record<string, DescribedArray> }> = JSON.parse(readFileSync(fixture('npz.json'), 'utf8')).fixtures;

const fromNpy = Object.entries(ARCHIVES).flatMap(([archive, { arrays }]) =>
  Object.entries(arrays)
    .filter(([, array]) => array.npy !== undefined)
    .map(([key, array]) => ({ archive, key, npy: array.npy!, method: array.method, fortranOrder: array.fortranOrder })),
);

/** Small reads, so a deflated member is read across many inflated chunks and reads. */
const TINY: ReadLimits = { chunkBytes: 8, fortranBlockLogits: 4, gapBytes: 0 };

const f32 = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);

describe('numpy\'s archives read as the .npy files their arrays were saved from', () => {
  it.each(fromNpy)('$archive --tensor $key ($method, fortran $fortranOrder): rows of $npy', async ({ archive, key, npy }) => {
    const fromArchive = await readTensor(fixture(archive), 'npz', { tensor: key });
    const fromFile = await readTensor(fixture(npy), 'npy');
    expect(exactRows(fromArchive.rows.map((row) => row.values))).toEqual(expectedRows(npy));
    expect(exactRows(fromArchive.rows.map((row) => row.values))).toEqual(exactRows(fromFile.rows.map((row) => row.values)));
    expect(fromArchive.rows.map((row) => [row.index, row.line])).toEqual(fromFile.rows.map((row) => [row.index, row.line]));
    expect(fromArchive.info).toEqual({ ...fromFile.info, name: fixture(archive), format: 'npz', tensor: key });
    expect(fromArchive.info).toMatchObject({ storedDtype: EXPECTED[npy].storedDtype, shape: EXPECTED[npy].shape });
  });

  it.each(fromNpy)('$archive --tensor $key, read a few bytes at a time', async ({ archive, key, npy }) => {
    const { rows } = await readTensor(fixture(archive), 'npz', { tensor: key }, TINY);
    expect(exactRows(rows.map((row) => row.values))).toEqual(expectedRows(npy));
  });

  it('the fixtures cover stored and deflated, C and Fortran order, float16/32/64, zip64, data descriptors', () => {
    const covered = new Set(fromNpy.map(({ method, fortranOrder }) => `${method} ${fortranOrder ? 'F' : 'C'}`));
    expect([...covered].sort()).toEqual(['deflated C', 'deflated F', 'stored C', 'stored F']);
    expect(new Set(fromNpy.map(({ npy }) => EXPECTED[npy].storedDtype))).toEqual(new Set(['float16', 'float32', 'float64']));
    expect(fromNpy.map(({ archive }) => archive)).toEqual(expect.arrayContaining(['zip64.npz', 'piped.npz']));
  });

  it.each([
    ['fortran_stored.npz', 'arr_0', 'fortran_f4_5x3.npy'],
    ['one_compressed.npz', 'arr_0', 'f2_le_2x3x4.npy'],
    ['piped.npz', 'logits', 'f8_le_3x4.npy'],
  ])('%s holds one array: it is read without --tensor', async (archive, key, npy) => {
    const { info, rows } = await readTensor(fixture(archive), 'npz');
    expect(info.tensor).toBe(key);
    expect(exactRows(rows.map((row) => row.values))).toEqual(expectedRows(npy));
  });

  it('--tensor takes NAME or NAME.npy', async () => {
    const byKey = await readTensor(fixture('compressed.npz'), 'npz', { tensor: 'half' });
    const byMember = await readTensor(fixture('compressed.npz'), 'npz', { tensor: 'half.npy' });
    expect(byMember.info).toEqual(byKey.info);
    expect(exactRows(byMember.rows.map((row) => row.values))).toEqual(expectedRows('f2_patterns_8x16.npy'));
  });
});

describe('choosing the array', () => {
  it('several arrays and no --tensor: an error listing them in archive order, with dtype and shape', async () => {
    expect(await tensorError(fixture('logits_labels.npz'), 'npz')).toEqual({
      file: fixture('logits_labels.npz'),
      problem: "holds 2 arrays; choose one with --tensor NAME: 'logits' (float32 (3, 4)), 'labels' (int64 (3,))",
    });
    expect((await tensorError(fixture('compressed.npz'), 'npz')).problem).toBe(
      "holds 4 arrays; choose one with --tensor NAME: 'logits' (float32 (2, 3, 4)), 'fortran' (float64 (2, 3, 4)), " +
        "'half' (float16 (8, 16)), 'labels' (int64 (3,))",
    );
  });

  it('an unknown --tensor: an error listing the arrays', async () => {
    expect((await tensorError(fixture('logits_labels.npz'), 'npz', { tensor: 'logit' })).problem).toBe(
      "has no array named 'logit'; it holds 'logits' (float32 (3, 4)), 'labels' (int64 (3,))",
    );
  });

  it.each(['logits_labels.npz', 'compressed.npz', 'zip64.npz'])('%s: int64 labels get the .npy dtype error, naming the member', async (archive) => {
    // Byte 20 of labels.npy: where its header's descr is (numpy's own header, as in i4_2x2.npy).
    const error = await tensorError(fixture(archive), 'npz', { tensor: 'labels' });
    expect(error).toEqual({
      file: fixture(archive),
      member: 'labels.npy',
      byteOffset: 20,
      problem: "dtype '<i8' is not a floating-point dtype; logits must be float16, float32 or float64",
    });
    expect(formatPosition(error)).toBe(`${fixture(archive)}, member labels.npy: byte 20`);
    expect(ARCHIVES[archive].arrays.labels).toMatchObject({ descr: '<i8', shape: [3], values: [0, 3, 1] });
  });

  it('an archive with no arrays', async () => {
    expect((await tensorError(fixture('empty.npz'), 'npz')).problem).toBe('holds no arrays (the archive is empty)');
  });

  it('a member named .npy that is not one: the .npy error inside the member; a member not named .npy is not an array', async () => {
    expect(await tensorError(fixture('not_npy.npz'), 'npz')).toEqual({
      file: fixture('not_npy.npz'),
      member: 'logits.npy',
      byteOffset: 0,
      problem: 'not a .npy file: it does not start with "\\x93NUMPY"',
    });
    // notes.txt's local header follows logits.npy's: 30 bytes, the 10-byte name, 12 bytes of data.
    expect(await tensorError(fixture('not_npy.npz'), 'npz', { tensor: 'notes.txt' })).toEqual({
      file: fixture('not_npy.npz'),
      byteOffset: 52,
      problem: "member 'notes.txt' is not a .npy array (only NAME.npy members are arrays)",
    });
    const onlyText = tempFile('only-text.npz', zipBytes([{ name: 'notes.txt', data: Buffer.from('hi\n') }]));
    expect((await tensorError(onlyText, 'npz')).problem).toBe("holds no arrays (no NAME.npy members); its members are 'notes.txt'");
  });

  it('of two members with one name, the last is read, as np.load reads it', async () => {
    const first = npyBytes(npyHeader('<f4', [1, 2]), f32([1, 2]));
    const last = npyBytes(npyHeader('<f4', [1, 3]), f32([3, 4, 5]));
    const path = tempFile('twice.npz', zipBytes([{ name: 'x.npy', data: first }, { name: 'x.npy', data: last, deflate: true }]));
    const { info, rows } = await readTensor(path, 'npz');
    expect(info).toMatchObject({ tensor: 'x', shape: [1, 3] });
    expect(Array.from(rows[0].values)).toEqual([3, 4, 5]);
  });
});

describe('refused and broken archives: an InputError at the byte at fault', () => {
  const directoryOf = (archive: string) => centralDirectoryStart(readFileSync(fixture(archive)));

  it('truncated: no end record, at the byte where the file ends', async () => {
    const size = readFileSync(fixture('truncated.npz')).length;
    expect(await tensorError(fixture('truncated.npz'), 'npz')).toEqual({
      file: fixture('truncated.npz'),
      byteOffset: size,
      problem: `the file ends at byte ${size} without the end-of-central-directory record that ends a zip archive; is it truncated?`,
    });
  });

  it('not a zip archive at all (--input-format npz on a .npy)', async () => {
    const error = await tensorError(fixture('f4_le_3x4.npy'), 'npz');
    expect(error.problem).toBe('not a .npz (zip) archive: it has no end-of-central-directory record');
  });

  it('encrypted: at the flags of its central directory header', async () => {
    const error = await tensorError(fixture('encrypted.npz'), 'npz', { tensor: 'logits' });
    expect(error).toEqual({ file: fixture('encrypted.npz'), byteOffset: directoryOf('encrypted.npz') + 8, problem: "member 'logits.npy' is encrypted, which is not supported" });
  });

  it('compressed with bzip2: at the method of its central directory header', async () => {
    const error = await tensorError(fixture('bzip2.npz'), 'npz');
    expect(error).toEqual({
      file: fixture('bzip2.npz'),
      byteOffset: directoryOf('bzip2.npz') + 10,
      problem:
        "member 'logits.npy' is compressed with bzip2 (method 12); logitcheck reads stored and deflated members, which np.savez and np.savez_compressed write",
    });
  });

  it('a CRC-32 the inflated bytes do not have: at the member\'s data, with both values', async () => {
    // make_npz.py flipped bit 0 of the CRC-32 zipfile wrote. The data starts after the 30-byte
    // local header, the 9-byte name arr_0.npy and numpy's 20-byte zip64 extra field: byte 59.
    const error = await tensorError(fixture('bad_crc.npz'), 'npz');
    const match = /^member 'arr_0\.npy' \(deflated data from byte 59\): its inflated bytes have CRC-32 0x([0-9a-f]{8}), but the central directory \(byte (\d+)\) says 0x([0-9a-f]{8}); the archive is damaged$/.exec(error.problem);
    expect(match).not.toBeNull();
    const [, actual, at, said] = match!;
    expect(Number.parseInt(said, 16)).toBe((Number.parseInt(actual, 16) ^ 1) >>> 0);
    expect(Number(at)).toBe(directoryOf('bad_crc.npz'));
    expect(error.byteOffset).toBe(59);
  });

  /** An archive of one stored and one deflated .npy (1 x 4 float32), and the offsets a test patches. */
  function twoMembers() {
    const data = npyBytes(npyHeader('<f4', [1, 4]), f32([1, 2, 3, 4]));
    const zip = zipBytes([{ name: 'a.npy', data }, { name: 'b.npy', data, deflate: true }]);
    const secondLocal = 30 + 'a.npy'.length + data.length;
    return { zip, data, secondLocal, secondData: secondLocal + 30 + 'b.npy'.length, directory: centralDirectoryStart(zip) };
  }

  it('the archive tests patch reads as it is', async () => {
    const { zip } = twoMembers();
    for (const tensor of ['a', 'b']) {
      const { rows } = await readTensor(tempFile('two.npz', zip), 'npz', { tensor });
      expect(Array.from(rows[0].values)).toEqual([1, 2, 3, 4]);
    }
  });

  it.each([
    [
      'a central directory header without its signature',
      (zip: Buffer, at: { directory: number }) => zip.writeUInt32LE(0, at.directory),
      'a',
      (at: { directory: number }) => at.directory,
      'expected central directory header 1 of 2 (PK\\1\\2) here',
    ],
    [
      'a local header without its signature',
      (zip: Buffer, at: { secondLocal: number }) => zip.writeUInt32LE(0, at.secondLocal),
      'b',
      (at: { secondLocal: number; directory: number }) => at.secondLocal,
      // DIR: b.npy's central directory header, after a.npy's (46 bytes and its 5-byte name).
      "member 'b.npy': expected its local header (PK\\3\\4) here, where the central directory (byte DIR) says it is",
    ],
    [
      'a local header naming another member',
      (zip: Buffer, at: { secondLocal: number }) => zip.write('c', at.secondLocal + 30),
      'b',
      (at: { secondLocal: number }) => at.secondLocal + 30,
      "member 'b.npy': its local header names it 'c.npy'",
    ],
    [
      'a local header whose CRC-32 differs from the central directory\'s',
      (zip: Buffer, at: { secondLocal: number }) => zip.writeUInt32LE((zip.readUInt32LE(at.secondLocal + 14) ^ 0x100) >>> 0, at.secondLocal + 14),
      'b',
      (at: { secondLocal: number }) => at.secondLocal + 14,
      /^member 'b\.npy': its local header says CRC-32 0x[0-9a-f]{8}, the central directory 0x[0-9a-f]{8}$/,
    ],
    [
      'deflated data that is not a deflate stream (block type 3)',
      (zip: Buffer, at: { secondData: number }) => zip.writeUInt8(0xff, at.secondData),
      'b',
      (at: { secondData: number }) => at.secondData,
      /^member 'b\.npy' \(deflated data from byte \d+\): its deflated data is damaged \(zlib: invalid block type\)$/,
    ],
    [
      'an end record counting more members than the directory holds',
      (zip: Buffer) => (zip.writeUInt16LE(3, zip.length - 14), zip.writeUInt16LE(3, zip.length - 12)),
      'a',
      (at: { zip: Buffer }) => at.zip.length - 22,
      'the central directory ends after 2 of the 3 members the end record counts',
    ],
  ] as const)('%s', async (_, patch, tensor, offset, problem) => {
    const at = twoMembers();
    const zip = Buffer.from(at.zip);
    patch(zip, at);
    const error = await tensorError(tempFile('patched.npz', zip), 'npz', { tensor });
    expect(error.byteOffset).toBe(offset({ ...at, zip }));
    if (typeof problem === 'string') expect(error.problem).toBe(problem.replace('DIR', String(at.directory + 46 + 'a.npy'.length)));
    else expect(error.problem).toMatch(problem);
  });

  it('a deflated member whose data is cut short inflates to an error, not to fewer rows', async () => {
    const data = npyBytes(npyHeader('<f4', [4, 1000]), f32(Array.from({ length: 4000 }, (_, i) => Math.sin(i))));
    const zip = zipBytes([{ name: 'x.npy', data, deflate: true }]);
    const compressedSize = zip.readUInt32LE(18);
    // Claim 100 compressed bytes fewer, in both headers, and move the directory back by them.
    const cut = 100;
    const dataEnd = 30 + 'x.npy'.length + compressedSize;
    const shortened = Buffer.concat([zip.subarray(0, dataEnd - cut), zip.subarray(dataEnd)]);
    shortened.writeUInt32LE(compressedSize - cut, 18);
    const directory = dataEnd - cut;
    shortened.writeUInt32LE(compressedSize - cut, directory + 20);
    shortened.writeUInt32LE(directory, shortened.length - 22 + 16);
    const error = await tensorError(tempFile('short.npz', shortened), 'npz');
    expect(error).toEqual({
      file: expect.stringMatching(/short\.npz$/),
      byteOffset: 30 + 'x.npy'.length,
      problem: "member 'x.npy' (deflated data from byte 35): its deflated data is damaged (zlib: unexpected end of file)",
    });
  });

  it('an archive comment after the end record is skipped', async () => {
    const { zip } = twoMembers();
    const comment = Buffer.from('saved by hand');
    const withComment = Buffer.concat([zip, comment]);
    withComment.writeUInt16LE(comment.length, zip.length - 2);
    const { rows } = await readTensor(tempFile('comment.npz', withComment), 'npz', { tensor: 'b' });
    expect(Array.from(rows[0].values)).toEqual([1, 2, 3, 4]);
  });
});

describe('large members, bounded reads, and the temporary copy of a deflated Fortran-order array', () => {
  // 700 x 300 float32: 840 KB of data, inflated in many of zlib's 16 KB chunks.
  const ROWS = 700;
  const COLUMNS = 300;
  const values = Array.from({ length: ROWS * COLUMNS }, (_, i) => Math.fround(Math.sin(i) * 100));
  const cOrder = npyBytes(npyHeader('<f4', [ROWS, COLUMNS]), f32(values));
  // The same array in Fortran order: column j holds values[i * COLUMNS + j] for every row i.
  const transposed = Array.from({ length: ROWS * COLUMNS }, (_, k) => values[(k % ROWS) * COLUMNS + Math.floor(k / ROWS)]);
  const fortranOrder = npyBytes(npyHeader('<f4', [ROWS, COLUMNS], true), f32(transposed));
  const expectedRowsOf = () => Array.from({ length: ROWS }, (_, i) => values.slice(i * COLUMNS, (i + 1) * COLUMNS));

  it.each([
    ['stored, C order', 'c', false],
    ['deflated, C order', 'c', true],
    ['stored, Fortran order', 'f', false],
    ['deflated, Fortran order', 'f', true],
  ] as const)('%s: the rows of the array', async (_, order, deflate) => {
    const dir = scratchDir('npz-copy');
    const path = tempFile(`large-${order}-${deflate}.npz`, zipBytes([{ name: 'big.npy', data: order === 'c' ? cOrder : fortranOrder, deflate }]));
    const { rows, info } = await readTensor(path, 'npz', { tempDirectory: dir }, { chunkBytes: 4096, fortranBlockLogits: 30_000, gapBytes: 0 });
    expect(info).toMatchObject({ shape: [ROWS, COLUMNS], rows: ROWS, columns: COLUMNS, tensor: 'big' });
    expect(rows.map((row) => Array.from(row.values))).toEqual(expectedRowsOf());
    expect(readdirSync(dir)).toEqual([]);
  });

  it('only a deflated Fortran-order array is copied, and the copy is gone after the rows, after an early stop and after an error', async () => {
    const dir = scratchDir('npz-copy');
    const seenDuring = async (data: Uint8Array, deflate: boolean) => {
      const path = tempFile('copy.npz', zipBytes([{ name: 'big.npy', data, deflate }]));
      const stream = await openTensorRows(path, 'npz', { tempDirectory: dir });
      let during: string[] = [];
      for await (const _ of stream) {
        during = readdirSync(dir);
        break; // an early stop (a closed pipe downstream) must remove the copy too
      }
      return { during, after: readdirSync(dir) };
    };
    expect(await seenDuring(cOrder, true)).toEqual({ during: [], after: [] });
    expect(await seenDuring(fortranOrder, false)).toEqual({ during: [], after: [] });
    const fortran = await seenDuring(fortranOrder, true);
    expect(fortran.during).toHaveLength(1);
    expect(fortran.after).toEqual([]);

    // A wrong CRC-32 found while copying: the error, and no copy left behind.
    const zip = zipBytes([{ name: 'big.npy', data: fortranOrder, deflate: true }]);
    const directory = centralDirectoryStart(zip);
    zip.writeUInt32LE((zip.readUInt32LE(14) ^ 1) >>> 0, 14);
    zip.writeUInt32LE((zip.readUInt32LE(directory + 16) ^ 1) >>> 0, directory + 16);
    const error = await tensorError(tempFile('bad-fortran.npz', zip), 'npz', { tempDirectory: dir });
    expect(error.problem).toMatch(/^member 'big\.npy' \(deflated data from byte 37\): its inflated bytes have CRC-32/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a wrong CRC-32 in a C-order member is found after its rows are read, before the last batch is out', async () => {
    const zip = zipBytes([{ name: 'big.npy', data: cOrder, deflate: true }]);
    const directory = centralDirectoryStart(zip);
    zip.writeUInt32LE((zip.readUInt32LE(14) ^ 1) >>> 0, 14);
    zip.writeUInt32LE((zip.readUInt32LE(directory + 16) ^ 1) >>> 0, directory + 16);
    const stream = await openTensorRows(tempFile('bad-c.npz', zip), 'npz', {});
    let rows = 0;
    await expect(
      (async () => {
        for await (const batch of stream) rows += batch.length;
      })(),
    ).rejects.toThrow(/its inflated bytes have CRC-32/);
    expect(rows).toBeLessThan(ROWS);
  });
});

describe('the member in error positions', () => {
  it('formatPosition names it before the byte offset', () => {
    expect(formatPosition({ file: 'data.npz', member: 'logits.npy', byteOffset: 8 })).toBe('data.npz, member logits.npy: byte 8');
    expect(formatPosition({ file: 'data.npz', byteOffset: 8 })).toBe('data.npz: byte 8');
  });
});
