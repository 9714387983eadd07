import { describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { f16round } from '@petamoriken/float16';
import { bfloat16, float16, float32, float64, FORMATS, roundDoubleDouble, roundDoubleDoubleEach, type Format } from '../../src/formats/index.js';
import { allNonNegativeValues, exactRound, exactRoundSum, nextDown, nextUp } from '../support/exact-rounding.js';

const sixteenBit = [
  { name: 'float16', format: float16, exponentBits: 5 },
  { name: 'bfloat16', format: bfloat16, exponentBits: 8 },
];

function expectRounds(format: Format, x: number, expected: number): void {
  const got = format.round(x);
  if (!Object.is(got, expected)) {
    throw new Error(`${format.dtype}.round(${x}) = ${got}, expected ${expected} (exact BigInt rounding)`);
  }
}

describe.each(sixteenBit)('$name rounding, exhaustive over every bit pattern', ({ format, exponentBits }) => {
  const values = allNonNegativeValues(format, exponentBits);

  test('the enumeration matches the format constants', () => {
    expect(values.length).toBe(2 ** 15 - 2 ** (format.precision - 1));
    expect(values[1]).toBe(format.minSubnormal);
    expect(values[2 ** (format.precision - 1)]).toBe(format.minNormal);
    expect(values[values.length - 1]).toBe(format.maxFinite);
  });

  test('every value, both signs, rounds to itself', () => {
    for (const v of values) {
      expectRounds(format, v, v);
      expectRounds(format, -v, -v);
    }
  });

  test('every midpoint ties to even, and its float64 neighbours round to the nearer value', () => {
    // Midpoints include the one between 0 and the smallest subnormal and the overflow midpoint.
    const withInfinity = [...values, format.maxFinite + 2 ** (format.maxExponent - format.precision + 1)];
    for (let i = 0; i + 1 < withInfinity.length; i++) {
      const below = withInfinity[i];
      const above = withInfinity[i + 1];
      const midpoint = (below + above) / 2; // exact: one more bit than the format has
      const upper = i + 1 === values.length ? Infinity : above;
      const even = i % 2 === 0 ? below : upper;
      for (const [x, expected] of [
        [midpoint, even],
        [nextUp(midpoint), upper],
        [nextDown(midpoint), below],
      ] as const) {
        expectRounds(format, x, expected);
        expectRounds(format, -x, -expected);
        expect(exactRound(format, x)).toBe(expected); // the oracle agrees with the hand derivation
      }
    }
  });

  test('random float64 values of every magnitude agree with exact BigInt rounding', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (x) => {
        expectRounds(format, x, exactRound(format, x));
      }),
      { numRuns: 200_000 },
    );
  });
});

describe('rounds straight from float64, never through float32', () => {
  test('bfloat16: 1 + 2^-8 + 2^-30 rounds up (through float32 it would tie and round down to 1)', () => {
    const x = 1 + 2 ** -8 + 2 ** -30;
    expect(Math.fround(x)).toBe(1 + 2 ** -8); // float32 drops the 2^-30 and makes a tie
    expect(bfloat16.round(x)).toBe(1 + 2 ** -7);
  });

  test('float16: 1 + 2^-11 + 2^-40 rounds up (through float32 it would tie and round down to 1)', () => {
    const x = 1 + 2 ** -11 + 2 ** -40;
    expect(Math.fround(x)).toBe(1 + 2 ** -11);
    expect(float16.round(x)).toBe(1 + 2 ** -10);
  });
});

