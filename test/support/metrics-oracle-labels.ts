// The independent oracle of test/support/metrics-oracle.ts, extended to the label figures of
// SPEC sections 9 and 10: cross-entropy and its gradient on rows with a label, and the binary
// functions (sigmoid, log-sigmoid, bce) on one logit with a target. It shares no code with src/.
// Its inputs are data: the logits and the label, the cast row, the exact values (40-digit strings
// of fixtures/reference/labels) with their correct roundings, each algorithm's outputs and flags.
// It derives each figure from its definition, by other means than src/metrics:
// - ulp distances, bits of error and histogram bins with metrics-oracle.ts' tools (ordinals from
//   bit patterns in BigInt, logarithms in 60-digit decimals);
// - |c - e|, |c - e| / |e| in 60-digit decimals; the factor-of-2 rules as the ratio c / e (so a
//   negative gradient element needs no rule of its own) or |c - e| against ln 2, decided with the
//   40-digit e, else with e recomputed from the cast row to 1000 digits, else on a closed form;
// - meanLoss as the exact decimal sum of the computed losses (each float64 written out exactly,
//   1200 digits hold any sum of them) divided by the rows and rounded once; exactMeanLoss as the
//   sum of the 40-digit exact strings, divided and rounded once;
// - labelled, ignored and correct rows from the label, the ignore index and the cast row's first
//   maximum, checked against the exact values' own argmax.
// test/metrics/metrics-oracle-labels.test.ts compares it with Analysis and the report model.
import { Decimal } from 'decimal.js';
import {
  bitsOfError,
  decimalOf,
  exactHigh,
  firstMaxIndex,
  histogramBin,
  rowKind,
  ulpDistance,
  EXAMPLE_KEYS,
  type OracleDtype,
  type OracleRowKind,
  type OracleRowRef,
} from './metrics-oracle.js';

const D = Decimal.clone({ precision: 60 });
type Dec = InstanceType<typeof D>;
/** 1200 digits: a float64 is at most 767 significant digits, from 2^1024 down to 2^-1074 (1075 places); a sum of losses below 10^6 spans fewer than 1090. */
const WIDE = Decimal.clone({ precision: 1200 });
/** The recomputed exact values: 1000 digits (metrics-oracle.ts uses the same for softmax). */
const HIGH = Decimal.clone({ precision: 1000 });

export type LabelFunction = 'cross-entropy' | 'gradient' | 'sigmoid' | 'log-sigmoid' | 'bce';
const BINARY: readonly LabelFunction[] = ['sigmoid', 'log-sigmoid', 'bce'];

/** SPEC section 1: the least normal value of each dtype. */
const MIN_NORMAL: Record<OracleDtype, number> = { float64: 2 ** -1022, float32: 2 ** -126, float16: 2 ** -14, bfloat16: 2 ** -126 };

const FLAGS = ['overflow', 'underflow', 'invalid', 'divideByZero'] as const;
type ExampleKey = (typeof EXAMPLE_KEYS)[number] | 'vanishing';
const EXAMPLE_ROWS = 5;
const LISTED_ROWS = 20;
const QUANTA_PER_BIT = 1n << 24n;

// ---------------------------------------------------------------------------------------------
// Inputs

export interface LabelResultInput {
  function: LabelFunction;
  algorithm: string;
  /** One value for cross-entropy and the binary functions, K for the gradient. */
  values: readonly number[];
  flags: readonly string[];
}

export interface LabelDtypeInput {
  dtype: OracleDtype;
  /** The logits rounded to the dtype (binary: [x]). */
  cast: readonly number[];
  /** Binary: the target rounded to the dtype (undefined: the row has none). */
  targetCast?: number;
  /** Ordinary rows with a label or target: the exact values, by function ('inf' for an infinite loss), and their correct roundings. */
  exact?: Partial<Record<LabelFunction, readonly string[]>>;
  exactRounded?: Partial<Record<LabelFunction, readonly number[]>>;
  results: readonly LabelResultInput[];
}

