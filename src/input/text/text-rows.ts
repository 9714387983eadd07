// Text to rows: strips a UTF-8 byte order mark, settles the format (and the CSV delimiter) from
// the options, the file name or the first characters, then hands everything to one parser.

import { UsageError } from '../../errors.js';
import type { RowBatcher, TextParser } from '../batch.js';
import { CsvRowParser } from './csv-rows.js';
import { JsonRowParser } from './json-rows.js';
import { FLAG, rejectJsonOptions } from '../option-flags.js';
import type { InputFormat, InputInfo, ReadOptions } from '../row.js';
import { DelimiterSniffer, formatFromName, sniffFormat } from '../open/sniff.js';

const BYTE_ORDER_MARK = 0xfeff;

const CSV_ONLY_OPTIONS = ['delimiter', 'header', 'columns', 'excludeColumns', 'idColumn', 'emptyAsNaN'] as const;

/** The formats read as text (binary tensors go through tensor-rows.ts). */
type TextFormat = Extract<InputFormat, 'csv' | 'json' | 'jsonl'>;

export class TextRowReader {
  private parser: TextParser | undefined;
  /** Text held while the format or the delimiter is being sniffed (at most ~64K characters). */
  private pending = '';
  private atStart = true;
  /** undefined until known; 'json-family' when sniffed: JSON or JSON Lines, see json-rows.ts. */
  private format: TextFormat | 'json-family' | undefined;
  private sniffer: DelimiterSniffer | undefined;

  constructor(
    private readonly name: string,
    private readonly options: ReadOptions,
    private readonly rows: RowBatcher,
  ) {
    // readRows' checkTextOptions has already refused the binary formats.
    this.format = (options.format as TextFormat | undefined) ?? formatFromName(name);
    if (this.format === 'csv' && options.delimiter === undefined) this.sniffer = new DelimiterSniffer();
  }

  push(text: string): void {
    if (this.atStart) {
      if (text === '') return;
      this.atStart = false;
      if (text.charCodeAt(0) === BYTE_ORDER_MARK) text = text.slice(1);
    }
    if (this.parser !== undefined) {
      this.parser.push(text);
      return;
    }
    this.pending += text;
    if (this.format === undefined) {
      this.format = sniffFormat(this.pending);
      if (this.format === undefined) return; // only whitespace so far
      if (this.format === 'csv' && this.options.delimiter === undefined) {
        this.sniffer = new DelimiterSniffer();
        this.sniffer.push(this.pending);
      }
    } else {
      this.sniffer?.push(text);
    }
    if (this.sniffer === undefined || this.sniffer.done()) this.start();
  }

  end(): void {
    // Empty or all-whitespace input of unknown format: any parser says "no data rows"; CSV's does.
    this.format ??= 'csv';
    if (this.parser === undefined) this.start();
    this.parser?.end();
  }

  /** Valid once a row has been produced. */
  info(): InputInfo {
    if (this.parser === undefined) throw new Error('info() was called before any row was read');
    return { name: this.name, ...this.parser.info() };
  }

  private start(): void {
    const format = this.format ?? 'csv';
    if (this.options.tensor !== undefined) {
      const formatName = format === 'csv' ? 'CSV' : format === 'jsonl' ? 'JSON Lines' : 'JSON';
      throw new UsageError(`${FLAG.tensor} applies to safetensors and .npz input only, but ${this.name} is ${formatName}`);
    }
    const formatName = format === 'csv' ? 'CSV' : format === 'jsonl' ? 'JSON Lines' : 'JSON';
    if (this.options.labelsTensor !== undefined) {
      throw new UsageError(`${FLAG.labelsTensor} applies to safetensors and .npz input only, but ${this.name} is ${formatName}; give a file of labels with ${FLAG.labels} FILE`);
    }
    if (format !== 'csv' && this.options.labels !== undefined) {
      // open-input.ts has taken a file away: this names a column, which only CSV has.
      throw new UsageError(`${FLAG.labels} ${this.options.labels}: no such file (a column applies to CSV input only, but ${this.name} is ${formatName}: name the key of each record's label with ${FLAG.labelKey})`);
    }
    if (format === 'csv') {
      rejectJsonOptions(this.options, 'csv');
      const delimiter = this.options.delimiter ?? this.sniffer?.delimiter() ?? ',';
      this.parser = new CsvRowParser(this.name, delimiter, this.options, this.rows);
    } else {
      this.rejectCsvOptions(format === 'jsonl' ? 'JSON Lines' : 'JSON');
      this.parser = new JsonRowParser(this.name, format === 'json-family' ? 'auto' : format, this.rows, this.options);
    }
    this.sniffer = undefined;
    const pending = this.pending;
    this.pending = '';
    this.parser.push(pending);
  }

  /** Options that would change CSV data must not be silently ignored on other formats. */
  private rejectCsvOptions(formatName: string): void {
    const given = CSV_ONLY_OPTIONS.filter((key) => {
      const value = this.options[key];
      return value !== undefined && !(Array.isArray(value) && value.length === 0);
    }).map((key) => (key === 'header' && this.options.header === false ? FLAG.noHeader : FLAG[key]));
    if (given.length > 0) {
      throw new UsageError(`${given.join(', ')}: only for CSV input, but ${this.name} is ${formatName}`);
    }
  }
}
