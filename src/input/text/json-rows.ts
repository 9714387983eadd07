// JSON and JSON Lines tokens to rows of logits, streamed: an array of arrays yields its rows one
// by one, so only the row being read is held, never the document.
//
// The input is made of records, numbered from 0: each line of JSON Lines, each element of a JSON
// array of records, or the one JSON document. A record is one row [...], a list of rows
// [[...], [...]] (per-token logits), or an object holding either under the key "logits" (--key
// names another; other keys are checked for syntax and ignored). Every record of an input holds
// the same (one row, or a list of rows), and deeper nesting is an error. A JSON document is
//   [...]                     one row
//   [[...], [...]]            a list of records that are one row each: rows, as exported by tolist()
//   [[[...], ...], ...]       a list of records holding lists of rows
//   [{"logits": ...}, ...]    a list of record objects (pandas to_json(orient="records"))
//   {"logits": ...}           one record object
// Rows of records holding lists of rows in a JSON array or JSON Lines carry their record and
// their position in it (RowLabel), for reports; elsewhere the row index says all.
// Numbers use the same grammar as CSV fields (number-token.ts), which includes standard JSON
// numbers and Python's NaN, Infinity and -Infinity.
//
// In 'auto' mode (format sniffed, input starts with '[' or '{') the first value is read as
// JSON; if it is one row on one line and another value follows on a later line, the input is
// JSON Lines. The row is held back until that is known, so info() is right from the first batch.
// A first value holding several rows is taken for JSON at once, so that a JSON document written
// on one line (json.dump) streams; JSON Lines whose records hold lists of rows need the .jsonl
// extension or --input-format jsonl when sniffed.

import { InputError, UsageError } from '../../errors.js';
import type { RowBatcher, TextParser } from '../batch.js';
import { rowLengthProblem } from '../batch.js';
import { JsonTokenizer, STRING_KEPT_CHARS, type JsonTokenKind, type JsonTokenSink } from './json-tokenizer.js';
import { parseDecimal } from './fast-number.js';
import { parseLogit, quoteToken } from './number-token.js';
import { FLAG } from '../option-flags.js';
import type { InputInfo, LabelsInfo, ReadOptions } from '../row.js';
import type { RowLabel } from '../../metrics/summary.js';
import { binaryProblem, isBinary, targetProblem } from '../targets.js';

/** The key of a record's logits when --key is not given. */
export const DEFAULT_KEY = 'logits';

/** The key of a record's label when --label-key is not given: read when the first record object has it. */
export const DEFAULT_LABEL_KEY = 'label';

/** Keys a missing-key error lists, at most. */
const LISTED_KEYS = 10;

export type JsonMode = 'json' | 'jsonl' | 'auto';

/**
 * holder: a JSON document's top-level array, one row or a list of records, not known until its
 * first element. records: a list of records. record: an array that is a record (or a record
 * object's logits), one row or a list of rows, not known until its first element. rows: a list
 * of rows. row: numbers. skip: inside a value that is ignored.
 */
type ArrayRole = 'holder' | 'records' | 'record' | 'rows' | 'row' | 'labels' | 'skip';

/** What every record of an input holds. */
type RecordShape = 'row' | 'rows';

const SHAPE_WORDS: Record<RecordShape, string> = { row: 'one row [...]', rows: 'a list of rows [[...], ...]' };

/** The record being read. */
interface RecordState {
  index: number;
  /** In a list of records (JSON Lines, a JSON array of records), not the one record of a JSON document. */
  inSequence: boolean;
  /** Rows read from it so far: the next row's position. */
  rows: number;
  /** Its id (--id-key), once read. */
  id: string | undefined;
  /** Rows read before its id (the id key after the logits), or of a record object when labels may be read: held until the record ends. */
  waiting: Array<{ values: Float64Array; line: number; label: RowLabel | undefined }>;
  /** Whether the record is an object (only objects have keys: an id, a label). */
  isObject: boolean;
  /** Its label (--label-key): one number, or a list (one per row), each with where it is. */
  label: { values: number[]; at: Array<{ line: number; column: number }>; list: boolean } | undefined;
}

/** An id written as a number: a JSON integer, kept as written (no rounding past 2^53). */
const INTEGER_ID = /^-?(?:0|[1-9][0-9]*)$/;

