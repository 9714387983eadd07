// Labels stored as an array: a .npy file, an array of a .npz (--labels FILE.npz[:NAME], or
// --labels-tensor NAME in the .npz input), a tensor of a safetensors file (--labels-tensor NAME).
// Integer dtypes (int8 to int64, uint8 to uint64) for class indices; floating-point ones too, for
// binary targets (attach-labels.ts refuses them for class indices). The values are read in
// chunks, in C order: memory does not grow with the number of rows.

import { InputError, type InputPosition } from '../../errors.js';
import { bfloat16FromBits, float16Values } from '../tensor/half-floats.js';
import { readNpyHeader } from '../tensor/npy.js';
import { openNpzMember } from '../tensor/npz.js';
import { describePyLiteral, pyRepr } from '../tensor/python-literal.js';
import { checkEntrySize, chooseTensor, readSafetensorsEntries } from '../tensor/safetensors.js';
import { openFileData, TensorFile, type ByteSource, type TensorData } from '../tensor/tensor-file.js';
import { formatShape, type Place } from '../tensor/tensor-layout.js';
import type { LabelChunk, LabelSource } from './label-source.js';

type LabelDtype = 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'float16' | 'bfloat16' | 'float32' | 'float64';

const ITEM_BYTES: Record<LabelDtype, number> = { int8: 1, int16: 2, int32: 4, int64: 8, uint8: 1, uint16: 2, uint32: 4, uint64: 8, float16: 2, bfloat16: 2, float32: 4, float64: 8 };

/** numpy's descr letters and sizes ('<i8'), and safetensors' names ('I64'), for the dtypes labels may have. */
const NPY_DTYPES: Record<string, LabelDtype> = { i1: 'int8', i2: 'int16', i4: 'int32', i8: 'int64', u1: 'uint8', u2: 'uint16', u4: 'uint32', u8: 'uint64', f2: 'float16', f4: 'float32', f8: 'float64' };
const SAFETENSORS_DTYPES: Record<string, LabelDtype> = { I8: 'int8', I16: 'int16', I32: 'int32', I64: 'int64', U8: 'uint8', U16: 'uint16', U32: 'uint32', U64: 'uint64', F16: 'float16', BF16: 'bfloat16', F32: 'float32', F64: 'float64' };

const MUST_BE = 'labels must be an integer array (class indices), or a float array of binary targets';

/** Labels read per chunk. */
const CHUNK_LABELS = 1 << 16;

interface LabelLayout {
  dtype: LabelDtype;
  littleEndian: boolean;
  shape: number[];
  count: number;
  /** Where the first label is in what openData opens. */
  dataOffset: number;
  fortranOrder: boolean;
  /** For readsInOrder (npz.ts): labels are read front to back. */
  rows: number;
}

/** A .npy file of labels. */
export async function npyLabels(path: string, name = path): Promise<LabelSource> {
  const file = await TensorFile.open(path, name);
  let layout: LabelLayout;
  try {
    layout = await readNpyLabelLayout(file);
  } finally {
    await file.close();
  }
  const size = file.size;
  return labelSource(name, 'the array', { file: name }, layout, () => openFileData(path, name, size));
}

/**
 * An array of a .npz: `array` (NAME or NAME.npy), or the only one. `choose` says how to name
 * one when there are several and none is given.
 */
export async function npzLabels(path: string, array: string | undefined, tempDirectory: string, choose: string, name = path): Promise<LabelSource> {
  const file = await TensorFile.open(path, name);
  let opened;
  try {
    opened = await openNpzMember(file, path, array, tempDirectory, readNpyLabelLayout, choose);
  } finally {
    await file.close();
  }
  const place: Place = opened.inMember ? { file: name, member: opened.member } : { file: name };
  return labelSource(`${name}, array '${opened.layout.tensor}'`, `array '${opened.layout.tensor}'`, place, opened.layout, opened.openData);
}

/** A tensor of a safetensors file: `tensor`, or the only one (`choose` says how to name one). */
export async function safetensorsLabels(path: string, tensor: string | undefined, choose: string, name = path): Promise<LabelSource> {
  const file = await TensorFile.open(path, name);
  let layout: LabelLayout;
  let chosen: string;
  try {
    const { entries, dataStart } = await readSafetensorsEntries(file);
    const entry = chooseTensor(name, entries, tensor, choose);
    chosen = entry.name;
    const dataOffset = dataStart + entry.begin;
    const dtype = SAFETENSORS_DTYPES[entry.dtype];
    if (dtype === undefined) throw new InputError({ file: name, byteOffset: dataOffset }, `tensor '${entry.name}' has dtype ${entry.dtype}; ${MUST_BE}`);
    const count = entry.shape.reduce((product, dimension) => product * dimension, 1);
    checkEntrySize(name, entry, count * ITEM_BYTES[dtype], dataOffset);
    layout = { dtype, littleEndian: true, shape: entry.shape, count, dataOffset, fortranOrder: false, rows: count };
  } finally {
    await file.close();
  }
  const size = file.size;
  return labelSource(`${name}, tensor '${chosen}'`, `tensor '${chosen}'`, { file: name }, layout, () => openFileData(path, name, size));
}