export interface LabelRowInput {
  ref: OracleRowRef;
  task: 'multiclass' | 'binary';
  /** The float64 logits as read (binary: [x]). */
  input: readonly number[];
  /** The label (multiclass) or the float64 target (binary); undefined when the row has none. */
  target: number | undefined;
  /** The label that marks a row as ignored (multiclass). */
  ignoreIndex?: number;
  dtypes: readonly LabelDtypeInput[];
}

// ---------------------------------------------------------------------------------------------
// One row

export interface LabelResultRow {
  function: LabelFunction;
  algorithm: string;
  flags: Set<string>;
  nan: number;
  inf: number;
  zero: number;
  factor2: number;
  count: number;
  maxAbs: Dec | null;
  maxRel: Dec | null;
  largestExact: number;
  maxUlp: bigint | null;
  bitsQuanta: bigint;
  bitsExact: Dec;
  histogram: Map<number, number>;
  /** cross-entropy: the computed loss, and the exact one ('inf' or a 40-digit string). */
  loss?: { computed: number; exact: string };
  /** gradient: every computed element 0 while some exact element does not round to 0. */
  vanishing?: boolean;
  /** Binary rows of x = -Infinity (sigmoid and log-sigmoid only). */
  masked?: { nan: number; zero: number; negInf: number; posInf: number; finite: number };
}

export interface LabelDtypeRow {
  dtype: OracleDtype;
  kind: OracleRowKind;
  castOverflow: number;
  castUnderflow: number;
  labelled: boolean;
  ignored: boolean;
  correct: boolean;
  /** The results measured on this row (those that need a label are absent on rows without one). */
  results: LabelResultRow[];
}

export interface LabelRow {
  ref: OracleRowRef;
  input: readonly number[];
  dtypes: LabelDtypeRow[];
}

export function measureLabelRow(row: LabelRowInput): LabelRow {
  return { ref: row.ref, input: row.input, dtypes: row.dtypes.map((d) => measureDtype(row, d)) };
}

function measureDtype(row: LabelRowInput, data: LabelDtypeInput): LabelDtypeRow {
  const { dtype, cast } = data;
  let castOverflow = 0;
  let castUnderflow = 0;
  row.input.forEach((v, j) => {
    if (Number.isFinite(v) && !Number.isFinite(cast[j])) castOverflow++;
    if (v !== 0 && !Number.isNaN(v) && cast[j] === 0) castUnderflow++;
  });
  const kind = rowKind(cast);
  const figures: LabelDtypeRow = { dtype, kind, castOverflow, castUnderflow, labelled: false, ignored: false, correct: false, results: [] };
  if (kind === 'nan' || kind === 'posInf') return figures;
  const binary = row.task === 'binary';
  if (kind === 'masked') {
    // Only binary x = -Infinity: sigmoid and log-sigmoid outputs are classified; the loss and the gradient are not defined there.
    if (binary) figures.results = data.results.filter((r) => r.function !== 'bce').map((r) => maskedResult(r));
    return figures;
  }
  if (row.target !== undefined) {
    if (!binary && row.target === row.ignoreIndex) figures.ignored = true;
    else figures.labelled = true;
  }
  if (figures.labelled) figures.correct = binary ? binaryCorrect(cast[0], data.targetCast!) : exactArgmax(data, row.target!) === row.target;
  for (const result of data.results) {
    const needsLabel = result.function !== 'sigmoid' && result.function !== 'log-sigmoid';
    if (needsLabel && !figures.labelled) continue;
    try {
      figures.results.push(measureResult(row, data, result));
    } catch (error) {
      throw new Error(`${result.function}/${result.algorithm}/${dtype} on cast [${cast.join(', ')}]: ${(error as Error).message}`);
    }
  }
  return figures;
}