describe('float32 and float64 rounding', () => {
  test('float32 agrees with exact BigInt rounding on random doubles and float32 midpoints', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), fc.float({ noNaN: true, noDefaultInfinity: true }), (x, f) => {
        expectRounds(float32, x, exactRound(float32, x));
        if (f !== 0 && Math.abs(f) < float32.maxFinite) {
          const midpoint = (f + nextUp32(f)) / 2;
          expectRounds(float32, midpoint, exactRound(float32, midpoint));
        }
      }),
      { numRuns: 100_000 },
    );
  });

  test('float64 rounding is the identity, keeping -0, subnormals and values above 2^1023 included', () => {
    expect(Object.is(float64.round(-0), -0)).toBe(true);
    expect(float64.round(0.1)).toBe(0.1);
    for (const x of [Number.MIN_VALUE, -Number.MIN_VALUE, 3 * Number.MIN_VALUE, 2 ** -1023 + Number.MIN_VALUE, 2 ** -1022 - Number.MIN_VALUE, Number.MAX_VALUE, -(2 ** 1023)]) {
      expect(float64.round(x)).toBe(x);
    }
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (x) => Object.is(float64.round(x), x)),
      { numRuns: 100_000 },
    );
  });

  test('special values: NaN stays NaN, infinities and signed zeros are kept, for every format', () => {
    for (const format of Object.values(FORMATS)) {
      expect(format.round(NaN)).toBeNaN();
      expect(format.round(Infinity)).toBe(Infinity);
      expect(format.round(-Infinity)).toBe(-Infinity);
      expect(Object.is(format.round(-0), -0)).toBe(true);
      expect(Object.is(format.round(0), 0)).toBe(true);
      expect(format.round(Number.MAX_VALUE)).toBe(format.dtype === 'float64' ? Number.MAX_VALUE : Infinity);
      expect(format.round(-1e300)).toBe(format.dtype === 'float64' ? -1e300 : -Infinity);
    }
  });

  test('tiny values flush to signed zero below half the smallest subnormal', () => {
    expect(Object.is(float16.round(-(2 ** -25)), -0)).toBe(true); // exact tie: to even (0)
    expect(float16.round(2 ** -25 * 1.0000001)).toBe(2 ** -24);
    expect(Object.is(bfloat16.round(-(2 ** -134)), -0)).toBe(true);
  });
});

function nextUp32(f: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, f);
  const bits = view.getUint32(0);
  view.setUint32(0, f > 0 ? bits + 1 : bits - 1);
  return view.getFloat32(0);
}

describe('roundDoubleDoubleEach: the per-row loop gives the hand-derived roundings', () => {
  // [format, hi, lo, exp2, expected]: midpoints decided by lo, ties to even, the overflow
  // midpoint, float64 (hi itself), and scaled values below float64's range.
  const cases: Array<[Format, number, number, number, number]> = [
    [float16, 1 + 2 ** -11, 0, 0, 1],
    [float16, 1 + 2 ** -11, 2 ** -80, 0, 1 + 2 ** -10],
    [float16, 1 + 2 ** -11, -(2 ** -80), 0, 1],
    [float16, -(1 + 2 ** -11), -(2 ** -80), 0, -(1 + 2 ** -10)],
    [float16, 1 + 3 * 2 ** -11, 0, 0, 1 + 2 ** -9],
    [float16, 1 + 3 * 2 ** -11, -(2 ** -80), 0, 1 + 2 ** -10],
    [float16, 65520, 0, 0, Infinity],
    [float16, 65520, -(2 ** -40), 0, 65504],
    [float16, 2 ** -25, 2 ** -90, 0, 2 ** -24], // the subnormal midpoint between 0 and 2^-24
    [float16, 2 ** -25, -(2 ** -90), 0, 0],
    [bfloat16, 1 + 2 ** -8, 2 ** -70, 0, 1 + 2 ** -7],
    [float32, 0.1, 2 ** -60, 0, Math.fround(0.1)],
    [float64, 0.1, 2 ** -60, 0, 0.1],
    [float64, 1.5, 2 ** -60, -1100, 0], // 1.5 * 2^-1100: below half of 2^-1074
    [float64, 1.5, 0, -1073, 2 ** -1073 + 2 ** -1074], // 1.5 * 2^-1073 = 3 * 2^-1074, exact
    [float16, 1.5, 0, -1100, 0],
  ];
  test.each(cases.map(([format, hi, lo, exp2, expected]) => ({ dtype: format.dtype, hi, lo, exp2, expected })))(
    '$dtype: ($hi + $lo) * 2^$exp2 -> $expected',
    ({ dtype, hi, lo, exp2, expected }) => {
      const format = [float64, float32, float16, bfloat16].find((f) => f.dtype === dtype)!;
      // Two elements, so that the loop runs over a neighbour too.
      const out = new Float64Array(2);
      roundDoubleDoubleEach(format, Float64Array.of(0.75, hi), Float64Array.of(0, lo), Int32Array.of(0, exp2), out, 2);
      expect(out[0]).toBe(0.75);
      expect(out[1]).toBe(expected);
    },
  );
});

