// A parser for the Python literals a .npy header is written in, e.g.
//   {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
// Never eval'd: this reads only dicts, tuples, lists, strings, ints, True, False and None, the
// subset numpy's own reader accepts (numpy uses ast.literal_eval). Every value keeps the offset
// of its first character, so an error about a value can point at it.
//
// Accepted beyond what numpy writes today, because older writers produced it: Python 2 long
// integers (`3L`), u'' strings, double quotes, trailing commas, any whitespace between tokens.

export type PyLiteral =
  | { kind: 'str'; value: string; offset: number }
  | { kind: 'int'; value: bigint; offset: number }
  | { kind: 'bool'; value: boolean; offset: number }
  | { kind: 'none'; offset: number }
  | { kind: 'tuple' | 'list'; items: PyLiteral[]; offset: number }
  | { kind: 'dict'; entries: PyDictEntry[]; offset: number };

export interface PyDictEntry {
  key: PyLiteral;
  value: PyLiteral;
}

/** A syntax error at `offset`, a 0-based index into the parsed text (UTF-16 code units). */
export class PyLiteralSyntaxError extends Error {
  constructor(
    readonly offset: number,
    readonly problem: string,
  ) {
    super(`${problem} (at character ${offset})`);
  }
}

/** Nesting deeper than this is refused rather than risking the stack on a hostile header. */
const MAX_DEPTH = 64;

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  n: '\n',
  t: '\t',
  r: '\r',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
  '\n': '',
};

/** Parses `text`, which must hold exactly one literal (whitespace around it is allowed). */
export function parsePyLiteral(text: string): PyLiteral {
  const parser = new Parser(text);
  const value = parser.value(0);
  parser.skipSpace();
  if (!parser.atEnd()) parser.fail(`unexpected ${parser.describeNext()} after the value`);
  return value;
}

/** How a literal reads in an error message: its kind in words. */
export function describePyLiteral(literal: PyLiteral): string {
  switch (literal.kind) {
    case 'str':
      return `the string ${pyRepr(literal.value)}`;
    case 'int':
      return `the integer ${literal.value}`;
    case 'bool':
      return literal.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'tuple':
      return 'a tuple';
    case 'list':
      return 'a list';
    case 'dict':
      return 'a dict';
  }
}

