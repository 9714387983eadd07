#!/usr/bin/env node
// npm run bench: the numerics core's cost per logit, on one core (this process, no workers).
// Input: rows of normal(0, 8) logits, K = 100, every 97th row scaled by 20 and every 113th row's
// first logit set to 1000 (the mix of the scale benchmark), from a fixed seed.
import { Analysis } from '../dist/metrics/analysis.js';
import { FormatKernel } from '../dist/algorithms/kernel.js';
import { RESULT_KINDS } from '../dist/algorithms/names.js';
import { DTYPES, FORMATS } from '../dist/formats/index.js';
import { ReferenceRow } from '../dist/reference/index.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 20000);
const K = Number(process.env.BENCH_K ?? 100);
const REPEATS = 3;

function makeRows(rows, k) {
  let seed = 12345;
  const uniform = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return (seed + 0.5) / 2147483648;
  };
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const data = [];
  for (let r = 0; r < rows; r++) {
    const row = new Float64Array(k);
    for (let j = 0; j < k; j++) row[j] = normal() * 8 * (r % 97 === 0 ? 20 : 1);
    if (r % 113 === 0) row[0] = 1000;
    data.push(row);
  }
  return data;
}

function best(fn) {
  let bestSeconds = Infinity;
  for (let i = 0; i < REPEATS; i++) {
    const start = process.hrtime.bigint();
    fn();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    bestSeconds = Math.min(bestSeconds, seconds);
  }
  return bestSeconds;
}

const rows = makeRows(ROWS, K);
const logits = ROWS * K;
const nsPerLogit = (seconds) => ((seconds * 1e9) / logits).toFixed(1);
const everything = RESULT_KINDS.map((kind) => ({ function: kind.function, algorithm: kind.algorithm }));

const lines = [];
const full = best(() => {
  const analysis = new Analysis({ dtypes: DTYPES, results: everything });
  rows.forEach((row, i) => analysis.addRow(row, K, i, i + 2));
  analysis.summary();
});
lines.push(['full default matrix (3 functions x 4 dtypes x all algorithms + reference + metrics)', nsPerLogit(full)]);

for (const dtype of DTYPES) {
  const kernel = new FormatKernel(FORMATS[dtype]);
  const cast = rows.map((row) => row.map((v) => FORMATS[dtype].round(v)));
  const seconds = best(() => cast.forEach((row) => kernel.run(row, K)));
  lines.push([`  algorithms only, ${dtype} (all 14 results)`, nsPerLogit(seconds)]);
}
const reference = new ReferenceRow();
const referenceSeconds = best(() => rows.forEach((row) => reference.compute(row, K)));
lines.push(['  reference only, one cast row (double-double)', nsPerLogit(referenceSeconds)]);

const anchorSelection = {
  dtypes: ['float32', 'float64'],
  results: ['softmax', 'log-softmax'].flatMap((fn) => ['naive', 'max-shift'].map((algorithm) => ({ function: fn, algorithm }))),
};
const anchor = best(() => {
  const analysis = new Analysis(anchorSelection);
  rows.forEach((row, i) => analysis.addRow(row, K, i, i + 2));
});
lines.push(["numpy anchor's selection (f32,f64 x softmax,log-softmax x naive,max-shift)", nsPerLogit(anchor)]);

console.log(`logitcheck core benchmark: ${ROWS} rows x ${K} classes, best of ${REPEATS}, one core, node ${process.version}`);
const width = Math.max(...lines.map(([label]) => label.length));
for (const [label, value] of lines) console.log(`${label.padEnd(width)}  ${value.padStart(8)} ns/logit`);
