// Reads the committed PyTorch 1.13 CPU kernel fixtures (fixtures/torch/cpu/*.json, made by
// fixtures/torch/generate_cpu_kernels.py; the layout is in fixtures/torch/README.md). Values are
// stored as base64 of their raw little-endian bits (uint16 for bfloat16, uint32 for float32); a
// row of a large K may be split over several part files, which this loader merges.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const TORCH_CPU_DIR = fileURLToPath(new URL('../../fixtures/torch/cpu/', import.meta.url));

export type TorchCpuDtype = 'bfloat16' | 'float32';
export type TorchCpuFunction = 'softmax' | 'log_softmax' | 'logsumexp' | 'cross_entropy';
export type DimKind = 'last' | 'nonLast';
export type RowKind = 'random' | 'spread' | 'ties' | 'partial-mask' | 'full-mask';

export const TORCH_CPU_DTYPES: readonly TorchCpuDtype[] = ['bfloat16', 'float32'];
export const TORCH_CPU_FUNCTIONS: readonly TorchCpuFunction[] = ['softmax', 'log_softmax', 'logsumexp', 'cross_entropy'];
export const DIM_KINDS: readonly DimKind[] = ['last', 'nonLast'];

/** One (function, dtype, dim kind, K) line of the index's summary. */
export interface TorchCpuShare {
  function: TorchCpuFunction;
  dtype: TorchCpuDtype;
  dim: DimKind;
  K: number;
  rows: number;
  /** Outputs with a defined exact value (fully masked rows' softmax, log_softmax and loss are not). */
  outputs: number;
  correctlyRounded: number;
  share: number | null;
  defaultCorrectlyRounded: number;
  defaultShare: number | null;
}

export interface TorchCpuIndex {
  generator: string;
  torch: string;
  numpy: string;
  python: string;
  mpmath: string;
  platform: string;
  atenCpuCapability: string;
  alsoRun: string;
  cpuCapabilityReported: Record<string, string[]>;
  threads: number;
  /** "function/dimKind" -> what float16 does in 1.13 (an error) */
  float16: Record<string, { ok: boolean; error?: string; result?: string[] }>;
  files: string[];
  summary: TorchCpuShare[];
}

/** What torch returned on one dim kind, decoded. */
export interface TorchCpuRun {
  /** Raw bits (uint16 or uint32) under ATEN_CPU_CAPABILITY=avx2. */
  bits: number[];
  values: number[];
  /** [index, signed ulp distance from the correctly rounded value, or null if a NaN is involved]. */
  notCorrectlyRounded?: Array<[number, number | null]>;
  /** [index, bits] where ATEN_CPU_CAPABILITY=default gives other bits. */
  defaultDiffers: Array<[number, number]>;
  /** The bits under ATEN_CPU_CAPABILITY=default (the avx2 bits with defaultDiffers applied). */
  defaultBits: number[];
}

export interface TorchCpuOutput {
  /** null where the exact value is undefined (a fully masked row's softmax, log_softmax, loss). */
  exact: { indices: number[]; values: string[] } | null;
  exactRoundedBits?: number[];
  exactRounded?: number[];
  last: TorchCpuRun;
  nonLast: TorchCpuRun;
}

export interface TorchCpuRow {
  dtype: TorchCpuDtype;
  K: number;
  /** R: the rows of this (dtype, K) form one [R, K] tensor (last dim) and one [K, R] (non-last). */
  batchRows: number;
  name: string;
  kind: RowKind;
  /** The row's index in the batch: its column in the non-last-dim tensor. */
  column: number;
  label: number;
  inputBits: number[];
  input: number[];
  functions: Record<TorchCpuFunction, TorchCpuOutput>;
}

interface RawRun {
  torch: string;
  notCorrectlyRounded?: Array<[number, number | null]>;
  defaultDiffers: Array<[number, number]>;
}
interface RawOutput {
  exact?: { indices: number[] | 'all'; values: string[] } | null;
  exactRounded?: string;
  last?: RawRun;
  nonLast?: RawRun;
}
interface RawRow {
  name: string;
  kind: RowKind;
  column: number;
  label: number;
  input: string;
  functions: Partial<Record<TorchCpuFunction, RawOutput>>;
}
interface RawFile {
  dtype: TorchCpuDtype;
  K: number;
  batchRows: number;
  part: number;
  parts: number;
  rows: RawRow[];
}

