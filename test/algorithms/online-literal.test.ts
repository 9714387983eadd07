import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { addFlags, expFlags, logFlags, mulFlags } from '../../src/algorithms/flags.js';
import { FormatKernel } from '../../src/algorithms/kernel.js';
import { R } from '../../src/algorithms/names.js';
import { DTYPES, FORMATS, type Format } from '../../src/formats/index.js';

/**
 * The online recurrence exactly as SPEC section 4 writes it, every operation rounded and its
 * flags taken, with none of the kernel's shortcuts (the kernel skips the steps whose outcome is
 * known: exp(0) = 1, D * 1 = D, and past the first maximum a plain sum).
 */
function literalOnline(format: Format, x: number[]): { lse: number; flags: number; denominator: number } {
  const minNormal = format.minNormal;
  let runningMax = -Infinity;
  let denominator = 0;
  let flags = 0;
  for (const xj of x) {
    const nextMax = Math.max(runningMax, xj);
    const rescaleExponent = format.round(runningMax - nextMax);
    const rescale = format.round(Math.exp(rescaleExponent));
    const rescaled = format.round(denominator * rescale);
    const termExponent = format.round(xj - nextMax);
    const term = format.round(Math.exp(termExponent));
    const next = format.round(rescaled + term);
    flags |=
      addFlags(runningMax, nextMax, rescaleExponent, minNormal) |
      expFlags(rescaleExponent, rescale, minNormal) |
      mulFlags(denominator, rescale, rescaled, minNormal) |
      addFlags(xj, nextMax, termExponent, minNormal) |
      expFlags(termExponent, term, minNormal) |
      addFlags(rescaled, term, next, minNormal);
    denominator = next;
    runningMax = nextMax;
  }
  const logDenominator = format.round(Math.log(denominator));
  const lse = format.round(runningMax + logDenominator);
  flags |= logFlags(denominator, logDenominator, minNormal) | addFlags(runningMax, logDenominator, lse, minNormal);
  return { lse, flags, denominator };
}

// Rows that exercise every branch: a running maximum that moves several times before the
// first maximum, ties with it, -Infinity before and after it (causal masks), fully masked rows,
// and spreads wide enough that exp underflows in every format.
const logit = fc.oneof(
  fc.integer({ min: -12, max: 12 }),
  fc.double({ min: -120, max: 120, noNaN: true }),
  fc.constantFrom(-Infinity, 0, 11, 88, -200, 1e-6, -1e-40),
);
const row = fc.oneof(
  fc.array(logit, { minLength: 1, maxLength: 40 }),
  // Fully masked rows of every length, which random logits seldom make.
  fc.integer({ min: 1, max: 8 }).map((length) => new Array<number>(length).fill(-Infinity)),
);

describe('online, against the literal recurrence', () => {
  test.each(DTYPES.map((dtype) => ({ dtype })))('$dtype: log-sum-exp values and flags, softmax values', ({ dtype }) => {
    const format = FORMATS[dtype];
    const kernel = new FormatKernel(format);
    fc.assert(
      fc.property(row, (values) => {
        const x = values.map((v) => format.round(v));
        kernel.run(Float64Array.from(x), x.length);
        const literal = literalOnline(format, x);
        expect(Object.is(kernel.outputs[R.logsumexpOnline][0], literal.lse) || (Number.isNaN(literal.lse) && Number.isNaN(kernel.outputs[R.logsumexpOnline][0]))).toBe(true);
        expect(kernel.flags[R.logsumexpOnline]).toBe(literal.flags);
        // softmax_i = t_i / D with t_i = exp(x_i - m), each rounded.
        const m = Math.max(...x);
        for (let i = 0; i < x.length; i++) {
          const t = format.round(Math.exp(format.round(x[i] - m)));
          const expected = format.round(t / literal.denominator);
          const got = kernel.outputs[R.softmaxOnline][i];
          expect(got === expected || (Number.isNaN(got) && Number.isNaN(expected))).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
