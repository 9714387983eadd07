// The directory of a zip archive, which is what a .npz is: np.savez and np.savez_compressed
// write one NAME.npy member per array with Python's zipfile. The layout (PKWARE APPNOTE.TXT
// 6.3.10, sections 4.3 and 4.5):
//
//   local header 1 (PK\3\4), data 1, ..., local header n, data n,
//   central directory: one header per member (PK\1\2),
//   [zip64 end record (PK\6\6), zip64 locator (PK\6\7)], end record (PK\5\6), comment
//
// The central directory is what says where each member is and how big: numpy writing to a pipe
// leaves the sizes and CRC-32 of a local header at zero (a data descriptor follows the data),
// and numpy always writes zip64 local headers (force_zip64, numpy gh-10776). Sizes, offsets and
// counts too large for 32 (16) bits are in a zip64 extra field or in the zip64 end record.
// All numbers are little-endian.

import { InputError } from '../../errors.js';
import type { ByteSource } from './tensor-file.js';

export interface ZipMember {
  /** Decoded: UTF-8 when flag bit 11 says so, else code page 437 (as Python's zipfile does). */
  name: string;
  /** General purpose bit flags: bit 0 encrypted, bit 3 data descriptor, bit 11 UTF-8 name. */
  flags: number;
  /** 0 stored, 8 deflated; anything else is refused when the member is read. */
  method: number;
  crc32: number;
  compressedSize: number;
  /** Uncompressed size. */
  size: number;
  localHeaderOffset: number;
  /** Where its central directory header starts (errors point at it). */
  directoryOffset: number;
}

export interface ZipDirectory {
  members: ZipMember[];
  /** Where the central directory starts: every member's data ends before it. */
  directoryStart: number;
}

export const LOCAL_HEADER_SIGNATURE = 0x04034b50;
const CENTRAL_HEADER_SIGNATURE = 0x02014b50;
const END_SIGNATURE = 0x06054b50;
const ZIP64_END_SIGNATURE = 0x06064b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;

const LOCAL_HEADER_BYTES = 30;
const CENTRAL_HEADER_BYTES = 46;
const END_BYTES = 22;
const ZIP64_END_BYTES = 56;
const ZIP64_LOCATOR_BYTES = 20;
const MAX_COMMENT_BYTES = 0xffff;
const ZIP64_EXTRA_ID = 0x0001;

/** A 32-bit (16-bit) field with this value has its real value in the zip64 extra field or end record. */
const IN_ZIP64_32 = 0xffffffff;
const IN_ZIP64_16 = 0xffff;

/**
 * The central directory is read whole; its size grows with the number of members (about 100
 * bytes each), not with the arrays. A larger one is not a .npz of logits.
 */
const MAX_DIRECTORY_BYTES = 256 << 20;

export const FLAG_ENCRYPTED = 0x1;
export const FLAG_DATA_DESCRIPTOR = 0x8;
const FLAG_UTF8 = 0x800;