describe('roundDoubleDouble: hi + lo rounded once', () => {
  test('a midpoint hi is decided by the sign of lo', () => {
    const midpoint = 1 + 2 ** -11; // between 1 and 1 + 2^-10 in float16
    expect(roundDoubleDouble(float16, midpoint, 0)).toBe(1);
    expect(roundDoubleDouble(float16, midpoint, 2 ** -80)).toBe(1 + 2 ** -10);
    expect(roundDoubleDouble(float16, midpoint, -(2 ** -80))).toBe(1);
    expect(roundDoubleDouble(float16, -midpoint, -(2 ** -80))).toBe(-(1 + 2 ** -10));
    const oddMidpoint = 1 + 3 * 2 ** -11; // between 1 + 2^-10 and 1 + 2^-9: ties to the even upper one
    expect(roundDoubleDouble(float16, oddMidpoint, 0)).toBe(1 + 2 ** -9);
    expect(roundDoubleDouble(float16, oddMidpoint, -(2 ** -80))).toBe(1 + 2 ** -10);
  });

  test('the overflow midpoint with a negative tail rounds to the largest finite value', () => {
    expect(roundDoubleDouble(float16, 65520, 0)).toBe(Infinity);
    expect(roundDoubleDouble(float16, 65520, -(2 ** -40))).toBe(65504);
    expect(roundDoubleDouble(float16, -65520, 2 ** -40)).toBe(-65504);
    expect(roundDoubleDouble(bfloat16, 3.3895313892515355e38 + 2 ** 119, -1)).toBe(3.3895313892515355e38);
  });

  test('hi + lo rounds as the exact sum does (BigInt), in every narrow format, midpoints included', () => {
    // Every generated case is checked in all three formats (none is skipped): random hi, and hi
    // placed on a midpoint of one of the formats (the neighbours of a random value of it, averaged),
    // where the sign of lo decides, or ties-to-even when lo is 0.
    const formats = [float32, float16, bfloat16];
    const randomHi = fc.double({ min: -6e4, max: 6e4, noNaN: true });
    const midpointHi = fc.tuple(fc.constantFrom(...formats), fc.double({ min: -6e4, max: 6e4, noNaN: true })).map(([format, x]) => {
      const below = format.round(x);
      const step = 2 ** (Math.max(Math.floor(Math.log2(Math.abs(below) || format.minNormal)), Math.log2(format.minNormal)) - format.precision + 1);
      return below + step / 2; // exact: one bit below the format's quantum at below
    });
    const lo = fc.oneof(fc.constant(0), fc.double({ min: -1, max: 1, noNaN: true }));
    let midpoints = 0;
    fc.assert(
      fc.property(fc.oneof(randomHi, midpointHi), lo, (hi, t) => {
        const tail = t * 2 ** -60 * Math.abs(hi); // well under half an ulp of hi: hi = fl(hi + tail)
        for (const format of formats) {
          const got = roundDoubleDouble(format, hi, tail);
          const expected = exactRoundSum(format, hi, tail);
          const nudge = 2 ** -80 * Math.abs(hi);
          if (nudge !== 0 && exactRoundSum(format, hi, nudge) !== exactRoundSum(format, hi, -nudge)) midpoints++;
          if (!Object.is(got, expected)) {
            throw new Error(
              `roundDoubleDouble(${format.dtype}, ${hi}, ${tail}): input hi ${hi}, lo ${tail}; got ${got}, expected ${expected} (exact BigInt rounding of the sum), difference ${got - expected}, tolerance 0`,
            );
          }
        }
      }),
      { numRuns: 20_000 },
    );
    expect(midpoints, 'cases whose hi is a midpoint of the format (decided by lo)').toBeGreaterThan(1000);
  });
});

test('float16 agrees with @petamoriken/float16 (an independent implementation) on random doubles', () => {
  fc.assert(
    fc.property(fc.oneof(fc.double({ noNaN: true }), fc.double({ min: -70000, max: 70000, noNaN: true }), fc.double({ min: -1e-4, max: 1e-4, noNaN: true })), (x) => {
      expect(Object.is(float16.round(x), f16round(x))).toBe(true);
    }),
    { numRuns: 100_000 },
  );
});

test('the derived constants are SPEC §1 table values', () => {
  const spec = {
    float64: [53, 1.7976931348623157e308, 2.2250738585072014e-308, 4.9406564584124654e-324],
    float32: [24, 3.4028234663852886e38, 1.1754943508222875e-38, 1.4012984643248171e-45],
    float16: [11, 65504, 6.103515625e-5, 5.9604644775390625e-8],
    bfloat16: [8, 3.3895313892515355e38, 1.1754943508222875e-38, 9.1835496157991212e-41],
  } as const;
  for (const [dtype, [precision, maxFinite, minNormal, minSubnormal]] of Object.entries(spec)) {
    const format = FORMATS[dtype as keyof typeof spec];
    expect({ dtype, precision: format.precision, maxFinite: format.maxFinite, minNormal: format.minNormal, minSubnormal: format.minSubnormal }).toEqual({
      dtype,
      precision,
      maxFinite,
      minNormal,
      minSubnormal,
    });
  }
});