/** A string quoted the way Python prints it (single quotes), for messages. */
export function pyRepr(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

class Parser {
  private position = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.position >= this.text.length;
  }

  fail(problem: string, offset = this.position): never {
    throw new PyLiteralSyntaxError(offset, problem);
  }

  describeNext(): string {
    if (this.atEnd()) return 'end of header';
    return `character ${JSON.stringify(this.text[this.position])}`;
  }

  skipSpace(): void {
    while (!this.atEnd()) {
      const char = this.text[this.position];
      if (char === ' ' || char === '\t' || char === '\n' || char === '\r' || char === '\f' || char === '\v') {
        this.position += 1;
      } else if (char === '\\' && this.text[this.position + 1] === '\n') {
        this.position += 2; // explicit line joining
      } else {
        return;
      }
    }
  }

  value(depth: number): PyLiteral {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
    this.skipSpace();
    const offset = this.position;
    const char = this.text[offset];
    if (char === '{') return this.dict(depth);
    if (char === '(') return this.parenthesised(depth);
    if (char === '[') {
      this.position += 1;
      return { kind: 'list', items: this.items(']', depth), offset };
    }
    if (char === "'" || char === '"') return this.string(offset, offset);
    if ((char === 'u' || char === 'U') && (this.text[offset + 1] === "'" || this.text[offset + 1] === '"')) {
      return this.string(offset, offset + 1);
    }
    if (char !== undefined && /[-+0-9]/.test(char)) return this.int();
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(offset, offset + 64))?.[0];
    if (word !== undefined) {
      this.position += word.length;
      if (word === 'True' || word === 'False') return { kind: 'bool', value: word === 'True', offset };
      if (word === 'None') return { kind: 'none', offset };
      this.fail(`unexpected name '${word}' (only True, False and None are allowed)`, offset);
    }
    return this.fail(`expected a value, found ${this.describeNext()}`);
  }

  private dict(depth: number): PyLiteral {
    const offset = this.position;
    this.position += 1; // '{'
    const entries: PyDictEntry[] = [];
    for (;;) {
      this.skipSpace();
      if (this.text[this.position] === '}') break;
      const key = this.value(depth + 1);
      this.skipSpace();
      if (this.text[this.position] !== ':') this.fail(`expected ':' after a dict key, found ${this.describeNext()}`);
      this.position += 1;
      const value = this.value(depth + 1);
      entries.push({ key, value });
      this.skipSpace();
      if (this.text[this.position] === ',') {
        this.position += 1;
      } else if (this.text[this.position] !== '}') {
        this.fail(`expected ',' or '}' in a dict, found ${this.describeNext()}`);
      }
    }
    this.position += 1; // '}'
    return { kind: 'dict', entries, offset };
  }

  /** `()` is an empty tuple, `(x,)` and `(x, y)` are tuples, `(x)` is just x (as in Python). */
  private parenthesised(depth: number): PyLiteral {
    const offset = this.position;
    this.position += 1; // '('
    this.skipSpace();
    if (this.text[this.position] === ')') {
      this.position += 1;
      return { kind: 'tuple', items: [], offset };
    }
    const first = this.value(depth + 1);
    this.skipSpace();
    if (this.text[this.position] === ')') {
      this.position += 1;
      return first;
    }
    if (this.text[this.position] !== ',') this.fail(`expected ',' or ')' in a tuple, found ${this.describeNext()}`);
    this.position += 1;
    return { kind: 'tuple', items: [first, ...this.items(')', depth)], offset };
  }

  /** Comma-separated values up to `close` (a trailing comma is allowed); consumes `close`. */
  private items(close: ')' | ']', depth: number): PyLiteral[] {
    const items: PyLiteral[] = [];
    for (;;) {
      this.skipSpace();
      if (this.text[this.position] === close) break;
      items.push(this.value(depth + 1));
      this.skipSpace();
      if (this.text[this.position] === ',') {
        this.position += 1;
      } else if (this.text[this.position] !== close) {
        this.fail(`expected ',' or '${close}', found ${this.describeNext()}`);
      }
    }
    this.position += 1;
    return items;
  }

  private string(offset: number, quoteAt: number): PyLiteral {
    const quote = this.text[quoteAt];
    let value = '';
    let index = quoteAt + 1;
    for (;;) {
      if (index >= this.text.length) this.fail('unterminated string', offset);
      const char = this.text[index];
      if (char === quote) break;
      if (char === '\n') this.fail('unterminated string (a line ends inside it)', offset);
      if (char !== '\\') {
        value += char;
        index += 1;
        continue;
      }
      const escaped = this.text[index + 1];
      if (escaped === undefined) this.fail('unterminated string', offset);
      const simple = SIMPLE_ESCAPES[escaped];
      if (simple !== undefined) {
        value += simple;
        index += 2;
        continue;
      }
      const hexDigits = escaped === 'x' ? 2 : escaped === 'u' ? 4 : escaped === 'U' ? 8 : 0;
      if (hexDigits > 0) {
        const hex = this.text.slice(index + 2, index + 2 + hexDigits);
        if (!new RegExp(`^[0-9A-Fa-f]{${hexDigits}}$`).test(hex)) this.fail(`bad \\${escaped} escape in a string`, index);
        const codePoint = Number.parseInt(hex, 16);
        if (codePoint > 0x10ffff) this.fail(`bad \\${escaped} escape in a string`, index);
        value += String.fromCodePoint(codePoint);
        index += 2 + hexDigits;
        continue;
      }
      // Python keeps an unknown escape as it is, backslash included.
      value += '\\';
      index += 1;
    }
    this.position = index + 1;
    return { kind: 'str', value, offset };
  }

  private int(): PyLiteral {
    const offset = this.position;
    const match = /^([-+]?)[ \t]*([0-9](?:_?[0-9])*)([lL]?)/.exec(this.text.slice(offset, offset + 4096));
    if (match === null) return this.fail(`expected a value, found ${this.describeNext()}`);
    const after = this.text[offset + match[0].length];
    if (after !== undefined && /[.eEjJxXoObB0-9_A-Za-z]/.test(after)) {
      this.fail('expected an integer (floats, complex numbers and other bases are not allowed here)', offset);
    }
    this.position = offset + match[0].length;
    const magnitude = BigInt(match[2].replace(/_/g, ''));
    return { kind: 'int', value: match[1] === '-' ? -magnitude : magnitude, offset };
  }
}
