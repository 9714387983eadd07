// CSV records to rows of logits: the header, column selection, number parsing and the checks
// that every record has the same number of fields.
//
// The first records are held until the layout is decided: whether line 1 is a header (a word in
// a kept column; or pandas' all-number header 0,1,...,K-1, which needs the next record to tell
// from data), and which columns are not logits (an id column, and columns named like a label or
// an index whose first value is an integer). At most two records are held.

import { InputError, UsageError } from '../../errors.js';
import type { RowLabel } from '../../metrics/summary.js';
import type { RowBatcher, TextParser } from '../batch.js';
import { rowLengthProblem } from '../batch.js';
import { FLAG } from '../option-flags.js';
import type { InputInfo, LabelsInfo, ReadOptions } from '../row.js';
import { binaryProblem, isBinary, targetProblem } from '../targets.js';
import { MAX_TOKEN_CHARS, SPACE, TAB } from './chars.js';
import { resolveColumns, specsUseNames } from './columns.js';
import { CsvTokenizer, type CsvFieldSink } from './csv-tokenizer.js';
import { parseDecimal } from './fast-number.js';
import { parseLogit, quoteToken } from './number-token.js';

interface HeldField {
  text: string;
  line: number;
  column: number;
  tooLong: boolean;
}

interface HeldRecord {
  fields: HeldField[];
  fieldCount: number;
  line: number;
  /** Where the record ended: a missing field is reported there. */
  end: { line: number; column: number };
}

/**
 * Header names of columns that hold something other than logits: labels, targets, ids, and the
 * index pandas writes (an empty name, or 'Unnamed: 0' once read back and saved again). Such a
 * column whose first value is an integer is left out, with a note; a later non-integer value in
 * it is an error rather than a silent guess.
 */
const NOT_LOGIT_NAMES = new Set(['label', 'labels', 'target', 'targets', 'y', 'class', 'id', 'index', '', 'unnamed: 0']);

/** The header name of the column read as the labels when --labels is not given (--no-labels: not). */
export const DEFAULT_LABEL_COLUMN = 'label';

