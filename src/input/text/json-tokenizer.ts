// JSON split into tokens, fed in chunks of any size, each token with its line and column.
//
// Anything that is not punctuation, a string or whitespace is a "word" running to the next
// delimiter: numbers, true/false/null, and the non-standard NaN and Infinity that Python's
// json.dumps writes. Words are judged by the parser, which knows whether a number is expected
// there. Line ends are reported as tokens too, because JSON Lines gives them meaning.

import { InputError } from '../../errors.js';
import { CR, LF, MAX_TOKEN_CHARS, QUOTE, SPACE, TAB, isLowSurrogate } from './chars.js';

export type JsonTokenKind = 'punct' | 'string' | 'word' | 'newline' | 'eof';

export interface JsonTokenSink {
  /**
   * punct: text is one of [ ] { } , :   string: text is the decoded value, cut after
   * STRING_KEPT_CHARS + 1 characters (longer than STRING_KEPT_CHARS: it was cut)   word: the raw
   * text   newline, eof: ''.
   * (line, column) is where the token starts; for newline, the line end character.
   */
  token(kind: JsonTokenKind, text: string, line: number, column: number): void;
  /**
   * The hot path, tried before token() for a word that lies whole in the current chunk:
   * chunk[start, end), so the sink can parse a number without a substring. true: the word was
   * handled, token() is not called for it; false: token() gets it as usual.
   */
  wordInChunk(chunk: string, start: number, end: number, line: number, column: number): boolean;
}

/**
 * Strings are kept only to compare keys and to read ids (--key, --id-key); keeping a prefix bounds
 * memory on huge strings. One more character is kept, so the parser can tell a cut string.
 */
export const STRING_KEPT_CHARS = 1024;

const BACKSLASH = 0x5c;

const DEFAULT = 0;
const WORD = 1;
const STRING = 2;
const ESCAPE = 3; // after a backslash in a string
const UNICODE_ESCAPE = 4; // inside \uXXXX

const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

function isPunctuation(c: number): boolean {
  return c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d || c === 0x2c || c === 0x3a; // [ ] { } , :
}

export class JsonTokenizer {
  private line = 1;
  private column = 1;
  private afterCR = false;
  private state = DEFAULT;
  private tokenLine = 0;
  private tokenColumn = 0;
  /** The current word from earlier chunks, or the kept prefix of the current string. */
  private text = '';
  private escapeLine = 0;
  private escapeColumn = 0;
  private hexDigits = '';

  constructor(
    private readonly file: string,
    private readonly sink: JsonTokenSink,
  ) {}

  push(chunk: string): void {
    let wordStart = 0; // start in `chunk` of word text not yet copied into this.text
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === LF && this.afterCR) {
        // The LF of a CRLF: the CR already reported the line end.
        this.afterCR = false;
        continue;
      }
      this.afterCR = false;
      if (this.state === WORD) {
        if (c === SPACE || c === TAB || c === CR || c === LF || c === QUOTE || isPunctuation(c)) {
          // A word that started in this chunk (no text kept from an earlier one) is offered to the
          // sink as a slice of the chunk: parsing it there allocates no string.
          if (this.text === '' && this.sink.wordInChunk(chunk, wordStart, i, this.tokenLine, this.tokenColumn)) {
            this.state = DEFAULT;
          } else {
            this.text += chunk.slice(wordStart, i);
            this.endWord();
          }
          // and this character is handled below, as any character after a token
        } else {
          this.advance(c);
          continue;
        }
      }
      switch (this.state) {
        case DEFAULT:
          if (c === SPACE || c === TAB) {
            // whitespace between tokens
          } else if (c === CR || c === LF) {
            this.sink.token('newline', '', this.line, this.column);
          } else if (isPunctuation(c)) {
            this.sink.token('punct', chunk[i], this.line, this.column);
          } else if (c === QUOTE) {
            this.beginToken(STRING);
          } else {
            this.beginToken(WORD);
            wordStart = i;
          }
          break;
        case STRING:
          if (c === QUOTE) {
            this.state = DEFAULT;
            this.sink.token('string', this.text, this.tokenLine, this.tokenColumn);
            this.text = '';
          } else if (c === BACKSLASH) {
            this.state = ESCAPE;
            this.escapeLine = this.line;
            this.escapeColumn = this.column;
          } else if (c === CR || c === LF) {
            throw this.error(this.tokenLine, this.tokenColumn, 'unterminated string: the line ends before its closing quote');
          } else if (c < 0x20) {
            throw this.error(this.line, this.column, `control character U+${c.toString(16).padStart(4, '0').toUpperCase()} in a string (write it as an escape)`);
          } else {
            this.keepInString(chunk[i]);
          }
          break;
        case ESCAPE:
          if (chunk[i] === 'u') {
            this.state = UNICODE_ESCAPE;
            this.hexDigits = '';
          } else if (chunk[i] in SIMPLE_ESCAPES) {
            this.state = STRING;
            this.keepInString(SIMPLE_ESCAPES[chunk[i]]);
          } else {
            throw this.error(this.escapeLine, this.escapeColumn, `invalid escape '\\${chunk[i]}' in a string`);
          }
          break;
        case UNICODE_ESCAPE:
          if (!/[0-9a-fA-F]/.test(chunk[i])) {
            throw this.error(this.escapeLine, this.escapeColumn, 'invalid \\u escape in a string: expected 4 hexadecimal digits');
          }
          this.hexDigits += chunk[i];
          if (this.hexDigits.length === 4) {
            this.state = STRING;
            this.keepInString(String.fromCharCode(parseInt(this.hexDigits, 16)));
          }
          break;
      }
      this.advance(c);
    }
    if (this.state === WORD) {
      this.text += chunk.slice(wordStart);
      if (this.text.length > MAX_TOKEN_CHARS) {
        throw this.error(this.tokenLine, this.tokenColumn, `token longer than ${MAX_TOKEN_CHARS} characters`);
      }
    }
  }

  /** End of input: flushes the last word, then reports 'eof' at the end position. */
  end(): void {
    if (this.state === WORD) this.endWord();
    if (this.state !== DEFAULT) {
      throw this.error(this.tokenLine, this.tokenColumn, 'unterminated string: the input ends before its closing quote');
    }
    this.sink.token('eof', '', this.line, this.column);
  }

  private beginToken(state: number): void {
    this.state = state;
    this.tokenLine = this.line;
    this.tokenColumn = this.column;
    this.text = '';
  }

  private endWord(): void {
    const word = this.text;
    this.text = '';
    this.state = DEFAULT;
    this.sink.token('word', word, this.tokenLine, this.tokenColumn);
  }

  private keepInString(text: string): void {
    if (this.text.length <= STRING_KEPT_CHARS) this.text += text;
  }

  private advance(c: number): void {
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

  private error(line: number, column: number, problem: string): InputError {
    return new InputError({ file: this.file, line, column }, problem);
  }
}
