// An independent oracle of every figure logitcheck reports (docs/metrics.md sections 2 and 5,
// the verdicts of section 6), in the shape of the JSON report, for the rows of the mpmath
// fixtures. It shares no code with src/. Its inputs are data: the logits, the cast row, the exact
// values (40-digit strings) with their correct roundings, each algorithm's outputs and flags.
// It derives each figure from its definition by other means than src/metrics:
// - ulp distances as differences of ordinals computed from bit patterns, in BigInt;
// - |c - e|, |c - e| / |e| and the factor-of-2 rule in 60-digit decimal arithmetic; where 40
//   digits cannot decide a factor of 2, from a closed form or e recomputed to 1000 digits;
// - bits of error log2(1 + d) as decimal logarithms rounded to 2^-24 bits, summed in BigInt;
// - the softmax sum deviation as a BigInt sum in units of 2^-1074, rounded once;
// - kinds, cast counts, flags, masked outputs, first, worst and listed rows by their definitions,
//   per row (measureRow), then over rows (summarise).
// test/metrics/metrics-oracle.test.ts compares it with Analysis and the report model.
import { Decimal } from 'decimal.js';
import { float64Bits } from './exact-rounding.js';

/** 60 significant digits: far beyond the fixtures' 40, so each operation here adds ~1e-60 relative. */
const D = Decimal.clone({ precision: 60 });
type Dec = InstanceType<typeof D>;

export type OracleDtype = 'float64' | 'float32' | 'float16' | 'bfloat16';
export type OracleFunction = 'softmax' | 'log-softmax' | 'logsumexp';
export type OracleRowKind = 'nan' | 'posInf' | 'masked' | 'ordinary';

interface OracleFormat {
  /** Significand bits, the implicit one included. */
  precision: number;
  minExponent: number;
  maxExponent: number;
}

/** docs/metrics.md section 1. */
const FORMATS: Record<OracleDtype, OracleFormat> = {
  float64: { precision: 53, minExponent: -1022, maxExponent: 1023 },
  float32: { precision: 24, minExponent: -126, maxExponent: 127 },
  float16: { precision: 11, minExponent: -14, maxExponent: 15 },
  bfloat16: { precision: 8, minExponent: -126, maxExponent: 127 },
};

export const FLAG_KEYS = ['overflow', 'underflow', 'invalid', 'divideByZero'] as const;
export const EXAMPLE_KEYS = ['overflow', 'underflow', 'invalid', 'divideByZero', 'nan', 'inf', 'zero', 'factor2', 'argmaxFlip', 'masked'] as const;
type ExampleKey = (typeof EXAMPLE_KEYS)[number];
const EXAMPLE_ROWS = 5;
const LISTED_ROWS = 20;
const HISTOGRAM_LAST_BIN = 256;
/** A result with more ulps than this is `warn` (section 6): more than 4 bits of error. */
const WARN_ULPS = 15;

/** A row reference as the report writes it. */
export interface OracleRowRef {
  row: number;
  line: number | null;
  id?: string;
}

// ---------------------------------------------------------------------------------------------
// Ordinals and ulp distances