/** Control characters other than tab cannot be in a text export: the input is binary. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export class CsvRowParser implements CsvFieldSink, TextParser {
  private readonly tokenizer: CsvTokenizer;
  /** Records held until the layout is decided (undefined once it is); the last one is being read. */
  private held: HeldRecord[] | undefined = [];
  private heldFields: HeldField[] = [];
  private fieldCount = 0;
  private fieldCountLine = 0;
  private header: string[] | undefined;
  /** How line 1 was judged a header, for the message when no data follows. */
  private headerReason: string | undefined;
  /** For each field of a record: its position in the row, or -1 if the column is not kept. */
  private slotOfField = new Int32Array(0);
  /** Fields left out because they look like labels or an index: each value must stay an integer. */
  private integerOnly = new Uint8Array(0);
  private idField = -1;
  /** The field holding each row's label (--labels COLUMN, or a column named `label`), or -1. */
  private labelField = -1;
  private labels: LabelsInfo | undefined;
  private binary = false;
  private rowTarget: number | undefined;
  private keptNames: string[] | undefined;
  private rowLength = 0;
  private values = new Float64Array(0);
  private rowId: string | undefined;
  private rowLine = 0;
  private extraField: { line: number; column: number } | undefined;
  /** The first blank line not yet followed by a record (0: none); trailing ones are ignored. */
  private pendingBlankLine = 0;
  private readonly notes: string[] = [];

  constructor(
    private readonly file: string,
    private readonly delimiter: string,
    private readonly options: ReadOptions,
    private readonly rows: RowBatcher,
  ) {
    this.tokenizer = new CsvTokenizer(file, delimiter.charCodeAt(0), this);
    if (options.header === false && (specsUseNames(options.columns) || specsUseNames(options.excludeColumns) || specsUseNames(idSpecs(options)) || specsUseNames(labelSpecs(options)))) {
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
    if (this.held !== undefined) this.decideLayout(true);
    if (this.rows.total === 0) {
      const { line, column } = this.tokenizer.position();
      let problem = 'no data rows';
      if (this.header !== undefined) {
        problem = this.headerReason === undefined ? 'no data rows (only a header)' : `no data rows: line 1 was read as a header because ${this.headerReason}; if it is data, pass ${FLAG.noHeader}`;
      }
      throw new InputError({ file: this.file, line, column }, problem);
    }
  }

  info(): Omit<InputInfo, 'name'> {
    const info: Omit<InputInfo, 'name'> = { format: 'csv', delimiter: this.delimiter, columns: this.rowLength };
    if (this.keptNames !== undefined) info.header = this.keptNames;
    if (this.labels !== undefined) info.labels = this.labels;
    if (this.notes.length > 0) info.notes = [...this.notes];
    return info;
  }

  wantsText(fieldIndex: number): boolean {
    if (this.held !== undefined) return true;
    return fieldIndex < this.fieldCount && (this.slotOfField[fieldIndex] >= 0 || fieldIndex === this.idField || fieldIndex === this.labelField || this.integerOnly[fieldIndex] === 1);
  }

  field(fieldIndex: number, text: string, line: number, column: number, tooLong: boolean): void {
    if (fieldIndex === 0) this.startRecord(line);
    if (this.held !== undefined) {
      this.heldFields.push({ text, line, column, tooLong });
    } else if (fieldIndex >= this.fieldCount) {
      this.extraField ??= { line, column };
    } else {
      this.takeField(fieldIndex, text, line, column, tooLong);
    }
  }

  /**
   * A kept field after the layout is decided that reads as a decimal literal is parsed in place;
   * all else (held records, nan and inf, ids, errors) goes through field().
   */
  fieldInChunk(fieldIndex: number, chunk: string, start: number, end: number, line: number): boolean {
    if (this.held !== undefined || fieldIndex >= this.fieldCount) return false;
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
    this.rowId = undefined;
    this.rowTarget = undefined;
    if (this.held === undefined) this.values = new Float64Array(this.rowLength);
  }

  recordEnd(fieldCount: number, line: number, column: number): void {
    if (this.held !== undefined) {
      this.held.push({ fields: this.heldFields, fieldCount, line: this.rowLine, end: { line, column } });
      this.heldFields = [];
      this.decideLayout(false);
      return;
    }
    this.checkFieldCount(fieldCount, this.extraField, { line, column });
    this.addRow();
  }

  blankLine(line: number): void {
    if (this.pendingBlankLine === 0) this.pendingBlankLine = line;
  }

  private checkFieldCount(fieldCount: number, extra: { line: number; column: number } | undefined, end: { line: number; column: number }): void {
    if (fieldCount === this.fieldCount) return;
    // Too many: point at the first extra field; too few: at the line end, where one is missing.
    const at = fieldCount > this.fieldCount && extra !== undefined ? extra : end;
    throw new InputError({ file: this.file, ...at }, rowLengthProblem(fieldCount, this.fieldCount, 'field', this.fieldCountLine));
  }

  private addRow(): void {
    const label: RowLabel | undefined = this.rowId === undefined ? undefined : { id: this.rowId };
    this.rows.add(this.values, this.rowLine, label, this.rowTarget);
  }

  /** A field of a data record, once the layout is known. */
  private takeField(fieldIndex: number, text: string, line: number, column: number, tooLong: boolean): void {
    const slot = this.slotOfField[fieldIndex];
    if (slot >= 0) {
      this.values[slot] = this.parse(fieldIndex, text, line, column, tooLong);
    } else if (fieldIndex === this.idField) {
      this.rowId = tooLong ? text.slice(0, MAX_TOKEN_CHARS) : text;
    } else if (fieldIndex === this.labelField) {
      this.rowTarget = this.parseTarget(fieldIndex, text, line, column, tooLong);
    } else if (this.integerOnly[fieldIndex] === 1) {
      const value = tooLong ? undefined : parseLogit(text);
      if (value === undefined || !Number.isInteger(value)) {
        const name = this.header![fieldIndex];
        throw new InputError(
          { file: this.file, line, column },
          `field ${fieldIndex + 1} '${name}' holds ${quoteToken(text)}, not an integer, but was left out as a label or index column (its name, and an integer on the first data line): keep it as logits with ${FLAG.columns} ${this.allColumns()}, or drop it with ${FLAG.excludeColumns} ${columnSpec(name, fieldIndex)}`,
        );
      }
    }
  }

  /**
   * Decides the header and the kept columns once the held records tell; `final` at the end of
   * the input, when no more records will come. Then the held data records become rows.
   */
  private decideLayout(final: boolean): void {
    const held = this.held!;
    const [first, second] = held;
    if (first === undefined) {
      if (final) this.held = undefined;
      return;
    }
    const { columns, excludeColumns } = this.options;
    const ids = idSpecs(this.options);

    let hasHeader = this.options.header;
    let pandasDataNote = false;
    // A name can only be resolved against a header, so naming a column implies one.
    if (hasHeader === undefined && (specsUseNames(columns) || specsUseNames(excludeColumns) || specsUseNames(ids) || specsUseNames(labelSpecs(this.options)))) hasHeader = true;
    if (hasHeader === undefined) {
      this.checkText(first);
      const word = this.headerWord(first.fields);
      if (word !== undefined) {
        hasHeader = true;
        this.headerReason = word;
      } else if (isPandasColumnIndex(first.fields)) {
        if (first.fields[0].text === '') {
          // df.to_csv(): an empty name over the index, then 0..K-1. Data never has an empty field.
          hasHeader = true;
        } else {
          // df.to_csv(index=False) with columns 0..K-1: a header, unless the rows are integers too.
          if (second === undefined && !final) return;
          hasHeader = second !== undefined && second.fields.some((field) => !isIntegerText(field.text));
          pandasDataNote = !hasHeader;
        }
      } else {
        hasHeader = false;
      }
    }
    const header = hasHeader ? first.fields.map((field) => field.text) : undefined;
    if (hasHeader) {
      const tooLong = first.fields.find((field) => field.tooLong);
      if (tooLong !== undefined) this.parse(first.fields.indexOf(tooLong), '', tooLong.line, tooLong.column, true);
    }
    const data = hasHeader ? held.slice(1) : held;

    // Columns named like labels or an index are judged by the first data record's values.
    const fieldCount = first.fieldCount;
    const idField = this.resolveIdField(fieldCount, header, ids);
    const labelField = this.resolveLabelField(fieldCount, header, idField);
    const userChose = (columns?.length ?? 0) > 0 || (excludeColumns?.length ?? 0) > 0;
    const candidates = header === undefined || userChose ? [] : header.flatMap((name, index) => (index !== idField && index !== labelField && NOT_LOGIT_NAMES.has(name.trim().toLowerCase()) ? [index] : []));
    if (candidates.length > 0 && data.length === 0 && !final) return;

    this.held = undefined;
    this.header = header;
    this.fieldCount = fieldCount;
    this.fieldCountLine = first.line;
    this.idField = idField;
    this.labelField = labelField;
    const firstData = data[0];
    const leftOut = firstData === undefined ? [] : candidates.filter((index) => isIntegerText(firstData.fields[index]?.text ?? ''));
    let kept = resolveColumns(fieldCount, header, columns, excludeColumns).filter((index) => index !== idField && index !== labelField);
    if (kept.length === 0) throw new UsageError(`${idField >= 0 ? FLAG.idColumn : FLAG.labels}: no columns are left for the logits`);
    // Leaving out every column would leave no logits: then they are what the file holds.
    if (leftOut.length < kept.length) kept = kept.filter((index) => !leftOut.includes(index));
    this.integerOnly = new Uint8Array(fieldCount);
    for (const index of leftOut) if (!kept.includes(index)) this.integerOnly[index] = 1;
    this.slotOfField = new Int32Array(fieldCount).fill(-1);
    kept.forEach((fieldIndex, slot) => {
      this.slotOfField[fieldIndex] = slot;
    });
    this.rowLength = kept.length;
    this.keptNames = header === undefined ? undefined : kept.map((index) => header[index]);
    const binary = binaryProblem(this.options.binary, this.rowLength, this.file);
    if (binary !== undefined) throw new UsageError(binary);
    this.binary = isBinary(this.options.binary, this.rowLength);
    if (labelField >= 0) {
      const source = `column ${this.describeField(labelField).slice('field '.length)}`;
      this.labels = { source, binary: this.binary, ...(this.options.ignoreIndex === undefined ? {} : { ignoreIndex: this.options.ignoreIndex }) };
      if (this.options.labels === undefined) {
        this.notes.push(
          `${this.file}: ${source} is read as the labels, not as logits (${FLAG.labels} COLUMN to choose another column, ${FLAG.noLabels} to leave it out unread)`,
        );
      }
    }

    const outNames = leftOut.filter((index) => this.integerOnly[index] === 1);
    if (outNames.length > 0) {
      const which = outNames.map((index) => `${index + 1} '${header![index]}'`).join(', ');
      const plural = outNames.length > 1;
      this.notes.push(
        `${this.file}: column${plural ? 's' : ''} ${which} ${plural ? 'hold' : 'holds'} integers and ${plural ? 'are' : 'is'} named like a label or an index, so ${plural ? 'they are' : 'it is'} not read as logits (to analyse ${plural ? 'them' : 'it'} too: ${FLAG.columns} ${this.allColumns()})`,
      );
    }
    if (pandasDataNote) {
      this.notes.push(
        `${this.file}: line 1 is 0,1,...,${fieldCount - 1}, which looks like a pandas header, but the next line holds integers too, so it was read as data (pass ${FLAG.header} to skip it, ${FLAG.noHeader} to silence this)`,
      );
    }

    for (const record of data) {
      this.rowLine = record.line;
      this.rowId = undefined;
      this.rowTarget = undefined;
      this.values = new Float64Array(this.rowLength);
      const extra = record.fields[fieldCount];
      for (let index = 0; index < Math.min(fieldCount, record.fields.length); index++) {
        const field = record.fields[index];
        this.takeField(index, field.text, field.line, field.column, field.tooLong);
      }
      this.checkFieldCount(record.fieldCount, extra === undefined ? undefined : { line: extra.line, column: extra.column }, record.end);
      this.addRow();
    }
  }

  /** `--id-column`: the one field that names the rows, or -1. */
  private resolveIdField(fieldCount: number, header: string[] | undefined, ids: string[] | undefined): number {
    if (ids === undefined) return -1;
    const matches = resolveColumns(fieldCount, header, ids, undefined, FLAG.idColumn);
    if (matches.length !== 1) throw new UsageError(`${FLAG.idColumn}: '${ids[0]}' names ${matches.length} columns; give one (by 1-based index if names repeat)`);
    return matches[0];
  }

  /**
   * The field holding the labels: --labels COLUMN (the reader's `labels` option is always a
   * column: open-input.ts takes a file away first), else a header column named exactly `label`
   * (not the id column) unless --no-labels, --columns or --exclude-columns; -1 for none.
   */
  private resolveLabelField(fieldCount: number, header: string[] | undefined, idField: number): number {
    const spec = this.options.labels;
    if (spec !== undefined) {
      let matches: number[];
      try {
        matches = resolveColumns(fieldCount, header, [spec], undefined, FLAG.labels);
      } catch (error) {
        if (!(error instanceof UsageError)) throw error;
        // Not a file either (open-input.ts looked): say both.
        throw new UsageError(error.message.replace(`${FLAG.labels}: `, `${FLAG.labels} ${spec}: no such file, and `));
      }
      if (matches.length !== 1) throw new UsageError(`${FLAG.labels}: '${spec}' names ${matches.length} columns; give one (by 1-based index if names repeat)`);
      if (matches[0] === idField) throw new UsageError(`${FLAG.labels} and ${FLAG.idColumn} name the same column, ${matches[0] + 1}`);
      return matches[0];
    }
    // With --columns or --exclude-columns the user chose what is read, as for the guess of
    // NOT_LOGIT_NAMES: no default then (--labels label names it).
    const { columns, excludeColumns } = this.options;
    const userChose = (columns?.length ?? 0) > 0 || (excludeColumns?.length ?? 0) > 0;
    if (this.options.noLabels === true || header === undefined || userChose) return -1;
    return header.findIndex((name, index) => index !== idField && name.trim() === DEFAULT_LABEL_COLUMN);
  }

  /** A label field's value, checked (targets.ts); `row N` in messages is the row's 0-based index, as reports give it. */
  private parseTarget(fieldIndex: number, text: string, line: number, column: number, tooLong: boolean): number {
    const fail = (problem: string): never => {
      throw new InputError({ file: this.file, line, column }, `row ${this.rows.total}, ${this.describeField(fieldIndex)}: ${problem}`);
    };
    if (tooLong) fail(`the label is longer than ${MAX_TOKEN_CHARS} characters`);
    if (text.trim() === '') {
      const ignore = this.options.ignoreIndex === undefined || this.binary ? '' : ` (for a row without a label write ${this.options.ignoreIndex}, the ${FLAG.ignoreIndex})`;
      fail(`no label (an empty field); every row needs one${ignore}`);
    }
    const value = parseLogit(text);
    if (value === undefined) fail(`expected a label (a number), got ${quoteToken(text)}`);
    const problem = targetProblem(value!, this.rowLength, this.binary, this.options.ignoreIndex);
    if (problem !== undefined) fail(problem);
    return value!;
  }

  /** Why the first record is a header (a word in a kept column), or undefined. */
  private headerWord(fields: HeldField[]): string | undefined {
    const kept = new Set(this.keptForDetection(fields.length));
    const isEmpty = (field: HeldField) => field.text === '' && !field.tooLong;
    const word = fields.findIndex((field, index) => kept.has(index) && !isEmpty(field) && (field.tooLong || parseLogit(field.text) === undefined));
    if (word >= 0) return `field ${word + 1} ${quoteToken(fields[word].text)} is not a number${numberHint(fields[word].text)}`;
    // Empty names make a header only when every one of them is in an excluded column: pandas
    // writes an empty name above its index column, which the user excludes. An empty kept field
    // leaves the line as data, so '1,,3' is reported as an empty field rather than taken for a
    // header and dropped.
    const empties = fields.flatMap((field, index) => (isEmpty(field) ? [index] : []));
    return empties.length > 0 && empties.every((index) => !kept.has(index)) ? 'its empty fields are in excluded columns' : undefined;
  }

  /** A first record with control characters is not text at all (a binary file read as CSV). */
  private checkText(record: HeldRecord): void {
    for (const field of record.fields) {
      const match = CONTROL.exec(field.text);
      if (match === null) continue;
      throw new InputError(
        { file: this.file, line: field.line, column: field.column + match.index },
        `a control character (U+${match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}): this is not a text export of logits; logitcheck reads CSV, JSON and JSON Lines text, and .npy, .npz and safetensors tensors`,
      );
    }
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

  /** `--columns` value that keeps every column but the id column (to undo a note's exclusion). */
  private allColumns(): string {
    if (this.idField < 0) return `1-${this.fieldCount}`;
    const parts: string[] = [];
    if (this.idField > 0) parts.push(this.idField === 1 ? '1' : `1-${this.idField}`);
    if (this.idField < this.fieldCount - 1) parts.push(this.idField + 2 === this.fieldCount ? `${this.fieldCount}` : `${this.idField + 2}-${this.fieldCount}`);
    return parts.join(',');
  }

  private parse(fieldIndex: number, text: string, line: number, column: number, tooLong: boolean): number {
    const at = { file: this.file, line, column };
    const where = this.describeField(fieldIndex);
    if (tooLong) throw new InputError(at, `${where} is longer than ${MAX_TOKEN_CHARS} characters`);
    if (text === '') {
      if (this.options.emptyAsNaN) return NaN;
      throw new InputError(at, `empty ${where} (an empty field is never read as 0; pandas writes NaN as an empty field: pass ${FLAG.emptyAsNaN} to read empty fields as NaN)`);
    }
    const value = parseLogit(text);
    if (value !== undefined) return value;
    const control = CONTROL.exec(text);
    if (control !== null) {
      throw new InputError(at, `${where} holds a control character: this is not a text export of logits; logitcheck reads CSV, JSON and JSON Lines text, and .npy, .npz and safetensors tensors`);
    }
    const spaces = this.spaceHint(text);
    const hint = spaces || numberHint(text) || `; if this column is not logits, leave it out with ${FLAG.excludeColumns} ${columnSpec(this.header?.[fieldIndex], fieldIndex)}`;
    throw new InputError(at, `expected a number in ${where}, got ${quoteToken(text)}${hint}`);
  }

  /** "field 3 'digit2'" (with a header), or "field 3". */
  private describeField(fieldIndex: number): string {
    const name = this.header?.[fieldIndex];
    return name === undefined || name === '' ? `field ${fieldIndex + 1}` : `field ${fieldIndex + 1} '${name}'`;
  }

  /** np.savetxt separates with spaces, which are not sniffed: say how to read such a file. */
  private spaceHint(text: string): string {
    if (this.delimiter === ' ' || !text.includes(' ')) return '';
    const parts = text.split(/[ ]+/);
    if (!parts.every((part) => parseLogit(part) !== undefined)) return '';
    return ` (if the values are separated by spaces, use ${FLAG.delimiter} ' ')`;
  }
}

function idSpecs(options: ReadOptions): string[] | undefined {
  return options.idColumn === undefined ? undefined : [options.idColumn];
}

function labelSpecs(options: ReadOptions): string[] | undefined {
  return options.labels === undefined ? undefined : [options.labels];
}

/** How to name a column in a hint: its header name when it has a usable one, else its 1-based index. */
function columnSpec(name: string | undefined, fieldIndex: number): string {
  if (name === undefined || name.trim() === '' || /^[0-9]/.test(name.trim()) || /[,\s'"]/.test(name)) return String(fieldIndex + 1);
  return name.trim();
}

/** What a token that is almost a number is, when we can tell. */
function numberHint(text: string): string {
  const trimmed = text.trim();
  if (/^[+-]?\d+,\d+$/.test(trimmed)) return ' (a decimal comma? logitcheck reads numbers with a decimal point)';
  if (/^[+-]?0[xX][0-9a-fA-F.]+([pP][+-]?\d+)?$/.test(trimmed)) return ' (hexadecimal numbers are not read: write decimals, e.g. with repr())';
  return '';
}

/** A decimal integer literal ('3', '-1', '+7'); also '3.0', which pandas writes for an integer column holding NaN elsewhere. */
function isIntegerText(text: string): boolean {
  const value = parseLogit(text);
  return value !== undefined && Number.isInteger(value) && /^\s*[+-]?\d+(\.0*)?\s*$/.test(text);
}

/** pandas' column index as a header: 0,1,...,K-1, after an empty name (or 'Unnamed: 0') over the index. */
function isPandasColumnIndex(fields: HeldField[]): boolean {
  const start = fields.length > 0 && (fields[0].text === '' || fields[0].text.trim().toLowerCase() === 'unnamed: 0') ? 1 : 0;
  if (fields.length - start < 2) return false;
  for (let i = start; i < fields.length; i++) if (fields[i].text.trim() !== String(i - start)) return false;
  return true;
}
