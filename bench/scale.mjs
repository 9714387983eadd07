#!/usr/bin/env node
// The scale benchmark: logitcheck against the numpy anchor on 200,000 rows x 100 classes.
// Run after `npm run build` (npm run bench does both). See bench/README.md.
//
// Input: bench/out/scale.csv (230 MB) and bench/out/scale.npy (float32), made by
// bench/make_scale_data.py, which this script runs first (it skips files that already exist).
//
// Each command runs as a child process from the repo root, R times (BENCH_REPEATS, default 3),
// the commands alternating (anchor, default, anchor's selection, .npy, anchor, ...) so that a
// change in the machine's load hits all of them alike. Reported: best and median wall time, peak
// RSS (the largest of the runs), the ratio of each best to the anchor's best, and the goals.
//
// Exit status: 0 when every run produced its report (goals failing are reported, not fatal,
// unless BENCH_STRICT=1), 1 when a command failed or reported the wrong number of rows.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import {
  OUT_DIR,
  REPO_ROOT,
  describeMachine,
  kibToMB,
  loadAverages,
  measure,
  median,
  printMachine,
  requireBuild,
  stderrGist,
} from './measure.mjs';

const REPEATS = Number(process.env.BENCH_REPEATS ?? 3);
const STRICT = process.env.BENCH_STRICT === '1';
const ROWS = 200_000;
/** A logitcheck run longer than this is stopped and the partial figures are reported. */
const LOGITCHECK_TIMEOUT_SECONDS = 15 * 60;
const OPENBLAS_VARIABLES = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'];

if (!Number.isInteger(REPEATS) || REPEATS < 1) {
  console.error(`bench/scale.mjs: BENCH_REPEATS must be a whole number >= 1, got '${process.env.BENCH_REPEATS}'`);
  process.exit(2);
}
requireBuild();

const made = spawnSync('python3', ['bench/make_scale_data.py'], { cwd: REPO_ROOT, stdio: 'inherit' });
if (made.status !== 0) {
  console.error('bench/scale.mjs: bench/make_scale_data.py failed');
  process.exit(1);
}

// The anchor runs without the two OpenBLAS variables that slow numpy down on some processors.
const anchorEnv = { ...process.env };
const unsetNote = OPENBLAS_VARIABLES.map((name) => `${name}${name in anchorEnv ? `=${anchorEnv[name]}` : ' (was not set)'}`);
for (const name of OPENBLAS_VARIABLES) delete anchorEnv[name];

const logitcheck = ['bin/logitcheck.js', 'analyze'];
const anchorSelection = ['--dtype', 'f32,f64', '--function', 'softmax,log-softmax', '--algorithm', 'naive,max-shift'];
const commands = [
  {
    id: 'anchor',
    label: 'numpy anchor (CSV)',
    command: 'python3',
    args: ['bench/numpy_anchor.py', 'bench/out/scale.csv'],
    env: anchorEnv,
    rowsOf: (report) => report.rows,
  },
  {
    id: 'default',
    label: 'logitcheck analyze, default selection (CSV)',
    command: 'node',
    args: [...logitcheck, 'bench/out/scale.csv', '--format', 'json'],
    logitcheck: true,
  },
  {
    id: 'selection',
    label: "logitcheck analyze, anchor's selection (CSV)",
    command: 'node',
    args: [...logitcheck, 'bench/out/scale.csv', ...anchorSelection, '--format', 'json'],
    logitcheck: true,
  },
  {
    id: 'labels',
    label: 'logitcheck analyze, default selection with labels (CSV)',
    command: 'node',
    args: [...logitcheck, 'bench/out/scale.csv', '--labels', 'bench/out/scale-labels.txt', '--format', 'json'],
    logitcheck: true,
  },
  {
    id: 'npy',
    label: 'logitcheck analyze, default selection (.npy)',
    command: 'node',
    args: [...logitcheck, 'bench/out/scale.npy', '--format', 'json'],
    logitcheck: true,
    mayBeUnsupported: true,
  },
];
// BENCH_COMMANDS=default,labels runs only those (the others show as not run).
const only = process.env.BENCH_COMMANDS?.split(',').map((id) => id.trim());
if (only) for (const c of commands) if (!only.includes(c.id)) c.unavailable = 'not run (BENCH_COMMANDS)';
for (const c of commands) {
  c.rowsOf ??= (report) => report.inputs?.[0]?.rows;
  c.runs = [];
  c.problems = [];
}

