import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { float64 } from '../../src/formats/index.js';
import { exactDecimal } from '../support/exact-decimal.js';

// The float64 emulation rests on Math.exp, Math.log and Math.log1p being faithful (within 1 ulp
// of the exact value). V8 does not promise it; this checks it on the argument ranges the
// algorithms use, against decimal.js at 50 digits (of the exact float64 argument, correctly rounded to float64 by Number()).
const correctlyRounded = (value: Decimal) => Number(value.toPrecision(40));

function expectFaithful(name: string, x: number, got: number, exact: Decimal): void {
  const want = correctlyRounded(exact);
  const ulps = float64.ulpDistance(got, want);
  if (ulps > 1) throw new Error(`${name}(${x}) = ${got}, correctly rounded ${want}, ${ulps} ulps apart (tolerance 1)`);
}

test('Math.exp is within 1 ulp on [-745, 709.78]', () => {
  fc.assert(
    fc.property(fc.double({ min: -745, max: 709.78, noNaN: true }), (x) => {
      expectFaithful('exp', x, Math.exp(x), exactDecimal(x).exp());
    }),
    { numRuns: 3000 },
  );
});

test('Math.log is within 1 ulp on (0, 1e300]', () => {
  fc.assert(
    fc.property(fc.double({ min: Number.MIN_VALUE, max: 1e300, noNaN: true }), (x) => {
      expectFaithful('log', x, Math.log(x), exactDecimal(x).ln());
    }),
    { numRuns: 3000 },
  );
});

test('Math.log1p is within 1 ulp on [0, 1e6] and for tiny arguments', () => {
  fc.assert(
    fc.property(fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.double({ min: 0, max: 1e-10, noNaN: true })), (x) => {
      if (x === 0) return;
      // For tiny x, 1 + x at 60 digits would drop x: use the series x - x^2/2 + x^3/3 there.
      const exact = exactDecimal(x);
      const log1p = x < 1e-10 ? exact.minus(exact.pow(2).div(2)).plus(exact.pow(3).div(3)) : exact.plus(1).ln();
      expectFaithful('log1p', x, Math.log1p(x), log1p);
    }),
    { numRuns: 3000 },
  );
});

test('the tolerance check bites: 2 ulps off is rejected', () => {
  const x = 0.5;
  const twoOff = Math.exp(x) * (1 + 4 * Number.EPSILON);
  expect(() => expectFaithful('exp', x, twoOff, exactDecimal(x).exp())).toThrow(/ulps apart/);
});
