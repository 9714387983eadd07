// The Python literal parser behind .npy headers: values as Python reads them, and syntax errors
// at the character where Python's ast.literal_eval would stop.

import { describe, expect, it } from 'vitest';
import { parsePyLiteral, PyLiteralSyntaxError, type PyLiteral } from '../../src/input/tensor/python-literal.js';

/** A literal as plain data (offsets dropped), to compare with what Python would build. */
function plain(literal: PyLiteral): unknown {
  switch (literal.kind) {
    case 'str':
    case 'bool':
      return literal.value;
    case 'int':
      return `${literal.value}n`;
    case 'none':
      return null;
    case 'tuple':
      return { tuple: literal.items.map(plain) };
    case 'list':
      return literal.items.map(plain);
    case 'dict':
      return literal.entries.map(({ key, value }) => [plain(key), plain(value)]);
  }
}

const parsed = (text: string) => plain(parsePyLiteral(text));

function syntaxError(text: string): { offset: number; problem: string } {
  try {
    parsePyLiteral(text);
  } catch (error) {
    expect(error).toBeInstanceOf(PyLiteralSyntaxError);
    const { offset, problem } = error as PyLiteralSyntaxError;
    return { offset, problem };
  }
  throw new Error(`expected a syntax error parsing ${JSON.stringify(text)}`);
}

describe('values', () => {
  it("numpy's header", () => {
    expect(parsed("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }" + ' '.repeat(50) + '\n')).toEqual([
      ['descr', '<f4'],
      ['fortran_order', false],
      ['shape', { tuple: ['3n', '4n'] }],
    ]);
  });

  it('tuples: (), (3,), (3, 4), and (3) is just 3 as in Python', () => {
    expect(parsed('()')).toEqual({ tuple: [] });
    expect(parsed('(3,)')).toEqual({ tuple: ['3n'] });
    expect(parsed('( 3 , 4 , )')).toEqual({ tuple: ['3n', '4n'] });
    expect(parsed('(3)')).toBe('3n');
    expect(parsed('((1, 2), [3])')).toEqual({ tuple: [{ tuple: ['1n', '2n'] }, ['3n']] });
  });

  it('strings: both quotes, u prefix, escapes', () => {
    expect(parsed('"<f8"')).toBe('<f8');
    expect(parsed("u'<f2'")).toBe('<f2');
    expect(parsed(String.raw`'a\'b\\c\x41\u00e9\n'`)).toBe("a'b\\cA\u00e9\n");
    expect(parsed(String.raw`'\q'`)).toBe('\\q'); // unknown escapes are kept, as in Python
    expect(parsed("'caf\u00e9'")).toBe('caf\u00e9');
  });

  it("integers: Python 2 longs (3L), underscores, signs, integers beyond 2^53", () => {
    expect(parsed('(3L, 4l)')).toEqual({ tuple: ['3n', '4n'] });
    expect(parsed('1_000')).toBe('1000n');
    expect(parsed('-5')).toBe('-5n');
    expect(parsed('+0')).toBe('0n');
    expect(parsed('123456789012345678901234567890')).toBe('123456789012345678901234567890n');
  });

  it('True, False, None, lists, and offsets of values', () => {
    expect(parsed('[True, False, None]')).toEqual([true, false, null]);
    const dict = parsePyLiteral("  {'a': (1,), 'b': 'x'}");
    expect(dict.offset).toBe(2);
    expect(dict.kind === 'dict' && dict.entries.map(({ key, value }) => [key.offset, value.offset])).toEqual([
      [3, 8],
      [14, 19],
    ]);
  });
});

describe('syntax errors', () => {
  it.each([
    ["{'a' 1}", 5, "expected ':' after a dict key"],
    ["{'a': 1 'b': 2}", 8, "expected ',' or '}' in a dict"],
    ["{'a': 1", 7, "expected ',' or '}' in a dict, found end of header"],
    ["{'a': 'x}", 6, 'unterminated string'],
    ["{'a': maybe}", 6, "unexpected name 'maybe'"],
    ["{'a': 1.5}", 6, 'expected an integer'],
    ["{'a': 0x10}", 6, 'expected an integer'],
    ["{'a': 1} x", 9, 'unexpected character "x" after the value'],
    ['(1 2)', 3, "expected ',' or ')' in a tuple"],
    ['[1, 2', 5, "expected ',' or ']'"],
    ['', 0, 'expected a value, found end of header'],
    ["'\\x4'", 1, 'bad \\x escape'],
  ])('%j: at %i, %s', (text, offset, problem) => {
    expect(syntaxError(text)).toEqual({ offset, problem: expect.stringContaining(problem) });
  });

  it('nesting deeper than 64 levels is refused, not a stack overflow', () => {
    expect(syntaxError('('.repeat(100_000)).problem).toContain('nesting deeper than 64 levels');
  });
});
