// Bits of error log2(1 + d) in quanta of 2^-24 bits, their exact two-limb sums, means and
// quarter-bit histogram bins (docs/metrics.md 5.4 and 5.8): values derived by hand.
import { describe, expect, test } from 'vitest';
import { addQuanta, bitsQuanta, histogramBin, HISTOGRAM_SIZE, meanBits, mergeQuanta } from '../../src/metrics/bits-of-error.js';

const BIT = 2 ** 24; // quanta per bit
const LIMB = 2 ** 52;

describe('bitsQuanta: log2(1 + d) in 2^-24 bits, rounded', () => {
  test('powers of two minus one are whole bits, on both sides of the small-distance table (d < 256)', () => {
    expect(bitsQuanta(0)).toBe(0);
    expect(bitsQuanta(1)).toBe(BIT);
    expect(bitsQuanta(3)).toBe(2 * BIT);
    expect(bitsQuanta(255)).toBe(8 * BIT); // the last distance in the table
    expect(bitsQuanta(1023)).toBe(10 * BIT);
    expect(bitsQuanta(2 ** 20 - 1)).toBe(20 * BIT);
  });

  test('d = 256, the first distance past the table: log2(257) 2^24 = 134312092.2767 (50-digit decimal) rounds to 134312092', () => {
    expect(bitsQuanta(256)).toBe(134312092);
  });
});

describe('histogramBin: quarter bits, the last bin holding 64 bits and more', () => {
  test.each([
    { quanta: 0, bin: 0 },
    { quanta: BIT / 4 - 1, bin: 0 }, // just below a quarter bit
    { quanta: BIT / 4, bin: 1 },
    { quanta: BIT, bin: 4 },
    { quanta: 63.75 * BIT, bin: 255 },
    { quanta: 64 * BIT, bin: 256 },
    { quanta: 64.25 * BIT, bin: 256 }, // would be bin 257: past the end
    { quanta: 100 * BIT, bin: 256 },
  ])('$quanta quanta: bin $bin', ({ quanta, bin }) => {
    expect(histogramBin(quanta)).toBe(bin);
    expect(HISTOGRAM_SIZE).toBe(257);
  });
});

describe('sums of quanta in two limbs, value = high 2^52 + low with 0 <= low < 2^52', () => {
  test('addQuanta carries into high when low reaches 2^52, exactly at 2^52 too', () => {
    const sum = { high: 0, low: LIMB - 1 };
    addQuanta(sum, 1);
    expect(sum).toEqual({ high: 1, low: 0 });
    addQuanta(sum, LIMB - 1);
    expect(sum).toEqual({ high: 1, low: LIMB - 1 });
    addQuanta(sum, 5);
    expect(sum).toEqual({ high: 2, low: 4 });
    addQuanta(sum, 7);
    expect(sum).toEqual({ high: 2, low: 11 });
  });

  test('mergeQuanta adds both limbs and carries, exactly at 2^52 too', () => {
    const into = { high: 0, low: 2 ** 51 };
    mergeQuanta(into, { high: 0, low: 2 ** 51 });
    expect(into).toEqual({ high: 1, low: 0 });
    mergeQuanta(into, { high: 2, low: LIMB - 1 });
    expect(into).toEqual({ high: 3, low: LIMB - 1 });
    mergeQuanta(into, { high: 1, low: 3 });
    expect(into).toEqual({ high: 5, low: 2 });
  });

  test('meanBits: the sum over the count, in bits; 0 for no element', () => {
    expect(meanBits({ high: 0, low: 0 }, 0)).toBe(0);
    expect(meanBits({ high: 0, low: 6 * BIT }, 4)).toBe(1.5);
    // 2^52 quanta (high 1) over 2^28 elements: 2^24 quanta, one bit each.
    expect(meanBits({ high: 1, low: 0 }, 2 ** 28)).toBe(1);
    expect(meanBits({ high: 1, low: LIMB / 2 }, 3 * 2 ** 27)).toBe(1);
  });
});
