// RFC 4180 CSV, split into fields and records, fed in chunks of any size.
//
// Accepted beyond the RFC, because real exports do it: any one-character delimiter, LF, CRLF or
// lone CR line ends, spaces and tabs around fields (also around a quoted field), and a missing
// final line end. The tokenizer knows nothing about numbers or headers; csv-rows.ts does.

import { InputError } from '../../errors.js';
import { quoteToken } from './number-token.js';
import { CR, LF, MAX_TOKEN_CHARS, QUOTE, SPACE, TAB, isLowSurrogate, trimSpaces } from './chars.js';

export interface CsvFieldSink {
  /** Whether the text of field `fieldIndex` of the current record is needed (no: it is only counted). */
  wantsText(fieldIndex: number): boolean;
  /**
   * A field ended. `text` has its surrounding spaces removed, also inside quotes ('' if not
   * wanted). (line, column) is the opening quote, else the first character that is not a space,
   * else, for an empty field, where the field starts. `tooLong`: the text was over
   * MAX_TOKEN_CHARS and was dropped.
   */
  field(fieldIndex: number, text: string, line: number, column: number, tooLong: boolean): void;
  /**
   * The hot path, tried before field() for an unquoted field whose text lies whole in the current
   * chunk (and is wanted): chunk[start, end), spaces at its end not yet removed, so the sink can
   * parse a number without a substring. true: the field was handled, field() is not called for it;
   * false: field() gets it as usual.
   */
  fieldInChunk(fieldIndex: number, chunk: string, start: number, end: number, line: number, column: number): boolean;
  /** A record that is not blank ended, at (line, column): its line end, or the end of input. */
  recordEnd(fieldCount: number, line: number, column: number): void;
  /** A line holding nothing but spaces and tabs ended. */
  blankLine(line: number): void;
}

const START = 0; // before a field's first character that is not a space
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_SEEN = 3; // a quote inside a quoted field: it closes the field unless another follows
const AFTER_QUOTED = 4; // spaces after the closing quote

export class CsvTokenizer {
  private line = 1;
  private column = 1;
  private afterCR = false;
  private state = START;
  private fieldIndex = 0;
  private fieldLine = 1;
  private fieldColumn = 1;
  /** Where the field's token starts (opening quote or first non-space); 0 while there is none. */
  private tokenLine = 0;
  private tokenColumn = 0;
  private wantText = true;
  /** Text of the current field taken from earlier chunks. */
  private text = '';
  private tooLong = false;

  constructor(
    private readonly file: string,
    private readonly delimiter: number,
    private readonly sink: CsvFieldSink,
  ) {}

  /** Line and column of the next character (after end(): of the end of input). */
  position(): { line: number; column: number } {
    return { line: this.line, column: this.column };
  }

