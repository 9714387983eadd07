#!/usr/bin/env node
// Cost per logit of `logitcheck analyze` (default selection: every dtype, function and algorithm)
// as the row length K grows, with --jobs 1 and with the default --jobs (all cores).
// Run after `npm run build`. See bench/README.md.
//
// Inputs: bench/out/k-K.csv for K = 2, 8, ..., 131072: normal(0, 8) logits from a seeded PRNG
// (mulberry32, seed 20261128 + K, Box-Muller), written with 6 significant digits under a header
// line, round(3,000,000 / K) rows each (about 3 million logits). Each file is written once and
// reused while its size matches bench/out/k-files.json; --force rewrites them.
//
// When a file is first written, a probe (its first tenth, --jobs 1) estimates the time of a full
// run; a K whose estimate exceeds BENCH_COST_RUN_CAP seconds (default 40) gets fewer rows, and the
// table says so. Figures: wall time of the whole command (start-up, parsing, analysis, report)
// divided by the number of logits, best of BENCH_COST_REPEATS runs (default 1), and peak RSS.
// The fixed cost of one run (start-up on a 1-row file) is shown separately, not subtracted.
import { closeSync, existsSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { OUT_DIR, describeMachine, kibToMB, loadAverages, measure, printMachine, requireBuild, stderrGist } from './measure.mjs';

const KS = [2, 8, 32, 128, 512, 2048, 8192, 32768, 131072];
const TARGET_LOGITS = Number(process.env.BENCH_COST_LOGITS ?? 3_000_000);
const REPEATS = Number(process.env.BENCH_COST_REPEATS ?? 1);
const RUN_CAP_SECONDS = Number(process.env.BENCH_COST_RUN_CAP ?? 40);
/** Past this, the remaining runs are skipped (the script should stay under ~10 minutes). */
const BUDGET_SECONDS = Number(process.env.BENCH_COST_BUDGET ?? 540);
const RUN_TIMEOUT_SECONDS = 300;
const SEED = 20261128;
const DIGITS = 6;
const FORCE = process.argv.includes('--force');
const MANIFEST = join(OUT_DIR, 'k-files.json');

requireBuild();
const started = process.hrtime.bigint();
const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296; // in (0, 1): log() is finite
  };
}

/** Writes `rows` rows of K normal(0, 8) logits (the first `rows` of the stream for this K). */
function writeLogits(path, k, rows) {
  const uniform = mulberry32(SEED + k);
  let spare = NaN;
  const normal = () => {
    if (!Number.isNaN(spare)) {
      const v = spare;
      spare = NaN;
      return v;
    }
    const radius = Math.sqrt(-2 * Math.log(uniform()));
    const angle = 2 * Math.PI * uniform();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, Array.from({ length: k }, (_, j) => `c${j}`).join(',') + '\n');
    const fields = new Array(k);
    let pending = [];
    let pendingChars = 0;
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < k; j++) fields[j] = (normal() * 8).toPrecision(DIGITS);
      const line = fields.join(',') + '\n';
      pending.push(line);
      pendingChars += line.length;
      if (pendingChars > 4_000_000) {
        writeSync(fd, pending.join(''));
        pending = [];
        pendingChars = 0;
      }
    }
    writeSync(fd, pending.join(''));
  } finally {
    closeSync(fd);
  }
  return statSync(path).size;
}

const analyzeArgs = (file, jobs) => ['bin/logitcheck.js', 'analyze', file, ...(jobs ? ['--jobs', String(jobs)] : []), '--format', 'json'];

/** One measured run, checked: exit 0 and a report of the expected number of rows. */
async function run(file, rows, jobs) {
  const stdoutFile = join(OUT_DIR, 'cost-per-logit.out.json');
  const result = await measure('node', analyzeArgs(file, jobs), { stdoutFile, timeoutSeconds: RUN_TIMEOUT_SECONDS });
  let reportedRows;
  try {
    reportedRows = JSON.parse(readFileSync(stdoutFile, 'utf8')).inputs?.[0]?.rows;
  } catch {
    reportedRows = undefined;
  }
  const ok = result.status === 0 && reportedRows === rows && !result.timedOut;
  const problem = ok
    ? undefined
    : result.timedOut
      ? `stopped after ${RUN_TIMEOUT_SECONDS} s`
      : `exit ${result.status ?? result.signal}, rows ${reportedRows ?? 'no report'}: ${stderrGist(result.stderr)}`;
  return { ...result, ok, problem };
}

const manifest = !FORCE && existsSync(MANIFEST) ? JSON.parse(readFileSync(MANIFEST, 'utf8')) : {};
const machine = describeMachine();
const loadBefore = loadAverages();
console.log(`cost per logit of analyze (default selection), K = ${KS.join(', ')}; ~${TARGET_LOGITS} logits per input; best of ${REPEATS}`);
printMachine(machine);
console.log(`load averages before (1, 5, 15 min): ${loadBefore}; default --jobs = ${availableParallelism()}`);

// The fixed cost of one run: start-up, reading a 1-row file, an empty-ish report.
const tinyFile = 'bench/out/k-startup.csv';
writeLogits(join(OUT_DIR, 'k-startup.csv'), 2, 1);
let startupSeconds = Infinity;
for (let i = 0; i < 3; i++) startupSeconds = Math.min(startupSeconds, (await run(tinyFile, 1, 1)).wallSeconds);
console.log(`fixed cost of one run (1 row, K = 2, --jobs 1): ${startupSeconds.toFixed(2)} s (included in the figures below)\n`);

