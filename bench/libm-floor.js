#!/usr/bin/env node
// The floor under the analysis: what V8's Math.exp and Math.log cost per call on this machine,
// and so what the libm calls alone of the default matrix cost per logit, before any rounding,
// flag, reference or metric. bench/README.md uses it to say which speed goals can be reached.
//
// Calls per logit and format in the kernels (src/algorithms/kernel.ts), all 14 results:
//   exp: naive exp(x_i), max-shift's exp(x_i - m), exp-lse's exp(x_i - LSE), and online's
//        exp(x_j - M_j) before the first maximum (half the row on average): 3.5
//   log: naive log-softmax log(p_i), log-of-softmax log(p_i): 2
// Four formats: 14 exp and 8 log calls per logit.
const N = 1 << 20;
const REPEATS = 7;
const x = new Float64Array(N);
const out = new Float64Array(N);
let seed = 20261128;
for (let i = 0; i < N; i++) {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  x[i] = -40 * (seed / 2147483648); // the range of x_i - m for normal(0, 8) logits
}

function perCall(body) {
  let best = Infinity;
  for (let r = 0; r < REPEATS; r++) {
    const start = process.hrtime.bigint();
    body();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / N);
  }
  return best;
}

const exp = perCall(() => {
  for (let i = 0; i < N; i++) out[i] = Math.exp(x[i]);
});
const log = perCall(() => {
  for (let i = 0; i < N; i++) out[i] = Math.log(1 - x[i]);
});
const copy = perCall(() => {
  for (let i = 0; i < N; i++) out[i] = 1 - x[i];
});
const EXP_CALLS = 4 * 3.5;
const LOG_CALLS = 4 * 2;
const floor = EXP_CALLS * exp + LOG_CALLS * log;

console.log(`libm floor, node ${process.version}, best of ${REPEATS} over ${N} calls`);
console.log(`Math.exp            ${exp.toFixed(2).padStart(6)} ns/call`);
console.log(`Math.log            ${log.toFixed(2).padStart(6)} ns/call`);
console.log(`(the loop alone)    ${copy.toFixed(2).padStart(6)} ns/element`);
console.log(`default matrix: ${EXP_CALLS} exp + ${LOG_CALLS} log calls per logit = ${floor.toFixed(0)} ns/logit on one core`);
console.log(`200,000 x 100 logits on 2 cores, libm calls alone: ${((floor * 2e7) / 2 / 1e9).toFixed(2)} s`);
