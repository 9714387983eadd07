import type { ResultReport } from './report.js';

/**
 * The colour of a cell in the verdict matrix: what a reader should take from it at a glance.
 * - fail: an output the user cannot use: NaN or Infinity where the exact value is finite, an
 *   output off by a factor of 2 or more where it matters (wrong.factor2: a probability of normal
 *   size at least twice or at most half its exact value; a log-probability or log-sum-exp off by
 *   ln 2 or more, so the probability it stands for is off by a factor of 2), softmax outputs
 *   whose sum is off from 1 by more than 1/2, a changed argmax, or an overflow (the thing people
 *   run these checks for, even when a later operation hides it), or (gradient) rows whose whole
 *   computed gradient is 0 while the exact one is not: a training step that learns nothing.
 * - warn: finite but degraded: probabilities (or losses, gradient elements) flushed to 0 that should not be, or results more
 *   than WARN_BITS bits of error off (4 bits: beyond 15 ulps, far more than a few roundings explain).
 * - ok: everything else.
 */
export type Verdict = 'ok' | 'warn' | 'fail';

export const WARN_BITS = 4;
/** softmax outputs whose sum is further than this from 1 are not a distribution any more. */
export const FAIL_SUM_DEVIATION = 0.5;

export function verdictOf(result: ResultReport): Verdict {
  if (result.wrong.nan > 0 || result.wrong.inf > 0 || result.wrong.factor2 > 0 || result.flags.overflow > 0 || (result.softmax?.argmaxFlips ?? 0) > 0 || (result.gradient?.vanishing ?? 0) > 0) return 'fail';
  if ((result.softmax?.maxSumDev ?? 0) > FAIL_SUM_DEVIATION) return 'fail';
  if (result.wrong.zero > 0 || (result.errors.maxBits ?? 0) > WARN_BITS) return 'warn';
  return 'ok';
}

/** How many results of a report have each verdict: what a title says when no check was requested. */
export function verdictCounts(inputs: ReadonlyArray<{ results: ReadonlyArray<{ verdict: Verdict }> }>): Record<Verdict, number> {
  const counts: Record<Verdict, number> = { ok: 0, warn: 0, fail: 0 };
  for (const input of inputs) for (const result of input.results) counts[result.verdict]++;
  return counts;
}
