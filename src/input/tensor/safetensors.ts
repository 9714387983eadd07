// The header of a safetensors file (https://github.com/huggingface/safetensors):
//
//   bytes 0-7   N, the header length (uint64, little-endian)
//   bytes 8..   N bytes of UTF-8 JSON: { "__metadata__": {...}?, NAME: { "dtype": "F32",
//               "shape": [2, 3], "data_offsets": [BEGIN, END] }, ... }
//   data        from byte 8 + N; each tensor's bytes are [BEGIN, END) relative to it,
//               little-endian, C order.
//
// Every entry is checked (as the safetensors library does), not only the one that is read, so
// a damaged file is reported whichever tensor is asked for.

import { FLAG } from '../option-flags.js';
import { InputError } from '../../errors.js';
import type { Dtype } from '../../formats/index.js';
import type { TensorFile } from './tensor-file.js';
import { checkDataFits, formatShape, ITEM_SIZE, rowsAndColumns, type TensorLayout } from './tensor-layout.js';

/** The safetensors library's own limit: a header larger than this is refused. */
export const MAX_HEADER_BYTES = 100_000_000;

const HEADER_START = 8;

/** Tensors named in the error that asks for --tensor; the rest are counted. */
const MAX_LISTED = 20;

const FLOAT_DTYPES: Record<string, Dtype> = { F16: 'float16', BF16: 'bfloat16', F32: 'float32', F64: 'float64' };


export interface SafetensorsLayout extends TensorLayout {
  tensor: string;
  rows: number;
  columns: number;
}

export interface SafetensorsEntry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

/** Reads and checks the header and picks the tensor to read: `tensorName`, or the only one. */
export async function readSafetensorsLayout(file: TensorFile, tensorName: string | undefined): Promise<SafetensorsLayout> {
  const name = file.name;
  const { entries, dataStart } = await readSafetensorsEntries(file);
  const entry = chooseTensor(name, entries, tensorName);
  const at = (offset: number) => dataStart + offset;
  const dtype = FLOAT_DTYPES[entry.dtype];
  if (dtype === undefined) {
    throw new InputError(
      { file: name, byteOffset: at(entry.begin) },
      `tensor '${entry.name}' has dtype ${entry.dtype}; logits must be F16, BF16, F32 or F64`,
    );
  }
  const { rows, columns } = rowsAndColumns({ file: name }, entry.shape.map(BigInt), at(entry.begin), `tensor '${entry.name}'`);
  const layout: SafetensorsLayout = {
    dtype,
    littleEndian: true,
    shape: entry.shape,
    fortranOrder: false,
    dataOffset: at(entry.begin),
    tensor: entry.name,
    rows,
    columns,
  };
  const needed = rows * columns * ITEM_SIZE[dtype];
  checkEntrySize(name, entry, needed, at(entry.begin));
  checkDataFits({ file: name }, layout, needed, file.size);
  return layout;
}

/** A tensor's entry must hold exactly what its shape and dtype need. */
export function checkEntrySize(name: string, entry: SafetensorsEntry, needed: number, byteOffset: number): void {
  if (entry.end - entry.begin !== needed) {
    throw new InputError(
      { file: name, byteOffset },
      `tensor '${entry.name}': data_offsets [${entry.begin}, ${entry.end}] hold ${entry.end - entry.begin} bytes, ` +
        `but shape ${formatShape(entry.shape)} of ${entry.dtype} needs ${needed}`,
    );
  }
}

/** Reads and checks the header: every tensor's entry, and where the data starts. */
export async function readSafetensorsEntries(file: TensorFile): Promise<{ entries: SafetensorsEntry[]; dataStart: number }> {
  const name = file.name;
  if (file.size < HEADER_START) {
    throw new InputError(
      { file: name, byteOffset: file.size },
      `file ends at byte ${file.size}, inside the 8-byte header length a safetensors file starts with`,
    );
  }
  const lengthBytes = new Uint8Array(HEADER_START);
  await file.read(0, lengthBytes, HEADER_START);
  const headerLength = new DataView(lengthBytes.buffer).getBigUint64(0, true);
  const dataStart = BigInt(HEADER_START) + headerLength;
  if (dataStart > BigInt(file.size)) {
    throw new InputError(
      { file: name, byteOffset: file.size },
      `file ends at byte ${file.size} but the header length (bytes 0-7) says the header runs to byte ${dataStart} ` +
        `(truncated, or not a safetensors file?)`,
    );
  }
  if (headerLength > BigInt(MAX_HEADER_BYTES)) {
    throw new InputError({ file: name, byteOffset: 0 }, `header of ${headerLength} bytes is larger than the ${MAX_HEADER_BYTES} bytes safetensors allows`);
  }
  const headerBytes = new Uint8Array(Number(headerLength));
  await file.read(HEADER_START, headerBytes, headerBytes.length);
  const header = parseHeader(name, headerBytes);
  const entries = checkEntries(name, header, Number(dataStart), file.size);
  return { entries, dataStart: Number(dataStart) };
}

