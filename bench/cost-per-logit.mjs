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
//
// Then wide rows (issue 10): a 64 x 32,000 and a 23 x 131,072 float32 .npy, a 4,000 x 512 CSV
// and a 64 x 32,000 float16 .npy analysed with --dtype f16, written by bench/logit-files.mjs;
// --jobs 1 and --jobs 2 run alternately, BENCH_COST_WIDE_REPEATS times each (default 3); best
// and median wall time, peak RSS, and whether every report is identical byte for byte.
// --wide runs only these. BENCH_COST_BIN=path/to/bin/logitcheck.js measures another build.
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { OUT_DIR, describeMachine, kibToMB, loadAverages, measure, median, printMachine, requireBuild, stderrGist } from './measure.mjs';
import { writeLogitsCsv, writeLogitsNpy } from './logit-files.mjs';

/** Writes `rows` rows of K normal(0, 8) logits (the first `rows` of the stream for this K). */
const writeLogits = (path, k, rows) => writeLogitsCsv(path, { seed: SEED + k, rows, k, digits: DIGITS });

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
/** --wide: only the wide rows' --jobs 1 against --jobs 2 (below), not the K sweep. */
const WIDE_ONLY = process.argv.includes('--wide');
const WIDE_REPEATS = Number(process.env.BENCH_COST_WIDE_REPEATS ?? 3);
/** The CLI to measure (another build's bin/logitcheck.js, to compare two builds on the same inputs). */
const BIN = process.env.BENCH_COST_BIN ?? 'bin/logitcheck.js';
const MANIFEST = join(OUT_DIR, 'k-files.json');

requireBuild();
const started = process.hrtime.bigint();
const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;

const analyzeArgs = (file, jobs, extra = []) => [BIN, 'analyze', file, ...extra, ...(jobs ? ['--jobs', String(jobs)] : []), '--format', 'json'];

/** One measured run, checked: exit 0 and a report of the expected number of rows. */
async function run(file, rows, jobs, extra = [], stdoutFile = join(OUT_DIR, 'cost-per-logit.out.json')) {
  const result = await measure('node', analyzeArgs(file, jobs, extra), { stdoutFile, timeoutSeconds: RUN_TIMEOUT_SECONDS });
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
for (const k of WIDE_ONLY ? [] : KS) {
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
      /** The cores other processes kept busy during that run. */
      othersCores: best.othersCpuSeconds / best.wallSeconds,
      problem: best.problem,
    };
    const f = figures[name];
    console.log(`K ${k} ${name === 'jobs1' ? '--jobs 1' : `--jobs ${availableParallelism()} (default)`}: ${f.wallSeconds.toFixed(2)} s, ${f.nsPerLogit.toFixed(0)} ns/logit, ${f.peakRssMB.toFixed(0)} MB, other processes ${f.othersCores.toFixed(2)} cores, load ${f.load1AtEnd.toFixed(1)}${f.problem ? `  FAILED: ${f.problem}` : ''}`);
  }
  results.push(figures);
}

