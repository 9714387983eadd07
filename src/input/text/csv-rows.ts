// CSV records to rows of logits: the header, column selection, number parsing and the checks
// that every record has the same number of fields.

import { InputError, UsageError } from '../../errors.js';
import type { RowBatcher, TextParser } from '../batch.js';
import { rowLengthProblem } from '../batch.js';
import { resolveColumns, specsUseNames } from './columns.js';
import { CsvTokenizer, type CsvFieldSink } from './csv-tokenizer.js';
import { parseDecimal } from './fast-number.js';
import { parseLogit, quoteToken } from './number-token.js';
import { FLAG } from '../option-flags.js';
import type { InputInfo, ReadOptions } from '../row.js';
import { MAX_TOKEN_CHARS, SPACE, TAB } from './chars.js';

interface HeldField {
  text: string;
  line: number;
  column: number;
  tooLong: boolean;
}

export class CsvRowParser implements CsvFieldSink, TextParser {
  private readonly tokenizer: CsvTokenizer;
  /** The first record's fields, held until it ends to decide whether it is a header. */
  private firstRecord: HeldField[] | undefined = [];
  private fieldCount = 0;
  private fieldCountLine = 0;
  private header: string[] | undefined;
  /** For each field of a record: its position in the row, or -1 if the column is not kept. */
  private slotOfField = new Int32Array(0);
  private keptNames: string[] | undefined;
  private rowLength = 0;
  private values = new Float64Array(0);
  private rowLine = 0;
  private extraField: { line: number; column: number } | undefined;
  /** The first blank line not yet followed by a record (0: none); trailing ones are ignored. */
  private pendingBlankLine = 0;

  constructor(
    private readonly file: string,
    private readonly delimiter: string,
    private readonly options: ReadOptions,
    private readonly rows: RowBatcher,
  ) {
    this.tokenizer = new CsvTokenizer(file, delimiter.charCodeAt(0), this);
    if (options.header === false && (specsUseNames(options.columns) || specsUseNames(options.excludeColumns))) {
      throw new UsageError(
        `${FLAG.noHeader}: columns are selected by name, which needs the header; select them by 1-based index instead`,
      );
    }
  }

  push(text: string): void {
    this.tokenizer.push(text);
  }

  end(): void {
    this.tokenizer.end();
    if (this.rows.total === 0) {
      const { line, column } = this.tokenizer.position();
      const problem = this.header === undefined ? 'no data rows' : 'no data rows (only a header)';
      throw new InputError({ file: this.file, line, column }, problem);
    }
  }

  info(): Omit<InputInfo, 'name'> {
    const info: Omit<InputInfo, 'name'> = { format: 'csv', delimiter: this.delimiter, columns: this.rowLength };
    if (this.keptNames !== undefined) info.header = this.keptNames;
    return info;
  }

  wantsText(fieldIndex: number): boolean {
    return this.firstRecord !== undefined || (fieldIndex < this.fieldCount && this.slotOfField[fieldIndex] >= 0);
  }

  field(fieldIndex: number, text: string, line: number, column: number, tooLong: boolean): void {
    if (fieldIndex === 0) this.startRecord(line);
    if (this.firstRecord !== undefined) {
      this.firstRecord.push({ text, line, column, tooLong });
    } else if (fieldIndex >= this.fieldCount) {
      this.extraField ??= { line, column };
    } else {
      const slot = this.slotOfField[fieldIndex];
      if (slot >= 0) this.values[slot] = this.parse(text, line, column, tooLong);
    }
  }

  /**
   * A kept field after the first record that reads as a decimal literal is parsed in place; all
   * else (the first record, which may be a header, nan and inf, errors) goes through field().
   */
  fieldInChunk(fieldIndex: number, chunk: string, start: number, end: number, line: number): boolean {
    if (this.firstRecord !== undefined || fieldIndex >= this.fieldCount) return false;
    const slot = this.slotOfField[fieldIndex];
    if (slot < 0) return false;
    // The tokenizer skipped the spaces before the field; drop those after it, as trimSpaces does.
    while (end > start && (chunk.charCodeAt(end - 1) === SPACE || chunk.charCodeAt(end - 1) === TAB)) end--;
    const value = parseDecimal(chunk, start, end);
    if (Number.isNaN(value)) return false; // not a decimal literal
    if (fieldIndex === 0) this.startRecord(line);
    this.values[slot] = value;
    return true;
  }

  private startRecord(line: number): void {
    if (this.pendingBlankLine !== 0) {
      // Only blank lines at the end are ignored: one before a record would silently drop a row.
      throw new InputError(
        { file: this.file, line: this.pendingBlankLine, column: 1 },
        'empty row (blank lines are allowed only at the end of the input)',
      );
    }
    this.rowLine = line;
    this.extraField = undefined;
    if (this.firstRecord === undefined) this.values = new Float64Array(this.rowLength);
  }

