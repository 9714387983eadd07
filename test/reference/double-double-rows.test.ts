import fc from 'fast-check';
import { expect, test } from 'vitest';
import { Decimal } from 'decimal.js';
import { ReferenceRow } from '../../src/reference/index.js';
import { checkClose, decimalLog1p, ddDecimal, exactDecimal } from './decimal-oracle.js';

// --temperature: the reference on rows given as double-doubles, x_j + xLo_j = c_j / T exactly
// to 2^-106 (no double holds c / T). Checked against the definitions in decimal.js at 80 digits
// at the exact quotients c_j / T (80-digit divisions). The double-double holds each z_j to
// |z_j| 2^-106, an absolute error of the exponents that exp turns into a relative one: the
// tolerance is 2^-100 relative, or 2^-104 (|z_j| + |m|) where that is larger (z = -2304: 2^-93;
// rounding to any format needs far less than 2^-60).
const Wide = Decimal.clone({ precision: 80 });

/** c / T as a double-double: hi = fl(c / T), lo = the rest, rounded (from an 80-digit quotient). */
function divided(c: number, temperature: number): [number, number] {
  const hi = c / temperature;
  const rest = new Wide(exactDecimal(c)).div(new Wide(exactDecimal(temperature))).minus(new Wide(exactDecimal(hi)));
  return [hi, rest.toNumber()];
}

function check(row: number[], temperature: number): void {
  const hi = new Float64Array(row.length);
  const lo = new Float64Array(row.length);
  row.forEach((c, j) => ([hi[j], lo[j]] = divided(c, temperature)));
  const reference = new ReferenceRow();
  reference.compute(hi, row.length, lo);
  expect(reference.kind).toBe('ordinary');
  // The definitions at z_j = c_j / T: LSE = m + log1p(sum_{j != k} e^(z_j - m)).
  const z = row.map((c) => new Wide(exactDecimal(c)).div(new Wide(exactDecimal(temperature))));
  let k = 0;
  z.forEach((v, j) => {
    if (v.gt(z[k])) k = j;
  });
  expect(reference.argmax).toBe(k);
  let others = new Wide(0);
  z.forEach((v, j) => {
    if (j !== k) others = others.plus(Wide.exp(v.minus(z[k])));
  });
  const log = decimalLog1p(others, Wide);
  const lse = z[k].plus(log);
  const where = `[${row.join(', ')}] / ${temperature}`;
  const m = z[k].abs();
  const tolerance = (v: Decimal) => Decimal.max(new Wide(2).pow(-100), new Wide(2).pow(-104).times(v.abs().plus(m)));
  // (z_j - m) - log1p(s'): z_j - (m + log1p(s')) would cancel at the maximum.
  const logSoftmax = (j: number) => z[j].minus(z[k]).minus(log);
  const largest = z.reduce((a, v) => Decimal.max(a, v.abs()), new Wide(0));
  checkClose('LSE', where, ddDecimal(reference.lseHi, reference.lseLo, reference.lseExp2), lse, tolerance(largest));
  z.forEach((v, j) => {
    checkClose(`logSoftmax[${j}]`, where, ddDecimal(reference.logSoftmaxHi[j], reference.logSoftmaxLo[j], reference.logSoftmaxExp2[j]), logSoftmax(j), tolerance(largest));
    checkClose(`softmax[${j}]`, where, ddDecimal(reference.softmaxHi[j], reference.softmaxLo[j], reference.softmaxExp2[j]), Wide.exp(logSoftmax(j)), tolerance(largest));
  });
}

test('rows divided by a temperature, by hand: [1, 2, 3] / 0.7, [3, 3] / 0.3 (ties), [-5, 10, 1e-3] / 2.5', () => {
  check([1, 2, 3], 0.7);
  check([3, 3], 0.3);
  check([-5, 10, 1e-3], 2.5);
  check([0.1], 0.1);
});

test('high words that tie with different low words: the larger low word is the maximum', () => {
  // 1/3 and (1/3)(1 + 2^-53)... chosen so that c / T rounds to the same double for two c: the
  // quotients of 1 and of 1 + 2^-52 by 3 differ by 2^-52 / 3, below half an ulp of 1/3 (2^-55)?
  // No: 2^-52/3 = 1.5 * 2^-54 > 2^-55, so they differ in their high words; a tie needs T > 1 with
  // c's one ulp apart landing in one binade below: c = 1 and 1 + 2^-52, T = 4.1.
  const a = divided(1, 4.1);
  const b = divided(1 + 2 ** -52, 4.1);
  if (a[0] === b[0]) expect(b[1]).toBeGreaterThan(a[1]);
  check([1, 1 + 2 ** -52, 0], 4.1);
  check([1 + 2 ** -52, 1, 0], 4.1);
});

// Quotients below 2^-969 have a subnormal low word (a double-double cannot hold them to 2^-106
// relative), so the generated logits keep clear of them: tiny values become 0 (docs/metrics.md).
test('random rows and temperatures, to 2^-100 relative', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.double({ min: -200, max: 200, noNaN: true }).map((v) => (Math.abs(v) < 1e-250 ? 0 : v)),
        { minLength: 1, maxLength: 12 },
      ),
      fc.constantFrom(0.05, 0.3, 0.7, 1.3, 2.5, 7, 100),
      (row, temperature) => check(row, temperature),
    ),
    { numRuns: 150 },
  );
});
