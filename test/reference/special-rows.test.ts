// Named tests of the oracle on special values and extreme rows, written in code (JSON cannot
// hold NaN, +-Infinity or -0). Values are checked exactly where they are exact, else against
// decimal.js (decimal-oracle.ts) to 2^-100 relative.
import { describe, expect, it } from 'vitest';
import { Decimal } from 'decimal.js';
import { FORMATS, roundScaledDoubleDouble } from '../../src/formats/index.js';
import { ReferenceRow } from '../../src/reference/index.js';
import { Precise, checkClose, checkRow, ddDecimal, decimalLog1p, exactDecimal } from './decimal-oracle.js';

function computed(values: number[]): ReferenceRow {
  const row = new ReferenceRow();
  const x = Float64Array.from(values);
  row.compute(x, x.length);
  return row;
}

/** Computes the row and checks every value against decimal.js. */
function checked(values: number[]): ReferenceRow {
  const row = computed(values);
  checkRow(row, values);
  return row;
}

function expectExactlyOne(row: ReferenceRow, i: number): void {
  expect(row.softmaxHi[i]).toBe(1);
  expect(row.softmaxLo[i]).toBe(0);
  expect(row.softmaxExp2[i]).toBe(0);
}

function expectPositiveZero(value: number): void {
  expect(Object.is(value, 0)).toBe(true);
}

describe('row kinds', () => {
  it('a row of -Infinity only is masked, with no values', () => {
    const row = computed([-Infinity, -Infinity, -Infinity]);
    expect(row.kind).toBe('masked');
    expect(row.argmax).toBe(-1);
    expect(row.lseHi).toBeNaN();
    expect(row.length).toBe(3);
  });

  it('a single -Infinity is masked too', () => {
    expect(computed([-Infinity]).kind).toBe('masked');
  });

  it('a NaN anywhere makes a nan row, even beside +Infinity', () => {
    expect(computed([1, NaN, 2]).kind).toBe('nan');
    expect(computed([NaN]).kind).toBe('nan');
    expect(computed([Infinity, NaN]).kind).toBe('nan');
    expect(computed([NaN, -Infinity]).kind).toBe('nan');
  });

  it('+Infinity makes a posInf row', () => {
    expect(computed([1, Infinity, 2]).kind).toBe('posInf');
    expect(computed([Infinity, -Infinity]).kind).toBe('posInf');
    expect(computed([-Infinity, Infinity]).kind).toBe('posInf');
  });

  it('values of non-ordinary rows are NaN, not left over from the previous row', () => {
    const row = new ReferenceRow();
    row.compute(Float64Array.from([1, 2]), 2);
    row.compute(Float64Array.from([NaN, 2]), 2);
    expect(row.kind).toBe('nan');
    expect(row.logSoftmaxHi[1]).toBeNaN();
    expect(row.softmaxHi[1]).toBeNaN();
  });

  it('rejects a length outside the array', () => {
    const row = new ReferenceRow();
    expect(() => row.compute(new Float64Array(2), 3)).toThrow(RangeError);
    expect(() => row.compute(new Float64Array(2), 0)).toThrow(RangeError);
  });
});

describe('rows with some -Infinity entries', () => {
  it('[-inf, 1, 2]: probability 0 and log-probability -Infinity exactly at the masked entry', () => {
    const row = checked([-Infinity, 1, 2]);
    expect(row.kind).toBe('ordinary');
    expect(row.argmax).toBe(2);
    expect(row.logSoftmaxHi[0]).toBe(-Infinity);
    expect(row.softmaxHi[0]).toBe(0);
    expect(row.softmaxLo[0]).toBe(0);
    // LSE = 2 + log(1 + e^-1)
    const expected = new Precise(2).plus(Precise.ln(Precise.exp(-1).plus(1)));
    checkClose('LSE', [-Infinity, 1, 2], ddDecimal(row.lseHi, row.lseLo), expected);
  });

  it('[x, -inf, -inf] is the K = 1 row [x]', () => {
    const row = checked([-3.5, -Infinity, -Infinity]);
    expect(row.lseHi).toBe(-3.5);
    expect(row.lseLo).toBe(0);
    expectExactlyOne(row, 0);
  });

  it('a causal-mask row starting with -Infinity', () => {
    checked([-Infinity, -Infinity, 0.25, -1.5, 3]);
  });
});