interface ArrayFrame {
  kind: 'array';
  role: ArrayRole;
  state: 'first' | 'value' | 'after';
  line: number;
  column: number;
}

interface ObjectFrame {
  kind: 'object';
  /** record: the object that must hold the logits key; skip: inside a value that is ignored. */
  role: 'record' | 'skip';
  state: 'first-key' | 'key' | 'colon' | 'value' | 'after';
  line: number;
  column: number;
  /** What the key just read names in a record: its logits (--key), its id (--id-key), its label (--label-key), or none. */
  keyRole: 'logits' | 'id' | 'label' | 'other';
  sawLogits: boolean;
  sawId: boolean;
  sawLabel: boolean;
  /** A record's first LISTED_KEYS distinct keys, and how many distinct keys it has (for the missing-key error). */
  keys: string[];
  keyCount: number;
}

type Frame = ArrayFrame | ObjectFrame;

const EXPECTED: Record<Frame['state'], string> = {
  first: "a value or ']'",
  value: 'a value',
  after: "',' or ']'",
  'first-key': "a key or '}'",
  key: 'a key',
  colon: "':'",
};

function expectedIn(frame: Frame): string {
  if (frame.kind === 'object' && frame.state === 'after') return "',' or '}'";
  return EXPECTED[frame.state];
}

function describe(kind: JsonTokenKind, text: string): string {
  switch (kind) {
    case 'punct':
      return `'${text}'`;
    case 'string':
      return 'a string';
    case 'word':
      return quoteToken(text);
    case 'newline':
      return 'the end of the line';
    case 'eof':
      return 'the end of input';
  }
}

