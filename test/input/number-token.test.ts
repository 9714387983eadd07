import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLogit, quoteToken } from '../../src/input/text/number-token.js';

describe('parseLogit: accepted decimal forms', () => {
  it.each([
    ['0.1', 0.1],
    ['.5', 0.5],
    ['5.', 5],
    ['1e5', 1e5],
    ['1E-5', 1e-5],
    ['+3', 3],
    ['-2.5e+3', -2500],
    ['5.e3', 5000],
    ['+.5', 0.5],
    ['00012', 12],
    ['1e0000000000000000000001', 10],
  ])('%s -> %d', (token, expected) => {
    expect(parseLogit(token)).toBe(expected);
  });

  it('keeps the sign of zero', () => {
    expect(Object.is(parseLogit('-0'), -0)).toBe(true);
    expect(Object.is(parseLogit('-0.0e5'), -0)).toBe(true);
    expect(Object.is(parseLogit('0'), 0)).toBe(true);
  });
});

describe('parseLogit: what is not a number', () => {
  // Number() accepts '', ' ', ' 1', '0x10', '0b1' and '0o7' (the first two as 0), which is why
  // the syntax is checked first.
  it.each([
    '', ' ', '\t', ' 1', '1 ', '0x10', '0X1A', '0b1', '0o7', '1_000', '1,5', '1e', 'e5', '1e+', '.', '+', '-',
    '+-1', '1.2.3', '1e5.5', '..5', 'Infinity1', 'infinite', 'nanx', 'in', 'NaNa', '∞', '-∞', '١', '1f', '1d',
    'true', 'null', '0x1p3', '1e 5', '--1',
  ])('%j', (token) => {
    expect(parseLogit(token)).toBeUndefined();
  });
});

describe('parseLogit: non-finite tokens', () => {
  it.each(['nan', 'NaN', 'NAN', '-nan', '+nan', '-NaN'])('%s is NaN', (token) => {
    expect(parseLogit(token)).toBeNaN();
  });
  it.each(['inf', '+inf', 'INF', 'Infinity', 'INFINITY', '+Infinity', 'iNfInItY'])('%s is +Infinity', (token) => {
    expect(parseLogit(token)).toBe(Infinity);
  });
  it.each(['-inf', '-Inf', '-Infinity', '-INFINITY'])('%s is -Infinity', (token) => {
    expect(parseLogit(token)).toBe(-Infinity);
  });
});

