import { ScaledDD } from '../../reference/exp-dd.js';
import { ldexp } from '../../reference/pow2.js';
import { CalibrationAccumulator, DEFAULT_IGNORE_INDEX } from './accumulator.js';
import { addExact, exactValue, type ExactTotal } from './exact-total.js';
import { ExactRow } from './exact-row.js';
import { calibrationFigures } from './figures.js';
import { isOrdinary } from './ordinary-row.js';

/**
 * Replays the labelled rows: calls visit once per row, in input order, each time it is called.
 * The caller decides whether the rows stay in memory or the file is read again.
 */
export type LabelledRowSource = (visit: (x: Float64Array, length: number, y: number) => void) => void;

export interface TemperatureFitOptions {
  /** Rows with this label are left out (default -100). */
  ignoreIndex?: number;
  /** Width in ln T at which the search stops (default 1e-9: T to 5e-10 relative). */
  tolerance?: number;
}

export interface TemperatureFit {
  /**
   * 'fitted': T minimises the exact mean loss, to the tolerance. 'at-limit': the loss still falls
   * at T = e^-LIMIT or e^LIMIT (no finite minimiser in reach: every labelled row classified
   * correctly pushes T to 0). 'no-rows': no labelled ordinary row with K >= 2 (T changes nothing).
   * 'infinite-loss': some label sits on a -Infinity logit, the loss is +Infinity at every T.
   */
  status: 'fitted' | 'at-limit' | 'no-rows' | 'infinite-loss';
  /** The fitted T (1 unless fitted or at the limit). */
  temperature: number;
  /** Labelled ordinary rows the loss is averaged over. */
  rows: number;
  lossBefore: number;
  lossAfter: number;
  eceBefore: number;
  eceAfter: number;
  /** Passes over the rows spent by the search. */
  evaluations: number;
}

/** The search stays within T in [e^-LIMIT, e^LIMIT] = [6.1e-6, 1.6e5]. */
export const TEMPERATURE_LOG_LIMIT = 12;
const GOLDEN = (Math.sqrt(5) - 1) / 2; // 0.618...

/**
 * The temperature T that minimises the exact mean loss (negative log-likelihood) of the labelled
 * rows at x / T.
 *
 * Why a golden-section search works: with beta = 1/T the mean loss is
 * f(beta) = mean_rows (LSE(beta x) - beta x_y), a sum of convex functions of beta (log-sum-exp
 * of a linear map, minus a linear term): convex. Any monotone change of variable keeps a convex
 * function unimodal, and the search runs in u = ln T (= -ln beta), where a fixed width is a fixed
 * relative precision of T. f is evaluated exactly (each row's loss L + delta_y as a
 * double-double, summed exactly, and totals compared exactly), so comparisons of f are reliable
 * far below the tolerance; a float64 mean could not tell T apart closer than about 1e-8
 * relative (f is flat at its minimum).
 *
 * The bracket: from u = 0 and 0.5, steps growing by the golden ratio go downhill until f rises
 * (then the minimiser of a unimodal f lies between the last three points), at most to |u| =
 * TEMPERATURE_LOG_LIMIT. Fitted temperatures are of order 1 (Guo et al. 2017 report 1 to 3;
 * MNIST's logits here give 0.455), found in a few steps; beyond the limit the search stops and
 * says so. Then
 * golden-section search shrinks the bracket by 0.618 per evaluation to a width of `tolerance`
 * (1e-9: about 45 steps, 51 passes in all on MNIST), and returns its midpoint.
 */
