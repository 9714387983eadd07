// The header of a .npy file (numpy's format, versions 1.0, 2.0 and 3.0):
//
//   bytes 0-5   magic "\x93NUMPY"
//   bytes 6-7   major, minor version
//   v1.0:       bytes 8-9 header length H (uint16, little-endian), header at byte 10
//   v2.0, v3.0: bytes 8-11 header length H (uint32, little-endian), header at byte 12
//   header      a Python dict literal, latin-1 text (UTF-8 in v3.0), padded with spaces, ending
//               in '\n': {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
//   data        right after the header: prod(shape) items, C order or Fortran order
// https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html

import { InputError } from '../../errors.js';
import type { Dtype } from '../../formats/index.js';
import { describePyLiteral, parsePyLiteral, pyRepr, PyLiteralSyntaxError, type PyLiteral } from './python-literal.js';
import type { ByteSource } from './tensor-file.js';
import { checkDataFits, formatShape, ITEM_SIZE, rowsAndColumns, type Place, type TensorLayout } from './tensor-layout.js';

export const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** numpy writes headers of a few hundred bytes; anything near this is not a float array's header. */
const MAX_HEADER_BYTES = 1 << 20;

const FLOAT_TYPES: Record<string, Dtype> = { f2: 'float16', e: 'float16', f4: 'float32', f: 'float32', f8: 'float64', d: 'float64' };

const MUST_BE_FLOAT = 'logits must be float16, float32 or float64';

export interface NpyLayout extends TensorLayout {
  rows: number;
  columns: number;
}

/** The header's dict, parsed but not yet checked: what readNpyLayout checks and describeNpy shows. */
export interface NpyHeader {
  /** The value of a key (the last one wins, as in Python); an InputError when it is missing. */
  field(key: string): PyLiteral;
  /** The byte offset (in the source) of a character offset in the header text. */
  at(offset: number): number;
  /** Where the data starts: the first byte after the header. */
  headerEnd: number;
}

/** Reads the preamble and parses the header dict; checks nothing in the dict. */
export async function readNpyHeader(file: ByteSource): Promise<NpyHeader> {
  const where = placeOf(file);
  const whole = wholeOf(file);
  const preamble = new Uint8Array(Math.min(file.size, 12));
  await file.read(0, preamble, preamble.length);

  const mismatch = NPY_MAGIC.findIndex((byte, index) => index < preamble.length && preamble[index] !== byte);
  if (mismatch >= 0) {
    throw new InputError({ ...where, byteOffset: mismatch }, 'not a .npy file: it does not start with "\\x93NUMPY"');
  }
  if (file.size < 10) {
    throw new InputError({ ...where, byteOffset: file.size }, `${whole} ends at byte ${file.size}, inside the 10-byte .npy preamble`);
  }
  const major = preamble[6];
  const minor = preamble[7];
  if ((major !== 1 && major !== 2 && major !== 3) || minor !== 0) {
    throw new InputError({ ...where, byteOffset: 6 }, `.npy format version ${major}.${minor} is not supported (logitcheck reads 1.0, 2.0 and 3.0)`);
  }
  const headerStart = major === 1 ? 10 : 12;
  if (file.size < headerStart) {
    throw new InputError({ ...where, byteOffset: file.size }, `${whole} ends at byte ${file.size}, inside the header length field (bytes 8-${headerStart - 1})`);
  }
  const lengthView = new DataView(preamble.buffer);
  const headerLength = major === 1 ? lengthView.getUint16(8, true) : lengthView.getUint32(8, true);
  const headerEnd = headerStart + headerLength;
  if (headerEnd > file.size) {
    throw new InputError(
      { ...where, byteOffset: file.size },
      `${whole} ends at byte ${file.size} but the header length field (bytes 8-${headerStart - 1}) says the header runs to byte ${headerEnd}`,
    );
  }
  if (headerLength > MAX_HEADER_BYTES) {
    throw new InputError({ ...where, byteOffset: 8 }, `header of ${headerLength} bytes is too long for a float array (limit ${MAX_HEADER_BYTES})`);
  }

  const headerBytes = new Uint8Array(headerLength);
  await file.read(headerStart, headerBytes, headerLength);
  const header = decodeHeader(where, headerBytes, headerStart, major);
  const at = (offset: number) => headerStart + header.byteOffsetOf(offset);

  let literal: PyLiteral;
  try {
    literal = parsePyLiteral(header.text);
  } catch (error) {
    if (!(error instanceof PyLiteralSyntaxError)) throw error;
    throw new InputError({ ...where, byteOffset: at(error.offset) }, `header is not a valid Python literal: ${error.problem}`);
  }
  if (literal.kind !== 'dict') {
    throw new InputError({ ...where, byteOffset: at(literal.offset) }, `header must be a dict, found ${describePyLiteral(literal)}`);
  }
  const dict = literal;
  const field = (key: string): PyLiteral => {
    for (let index = dict.entries.length - 1; index >= 0; index--) {
      const entry = dict.entries[index];
      if (entry.key.kind === 'str' && entry.key.value === key) return entry.value;
    }
    throw new InputError({ ...where, byteOffset: at(dict.offset) }, `header has no '${key}' key`);
  };
  return { field, at, headerEnd };
}