  recordEnd(fieldCount: number, line: number, column: number): void {
    if (this.firstRecord !== undefined) {
      this.endFirstRecord(fieldCount);
      return;
    }
    if (fieldCount !== this.fieldCount) {
      // Too many: point at the first extra field; too few: at the line end, where one is missing.
      const at = fieldCount > this.fieldCount && this.extraField !== undefined ? this.extraField : { line, column };
      throw new InputError(
        { file: this.file, ...at },
        rowLengthProblem(fieldCount, this.fieldCount, 'field', this.fieldCountLine),
      );
    }
    this.rows.add(this.values, this.rowLine);
  }

  blankLine(line: number): void {
    if (this.pendingBlankLine === 0) this.pendingBlankLine = line;
  }

  private endFirstRecord(fieldCount: number): void {
    const fields = this.firstRecord ?? [];
    this.firstRecord = undefined;
    this.fieldCount = fieldCount;
    this.fieldCountLine = this.rowLine;
    const { columns, excludeColumns } = this.options;

    let hasHeader = this.options.header;
    // A name can only be resolved against a header, so naming a column implies one.
    if (hasHeader === undefined && (specsUseNames(columns) || specsUseNames(excludeColumns))) hasHeader = true;
    if (hasHeader === undefined) hasHeader = this.looksLikeHeader(fields);
    if (hasHeader) {
      const tooLong = fields.find((field) => field.tooLong);
      if (tooLong !== undefined) this.parse('', tooLong.line, tooLong.column, true);
      this.header = fields.map((field) => field.text);
    }

    const kept = resolveColumns(fieldCount, this.header, columns, excludeColumns);
    this.slotOfField = new Int32Array(fieldCount).fill(-1);
    kept.forEach((fieldIndex, slot) => {
      this.slotOfField[fieldIndex] = slot;
    });
    this.rowLength = kept.length;
    const header = this.header;
    this.keptNames = header === undefined ? undefined : kept.map((index) => header[index]);

    if (!hasHeader) {
      const values = new Float64Array(this.rowLength);
      kept.forEach((fieldIndex, slot) => {
        const field = fields[fieldIndex];
        values[slot] = this.parse(field.text, field.line, field.column, field.tooLong);
      });
      this.rows.add(values, this.rowLine);
    }
  }

  /**
   * Header detection. A word in a kept column makes a header; a word in an excluded column does
   * not (a headerless file with a label column). Empty fields make a header only when every one
   * of them is in an excluded column: pandas writes an empty name above its index column, which
   * the user excludes. An empty kept field leaves the line as data, so '1,,3' is reported as an
   * empty field rather than silently taken for a header and dropped.
   */
  private looksLikeHeader(fields: HeldField[]): boolean {
    const kept = new Set(this.keptForDetection(fields.length));
    const isEmpty = (field: HeldField) => field.text === '' && !field.tooLong;
    const word = fields.some(
      (field, index) => kept.has(index) && !isEmpty(field) && (field.tooLong || parseLogit(field.text) === undefined),
    );
    if (word) return true;
    const empties = fields.flatMap((field, index) => (isEmpty(field) ? [index] : []));
    return empties.length > 0 && empties.every((index) => !kept.has(index));
  }

  /**
   * The kept columns, resolved before the header is known (the specs are all indices here). If
   * they do not fit the record, every column decides; the resolution that follows, with the
   * header names, then reports the bad spec.
   */
  private keptForDetection(fieldCount: number): number[] {
    try {
      return resolveColumns(fieldCount, undefined, this.options.columns, this.options.excludeColumns);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      return Array.from({ length: fieldCount }, (_, index) => index);
    }
  }

  private parse(text: string, line: number, column: number, tooLong: boolean): number {
    const at = { file: this.file, line, column };
    if (tooLong) throw new InputError(at, `field is longer than ${MAX_TOKEN_CHARS} characters`);
    if (text === '') throw new InputError(at, 'empty field (an empty field is never read as 0)');
    const value = parseLogit(text);
    if (value !== undefined) return value;
    throw new InputError(at, `expected a number, got ${quoteToken(text)}${this.hint(text)}`);
  }

  /** np.savetxt separates with spaces, which are not sniffed: say how to read such a file. */
  private hint(text: string): string {
    if (this.delimiter === ' ' || !text.includes(' ')) return '';
    const parts = text.split(/[ ]+/);
    if (!parts.every((part) => parseLogit(part) !== undefined)) return '';
    return ` (if the values are separated by spaces, use ${FLAG.delimiter} ' ')`;
  }
}