export function fitTemperature(source: LabelledRowSource, options: TemperatureFitOptions = {}): TemperatureFit {
  const ignoreIndex = options.ignoreIndex ?? DEFAULT_IGNORE_INDEX;
  const tolerance = options.tolerance ?? 1e-9;
  const row = new ExactRow();
  const loss = new ScaledDD();
  let evaluations = 0;
  let rows = 0;
  let infinite = false;
  /** Some labelled row's logit at its label is below the row's largest. */
  let anyBelowTop = false;

  /**
   * The exact total of the losses at T = e^u, over the labelled ordinary rows with K >= 2 (the
   * same rows at every T, so totals compare as means do). Kept exact: rounded to float64, the
   * mean would be flat to 1e-16 near its minimum and pin T down to only about 1e-8.
   */
  const f = (u: number): ExactTotal => {
    evaluations++;
    const temperature = Math.exp(u);
    const total: ExactTotal = [];
    rows = 0;
    source((x, length, y) => {
      if (y === ignoreIndex || length < 2 || !isOrdinary(x, length)) return;
      if (!(Number.isInteger(y) && y >= 0 && y < length)) throw new RangeError(`fitTemperature: label ${y} outside [0, ${length}) and not the ignore index ${ignoreIndex}`);
      row.compute(x, length, temperature);
      if (row.deltaHi[y] > 0) anyBelowTop = true;
      row.loss(y, loss);
      const hi = ldexp(loss.hi, loss.exp2);
      if (hi === Infinity) {
        infinite = true;
        return;
      }
      addExact(total, hi);
      addExact(total, ldexp(loss.lo, loss.exp2));
      rows++;
    });
    return total;
  };

  const figuresAt = (temperature: number) => {
    const accumulator = new CalibrationAccumulator({ dtypes: [], temperature, ignoreIndex });
    let index = 0;
    source((x, length, y) => accumulator.addRow(x, length, null, y, index++, 0));
    return calibrationFigures(accumulator.summary()).labels;
  };

  const finish = (status: TemperatureFit['status'], temperature: number): TemperatureFit => {
    const before = figuresAt(1);
    const after = temperature === 1 ? before : figuresAt(temperature);
    return {
      status,
      temperature,
      rows: before?.labelledRows ?? 0,
      lossBefore: before?.meanLoss ?? NaN,
      lossAfter: after?.meanLoss ?? NaN,
      eceBefore: before?.ece ?? NaN,
      eceAfter: after?.ece ?? NaN,
      evaluations,
    };
  };

  let a = 0;
  let fa = f(a);
  if (infinite) return finish('infinite-loss', 1);
  if (rows === 0) return finish('no-rows', 1);
  // Every label on a largest logit: each row's loss log(1 + sum e^(-delta_j / T)) falls towards
  // its infimum as T -> 0 and no T attains it (and the losses soon fall below 2^-1074, where
  // their float64 totals could no longer tell two temperatures apart).
  if (!anyBelowTop) return finish('at-limit', Math.exp(-TEMPERATURE_LOG_LIMIT));
  let b = 0.5;
  let fb = f(b);
  if (compare(fb, fa) > 0) {
    [a, b] = [b, a];
    [fa, fb] = [fb, fa];
  }
  // Downhill from a to b: step on until f rises.
  let c = b + (b - a) / GOLDEN;
  let fc = f(c);
  while (compare(fc, fb) < 0) {
    if (Math.abs(c) >= TEMPERATURE_LOG_LIMIT) return finish('at-limit', Math.exp(Math.sign(c) * TEMPERATURE_LOG_LIMIT));
    a = b;
    fa = fb;
    b = c;
    fb = fc;
    c = b + (b - a) / GOLDEN;
    if (Math.abs(c) > TEMPERATURE_LOG_LIMIT) c = Math.sign(c) * TEMPERATURE_LOG_LIMIT;
    fc = f(c);
  }
  let low = Math.min(a, c);
  let high = Math.max(a, c);
  let x1 = high - GOLDEN * (high - low);
  let x2 = low + GOLDEN * (high - low);
  let f1 = f(x1);
  let f2 = f(x2);
  while (high - low > tolerance) {
    if (compare(f1, f2) <= 0) {
      high = x2;
      x2 = x1;
      f2 = f1;
      x1 = high - GOLDEN * (high - low);
      f1 = f(x1);
    } else {
      low = x1;
      x1 = x2;
      f1 = f2;
      x2 = low + GOLDEN * (high - low);
      f2 = f(x2);
    }
  }
  return finish('fitted', Math.exp((low + high) / 2));
}

/** The sign of a - b, exactly. */
function compare(a: ExactTotal, b: ExactTotal): number {
  const difference = a.slice();
  for (const partial of b) addExact(difference, -partial);
  return Math.sign(exactValue(difference));
}
