#!/usr/bin/env node
// Number parsing throughput: `npm run build && node bench/parse.js` (not a test).
//
// Input, generated in memory from a fixed seed: a CSV with a header and 200,000 rows x 100
// normal(0, 8) logits written with 9 significant digits (toPrecision(9), what a float32 needs to
// round-trip), about 230 MB. Measures, best of 3 (the machine may be busy; run it twice and keep
// the best):
//   (a) the whole reading pipeline on it: readRows over 64 KiB byte chunks (UTF-8 decoding,
//       tokenizing, parsing, batching; what `logitcheck file.csv` does) and readAllRows on the
//       whole string;
//   (b) the bare number parser on the same tokens: Number() (no syntax check), parseLogit (the
//       token parser the readers use) and, when built, parseDecimal on a slice of the text.
// BENCH_ROWS and BENCH_K change the size.
import { readAllRows, readRows } from '../dist/input/open/open-rows.js';
import { parseLogit } from '../dist/input/text/number-token.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 200_000);
const K = Number(process.env.BENCH_K ?? 100);
const REPEATS = 3;
/** Tokens in the bare-parser measurements (an array of 20M strings would measure the GC). */
const BARE_TOKENS = Math.min(2_000_000, ROWS * K);

let fastNumber;
try {
  fastNumber = await import('../dist/input/text/fast-number.js');
} catch {
  fastNumber = undefined; // before the fast parser existed
}

function makeCsv(rows, k) {
  let seed = 12345;
  const uniform = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return (seed + 0.5) / 2147483648;
  };
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const header = Array.from({ length: k }, (_, j) => `logit_${j}`).join(',');
  const lines = [header];
  const tokens = [];
  for (let r = 0; r < rows; r++) {
    const fields = new Array(k);
    for (let j = 0; j < k; j++) {
      fields[j] = (normal() * 8).toPrecision(9);
      if (tokens.length < BARE_TOKENS) tokens.push(fields[j]);
    }
    lines.push(fields.join(','));
  }
  return { text: lines.join('\n') + '\n', tokens };
}

async function best(fn) {
  let bestSeconds = Infinity;
  let result;
  for (let i = 0; i < REPEATS; i++) {
    const start = process.hrtime.bigint();
    result = await fn();
    bestSeconds = Math.min(bestSeconds, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return { seconds: bestSeconds, result };
}

const { text, tokens } = makeCsv(ROWS, K);
const bytes = Buffer.from(text, 'latin1'); // ASCII: one byte per character
const mb = bytes.length / 1e6;
const logits = ROWS * K;
const report = (label, seconds, count, size) => {
  const rate = size === undefined ? '' : `${(size / seconds).toFixed(1).padStart(7)} MB/s  `;
  console.log(`${label.padEnd(48)} ${rate}${((seconds * 1e9) / count).toFixed(1).padStart(6)} ns/number`);
};

console.log(`${ROWS} rows x ${K} logits, toPrecision(9): ${mb.toFixed(1)} MB, ${logits} numbers; node ${process.version}`);

// (a) the pipeline
const CHUNK = 64 * 1024;
async function* chunks() {
  for (let start = 0; start < bytes.length; start += CHUNK) yield bytes.subarray(start, start + CHUNK);
}
const streamed = await best(async () => {
  let count = 0;
  let sum = 0;
  for await (const batch of readRows('bench.csv', chunks(), {})) {
    for (const row of batch) {
      count += row.values.length;
      sum += row.values[0];
    }
  }
  return { count, sum };
});
if (streamed.result.count !== logits) throw new Error(`read ${streamed.result.count} numbers, expected ${logits}`);
report('pipeline: readRows, 64 KiB byte chunks', streamed.seconds, logits, mb);

const whole = await best(async () => {
  const { rows } = await readAllRows('bench.csv', text);
  return rows.length;
});
if (whole.result !== ROWS) throw new Error(`read ${whole.result} rows, expected ${ROWS}`);
report('pipeline: readAllRows, one string', whole.seconds, logits, mb);

// (b) the bare parsers, on BARE_TOKENS tokens
const tokenChars = tokens.reduce((sum, token) => sum + token.length + 1, 0) / 1e6;
const joined = tokens.join(',');
const starts = new Int32Array(tokens.length);
const ends = new Int32Array(tokens.length);
for (let i = 0, at = 0; i < tokens.length; i++) {
  starts[i] = at;
  ends[i] = at + tokens[i].length;
  at = ends[i] + 1;
}
let expected = 0;
for (const token of tokens) expected += Number(token);

const bare = [
  ['bare: Number(token), no syntax check', () => {
    let sum = 0;
    for (let i = 0; i < tokens.length; i++) sum += Number(tokens[i]);
    return sum;
  }],
  ['bare: parseLogit(token)', () => {
    let sum = 0;
    for (let i = 0; i < tokens.length; i++) sum += parseLogit(tokens[i]);
    return sum;
  }],
];
if (fastNumber !== undefined) {
  const { parseDecimal } = fastNumber;
  bare.push(
    ['bare: parseDecimal(token, 0, length)', () => {
      let sum = 0;
      for (let i = 0; i < tokens.length; i++) sum += parseDecimal(tokens[i], 0, tokens[i].length);
      return sum;
    }],
    ['bare: parseDecimal(text, start, end), no slices', () => {
      let sum = 0;
      for (let i = 0; i < starts.length; i++) sum += parseDecimal(joined, starts[i], ends[i]);
      return sum;
    }],
  );
}
for (const [label, fn] of bare) {
  const { seconds, result } = await best(fn);
  if (!Object.is(result, expected)) throw new Error(`${label}: sum ${result}, expected ${expected}`);
  report(label, seconds, tokens.length, tokenChars);
}