const results = [];
for (const k of KS) {
  const file = `bench/out/k-${k}.csv`;
  const path = join(OUT_DIR, `k-${k}.csv`);
  const fullRows = Math.max(1, Math.round(TARGET_LOGITS / k));
  let entry = manifest[k];
  const reusable = entry && entry.seed === SEED + k && entry.digits === DIGITS && entry.fullRows === fullRows
    && existsSync(path) && statSync(path).size === entry.bytes;
  if (elapsed() > BUDGET_SECONDS) {
    results.push({ k, skipped: `time budget of ${BUDGET_SECONDS} s used up` });
    console.log(`K ${k}: skipped, the time budget of ${BUDGET_SECONDS} s is used up`);
    continue;
  }
  if (!reusable) {
    const generateStart = process.hrtime.bigint();
    let rows = fullRows;
    let note;
    const probeRows = Math.max(1, Math.ceil(fullRows / 10));
    const probePath = join(OUT_DIR, `k-${k}.probe.csv`);
    writeLogits(probePath, k, probeRows);
    const probe = await run(`bench/out/k-${k}.probe.csv`, probeRows, 1);
    rmSync(probePath, { force: true });
    const estimate = probe.ok ? (probe.wallSeconds * fullRows) / probeRows : Infinity;
    if (estimate > RUN_CAP_SECONDS) {
      rows = probe.ok ? Math.max(1, Math.floor((fullRows * RUN_CAP_SECONDS) / estimate)) : probeRows;
      note = probe.ok
        ? `${rows} rows instead of ${fullRows}: a full run was estimated at ${estimate.toFixed(0)} s (--jobs 1)`
        : `probe failed (${probe.problem}); ${rows} rows`;
    }
    const bytes = writeLogits(path, k, rows);
    entry = manifest[k] = { rows, fullRows, bytes, seed: SEED + k, digits: DIGITS, note };
    writeFileSync(MANIFEST, JSON.stringify(manifest, null, 2) + '\n');
    const generated = Number(process.hrtime.bigint() - generateStart) / 1e9;
    console.log(`K ${k}: wrote ${file} (${rows} rows, ${(bytes / 1e6).toFixed(1)} MB) with its probe in ${generated.toFixed(1)} s${note ? `; ${note}` : ''}`);
  }
  const logits = entry.rows * k;
  const figures = { k, rows: entry.rows, logits, note: entry.note };
  for (const [name, jobs] of [['jobs1', 1], ['jobsDefault', undefined]]) {
    let best;
    for (let rep = 0; rep < REPEATS; rep++) {
      const measured = await run(file, entry.rows, jobs);
      if (!measured.ok) {
        best = measured;
        break;
      }
      if (!best || measured.wallSeconds < best.wallSeconds) best = measured;
    }
    figures[name] = {
      wallSeconds: best.wallSeconds,
      nsPerLogit: best.ok ? (best.wallSeconds * 1e9) / logits : NaN,
      peakRssMB: kibToMB(best.maxRssKiB),
      load1AtEnd: best.load1,
      problem: best.problem,
    };
    const f = figures[name];
    console.log(`K ${k} ${name === 'jobs1' ? '--jobs 1' : `--jobs ${availableParallelism()} (default)`}: ${f.wallSeconds.toFixed(2)} s, ${f.nsPerLogit.toFixed(0)} ns/logit, ${f.peakRssMB.toFixed(0)} MB, load ${f.load1AtEnd.toFixed(1)}${f.problem ? `  FAILED: ${f.problem}` : ''}`);
  }
  results.push(figures);
}
const loadAfter = loadAverages();

const rowsOut = [
  ['K', 'rows', 'logits', 'jobs 1: wall', 'ns/logit', 'peak RSS', `jobs ${availableParallelism()}: wall`, 'ns/logit', 'peak RSS'],
  ...results.map((r) =>
    r.skipped
      ? [String(r.k), 'skipped', '', '', '', '', '', '', '']
      : [
          String(r.k),
          String(r.rows) + (r.note ? '*' : ''),
          String(r.logits),
          ...[r.jobs1, r.jobsDefault].flatMap((f) =>
            f.problem ? ['FAILED', '', ''] : [`${f.wallSeconds.toFixed(2)} s`, f.nsPerLogit.toFixed(0), `${f.peakRssMB.toFixed(0)} MB`],
          ),
        ],
  ),
];
const widths = rowsOut[0].map((_, i) => Math.max(...rowsOut.map((row) => row[i].length)));
console.log('');
for (const [i, row] of rowsOut.entries()) {
  console.log(row.map((cell, j) => cell.padStart(widths[j])).join('  '));
  if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}
for (const r of results) if (r.note) console.log(`* K ${r.k}: ${r.note}`);
for (const r of results) if (r.skipped) console.log(`K ${r.k} skipped: ${r.skipped}`);
for (const r of results) for (const f of [r.jobs1, r.jobsDefault]) if (f?.problem) console.log(`K ${r.k} failed: ${f.problem}`);
console.log(`\ntotal ${elapsed().toFixed(0)} s; load averages before: ${loadBefore}; after: ${loadAfter} (1, 5, 15 min; ${availableParallelism()} cores)`);
writeFileSync(
  join(OUT_DIR, 'cost-per-logit-results.json'),
  JSON.stringify({ machine, loadBefore, loadAfter, startupSeconds, repeats: REPEATS, results }, null, 2) + '\n',
);
console.log('figures written to bench/out/cost-per-logit-results.json');
process.exitCode = results.some((r) => r.jobs1?.problem || r.jobsDefault?.problem) ? 1 : 0;