/** A record's keys for an error message: "keys: a, b" (the first LISTED_KEYS, then how many more). */
function listKeys(frame: ObjectFrame): string {
  if (frame.keyCount === 0) return 'no keys';
  const more = frame.keyCount - frame.keys.length;
  return `keys: ${frame.keys.map(shownKey).join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

/** A key as listed: as it is when it is a short plain name, else quoted, escaped and cut (so the message stays one short line). */
function shownKey(key: string): string {
  return /^[\w.-]{1,40}$/.test(key) ? key : quoteToken(key);
}

/** Literals allowed in ignored values: JSON's own, and anything that reads as a number here. */
function isLiteral(word: string): boolean {
  return word === 'true' || word === 'false' || word === 'null' || parseLogit(word) !== undefined;
}

export class JsonRowParser implements JsonTokenSink, TextParser {
  private readonly tokenizer: JsonTokenizer;
  private readonly stack: Frame[] = [];
  private topState: 'start' | 'done' = 'start';
  private sawValue = false;
  /** The first blank line not yet followed by a value (0: none); JSON Lines forbids those. */
  private pendingBlankLine = 0;
  /** auto: a blank line before the first value, an error if the input turns out to be JSON Lines. */
  private leadingBlankLine = 0;
  /** auto: the first value's row, until we know whether this is JSON or JSON Lines. */
  private heldRow: { values: Float64Array; line: number; label: RowLabel | undefined; target: number | undefined } | undefined;

  /** K, from the first row (0 before it). */
  private rowLength = 0;
  private rowLengthLine = 0;
  private values = new Float64Array(16);
  private count = 0;
  private rowLine = 0;
  private rowColumn = 0;
  private extraValue: { line: number; column: number } | undefined;
  /** The row's record and position, when its record is one of several holding lists of rows. */
  private rowLabel: RowLabel | undefined;

  /** The key of a record's logits (--key). */
  private readonly key: string;
  /** The key of a record's id (--id-key), if rows are named by one. */
  private readonly idKey: string | undefined;
  private readonly record: RecordState = { index: -1, inSequence: false, rows: 0, id: undefined, waiting: [], isObject: false, label: undefined };
  /** The key of a record's label: --label-key, else 'label' unless --no-labels. */
  private readonly labelKey: string | undefined;
  private readonly labelKeyGiven: boolean;
  /** Whether the records have labels: known from the start with --label-key, else once the first record is read (undefined until then). */
  private labelsOn: boolean | undefined;
  private binary = false;
  private binaryDecided = false;
  private readonly notes: string[] = [];
  /** Records begun so far (the next record's index). */
  private recordCount = 0;
  /** What the first record holds, which every record must hold, and where that was seen. */
  private recordShape: RecordShape | undefined;
  private recordShapeAt = { record: 0, line: 0 };

  /** Whether the format was guessed (then a hint about JSON Lines must not suggest renaming). */
  private readonly sniffed: boolean;

  constructor(
    private readonly file: string,
    private mode: JsonMode,
    private readonly rows: RowBatcher,
    private readonly options: Pick<ReadOptions, 'key' | 'idKey' | 'labelKey' | 'noLabels' | 'binary' | 'ignoreIndex'> = {},
  ) {
    this.key = options.key ?? DEFAULT_KEY;
    this.idKey = options.idKey;
    this.labelKeyGiven = options.labelKey !== undefined;
    this.labelKey = options.labelKey ?? (options.noLabels === true ? undefined : DEFAULT_LABEL_KEY);
    if (this.labelKeyGiven) this.labelsOn = true;
    else if (this.labelKey === undefined) this.labelsOn = false;
    this.tokenizer = new JsonTokenizer(file, this);
    this.sniffed = mode === 'auto';
  }

  push(text: string): void {
    this.tokenizer.push(text);
  }

  end(): void {
    this.tokenizer.end();
  }

  info(): Omit<InputInfo, 'name'> {
    const info: Omit<InputInfo, 'name'> = { format: this.mode === 'jsonl' ? 'jsonl' : 'json', columns: this.rowLength };
    if (this.labelsOn === true) {
      const labels: LabelsInfo = { source: `key '${this.labelKey}'`, binary: this.binary };
      if (this.options.ignoreIndex !== undefined) labels.ignoreIndex = this.options.ignoreIndex;
      info.labels = labels;
    }
    if (this.notes.length > 0) info.notes = [...this.notes];
    return info;
  }

  token(kind: JsonTokenKind, text: string, line: number, column: number): void {
    if (kind === 'newline') return this.newline(line, column);
    if (kind === 'eof') return this.endOfInput(line, column);
    const frame = this.stack[this.stack.length - 1];
    if (frame === undefined) this.topLevel(kind, text, line, column);
    else if (frame.kind === 'array') this.inArray(frame, kind, text, line, column);
    else this.inObject(frame, kind, text, line, column);
  }

  /**
   * A decimal literal as the next value of a row, or as the first value of a record (which makes
   * it a row), is parsed in place; any other word (and a word anywhere else) goes through token(),
   * which does what inArray does for it.
   */
  wordInChunk(chunk: string, start: number, end: number, line: number, column: number): boolean {
    const frame = this.stack[this.stack.length - 1];
    if (frame === undefined || frame.kind !== 'array' || frame.state === 'after') return false;
    const firstOfRecord = frame.role === 'record';
    if (frame.role !== 'row' && !firstOfRecord) return false;
    const value = parseDecimal(chunk, start, end);
    if (Number.isNaN(value)) return false; // not a decimal literal
    if (firstOfRecord) this.becomeRow(frame, line, column);
    frame.state = 'after';
    this.storeValue(value, line, column);
    return true;
  }

  private newline(line: number, column: number): void {
    const frame = this.stack[this.stack.length - 1];
    if (frame !== undefined) {
      if (this.mode === 'jsonl') {
        throw this.error(line, column, `the line ends inside a JSON Lines record; expected ${expectedIn(frame)}`);
      }
      // A value spread over several lines cannot be a JSON Lines record.
      this.decide('json');
    } else if (this.topState === 'start') {
      if (this.pendingBlankLine === 0) this.pendingBlankLine = line;
    } else if (this.mode !== 'json') {
      this.topState = 'start'; // the next line may hold the next row
    }
  }

  private endOfInput(line: number, column: number): void {
    const frame = this.stack[this.stack.length - 1];
    if (frame !== undefined) throw this.error(line, column, `unexpected end of input; expected ${expectedIn(frame)}`);
    if (!this.sawValue) throw this.error(line, column, 'no data rows');
    this.decide('json');
  }

  /** auto mode ends here; the held row, if any, goes out in the chosen format. */
  private decide(mode: 'json' | 'jsonl'): void {
    if (this.mode !== 'auto') return;
    this.mode = mode;
    if (mode === 'jsonl') {
      const blank = this.leadingBlankLine || this.pendingBlankLine;
      if (blank !== 0) throw this.blankLineError(blank);
    }
    if (this.heldRow !== undefined) this.rows.add(this.heldRow.values, this.heldRow.line, this.heldRow.label, this.heldRow.target);
    this.heldRow = undefined;
  }

  private topLevel(kind: JsonTokenKind, text: string, line: number, column: number): void {
    if (this.topState === 'done') {
      if (this.mode === 'jsonl') {
        throw this.error(line, column, `expected the end of the line after the record, got ${describe(kind, text)} (JSON Lines holds one record per line)`);
      }
      const hint = this.sniffed
        ? ` (if this is JSON Lines, use ${FLAG.format} jsonl: a sniffed input is taken for JSON Lines only when its first line holds one row)`
        : ` (for JSON Lines, name the file .jsonl or use ${FLAG.format} jsonl)`;
      this.decide('json');
      throw this.error(line, column, `unexpected ${describe(kind, text)} after the end of the JSON document${hint}`);
    }
    if (this.mode === 'auto') {
      if (!this.sawValue) {
        this.leadingBlankLine = this.pendingBlankLine;
      } else {
        // A second value on a later line, after a one-line row: JSON Lines.
        this.decide('jsonl');
      }
    } else if (this.mode === 'jsonl' && this.pendingBlankLine !== 0) {
      throw this.blankLineError(this.pendingBlankLine);
    }
    this.pendingBlankLine = 0;
    this.sawValue = true;
    if (kind === 'punct' && text === '[' && this.mode !== 'jsonl') {
      // A JSON document's array: one row (then an array record, which --id-key refuses) or a list of records.
      this.beginRecord(false);
      this.openArray('holder', line, column);
    } else if (kind === 'punct' && (text === '[' || text === '{')) {
      this.openRecord(text, line, column, this.mode === 'jsonl');
    } else {
      throw this.error(line, column, `expected '[' or '{' (an array of logits, or an object with a '${this.key}' key), got ${describe(kind, text)}`);
    }
  }

  private inArray(frame: ArrayFrame, kind: JsonTokenKind, text: string, line: number, column: number): void {
    const punct = kind === 'punct' ? text : '';
    if (frame.state === 'after') {
      if (punct === ',') frame.state = 'value';
      else if (punct === ']') this.closeArray(frame, line, column);
      else throw this.error(line, column, `expected ',' or ']', got ${describe(kind, text)}`);
      return;
    }
    if (punct === ']') {
      if (frame.state === 'first') return this.closeArray(frame, line, column);
      throw this.error(line, column, "expected a value after ',', got ']'");
    }
    frame.state = 'after';
    switch (frame.role) {
      case 'holder':
        if (kind === 'word') return this.firstValueOfRow(frame, text, line, column);
        if (punct === '[' || punct === '{') {
          frame.role = 'records';
          this.decide('json'); // several records in one value: not a JSON Lines line
          this.recordCount = 0; // the holder was not a record after all
          return this.openRecord(punct, line, column, true);
        }
        if (kind === 'string') throw this.error(line, column, 'expected a number (value 1 of the row), got a string');
        throw this.error(line, column, `expected a number, '[' or '{' (a record), got ${describe(kind, text)}`);
      case 'records':
        if (punct === '[' || punct === '{') this.openRecord(punct, line, column, true);
        else throw this.error(line, column, `expected '[' or '{' (the next record), got ${describe(kind, text)}`);
        return;
      case 'record':
        if (kind === 'word') return this.firstValueOfRow(frame, text, line, column);
        if (punct === '[') {
          frame.role = 'rows';
          this.decide('json'); // several rows in the first value: a JSON document (see the top of this file)
          this.setShape('rows', line, column);
          return this.openArray('row', line, column);
        }
        if (kind === 'string') throw this.error(line, column, 'expected a number (value 1 of the row), got a string');
        throw this.error(line, column, `expected a number or '[' (a row), got ${describe(kind, text)}`);
      case 'rows':
        if (punct === '[') this.openArray('row', line, column);
        else throw this.error(line, column, `expected '[' (the next row), got ${describe(kind, text)}`);
        return;
      case 'labels':
        if (kind === 'word') return this.addLabel(text, line, column);
        throw this.error(line, column, `record ${this.record.index}: expected a number (label ${this.record.label!.values.length + 1} of the list), got ${describe(kind, text)}`);
      case 'row':
        if (kind === 'word') return this.addValue(text, line, column);
        if (punct === '[' && this.inListOfRows()) {
          throw this.error(line, column, `expected a number (value ${this.count + 1} of the row), got '[' (a record holds ${SHAPE_WORDS.row} or ${SHAPE_WORDS.rows}, nothing deeper)`);
        }
        throw this.error(line, column, `expected a number (value ${this.count + 1} of the row), got ${describe(kind, text)}`);
      case 'skip':
        this.skipValue(kind, text, line, column);
        return;
    }
  }

  private inObject(frame: ObjectFrame, kind: JsonTokenKind, text: string, line: number, column: number): void {
    const punct = kind === 'punct' ? text : '';
    switch (frame.state) {
      case 'first-key':
      case 'key':
        if (kind === 'string') {
          frame.keyRole = 'other';
          if (frame.role === 'record') {
            this.noteKey(frame, text);
            if (text === this.key) frame.keyRole = 'logits';
            else if (text === this.idKey) frame.keyRole = 'id';
            else if (text === this.labelKey && this.labelsOn !== false) frame.keyRole = 'label';
          }
          if ((frame.keyRole === 'logits' && frame.sawLogits) || (frame.keyRole === 'id' && frame.sawId) || (frame.keyRole === 'label' && frame.sawLabel)) {
            throw this.error(line, column, `duplicate key '${text}'`);
          }
          frame.state = 'colon';
        } else if (frame.state === 'first-key' && punct === '}') {
          this.closeObject(frame);
        } else {
          const orClose = frame.state === 'first-key' ? " or '}'" : '';
          throw this.error(line, column, `expected a key (a string)${orClose}, got ${describe(kind, text)}`);
        }
        return;
      case 'colon':
        if (punct !== ':') throw this.error(line, column, `expected ':', got ${describe(kind, text)}`);
        frame.state = 'value';
        return;
      case 'value':
        frame.state = 'after';
        if (frame.keyRole === 'id') {
          frame.sawId = true;
          return this.readId(kind, text, line, column);
        }
        if (frame.keyRole === 'label') {
          frame.sawLabel = true;
          return this.readLabel(kind, text, line, column);
        }
        if (frame.keyRole === 'other') return this.skipValue(kind, text, line, column);
        frame.sawLogits = true;
        if (punct !== '[') throw this.error(line, column, `expected an array for '${this.key}', got ${describe(kind, text)}`);
        this.openArray('record', line, column);
        return;
      case 'after':
        if (punct === ',') frame.state = 'key';
        else if (punct === '}') this.closeObject(frame);
        else throw this.error(line, column, `expected ',' or '}', got ${describe(kind, text)}`);
        return;
    }
  }

  /** The value of a record's --id-key: a string, or an integer kept as written. */
  private readId(kind: JsonTokenKind, text: string, line: number, column: number): void {
    const record = this.record;
    if (kind === 'string' && text.length > STRING_KEPT_CHARS) {
      throw this.error(line, column, `record ${record.index}: the id is longer than ${STRING_KEPT_CHARS} characters`);
    }
    if (kind !== 'string' && !(kind === 'word' && INTEGER_ID.test(text))) {
      throw this.error(line, column, `record ${record.index}: an id ('${this.idKey}') is a string or an integer, got ${describe(kind, text)}`);
    }
    record.id = text;
  }

  /** The value of a record's label key: a number, or a list of numbers (one per row of a record holding a list of rows). */
  private readLabel(kind: JsonTokenKind, text: string, line: number, column: number): void {
    const record = this.record;
    if (kind === 'punct' && text === '[') {
      record.label = { values: [], at: [], list: true };
      this.openArray('labels', line, column);
      return;
    }
    if (kind !== 'word') throw this.error(line, column, `record ${record.index}: a label ('${this.labelKey}') is a number, or a list of numbers for a list of rows; got ${describe(kind, text)}`);
    record.label = { values: [], at: [], list: false };
    this.addLabel(text, line, column);
  }

  private addLabel(word: string, line: number, column: number): void {
    const record = this.record;
    const value = parseLogit(word);
    if (value === undefined) {
      const what = word === 'null' ? 'null: every record needs a label (a row without one takes the --ignore-index value)' : quoteToken(word);
      throw this.error(line, column, `record ${record.index}: expected a label (a number) for '${this.labelKey}', got ${what}`);
    }
    record.label!.values.push(value);
    record.label!.at.push({ line, column });
  }

  /** A value that is not logits: checked for syntax only. */
  private skipValue(kind: JsonTokenKind, text: string, line: number, column: number): void {
    if (kind === 'punct' && text === '[') this.openArray('skip', line, column);
    else if (kind === 'punct' && text === '{') this.openObject('skip', line, column);
    else if (kind === 'word') {
      if (!isLiteral(text)) throw this.error(line, column, `expected a JSON value, got ${quoteToken(text)}`);
    } else if (kind !== 'string') {
      throw this.error(line, column, `expected a value, got ${describe(kind, text)}`);
    }
  }

  private openArray(role: ArrayRole, line: number, column: number): void {
    this.stack.push({ kind: 'array', role, state: 'first', line, column });
    if (role === 'row') this.startRow(line, column);
  }

  private closeArray(frame: ArrayFrame, line: number, column: number): void {
    this.stack.pop();
    if (frame.role === 'row') this.endRow(line, column);
    // A holder or record still undecided at its end had no elements.
    else if (frame.role === 'holder') throw this.error(frame.line, frame.column, 'no data rows (the array is empty)');
    else if (frame.role === 'record') throw this.error(frame.line, frame.column, this.emptyRecordProblem());
    if (this.stack.length === 0) this.topState = 'done';
  }

  /** Whether the current row is an element of a list of rows. */
  private inListOfRows(): boolean {
    const parent = this.stack[this.stack.length - 2];
    return parent?.kind === 'array' && parent.role === 'rows';
  }

  private emptyRecordProblem(): string {
    if (this.recordShape === 'rows') return `record ${this.record.index} has an empty list of rows (a record needs at least one row)`;
    if (!this.record.inSequence) return 'no data rows (the array is empty)';
    return 'empty row (a row needs at least one value)';
  }

  private beginRecord(inSequence: boolean): void {
    // Reset in place: a record may be a single short row, and this runs for each.
    const record = this.record;
    record.index = this.recordCount++;
    record.inSequence = inSequence;
    record.rows = 0;
    record.id = undefined;
    record.isObject = false;
    record.label = undefined;
  }

  /** A record that is an array ('[') or an object ('{'). */
  private openRecord(punct: string, line: number, column: number, inSequence: boolean): void {
    this.beginRecord(inSequence);
    if (punct === '[') {
      this.refuseArrayRecord(line, column);
      this.openArray('record', line, column);
    } else {
      this.record.isObject = true;
      this.openObject('record', line, column);
    }
  }

  /** A record that is an array (at line, column) has no keys, so no id: --id-key cannot be met. */
  private refuseArrayRecord(line: number, column: number): void {
    if (this.labelsOn === true) {
      const flag = this.labelKeyGiven ? `${FLAG.labelKey} ${this.labelKey}` : `the records' '${this.labelKey}' key (${FLAG.noLabels} to ignore it)`;
      throw this.error(line, column, `record ${this.record.index} is an array, not an object, so it has no label; ${flag} needs records like {"${this.labelKey}": ..., "${this.key}": [...]}`);
    }
    // The first record is an array: no labels (the default key is looked for in objects only).
    this.labelsOn = false;
    if (this.idKey === undefined) return;
    const example = `{"${this.idKey}": ..., "${this.key}": [...]}`;
    throw new UsageError(
      `${FLAG.idKey} ${this.idKey}: record ${this.record.index} of ${this.file} (line ${line}, column ${column}) is an array, not an object, so it has no id; ${FLAG.idKey} needs records like ${example}`,
    );
  }

  /** A number first in a holder or a record: the array is one row. */
  private firstValueOfRow(frame: ArrayFrame, word: string, line: number, column: number): void {
    if (frame.role === 'holder') this.refuseArrayRecord(frame.line, frame.column); // a JSON document that is one row
    this.becomeRow(frame, line, column);
    this.addValue(word, line, column);
  }

  /** A holder or record whose first element, at (line, column), is a number: it is one row. */
  private becomeRow(frame: ArrayFrame, line: number, column: number): void {
    frame.role = 'row';
    this.setShape('row', line, column);
    this.startRow(frame.line, frame.column);
  }

  /** The current record holds `shape`, seen at (line, column): the same as every record before it? */
  private setShape(shape: RecordShape, line: number, column: number): void {
    if (shape === this.recordShape) return;
    if (this.recordShape === undefined) {
      this.recordShape = shape;
      this.recordShapeAt = { record: this.record.index, line };
    } else if (shape !== this.recordShape) {
      const first = this.recordShapeAt;
      throw this.error(
        line,
        column,
        `record ${this.record.index} holds ${SHAPE_WORDS[shape]}, but record ${first.record} (line ${first.line}) holds ${SHAPE_WORDS[this.recordShape]}; all records must hold the same`,
      );
    }
  }

  private openObject(role: ObjectFrame['role'], line: number, column: number): void {
    this.stack.push({ kind: 'object', role, state: 'first-key', line, column, keyRole: 'other', sawLogits: false, sawId: false, sawLabel: false, keys: [], keyCount: 0 });
  }

  private noteKey(frame: ObjectFrame, key: string): void {
    if (frame.keys.includes(key)) return;
    frame.keyCount++;
    if (frame.keys.length < LISTED_KEYS) frame.keys.push(key);
  }

  private closeObject(frame: ObjectFrame): void {
    this.stack.pop();
    if (frame.role === 'record') {
      const missing = !frame.sawLogits ? [this.key, FLAG.key] : this.idKey !== undefined && !frame.sawId ? [this.idKey, FLAG.idKey] : undefined;
      if (missing !== undefined) {
        throw this.error(frame.line, frame.column, `record ${this.record.index} has no key '${missing[0]}' (${listKeys(frame)}); choose the field with ${missing[1]} NAME`);
      }
      this.decideLabels(frame);
      // Rows read before the id (and the label) now have it.
      const { id, waiting } = this.record;
      waiting.forEach((row, position) => {
        const label = id === undefined ? row.label : { ...row.label, id };
        this.emitRow(row.values, row.line, label, this.labelsOn === true ? this.targetOf(position, waiting.length) : undefined);
      });
      this.record.waiting = [];
    }
    if (this.stack.length === 0) this.topState = 'done';
  }

  /** At the end of a record object: the first one decides whether records have labels (the default key), and each must then have one. */
  private decideLabels(frame: ObjectFrame): void {
    if (this.labelsOn === undefined) {
      this.labelsOn = frame.sawLabel;
      if (this.labelsOn) {
        this.notes.push(`${this.file}: record ${this.record.index} has a '${this.labelKey}' key, read as the labels (${FLAG.labelKey} NAME to choose another key, ${FLAG.noLabels} to ignore it)`);
      }
    }
    if (this.labelsOn && !frame.sawLabel) {
      const why = this.labelKeyGiven ? `choose the field with ${FLAG.labelKey} NAME` : `the first record has one, so every record needs one (${FLAG.noLabels} to ignore the labels)`;
      throw this.error(frame.line, frame.column, `record ${this.record.index} has no key '${this.labelKey}' (${listKeys(frame)}); ${why}`);
    }
  }

  /** The target of the record's row at `position` of `rows`, checked (targets.ts). */
  private targetOf(position: number, rows: number): number {
    const record = this.record;
    const label = record.label!;
    const first = label.at[0] ?? { line: 0, column: 0 };
    if (!label.list && rows !== 1) {
      throw this.error(first.line, first.column, `record ${record.index} holds ${rows} rows but one label; give a list of ${rows} labels`);
    }
    if (label.list && this.recordShape === 'row') {
      throw this.error(first.line, first.column, `record ${record.index} holds one row: its label is one number, not a list`);
    }
    if (label.values.length !== rows) {
      const at = label.values.length > rows ? label.at[rows] : first;
      throw this.error(at.line, at.column, `record ${record.index} has ${label.values.length} label${label.values.length === 1 ? '' : 's'} for its ${rows} rows`);
    }
    if (!this.binaryDecided) {
      this.binaryDecided = true;
      const problem = binaryProblem(this.options.binary, this.rowLength, this.file);
      if (problem !== undefined) throw new UsageError(problem);
      this.binary = isBinary(this.options.binary, this.rowLength);
    }
    const value = label.values[position];
    const problem = targetProblem(value, this.rowLength, this.binary, this.options.ignoreIndex);
    if (problem !== undefined) {
      const at = label.at[position];
      const where = label.list ? `record ${record.index}, position ${position}` : `record ${record.index}`;
      throw this.error(at.line, at.column, `row ${this.rows.total + (this.heldRow === undefined ? 0 : 1)}, ${where}: ${problem}`);
    }
    return value;
  }

  private startRow(line: number, column: number): void {
    this.rowLine = line;
    this.rowColumn = column;
    this.count = 0;
    this.extraValue = undefined;
    // Rows are handed to the consumer, so each needs its own array; the first grows as it is read.
    this.values = new Float64Array(this.rowLength === 0 ? 16 : this.rowLength);
    const record = this.record;
    const inList = record.inSequence && this.recordShape === 'rows';
    if (!inList && record.id === undefined) this.rowLabel = undefined;
    else {
      this.rowLabel = {};
      if (record.id !== undefined) this.rowLabel.id = record.id;
      if (inList) {
        this.rowLabel.record = record.index;
        this.rowLabel.position = record.rows;
      }
    }
  }

  private addValue(word: string, line: number, column: number): void {
    const value = parseLogit(word);
    if (value === undefined) throw this.error(line, column, `expected a number (value ${this.count + 1} of the row), got ${quoteToken(word)}`);
    this.storeValue(value, line, column);
  }

  private storeValue(value: number, line: number, column: number): void {
    if (this.rowLength === 0) {
      if (this.count === this.values.length) {
        const grown = new Float64Array(this.values.length * 2);
        grown.set(this.values);
        this.values = grown;
      }
      this.values[this.count] = value;
    } else if (this.count < this.rowLength) {
      this.values[this.count] = value;
    } else {
      this.extraValue ??= { line, column };
    }
    this.count++;
  }

  /** The row's closing ']' is at (line, column). */
  private endRow(line: number, column: number): void {
    if (this.count === 0) throw this.error(this.rowLine, this.rowColumn, `${this.rowWhere()}empty row (a row needs at least one value)`);
    if (this.rowLength === 0) {
      this.rowLength = this.count;
      this.rowLengthLine = this.rowLine;
      this.values = this.values.slice(0, this.count);
    } else if (this.count !== this.rowLength) {
      // Too many: point at the first extra value; too few: at the ']' where one is missing.
      const at = this.extraValue ?? { line, column };
      throw this.error(at.line, at.column, this.rowWhere() + rowLengthProblem(this.count, this.rowLength, 'value', this.rowLengthLine));
    }
    this.record.rows++;
    // A record object's rows wait for its end when it may hold a label (read after its logits, perhaps).
    const waitForLabel = this.record.isObject && this.labelsOn !== false;
    if ((this.idKey !== undefined && this.record.id === undefined) || waitForLabel) this.record.waiting.push({ values: this.values, line: this.rowLine, label: this.rowLabel });
    else this.emitRow(this.values, this.rowLine, this.rowLabel, undefined);
  }

  private emitRow(values: Float64Array, line: number, label: RowLabel | undefined, target: number | undefined): void {
    if (this.mode === 'auto') this.heldRow = { values, line, label, target };
    else this.rows.add(values, line, label, target);
  }

  /** "record 3, position 7: " for a row the report would name so, else nothing. */
  private rowWhere(): string {
    const label = this.rowLabel;
    return label?.record === undefined ? '' : `record ${label.record}, position ${label.position}: `;
  }

  private blankLineError(line: number): InputError {
    return this.error(line, 1, 'empty row (blank lines are allowed only at the end of the input)');
  }

  private error(line: number, column: number, problem: string): InputError {
    return new InputError({ file: this.file, line, column }, problem);
  }
}
