// parseDecimal against Number(), bit for bit, on a few million generated literals: the Clinger fast
// path must give exactly what a correctly rounded reader gives, and everything else must reach the
// Number() fallback. The syntax oracle is the regular expression number-token.ts used before the
// hand-written scanner, so what is accepted and rejected cannot drift.

import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseDecimal } from '../../src/input/text/fast-number.js';
import { parseLogit } from '../../src/input/text/number-token.js';
import { readRows } from '../../src/input/open/open-rows.js';

const DECIMAL = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const realNumber = Number;

/** Why parseDecimal disagrees with the oracle on `text` (alone, and as a slice of a longer text), or undefined. */
function mismatch(text: string): string | undefined {
  const expected = DECIMAL.test(text) ? realNumber(text) : NaN;
  const alone = parseDecimal(text, 0, text.length);
  if (!Object.is(alone, expected)) return `${JSON.stringify(text)}: got ${show(alone)}, expected ${show(expected)}`;
  const inside = parseDecimal(`7${text},8`, 1, 1 + text.length);
  if (!Object.is(inside, expected)) return `${JSON.stringify(text)} as a slice: got ${show(inside)}, expected ${show(expected)}`;
  return undefined;
}

function check(text: string): void {
  const problem = mismatch(text);
  if (problem !== undefined) throw new Error(problem);
}

function show(x: number): string {
  return Object.is(x, -0) ? '-0' : `${x} (${bitsOf(x).toString(16)})`;
}

const view = new DataView(new ArrayBuffer(8));

function bitsOf(x: number): bigint {
  view.setFloat64(0, x);
  return view.getBigUint64(0);
}

function fromBits(bits: bigint): number {
  view.setBigUint64(0, bits);
  return view.getFloat64(0);
}

/** mulberry32: a small seeded generator, so the bulk loops are the same on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A double from 64 random bits: every exponent equally likely (subnormals, huge and tiny values, NaN, Infinity). */
function randomBitsDouble(random: () => number): number {
  view.setUint32(0, (random() * 4294967296) >>> 0);
  view.setUint32(4, (random() * 4294967296) >>> 0);
  return view.getFloat64(0);
}

/** `length` random decimal digits (leading zeros included). */
function randomDigits(random: () => number, length: number): string {
  let digits = '';
  for (let i = 0; i < length; i++) digits += String.fromCharCode(48 + Math.floor(random() * 10));
  return digits;
}

