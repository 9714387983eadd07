// Helpers shared by bench/scale.mjs and bench/cost-per-logit.mjs: run a command as a child
// process and measure its wall time and peak resident set size, and describe the machine.
//
// Wall time is measured here (process.hrtime around the child, spawn to exit). Peak RSS and CPU
// time come from GNU time (`/usr/bin/time -f '%e %U %S %M'`, %M = max RSS in KiB of the command
// and the children it waited for, so worker threads are included; %U and %S its user and system
// seconds). Without /usr/bin/time, a small python3 wrapper runs the command and prints
// resource.getrusage(RUSAGE_CHILDREN)'s ru_utime, ru_stime and ru_maxrss (the same figures).
//
// The machine is shared: the CPU time every other process used while the command ran (all cores'
// busy time from os.cpus(), minus the command's own) is reported as othersCpuSeconds, so that a
// figure taken while someone else's tests ran can be told apart.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const OUT_DIR = join(REPO_ROOT, 'bench', 'out');
export const GNU_TIME = '/usr/bin/time';
export const HAVE_GNU_TIME = existsSync(GNU_TIME);

const PY_RUSAGE_WRAPPER = [
  'import resource, subprocess, sys',
  'status = subprocess.call(sys.argv[2:])',
  'usage = resource.getrusage(resource.RUSAGE_CHILDREN)',
  "open(sys.argv[1], 'w').write('%f %f %d\\n' % (usage.ru_utime, usage.ru_stime, usage.ru_maxrss))",
  'sys.exit(status if status >= 0 else 128 - status)',
].join('\n');

let runCounter = 0;

/** Seconds every core has spent busy (user, nice, system, irq) since boot. */
function busyCpuSeconds() {
  return cpus().reduce((sum, cpu) => sum + cpu.times.user + cpu.times.nice + cpu.times.sys + cpu.times.irq, 0) / 1000;
}

/**
 * Runs `command args` with cwd = the repo root, stdout to `stdoutFile` (or discarded), stderr
 * captured (its last 4 KiB). Kills the child's whole process group after `timeoutSeconds`.
 * Resolves to { wallSeconds, maxRssKiB, cpuSeconds, othersCpuSeconds, status, signal, timedOut,
 * stderr, load1 }.
 */
export function measure(command, args, { env = process.env, stdoutFile, timeoutSeconds = Infinity } = {}) {
  mkdirSync(OUT_DIR, { recursive: true });
  const rssFile = join(tmpdir(), `logitcheck-bench-${process.pid}-${runCounter++}.rss`);
  const [exe, exeArgs] = HAVE_GNU_TIME
    ? [GNU_TIME, ['-f', '%e %U %S %M', '-o', rssFile, command, ...args]]
    : ['python3', ['-c', PY_RUSAGE_WRAPPER, rssFile, command, ...args]];
  const stdoutFd = stdoutFile ? openSync(stdoutFile, 'w') : 'ignore';
  return new Promise((resolvePromise, reject) => {
    const busyBefore = busyCpuSeconds();
    const start = process.hrtime.bigint();
    // detached: the child leads its own process group, so a timeout can stop the command and
    // everything it started (GNU time -> node -> worker threads) by that one group id.
    const child = spawn(exe, exeArgs, { cwd: REPO_ROOT, env, stdio: ['ignore', stdoutFd, 'pipe'], detached: true });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-4096);
    });
    let timedOut = false;
    const timer = Number.isFinite(timeoutSeconds)
      ? setTimeout(() => {
          timedOut = true;
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }, timeoutSeconds * 1000)
      : undefined;
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (status, signal) => {
      const wallSeconds = Number(process.hrtime.bigint() - start) / 1e9;
      clearTimeout(timer);
      if (typeof stdoutFd === 'number') closeSync(stdoutFd);
      const busy = busyCpuSeconds() - busyBefore;
      let maxRssKiB = NaN;
      let cpuSeconds = NaN;
      if (existsSync(rssFile)) {
        // GNU time writes "Command exited with non-zero status N" before the format line.
        const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
        const fields = lines[lines.length - 1].trim().split(/\s+/).map(Number);
        maxRssKiB = fields[fields.length - 1];
        cpuSeconds = fields[fields.length - 3] + fields[fields.length - 2];
        rmSync(rssFile, { force: true });
      }
      const othersCpuSeconds = Math.max(0, busy - cpuSeconds);
      // The 1-minute load average as the run ends: how busy the machine was during it.
      const load1 = loadavg()[0];
      resolvePromise({ wallSeconds, maxRssKiB, cpuSeconds, othersCpuSeconds, status, signal, timedOut, stderr: stderr.trim(), load1 });
    });
  });
}

/** The gist of a failed command's stderr: its first two non-empty lines (an error and its cause). */
export function stderrGist(stderr) {
  return stderr.split('\n').map((line) => line.trim()).filter(Boolean).slice(0, 2).join(' ').replace(/[^\x20-\x7e]/g, '?').slice(0, 240);
}

/** KiB (what getrusage and GNU time report) to MB (10^6 bytes). */
export const kibToMB = (kib) => (kib * 1024) / 1e6;

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function loadAverages() {
  return loadavg().map((v) => v.toFixed(2)).join(', ');
}

function firstLine(command, args) {
  const result = spawnSync(command, args, { cwd: REPO_ROOT, encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim().split('\n')[0] : `unavailable (${command} ${args.join(' ')})`;
}

/** The facts a reader needs to judge the figures: when, which versions, which machine, how busy. */
export function describeMachine() {
  return {
    date: new Date().toISOString(),
    node: process.version,
    numpy: firstLine('python3', ['-c', 'import numpy; print(numpy.__version__)']),
    scipy: firstLine('python3', ['-c', 'import scipy; print(scipy.__version__)']),
    cpu: `${cpus()[0]?.model ?? 'unknown'} (${availableParallelism()} cores available)`,
    commit: firstLine('git', ['describe', '--always', '--dirty']),
    peakRss: HAVE_GNU_TIME ? `${GNU_TIME} -f '%e %U %S %M'` : `python3 resource.getrusage(RUSAGE_CHILDREN) wrapper (${GNU_TIME} not found)`,
  };
}

export function printMachine(machine) {
  console.log(`date ${machine.date}; node ${machine.node}; numpy ${machine.numpy}; scipy ${machine.scipy}`);
  console.log(`cpu ${machine.cpu}; logitcheck at ${machine.commit}`);
  console.log(`wall time: process.hrtime around each child; peak RSS and CPU time: ${machine.peakRss}; other processes' CPU: os.cpus() busy time minus the command's`);
}

/** Fails early, with the fix, when dist/ has not been built. */
export function requireBuild() {
  if (!existsSync(join(REPO_ROOT, 'dist', 'cli', 'main.js'))) {
    console.error('bench: dist/ is missing; run `npm run build` first');
    process.exit(2);
  }
}
