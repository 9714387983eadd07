import { OutputError } from '../errors.js';
import type { Format } from '../formats/index.js';
import { shortestDecimal } from '../formats/shortest-decimal.js';
import { npyHeader } from '../render/npy-header.js';
import type { Output } from './io.js';
import { openOutputFile, type OutputFile } from './output-file.js';

export type ValuesFormat = 'csv' | 'json' | 'jsonl' | 'npy';

/** Where `compute` writes its rows of values. */
export interface ValuesSink {
  /** Writes one output row (values[0..count)). */
  row(values: Float64Array, count: number): Promise<void>;
  finish(): Promise<void>;
  /** After a failure: leaves nothing half-written behind (a pipe or device just stops being written). */
  abort(): Promise<void>;
}

/** Text flushed in pieces of about this many characters: big enough to be cheap, small enough to stream. */
const FLUSH_CHARS = 1 << 16;

/** JSON has no NaN or Infinity: written as the strings the report uses. */
function jsonValue(text: string): string {
  if (text === 'nan') return '"NaN"';
  if (text === 'inf') return '"Infinity"';
  if (text === '-inf') return '"-Infinity"';
  return text;
}

/** CSV, JSON or JSON Lines, to stdout or to an --output file. */
class TextSink implements ValuesSink {
  private buffer: string;
  private first = true;
  constructor(
    private readonly format: Format,
    private readonly layout: 'csv' | 'json' | 'jsonl',
    private readonly stdout: Output | null,
    private readonly file: OutputFile | null,
  ) {
    this.buffer = layout === 'json' ? '[' : '';
  }
  async row(values: Float64Array, count: number): Promise<void> {
    const quote = this.layout === 'csv' ? (t: string) => t : jsonValue;
    const fields: string[] = [];
    for (let i = 0; i < count; i++) fields.push(quote(shortestDecimal(this.format, values[i])));
    if (this.layout === 'csv') this.buffer += `${fields.join(',')}\n`;
    else if (this.layout === 'jsonl') this.buffer += `[${fields.join(',')}]\n`;
    else this.buffer += `${this.first ? '\n' : ',\n'}[${fields.join(',')}]`;
    this.first = false;
    if (this.buffer.length >= FLUSH_CHARS) await this.flush();
  }
  async finish(): Promise<void> {
    if (this.layout === 'json') this.buffer += '\n]\n';
    await this.flush();
    await this.file?.commit();
  }
  async abort(): Promise<void> {
    await this.file?.abort();
  }
  private async flush(): Promise<void> {
    if (this.file) await this.file.write(Buffer.from(this.buffer));
    else await this.stdout!.write(this.buffer);
    this.buffer = '';
  }
}

/**
 * .npy in the dtype of the computation (float64 <f8, float32 <f4, float16 <f2). numpy has no
 * bfloat16: bfloat16 values are written as float32, which holds each of them exactly. The shape
 * is known only at the end, so the header is written with room to spare and rewritten in place.
 */
class NpySink implements ValuesSink {
  private rows = 0;
  private columns = -1;
  private readonly descr: string;
  private readonly itemSize: number;
  private buffer: Uint8Array;
  private view: DataView;
  private used = 0;
  private static readonly RESERVED = 128;

  constructor(
    format: Format,
    private readonly perRow: 'vector' | 'scalar',
    private readonly file: OutputFile,
  ) {
    [this.descr, this.itemSize] = format.dtype === 'float64' ? ['<f8', 8] : format.dtype === 'float16' ? ['<f2', 2] : ['<f4', 4];
    this.buffer = new Uint8Array(1 << 20);
    this.view = new DataView(this.buffer.buffer);
    const header = npyHeader(this.descr, [0, 0], NpySink.RESERVED);
    this.buffer.set(header);
    this.used = header.length;
  }
  async row(values: Float64Array, count: number): Promise<void> {
    if (this.columns < 0) this.columns = count;
    if (this.used + count * this.itemSize > this.buffer.length) await this.flush();
    if (count * this.itemSize > this.buffer.length) {
      // A row longer than the buffer (K > 131072 in float64): grow it to hold one row.
      this.buffer = new Uint8Array(count * this.itemSize);
      this.view = new DataView(this.buffer.buffer);
    }
    for (let i = 0; i < count; i++) {
      const at = this.used + i * this.itemSize;
      if (this.itemSize === 8) this.view.setFloat64(at, values[i], true);
      else if (this.itemSize === 4) this.view.setFloat32(at, values[i], true);
      else this.view.setUint16(at, float16Bits(values[i]), true);
    }
    this.used += count * this.itemSize;
    this.rows++;
  }
  async finish(): Promise<void> {
    await this.flush();
    const shape = this.perRow === 'scalar' ? [this.rows] : [this.rows, Math.max(this.columns, 0)];
    await this.file.writeAt(npyHeader(this.descr, shape, NpySink.RESERVED), 0);
    await this.file.commit();
  }
  async abort(): Promise<void> {
    await this.file.abort();
  }
  private async flush(): Promise<void> {
    await this.file.write(this.buffer.subarray(0, this.used));
    this.used = 0;
  }
}

/** The IEEE binary16 bit pattern of a value that is already a float16 (exact, so no rounding here). */
export function float16Bits(value: number): number {
  if (value !== value) return 0x7e00;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const magnitude = Math.abs(value);
  if (magnitude === Infinity) return sign | 0x7c00;
  if (magnitude < 6.103515625e-5) return sign | (magnitude * 16777216); // subnormal: units of 2^-24
  const exponent = Math.floor(Math.log2(magnitude));
  // log2 can be off by one next to a power of two: correct it so 2^exponent <= magnitude < 2^(exponent+1).
  const e = magnitude < 2 ** exponent ? exponent - 1 : magnitude >= 2 ** (exponent + 1) ? exponent + 1 : exponent;
  return sign | ((e + 15) << 10) | ((magnitude / 2 ** e - 1) * 1024);
}

/** Opens where the values go: stdout, or --output (see openOutputFile: replaced when complete, or a pipe or device written in place). */
export async function openValuesSink(format: Format, layout: ValuesFormat, perRow: 'vector' | 'scalar', output: string | undefined, stdout: Output): Promise<ValuesSink> {
  if (layout === 'npy') {
    if (output === undefined) throw new OutputError('--format npy needs -o FILE (binary output is not written to a terminal or a pipe)');
    // The shape is known at the end only: the header is rewritten then, so the file must be seekable.
    return new NpySink(format, perRow, await openOutputFile(output, 'the values', true));
  }
  return new TextSink(format, layout, output === undefined ? stdout : null, output === undefined ? null : await openOutputFile(output, 'the values', false));
}