/** x = integer * 2^exponent exactly, for a finite x; integer >= 0. */
function decompose(x: number): { integer: bigint; exponent: number } {
  const bits = float64Bits(Math.abs(x));
  const biased = Number(bits >> 52n);
  const fraction = bits & ((1n << 52n) - 1n);
  return biased === 0 ? { integer: fraction, exponent: -1074 } : { integer: fraction | (1n << 52n), exponent: biased - 1075 };
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/**
 * The position of x on the format's ordered line of values: 0 for +-0, k for the k-th value above
 * 0 (its bit pattern, for the IEEE layouts), negated below 0; +-Infinity one step beyond the
 * largest finite value. Throws if x is not a value of the format.
 */
export function ordinal(dtype: OracleDtype, x: number): bigint {
  if (Number.isNaN(x)) throw new Error('ordinal of NaN');
  const { precision, minExponent, maxExponent } = FORMATS[dtype];
  const perBinade = 1n << BigInt(precision - 1);
  let magnitude: bigint;
  if (x === 0) {
    magnitude = 0n;
  } else if (!Number.isFinite(x)) {
    magnitude = BigInt(maxExponent - minExponent + 2) * perBinade;
  } else {
    const { integer, exponent } = decompose(x);
    const top = exponent + bitLength(integer) - 1; // |x| in [2^top, 2^(top + 1))
    const quantumExponent = Math.max(top, minExponent) - (precision - 1);
    if (top > maxExponent) throw new Error(`${x} is beyond ${dtype}'s range`);
    let units: bigint;
    if (exponent >= quantumExponent) {
      units = integer << BigInt(exponent - quantumExponent);
    } else {
      const shift = BigInt(quantumExponent - exponent);
      if ((integer & ((1n << shift) - 1n)) !== 0n) throw new Error(`${x} is not a ${dtype} value`);
      units = integer >> shift;
    }
    // Subnormals: units < 2^(p-1), the binade below the normal ones; a normal value of binade
    // top: (top - minExponent + 1) 2^(p-1) plus its fraction, units - 2^(p-1).
    magnitude = top < minExponent ? units : BigInt(top - minExponent + 1) * perBinade + (units - perBinade);
  }
  return x < 0 ? -magnitude : magnitude;
}

export function ulpDistance(dtype: OracleDtype, a: number, b: number): bigint {
  const difference = ordinal(dtype, a) - ordinal(dtype, b);
  return difference < 0n ? -difference : difference;
}

// ---------------------------------------------------------------------------------------------
// Bits of error

const QUANTA_PER_BIT = 1n << 24n;
const bitsCache = new Map<bigint, { exact: Dec; quanta: bigint }>();

/** log2(1 + d) to 60 digits, and rounded to the nearest multiple of 2^-24 in those units (docs/metrics.md 5.8). */
export function bitsOfError(ulps: bigint): { exact: Dec; quanta: bigint } {
  const cached = bitsCache.get(ulps);
  if (cached !== undefined) return cached;
  const n = ulps + 1n;
  let bits: { exact: Dec; quanta: bigint };
  if ((n & (n - 1n)) === 0n) {
    // A power of two: a whole number of bits.
    const whole = bitLength(n) - 1;
    bits = { exact: new D(whole), quanta: BigInt(whole) * QUANTA_PER_BIT };
  } else {
    // Irrational: never a tie, and 60 digits leave the nearest integer in no doubt.
    const exact = D.log2(new D(n.toString()));
    bits = { exact, quanta: BigInt(exact.times(QUANTA_PER_BIT.toString()).toDecimalPlaces(0, Decimal.ROUND_HALF_EVEN).toFixed(0)) };
  }
  bitsCache.set(ulps, bits);
  return bits;
}

export function bitsQuanta(ulps: bigint): bigint {
  return bitsOfError(ulps).quanta;
}

/**
 * The histogram bin of d: the quarter bit [i/4, (i+1)/4) holding its bits of error as bitsSum
 * counts them, rounded to 2^-24 bits, capped at the last bin. That is floor(4 log2(1 + d))
 * except where log2(1 + d) lies within 2^-25 below a quarter: 2^50 - 2 ulps (49.9999... bits)
 * counts as 50 bits in bitsSum, and in bin 200.
 */
export function histogramBin(ulps: bigint): number {
  const bin = Number(bitsQuanta(ulps) >> 22n);
  return Math.min(bin, HISTOGRAM_LAST_BIN);
}

/** log2(1 + d) to the nearest float64 (through 60 digits). */
function bitsOf(ulps: bigint): number {
  return bitsOfError(ulps).exact.toNumber();
}

// ---------------------------------------------------------------------------------------------
// Exact arithmetic helpers

/** A finite float64 as a decimal: toPrecision is the correctly rounded decimal of the exact binary value. */
export function decimalOf(x: number): Dec {
  return new D(x.toPrecision(60));
}

const LN2 = D.ln(2);

/** |sum_i values[i] - 1| for finite values, exact in units of 2^-1074, rounded once to float64. */
export function sumDeviation(values: readonly number[]): number {
  let total = -(1n << 1074n);
  for (const v of values) {
    const { integer, exponent } = decompose(v);
    const term = integer << BigInt(exponent + 1074);
    total += v < 0 ? -term : term;
  }
  const magnitude = total < 0n ? -total : total;
  // Below 2^64: Number() is exact below 2^53, and the product with 2^-1074 the one rounding;
  // from 2^53, Number() is the one rounding (to nearest) and the product, normal, is exact.
  // Above, the top 64 bits and a sticky bit for the rest round alike, and the scaling is exact.
  const shift = Math.max(0, bitLength(magnitude) - 64);
  const top = magnitude >> BigInt(shift);
  const sticky = top << BigInt(shift) === magnitude ? 0n : 1n;
  return Number(top | sticky) * 2 ** (shift - 1074);
}

// ---------------------------------------------------------------------------------------------
// One row

export interface OracleResultInput {
  function: OracleFunction;
  algorithm: string;
  /** The computed outputs: K for softmax and log-softmax, 1 for logsumexp. */
  values: readonly number[];
  /** The IEEE flags the algorithm raised on the row. */
  flags: readonly string[];
}

export interface OracleDtypeInput {
  dtype: OracleDtype;
  /** The logits rounded to the dtype. */
  cast: readonly number[];
  /** Ordinary rows: exact values as decimal strings ('-inf' at masked log-softmax positions). */
  exact?: Record<'softmax' | 'log-softmax', readonly string[]> & { logsumexp: string };
  /** Ordinary rows: the exact values correctly rounded to the dtype. */
  exactRounded?: Record<'softmax' | 'log-softmax', readonly number[]> & { logsumexp: number };
  results: readonly OracleResultInput[];
}

export interface OracleRowInput {
  ref: OracleRowRef;
  /** The float64 logits as read. */
  input: readonly number[];
  dtypes: readonly OracleDtypeInput[];
}

/** What one result adds on one row. */
export interface OracleResultRow {
  function: OracleFunction;
  dtype: OracleDtype;
  algorithm: string;
  ordinary: boolean;
  flags: Set<string>;
  nan: number;
  inf: number;
  zero: number;
  factor2: number;
  count: number;
  /** |c - e| and |c - e| / |e| maxima, as decimals until summarised; null when nothing counted. */
  maxAbs: Dec | null;
  maxRel: Dec | null;
  /** The largest |e| over the counted elements: the scale of the reference's error in maxAbs. */
  largestExact: number;
  maxUlp: bigint | null;
  bitsQuanta: bigint;
  /** The exact sum of log2(1 + d), unquantized, to check meanBits' stated accuracy. */
  bitsExact: Dec;
  histogram: Map<number, number>;
  softmax?: { allFinite: boolean; sumDeviation: number | null; argmaxFlip: boolean };
  masked?: { nan: number; zero: number; negInf: number; posInf: number; finite: number; uniform: boolean };
}

export interface OracleDtypeRow {
  dtype: OracleDtype;
  kind: OracleRowKind;
  castOverflow: number;
  castUnderflow: number;
  results: OracleResultRow[];
}

export interface OracleRow {
  ref: OracleRowRef;
  input: readonly number[];
  dtypes: OracleDtypeRow[];
}

export function rowKind(cast: readonly number[]): OracleRowKind {
  if (cast.some((v) => Number.isNaN(v))) return 'nan';
  if (cast.some((v) => v === Infinity)) return 'posInf';
  return cast.every((v) => v === -Infinity) ? 'masked' : 'ordinary';
}

export function measureRow(row: OracleRowInput): OracleRow {
  return { ref: row.ref, input: row.input, dtypes: row.dtypes.map((d) => measureDtype(row.input, d)) };
}

function measureDtype(input: readonly number[], data: OracleDtypeInput): OracleDtypeRow {
  const { dtype, cast } = data;
  let castOverflow = 0;
  let castUnderflow = 0;
  input.forEach((v, j) => {
    if (Number.isFinite(v) && !Number.isFinite(cast[j])) castOverflow++;
    if (v !== 0 && !Number.isNaN(v) && cast[j] === 0) castUnderflow++;
  });
  const kind = rowKind(cast);
  const results =
    kind === 'nan' || kind === 'posInf'
      ? []
      : data.results.map((result) => {
          try {
            return measureResult(dtype, kind, data, result);
          } catch (error) {
            throw new Error(`${result.function}/${result.algorithm}/${dtype} on cast [${cast.join(', ')}]: ${(error as Error).message}`);
          }
        });
  return { dtype, kind, castOverflow, castUnderflow, results };
}

/** Parsed exact values, shared by the algorithms of one function on one row. */
const parsedExact = new WeakMap<readonly string[], Array<Dec | null>>();

function exactDecimals(texts: readonly string[]): Array<Dec | null> {
  let parsed = parsedExact.get(texts);
  if (parsed === undefined) {
    parsed = texts.map((t) => (t === '-inf' ? null : new D(t)));
    parsedExact.set(texts, parsed);
  }
  return parsed;
}

function measureResult(dtype: OracleDtype, kind: OracleRowKind, data: OracleDtypeInput, result: OracleResultInput): OracleResultRow {
  const figures: OracleResultRow = {
    function: result.function,
    dtype,
    algorithm: result.algorithm,
    ordinary: kind === 'ordinary',
    flags: new Set(kind === 'ordinary' ? result.flags : []),
    nan: 0,
    inf: 0,
    zero: 0,
    factor2: 0,
    count: 0,
    maxAbs: null,
    maxRel: null,
    largestExact: 0,
    maxUlp: null,
    bitsQuanta: 0n,
    bitsExact: new D(0),
    histogram: new Map(),
  };
  const values = result.values;
  if (kind === 'masked') {
    const masked = { nan: 0, zero: 0, negInf: 0, posInf: 0, finite: 0, uniform: false };
    for (const c of values) {
      if (Number.isNaN(c)) masked.nan++;
      else if (c === 0) masked.zero++;
      else if (c === -Infinity) masked.negInf++;
      else if (c === Infinity) masked.posInf++;
      else masked.finite++;
    }
    masked.uniform = values.length >= 2 && Number.isFinite(values[0]) && values[0] !== 0 && values.every((c) => c === values[0]);
    figures.masked = masked;
    return figures;
  }
  const fn = result.function;
  const exactTexts = fn === 'logsumexp' ? [data.exact!.logsumexp] : data.exact![fn];
  const exact = exactDecimals(exactTexts);
  const rounded = fn === 'logsumexp' ? [data.exactRounded!.logsumexp] : data.exactRounded![fn];
  if (values.length !== exact.length) throw new Error(`${fn}/${result.algorithm}/${dtype}: ${values.length} outputs for ${exact.length} exact values`);
  const probabilities = fn === 'softmax';
  const minNormal = 2 ** FORMATS[dtype].minExponent;
  const ulpCounts = new Map<bigint, number>();
  values.forEach((c, i) => {
    const e = exact[i];
    if (Number.isNaN(c)) {
      figures.nan++; // the exact value is never NaN on an ordinary row
      return;
    }
    if (!Number.isFinite(c)) {
      if (e !== null) figures.inf++;
      return;
    }
    if (e === null) return; // finite c where e = -Infinity: no error is defined
    figures.count++;
    // Algorithms often agree on an element: measured once per (function, element, value).
    const cache = elementCache(data);
    const key = `${fn} ${i} ${c}`;
    let element = cache.get(key);
    if (element === undefined) {
      const approximate = Number(exactTexts[i]);
      element = measureElement(dtype, probabilities, c, e, approximate, rounded[i], minNormal, () => offByFactor2(probabilities, c, e, approximate, data.cast, fn, i));
      cache.set(key, element);
    }
    if (figures.maxAbs === null || element.difference.gt(figures.maxAbs)) figures.maxAbs = element.difference;
    if (element.relative !== null && (figures.maxRel === null || element.relative.gt(figures.maxRel))) figures.maxRel = element.relative;
    figures.largestExact = Math.max(figures.largestExact, element.magnitude);
    if (figures.maxUlp === null || element.ulps > figures.maxUlp) figures.maxUlp = element.ulps;
    ulpCounts.set(element.ulps, (ulpCounts.get(element.ulps) ?? 0) + 1);
    if (element.zero) figures.zero++;
    if (element.factor2) figures.factor2++;
  });
  for (const [ulps, count] of ulpCounts) {
    const bits = bitsOfError(ulps);
    figures.bitsQuanta += bits.quanta * BigInt(count);
    figures.bitsExact = figures.bitsExact.plus(bits.exact.times(count));
    const bin = histogramBin(ulps);
    figures.histogram.set(bin, (figures.histogram.get(bin) ?? 0) + count);
  }
  if (probabilities) {
    const allFinite = values.every((c) => Number.isFinite(c));
    figures.softmax = { allFinite, sumDeviation: null, argmaxFlip: false };
    if (allFinite) {
      figures.softmax.sumDeviation = sumDeviation(values);
      figures.softmax.argmaxFlip = firstMaxIndex(values) !== exactArgmax(data.cast, exact);
    }
  }
  return figures;
}

interface ElementFigures {
  /** |c - e|, and |c - e| / |e| (null where e = 0). */
  difference: Dec;
  relative: Dec | null;
  /** |e| as a float64. */
  magnitude: number;
  ulps: bigint;
  zero: boolean;
  factor2: boolean;
}

const elementCaches = new WeakMap<OracleDtypeInput, Map<string, ElementFigures>>();

function elementCache(data: OracleDtypeInput): Map<string, ElementFigures> {
  let cache = elementCaches.get(data);
  if (cache === undefined) {
    cache = new Map();
    elementCaches.set(data, cache);
  }
  return cache;
}

/** The figures of one finite output c against a finite exact value e (approximately, as a float64) and its rounding r. */
function measureElement(dtype: OracleDtype, probabilities: boolean, c: number, e: Dec, approximate: number, r: number, minNormal: number, offBy2: () => boolean): ElementFigures {
  const difference = decimalOf(c).minus(e).abs();
  const ulps = ulpDistance(dtype, c, r);
  // Off by a factor of 2 (5.3): a probability whose round(e) is normal, with c >= 2e or
  // c <= e/2; a log-value more than 1 ulp from round(e), with |c - e| >= ln 2.
  const candidate = probabilities ? Math.abs(r) >= minNormal : ulps > 1n;
  return {
    difference,
    relative: e.isZero() ? null : difference.div(e.abs()),
    magnitude: Math.abs(approximate),
    ulps,
    zero: probabilities && c === 0 && r !== 0,
    factor2: candidate && offBy2(),
  };
}

/**
 * Whether c >= 2e or c <= e/2 (probabilities), or |c - e| >= ln 2 (log-values), decided in up
 * to four steps:
 * 0. in float64, where c is far from every line (most elements; a speed-up only);
 * 1. with the fixture's 40-digit e, unless c lies within 2^-110 (relative) of a line (2e, e/2,
 *    e +- ln 2);
 * 2. exactly on a line: only possible where the row's finite logits are all equal (n of them, to
 *    x), as in [x, x] with c = 1 against e = 1/2, where e has a closed form (1/n, -ln n,
 *    x + ln n). Elsewhere e is irrational, and so are 2e, e/2 and e +- ln 2 against a rational c:
 *    sum_j exp(x_j - x_i) is a sum of distinct powers of the transcendental e^(1/N), N a common
 *    denominator of the differences (Lindemann);
 * 3. with e recomputed from the cast row to 1000 digits: [1000, 1000, -1000] has e = 1/(2 +
 *    e^-2000), 1e-869 from 1/2, where bfloat16 exp-lse gives c = 1.
 */
function offByFactor2(probabilities: boolean, c: number, e40: Dec, approximate: number, cast: readonly number[], fn: OracleFunction, i: number): boolean {
  const clear = clearInFloat64(probabilities, c, approximate);
  if (clear !== undefined) return clear;
  const quick = compareFactor2(probabilities, decimalOf(c), e40, LN2, NEAR_40_DIGITS);
  if (quick !== undefined) return quick;
  if (exactlyOnTheLine(probabilities, c, cast, fn)) return true; // the inequalities include the line
  const slow = compareFactor2(probabilities, exactHigh(c), highPrecisionExact(cast, fn, i), LN2_HIGH, NEAR_1000_DIGITS);
  if (slow !== undefined) return slow;
  throw new Error(`cannot decide whether ${c} is off by a factor of 2 from ${e40}`);
}

/**
 * The decision where float64 cannot get it wrong: e normal and within 2^-53 of the exact value,
 * c / e or |c - e| (below 10^6) within 2^-50 of theirs, and margins of 10^-3 from the lines.
 */
function clearInFloat64(probabilities: boolean, c: number, e: number): boolean | undefined {
  if (!(Math.abs(e) >= 2 ** -1000 && Math.abs(e) <= 2 ** 1000)) return undefined;
  if (probabilities) {
    const ratio = c / e;
    if (ratio > 0.501 && ratio < 1.999) return false;
    return ratio > 2.001 || ratio < 0.499 ? true : undefined;
  }
  if (Math.abs(c) > 1e6 || Math.abs(e) > 1e6) return undefined;
  const distance = Math.abs(c - e);
  if (distance < Math.LN2 - 1e-3) return false;
  return distance > Math.LN2 + 1e-3 ? true : undefined;
}

const NEAR_40_DIGITS = new D(2).pow(-110);
const NEAR_1000_DIGITS = new D(2).pow(-3200);

/** true or false where every comparison is clear of its line by the margin (relative), or one is true; else undefined. */
function compareFactor2(probabilities: boolean, c: Decimal, e: Decimal, ln2: Decimal, margin: Decimal): boolean | undefined {
  const pairs: Array<[Decimal, Decimal]> = probabilities ? [[c, e.times(2)], [e.div(2), c]] : [[c.minus(e).abs(), ln2]];
  let undecided = false;
  for (const [a, b] of pairs) {
    if (a.minus(b).abs().lte(margin.times(Decimal.max(a.abs(), b.abs())))) undecided = true;
    else if (a.gt(b)) return true;
  }
  return undecided ? undefined : false;
}

/** c exactly on a line where the row's n finite logits all equal x: c n = 2 or 2 c n = 1; log-softmax 0, log-sum-exp x, with n = 2. */
function exactlyOnTheLine(probabilities: boolean, c: number, cast: readonly number[], fn: OracleFunction): boolean {
  const finite = cast.filter((x) => Number.isFinite(x));
  if (finite.length === 0 || finite.some((x) => x !== finite[0])) return false;
  const n = finite.length;
  if (probabilities) return exactHigh(c).times(n).eq(2) || exactHigh(c).times(2 * n).eq(1);
  return n === 2 && c === (fn === 'logsumexp' ? finite[0] : 0);
}

/** Enough digits for any float64 exactly (at most 767 significant), and for exp of differences far below. */
const HIGH = Decimal.clone({ precision: 1000 });
const LN2_HIGH = HIGH.ln(2);

/** A finite float64's exact value: integer 2^exponent = integer 5^-exponent 10^exponent below 1. */
export function exactHigh(x: number): Decimal {
  const { integer, exponent } = decompose(x);
  const magnitude = exponent >= 0 ? new HIGH((integer << BigInt(exponent)).toString()) : new HIGH(`${integer * 5n ** BigInt(-exponent)}e${exponent}`);
  return x < 0 ? magnitude.neg() : magnitude;
}

/** The exact value at position i to 1000 digits, from the cast row (softmax 1 / sum_j exp(x_j - x_i), log-softmax -ln of that sum, log-sum-exp from the maximum). */
function highPrecisionExact(cast: readonly number[], fn: OracleFunction, i: number): Decimal {
  const finite = cast.filter((x) => Number.isFinite(x));
  const pivot = fn === 'logsumexp' ? Math.max(...finite) : cast[i];
  const p = exactHigh(pivot);
  const sum = finite.reduce((total, x) => total.plus(HIGH.exp(exactHigh(x).minus(p))), new HIGH(0));
  if (fn === 'softmax') return new HIGH(1).div(sum);
  return fn === 'log-softmax' ? HIGH.ln(sum).neg() : p.plus(HIGH.ln(sum));
}

export function firstMaxIndex(values: readonly number[]): number {
  let best = 0;
  values.forEach((v, i) => {
    if (v > values[best]) best = i;
  });
  return best;
}

/**
 * The first index of the largest exact probability. The exact softmax is increasing in x, so
 * that is the first index of the largest cast logit; 40 digits cannot always tell probabilities
 * of logits 1e-300 apart, so the cast decides, and the strings must agree.
 */
function exactArgmax(cast: readonly number[], exact: ReadonlyArray<Dec | null>): number {
  const index = firstMaxIndex(cast);
  const top = exact[index]!;
  if (exact.some((e) => e !== null && e.gt(top))) throw new Error(`exact softmax not largest at the largest logit (index ${index})`);
  return index;
}

// ---------------------------------------------------------------------------------------------
// Over rows: the report's figures

export interface OracleResultReport {
  function: OracleFunction;
  dtype: OracleDtype;
  algorithm: string;
  rows: number;
  verdict: 'ok' | 'warn' | 'fail';
  flags: Record<(typeof FLAG_KEYS)[number], number>;
  wrong: { nan: number; inf: number; zero: number; factor2: number };
  errors: {
    count: number;
    maxAbs: number | null;
    maxRel: number | null;
    /** Exact; the report holds it as a float64 (exact below 2^53). */
    maxUlp: number | null;
    meanBits: number | null;
    maxBits: number | null;
    worstRow: OracleRowRef | null;
    bitsSum: string;
    bitsHistogram: number[];
  };
  firstRows: Record<ExampleKey, OracleRowRef | null>;
  exampleRows: Record<ExampleKey, OracleRowRef[]>;
  masked: { rows: number; nan: number; zero: number; negInf: number; posInf: number; finite: number; uniformRows: number };
  softmax?: { rows: number; maxSumDev: number | null; argmaxFlips: number };
}

export interface OracleInputReport {
  rows: number;
  classes: number;
  logits: { min: number | null; max: number | null; maxRowSpread: number | null; maxRowSpreadRow: OracleRowRef | null };
  dtypes: Array<{
    dtype: OracleDtype;
    castOverflow: number;
    castUnderflow: number;
    nanRows: number;
    posInfRows: number;
    maskedRows: number;
    ordinaryRows: number;
    /** Label figures (SPEC section 9): 0 here, where rows carry no labels. */
    labelledRows: number;
    ignoredRows: number;
    correctRows: number;
    listedRows: Array<OracleRowRef & { kind: OracleRowKind }>;
  }>;
  results: OracleResultReport[];
}

/** What the comparison's tolerances need besides the figures: per result, in `results` order. */
export interface OracleScales {
  /** The largest |e| over the counted elements. */
  largestExact: number;
  /** The mean of the unquantized bits of error (null when nothing counted). */
  exactMeanBits: number | null;
}

/**
 * The report of a list of measured rows (in input order), for the given dtypes and results in
 * the report's order: counts add, maxima take the largest (worstRow the earliest on ties),
 * example rows are the first five, sums are exact.
 */
export function summarise(rows: readonly OracleRow[], dtypes: readonly OracleDtype[], results: ReadonlyArray<{ function: OracleFunction; algorithm: string }>): { report: OracleInputReport; scales: OracleScales[] } {
  const report: OracleInputReport = { rows: rows.length, classes: 0, logits: { min: null, max: null, maxRowSpread: null, maxRowSpreadRow: null }, dtypes: [], results: [] };
  for (const row of rows) {
    report.classes = Math.max(report.classes, row.input.length);
    const finite = row.input.filter((v) => Number.isFinite(v));
    if (finite.length === 0) continue;
    const min = Math.min(...finite);
    const max = Math.max(...finite);
    const logits = report.logits;
    if (logits.min === null || min < logits.min) logits.min = min;
    if (logits.max === null || max > logits.max) logits.max = max;
    if (logits.maxRowSpread === null || max - min > logits.maxRowSpread) {
      logits.maxRowSpread = max - min;
      logits.maxRowSpreadRow = row.ref;
    }
  }
  const scales: OracleScales[] = [];
  for (const dtype of dtypes) {
    const perRow = rows.map((row) => ({ ref: row.ref, data: row.dtypes.find((d) => d.dtype === dtype)! }));
    const count = (kind: OracleRowKind) => perRow.filter((r) => r.data.kind === kind).length;
    report.dtypes.push({
      dtype,
      castOverflow: perRow.reduce((sum, r) => sum + r.data.castOverflow, 0),
      castUnderflow: perRow.reduce((sum, r) => sum + r.data.castUnderflow, 0),
      nanRows: count('nan'),
      posInfRows: count('posInf'),
      maskedRows: count('masked'),
      ordinaryRows: count('ordinary'),
      labelledRows: 0,
      ignoredRows: 0,
      correctRows: 0,
      listedRows: perRow
        .filter((r) => r.data.kind !== 'ordinary')
        .slice(0, LISTED_ROWS)
        .map((r) => ({ ...r.ref, kind: r.data.kind })),
    });
    for (const selected of results) {
      const measured = perRow.flatMap((r) => {
        const found = r.data.results.find((x) => x.function === selected.function && x.algorithm === selected.algorithm);
        return found === undefined ? [] : [{ ref: r.ref, figures: found }];
      });
      const { result, scale } = summariseResult(dtype, selected.function, selected.algorithm, measured);
      report.results.push(result);
      scales.push(scale);
    }
  }
  return { report, scales };
}

function summariseResult(
  dtype: OracleDtype,
  fn: OracleFunction,
  algorithm: string,
  measured: ReadonlyArray<{ ref: OracleRowRef; figures: OracleResultRow }>,
): { result: OracleResultReport; scale: OracleScales } {
  const ordinary = measured.filter((m) => m.figures.ordinary);
  const masked = measured.filter((m) => m.figures.masked !== undefined);
  const examples = (has: (f: OracleResultRow) => boolean) => ordinary.filter((m) => has(m.figures)).slice(0, EXAMPLE_ROWS).map((m) => m.ref);
  const exampleRows: Record<ExampleKey, OracleRowRef[]> = {
    overflow: examples((f) => f.flags.has('overflow')),
    underflow: examples((f) => f.flags.has('underflow')),
    invalid: examples((f) => f.flags.has('invalid')),
    divideByZero: examples((f) => f.flags.has('divideByZero')),
    nan: examples((f) => f.nan > 0),
    inf: examples((f) => f.inf > 0),
    zero: examples((f) => f.zero > 0),
    factor2: examples((f) => f.factor2 > 0),
    argmaxFlip: examples((f) => f.softmax?.argmaxFlip === true),
    masked: masked.slice(0, EXAMPLE_ROWS).map((m) => m.ref),
  };
  const sum = (pick: (f: OracleResultRow) => number) => ordinary.reduce((total, m) => total + pick(m.figures), 0);
  const count = sum((f) => f.count);
  let maxAbs: Dec | null = null;
  let maxRel: Dec | null = null;
  let maxUlp: bigint | null = null;
  let worstRow: OracleRowRef | null = null;
  let quanta = 0n;
  let bitsExact = new D(0);
  let largestExact = 0;
  const histogram: number[] = [];
  for (const { ref, figures } of ordinary) {
    if (figures.maxAbs !== null && (maxAbs === null || figures.maxAbs.gt(maxAbs))) maxAbs = figures.maxAbs;
    if (figures.maxRel !== null && (maxRel === null || figures.maxRel.gt(maxRel))) maxRel = figures.maxRel;
    if (figures.maxUlp !== null && (maxUlp === null || figures.maxUlp > maxUlp)) {
      maxUlp = figures.maxUlp;
      worstRow = ref; // strictly larger only: ties stay with the earlier row
    }
    quanta += figures.bitsQuanta;
    bitsExact = bitsExact.plus(figures.bitsExact);
    largestExact = Math.max(largestExact, figures.largestExact);
    for (const [bin, n] of figures.histogram) {
      while (histogram.length <= bin) histogram.push(0);
      histogram[bin] += n;
    }
  }
  const none = count === 0;
  const result: OracleResultReport = {
    function: fn,
    dtype,
    algorithm,
    rows: ordinary.length,
    verdict: 'ok',
    flags: { overflow: flagRows(ordinary, 'overflow'), underflow: flagRows(ordinary, 'underflow'), invalid: flagRows(ordinary, 'invalid'), divideByZero: flagRows(ordinary, 'divideByZero') },
    wrong: { nan: sum((f) => f.nan), inf: sum((f) => f.inf), zero: sum((f) => f.zero), factor2: sum((f) => f.factor2) },
    errors: {
      count,
      // No counted element: null, as the report writes it. maxRel is 0 when every counted e is 0.
      maxAbs: none ? null : maxAbs!.toNumber(),
      maxRel: none ? null : maxRel === null ? 0 : maxRel.toNumber(),
      maxUlp: none ? null : Number(maxUlp!),
      meanBits: none ? null : new D(quanta.toString()).div(count).div(QUANTA_PER_BIT.toString()).toNumber(),
      maxBits: none ? null : bitsOf(maxUlp!),
      worstRow,
      bitsSum: quanta.toString(),
      bitsHistogram: histogram,
    },
    firstRows: Object.fromEntries(EXAMPLE_KEYS.map((key) => [key, exampleRows[key][0] ?? null])) as Record<ExampleKey, OracleRowRef | null>,
    exampleRows,
    masked: {
      rows: masked.length,
      nan: masked.reduce((t, m) => t + m.figures.masked!.nan, 0),
      zero: masked.reduce((t, m) => t + m.figures.masked!.zero, 0),
      negInf: masked.reduce((t, m) => t + m.figures.masked!.negInf, 0),
      posInf: masked.reduce((t, m) => t + m.figures.masked!.posInf, 0),
      finite: masked.reduce((t, m) => t + m.figures.masked!.finite, 0),
      uniformRows: masked.filter((m) => m.figures.masked!.uniform).length,
    },
  };
  if (fn === 'softmax') {
    const finiteRows = ordinary.filter((m) => m.figures.softmax!.allFinite);
    result.softmax = {
      rows: finiteRows.length,
      maxSumDev: finiteRows.length === 0 ? null : Math.max(...finiteRows.map((m) => m.figures.softmax!.sumDeviation!)),
      argmaxFlips: finiteRows.filter((m) => m.figures.softmax!.argmaxFlip).length,
    };
  }
  result.verdict = verdict(result, maxUlp);
  const exactMeanBits = none ? null : bitsExact.div(count).toNumber();
  return { result, scale: { largestExact, exactMeanBits } };
}

function flagRows(ordinary: ReadonlyArray<{ figures: OracleResultRow }>, flag: string): number {
  return ordinary.filter((m) => m.figures.flags.has(flag)).length;
}

/** docs/metrics.md section 6. maxBits > 4 is maxUlp > 15: log2(1 + d) > 4 exactly when d > 15. */
function verdict(result: OracleResultReport, maxUlp: bigint | null): 'ok' | 'warn' | 'fail' {
  const { wrong, flags, softmax } = result;
  if (wrong.nan > 0 || wrong.inf > 0 || wrong.factor2 > 0 || flags.overflow > 0) return 'fail';
  if (softmax !== undefined && (softmax.argmaxFlips > 0 || (softmax.maxSumDev ?? 0) > 0.5)) return 'fail';
  if (wrong.zero > 0 || (maxUlp !== null && maxUlp > BigInt(WARN_ULPS))) return 'warn';
  return 'ok';
}