describe('parseLogit: correct rounding at the edges of float64', () => {
  // 2^-1075, half the smallest subnormal, written out exactly: 5^1075 * 10^-1075.
  const halfSubnormal = `${(5n ** 1075n).toString()}e-1075`;

  it('0.1 is the float64 nearest to 1/10 (0x3FB999999999999A)', () => {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, parseLogit('0.1') ?? NaN);
    expect(view.getBigUint64(0).toString(16)).toBe('3fb999999999999a');
  });

  it('a literal above the overflow threshold rounds to +-Infinity, as IEEE 754 overflow does', () => {
    expect(parseLogit('1e400')).toBe(Infinity);
    expect(parseLogit('-1e400')).toBe(-Infinity);
    // The threshold is the midpoint of the largest finite value and 2^1024: 1.797693134862315807937...e308.
    expect(parseLogit('1.7976931348623158e308')).toBe(1.7976931348623157e308);
    expect(parseLogit('1.7976931348623159e308')).toBe(Infinity);
  });

  it('a literal below half the smallest subnormal rounds to 0, keeping its sign', () => {
    expect(parseLogit('4.9e-325')).toBe(0);
    expect(Object.is(parseLogit('-4.9e-325'), -0)).toBe(true);
    expect(parseLogit('1e-400')).toBe(0);
  });

  it('the halfway case 2^-1075 ties to even (0), and anything above it rounds up to 5e-324', () => {
    expect(parseLogit(halfSubnormal)).toBe(0);
    expect(parseLogit(`${(5n ** 1075n).toString()}1e-1076`)).toBe(5e-324);
    expect(parseLogit('2.4703282292062328e-324')).toBe(5e-324);
    expect(parseLogit('2.4703282292062327e-324')).toBe(0);
  });

  it('integer ties above 2^53 go to the even neighbour', () => {
    expect(parseLogit('9007199254740993')).toBe(9007199254740992);
    expect(parseLogit('9007199254740995')).toBe(9007199254740996);
  });

  it('subnormals and the normal boundary', () => {
    expect(parseLogit('4.9406564584124654e-324')).toBe(5e-324);
    expect(parseLogit('2.2250738585072011e-308')).toBe(2.225073858507201e-308);
    expect(parseLogit('2.2250738585072014e-308')).toBe(2.2250738585072014e-308);
  });

  it('the oracle below rejects wrong roundings (so its approval means something)', () => {
    expect(isCorrectlyRounded('1.0e0', 1)).toBe(true);
    expect(isCorrectlyRounded('1.0e0', 1 + 2 ** -52)).toBe(false);
    expect(isCorrectlyRounded('9.007199254740993e15', 9007199254740992)).toBe(true);
    expect(isCorrectlyRounded('9.007199254740993e15', 9007199254740994)).toBe(false);
    expect(isCorrectlyRounded('1.7976931348623159e308', 1.7976931348623157e308)).toBe(false);
    expect(isCorrectlyRounded('2.4703282292062328e-324', 0)).toBe(false);
  });

  it('random decimals round to the nearest float64 (checked with exact BigInt arithmetic)', () => {
    const token = fc
      .tuple(
        fc.integer({ min: 1, max: 9 }),
        fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: 24 }),
        fc.integer({ min: -345, max: 330 }),
      )
      .map(([lead, rest, exponent]) => `${lead}.${rest.join('')}e${exponent}`);
    fc.assert(
      fc.property(token, (text) => {
        expect(isCorrectlyRounded(text, parseLogit(text) ?? NaN), text).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('quoteToken', () => {
  it('quotes, escapes control characters and cuts after 40 characters', () => {
    expect(quoteToken('abc')).toBe("'abc'");
    expect(quoteToken('1\n2')).toBe("'1\\n2'");
    expect(quoteToken('1"2')).toBe("'1\"2'");
    expect(quoteToken('a\\b')).toBe("'a\\\\b'");
    expect(quoteToken('x'.repeat(41))).toBe(`'${'x'.repeat(40)}...'`);
    expect(quoteToken('😀'.repeat(45))).toBe(`'${'😀'.repeat(40)}...'`);
  });
});

// An oracle that shares nothing with the code under test: exact rationals with BigInt.

interface Rational {
  num: bigint;
  den: bigint;
}

function decimalValue(text: string): Rational {
  const [mantissa, exponentText] = text.split('e');
  const [whole, fraction] = mantissa.split('.');
  const digits = BigInt(whole + fraction);
  const exponent = Number(exponentText) - fraction.length;
  return exponent >= 0 ? { num: digits * 10n ** BigInt(exponent), den: 1n } : { num: digits, den: 10n ** BigInt(-exponent) };
}

function bitsOf(x: number): bigint {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return view.getBigUint64(0);
}

/** The exact value of a finite non-negative float64 given by its bits, or 2^1024 for the bits of Infinity. */
function valueOfBits(bits: bigint): Rational {
  const biased = Number(bits >> 52n);
  const fraction = bits & ((1n << 52n) - 1n);
  const significand = biased === 0 ? fraction : fraction | (1n << 52n);
  const exponent = (biased === 0 ? 1 : biased) - 1075;
  return exponent >= 0 ? { num: significand << BigInt(exponent), den: 1n } : { num: significand, den: 1n << BigInt(-exponent) };
}

function compare(a: Rational, b: Rational): number {
  const left = a.num * b.den;
  const right = b.num * a.den;
  return left < right ? -1 : left > right ? 1 : 0;
}

function midpoint(a: Rational, b: Rational): Rational {
  return { num: a.num * b.den + b.num * a.den, den: 2n * a.den * b.den };
}

/** Whether x is the round-to-nearest, ties-to-even float64 of the positive decimal `text`. */
function isCorrectlyRounded(text: string, x: number): boolean {
  const exact = decimalValue(text);
  const bits = bitsOf(x);
  const infinityBits = bitsOf(Infinity);
  if (x === Infinity) return compare(exact, midpoint(valueOfBits(infinityBits - 1n), valueOfBits(infinityBits))) >= 0;
  const here = valueOfBits(bits);
  const evenHere = (bits & 1n) === 0n;
  const above = midpoint(here, valueOfBits(bits + 1n));
  const upper = compare(exact, above);
  if (upper > 0 || (upper === 0 && !evenHere)) return false;
  if (bits === 0n) return true;
  const below = midpoint(valueOfBits(bits - 1n), here);
  const lower = compare(exact, below);
  return lower > 0 || (lower === 0 && evenHere);
}