function parseHeader(name: string, bytes: Uint8Array): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new InputError({ file: name, byteOffset: HEADER_START }, 'header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    throw new InputError({ file: name, byteOffset: jsonErrorOffset(text, error.message) }, `header is not valid JSON: ${error.message}`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new InputError({ file: name, byteOffset: HEADER_START }, `header must be a JSON object, found ${describeJson(header)}`);
  }
  return header as Record<string, unknown>;
}

/** Where JSON.parse stopped, as a byte offset in the file, when its message says; else the header's first byte. */
function jsonErrorOffset(text: string, message: string): number {
  const position = /at position (\d+)/.exec(message);
  if (position !== null) return HEADER_START + Buffer.byteLength(text.slice(0, Number(position[1])), 'utf8');
  if (/end of JSON input/.test(message)) return HEADER_START + Buffer.byteLength(text, 'utf8');
  return HEADER_START;
}

function checkEntries(name: string, header: Record<string, unknown>, dataStart: number, fileSize: number): SafetensorsEntry[] {
  const entries: SafetensorsEntry[] = [];
  for (const [key, value] of Object.entries(header)) {
    const bad = (problem: string, byteOffset = HEADER_START): never => {
      throw new InputError({ file: name, byteOffset }, `tensor '${key}' in the header: ${problem}`);
    };
    if (key === '__metadata__') {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new InputError({ file: name, byteOffset: HEADER_START }, `'__metadata__' must be an object, found ${describeJson(value)}`);
      }
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad(`expected an object, found ${describeJson(value)}`);
    const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
    if (typeof dtype !== 'string') return bad(`'dtype' must be a string, found ${describeJson(dtype)}`);
    if (!Array.isArray(shape) || !shape.every(isCount)) return bad(`'shape' must be an array of non-negative integers, found ${JSON.stringify(shape) ?? 'nothing'}`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
      return bad(`'data_offsets' must be [BEGIN, END], two non-negative integers, found ${JSON.stringify(offsets) ?? 'nothing'}`);
    }
    const [begin, end] = offsets as [number, number];
    if (end < begin) return bad(`'data_offsets' [${begin}, ${end}] end before they begin`);
    if (dataStart + end > fileSize) {
      return bad(
        `'data_offsets' [${begin}, ${end}] run to byte ${dataStart + end} (the data starts at byte ${dataStart}), but the file ends at byte ${fileSize}; is it truncated?`,
        fileSize,
      );
    }
    entries.push({ name: key, dtype, shape: shape as number[], begin, end });
  }
  return entries;
}

/** The entry `tensorName` names, or the only one; an InputError listing them otherwise (`choose`: how to pick one). */
export function chooseTensor(name: string, entries: SafetensorsEntry[], tensorName: string | undefined, choose = `${FLAG.tensor} NAME`): SafetensorsEntry {
  if (tensorName !== undefined) {
    const found = entries.find((entry) => entry.name === tensorName);
    if (found !== undefined) return found;
    const holds = entries.length === 0 ? 'it holds no tensors' : `it holds ${listTensors(entries)}`;
    throw new InputError({ file: name }, `has no tensor named '${tensorName}'; ${holds}`);
  }
  if (entries.length === 1) return entries[0];
  if (entries.length === 0) throw new InputError({ file: name }, 'holds no tensors');
  throw new InputError({ file: name }, `holds ${entries.length} tensors; choose one with ${choose}: ${listTensors(entries)}`);
}

function listTensors(entries: SafetensorsEntry[]): string {
  const sorted = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const listed = sorted.slice(0, MAX_LISTED).map((entry) => `'${entry.name}' (${entry.dtype} ${formatShape(entry.shape)})`);
  const more = sorted.length > MAX_LISTED ? ` and ${sorted.length - MAX_LISTED} more` : '';
  return `${listed.join(', ')}${more}`;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function describeJson(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${JSON.stringify(value)}`;
}