describe('K = 1', () => {
  it('[0]: LSE 0, softmax 1, logSoftmax 0, all exact (and +0)', () => {
    const row = computed([0]);
    expect(row.argmax).toBe(0);
    expectPositiveZero(row.lseHi);
    expectPositiveZero(row.lseLo);
    expectPositiveZero(row.logSoftmaxHi[0]);
    expectPositiveZero(row.logSoftmaxLo[0]);
    expectExactlyOne(row, 0);
  });

  it('[-0]: LSE +0 (the exact value 0 has no sign)', () => {
    const row = computed([-0]);
    expectPositiveZero(row.lseHi);
    expectPositiveZero(row.logSoftmaxHi[0]);
    expectExactlyOne(row, 0);
  });

  for (const x of [-1e4, 1e30, -1e30, 5e-324, -Number.MAX_VALUE, Number.MAX_VALUE, 3.4028234663852886e38]) {
    it(`[${x}]: LSE = x exactly, softmax 1, logSoftmax 0`, () => {
      const row = computed([x]);
      expect(row.lseHi).toBe(x);
      expect(row.lseLo).toBe(0);
      expectPositiveZero(row.logSoftmaxHi[0]);
      expectExactlyOne(row, 0);
    });
  }
});

describe('ties and signed zeros', () => {
  it('[3, 3, 3]: softmax 1/3 each, LSE 3 + log 3, argmax the first', () => {
    const row = checked([3, 3, 3]);
    expect(row.argmax).toBe(0);
    const third = new Precise(1).div(3);
    for (let i = 0; i < 3; i++) {
      checkClose(`softmax[${i}]`, [3, 3, 3], ddDecimal(row.softmaxHi[i], row.softmaxLo[i], row.softmaxExp2[i]), third);
    }
    checkClose('LSE', [3, 3, 3], ddDecimal(row.lseHi, row.lseLo), new Precise(3).plus(Precise.ln(3)));
  });

  it('argmax is the first of tied maxima', () => {
    expect(checked([1, 3, 3]).argmax).toBe(1);
    expect(checked([-Infinity, 2, 0, 2]).argmax).toBe(1);
  });

  it('-0 and +0 are the same logit: [-0, 0] gives 1/2 each exactly, argmax 0', () => {
    const row = checked([-0, 0]);
    expect(row.argmax).toBe(0);
    for (let i = 0; i < 2; i++) {
      expect(row.softmaxHi[i]).toBe(0.5);
      expect(row.softmaxLo[i]).toBe(0);
    }
    checked([0, -0, -1]);
    checked([-1, -0, -0]);
  });
});

describe('cancellation in LSE = m + log(s) (m < 0, LSE near 0)', () => {
  const ln2f32 = Math.fround(-Math.LN2);
  const cases: Array<[string, number[]]> = [
    ['[-log 2, -log 2] cast to float32', [ln2f32, ln2f32]],
    ['[-log 2, -log 2] in float64 (LSE = 2.3e-17)', [-Math.LN2, -Math.LN2]],
    ['[-0.5, -0.5, -0.5]: LSE = log 3 - 0.5 = 0.5986', [-0.5, -0.5, -0.5]],
    ['[-1, -1, -1]: LSE = log 3 - 1', [-1, -1, -1]],
    ['three equal logits with LSE = 1e-7', Array(3).fill(-Math.log(3) + 1e-7)],
    ['three equal float32 logits with LSE within 1e-6 of 0', Array(3).fill(Math.fround(-Math.log(3) - 4e-7))],
    ['two logits with LSE = -3e-7', [-0.2, -0.2 - Math.log(Math.expm1(0.2 - 3e-7))]],
    ['log-probabilities of [1, 2, 3] in float64', [1, 2, 3].map((v) => v - (3 + Math.log1p(Math.exp(-1) + Math.exp(-2))))],
    ['log-probabilities of [1, 2, 3] cast to float32', [1, 2, 3].map((v) => Math.fround(v - (3 + Math.log1p(Math.exp(-1) + Math.exp(-2)))))],
    ['a tiny-scale cancellation: m = -1e-20, the other term e^-46.05 = 1e-20', [-1e-20, -1e-20 + Math.log(1e-20)]],
  ];
  for (const [name, values] of cases) {
    it(name, () => {
      checked(values);
    });
  }

  it('a float64 log-probability row of K = 2000 with a long tail of tiny terms', () => {
    const base = Array.from({ length: 2000 }, (_, j) => -0.01 * j - (j % 7) * 3);
    let max = -Infinity;
    for (const v of base) max = Math.max(max, v);
    let sum = 0;
    for (const v of base) sum += Math.exp(v - max);
    const lse = max + Math.log(sum);
    checked(base.map((v) => v - lse));
  });
});