/** Reads and checks the header; also checks that the file (or member) is exactly as long as the header says. */
export async function readNpyLayout(file: ByteSource): Promise<NpyLayout> {
  const where = placeOf(file);
  const { field, at, headerEnd } = await readNpyHeader(file);

  const { dtype, littleEndian } = floatDtype(where, field('descr'), at);

  const fortran = field('fortran_order');
  if (fortran.kind !== 'bool') {
    throw new InputError({ ...where, byteOffset: at(fortran.offset) }, `'fortran_order' must be True or False, found ${describePyLiteral(fortran)}`);
  }

  const shapeLiteral = field('shape');
  if (shapeLiteral.kind !== 'tuple') {
    throw new InputError({ ...where, byteOffset: at(shapeLiteral.offset) }, `'shape' must be a tuple of integers, found ${describePyLiteral(shapeLiteral)}`);
  }
  const dimensions = shapeLiteral.items.map((item) => {
    if (item.kind !== 'int' || item.value < 0n) {
      throw new InputError(
        { ...where, byteOffset: at(item.offset) },
        `'shape' must be a tuple of non-negative integers, found ${describePyLiteral(item)} in it`,
      );
    }
    return item.value;
  });
  const { rows, columns } = rowsAndColumns(where, dimensions, at(shapeLiteral.offset), `the array`);

  const layout: NpyLayout = {
    dtype,
    littleEndian,
    shape: dimensions.map(Number),
    fortranOrder: fortran.value,
    dataOffset: headerEnd,
    rows,
    columns,
  };
  const dataBytes = rows * columns * ITEM_SIZE[dtype];
  checkDataFits(where, layout, dataBytes, file.size);
  const extra = file.size - headerEnd - dataBytes;
  if (extra > 0) {
    // numpy ignores what follows the array; so would we, silently dropping data, e.g. when
    // several arrays were np.save'd to one open file, one after another.
    throw new InputError(
      { ...where, byteOffset: headerEnd + dataBytes },
      `${extra} ${extra === 1 ? 'byte follows' : 'bytes follow'} the array's data (shape ${formatShape(layout.shape)}, ${dtype}, ` +
        `bytes ${headerEnd} to ${headerEnd + dataBytes}); logitcheck reads one array per .npy file (several np.save calls to one file?)`,
    );
  }
  return layout;
}

/**
 * A .npy's dtype and shape as numpy prints them (`float32 (3, 4)`, `int64 (3,)`), whatever the
 * dtype, for listing the arrays of a .npz; undefined when the header cannot say.
 */
