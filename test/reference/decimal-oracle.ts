// An independent reference for the reference: log-sum-exp, log-softmax and softmax computed with
// decimal.js at 60 significant digits (about 199 bits), straight from the definitions, and the
// comparison helpers the tests use. Nothing here comes from src/.
import { Decimal } from 'decimal.js';
import type { ReferenceRow } from '../../src/reference/index.js';

/** 60 significant digits, as the spec asks (>= 50). */
export const Precise = Decimal.clone({ precision: 60 });

/** The relative tolerance the oracle promises. */
export const RELATIVE_TOLERANCE = new Precise(2).pow(-100);

const bitsView = new Float64Array(1);
const bitsAsInteger = new BigUint64Array(bitsView.buffer);

/** The exact value of a finite float64 (new Decimal(x) would take its shortest repr instead). */
export function exactDecimal(x: number): Decimal {
  if (!Number.isFinite(x)) throw new Error(`exactDecimal: ${x} is not finite`);
  if (x === 0) return new Precise(0);
  bitsView[0] = x;
  const bits = bitsAsInteger[0];
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & 0xfffffffffffffn;
  const mantissa = biased === 0 ? fraction : fraction | 0x10000000000000n;
  const exponent = biased === 0 ? -1074 : biased - 1075;
  // mantissa * 2^e = mantissa * 5^-e * 10^e for e < 0: an exact decimal string.
  const text = exponent >= 0 ? (mantissa << BigInt(exponent)).toString() : `${mantissa * 5n ** BigInt(-exponent)}e${exponent}`;
  return new Precise(x < 0 ? `-${text}` : text);
}

export interface DecimalRow {
  lse: Decimal;
  /** null where x_j = -Infinity (exact value -Infinity). */
  logSoftmax: Array<Decimal | null>;
  /** 0 where x_j = -Infinity. */
  softmax: Decimal[];
}

/** log(1 + a) for a >= 0, keeping the relative accuracy of a when a is tiny (1 + a would lose it). */
export function decimalLog1p(a: Decimal, Context: typeof Decimal): Decimal {
  if (a.gte(1e-10)) return Context.ln(a.plus(1));
  // a - a^2/2 + a^3/3 - ..., each term 1e-10 of the previous one.
  const stop = a.times(new Context(10).pow(-Context.precision - 5));
  let sum = new Context(0);
  let power = a;
  for (let n = 1; power.gt(stop); n++) {
    const term = power.div(n);
    sum = n % 2 === 1 ? sum.plus(term) : sum.minus(term);
    power = power.times(a);
  }
  return sum;
}

/**
 * The definitions of section 3 for an ordinary row, in the form LSE = m + log1p(s'), s' the sum
 * of exp(x_j - m) over j other than the first maximum (so that LSE stays accurate when s' is
 * tiny), at the precision of `Context`. When m + log1p(s') cancels by more than 25 digits, the
 * whole computation is redone with twice the digits (up to 480).
 */
export function decimalReference(x: ArrayLike<number>, Context: typeof Decimal = Precise): DecimalRow {
  let max = -Infinity;
  let argmax = -1;
  for (let j = 0; j < x.length; j++) {
    if (x[j] > max) {
      max = x[j];
      argmax = j;
    }
  }
  const m = new Context(exactDecimal(max));
  const shifted: Array<Decimal | null> = [];
  const terms: Decimal[] = [];
  let others = new Context(0);
  for (let j = 0; j < x.length; j++) {
    if (x[j] === -Infinity) {
      shifted.push(null);
      terms.push(new Context(0));
      continue;
    }
    const d = new Context(exactDecimal(x[j])).minus(m);
    const t = j === argmax ? new Context(1) : Context.exp(d);
    shifted.push(d);
    terms.push(t);
    if (j !== argmax) others = others.plus(t);
  }
  const log = decimalLog1p(others, Context);
  const lse = m.plus(log);
  const scale = m.abs().gt(log) ? m.abs() : log;
  if (!scale.isZero() && lse.abs().lt(scale.times(1e-25)) && Context.precision < 480) {
    return decimalReference(x, Context.clone({ precision: 2 * Context.precision }));
  }
  const sum = others.plus(1);
  return {
    lse,
    logSoftmax: shifted.map((d) => (d === null ? null : d.minus(log))),
    softmax: terms.map((t) => t.div(sum)),
  };
}

/** hi + lo (times 2^exp2) as a Decimal. */
export function ddDecimal(hi: number, lo: number, exp2 = 0): Decimal {
  const value = exactDecimal(hi).plus(exactDecimal(lo));
  return exp2 === 0 ? value : value.times(new Precise(2).pow(exp2));
}

/** Compact text of a row for failure messages (every value, as a float64 repr). */
export function describeRow(x: ArrayLike<number> | string): string {
  if (typeof x === 'string') return x;
  const values = Array.from(x, (v) => (Object.is(v, -0) ? '-0' : String(v)));
  if (values.length <= 64) return `[${values.join(', ')}]`;
  return `[${values.slice(0, 32).join(', ')}, ... ${values.length - 48} more ..., ${values.slice(-16).join(', ')}] (K = ${values.length})`;
}