describe('values below float64 range', () => {
  it('[0, -2000]: softmax e^-2000 (below 2^-1074) to full relative accuracy, with softmaxExp2', () => {
    const row = checked([0, -2000]);
    expect(row.softmaxExp2[1]).toBeLessThan(-2000);
    // exp(-2000) = 2^-2885.39...: hi is in [1, 2) times 2^softmaxExp2 = 2^-2886.
    expect(row.softmaxExp2[1]).toBe(-2886);
    checkClose('softmax[1]', [0, -2000], ddDecimal(row.softmaxHi[1], row.softmaxLo[1], row.softmaxExp2[1]), Precise.exp(-2000).div(Precise.exp(-2000).plus(1)));
    // softmax[0] = 1/(1 + e^-2000) rounds to 1 in double-double; LSE = log1p(e^-2000) and
    // logSoftmax[0] = -LSE keep their exponent (checkRow checks them to 2^-100 relative).
    expectExactlyOne(row, 0);
    expect(row.lseExp2).toBeLessThan(-2800);
    expect(row.logSoftmaxExp2[0]).toBe(row.lseExp2);
    expect(row.logSoftmaxHi[0]).toBe(-row.lseHi);
  });

  it('[0, -745.2]: a softmax just below the least subnormal', () => {
    const row = checked([0, -745.2]);
    expect(row.softmaxExp2[1]).toBeLessThan(0);
  });

  it('[0, -1e5] and [0, -1e6] (the reduction beyond 2^18 runs on BigInt)', () => {
    checked([0, -1e5]);
    checked([0, -1e6]);
    checked([5, -5e8]);
  });

  it('softmaxExp2 is 0 at and above 2^-960, negative below', () => {
    const threshold = -960 * Math.LN2;
    const above = checked([0, threshold + 1e-9]);
    expect(above.softmaxExp2[1]).toBe(0);
    expect(above.softmaxHi[1]).toBeGreaterThanOrEqual(2 ** -960);
    const below = checked([0, threshold - 1e-9]);
    expect(below.softmaxExp2[1]).toBeLessThan(0);
  });

  /** The float64 nearest to a Decimal in the subnormal range (ties to even). */
  function nearestSubnormal(value: Decimal): number {
    const units = value.div(new Precise(2).pow(-1074));
    const rounded = units.toDecimalPlaces(0, Decimal.ROUND_HALF_EVEN).toNumber();
    return rounded * 2 ** -1074;
  }

  function roundedLse(row: ReferenceRow): number {
    return roundScaledDoubleDouble(FORMATS.float64, row.lseHi, row.lseLo, row.lseExp2);
  }

  function roundedLogSoftmax(row: ReferenceRow, i: number): number {
    return roundScaledDoubleDouble(FORMATS.float64, row.logSoftmaxHi[i], row.logSoftmaxLo[i], row.logSoftmaxExp2[i]);
  }

  it('LSE and logSoftmax around 2^-1075 keep their relative accuracy and round to the right subnormal', () => {
    // [x, 0] with x around -745.1332..., where e^x crosses 2^-1075 (half the least subnormal):
    // LSE = log1p(e^x) rounds to 2^-1074 just above and to 0 just below.
    const threshold = -745.1332191019412;
    const below = threshold - 2 ** -43;
    const above = threshold + 2 ** -43;
    for (const x of [below, threshold, above, -740, -720.5, -708.4]) {
      const row = checked([x, 0]);
      const exact = decimalLog1p(Precise.exp(exactDecimal(x)), Precise);
      expect(row.lseExp2).toBeLessThan(0);
      expect(roundedLse(row)).toBe(nearestSubnormal(exact));
      // (+ 0 makes -0 and +0 equal: a value that rounds to zero may come out as either.)
      expect(roundedLogSoftmax(row, 1) + 0).toBe(-nearestSubnormal(exact) + 0);
    }
    expect(roundedLse(computed([above, 0]))).toBe(5e-324);
    expect(roundedLse(computed([below, 0]))).toBe(0);
  });

  it('a sum of a thousand tiny terms keeps 2^-100 and rounds correctly into the subnormals', () => {
    const values = [0, ...Array.from({ length: 1000 }, (_, j) => -738 - j / 500)];
    const row = computed(values);
    let sum = new Precise(0);
    for (const v of values.slice(1)) sum = sum.plus(Precise.exp(exactDecimal(v)));
    const exact = decimalLog1p(sum, Precise);
    expect(roundedLse(row)).toBe(nearestSubnormal(exact));
    expect(roundedLogSoftmax(row, 0) + 0).toBe(-nearestSubnormal(exact) + 0);
    checkRow(row, values);
  });

  it('the floor 2^(-2^31): [0, -1488522235] and [1488522112, 0] (float32) keep their exponents (down to -2^31 + 1), [0, -1488522236] is 0', () => {
    // e^-1488522235 = 2^(-1488522235 / ln 2) = 2^-2147483646.687 (2^31 ln 2 = 1488522235.9098,
    // mpmath): hi = 2^0.313 = 1.24 at exp2 = -2147483647. LSE = log1p of it = it, to 2^-2^31.
    const row = checked([0, -1488522235]);
    expect(row.softmaxExp2[1]).toBe(-2147483647);
    expect(row.softmaxHi[1]).toBeCloseTo(2 ** 0.3125, 2);
    expect(row.lseExp2).toBe(-2147483647);
    expect(row.logSoftmaxExp2[0]).toBe(-2147483647);
    expect(row.logSoftmaxHi[0]).toBe(-row.lseHi);
    // The largest float32 spread below the threshold: 1488522112 / ln 2 = 2147483469.24.
    const float32 = checked([1488522112, 0]);
    expect(float32.logSoftmaxExp2[0]).toBe(-2147483470);
    expect(float32.softmaxExp2[1]).toBe(-2147483470);
    // e^-1488522236 = 2^-2147483648.13, below the floor: softmax 0 and LSE exactly 0.
    const below = computed([0, -1488522236]);
    expect([below.softmaxHi[1], below.softmaxLo[1], below.softmaxExp2[1]]).toEqual([0, 0, 0]);
    expect([below.lseHi, below.lseLo, below.lseExp2]).toEqual([0, 0, 0]);
    expect(below.logSoftmaxHi[1]).toBe(-1488522236);
  });

  it('x_j - m below -2^31 ln 2: softmax 0 (it would be below 2^(-2^31)), logSoftmax exact', () => {
    const row = computed([0, -2e9]);
    expect(row.softmaxHi[1]).toBe(0);
    expect(row.softmaxExp2[1]).toBe(0);
    expect(row.logSoftmaxHi[1]).toBe(-2e9);
  });
});