  push(chunk: string): void {
    const delimiter = this.delimiter;
    let sliceStart = 0; // start in `chunk` of field text not yet copied into this.text
    for (let i = 0; i < chunk.length; i++) {
      let c = chunk.charCodeAt(i);
      if (c === LF && this.afterCR) {
        // The LF of a CRLF: the CR already ended the line (inside quotes both stay in the text).
        this.afterCR = false;
        continue;
      }
      this.afterCR = false;
      switch (this.state) {
        case START:
          if (c === delimiter) this.endField();
          else if (c === CR || c === LF) this.endLine();
          else if (c === SPACE || c === TAB) {
            // leading space, ignored
          } else if (c === QUOTE) {
            this.beginToken();
            sliceStart = i + 1;
            this.state = QUOTED;
          } else {
            this.beginToken();
            sliceStart = i;
            this.state = UNQUOTED;
          }
          break;
        case UNQUOTED: {
          // Hot path (most fields are unquoted numbers): run to the field's end in a tight loop.
          let end = i;
          let width = 0;
          while (end < chunk.length) {
            const d = chunk.charCodeAt(end);
            if (d === delimiter || d === CR || d === LF) break;
            if (!isLowSurrogate(d)) width++;
            end++;
          }
          this.column += width;
          if (end === chunk.length) {
            i = end; // the field goes on in the next chunk; kept below
            continue;
          }
          i = end;
          c = chunk.charCodeAt(i);
          // A field that started in this chunk (no text kept from earlier ones) is offered to the
          // sink as a slice of the chunk: parsing it there allocates no string.
          const taken =
            this.text === '' &&
            this.wantText &&
            !this.tooLong &&
            this.sink.fieldInChunk(this.fieldIndex, chunk, sliceStart, i, this.tokenLine, this.tokenColumn);
          if (!taken) this.keep(chunk, sliceStart, i);
          if (c === delimiter) this.endField(taken);
          else this.endLine(taken);
          break;
        }
        case QUOTED:
          if (c === QUOTE) {
            this.keep(chunk, sliceStart, i);
            this.state = QUOTE_SEEN;
          }
          break;
        case QUOTE_SEEN:
        case AFTER_QUOTED:
          if (c === QUOTE && this.state === QUOTE_SEEN) {
            // "" inside quotes is one literal quote: keep the second one as the start of the next slice.
            sliceStart = i;
            this.state = QUOTED;
          } else if (c === delimiter) {
            this.endField();
          } else if (c === CR || c === LF) {
            this.endLine();
          } else if (c === SPACE || c === TAB) {
            this.state = AFTER_QUOTED;
          } else {
            const found = String.fromCodePoint(chunk.codePointAt(i) ?? c);
            throw this.error(
              this.line,
              this.column,
              `expected a delimiter or a line end after the closing quote, got ${quoteToken(found)}`,
            );
          }
          break;
      }
      if (c === CR) {
        this.line++;
        this.column = 1;
        this.afterCR = true;
      } else if (c === LF) {
        this.line++;
        this.column = 1;
      } else if (!isLowSurrogate(c)) {
        this.column++;
      }
    }
    if (this.state === UNQUOTED || this.state === QUOTED) this.keep(chunk, sliceStart, chunk.length);
  }

  /** Flushes the last record (a final line end is optional). */
  end(): void {
    if (this.state === QUOTED) {
      throw this.error(this.tokenLine, this.tokenColumn, 'unterminated quoted field: this quote is never closed');
    }
    // A last line of nothing but spaces is a trailing blank line; the caller ignores those.
    if (this.state === START && this.fieldIndex === 0) return;
    this.endField();
    this.sink.recordEnd(this.fieldIndex, this.line, this.column);
    this.fieldIndex = 0;
  }

  private beginToken(): void {
    this.tokenLine = this.line;
    this.tokenColumn = this.column;
    this.wantText = this.sink.wantsText(this.fieldIndex);
  }

  private keep(chunk: string, from: number, to: number): void {
    if (!this.wantText || this.tooLong || from >= to) return;
    this.text += chunk.slice(from, to);
    if (this.text.length > MAX_TOKEN_CHARS) {
      this.tooLong = true;
      this.text = '';
    }
  }

  /** Ends the current field at a delimiter or line end at the current position (`taken`: the sink already has it). */
  private endField(taken = false): void {
    const hasToken = this.tokenLine !== 0;
    if (!taken) {
      this.sink.field(
        this.fieldIndex,
        this.wantText && hasToken ? trimSpaces(this.text) : '',
        hasToken ? this.tokenLine : this.fieldLine,
        hasToken ? this.tokenColumn : this.fieldColumn,
        this.tooLong,
      );
    }
    this.fieldIndex++;
    // The next field starts just after the delimiter (endLine resets this at a line end).
    this.fieldLine = this.line;
    this.fieldColumn = this.column + 1;
    this.state = START;
    this.text = '';
    this.tooLong = false;
    this.tokenLine = 0;
    this.tokenColumn = 0;
    this.wantText = true;
  }

  private endLine(taken = false): void {
    if (this.state === START && this.fieldIndex === 0) {
      this.sink.blankLine(this.line);
    } else {
      this.endField(taken);
      this.sink.recordEnd(this.fieldIndex, this.line, this.column);
    }
    this.fieldIndex = 0;
    this.fieldLine = this.line + 1;
    this.fieldColumn = 1;
    this.state = START;
  }

  private error(line: number, column: number, problem: string): InputError {
    return new InputError({ file: this.file, line, column }, problem);
  }
}
