// The comparison the oracle's tests rely on can fail: values perturbed by a little more than the
// 2^-100 tolerance are rejected, with a message that says what, where and by how much.
import { describe, expect, it } from 'vitest';
import { ReferenceRow } from '../../src/reference/index.js';
import { Precise, checkClose, checkRow, decimalReference, ddDecimal, exactDecimal } from './decimal-oracle.js';

const input = [0.3, -1.2, 2.5, -Infinity, 0.3];

function freshRow(): ReferenceRow {
  const row = new ReferenceRow();
  const x = Float64Array.from(input);
  row.compute(x, x.length);
  return row;
}

/** hi scaled by (1 + relative), the perturbation carried by lo where hi cannot hold it. */
function perturbed(hi: number, lo: number, relative: number): [number, number] {
  return [hi, lo + hi * relative];
}

describe('checkRow rejects perturbed values', () => {
  it('accepts the unperturbed row', () => {
    expect(() => checkRow(freshRow(), input)).not.toThrow();
  });

  it('rejects LSE perturbed by 2^-95 relative, printing input, got, expected, difference and tolerance', () => {
    const row = freshRow();
    [row.lseHi, row.lseLo] = perturbed(row.lseHi, row.lseLo, 2 ** -95);
    let message = '';
    try {
      checkRow(row, input);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('LSE: error above tolerance');
    for (const field of ['input', 'got', 'expected', 'difference', 'tolerance']) expect(message).toContain(field);
    expect(message).toContain('[0.3, -1.2, 2.5, -Infinity, 0.3]');
  });

  it('rejects one logSoftmax value perturbed by 2^-95 relative', () => {
    const row = freshRow();
    [row.logSoftmaxHi[1], row.logSoftmaxLo[1]] = perturbed(row.logSoftmaxHi[1], row.logSoftmaxLo[1], 2 ** -95);
    expect(() => checkRow(row, input)).toThrow(/logSoftmax\[1\]: error above tolerance/);
  });

  it('rejects one softmax value perturbed by 2^-95 relative', () => {
    const row = freshRow();
    [row.softmaxHi[4], row.softmaxLo[4]] = perturbed(row.softmaxHi[4], row.softmaxLo[4], 2 ** -95);
    expect(() => checkRow(row, input)).toThrow(/softmax\[4\]: error above tolerance/);
  });

  it('rejects a softmax value off by one binary exponent', () => {
    const row = freshRow();
    row.softmaxExp2[0] = -1;
    expect(() => checkRow(row, input)).toThrow(/softmax\[0\]/);
  });

  it('rejects a tiny LSE or logSoftmax off by one binary exponent or perturbed by 2^-95', () => {
    const tiny = [0, -800];
    const row = new ReferenceRow();
    row.compute(Float64Array.from(tiny), 2);
    expect(() => checkRow(row, tiny)).not.toThrow();
    row.lseExp2 -= 1;
    expect(() => checkRow(row, tiny)).toThrow(/LSE: error above tolerance/);
    row.compute(Float64Array.from(tiny), 2);
    [row.logSoftmaxHi[0], row.logSoftmaxLo[0]] = perturbed(row.logSoftmaxHi[0], row.logSoftmaxLo[0], 2 ** -95);
    expect(() => checkRow(row, tiny)).toThrow(/logSoftmax\[0\]: error above tolerance/);
  });

  it('rejects an exponent on a value of 2^-960 or more', () => {
    const row = freshRow();
    row.lseHi *= 2 ** 10;
    row.lseLo *= 2 ** 10;
    row.lseExp2 = -10;
    expect(() => checkRow(row, input)).toThrow(/LSE .*exponent -10/);
  });

  it('rejects a masked entry that is not exactly -Infinity and 0', () => {
    const row = freshRow();
    row.softmaxHi[3] = 5e-324;
    expect(() => checkRow(row, input)).toThrow(/softmax\[3\]/);
    const other = freshRow();
    other.logSoftmaxHi[3] = -Number.MAX_VALUE;
    expect(() => checkRow(other, input)).toThrow(/logSoftmax\[3\]/);
  });
});

describe('checkClose draws the line at 2^-100', () => {
  const expected = decimalReference(input).softmax[2];
  const row = freshRow();

  it('passes 2^-102 and fails 2^-99', () => {
    const [hiClose, loClose] = perturbed(row.softmaxHi[2], row.softmaxLo[2], 2 ** -102);
    expect(() => checkClose('softmax[2]', input, ddDecimal(hiClose, loClose), expected)).not.toThrow();
    const [hiFar, loFar] = perturbed(row.softmaxHi[2], row.softmaxLo[2], 2 ** -99);
    expect(() => checkClose('softmax[2]', input, ddDecimal(hiFar, loFar), expected)).toThrow(/error above tolerance/);
  });

  it('a float64 rounding of the exact value (error 2^-54) is far outside', () => {
    expect(() => checkClose('softmax[2]', input, exactDecimal(row.softmaxHi[2] * (1 + 2 ** -52)), expected)).toThrow();
  });

  it('exactDecimal is exact: 0.1 is 0.1000000000000000055511151231257827021181583404541015625', () => {
    expect(exactDecimal(0.1).toFixed()).toBe('0.1000000000000000055511151231257827021181583404541015625');
    // 2^-1074 has 751 significant digits: compare at 800.
    const Exact = Precise.clone({ precision: 800 });
    expect(exactDecimal(-(2 ** -1074)).eq(new Exact(2).pow(-1074).neg())).toBe(true);
    expect(exactDecimal(2 ** 100).toFixed()).toBe('1267650600228229401496703205376');
  });
});