describe('LSE and logSoftmax below 2^-960 (lseExp2, logSoftmaxExp2)', () => {
  /** Checks the row against decimal.js and returns it; LSE and logSoftmax at the max must be scaled. */
  function tiny(values: number[]): ReferenceRow {
    const row = checked(values);
    expect(row.lseExp2).toBeLessThan(0);
    expect(row.logSoftmaxExp2[row.argmax]).toBeLessThan(0);
    for (let i = 0; i < values.length; i++) if (i !== row.argmax) expect(row.logSoftmaxExp2[i]).toBe(0);
    return row;
  }

  it('[0, -800]: LSE = log1p(e^-800) = 3.7e-348, logSoftmax[0] = -LSE', () => {
    const row = tiny([0, -800]);
    const exact = decimalLog1p(Precise.exp(-800), Precise);
    checkClose('LSE', [0, -800], ddDecimal(row.lseHi, row.lseLo, row.lseExp2), exact);
    checkClose('logSoftmax[0]', [0, -800], ddDecimal(row.logSoftmaxHi[0], row.logSoftmaxLo[0], row.logSoftmaxExp2[0]), exact.neg());
    expect(roundScaledDoubleDouble(FORMATS.float64, row.lseHi, row.lseLo, row.lseExp2)).toBe(0);
  });

  it('[0, -2000, -3000] and [-2000, 0, -2000.5]: sums of terms far below float64', () => {
    tiny([0, -2000, -3000]);
    tiny([-2000, 0, -2000.5]);
    tiny([0, ...Array.from({ length: 50 }, (_, j) => -1000 - 37.25 * j)]);
  });

  it('[70000, 0]: logSoftmax[0] = -log1p(e^-70000) = -2.4e-30401, LSE = 70000 + that', () => {
    const row = checked([70000, 0]);
    expect(row.lseExp2).toBe(0);
    expect(row.lseHi).toBe(70000);
    expect(row.logSoftmaxExp2[0]).toBeLessThan(-100000);
    checkClose('logSoftmax[0]', [70000, 0], ddDecimal(row.logSoftmaxHi[0], row.logSoftmaxLo[0], row.logSoftmaxExp2[0]), Precise.exp(-70000).neg());
    checked([0, -1e6]);
    checked([3, -5e8, 3 - 1e5]);
  });

  it('[5e-324, -900] and other tiny maxima: LSE = m + L formed without losing either part', () => {
    tiny([5e-324, -900]);
    tiny([-5e-324, -900]);
    tiny([1e-300, -900, -901]);
    tiny([-1e-300, -1e-300 - 700]);
    tiny([2 ** -1000, -700]);
    // m tiny and L larger: LSE above 2^-960 (unscaled) and below (scaled).
    checked([5e-324, -700]);
    checked([-5e-324, -690]);
    checked([2 ** -950, -900]);
  });

  it('a tiny m < 0 cancelling against L: LSE below float64 range from the BigInt path', () => {
    // m = -2^-1060, one other term e^d with d = log(2^-1060) rounded: LSE = m + log1p(e^d) is
    // a float64 rounding error of d, about 2^-1113, computed in BigInt with its exponent.
    const m = -(2 ** -1060);
    const d = Math.log(2 ** -1060);
    const row = checked([m, m + d]);
    expect(row.lseExp2).toBeLessThan(-1074);
    checked([-(2 ** -1000), -(2 ** -1000) + Math.log(2 ** -1000)]);
    checked([-5e-324, -5e-324 + Math.log(5e-324)]);
  });

  it('LSE just below and just above 2^-960', () => {
    const threshold = -960 * Math.LN2;
    const above = checked([0, threshold + 1e-9]);
    expect(above.lseExp2).toBe(0);
    expect(above.lseHi).toBeGreaterThanOrEqual(2 ** -960);
    const below = checked([0, threshold - 1e-9]);
    expect(below.lseExp2).toBeLessThan(0);
    checked([0, -620]);
    checked([0, -624]);
  });

  it('the exponents of a tiny row do not leak into the next row', () => {
    const row = new ReferenceRow();
    row.compute(Float64Array.from([0, -800, -5]), 2);
    expect(row.logSoftmaxExp2[0]).toBeLessThan(0);
    row.compute(Float64Array.from([0, -5]), 2);
    expect(row.logSoftmaxExp2[0]).toBe(0);
    expect(row.lseExp2).toBe(0);
    row.compute(Float64Array.from([-800, 0]), 2);
    expect(row.logSoftmaxExp2[1]).toBeLessThan(0);
    row.compute(Float64Array.from([NaN, 0]), 2);
    expect(row.kind).toBe('nan');
    expect([row.logSoftmaxExp2[0], row.logSoftmaxExp2[1], row.lseExp2]).toEqual([0, 0, 0]);
    // A longer row reallocates: the new arrays start at 0.
    row.compute(Float64Array.from([-800, 0]), 2);
    row.compute(Float64Array.from({ length: 100 }, (_, j) => -j), 100);
    for (let i = 0; i < 100; i++) expect(row.logSoftmaxExp2[i]).toBe(0);
  });

  it('exact values keep exp2 = 0: K = 1, and rows whose other terms are exactly 0', () => {
    for (const x of [5e-324, -5e-324, 1e-310, 0]) {
      const row = computed([x]);
      expect([row.lseHi, row.lseLo, row.lseExp2]).toEqual([x + 0, 0, 0]);
      expect([row.logSoftmaxHi[0], row.logSoftmaxLo[0], row.logSoftmaxExp2[0]]).toEqual([0, 0, 0]);
    }
    const row = computed([5e-324, -Infinity, -3e9]);
    expect([row.lseHi, row.lseLo, row.lseExp2]).toEqual([5e-324, 0, 0]);
    expectPositiveZero(row.logSoftmaxHi[0]);
  });
});

