// .npz: numpy's zip archive of arrays, one member NAME.npy per array (np.savez stores them,
// np.savez_compressed deflates them). One array is read, the one --tensor names (NAME or
// NAME.npy) or the only one, as the .npy it is, by npy.ts and the row streamer:
//
// - a stored member in place, at offsets, exactly as a .npy file (its bytes are one);
// - a deflated member inflated as its rows are read, front to back: no copy, memory of a chunk;
//   its size and CRC-32 are checked at its end (so after its first rows);
// - a deflated member in Fortran order, which is read column by column, is inflated into a
//   temporary file first (checked before any row), read at offsets, and removed after.
//
// Stored members are not checked against their CRC-32: like a .npy file, they are read in
// place, and a Fortran-order one out of order.

import { InputError } from '../../errors.js';
import { FLAG } from '../option-flags.js';
import { spoolToFile } from '../open/spool.js';
import { ForwardReader, inflatedBytes } from './inflate-member.js';
import { describeNpy, readNpyLayout, type NpyLayout } from './npy.js';
import { openFileData, TensorFile, type ByteSource, type TensorData } from './tensor-file.js';
import { readsInOrder } from './tensor-layout.js';
import { FLAG_ENCRYPTED, readMemberStart, readZipDirectory, type ZipDirectory, type ZipMember } from './zip-directory.js';

const STORED = 0;
const DEFLATED = 8;

/** What zip compression methods are called, for the error refusing them (APPNOTE 4.4.5). */
const METHOD_NAMES: Record<number, string> = { 1: 'shrink', 6: 'implode', 9: 'deflate64', 12: 'bzip2', 14: 'LZMA', 93: 'Zstandard', 95: 'xz', 98: 'PPMd', 99: 'AES encryption' };

/** Arrays named in the error that asks for --tensor; the rest are counted. */
const MAX_LISTED = 20;

const NPY_SUFFIX = '.npy';

export interface OpenedNpzArray {
  /** The array's layout; dataOffset is where its data is in what openData opens. */
  layout: NpyLayout & { tensor: string };
  openData: () => Promise<TensorData>;
}

/** An array in the archive: its name as numpy's np.load gives it (the member without '.npy'). */
interface NpzArray {
  key: string;
  member: ZipMember;
}

/**
 * Reads the archive's directory, picks the array (`tensor`, or the only one) and reads its .npy
 * header. `file` is the archive, opened from `path`; a deflated Fortran-order array is inflated
 * into `tempDirectory` when its rows are read.
 */
export async function openNpzArray(file: TensorFile, path: string, tensor: string | undefined, tempDirectory: string): Promise<OpenedNpzArray> {
  const { layout, openData } = await openNpzMember(file, path, tensor, tempDirectory, readNpyLayout, `${FLAG.tensor} NAME`);
  return { layout, openData };
}

/** What a member's .npy header reader gives: at least where the data is and whether it is read in order. */
type MemberLayout = { dataOffset: number; fortranOrder: boolean; rows: number };

/**
 * openNpzArray with the header read by `readLayout` (logits: readNpyLayout; labels: their own
 * dtypes) and `choose` the option that picks an array, for the error when there are several.
 * `inArchive`: whether dataOffset counts from the member's first byte (a deflated member, read as
 * it is inflated) rather than from the archive's.
 */
export async function openNpzMember<L extends MemberLayout>(
  file: TensorFile,
  path: string,
  tensor: string | undefined,
  tempDirectory: string,
  readLayout: (source: ByteSource) => Promise<L>,
  choose: string,
): Promise<{ layout: L & { tensor: string }; openData: () => Promise<TensorData>; member: string; inMember: boolean }> {
  const name = file.name;
  const directory = await readZipDirectory(file);
  const { key, member } = await chooseArray(file, path, directory, tensor, choose);
  const dataStart = await readReadableStart(file, directory, member);
  if (member.method === STORED) {
    const layout = await readLayout(storedMember(file, member, dataStart));
    const size = file.size;
    return {
      layout: { ...layout, dataOffset: dataStart + layout.dataOffset, tensor: key },
      openData: () => openFileData(path, name, size),
      member: member.name,
      inMember: false,
    };
  }
  const inflate = () => inflatedBytes(path, name, member, dataStart);
  const header = new ForwardReader(name, member.name, member.size, inflate());
  let layout: L;
  try {
    layout = await readLayout(header);
  } finally {
    await header.close();
  }
  return {
    layout: { ...layout, tensor: key },
    openData: readsInOrder(layout)
      ? async () => new ForwardReader(name, member.name, member.size, inflate())
      : () => openInflatedCopy(name, inflate(), tempDirectory),
    member: member.name,
    inMember: true,
  };
}