/** The largest relative error seen by checkClose, per quantity (LSE, logSoftmax, softmax). */
export const observed = new Map<string, { relative: Decimal; input: string }>();

function record(what: string, relative: Decimal, input: ArrayLike<number> | string): void {
  const quantity = what.replace(/\[\d+\]$/, '');
  const previous = observed.get(quantity);
  if (previous === undefined || relative.gt(previous.relative)) observed.set(quantity, { relative, input: describeRow(input) });
}

/** One line per quantity: the largest relative error seen, as a power of 2. */
export function describeObserved(): string {
  return [...observed.entries()]
    .map(([quantity, { relative }]) => `${quantity} 2^${relative.isZero() ? '-inf' : relative.log(2).toFixed(1)}`)
    .join(', ');
}

/**
 * Throws unless |got - expected| <= max(relativeTolerance |expected|, absoluteFloor); the message
 * holds the input, got, expected, difference and tolerance.
 */
export function checkClose(
  what: string,
  input: ArrayLike<number> | string,
  got: Decimal,
  expected: Decimal,
  relativeTolerance: Decimal = RELATIVE_TOLERANCE,
  absoluteFloor: Decimal = new Precise(0),
): void {
  const difference = got.minus(expected).abs();
  const scaled = expected.abs().times(relativeTolerance);
  const tolerance = scaled.gte(absoluteFloor) ? scaled : absoluteFloor;
  if (!expected.isZero() && scaled.gte(absoluteFloor)) record(what, difference.div(expected.abs()), input);
  if (difference.lte(tolerance)) return;
  const relative = expected.isZero() ? 'inf' : difference.div(expected.abs()).toExponential(3);
  throw new Error(
    [
      `${what}: error above tolerance`,
      `  input      ${describeRow(input)}`,
      `  got        ${got.toString()}`,
      `  expected   ${expected.toString()}`,
      `  difference ${difference.toExponential(6)} (relative ${relative})`,
      `  tolerance  ${tolerance.toExponential(6)} (relative ${relativeTolerance.toExponential(3)}, absolute floor ${absoluteFloor.toExponential(3)})`,
    ].join('\n'),
  );
}

/**
 * Checks every value of an ordinary ReferenceRow against decimalReference, each to 2^-100
 * relative whatever its magnitude (with its binary exponent), and the exponent convention:
 * exp2 is 0 at or above 2^-960 and negative only below.
 */
export function checkRow(row: ReferenceRow, x: ArrayLike<number>, Context: typeof Decimal = Precise): void {
  if (row.kind !== 'ordinary') throw new Error(`expected an ordinary row, got ${row.kind} for ${describeRow(x)}`);
  const expected = decimalReference(x, Context);
  checkClose('LSE', x, ddDecimal(row.lseHi, row.lseLo, row.lseExp2), expected.lse);
  checkExponent('LSE', x, row.lseHi, row.lseLo, row.lseExp2);
  for (let i = 0; i < x.length; i++) {
    const logExpected = expected.logSoftmax[i];
    if (logExpected === null) {
      if (row.logSoftmaxHi[i] !== -Infinity || row.logSoftmaxLo[i] !== 0 || row.logSoftmaxExp2[i] !== 0) {
        throw new Error(`logSoftmax[${i}] of ${describeRow(x)}: expected -Infinity, got ${row.logSoftmaxHi[i]} + ${row.logSoftmaxLo[i]}`);
      }
      if (row.softmaxHi[i] !== 0 || row.softmaxLo[i] !== 0) {
        throw new Error(`softmax[${i}] of ${describeRow(x)}: expected 0, got ${row.softmaxHi[i]} + ${row.softmaxLo[i]}`);
      }
      continue;
    }
    checkClose(`logSoftmax[${i}]`, x, ddDecimal(row.logSoftmaxHi[i], row.logSoftmaxLo[i], row.logSoftmaxExp2[i]), logExpected);
    checkExponent(`logSoftmax[${i}]`, x, row.logSoftmaxHi[i], row.logSoftmaxLo[i], row.logSoftmaxExp2[i]);
    checkExponent(`softmax[${i}]`, x, row.softmaxHi[i], row.softmaxLo[i], row.softmaxExp2[i]);
    checkClose(
      `softmax[${i}]`,
      x,
      ddDecimal(row.softmaxHi[i], row.softmaxLo[i], row.softmaxExp2[i]),
      expected.softmax[i],
    );
  }
}

const FOLD = new Precise(2).pow(-960);

/** exp2 = 0 for values of at least 2^-960 in magnitude; exp2 < 0 (never > 0) for smaller ones. */
function checkExponent(what: string, x: ArrayLike<number>, hi: number, lo: number, exp2: number): void {
  if (exp2 === 0) return;
  const magnitude = ddDecimal(hi, lo, exp2).abs();
  if (exp2 > 0 || magnitude.gte(FOLD)) {
    throw new Error(`${what} of ${describeRow(x)}: exponent ${exp2} for a value of magnitude ${magnitude.toExponential(3)}`);
  }
}