describe('extreme magnitudes', () => {
  it('float32-range logits: [3.4e38, 3.4e38 - 2e31, -3.4e38]', () => {
    checked([3.4028234663852886e38, 3.4028234663852886e38 - 2.028240960365167e31, -3.4028234663852886e38]);
  });

  it('[MAX, MAX]: LSE = MAX + log 2 without overflow', () => {
    const row = checked([Number.MAX_VALUE, Number.MAX_VALUE]);
    expect(row.lseHi).toBe(Number.MAX_VALUE);
  });

  it('[MAX, -MAX]: x_1 - m overflows float64, so logSoftmax_1 is -Infinity and softmax_1 is 0', () => {
    const row = computed([Number.MAX_VALUE, -Number.MAX_VALUE]);
    expect(row.kind).toBe('ordinary');
    expect(row.logSoftmaxHi[1]).toBe(-Infinity);
    expect(row.softmaxHi[1]).toBe(0);
    expectExactlyOne(row, 0);
    expect(row.lseHi).toBe(Number.MAX_VALUE);
  });

  it('subnormal logits', () => {
    checked([5e-324, -5e-324, 0]);
    checked([2.2250738585072014e-308, 1e-310]);
  });
});

describe('wide rows', () => {
  it('K = 131072 of three repeated values: the sum of many equal terms stays exact to 2^-100', () => {
    const K = 131072;
    const values = [0.75, -1.25, -40.5];
    const x = new Float64Array(K);
    for (let j = 0; j < K; j++) x[j] = values[j % 3];
    const row = new ReferenceRow();
    row.compute(x, K);
    // s = sum over the three values of count * e^(v - m).
    const counts = [0, 0, 0];
    for (let j = 0; j < K; j++) counts[j % 3] += 1;
    let sum = new Precise(0);
    for (let v = 0; v < 3; v++) sum = sum.plus(Precise.exp(exactDecimal(values[v] - 0.75)).times(counts[v]));
    const lse = new Precise(0.75).plus(Precise.ln(sum));
    const input = `[0.75, -1.25, -40.5] repeated to K = ${K}`;
    checkClose('LSE', input, ddDecimal(row.lseHi, row.lseLo), lse);
    for (let v = 0; v < 3; v++) {
      const expectedLog = exactDecimal(values[v]).minus(lse);
      checkClose(`logSoftmax[${v}]`, input, ddDecimal(row.logSoftmaxHi[v], row.logSoftmaxLo[v]), expectedLog);
      checkClose(`softmax[${v}]`, input, ddDecimal(row.softmaxHi[v], row.softmaxLo[v], row.softmaxExp2[v]), Precise.exp(expectedLog));
    }
  });

  it('K = 131072 of varied logits: softmax sums to 1 within 2^-100', () => {
    const K = 131072;
    const x = new Float64Array(K);
    let state = 12345;
    for (let j = 0; j < K; j++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      x[j] = Math.fround((state / 2 ** 32) * 30 - 20);
    }
    const row = new ReferenceRow();
    row.compute(x, K);
    let total = new Precise(0);
    for (let j = 0; j < K; j++) total = total.plus(ddDecimal(row.softmaxHi[j], row.softmaxLo[j], row.softmaxExp2[j]));
    checkClose('sum of softmax', x, total, new Precise(1));
  });
});