export async function describeNpy(file: ByteSource): Promise<string | undefined> {
  let header: NpyHeader;
  try {
    header = await readNpyHeader(file);
  } catch (error) {
    if (error instanceof InputError) return undefined;
    throw error;
  }
  const parts: string[] = [];
  try {
    const descr = header.field('descr');
    if (descr.kind === 'str') parts.push(dtypeName(descr.value));
    const shape = header.field('shape');
    if (shape.kind === 'tuple' && shape.items.every((item) => item.kind === 'int')) {
      parts.push(formatShape(shape.items.map((item) => (item.kind === 'int' ? item.value : 0n))));
    }
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
  }
  return parts.length === 0 ? undefined : parts.join(' ');
}

/** numpy's name for a simple descr ('<f4' -> 'float32', '<i8' -> 'int64', '|b1' -> 'bool'); the descr in quotes otherwise. */
function dtypeName(descr: string): string {
  const match = /^[<>=|]?([bfiuc])(\d+)$/.exec(descr);
  if (match === null) return pyRepr(descr);
  const [, kind, bytes] = match;
  if (kind === 'b') return bytes === '1' ? 'bool' : pyRepr(descr);
  return `${{ f: 'float', i: 'int', u: 'uint', c: 'complex' }[kind]}${Number(bytes) * 8}`;
}

/** The position errors give for a source: its file and, inside an archive, its member. */
function placeOf(file: ByteSource): Place {
  return file.member === undefined ? { file: file.name } : { file: file.name, member: file.member };
}

/** What a source is, in error messages. */
function wholeOf(file: ByteSource): string {
  return file.member === undefined ? 'file' : 'member';
}

/** The header as text, and how to turn a character offset in it into a byte offset. */
function decodeHeader(
  where: Place,
  bytes: Uint8Array,
  headerStart: number,
  major: number,
): { text: string; byteOffsetOf: (offset: number) => number } {
  if (major < 3) return { text: Buffer.from(bytes).toString('latin1'), byteOffsetOf: (offset) => offset };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError({ ...where, byteOffset: headerStart }, 'header of a version 3.0 .npy file is not valid UTF-8');
  }
  return { text, byteOffsetOf: (offset) => Buffer.byteLength(text.slice(0, offset), 'utf8') };
}

/** The float dtype a descr names, or an InputError saying why it is not one. */
function floatDtype(
  where: Place,
  descr: PyLiteral,
  at: (offset: number) => number,
): { dtype: Dtype; littleEndian: boolean } {
  const refuse = (problem: string): never => {
    throw new InputError({ ...where, byteOffset: at(descr.offset) }, problem);
  };
  if (descr.kind === 'list') return refuse(`structured arrays (record dtypes with named fields) are not supported; ${MUST_BE_FLOAT}`);
  if (descr.kind !== 'str') return refuse(`'descr' must be a dtype string such as '<f4', found ${describePyLiteral(descr)}`);
  const match = /^([<>=|]?)(.*)$/s.exec(descr.value)!;
  const [, byteOrder, type] = match;
  const dtype = FLOAT_TYPES[type];
  if (dtype !== undefined) {
    // '=' and '|' (native, not applicable) do not say which machine wrote the file; numpy
    // itself always writes '<' or '>' for multi-byte types. Little-endian is what every
    // machine that runs numpy today uses.
    return { dtype, littleEndian: byteOrder !== '>' };
  }
  const shown = pyRepr(descr.value);
  if (/^O\d*$/.test(type)) return refuse(`object arrays are not supported (dtype ${shown}); save the logits as a float array`);
  if (type === 'V2') {
    return refuse(
      `dtype ${shown} is raw 2-byte data, which is how bfloat16 arrays (ml_dtypes) are saved: .npy cannot name bfloat16. ` +
        `Save them as safetensors (dtype BF16), or as float32 with arr.astype(np.float32)`,
    );
  }
  if (/^V\d+$/.test(type)) return refuse(`dtype ${shown} is raw (void) data, not floats; ${MUST_BE_FLOAT}`);
  if (/^(f(10|12|16)|g)$/.test(type)) return refuse(`dtype ${shown} is a long double, which is not supported; ${MUST_BE_FLOAT}`);
  return refuse(`dtype ${shown} is not a floating-point dtype; ${MUST_BE_FLOAT}`);
}