function labelSource(description: string, what: string, place: Place, layout: LabelLayout, openData: () => Promise<TensorData>): LabelSource {
  const itemBytes = ITEM_BYTES[layout.dtype];
  const read = itemReader(layout.dtype, layout.littleEndian);
  const at = (index: number): InputPosition => ({ ...place, byteOffset: layout.dataOffset + index * itemBytes });
  return {
    description,
    what,
    count: layout.count,
    shape: layout.shape,
    storedDtype: layout.dtype,
    floating: layout.dtype.startsWith('float') || layout.dtype === 'bfloat16',
    end: () => at(layout.count),
    async *chunks(): AsyncGenerator<LabelChunk> {
      const data = await openData();
      try {
        const bytes = new Uint8Array(Math.min(layout.count, CHUNK_LABELS) * itemBytes);
        const view = new DataView(bytes.buffer);
        for (let first = 0; first < layout.count; first += CHUNK_LABELS) {
          const count = Math.min(CHUNK_LABELS, layout.count - first);
          await data.read(layout.dataOffset + first * itemBytes, bytes, count * itemBytes);
          const values = new Float64Array(count);
          for (let index = 0; index < count; index++) values[index] = read(view, index * itemBytes);
          yield { values, at: (index) => at(first + index) };
        }
        await data.finish();
      } finally {
        await data.close();
      }
    },
  };
}

/** A .npy header (a file, or a .npz member) of labels: any shape, an integer or float dtype, C order (or one axis). */
async function readNpyLabelLayout(source: ByteSource): Promise<LabelLayout> {
  const where: Place = source.member === undefined ? { file: source.name } : { file: source.name, member: source.member };
  const { field, at, headerEnd } = await readNpyHeader(source);
  const descr = field('descr');
  const refuse = (offset: number, problem: string): never => {
    throw new InputError({ ...where, byteOffset: at(offset) }, problem);
  };
  if (descr.kind !== 'str') return refuse(descr.offset, `'descr' must be a dtype string such as '<i8', found ${describePyLiteral(descr)}`);
  const match = /^([<>=|]?)(.*)$/s.exec(descr.value)!;
  const dtype = NPY_DTYPES[match[2]];
  if (dtype === undefined) return refuse(descr.offset, `dtype ${pyRepr(descr.value)}: ${MUST_BE}`);
  const fortran = field('fortran_order');
  if (fortran.kind !== 'bool') return refuse(fortran.offset, `'fortran_order' must be True or False, found ${describePyLiteral(fortran)}`);
  const shapeLiteral = field('shape');
  if (shapeLiteral.kind !== 'tuple' || !shapeLiteral.items.every((item) => item.kind === 'int' && item.value >= 0n)) {
    return refuse(shapeLiteral.offset, `'shape' must be a tuple of non-negative integers, found ${describePyLiteral(shapeLiteral)}`);
  }
  const shape = shapeLiteral.items.map((item) => Number(item.kind === 'int' ? item.value : 0n));
  const count = shape.reduce((product, dimension) => product * dimension, 1);
  // Labels are read front to back; a column-major array of several axes would need gathering.
  if (fortran.value && shape.filter((dimension) => dimension > 1).length > 1) {
    return refuse(fortran.offset, `the labels are in Fortran order (shape ${formatShape(shape)}); save them in C order (np.ascontiguousarray)`);
  }
  const dataBytes = count * ITEM_BYTES[dtype];
  if (headerEnd + dataBytes !== source.size) {
    const whole = source.member === undefined ? 'file' : 'member';
    throw new InputError(
      { ...where, byteOffset: Math.min(source.size, headerEnd + dataBytes) },
      `the ${whole} has ${source.size - headerEnd} bytes of data, but shape ${formatShape(shape)} of ${dtype} needs ${dataBytes}`,
    );
  }
  return { dtype, littleEndian: match[1] !== '>', shape, count, dataOffset: headerEnd, fortranOrder: false, rows: count };
}

type ItemReader = (view: DataView, at: number) => number;

function itemReader(dtype: LabelDtype, littleEndian: boolean): ItemReader {
  const le = littleEndian;
  switch (dtype) {
    case 'int8':
      return (view, at) => view.getInt8(at);
    case 'uint8':
      return (view, at) => view.getUint8(at);
    case 'int16':
      return (view, at) => view.getInt16(at, le);
    case 'uint16':
      return (view, at) => view.getUint16(at, le);
    case 'int32':
      return (view, at) => view.getInt32(at, le);
    case 'uint32':
      return (view, at) => view.getUint32(at, le);
    // Past 2^53 the number is not exact, but such a label is far outside [0, K) either way.
    case 'int64':
      return (view, at) => Number(view.getBigInt64(at, le));
    case 'uint64':
      return (view, at) => Number(view.getBigUint64(at, le));
    case 'float16': {
      const values = float16Values();
      return (view, at) => values[view.getUint16(at, le)];
    }
    case 'bfloat16':
      return (view, at) => bfloat16FromBits(view.getUint16(at, le));
    case 'float32':
      return (view, at) => view.getFloat32(at, le);
    case 'float64':
      return (view, at) => view.getFloat64(at, le);
  }
}