const shell = (c) => [c.command, ...c.args].join(' ');
const machine = describeMachine();
const loadBefore = loadAverages();
console.log(`\nscale benchmark: ${ROWS} rows x 100 classes, ${REPEATS} repetition(s), commands alternating`);
printMachine(machine);
console.log(`load averages before (1, 5, 15 min): ${loadBefore}; default --jobs = ${availableParallelism()}`);
console.log(`anchor only: ${unsetNote.join(', ')} removed from its environment`);
for (const c of commands) console.log(`  ${c.id.padEnd(9)} ${shell(c)}`);

const seconds = (s) => (Number.isFinite(s) ? `${s.toFixed(2)} s` : '-');
const times = (ratio) => (Number.isFinite(ratio) ? `${ratio.toFixed(2)}x` : '-');
let stoppedEarly = '';

outer: for (let rep = 1; rep <= REPEATS; rep++) {
  for (const c of commands) {
    if (c.unavailable || c.failed) continue; // a command that failed once is not run again
    const stdoutFile = join(OUT_DIR, `scale-${c.id}.out.json`);
    const timeoutSeconds = c.logitcheck ? LOGITCHECK_TIMEOUT_SECONDS : Infinity;
    const run = await measure(c.command, c.args, { env: c.env ?? process.env, stdoutFile, timeoutSeconds });
    const note = `[${rep}/${REPEATS}] ${c.id.padEnd(9)} ${seconds(run.wallSeconds).padStart(9)}  ${kibToMB(run.maxRssKiB).toFixed(0).padStart(5)} MB  exit ${run.status ?? run.signal}  load ${run.load1.toFixed(1)}`;
    if (run.timedOut) {
      console.log(`${note}  STOPPED after ${LOGITCHECK_TIMEOUT_SECONDS / 60} min`);
      c.problems.push(`run ${rep} stopped after ${LOGITCHECK_TIMEOUT_SECONDS / 60} min`);
      stoppedEarly = `${c.id} run ${rep} exceeded ${LOGITCHECK_TIMEOUT_SECONDS / 60} min; the figures are partial`;
      break outer;
    }
    if (c.mayBeUnsupported && run.status === 2) {
      c.unavailable = run.stderr.split('\n')[0].replace(/[^\x20-\x7e]/g, '?'); // the bytes of a misread binary file
      const unsupported = /unsupported|not supported|unknown (input )?format/i.test(run.stderr);
      console.log(`${note}  not available yet (${unsupported ? 'unsupported format' : 'exit 2'}: ${c.unavailable.slice(0, 160)})`);
      continue;
    }
    let rows;
    try {
      rows = c.rowsOf(JSON.parse(readFileSync(stdoutFile, 'utf8')));
    } catch {
      rows = undefined;
    }
    const ok = run.status === 0 && rows === ROWS;
    if (!ok) c.problems.push(`run ${rep}: exit ${run.status ?? run.signal}, rows ${rows ?? 'no report'}${run.stderr ? `: ${stderrGist(run.stderr)}` : ''}`);
    if (!ok) c.failed = true;
    console.log(`${note}  rows ${rows ?? '-'}${ok ? '' : `  FAILED: ${stderrGist(run.stderr)}`}`);
    c.runs.push({ ...run, rows, ok });
  }
}
const loadAfter = loadAverages();

// Figures, computed before any rendering.
for (const c of commands) {
  const good = c.runs.filter((r) => r.ok).map((r) => r.wallSeconds);
  c.best = good.length ? Math.min(...good) : NaN;
  c.median = good.length ? median(good) : NaN;
  c.peakRssMB = c.runs.length ? Math.max(...c.runs.map((r) => kibToMB(r.maxRssKiB))) : NaN;
}
const byId = Object.fromEntries(commands.map((c) => [c.id, c]));
const anchorBest = byId.anchor.best;
for (const c of commands) c.ratio = c.best / anchorBest;