/** SPEC 9 for two classes: a hard target 0 or 1 is predicted when x is on its side of 0 (x = 0 predicts class 0, the lower index, as argmax ties do); a soft target never counts as correct. */
function binaryCorrect(x: number, y: number): boolean {
  return (y === 1 && x > 0) || (y === 0 && x <= 0);
}

/**
 * The first index of the largest exact probability: the exact softmax increases with x_i, so the
 * first index of the largest cast logit. Checked against the exact gradient (softmax_i for
 * i != y, softmax_y - 1 at y) where 40 digits can tell them apart.
 */
function exactArgmax(data: LabelDtypeInput, y: number): number {
  const index = firstMaxIndex(data.cast);
  const gradient = data.exact?.gradient;
  if (gradient !== undefined) {
    const softmax = gradient.map((text, i) => (i === y ? new D(text).plus(1) : new D(text)));
    // 40 digits of g_y leave softmax_y = 1 + g_y good to about 1e-40 (absolute).
    if (softmax.some((p) => p.gt(softmax[index].plus('1e-38')))) throw new Error(`exact softmax not largest at the first largest logit (index ${index})`);
  }
  return index;
}

function emptyResult(result: LabelResultInput): LabelResultRow {
  return {
    function: result.function,
    algorithm: result.algorithm,
    flags: new Set(),
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
}

function maskedResult(result: LabelResultInput): LabelResultRow {
  const figures = emptyResult(result);
  const masked = { nan: 0, zero: 0, negInf: 0, posInf: 0, finite: 0 };
  for (const c of result.values) {
    if (Number.isNaN(c)) masked.nan++;
    else if (c === 0) masked.zero++;
    else if (c === -Infinity) masked.negInf++;
    else if (c === Infinity) masked.posInf++;
    else masked.finite++;
  }
  figures.masked = masked;
  return figures;
}

function measureResult(row: LabelRowInput, data: LabelDtypeInput, result: LabelResultInput): LabelResultRow {
  const { dtype } = data;
  const fn = result.function;
  const figures = emptyResult(result);
  figures.flags = new Set(result.flags);
  const texts = data.exact?.[fn];
  const rounded = data.exactRounded?.[fn];
  if (texts === undefined || rounded === undefined) throw new Error(`no exact ${fn} values`);
  if (result.values.length !== texts.length) throw new Error(`${result.values.length} outputs for ${texts.length} exact values`);
  // SPEC 9, 10 and docs/metrics.md: probabilities (the gradient: probabilities minus 1 at the
  // label; the sigmoid) are off by a factor of 2 by their ratio, where round(e) is normal;
  // logarithms (the losses, log-sigmoid) by ln 2, where c is more than 1 ulp from round(e).
  const probabilities = fn === 'gradient' || fn === 'sigmoid';
  const ulpCounts = new Map<bigint, number>();
  result.values.forEach((c, i) => {
    const text = texts[i];
    const finiteExact = text !== 'inf' && text !== '-inf';
    if (Number.isNaN(c)) {
      figures.nan++; // never NaN exactly on an ordinary row
      return;
    }
    if (!Number.isFinite(c)) {
      if (finiteExact) figures.inf++;
      return;
    }
    if (!finiteExact) return; // a finite loss where the exact one is +Infinity: no error defined
    const e = new D(text);
    const r = rounded[i];
    figures.count++;
    const difference = decimalOf(c).minus(e).abs();
    if (figures.maxAbs === null || difference.gt(figures.maxAbs)) figures.maxAbs = difference;
    if (!e.isZero()) {
      const relative = difference.div(e.abs());
      if (figures.maxRel === null || relative.gt(figures.maxRel)) figures.maxRel = relative;
    }
    figures.largestExact = Math.max(figures.largestExact, Math.abs(Number(text)));
    const ulps = ulpDistance(dtype, c, r);
    if (figures.maxUlp === null || ulps > figures.maxUlp) figures.maxUlp = ulps;
    ulpCounts.set(ulps, (ulpCounts.get(ulps) ?? 0) + 1);
    // A lost value (docs/metrics.md): a computed 0 where the exact value rounded to the dtype is not 0.
    if (c === 0 && r !== 0) figures.zero++;
    const candidate = probabilities ? Math.abs(r) >= MIN_NORMAL[dtype] : ulps > 1n;
    if (candidate && offByFactor2(row, data, fn, i, c, e)) figures.factor2++;
  });
  for (const [ulps, count] of ulpCounts) {
    const bits = bitsOfError(ulps);
    figures.bitsQuanta += bits.quanta * BigInt(count);
    figures.bitsExact = figures.bitsExact.plus(bits.exact.times(count));
    const bin = histogramBin(ulps);
    figures.histogram.set(bin, (figures.histogram.get(bin) ?? 0) + count);
  }
  if (fn === 'cross-entropy') figures.loss = { computed: result.values[0], exact: texts[0] };
  if (fn === 'gradient') figures.vanishing = result.values.every((c) => c === 0) && rounded.some((r) => r !== 0);
  return figures;
}

// ---------------------------------------------------------------------------------------------
// Off by a factor of 2

const NEAR_40_DIGITS = new D(2).pow(-110);
const NEAR_1000_DIGITS = new HIGH(2).pow(-3200);
const LN2 = D.ln(2);
const LN2_HIGH = HIGH.ln(2);

/**
 * Probabilities: c / e >= 2 or c / e <= 1/2 (for e of either sign: the gradient is negative at
 * the label, and c / e <= 1/2 holds for a c of the other sign). Logarithms: |c - e| >= ln 2.
 * Decided with the fixture's 40-digit e unless the comparison lies within 2^-110 of its line,
 * then with e recomputed from the cast row to 1000 digits. Within 2^-3200 of the line at 1000
 * digits, c is exactly on it, which needs a closed form for e: the gradient where every finite
 * logit is equal (1/n, 1/n - 1) or where x_y = -Infinity (-1 at y, 0 elsewhere); sigmoid,
 * log-sigmoid and bce at x = 0 (1/2, -ln 2, ln 2); cross-entropy of two equal finite logits
 * (ln 2). Elsewhere e is transcendental and so are e/2, 2e and e +- ln 2 (Lindemann-Weierstrass:
 * exp at distinct algebraic points is linearly independent), so a rational c is never on a line.
 */
function offByFactor2(row: LabelRowInput, data: LabelDtypeInput, fn: LabelFunction, i: number, c: number, e: Dec): boolean {
  const probabilities = fn === 'gradient' || fn === 'sigmoid';
  const quick = compare(probabilities, decimalOf(c), e, LN2, NEAR_40_DIGITS);
  if (quick !== 'near') return quick;
  const high = highPrecisionExact(row, data, fn, i);
  const slow = compare(probabilities, exactHigh(c), high, LN2_HIGH, NEAR_1000_DIGITS);
  if (slow !== 'near') return slow;
  if (hasClosedForm(row, data, fn, i)) return true; // on the line, which the inequalities include
  throw new Error(`cannot decide whether ${c} is off by a factor of 2 from ${e.toString()}`);
}

function compare(probabilities: boolean, c: Decimal, e: Decimal, ln2: Decimal, margin: Decimal): boolean | 'near' {
  if (probabilities) {
    if (e.isZero()) return false; // never a candidate: round(0) is not normal
    const ratio = c.div(e);
    const lines = [new Decimal(2), new Decimal(0.5)];
    if (lines.some((line) => ratio.minus(line).abs().lte(margin))) return 'near';
    return ratio.gte(2) || ratio.lte(0.5);
  }
  const distance = c.minus(e).abs();
  if (distance.minus(ln2).abs().lte(margin.times(ln2))) return 'near';
  return distance.gte(ln2);
}

function hasClosedForm(row: LabelRowInput, data: LabelDtypeInput, fn: LabelFunction, i: number): boolean {
  const cast = data.cast;
  if (BINARY.includes(fn)) return cast[0] === 0;
  const finite = cast.filter((x) => Number.isFinite(x));
  const allEqual = finite.every((x) => x === finite[0]);
  const y = row.target!;
  if (fn === 'cross-entropy') return allEqual && finite.length === 2 && Number.isFinite(cast[y]);
  return allEqual || cast[y] === -Infinity || cast[i] === -Infinity;
}

/** The exact value at element i to 1000 digits, from the cast row (and the cast target). */
function highPrecisionExact(row: LabelRowInput, data: LabelDtypeInput, fn: LabelFunction, i: number): Decimal {
  const cast = data.cast;
  const one = new HIGH(1);
  if (BINARY.includes(fn)) {
    const x = exactHigh(cast[0]);
    const softplusOfMinusAbs = HIGH.ln(one.plus(HIGH.exp(x.abs().neg()))); // log(1 + e^-|x|)
    if (fn === 'sigmoid') return one.div(one.plus(HIGH.exp(x.neg())));
    if (fn === 'log-sigmoid') return HIGH.min(x, 0).minus(softplusOfMinusAbs); // -log(1 + e^-x)
    const y = exactHigh(data.targetCast!);
    return HIGH.max(x, 0).minus(x.times(y)).plus(softplusOfMinusAbs);
  }
  const y = row.target!;
  const finite = cast.filter((x) => Number.isFinite(x));
  if (fn === 'cross-entropy') {
    const m = exactHigh(Math.max(...finite));
    const sum = finite.reduce((total, x) => total.plus(HIGH.exp(exactHigh(x).minus(m))), new HIGH(0));
    return m.minus(exactHigh(cast[y])).plus(HIGH.ln(sum));
  }
  // gradient_i = softmax_i (i != y), softmax_y - 1 = -sum_{j != y} e^(x_j - x_y) / sum_j e^(x_j - x_y): nothing cancels.
  if (cast[i] === -Infinity) return i === y ? one.neg() : new HIGH(0);
  const pivot = exactHigh(cast[i]);
  const terms = cast.map((x) => (Number.isFinite(x) ? HIGH.exp(exactHigh(x).minus(pivot)) : new HIGH(0)));
  const sum = terms.reduce((total, t) => total.plus(t), new HIGH(0));
  if (i !== y) return one.div(sum);
  return sum.minus(terms[y]).div(sum).neg();
}

// ---------------------------------------------------------------------------------------------
// Over rows: the report's figures

export interface LabelResultReport {
  function: LabelFunction;
  dtype: OracleDtype;
  algorithm: string;
  rows: number;
  verdict: 'ok' | 'warn' | 'fail';
  flags: Record<(typeof FLAGS)[number], number>;
  wrong: { nan: number; inf: number; zero: number; factor2: number };
  errors: {
    count: number;
    maxAbs: number | null;
    maxRel: number | null;
    maxUlp: number | null;
    meanBits: number | null;
    maxBits: number | null;
    worstRow: OracleRowRef | null;
    bitsSum: string;
    bitsHistogram: number[];
  };
  firstRows: Partial<Record<ExampleKey, OracleRowRef | null>>;
  exampleRows: Partial<Record<ExampleKey, OracleRowRef[]>>;
  masked: { rows: number; nan: number; zero: number; negInf: number; posInf: number; finite: number; uniformRows: number };
  loss?: { rows: number; meanLoss: number | null; exactMeanLoss: number | null; nan: number; posInf: number; exactPosInf: number };
  gradient?: { rows: number; vanishing: number };
}

export interface LabelInputReport {
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
    labelledRows: number;
    ignoredRows: number;
    correctRows: number;
    listedRows: Array<OracleRowRef & { kind: OracleRowKind }>;
  }>;
  results: LabelResultReport[];
}