/** The value digits * 10^exponent, written with the point at a random place among the digits. */
function layout(random: () => number, sign: string, digits: string, exponent: number): string {
  const point = Math.floor(random() * (digits.length + 1));
  const whole = digits.slice(0, point);
  const fraction = digits.slice(point);
  const shifted = exponent + fraction.length;
  const body = fraction === '' ? whole : `${whole}.${fraction}`;
  return `${sign}${body}e${shifted}`;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('parseDecimal: fixed cases', () => {
  it.each([
    ['.5', 0.5],
    ['5.', 5],
    ['+1e5', 1e5],
    ['-0', -0],
    ['0e0', 0],
    ['-0.0e5', -0],
    ['0e999999999999999999999', 0],
    ['-0e-999999999999999999999', -0],
    ['1.2500000000', 1.25],
    ['00012.50', 12.5],
    ['0.000125', 0.000125],
    ['100000000000000000000000000000', 1e29],
    ['1e22', 1e22],
    ['1e23', 1e23],
    ['1e37', 1e37],
    ['123456789012345e22', 123456789012345e22],
    ['9007199254740991', 9007199254740991],
    ['9007199254740993', 9007199254740992],
    ['1e-22', 1e-22],
    ['1e-23', 1e-23],
    ['1e0000000000000000000001', 10],
    ['1.7976931348623157e308', 1.7976931348623157e308],
    ['1e400', Infinity],
    ['-1e400', -Infinity],
    ['5e-324', 5e-324],
    ['1e-400', 0],
  ])('%s', (text, expected) => {
    expect(Object.is(parseDecimal(text, 0, text.length), expected)).toBe(true);
    check(text);
  });

  it.each(['', '+', '-', '.', '+.', '.e5', 'e5', '1e', '1e+', '1e-', '1.2.3', '1e5.5', '..5', '+-1', '--1', ' 1', '1 ', '0x10', 'nan', 'inf', 'Infinity', '1_0', '١', '1f'])(
    '%j is not a decimal literal',
    (text) => {
      expect(parseDecimal(text, 0, text.length)).toBeNaN();
      check(text);
    },
  );

  it('reads only the slice it is given', () => {
    const text = 'a,-12.5e1,1234567890123456789,b';
    expect(parseDecimal(text, 2, 9)).toBe(-125);
    expect(parseDecimal(text, 10, 29)).toBe(1234567890123456789); // the fallback slices too
    expect(parseDecimal(text, 2, 5)).toBe(-12);
    expect(parseDecimal(text, 1, 9)).toBeNaN();
    expect(parseDecimal(text, 3, 3)).toBeNaN();
  });
});

describe('parseDecimal: the fast path', () => {
  // Number() is the fallback; the common logits must never reach it.
  function numberCalls(texts: string[]): number {
    let calls = 0;
    vi.stubGlobal('Number', (value: unknown) => {
      calls++;
      return realNumber(value);
    });
    for (const text of texts) parseDecimal(text, 0, text.length);
    vi.unstubAllGlobals();
    return calls;
  }

  it('float32 logits with 9 digits, short literals and trailing zeros take it', () => {
    const random = seeded(7);
    const texts = ['.5', '5.', '+1e5', '-0', '0e0', '1.2500000000', '100000', '1e22', '1e37', '-3.0000e-2', '123456789012345e-22'];
    // Trailing zeros that make M too long or e too small are dropped, not sent to Number().
    texts.push('1.25000000000000000000', '1.00000000000000000000000', `1${'0'.repeat(29)}`, `1${'0'.repeat(29)}.`, '0.000125000000000000000000e3');
    for (let i = 0; i < 10_000; i++) {
      const normal = Math.sqrt(-2 * Math.log(random() + 1e-300)) * Math.cos(2 * Math.PI * random());
      // toPrecision(9) is what a float32 needs; String(Math.fround(x)) is a float64 repr of up to
      // 17 digits, which is not always exact in 53 bits (the fallback's business).
      texts.push((normal * 8).toPrecision(9), Math.fround(normal * 8).toPrecision(8), (normal * 8).toFixed(4));
    }
    expect(numberCalls(texts)).toBe(0);
  });

  it('what it cannot do exactly goes to Number()', () => {
    const texts = ['1e-23', '1e38', '12345678901234567', '9007199254740993', '5e-324', '1e400', '0.1000000000000000055511151231257827'];
    expect(numberCalls(texts)).toBe(texts.length);
  });

  it('stops at 10^22: 10^23 is not a double, and M / 1e23 would be a second rounding', () => {
    // Found by search: for these, M / 1e23 is one ulp off; the fallback gets them right.
    for (const [text, wrong] of [
      ['671574105169604e-23', 6.715741051696041e-9],
      ['4884532220498032e-23', 4.884532220498033e-8],
      ['8941988237338336e-23', 8.941988237338337e-8],
    ] as const) {
      const digits = realNumber(text.slice(0, text.indexOf('e')));
      expect(digits / 1e23).toBe(wrong);
      expect(parseDecimal(text, 0, text.length)).not.toBe(wrong);
      check(text);
    }
  });

  it('random 1-16 digit integers times 10^-30..10^45 (the fast, extended and fallback cases)', () => {
    const token = fc
      .tuple(fc.bigInt({ min: 1n, max: 9999999999999999n }), fc.integer({ min: -30, max: 45 }), fc.constantFrom('', '-', '+'))
      .map(([digits, exponent, sign]) => `${sign}${digits}e${exponent}`);
    fc.assert(fc.property(token, (text) => mismatch(text) === undefined), { numRuns: 300_000 });
  });
});

describe('parseDecimal: bit-exact with Number() on generated literals', () => {
  it('shortest reprs of random doubles, String(x) (fc.double)', () => {
    fc.assert(
      fc.property(fc.double(), (x) => {
        const text = String(x);
        return mismatch(text) === undefined && mismatch(x.toExponential()) === undefined;
      }),
      { numRuns: 300_000 },
    );
  });

  it('random float32 values: String(Math.fround(x)) and toPrecision(9)', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (x) => {
        return mismatch(String(Math.fround(x))) === undefined && mismatch(x.toPrecision(9)) === undefined;
      }),
      { numRuns: 300_000 },
    );
  });

  it('toPrecision(1..21) of random doubles', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 1, max: 21 }), (x, digits) => {
        return mismatch(x.toPrecision(digits)) === undefined;
      }),
      { numRuns: 300_000 },
    );
  });

  it('17 to 19 significant digits, exponents -330..310, leading and trailing zeros', () => {
    const token = fc
      .tuple(
        fc.constantFrom('', '-', '+'),
        fc.stringMatching(/^[1-9][0-9]{16,18}$/),
        fc.integer({ min: -330, max: 310 }),
        fc.nat({ max: 20 }),
        fc.nat({ max: 3 }),
        fc.nat({ max: 3 }),
      )
      .map(([sign, digits, exponent, point, leading, trailing]) => {
        const at = Math.min(point, digits.length);
        const fraction = digits.slice(at) + '0'.repeat(trailing);
        return `${sign}${'0'.repeat(leading)}${digits.slice(0, at)}.${fraction}e${exponent}`;
      });
    fc.assert(fc.property(token, (text) => mismatch(text) === undefined), { numRuns: 300_000 });
  });

  it('syntax: random strings over digits, point, signs, e and spaces agree with the grammar', () => {
    const token = fc
      .array(fc.constantFrom('0', '1', '5', '9', '.', 'e', 'E', '+', '-', ' ', 'x', 'n'), { maxLength: 9 })
      .map((chars) => chars.join(''));
    fc.assert(fc.property(token, (text) => mismatch(text) === undefined), { numRuns: 300_000 });
  });

  it('a seeded bulk of 2.5 million: random-bit doubles (every exponent, subnormals) in many layouts', () => {
    const random = seeded(20240613);
    let checked = 0;
    for (let i = 0; i < 250_000; i++) {
      const x = randomBitsDouble(random);
      const precision = 1 + Math.floor(random() * 21);
      check(String(x));
      check(x.toPrecision(precision));
      check(x.toExponential());
      const sign = random() < 0.5 ? '-' : random() < 0.5 ? '+' : '';
      // 1 to 25 digits, exponents that put the value anywhere from below 2^-1075 to past 2^1024.
      const digits = randomDigits(random, 1 + Math.floor(random() * 25));
      check(layout(random, sign, digits, Math.floor(random() * 680) - 360));
      // Leading and trailing zeros around a short significand: still the fast path.
      const short = randomDigits(random, 1 + Math.floor(random() * 9));
      check(`${sign}000${short}.${'0'.repeat(Math.floor(random() * 12))}e${Math.floor(random() * 60) - 30}`);
      check(`${sign}0.${'0'.repeat(Math.floor(random() * 30))}${short}`);
      check(`${short}${'0'.repeat(Math.floor(random() * 30))}`);
      // Subnormals: exponent field 0.
      view.setUint32(0, (random() * 0x100000) >>> 0);
      view.setUint32(4, (random() * 4294967296) >>> 0);
      const tiny = view.getFloat64(0);
      check(String(tiny));
      check(tiny.toPrecision(precision));
      // A float32 logit of ordinary size, as exports write it.
      const logit = Math.fround((random() - 0.5) * 64);
      check(logit.toPrecision(9));
      checked += 10;
    }
    expect(checked).toBe(2_500_000);
  });
});