export function torchCpuIndex(): TorchCpuIndex {
  return JSON.parse(readFileSync(TORCH_CPU_DIR + 'index.json', 'utf8')) as TorchCpuIndex;
}

export function readTorchCpuFile(name: string): RawFile {
  return JSON.parse(readFileSync(TORCH_CPU_DIR + name, 'utf8')) as RawFile;
}

/** The raw bits of a base64 array of little-endian uint16 (bfloat16) or uint32 (float32) values. */
export function decodeBits(dtype: TorchCpuDtype, base64: string): number[] {
  const bytes = Buffer.from(base64, 'base64');
  const width = dtype === 'bfloat16' ? 2 : 4;
  if (bytes.length % width !== 0) throw new Error(`torch-cpu fixture: ${bytes.length} bytes is not a whole number of ${dtype} values`);
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i += width) out.push(width === 2 ? bytes.readUInt16LE(i) : bytes.readUInt32LE(i));
  return out;
}

const view = new DataView(new ArrayBuffer(4));

/** The value of raw bits (a bfloat16 is the top half of a float32). */
export function bitsToValue(dtype: TorchCpuDtype, bits: number): number {
  view.setUint32(0, dtype === 'bfloat16' ? bits << 16 : bits);
  return view.getFloat32(0);
}

function decodeRun(dtype: TorchCpuDtype, raw: RawRun): TorchCpuRun {
  const bits = decodeBits(dtype, raw.torch);
  const defaultBits = bits.slice();
  for (const [i, b] of raw.defaultDiffers) defaultBits[i] = b;
  return {
    bits,
    values: bits.map((b) => bitsToValue(dtype, b)),
    ...(raw.notCorrectlyRounded ? { notCorrectlyRounded: raw.notCorrectlyRounded } : {}),
    defaultDiffers: raw.defaultDiffers,
    defaultBits,
  };
}

/** Every row of one dtype (all K, or one K), its parts merged, in (K, column) order. */
export function torchCpuRows(dtype: TorchCpuDtype, k?: number): TorchCpuRow[] {
  const merged = new Map<string, { file: RawFile; row: RawRow; functions: Partial<Record<TorchCpuFunction, RawOutput>> }>();
  for (const name of torchCpuIndex().files) {
    if (!name.startsWith(dtype + '-')) continue;
    const file = readTorchCpuFile(name);
    if (k !== undefined && file.K !== k) continue;
    for (const row of file.rows) {
      const key = `${file.K}/${row.column}`;
      const entry = merged.get(key) ?? { file, row, functions: {} };
      for (const fn of Object.keys(row.functions) as TorchCpuFunction[]) {
        entry.functions[fn] = { ...entry.functions[fn], ...row.functions[fn] };
      }
      merged.set(key, entry);
    }
  }
  const rows: TorchCpuRow[] = [];
  for (const { file, row, functions } of merged.values()) {
    const inputBits = decodeBits(dtype, row.input);
    const decoded = {} as Record<TorchCpuFunction, TorchCpuOutput>;
    for (const fn of TORCH_CPU_FUNCTIONS) {
      const raw = functions[fn];
      if (!raw?.last || !raw.nonLast || raw.exact === undefined) {
        throw new Error(`torch-cpu fixture ${dtype} K=${file.K} row ${row.name}: ${fn} is incomplete`);
      }
      const n = fn === 'softmax' || fn === 'log_softmax' ? file.K : 1;
      const exactRoundedBits = raw.exactRounded === undefined ? undefined : decodeBits(dtype, raw.exactRounded);
      decoded[fn] = {
        exact:
          raw.exact === null
            ? null
            : { indices: raw.exact.indices === 'all' ? Array.from({ length: n }, (_, i) => i) : raw.exact.indices, values: raw.exact.values },
        ...(exactRoundedBits ? { exactRoundedBits, exactRounded: exactRoundedBits.map((b) => bitsToValue(dtype, b)) } : {}),
        last: decodeRun(dtype, raw.last),
        nonLast: decodeRun(dtype, raw.nonLast),
      };
    }
    rows.push({
      dtype,
      K: file.K,
      batchRows: file.batchRows,
      name: row.name,
      kind: row.kind,
      column: row.column,
      label: row.label,
      inputBits,
      input: inputBits.map((b) => bitsToValue(dtype, b)),
      functions: decoded,
    });
  }
  return rows.sort((a, b) => a.K - b.K || a.column - b.column);
}
