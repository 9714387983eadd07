/**
 * Bits of error (Herbie's measure): log2(1 + d) for an ulp distance d. 0 for a correctly rounded
 * result, 1 for one step off, about 53 for a float64 result that is wrong in every bit.
 *
 * Sums of bits are kept exactly, so that merging the summaries of shards gives the summary of
 * the whole bit for bit, in any order: each value is quantized to a multiple of 2^-24 bits (far
 * below anything a report prints), and the integer counts of quanta are added in two exact
 * float64 limbs.
 */
export const BITS_QUANTUM = 2 ** -24;
const QUANTA_PER_BIT = 2 ** 24;
const LIMB = 2 ** 52;
/** Histogram resolution: a quarter of a bit; bins 0 .. 4*64. */
export const HISTOGRAM_BINS_PER_BIT = 4;
export const HISTOGRAM_SIZE = 64 * HISTOGRAM_BINS_PER_BIT + 1;

// log2(1 + d) in quanta for small distances, where nearly all results fall: no Math.log2 there.
const SMALL = 256;
const smallQuanta = new Float64Array(SMALL);
for (let d = 0; d < SMALL; d++) smallQuanta[d] = Math.round(Math.log2(1 + d) * QUANTA_PER_BIT);

/** log2(1 + d), quantized to a whole number of 2^-24 bits. */
export function bitsQuanta(ulpDistance: number): number {
  return ulpDistance < SMALL ? smallQuanta[ulpDistance] : Math.round(Math.log2(1 + ulpDistance) * QUANTA_PER_BIT);
}

/** An exact sum of quanta in two limbs: value = high * 2^52 + low, 0 <= low < 2^52. */
export interface QuantaSum {
  high: number;
  low: number;
}

/** Adds a whole number of quanta below 2^52 (one row's worth). */
export function addQuanta(sum: QuantaSum, quanta: number): void {
  let low = sum.low + quanta; // < 2^53: exact
  if (low >= LIMB) {
    low -= LIMB;
    sum.high += 1;
  }
  sum.low = low;
}

export function mergeQuanta(into: QuantaSum, other: QuantaSum): void {
  let low = into.low + other.low; // < 2^53: exact
  let high = into.high + other.high;
  if (low >= LIMB) {
    low -= LIMB;
    high += 1;
  }
  into.high = high;
  into.low = low;
}

/** The mean of `count` values whose quanta add up to `sum`, in bits. */
export function meanBits(sum: QuantaSum, count: number): number {
  if (count === 0) return 0;
  return ((sum.high * LIMB + sum.low) / count) * BITS_QUANTUM;
}

export function histogramBin(quanta: number): number {
  const bin = (quanta * (BITS_QUANTUM * HISTOGRAM_BINS_PER_BIT)) | 0; // quanta < 2^31: the truncation is floor
  return bin < HISTOGRAM_SIZE ? bin : HISTOGRAM_SIZE - 1;
}
