import type { ResultReport } from './report.js';

/**
 * The colour of a cell in the verdict matrix: what a reader should take from it at a glance.
 * - fail: the algorithm produced NaN or Infinity where the exact value is finite, changed the
 *   argmax, or overflowed (an overflow is the thing people run these checks for, even when a
 *   later operation hides it).
 * - warn: finite but degraded: probabilities flushed to 0 that should not be, or results more
 *   than WARN_BITS bits of error off (4 bits: beyond 15 ulps, far more than a few roundings explain).
 * - ok: everything else.
 */
export type Verdict = 'ok' | 'warn' | 'fail';

export const WARN_BITS = 4;

export function verdictOf(result: ResultReport): Verdict {
  if (result.wrong.nan > 0 || result.wrong.inf > 0 || result.flags.overflow > 0 || (result.softmax?.argmaxFlips ?? 0) > 0) return 'fail';
  if (result.wrong.zero > 0 || (result.errors.maxBits ?? 0) > WARN_BITS) return 'warn';
  return 'ok';
}

/** How many results of a report have each verdict: what a title says when no check was requested. */
export function verdictCounts(inputs: ReadonlyArray<{ results: ReadonlyArray<{ verdict: Verdict }> }>): Record<Verdict, number> {
  const counts: Record<Verdict, number> = { ok: 0, warn: 0, fail: 0 };
  for (const input of inputs) for (const result of input.results) counts[result.verdict]++;
  return counts;
}