/** A goal without its figure (a command failed) is n/a, neither passed nor failed. */
const judge = (figure, holds) => (Number.isFinite(figure) ? holds(figure) : undefined);
const lc = commands.filter((c) => c.logitcheck && !c.unavailable && c.runs.length);
const goals = [
  { goal: 'default analyze <= 0.25x anchor (best wall times)', value: times(byId.default.ratio), pass: judge(byId.default.ratio, (r) => r <= 0.25) },
  { goal: "anchor's selection <= 0.1x anchor (best wall times)", value: times(byId.selection.ratio), pass: judge(byId.selection.ratio, (r) => r <= 0.1) },
  {
    goal: 'peak RSS < 300 MB for every logitcheck run',
    value: `max ${Math.max(...lc.map((c) => c.peakRssMB)).toFixed(0)} MB`,
    pass: lc.length > 0 && lc.every((c) => c.peakRssMB < 300),
  },
  byId.npy.unavailable
    ? { goal: '.npy at least 3x faster than the CSV (default selection; CSV best / .npy best)', value: 'not available yet', pass: undefined }
    : {
        goal: '.npy at least 3x faster than the CSV (default selection; CSV best / .npy best)',
        value: times(byId.default.best / byId.npy.best),
        pass: judge(byId.default.best / byId.npy.best, (r) => r >= 3),
      },
  {
    goal: 'with labels, default analyze <= 1.35x without (best wall times)',
    value: times(byId.labels.best / byId.default.best),
    pass: judge(byId.labels.best / byId.default.best, (r) => r <= 1.35),
  },
  {
    goal: `every run exit 0 with a report of ${ROWS} rows`,
    value: commands.filter((c) => c.problems.length).map((c) => `${c.id}: ${c.problems.length} failed run(s), first ${c.problems[0]}`).join('; ') || 'all runs',
    pass: commands.every((c) => c.problems.length === 0),
  },
];

// Rendering.
const table = [
  ['command', 'runs', 'best', 'median', 'peak RSS', 'best / anchor best'],
  ...commands.map((c) =>
    c.unavailable
      ? [c.label, '-', c.unavailable.startsWith('not run') ? 'not run' : 'not available yet', '', '', '']
      : [c.label, String(c.runs.filter((r) => r.ok).length), seconds(c.best), seconds(c.median), `${c.peakRssMB.toFixed(0)} MB`, times(c.ratio)],
  ),
];
const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
console.log('');
for (const [i, row] of table.entries()) {
  console.log(row.map((cell, j) => (j === 0 ? cell.padEnd(widths[j]) : cell.padStart(widths[j]))).join('  '));
  if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}
if (byId.npy.unavailable && !byId.npy.unavailable.startsWith('not run')) console.log(`\n.npy input: not available yet (${byId.npy.unavailable.slice(0, 200)})`);
console.log('\ngoals:');
for (const g of goals) console.log(`  ${g.pass === undefined ? 'n/a ' : g.pass ? 'PASS' : 'FAIL'}  ${g.goal}: ${g.value}`);
if (stoppedEarly) console.log(`\nstopped early: ${stoppedEarly}`);
console.log(`\nload averages before: ${loadBefore}; after: ${loadAfter} (1, 5, 15 min; ${availableParallelism()} cores)`);

const results = {
  machine,
  loadBefore,
  loadAfter,
  repeats: REPEATS,
  anchorEnvironment: `${unsetNote.join(', ')} removed`,
  stoppedEarly: stoppedEarly || undefined,
  commands: commands.map((c) => ({
    id: c.id,
    command: shell(c),
    unavailable: c.unavailable,
    wallSeconds: c.runs.map((r) => r.wallSeconds),
    peakRssMB: c.runs.map((r) => kibToMB(r.maxRssKiB)),
    load1AtEnd: c.runs.map((r) => r.load1),
    best: c.best,
    median: c.median,
    ratioToAnchorBest: c.ratio,
    problems: c.problems,
  })),
  goals,
};
writeFileSync(join(OUT_DIR, 'scale-results.json'), JSON.stringify(results, null, 2) + '\n');
console.log(`figures written to bench/out/scale-results.json`);

const measurementFailed = goals[goals.length - 1].pass === false || Boolean(stoppedEarly);
const goalFailed = goals.some((g) => g.pass === false);
process.exitCode = measurementFailed || (STRICT && goalFailed) ? 1 : 0;