/** Reads and checks the end record(s) and the central directory; local headers are read by readMemberStart. */
export async function readZipDirectory(file: ByteSource): Promise<ZipDirectory> {
  const fail = (byteOffset: number, problem: string): never => {
    throw new InputError({ file: file.name, byteOffset }, problem);
  };
  const endAt = await findEndRecord(file);
  const end = await readAt(file, endAt, END_BYTES);
  let disk = end.getUint16(4, true);
  let directoryDisk = end.getUint16(6, true);
  let entriesHere: number = end.getUint16(8, true);
  let entries: number = end.getUint16(10, true);
  let directorySize: number = end.getUint32(12, true);
  let directoryStart: number = end.getUint32(16, true);
  // Where the central directory must end: right before the (zip64) end record.
  let directoryEnd = endAt;

  // A zip64 locator right before the end record means the zip64 end record holds the real values.
  if (endAt >= ZIP64_LOCATOR_BYTES) {
    const locatorAt = endAt - ZIP64_LOCATOR_BYTES;
    const locator = await readAt(file, locatorAt, ZIP64_LOCATOR_BYTES);
    if (locator.getUint32(0, true) === ZIP64_LOCATOR_SIGNATURE) {
      if (locator.getUint32(4, true) !== 0 || locator.getUint32(16, true) !== 1) {
        fail(locatorAt, 'split (multi-volume) zip archives are not supported');
      }
      const recordAt = safeNumber(locator.getBigUint64(8, true), () => fail(locatorAt + 8, 'zip64 end record offset is too large'));
      if (recordAt + ZIP64_END_BYTES > locatorAt) {
        fail(locatorAt + 8, `the zip64 locator says the zip64 end record is at byte ${recordAt}, which does not leave its ${ZIP64_END_BYTES} bytes before the locator at byte ${locatorAt}`);
      }
      const record = await readAt(file, recordAt, ZIP64_END_BYTES);
      if (record.getUint32(0, true) !== ZIP64_END_SIGNATURE) {
        fail(recordAt, `expected the zip64 end-of-central-directory record (PK\\6\\6) here, as the zip64 locator at byte ${locatorAt} says`);
      }
      const big = (at: number) => safeNumber(record.getBigUint64(at, true), () => fail(recordAt + at, 'zip64 end record: a value too large for this reader'));
      disk = record.getUint32(16, true);
      directoryDisk = record.getUint32(20, true);
      entriesHere = big(24);
      entries = big(32);
      directorySize = big(40);
      directoryStart = big(48);
      directoryEnd = recordAt;
    } else if (
      [entriesHere, entries, disk, directoryDisk].includes(IN_ZIP64_16) ||
      directorySize === IN_ZIP64_32 ||
      directoryStart === IN_ZIP64_32
    ) {
      fail(locatorAt, 'the end record defers to a zip64 end record, but there is no zip64 locator before it; is the archive damaged?');
    }
  }
  if (disk !== 0 || directoryDisk !== 0 || entriesHere !== entries) fail(endAt + 4, 'split (multi-volume) zip archives are not supported');
  if (directoryStart + directorySize !== directoryEnd) {
    fail(
      endAt + 12,
      `the central directory (${directorySize} bytes from byte ${directoryStart}) should end at byte ${directoryEnd}, where the end record is; ` +
        'is the archive damaged, or does data precede it (a self-extracting archive)?',
    );
  }
  if (directorySize > MAX_DIRECTORY_BYTES) {
    fail(directoryStart, `a central directory of ${directorySize} bytes is larger than the ${MAX_DIRECTORY_BYTES} this reader accepts`);
  }

  const directory = await readAt(file, directoryStart, directorySize);
  const members: ZipMember[] = [];
  let at = 0;
  for (let index = 0; index < entries; index++) {
    const where = directoryStart + at;
    if (at + CENTRAL_HEADER_BYTES > directorySize) {
      fail(where, `the central directory ends after ${index} of the ${entries} members the end record counts`);
    }
    if (directory.getUint32(at, true) !== CENTRAL_HEADER_SIGNATURE) {
      fail(where, `expected central directory header ${index + 1} of ${entries} (PK\\1\\2) here`);
    }
    const flags = directory.getUint16(at + 8, true);
    const nameLength = directory.getUint16(at + 28, true);
    const extraLength = directory.getUint16(at + 30, true);
    const commentLength = directory.getUint16(at + 32, true);
    const next = at + CENTRAL_HEADER_BYTES + nameLength + extraLength + commentLength;
    if (next > directorySize) fail(where, `central directory header ${index + 1} runs past the end of the central directory`);
    const nameBytes = new Uint8Array(directory.buffer, directory.byteOffset + at + CENTRAL_HEADER_BYTES, nameLength);
    const name = decodeName(nameBytes, flags);
    const values = resolveZip64(
      {
        size: directory.getUint32(at + 24, true),
        compressedSize: directory.getUint32(at + 20, true),
        localHeaderOffset: directory.getUint32(at + 42, true),
      },
      new DataView(directory.buffer, directory.byteOffset + at + CENTRAL_HEADER_BYTES + nameLength, extraLength),
      (problem) => fail(where, `member '${name}': ${problem}`),
    );
    const memberDisk = directory.getUint16(at + 34, true);
    if (memberDisk !== 0 && memberDisk !== IN_ZIP64_16) fail(where + 34, 'split (multi-volume) zip archives are not supported');
    members.push({
      name,
      flags,
      method: directory.getUint16(at + 10, true),
      crc32: directory.getUint32(at + 16, true),
      ...values,
      directoryOffset: where,
    });
    at = next;
  }
  if (at !== directorySize) {
    fail(directoryStart + at, `the central directory holds more than the ${entries} members the end record counts`);
  }
  return { members, directoryStart };
}

/**
 * Reads a member's local header and returns where its data starts. Checks the header against
 * the central directory (name, method and, without a data descriptor, CRC-32 and sizes) and that
 * the data ends before the central directory.
 */