describe('parseDecimal: halfway cases between adjacent doubles', () => {
  /** The exact midpoint of a positive finite double x and the next one up, as an integer n and a power of ten: n * 10^k. */
  function midpointOf(x: number): { digits: bigint; power: number } {
    const bits = bitsOf(x);
    const biased = Number(bits >> 52n);
    const fraction = bits & ((1n << 52n) - 1n);
    const significand = biased === 0 ? fraction : fraction | (1n << 52n);
    const exponent = (biased === 0 ? 1 : biased) - 1075; // x = significand * 2^exponent
    const odd = 2n * significand + 1n; // midpoint = odd * 2^(exponent - 1)
    const twos = exponent - 1;
    if (twos >= 0) return { digits: odd << BigInt(twos), power: 0 };
    return { digits: odd * 5n ** BigInt(-twos), power: twos }; // odd * 2^-k = odd * 5^k * 10^-k
  }

  /** n * 10^k written out with a point and no exponent. */
  function plain(digits: bigint, power: number): string {
    const text = digits.toString();
    if (power >= 0) return text + '0'.repeat(power);
    const point = text.length + power;
    return point > 0 ? `${text.slice(0, point)}.${text.slice(point)}` : `0.${'0'.repeat(-point)}${text}`;
  }

  function checkMidpoint(x: number): void {
    const lower = x;
    const upper = fromBits(bitsOf(x) + 1n);
    const tie = (bitsOf(x) & 1n) === 0n ? lower : upper; // ties to even
    const { digits, power } = midpointOf(x);
    const cases: Array<[string, number]> = [
      [`${digits}e${power}`, tie],
      [plain(digits, power), tie],
      [`${digits}1e${power - 1}`, upper], // just above the midpoint
      [`${digits * 10n - 1n}e${power - 1}`, lower], // just below
    ];
    for (const [text, expected] of cases) {
      check(text);
      check(`-${text}`);
      const got = parseDecimal(text, 0, text.length);
      if (!Object.is(got, expected)) throw new Error(`${text.slice(0, 60)}...: got ${show(got)}, expected ${show(expected)}`);
    }
  }

  it('2^-1075 (half the smallest subnormal) ties to 0; the overflow threshold ties to Infinity', () => {
    checkMidpoint(0);
    checkMidpoint(5e-324);
    checkMidpoint(2.2250738585072014e-308);
    checkMidpoint(2.225073858507201e-308); // the largest subnormal
    checkMidpoint(1.7976931348623157e308);
    checkMidpoint(1);
    checkMidpoint(9007199254740992);
  });

  it('midpoints of random doubles: all magnitudes, subnormals, and near 1 (where logits are)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.double({ min: 0, noNaN: true, noDefaultInfinity: true, max: 1.7976931348623157e308 }),
          fc.double({ min: 0, max: 2.2250738585072014e-308, noNaN: true }),
          fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        ),
        (x) => {
          checkMidpoint(Math.abs(x));
        },
      ),
      { numRuns: 6_000 },
    );
  });
});