describe('buffers', () => {
  it('a short row after a long one reuses the buffers and gives the same values as a fresh row', () => {
    const row = new ReferenceRow();
    row.compute(Float64Array.from({ length: 1000 }, (_, j) => Math.sin(j) * 10), 1000);
    const capacity = row.softmaxHi.length;
    const short = Float64Array.from([0.5, -2, 7, -Infinity]);
    row.compute(short, 4);
    expect(row.softmaxHi.length).toBe(capacity);
    expect(row.length).toBe(4);
    const fresh = computed(Array.from(short));
    expect([row.lseHi, row.lseLo]).toEqual([fresh.lseHi, fresh.lseLo]);
    for (let i = 0; i < 4; i++) {
      expect([row.logSoftmaxHi[i], row.logSoftmaxLo[i], row.softmaxHi[i], row.softmaxLo[i], row.softmaxExp2[i]]).toEqual([
        fresh.logSoftmaxHi[i],
        fresh.logSoftmaxLo[i],
        fresh.softmaxHi[i],
        fresh.softmaxLo[i],
        fresh.softmaxExp2[i],
      ]);
    }
  });

  it('reads only x[0..length)', () => {
    const row = computed([1, 2]);
    const longer = new ReferenceRow();
    longer.compute(Float64Array.from([1, 2, NaN, Infinity]), 2);
    expect(longer.kind).toBe('ordinary');
    expect([longer.lseHi, longer.lseLo]).toEqual([row.lseHi, row.lseLo]);
  });
});