export async function readMemberStart(file: ByteSource, directory: ZipDirectory, member: ZipMember): Promise<number> {
  const at = member.localHeaderOffset;
  const fail = (byteOffset: number, problem: string): never => {
    throw new InputError({ file: file.name, byteOffset }, `member '${member.name}': ${problem}`);
  };
  if (at + LOCAL_HEADER_BYTES > directory.directoryStart) {
    fail(member.directoryOffset + 42, `its local header at byte ${at} would run into the central directory at byte ${directory.directoryStart}`);
  }
  const header = await readAt(file, at, LOCAL_HEADER_BYTES);
  if (header.getUint32(0, true) !== LOCAL_HEADER_SIGNATURE) {
    fail(at, `expected its local header (PK\\3\\4) here, where the central directory (byte ${member.directoryOffset}) says it is`);
  }
  const nameLength = header.getUint16(26, true);
  const extraLength = header.getUint16(28, true);
  const dataStart = at + LOCAL_HEADER_BYTES + nameLength + extraLength;
  if (dataStart > directory.directoryStart) fail(at, `its local header runs into the central directory at byte ${directory.directoryStart}`);
  const rest = await readAt(file, at + LOCAL_HEADER_BYTES, nameLength + extraLength);
  const localName = decodeName(new Uint8Array(rest.buffer, rest.byteOffset, nameLength), header.getUint16(6, true));
  if (localName !== member.name) fail(at + LOCAL_HEADER_BYTES, `its local header names it '${localName}'`);
  if (header.getUint16(8, true) !== member.method) {
    fail(at + 8, `its local header says compression method ${header.getUint16(8, true)}, the central directory ${member.method}`);
  }
  if ((header.getUint16(6, true) & FLAG_DATA_DESCRIPTOR) === 0) {
    const local = resolveZip64(
      { size: header.getUint32(22, true), compressedSize: header.getUint32(18, true) },
      new DataView(rest.buffer, rest.byteOffset + nameLength, extraLength),
      (problem) => fail(at, problem),
    );
    const localCrc = header.getUint32(14, true);
    if (localCrc !== member.crc32) fail(at + 14, `its local header says CRC-32 ${hex(localCrc)}, the central directory ${hex(member.crc32)}`);
    if (local.size !== member.size || local.compressedSize !== member.compressedSize) {
      fail(
        at + 18,
        `its local header says ${local.compressedSize} bytes compressed, ${local.size} uncompressed; ` +
          `the central directory ${member.compressedSize} and ${member.size}`,
      );
    }
  }
  if (dataStart + member.compressedSize > directory.directoryStart) {
    fail(
      dataStart,
      `its ${member.compressedSize} bytes of data from byte ${dataStart} would run past the start of the central directory at byte ${directory.directoryStart}`,
    );
  }
  return dataStart;
}

export function hex(value: number): string {
  return `0x${value.toString(16).padStart(8, '0')}`;
}

/** The end record's offset: the last "PK\5\6" in the last 22 + 65535 bytes whose comment fits in the file. */
async function findEndRecord(file: ByteSource): Promise<number> {
  const tailLength = Math.min(file.size, END_BYTES + MAX_COMMENT_BYTES);
  const tailStart = file.size - tailLength;
  const tail = await readAt(file, tailStart, tailLength);
  for (let at = tailLength - END_BYTES; at >= 0; at--) {
    if (tail.getUint32(at, true) === END_SIGNATURE && at + END_BYTES + tail.getUint16(at + 20, true) <= tailLength) return tailStart + at;
  }
  const head = await readAt(file, 0, Math.min(file.size, 4));
  const looksLikeZip = head.byteLength === 4 && head.getUint32(0, true) === LOCAL_HEADER_SIGNATURE;
  throw new InputError(
    { file: file.name, byteOffset: file.size },
    looksLikeZip
      ? `the file ends at byte ${file.size} without the end-of-central-directory record that ends a zip archive; is it truncated?`
      : 'not a .npz (zip) archive: it has no end-of-central-directory record',
  );
}

/**
 * Sizes and offset with the ones a 32-bit field defers to the zip64 extra field (id 1) replaced.
 * The extra field holds, in this order, only the deferred ones: size, compressed size, offset.
 */
interface Sizes {
  size: number;
  compressedSize: number;
  /** Central directory only. */
  localHeaderOffset?: number;
}

function resolveZip64<T extends Sizes>(values: T, extra: DataView, fail: (problem: string) => never): T {
  const deferred = (['size', 'compressedSize', 'localHeaderOffset'] as const).filter((key) => values[key] === IN_ZIP64_32);
  if (deferred.length === 0) return values;
  for (let at = 0; at + 4 <= extra.byteLength; ) {
    const id = extra.getUint16(at, true);
    const length = extra.getUint16(at + 2, true);
    if (id === ZIP64_EXTRA_ID) {
      if (length < deferred.length * 8 || at + 4 + length > extra.byteLength) fail('its zip64 extra field is too short');
      const resolved: T = { ...values };
      deferred.forEach((key, index) => {
        resolved[key] = safeNumber(extra.getBigUint64(at + 4 + index * 8, true), () => fail('a zip64 size or offset too large for this reader'));
      });
      return resolved;
    }
    at += 4 + length;
  }
  return fail(`its ${deferred.join(', ')} ${deferred.length === 1 ? 'is' : 'are'} in a zip64 extra field, which is missing`);
}

function safeNumber(value: bigint, fail: () => never): number {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : fail();
}

async function readAt(file: ByteSource, position: number, length: number): Promise<DataView> {
  const bytes = new Uint8Array(length);
  await file.read(position, bytes, length);
  return new DataView(bytes.buffer);
}

// Code page 437, bytes 0x80-0xFF (0x00-0x7F are ASCII): what zip names mean without flag bit 11.
const CP437_HIGH = 'ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0';

function decodeName(bytes: Uint8Array, flags: number): string {
  if ((flags & FLAG_UTF8) !== 0) return new TextDecoder('utf-8').decode(bytes);
  let name = '';
  for (const byte of bytes) name += byte < 0x80 ? String.fromCharCode(byte) : CP437_HIGH[byte - 0x80];
  return name;
}