/** What the tolerances need besides the figures, per result in `results` order. */
export interface LabelScales {
  largestExact: number;
  exactMeanBits: number | null;
  /** cross-entropy: the exact sums behind meanLoss and exactMeanLoss (finite rows), to check the report's partials. */
  lossSum?: Decimal;
  exactLossSum?: Decimal;
}

export function summariseLabels(
  rows: readonly LabelRow[],
  dtypes: readonly OracleDtype[],
  results: ReadonlyArray<{ function: LabelFunction; algorithm: string }>,
): { report: LabelInputReport; scales: LabelScales[] } {
  const report: LabelInputReport = { rows: rows.length, classes: 0, logits: { min: null, max: null, maxRowSpread: null, maxRowSpreadRow: null }, dtypes: [], results: [] };
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
  const scales: LabelScales[] = [];
  for (const dtype of dtypes) {
    const perRow = rows.map((row) => ({ ref: row.ref, data: row.dtypes.find((d) => d.dtype === dtype)! }));
    const count = (has: (d: LabelDtypeRow) => boolean) => perRow.filter((r) => has(r.data)).length;
    report.dtypes.push({
      dtype,
      castOverflow: perRow.reduce((sum, r) => sum + r.data.castOverflow, 0),
      castUnderflow: perRow.reduce((sum, r) => sum + r.data.castUnderflow, 0),
      nanRows: count((d) => d.kind === 'nan'),
      posInfRows: count((d) => d.kind === 'posInf'),
      maskedRows: count((d) => d.kind === 'masked'),
      ordinaryRows: count((d) => d.kind === 'ordinary'),
      labelledRows: count((d) => d.labelled),
      ignoredRows: count((d) => d.ignored),
      correctRows: count((d) => d.correct),
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
  fn: LabelFunction,
  algorithm: string,
  measured: ReadonlyArray<{ ref: OracleRowRef; figures: LabelResultRow }>,
): { result: LabelResultReport; scale: LabelScales } {
  const ordinary = measured.filter((m) => m.figures.masked === undefined);
  const masked = measured.filter((m) => m.figures.masked !== undefined);
  const examples = (has: (f: LabelResultRow) => boolean) => ordinary.filter((m) => has(m.figures)).slice(0, EXAMPLE_ROWS).map((m) => m.ref);
  const exampleRows: Partial<Record<ExampleKey, OracleRowRef[]>> = {
    overflow: examples((f) => f.flags.has('overflow')),
    underflow: examples((f) => f.flags.has('underflow')),
    invalid: examples((f) => f.flags.has('invalid')),
    divideByZero: examples((f) => f.flags.has('divideByZero')),
    nan: examples((f) => f.nan > 0),
    inf: examples((f) => f.inf > 0),
    zero: examples((f) => f.zero > 0),
    factor2: examples((f) => f.factor2 > 0),
    argmaxFlip: [], // softmax only
    masked: masked.slice(0, EXAMPLE_ROWS).map((m) => m.ref),
  };
  if (fn === 'gradient') exampleRows.vanishing = examples((f) => f.vanishing === true);
  const sum = (pick: (f: LabelResultRow) => number) => ordinary.reduce((total, m) => total + pick(m.figures), 0);
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
      worstRow = ref; // ties stay with the earlier row
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
  const flagRows = (flag: string) => ordinary.filter((m) => m.figures.flags.has(flag)).length;
  const result: LabelResultReport = {
    function: fn,
    dtype,
    algorithm,
    rows: ordinary.length,
    verdict: 'ok',
    flags: { overflow: flagRows('overflow'), underflow: flagRows('underflow'), invalid: flagRows('invalid'), divideByZero: flagRows('divideByZero') },
    wrong: { nan: sum((f) => f.nan), inf: sum((f) => f.inf), zero: sum((f) => f.zero), factor2: sum((f) => f.factor2) },
    errors: {
      count,
      maxAbs: none ? null : maxAbs!.toNumber(),
      maxRel: none ? null : maxRel === null ? 0 : maxRel.toNumber(),
      maxUlp: none ? null : Number(maxUlp!),
      meanBits: none ? null : new D(quanta.toString()).div(count).div(QUANTA_PER_BIT.toString()).toNumber(),
      maxBits: none ? null : bitsOfError(maxUlp!).exact.toNumber(),
      worstRow,
      bitsSum: quanta.toString(),
      bitsHistogram: histogram,
    },
    firstRows: Object.fromEntries(Object.entries(exampleRows).map(([key, refs]) => [key, refs[0] ?? null])),
    exampleRows,
    masked: {
      rows: masked.length,
      nan: masked.reduce((t, m) => t + m.figures.masked!.nan, 0),
      zero: masked.reduce((t, m) => t + m.figures.masked!.zero, 0),
      negInf: masked.reduce((t, m) => t + m.figures.masked!.negInf, 0),
      posInf: masked.reduce((t, m) => t + m.figures.masked!.posInf, 0),
      finite: masked.reduce((t, m) => t + m.figures.masked!.finite, 0),
      uniformRows: 0, // one output per row (binary) is never a uniform distribution
    },
  };
  const scale: LabelScales = { largestExact, exactMeanBits: none ? null : bitsExact.div(count).toNumber() };
  if (fn === 'cross-entropy') {
    const losses = ordinary.map((m) => m.figures.loss!);
    const rows = losses.length;
    const nan = losses.filter((l) => Number.isNaN(l.computed)).length;
    const posInf = losses.filter((l) => l.computed === Infinity).length;
    const exactPosInf = losses.filter((l) => l.exact === 'inf').length;
    if (losses.some((l) => l.computed === -Infinity)) throw new Error(`${fn}/${algorithm}/${dtype}: a loss of -Infinity`);
    const lossSum = losses.filter((l) => Number.isFinite(l.computed)).reduce((total, l) => total.plus(exactWide(l.computed)), new WIDE(0));
    const exactLossSum = losses.filter((l) => l.exact !== 'inf').reduce((total, l) => total.plus(l.exact), new WIDE(0));
    result.loss = {
      rows,
      // SPEC 9: NaN if one computed loss is NaN, else +Infinity if one is; the exact sum divided by the rows, rounded once.
      meanLoss: rows === 0 ? null : nan > 0 ? NaN : posInf > 0 ? Infinity : lossSum.div(rows).toNumber(),
      exactMeanLoss: rows === 0 ? null : exactPosInf > 0 ? Infinity : exactLossSum.div(rows).toNumber(),
      nan,
      posInf,
      exactPosInf,
    };
    scale.lossSum = lossSum;
    scale.exactLossSum = exactLossSum;
  }
  if (fn === 'gradient') result.gradient = { rows: ordinary.length, vanishing: ordinary.filter((m) => m.figures.vanishing).length };
  result.verdict = verdict(result, maxUlp);
  return { result, scale };
}

/** A finite float64 written out exactly (integer 2^exponent = integer 5^-exponent 10^exponent). */
export function exactWide(x: number): Decimal {
  return new WIDE(exactHigh(x).toFixed());
}

/** docs/metrics.md: verdicts (a vanishing gradient fails; lost values warn; more than 15 ulps, 4 bits, warns). */
function verdict(result: LabelResultReport, maxUlp: bigint | null): 'ok' | 'warn' | 'fail' {
  const { wrong, flags } = result;
  if (wrong.nan > 0 || wrong.inf > 0 || wrong.factor2 > 0 || flags.overflow > 0 || (result.gradient?.vanishing ?? 0) > 0) return 'fail';
  if (wrong.zero > 0 || (maxUlp !== null && maxUlp > 15n)) return 'warn';
  return 'ok';
}