describe('the readers use parseDecimal on their hot path and agree with parseLogit', () => {
  const tokenArbitrary = fc.oneof(
    fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
    fc.float({ noNaN: true, noDefaultInfinity: true }).map((x) => x.toPrecision(9)),
    fc.constantFrom('nan', '-inf', 'Infinity', '-0', '.5', '5.', '+1e5', '1e400', '12345678901234567890', '1.2500000000'),
  );

  async function read(name: string, text: string, cuts: number[]): Promise<number[][]> {
    const bytes = new TextEncoder().encode(text);
    const offsets = [...new Set(cuts.map((cut) => cut % bytes.length))].sort((x, y) => x - y);
    async function* chunks(): AsyncGenerator<Uint8Array> {
      let start = 0;
      for (const cut of [...offsets, bytes.length]) {
        yield bytes.subarray(start, cut);
        start = cut;
      }
    }
    const rows: number[][] = [];
    for await (const batch of readRows(name, chunks(), name.endsWith('.csv') ? { header: false, delimiter: ',' } : {})) {
      for (const row of batch) rows.push(Array.from(row.values));
    }
    return rows;
  }

  it('CSV (with spaces around fields) and JSON Lines, whole and cut into chunks anywhere', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(tokenArbitrary, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 6 }),
        fc.constantFrom('', ' ', '\t '),
        fc.array(fc.nat(), { maxLength: 4 }),
        async (rows, pad, cuts) => {
          const expected = rows.map((row) => row.map((token) => parseLogit(token)));
          const csv = rows.map((row) => row.map((token) => `${pad}${token}${pad}`).join(',')).join('\n');
          const jsonl = rows.map((row) => `[${row.map((token) => `${pad}${token}`).join(',')}]`).join('\n');
          for (const [name, text] of [['a.csv', csv], ['a.jsonl', jsonl]]) {
            for (const read_ of [await read(name, text, []), await read(name, text, cuts)]) {
              expect(read_.length).toBe(expected.length);
              read_.forEach((row, r) =>
                row.forEach((value, j) => expect(Object.is(value, expected[r][j]), `${name} ${r} ${j}`).toBe(true)),
              );
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
