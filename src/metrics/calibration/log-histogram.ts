import { ldexp, pow2 } from '../../reference/pow2.js';

/**
 * A mergeable histogram of non-negative values on a logarithmic scale, for quantiles in bounded
 * memory: each binade [2^e, 2^(e+1)) is cut into BINS_PER_BINADE equal parts (HdrHistogram's
 * layout: the exponent, then the first 5 bits of the significand), so a bin is at most 1/32 =
 * 3.1% of its lower edge wide, at any magnitude. Bin edges are dyadic rationals, exactly
 * representable in float64 down to 2^-1069: a value is never put in the wrong bin by the
 * rounding of an edge, and the value of a double-double is binned exactly (its low word decides
 * when its high word sits on an edge).
 *
 * Binades from 2^MIN_BINADE up to 2^1023; below 2^MIN_BINADE (values float64 cannot hold, kept
 * by the exact computation with a separate exponent) one `below` bin; exact zeros and +Infinity
 * have their own bins. At most (1023 - MIN_BINADE + 1) * 32 = 68,000 bins, stored sparsely
 * (only the bins that hold a value): memory does not grow with the number of values.
 *
 * Why 32 bins per binade: quantiles are reported as the bin that holds them; 3% wide brackets
 * tell 0.999 from 0.9999 (1 - p = 1e-3 and 1e-4 are 3.3 binades apart, 106 bins) and a margin
 * of 7.6 from 7.9 nats, while a histogram of a million rows keeps at most a few thousand bins.
 */
export const BINS_PER_BINADE = 32;
const SUB_BITS = 5;
export const MIN_BINADE = -1100;
const MAX_BINADE = 1023;

/** Bin counts: plain data (survives structuredClone and JSON). */
export interface LogHistogram {
  /** Values exactly 0. */
  zero: number;
  /** Values in (0, 2^MIN_BINADE). */
  below: number;
  /** Values +Infinity. */
  infinite: number;
  /** [key, count] pairs, by increasing key; key = (binade - MIN_BINADE) * 32 + sub-bin. */
  bins: Array<[number, number]>;
}

export function emptyLogHistogram(): LogHistogram {
  return { zero: 0, below: 0, infinite: 0, bins: [] };
}

/** A bin's edges: it holds the values v with low <= v < high (rounded to float64 when below 2^-1069). */
export interface BinEdges {
  low: number;
  high: number;
}

const BELOW = -1;
const SCALE_UP = 1100;

/** The key of the bin holding (hi + lo) * 2^exp2 > 0 (finite), or BELOW. */
export function binKey(hi: number, lo: number, exp2: number): number {
  if (hi < 2 ** -1000) {
    // Keep the significand's bits normal before reading them.
    hi = ldexp(hi, SCALE_UP);
    lo = ldexp(lo, SCALE_UP);
    exp2 -= SCALE_UP;
  }
  let exponent = Math.floor(Math.log2(hi));
  // Math.log2 may be off by one next to a power of two: fix it from the exact power.
  if (pow2(exponent) > hi) exponent--;
  else if (pow2(exponent + 1) <= hi) exponent++;
  const fraction = hi / pow2(exponent) - 1; // exact: hi / 2^e is exact, and so is the subtraction
  let sub = Math.floor(fraction * BINS_PER_BINADE);
  if (lo < 0 && fraction * BINS_PER_BINADE === sub) {
    // hi is on the bin's lower edge and the value is below it.
    sub--;
    if (sub < 0) {
      sub = BINS_PER_BINADE - 1;
      exponent--;
    }
  }
  const binade = exponent + exp2;
  if (binade < MIN_BINADE) return BELOW;
  if (binade > MAX_BINADE) throw new RangeError(`binKey: value 2^${binade} above float64's range`);
  return ((binade - MIN_BINADE) << SUB_BITS) + sub;
}

export function binEdges(key: number): BinEdges {
  const binade = (key >> SUB_BITS) + MIN_BINADE;
  const sub = key & (BINS_PER_BINADE - 1);
  return {
    low: ldexp(1 + sub / BINS_PER_BINADE, binade),
    high: ldexp(1 + (sub + 1) / BINS_PER_BINADE, binade),
  };
}

/**
 * Counts values into a Map while rows stream in (cheaper than a sorted array), and turns into a
 * LogHistogram for the summary.
 */
export class LogHistogramCounter {
  zero = 0;
  below = 0;
  infinite = 0;
  private readonly counts = new Map<number, number>();

  /** Adds (hi + lo) * 2^exp2 >= 0 (hi = +Infinity for an infinite value). */
  add(hi: number, lo: number, exp2: number): void {
    if (hi === 0) {
      this.zero++;
      return;
    }
    if (hi === Infinity) {
      this.infinite++;
      return;
    }
    if (!(hi > 0)) throw new RangeError(`LogHistogramCounter.add: ${hi} is not a non-negative number`);
    const key = binKey(hi, lo, exp2);
    if (key === BELOW) {
      this.below++;
      return;
    }
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  toHistogram(): LogHistogram {
    const bins = [...this.counts.entries()].sort((a, b) => a[0] - b[0]);
    return { zero: this.zero, below: this.below, infinite: this.infinite, bins };
  }
}

export function mergeLogHistogram(into: LogHistogram, other: LogHistogram): void {
  into.zero += other.zero;
  into.below += other.below;
  into.infinite += other.infinite;
  const counts = new Map<number, number>(into.bins);
  for (const [key, count] of other.bins) counts.set(key, (counts.get(key) ?? 0) + count);
  into.bins = [...counts.entries()].sort((a, b) => a[0] - b[0]);
}

export function histogramTotal(histogram: LogHistogram): number {
  let total = histogram.zero + histogram.below + histogram.infinite;
  for (const [, count] of histogram.bins) total += count;
  return total;
}

/**
 * The edges of the bin holding the rank-th smallest value (1-based), and a representative
 * value: the bin's midpoint (0 for the zero and below bins, +Infinity for the infinite one).
 */
export function binOfRank(histogram: LogHistogram, rank: number): { low: number; high: number; value: number } {
  let seen = histogram.zero;
  if (rank <= seen) return { low: 0, high: 0, value: 0 };
  seen += histogram.below;
  if (rank <= seen) return { low: 0, high: pow2(MIN_BINADE), value: 0 };
  for (const [key, count] of histogram.bins) {
    seen += count;
    if (rank <= seen) {
      const edges = binEdges(key);
      return { low: edges.low, high: edges.high, value: (edges.low + edges.high) / 2 };
    }
  }
  return { low: Infinity, high: Infinity, value: Infinity };
}

/**
 * The rank (1-based) of the q-quantile of n values by numpy's method='inverted_cdf': the
 * smallest value v with at least q n values <= v, which is the ceil(q n)-th smallest, with
 * q = numerator / denominator exactly, in integer arithmetic (n * numerator below 2^53). numpy
 * forms q n in float64 (virtual index n q - 1); the two agree unless that product rounds across
 * an integer, which it cannot for q = 0.5, 0.9, 0.99 and n below 2^44.
 */
export function quantileRank(n: number, numerator: number, denominator: number): number {
  const product = n * numerator;
  const remainder = product % denominator;
  return Math.max(1, (product - remainder) / denominator + (remainder === 0 ? 0 : 1));
}
