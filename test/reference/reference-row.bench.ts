// Speed of the oracle: `npx vitest bench test/reference --run`. Each case computes rows of
// K = 100 (or 1000) logits; ns per logit = the mean time per row (ms) * 1e6 / K.
// Typical rows take the double-double path; rows of log-probabilities (LSE near 0) take the
// BigInt path for LSE and are an order of magnitude slower; rows whose LSE is below 2^-960 sum
// their terms twice.
import { bench, describe } from 'vitest';
import { ReferenceRow } from '../../src/reference/index.js';

function uniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Rows of roughly normal float32 logits (sd 5, mean 2), optionally shifted to log-probabilities. */
function makeRows(count: number, K: number, logProbabilities: boolean, cast: (x: number) => number): Float64Array[] {
  const random = uniform(K * 31 + (logProbabilities ? 1 : 0));
  const rows: Float64Array[] = [];
  for (let r = 0; r < count; r++) {
    const x = new Float64Array(K);
    for (let j = 0; j < K; j++) x[j] = cast((random() + random() + random() + random() - 2) * 8.8 + 2);
    if (logProbabilities) {
      let max = -Infinity;
      for (const v of x) max = Math.max(max, v);
      let sum = 0;
      for (const v of x) sum += Math.exp(v - max);
      const lse = max + Math.log(sum);
      for (let j = 0; j < K; j++) x[j] = cast(x[j] - lse);
    }
    rows.push(x);
  }
  return rows;
}

const row = new ReferenceRow();
let next = 0;

function benchRows(name: string, rows: Float64Array[]): void {
  bench(name, () => {
    const x = rows[next++ % rows.length];
    row.compute(x, x.length);
  });
}

describe('ReferenceRow.compute', () => {
  benchRows('logits, K = 100', makeRows(256, 100, false, Math.fround));
  benchRows('logits, K = 1000', makeRows(64, 1000, false, Math.fround));
  benchRows('float32 log-probabilities, K = 100 (BigInt LSE)', makeRows(64, 100, true, Math.fround));
  benchRows('float64 log-probabilities, K = 100 (BigInt LSE)', makeRows(64, 100, true, (x) => x));
  // Every term but the maximum below 2^-900: s' is summed a second time in its own scale.
  benchRows(
    'rows with LSE below 2^-960 (max 0, the rest below -700), K = 100',
    makeRows(64, 100, false, Math.fround).map((x) => x.map((v, j) => (j === 7 ? 0 : -700 - Math.abs(v)))),
  );
});