if (results.length > 0) {
  const rowsOut = [
    ['K', 'rows', 'logits', 'jobs 1: wall', 'ns/logit', 'peak RSS', `jobs ${availableParallelism()}: wall`, 'ns/logit', 'peak RSS', 'others (max)'],
    ...results.map((r) =>
      r.skipped
        ? [String(r.k), 'skipped', '', '', '', '', '', '', '', '']
        : [
            String(r.k),
            String(r.rows) + (r.note ? '*' : ''),
            String(r.logits),
            ...[r.jobs1, r.jobsDefault].flatMap((f) =>
              f.problem ? ['FAILED', '', ''] : [`${f.wallSeconds.toFixed(2)} s`, f.nsPerLogit.toFixed(0), `${f.peakRssMB.toFixed(0)} MB`],
            ),
            Math.max(r.jobs1.othersCores, r.jobsDefault.othersCores).toFixed(2),
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
}

// Wide rows (issue 10): --jobs 1 against --jobs 2 on rows of 512 to 131,072 logits, run
// alternately (which goes first alternates too), WIDE_REPEATS times each; the reports must be
// identical byte for byte. Goal: --jobs 2 at most 0.6x the time of --jobs 1 (two cores).
const WIDE = [
  { label: '64 x 32,000 float32 .npy', name: 'wide-64x32000-f32.npy', rows: 64, k: 32000, dtype: 'float32', seed: SEED + 32000 },
  { label: '23 x 131,072 float32 .npy', name: 'wide-23x131072-f32.npy', rows: 23, k: 131072, dtype: 'float32', seed: SEED + 131072 },
  { label: '4,000 x 512 CSV', name: 'wide-4000x512.csv', rows: 4000, k: 512, seed: SEED + 512 },
  { label: '64 x 32,000 float16 .npy, --dtype f16', name: 'wide-64x32000-f16.npy', rows: 64, k: 32000, dtype: 'float16', seed: SEED + 16, extra: ['--dtype', 'f16'] },
];
const WIDE_GOAL = 0.6;
const wideResults = [];
console.log(`\nwide rows: --jobs 1 against --jobs 2, alternating, ${WIDE_REPEATS} runs each; load averages now ${loadAverages()}`);
for (const input of WIDE) {
  const path = join(OUT_DIR, input.name);
  const key = `wide:${input.name}`;
  const spec = { rows: input.rows, k: input.k, seed: input.seed, dtype: input.dtype ?? `csv, ${DIGITS} digits` };
  const known = manifest[key];
  const reusable = known && JSON.stringify(known.spec) === JSON.stringify(spec) && existsSync(path) && statSync(path).size === known.bytes;
  if (!reusable) {
    const bytes = input.dtype
      ? writeLogitsNpy(path, { seed: input.seed, rows: input.rows, k: input.k, dtype: input.dtype })
      : writeLogitsCsv(path, { seed: input.seed, rows: input.rows, k: input.k, digits: DIGITS });
    manifest[key] = { spec, bytes };
    writeFileSync(MANIFEST, JSON.stringify(manifest, null, 2) + '\n');
    console.log(`wrote bench/out/${input.name} (${(bytes / 1e6).toFixed(1)} MB)`);
  }
  const runs = { 1: [], 2: [] };
  let expected;
  let problem;
  for (let rep = 0; rep < WIDE_REPEATS && problem === undefined; rep++) {
    for (const jobs of rep % 2 === 0 ? [1, 2] : [2, 1]) {
      const stdoutFile = join(OUT_DIR, `wide.jobs${jobs}.json`);
      const measured = await run(`bench/out/${input.name}`, input.rows, jobs, input.extra, stdoutFile);
      if (!measured.ok) {
        problem = `--jobs ${jobs}: ${measured.problem}`;
        break;
      }
      const report = readFileSync(stdoutFile);
      expected ??= report;
      if (!report.equals(expected)) problem = `--jobs ${jobs} run ${rep + 1}: the report differs from the first run's`;
      runs[jobs].push(measured);
      console.log(
        `${input.label} --jobs ${jobs}: ${measured.wallSeconds.toFixed(2)} s, CPU ${measured.cpuSeconds.toFixed(2)} s, ${kibToMB(measured.maxRssKiB).toFixed(0)} MB; ` +
          `other processes' CPU meanwhile ${measured.othersCpuSeconds.toFixed(2)} s, load ${measured.load1.toFixed(1)}`,
      );
    }
  }
  const figures = (list) => ({
    best: Math.min(...list.map((m) => m.wallSeconds)),
    median: median(list.map((m) => m.wallSeconds)),
    medianCpu: median(list.map((m) => m.cpuSeconds)),
    peakRssMB: kibToMB(Math.max(...list.map((m) => m.maxRssKiB))),
    /** Per run: the cores other processes kept busy while it ran (their CPU seconds / its wall time). */
    othersCores: list.map((m) => m.othersCpuSeconds / m.wallSeconds),
    load1AtEnd: list.map((m) => m.load1),
  });
  const result = { label: input.label, file: `bench/out/${input.name}`, args: input.extra ?? [], problem };
  if (runs[1].length > 0 && runs[2].length > 0) {
    Object.assign(result, { jobs1: figures(runs[1]), jobs2: figures(runs[2]) });
    result.ratioBest = result.jobs2.best / result.jobs1.best;
    result.ratioMedian = result.jobs2.median / result.jobs1.median;
  }
  wideResults.push(result);
}
if (wideResults.length > 0) {
  const cells = [
    ['input', 'jobs 1: best', 'median', 'CPU', 'peak RSS', 'jobs 2: best', 'median', 'CPU', 'peak RSS', 'best 2/1', 'median 2/1', 'others (max)'],
    ...wideResults.map((r) =>
      r.jobs1
        ? [
            r.label,
            ...[r.jobs1, r.jobs2].flatMap((f) => [`${f.best.toFixed(2)} s`, `${f.median.toFixed(2)} s`, `${f.medianCpu.toFixed(2)} s`, `${f.peakRssMB.toFixed(0)} MB`]),
            `${r.ratioBest.toFixed(2)}x`,
            `${r.ratioMedian.toFixed(2)}x`,
            `${Math.max(...r.jobs1.othersCores, ...r.jobs2.othersCores).toFixed(2)}`,
          ]
        : [r.label, 'FAILED', '', '', '', '', '', '', '', '', '', ''],
    ),
  ];
  const widths = cells[0].map((_, i) => Math.max(...cells.map((row) => row[i].length)));
  console.log('');
  for (const [i, row] of cells.entries()) {
    console.log(row.map((cell, j) => (j === 0 ? cell.padEnd(widths[j]) : cell.padStart(widths[j]))).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  console.log("CPU: median user + system seconds of the command; others (max): the most cores other processes kept busy during one run (CPU seconds / wall time)");
  for (const r of wideResults) {
    if (r.problem) console.log(`${r.label}: FAILED: ${r.problem}`);
    else console.log(`${r.label}: --jobs 2 <= ${WIDE_GOAL}x --jobs 1 (best): ${r.ratioBest <= WIDE_GOAL ? 'PASS' : 'FAIL'} (${r.ratioBest.toFixed(2)}x); reports identical: yes`);
  }
}
const loadAfter = loadAverages();
console.log(`\ntotal ${elapsed().toFixed(0)} s; load averages before: ${loadBefore}; after: ${loadAfter} (1, 5, 15 min; ${availableParallelism()} cores)`);
writeFileSync(
  join(OUT_DIR, 'cost-per-logit-results.json'),
  JSON.stringify({ machine, loadBefore, loadAfter, startupSeconds, repeats: REPEATS, results, wideRepeats: WIDE_REPEATS, wide: wideResults }, null, 2) + '\n',
);
console.log('figures written to bench/out/cost-per-logit-results.json');
process.exitCode = results.some((r) => r.jobs1?.problem || r.jobsDefault?.problem) || wideResults.some((r) => r.problem) ? 1 : 0;