/** The array `tensor` names, or the only one; an InputError listing the arrays otherwise (`choose`: how to pick one). */
async function chooseArray(file: TensorFile, path: string, directory: ZipDirectory, tensor: string | undefined, choose: string): Promise<NpzArray> {
  const arrays = arraysOf(directory.members);
  if (tensor !== undefined) {
    const found = arrays.find((array) => array.key === tensor || array.member.name === tensor);
    if (found !== undefined) return found;
    const other = directory.members.find((member) => member.name === tensor);
    if (other !== undefined) {
      throw new InputError(
        { file: file.name, byteOffset: other.localHeaderOffset },
        `member '${tensor}' is not a .npy array (only NAME${NPY_SUFFIX} members are arrays)`,
      );
    }
    const holds = arrays.length === 0 ? holdsNoArrays(directory.members) : `it holds ${await listArrays(file, path, directory, arrays)}`;
    throw new InputError({ file: file.name }, `has no array named '${tensor}'; ${holds}`);
  }
  if (arrays.length === 1) return arrays[0];
  if (arrays.length === 0) throw new InputError({ file: file.name }, holdsNoArrays(directory.members));
  throw new InputError(
    { file: file.name },
    `holds ${arrays.length} arrays; choose one with ${choose}: ${await listArrays(file, path, directory, arrays)}`,
  );
}

/** The .npy members, in archive order; of two with one name, the last, as Python's zipfile and np.load take it. */
function arraysOf(members: readonly ZipMember[]): NpzArray[] {
  const byKey = new Map<string, NpzArray>();
  for (const member of members) {
    if (!member.name.endsWith(NPY_SUFFIX)) continue;
    const key = member.name.slice(0, -NPY_SUFFIX.length);
    byKey.delete(key);
    byKey.set(key, { key, member });
  }
  return [...byKey.values()];
}

function holdsNoArrays(members: readonly ZipMember[]): string {
  if (members.length === 0) return 'holds no arrays (the archive is empty)';
  const listed = members.slice(0, MAX_LISTED).map((member) => `'${member.name}'`);
  const more = members.length > MAX_LISTED ? ` and ${members.length - MAX_LISTED} more` : '';
  return `holds no arrays (no NAME${NPY_SUFFIX} members); its members are ${listed.join(', ')}${more}`;
}

/** `'logits' (float32 (3, 4)), 'labels' (int64 (3,))`: each array's dtype and shape read from its header, when it can be. */
async function listArrays(file: TensorFile, path: string, directory: ZipDirectory, arrays: readonly NpzArray[]): Promise<string> {
  const listed: string[] = [];
  for (const { key, member } of arrays.slice(0, MAX_LISTED)) {
    const description = await describeMember(file, path, directory, member);
    listed.push(description === undefined ? `'${key}'` : `'${key}' (${description})`);
  }
  const more = arrays.length > MAX_LISTED ? ` and ${arrays.length - MAX_LISTED} more` : '';
  return `${listed.join(', ')}${more}`;
}

/** A member's dtype and shape; undefined when they cannot be read (the error comes when it is chosen). */
async function describeMember(file: TensorFile, path: string, directory: ZipDirectory, member: ZipMember): Promise<string | undefined> {
  let dataStart: number;
  try {
    dataStart = await readReadableStart(file, directory, member);
  } catch (error) {
    if (error instanceof InputError) return undefined;
    throw error;
  }
  if (member.method === STORED) return describeNpy(storedMember(file, member, dataStart));
  // Only the first chunk or so is inflated: the header is at the start.
  const header = new ForwardReader(file.name, member.name, member.size, inflatedBytes(path, file.name, member, dataStart));
  try {
    return await describeNpy(header);
  } finally {
    await header.close();
  }
}

/** Where a member's data starts, once it is known to be one this reader can read. */
async function readReadableStart(file: TensorFile, directory: ZipDirectory, member: ZipMember): Promise<number> {
  const refuse = (byteOffset: number, problem: string): never => {
    throw new InputError({ file: file.name, byteOffset }, `member '${member.name}' ${problem}`);
  };
  if ((member.flags & FLAG_ENCRYPTED) !== 0) refuse(member.directoryOffset + 8, 'is encrypted, which is not supported');
  if (member.method !== STORED && member.method !== DEFLATED) {
    const method = METHOD_NAMES[member.method] === undefined ? `method ${member.method}` : `${METHOD_NAMES[member.method]} (method ${member.method})`;
    refuse(
      member.directoryOffset + 10,
      `is compressed with ${method}; logitcheck reads stored and deflated members, which np.savez and np.savez_compressed write`,
    );
  }
  if (member.method === STORED && member.compressedSize !== member.size) {
    refuse(member.directoryOffset + 20, `is stored (not compressed), but the central directory gives it ${member.compressedSize} bytes compressed and ${member.size} uncompressed`);
  }
  return readMemberStart(file, directory, member);
}

/** A stored member's bytes, a .npy file's, read in place: offset 0 is its first byte. */
function storedMember(file: TensorFile, member: ZipMember, dataStart: number): ByteSource {
  return {
    name: file.name,
    member: member.name,
    size: member.size,
    read: (position, into, length) => file.read(dataStart + position, into, length),
  };
}

/** A deflated member inflated into a temporary file (checked on the way), read there and removed on close. */
async function openInflatedCopy(name: string, inflated: AsyncIterable<Uint8Array>, tempDirectory: string): Promise<TensorData> {
  const copy = await spoolToFile(name, inflated, tempDirectory);
  let file: TensorFile;
  try {
    file = await TensorFile.open(copy.path, name);
  } catch (error) {
    await copy.remove();
    throw error;
  }
  return {
    read: (position, into, length) => file.read(position, into, length),
    finish: async () => {},
    close: async () => {
      try {
        await file.close();
      } finally {
        await copy.remove();
      }
    },
  };
}
