// fast-check generators of rows for the oracle's property tests.
import fc from 'fast-check';

/** Rounds x to `bits` significant bits (ties away from zero; any float64 is a valid logit). */
export function roundToBits(x: number, bits: number): number {
  if (bits >= 53 || x === 0 || !Number.isFinite(x)) return x;
  if (bits === 24) return Math.fround(x);
  const exponent = Math.floor(Math.log2(Math.abs(x)));
  // Values near float64's subnormal range are left alone.
  if (exponent - bits + 1 < -1000) return x;
  const quantum = 2 ** (exponent - bits + 1);
  return Math.round(x / quantum) * quantum;
}

/** A number in [0, 1]: fast-check's doubles (biased to 0, 1 and tiny values) or plain uniform ones. */
const unit = fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 2 ** 30 }).map((v) => v / 2 ** 30));

export interface RowShape {
  minLength: number;
  maxLength: number;
  /** Largest |logit|. */
  maxMagnitude: number;
  /** Largest max - min. */
  maxSpread: number;
}

/**
 * Rows of logits: a center up to +-maxMagnitude, entries center - spread * u with u in [0, 1],
 * rounded to 53, 24, 11 or 8 bits (the precisions of the formats: ties are common at 8 bits),
 * and, in some rows, every few entries replaced by -Infinity (never all of them).
 */
export function rowArbitrary(shape: RowShape): fc.Arbitrary<Float64Array> {
  return fc
    .record({
      center: fc.double({ min: -shape.maxMagnitude, max: shape.maxMagnitude, noNaN: true }),
      spread: fc.oneof(
        fc.constant(0),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        fc.double({ min: 0, max: shape.maxSpread, noNaN: true }),
      ),
      units: fc.array(unit, { minLength: shape.minLength, maxLength: shape.maxLength }),
      bits: fc.constantFrom(53, 24, 11, 8),
      maskEvery: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 2, max: 5 })),
    })
    .map(({ center, spread, units, bits, maskEvery }) => {
      const row = Float64Array.from(units, (u) => roundToBits(center - spread * u, bits));
      if (maskEvery > 0 && row.length > 1) {
        for (let j = 1; j < row.length; j += maskEvery) row[j] = -Infinity;
      }
      return row;
    });
}

/** float64 log-sum-exp, good to a few ulps: only used to build rows whose LSE is near 0. */
export function roughLogSumExp(x: ArrayLike<number>): number {
  let max = -Infinity;
  for (let j = 0; j < x.length; j++) if (x[j] > max) max = x[j];
  let sum = 0;
  for (let j = 0; j < x.length; j++) sum += Math.exp(x[j] - max);
  return max + Math.log(sum);
}

/**
 * Rows whose LSE nearly cancels: a row minus its (rounded) LSE, plus an offset delta, rounded
 * to 53, 24, 11 or 8 bits. delta = 0 gives rows of log-probabilities, whose exact LSE is a
 * rounding error; small deltas give LSE within 1e-6 of zero; deltas up to 1 cover the moderate
 * cancellations on either side of the oracle's switch to its BigInt path.
 */
export function nearZeroLseArbitrary(maxLength: number): fc.Arbitrary<Float64Array> {
  return fc
    .record({
      units: fc.array(unit, { minLength: 2, maxLength }),
      spread: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 30, noNaN: true })),
      delta: fc.oneof(
        fc.constant(0),
        fc.double({ min: -1e-6, max: 1e-6, noNaN: true }),
        fc.double({ min: -1e-12, max: 1e-12, noNaN: true }),
        fc.double({ min: -1, max: 1, noNaN: true }),
      ),
      bits: fc.constantFrom(53, 24, 11, 8),
    })
    .map(({ units, spread, delta, bits }) => {
      const base = units.map((u) => -spread * u);
      const lse = roughLogSumExp(base);
      return Float64Array.from(base, (v) => roundToBits(v - lse + delta, bits));
    });
}

/**
 * Rows whose LSE or logSoftmax at the maximum lies below 2^-960: a maximum m that is 0, a
 * subnormal, or tiny (|m| < 2^-900, either sign), the other entries at least 620 below it
 * (L = log1p(s') < 2^-894, down to e^-1e5), and in some rows an entry that makes m + L cancel
 * (m < 0, L close to -m: the BigInt path with an LSE far below float64's range).
 */
export function tinyLseArbitrary(maxLength: number): fc.Arbitrary<Float64Array> {
  const tinyMax = fc.oneof(
    fc.constant(0),
    fc.constantFrom(5e-324, -5e-324, 1e-320, -2.5e-310, 2 ** -1022, -(2 ** -1000), 1e-290, -1e-285),
    fc.integer({ min: -1074, max: -900 }).chain((e) => fc.double({ min: 2 ** e, max: 2 ** (e + 1), noNaN: true })),
    fc.integer({ min: -1074, max: -900 }).chain((e) => fc.double({ min: 2 ** e, max: 2 ** (e + 1), noNaN: true }).map((v) => -v)),
  );
  return fc
    .record({
      m: tinyMax,
      units: fc.array(unit, { minLength: 0, maxLength: maxLength - 1 }),
      gap: fc.oneof(fc.double({ min: 620, max: 800, noNaN: true }), fc.double({ min: 620, max: 3000, noNaN: true }), fc.constantFrom(1e4, 7e4, 1e5)),
      spread: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 50, noNaN: true }), fc.double({ min: 0, max: 3000, noNaN: true })),
      bits: fc.constantFrom(53, 24, 11, 8),
      cancel: fc.oneof(fc.constant(false), fc.constant(false), fc.constant(true)),
      offset: fc.double({ min: 0, max: 80, noNaN: true }),
      where: fc.nat(),
    })
    .map(({ m, units, gap, spread, bits, cancel, offset, where }) => {
      let others: number[];
      if (cancel && m < 0) {
        // One term e^(x - m) close to -m, so that m + log1p(s') nearly cancels, and the others
        // e^-offset times smaller or less.
        const x = m + Math.log(-m);
        others = [x, ...units.map((u) => roundToBits(x - offset - spread * u, bits))];
      } else {
        others = units.map((u) => roundToBits(m - gap - spread * u, bits));
      }
      const row = [...others];
      row.splice(where % (row.length + 1), 0, m);
      return Float64Array.from(row);
    });
}
