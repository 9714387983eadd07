import { describe, expect, test } from 'vitest';
import { DTYPES, FORMATS, roundScaledDoubleDouble } from '../../src/formats/index.js';
import { ReferenceRow } from '../../src/reference/index.js';
import { exactDecimal, Precise } from '../support/exact-decimal.js';
import { fixtureFiles, parsePythonFloat, parseRow } from '../support/reference-fixtures.js';

// The double-double reference against the exact values of the independent mpmath script (40
// significant digits): relative agreement within 2^-100 (the 40-digit strings themselves carry
// about 1e-40) at every magnitude, the tiny LSE and log-softmax values below float64's range
// included (with their exponents lseExp2 and logSoftmaxExp2), and the correct rounding to each
// dtype identical to mpmath's, bit for bit.
const TOLERANCE = new Precise(2).pow(-100);

function scaled(hi: number, lo: number, exp2 = 0) {
  // exactDecimal, not new Decimal(x): the latter takes x's shortest decimal, not its exact value.
  return exactDecimal(hi).plus(exactDecimal(lo)).times(new Precise(2).pow(exp2));
}

function relativeGap(got: InstanceType<typeof Precise>, want: string): InstanceType<typeof Precise> | null {
  if (want === '-inf') return null;
  const exact = new Precise(want);
  if (exact.isZero()) return got.isZero() ? new Precise(0) : new Precise(1);
  return got.minus(exact).abs().div(exact.abs());
}

describe.each(fixtureFiles().map(({ file, fixture }) => ({ file, fixture })))('$file', ({ fixture }) => {
  test('exact values within 2^-100 and their roundings to every dtype identical to mpmath', () => {
    const reference = new ReferenceRow();
    const problems: string[] = [];
    for (const fixtureCase of fixture.cases) {
      for (const dtype of DTYPES) {
        const expected = fixtureCase.dtypes[dtype];
        if (expected.kind !== 'ordinary' || !expected.exact || !expected.exactRounded) continue;
        const format = FORMATS[dtype];
        const x = parseRow(expected.cast);
        reference.compute(x, x.length);
        const where = `${fixtureCase.name}/${dtype}`;
        const check = (what: string, got: InstanceType<typeof Precise>, want: string, rounded: number, wantRounded: string) => {
          const gap = relativeGap(got, want);
          if (gap !== null && gap.greaterThan(TOLERANCE)) problems.push(`${where} ${what}: got ${got.toPrecision(40)}, expected ${want}, relative gap ${gap.toExponential(3)} > 2^-100`);
          const wantValue = parsePythonFloat(wantRounded);
          if (!Object.is(rounded, wantValue) && !(rounded === 0 && wantValue === 0)) problems.push(`${where} ${what}: rounded to ${rounded}, mpmath rounds to ${wantValue}`);
        };
        const [sHi, sLo, sExp2] = [reference.lseHi, reference.lseLo, reference.lseExp2];
        check('logsumexp', scaled(sHi, sLo, sExp2), expected.exact.logsumexp, roundScaledDoubleDouble(format, sHi, sLo, sExp2), expected.exactRounded.logsumexp);
        for (let i = 0; i < x.length; i++) {
          const [hi, lo, exp2] = [reference.softmaxHi[i], reference.softmaxLo[i], reference.softmaxExp2[i]];
          check(`softmax[${i}]`, scaled(hi, lo, exp2), expected.exact.softmax[i], roundScaledDoubleDouble(format, hi, lo, exp2), expected.exactRounded.softmax[i]);
          const [lhi, llo, lexp2] = [reference.logSoftmaxHi[i], reference.logSoftmaxLo[i], reference.logSoftmaxExp2[i]];
          if (expected.exact['log-softmax'][i] === '-inf') {
            if (lhi !== -Infinity) problems.push(`${where} log-softmax[${i}]: got ${lhi}, expected -inf`);
            continue;
          }
          check(`log-softmax[${i}]`, scaled(lhi, llo, lexp2), expected.exact['log-softmax'][i], roundScaledDoubleDouble(format, lhi, llo, lexp2), expected.exactRounded['log-softmax'][i]);
        }
      }
    }
    expect(problems.slice(0, 20)).toEqual([]);
  });
});
