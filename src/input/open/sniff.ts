// Guessing what an input is when the user did not say: the format from the file name, the
// first bytes (a binary tensor) or the first significant character, the CSV delimiter from the
// first records.

import { extname } from 'node:path';
import { NPY_MAGIC } from '../tensor/npy.js';
import type { TensorFormat } from '../tensor/tensor-rows.js';
import type { InputFormat } from '../row.js';
import { MAX_HEADER_BYTES as SAFETENSORS_MAX_HEADER_BYTES } from '../tensor/safetensors.js';

const FORMAT_BY_EXTENSION: Record<string, Extract<InputFormat, 'csv' | 'json' | 'jsonl'>> = {
  '.csv': 'csv',
  '.tsv': 'csv',
  '.txt': 'csv',
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
};

/** The format implied by the file name, if its extension is one we know ('<stdin>' has none). */
export function formatFromName(name: string): Extract<InputFormat, 'csv' | 'json' | 'jsonl'> | undefined {
  return FORMAT_BY_EXTENSION[extname(name).toLowerCase()];
}

/** Bytes sniffTensorFormat needs to decide (fewer only at the end of the input). */
export const TENSOR_SNIFF_BYTES = 9;

/** A zip archive (.npz) starts with a local file header, "PK\3\4", or, when empty, with its end record, "PK\5\6". */
const ZIP_STARTS = [
  [0x50, 0x4b, 0x03, 0x04],
  [0x50, 0x4b, 0x05, 0x06],
];

/**
 * The format when the first bytes are those of a binary tensor, else undefined (text).
 * .npy starts with "\x93NUMPY"; .npz (a zip archive) with "PK\3\4" (or "PK\5\6" when empty); a
 * safetensors file with its header length (8 bytes, little-endian, at most the library's 100 MB)
 * and the header's opening '{'. None can start a text input of logits: 0x93 cannot begin UTF-8,
 * 0x03 and 0x05 are control characters, and 8 text bytes read as a length are far above 100 MB
 * (their last byte is at least 0x09, so the length is at least 2^56).
 */
export function sniffTensorFormat(head: Uint8Array): TensorFormat | undefined {
  if (head.length >= NPY_MAGIC.length && NPY_MAGIC.every((byte, i) => head[i] === byte)) return 'npy';
  if (ZIP_STARTS.some((start) => head.length >= start.length && start.every((byte, i) => head[i] === byte))) return 'npz';
  if (head.length >= TENSOR_SNIFF_BYTES && head[8] === 0x7b) {
    const length = new DataView(head.buffer, head.byteOffset, 8).getBigUint64(0, true);
    if (length >= 2n && length <= BigInt(SAFETENSORS_MAX_HEADER_BYTES)) return 'safetensors';
  }
  return undefined;
}

/**
 * 'json-family' when the first character that is not whitespace opens a JSON array or object
 * (JSON and JSON Lines are told apart later, by the JSON reader, see json-rows.ts), 'csv' for
 * any other character, undefined while the text seen so far is all whitespace.
 */
export function sniffFormat(text: string): 'csv' | 'json-family' | undefined {
  const match = /[^ \t\r\n]/.exec(text);
  if (match === null) return undefined;
  return match[0] === '[' || match[0] === '{' ? 'json-family' : 'csv';
}

export const DELIMITER_CANDIDATES = [',', '\t', ';'] as const;

/** Records looked at; enough to see a header and several data rows. */
const SNIFF_RECORDS = 10;
/** Characters looked at at most, so a file with one huge line is not held in memory to sniff it. */
const SNIFF_CHARS = 1 << 16;

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
const SPACE = 0x20;
const TAB = 0x09;

/**
 * Counts each candidate delimiter per record, outside double quotes, incrementally so text can
 * arrive in chunks of any size. Records with nothing but spaces (blank lines) are not counted.
 */
export class DelimiterSniffer {
  private readonly records: number[][] = [];
  private counts = [0, 0, 0];
  private hasContent = false;
  private pendingTabs = 0;
  private inQuotes = false;
  private seenChars = 0;

  push(text: string): void {
    for (let i = 0; i < text.length && !this.done(); i++) {
      this.seenChars++;
      const c = text.charCodeAt(i);
      // A doubled quote inside quotes toggles twice, so plain toggling tracks RFC 4180 quoting.
      if (c === QUOTE) {
        this.inQuotes = !this.inQuotes;
        this.hasContent = true;
        this.counts[1] += this.pendingTabs;
        this.pendingTabs = 0;
      } else if (this.inQuotes) {
        continue;
      } else if (c === CR || c === LF) {
        this.endRecord();
      } else if (c === TAB) {
        // Tabs count only between content: tabs padding a line's ends are not separators.
        if (this.hasContent) this.pendingTabs++;
      } else if (c !== SPACE) {
        this.hasContent = true;
        this.counts[1] += this.pendingTabs;
        this.pendingTabs = 0;
        if (c === 0x2c) this.counts[0]++;
        else if (c === 0x3b) this.counts[2]++;
      }
    }
  }

  /** True once enough has been seen to choose; before that, choose only at end of input. */
  done(): boolean {
    return this.records.length >= SNIFF_RECORDS || this.seenChars >= SNIFF_CHARS;
  }

  /**
   * The candidate found the same nonzero number of times in every record (the most frequent if
   * several are; ties go to ',' then tab then ';'); failing that, the most frequent in the first
   * record; ',' if none occurs (a one-column file, where the delimiter does not matter).
   */
  delimiter(): string {
    // An incomplete last record counts only when it is all there is (one huge first line).
    const records = this.records.length > 0 ? this.records : this.hasContent ? [this.counts] : [];
    if (records.length === 0) return ',';
    let best = -1;
    for (let k = 0; k < DELIMITER_CANDIDATES.length; k++) {
      const first = records[0][k];
      const consistent = first > 0 && records.every((counts) => counts[k] === first);
      if (consistent && (best < 0 || first > records[0][best])) best = k;
    }
    if (best < 0) {
      for (let k = 0; k < DELIMITER_CANDIDATES.length; k++) {
        if (records[0][k] > 0 && (best < 0 || records[0][k] > records[0][best])) best = k;
      }
    }
    return DELIMITER_CANDIDATES[best < 0 ? 0 : best];
  }

  private endRecord(): void {
    if (this.hasContent) this.records.push(this.counts);
    this.counts = [0, 0, 0];
    this.hasContent = false;
    this.pendingTabs = 0;
  }
}
