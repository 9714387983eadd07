import { ALGORITHMS } from '../algorithms/names.js';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { Command, Option } from 'commander';
import { findDtype } from '../formats/index.js';
import { UsageError } from '../errors.js';
import { FAIL_ON_CONDITIONS } from '../report/checks.js';
import type { ReadOptions } from '../input/row.js';
import { analyze } from './analyze.js';
import type { ReportFormat } from './emit-report.js';
import { merge } from './merge.js';
import { compute, type ValuesFormat } from './compute.js';
import { exitFor } from './exit-codes.js';
import { inputNames } from './inputs.js';
import { Output, processIO, type CliIO } from './io.js';
import { limits, type LimitsFormat } from './limits.js';
import {
  parseAlgorithms,
  parseChoice,
  parseColumns,
  parseDtypes,
  parseFailOn,
  parseTemperature,
  parseFunctions,
  parseIgnoreIndex,
  parseLimit,
  resolveSelection,
  functionsFor,
} from './options.js';

const VERSION: string = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;

const ANALYZE_HELP = `
Reads logits (one row per vector; CSV, JSON, JSON Lines, .npy, .npz, safetensors; a FILE or stdin),
computes softmax, log-softmax and log-sum-exp with every algorithm in every dtype, and reports
overflow, underflow, NaN/Infinity outputs and errors against an exact (double-double) reference.
Streams: memory depends on the row length, not the number of rows. A .npy, .npz or safetensors
tensor on stdin is recognized by its first bytes and copied to a temporary file (removed after);
so is a Fortran-order array of an np.savez_compressed .npz, inflated.

Examples:
  At a shell:   logitcheck analyze logits.csv
                logitcheck analyze logits.csv --dtype f16,bf16 --details
                logitcheck analyze val.npz --tensor logits   # np.savez(..., logits=..., labels=...)
                logitcheck analyze eval.jsonl --key scores --id-key id   # rows named by their record's id
                logitcheck analyze val.npz --tensor logits --labels-tensor labels   # each row's label
                logitcheck analyze logits.csv --labels labels.txt --ignore-index -100
  In a pipe:    python export.py | logitcheck analyze --format json | jq '.inputs[0].results[0]'
  In CI:        logitcheck analyze val_logits.jsonl --dtype bf16 --algorithm max-shift,log1p \\
                  --fail-on nan,inf,overflow --max-ulp 4 --format markdown >> "$GITHUB_STEP_SUMMARY"

Exit status: 0 no check failed, 1 a check failed, 2 usage, input or output error.`;

const COMPUTE_HELP = `
Writes the values one algorithm computes in one dtype, one output row per input row: one value
per row for logsumexp, cross-entropy (the loss at the row's label), sigmoid, log-sigmoid and bce;
K values for softmax, log-softmax and gradient (softmax minus the one-hot label). Each value is
the shortest decimal that reads back to exactly the computed value in that dtype; non-finite
values are nan, inf, -inf (CSV) so numpy.loadtxt reads them. Streams.

cross-entropy and gradient need a class index per row, bce a target in [0, 1] (see --labels).
A row whose label is the --ignore-index gets a loss of 0 and a gradient of zeros, as PyTorch's
cross_entropy(..., reduction='none') gives it. sigmoid, log-sigmoid and bce take one logit per
row; the target is rounded to the dtype too, as a tensor of that dtype holds it.

Examples:
  At a shell:   logitcheck compute logits.csv --function softmax --dtype f16
  In a pipe:    logitcheck compute logits.csv -f log-softmax -d bf16 -a log1p | head -3
                logitcheck compute val.csv --labels label -f cross-entropy -d bf16 -a naive | sort -g | tail -3
  In a script:  logitcheck compute logits.csv -f logsumexp -d f32 --format jsonl > lse.jsonl
                logitcheck compute logits.csv -f softmax -d f16 -o probs.npy   # numpy.load('probs.npy')
                logitcheck compute val.npz --tensor logits --labels-tensor labels -f gradient -d f16 -o grad.npy

bfloat16 values go to .npy as float32 (numpy has no bfloat16; float32 holds each exactly).`;

const MERGE_HELP = `
Every figure merges exactly (counts and exact sums add, maxima take the max), so the merged
report is what one pass over all shards would give; rows become shard-qualified.

Examples:
  At a shell:   logitcheck merge part-*.json
  Fan out:      parallel logitcheck analyze {} --format json -o {.}.json ::: shards/*.csv
                logitcheck merge shards/*.json --format json > whole.json
  In CI:        logitcheck merge reports/*.json --fail-on nan,inf --format markdown`;

const LIMITS_HELP = `
Examples:
  logitcheck limits
  logitcheck limits --dtype f16,bf16 --format json | jq '.dtypes[0].expOverflowAbove'
  logitcheck limits --format markdown >> NOTES.md`;

function addInputOptions(command: Command): Command {
  return command
    .addOption(new Option('--input-format <format>', 'csv, json, jsonl, npy, npz or safetensors (default: from the extension, else sniffed)'))
    .option('--delimiter <char>', 'CSV delimiter (default: sniffed among comma, tab, semicolon); \\t for tab')
    .option('--header', 'CSV: the first line is a header (default: detected)')
    .option('--no-header', 'CSV: the first line is data')
    .option('--columns <list>', 'CSV: keep only these columns, by name or 1-based index (2-5 ranges)')
    .option('--exclude-columns <list>', 'CSV: drop these columns (by default a column named labels, target, y, class, id, index or empty holding integers is left out, with a note; one named label is the labels)')
    .option('--id-column <column>', 'CSV: the column (name or 1-based index) whose values name the rows in the report; not a logit')
    .option('--empty-as-nan', 'CSV: read an empty field as NaN (pandas writes NaN so); by default it is an error')
    .option('--key <name>', 'JSON, JSON Lines: the key of each record object holding its logits (default: logits)')
    .option('--id-key <name>', "JSON, JSON Lines: the key holding each record's id (a string or integer), which names its rows in the report; a record whose id comes after its logits is held in memory until the id is read")
    .option('--tensor <name>', 'safetensors, .npz: the tensor or array to read (needed when the file holds several)')
    .option('--labels <source>', "each row's label: a FILE (one per line, .npy, .npz; FILE:COLUMN of a CSV, FILE:NAME of a .npz), or for CSV input a COLUMN (name or 1-based index; not a logit then); an existing file wins (default: a CSV column named label)")
    .option('--no-labels', 'CSV: do not read a column named label as the labels (it stays out of the logits); JSON: no default label key')
    .option('--label-key <name>', "JSON, JSON Lines: the key of each record object holding its label (default: label, when the first record object has it)")
    .option('--labels-tensor <name>', "safetensors, .npz: the integer tensor holding the labels; its shape is the logits' without the last (class) axis")
    .option('--ignore-index <n>', "the label of rows that have none (PyTorch's -100); default: none, every row needs a label in [0, K)")
    .option('--binary', 'binary logits: one logit per row, targets in [0, 1] (implied by one logit per row)');
}

/** Output and check options shared by analyze and merge. */
function addReportOptions(command: Command): Command {
  return command
    .option('--format <format>', 'table, json or markdown', 'table')
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--details', 'add every figure of every result to the table or Markdown')
    .option('--fail-on <list>', `fail (exit 1) on any: ${FAIL_ON_CONDITIONS.join(',')}`)
    .option('--max-ulp <n>', 'fail when an error exceeds N ulps')
    .option('--max-rel <x>', 'fail when a relative error exceeds X')
    .option('--max-abs <x>', 'fail when an absolute error exceeds X');
}

interface ReportFlags {
  format: string;
  output?: string;
  details?: boolean;
  failOn?: string;
  maxUlp?: string;
  maxRel?: string;
  maxAbs?: string;
}

function reportOptions(flags: ReportFlags) {
  return {
    checks: {
      failOn: parseFailOn(flags.failOn),
      maxUlp: parseLimit(flags.maxUlp, '--max-ulp', true),
      maxRel: parseLimit(flags.maxRel, '--max-rel', false),
      maxAbs: parseLimit(flags.maxAbs, '--max-abs', false),
    },
    format: parseChoice(flags.format, ['table', 'json', 'markdown'] as const, '--format') as ReportFormat,
    output: flags.output,
    details: Boolean(flags.details),
  };
}

interface InputFlags {
  inputFormat?: string;
  delimiter?: string;
  header?: boolean;
  columns?: string;
  excludeColumns?: string;
  idColumn?: string;
  emptyAsNan?: boolean;
  tensor?: string;
  key?: string;
  idKey?: string;
  /** A FILE or COLUMN; false for --no-labels. */
  labels?: string | false;
  labelKey?: string;
  labelsTensor?: string;
  ignoreIndex?: string;
  binary?: boolean;
}

function readOptions(flags: InputFlags): ReadOptions {
  return {
    format: parseChoice(flags.inputFormat, ['csv', 'json', 'jsonl', 'npy', 'npz', 'safetensors'] as const, '--input-format'),
    delimiter: flags.delimiter === '\\t' || flags.delimiter === 'tab' ? '\t' : flags.delimiter,
    header: flags.header, // undefined unless --header or --no-header was given
    columns: parseColumns(flags.columns),
    excludeColumns: parseColumns(flags.excludeColumns),
    idColumn: flags.idColumn,
    emptyAsNaN: flags.emptyAsNan,
    tensor: flags.tensor,
    key: flags.key,
    idKey: flags.idKey,
    labels: flags.labels === false ? undefined : flags.labels,
    noLabels: flags.labels === false ? true : undefined,
    labelKey: flags.labelKey,
    labelsTensor: flags.labelsTensor,
    ignoreIndex: parseIgnoreIndex(flags.ignoreIndex),
    binary: flags.binary,
  };
}

/**
 * Builds the program; every action stores its exit status through `setStatus`. Commander's own
 * text (help, version) goes to `commanderOut`, whose failures `run` collects.
 */
function program(io: CliIO, commanderOut: Output, setStatus: (code: number) => void): Command {
  const root = new Command('logitcheck')
    .description('Find where softmax, log-softmax and log-sum-exp go numerically wrong on your logits.')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({
      // Commander writes exactly `VERSION\n` for --version, and help text otherwise.
      writeOut: (text) => commanderOut.writeLater(text, text === `${VERSION}\n` ? 'the version' : 'the help'),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(`logitcheck: ${text.replace(/^error: /, '')}`),
    })
    .showSuggestionAfterError(true);

  addInputOptions(
    addReportOptions(
      root
        .command('analyze')
        .description('analyse logits: where each algorithm breaks, in each dtype')
        .argument('[FILE...]', 'input files; - or nothing (with data piped in) for stdin')
        .option('-d, --dtype <list>', 'float64,float32,float16,bfloat16 (f64,f32,f16,bf16) or all', 'all')
        .option('-f, --function <list>', 'softmax,log-softmax,logsumexp; with labels cross-entropy,gradient; one logit per row sigmoid,log-sigmoid,bce; or all that apply', 'all')
        .option('-a, --algorithm <list>', `${ALGORITHMS.join(',')} or all`, 'all')
        .option('-j, --jobs <n>', `threads for the analysis (default: this machine's ${availableParallelism()} cores)`)
        .option('--temperature <T>', 'divide the logits by T in each dtype first (as frameworks do); exact values at the exact quotients; calibration at T')
        .option('--fit-temperature', 'with labels: the temperature that minimises the exact mean loss, with the loss and ECE before and after'),
    ),
  )
    .addHelpText('after', ANALYZE_HELP)
    .action(async (files: string[], flags: ReportFlags & InputFlags & { dtype: string; function: string; algorithm: string; jobs?: string; temperature?: string; fitTemperature?: boolean }, command: Command) => {
      const jobs = parseJobs(flags.jobs, availableParallelism(), io);
      const dtypes = parseDtypes(flags.dtype);
      const functions = parseFunctions(flags.function);
      const functionsGiven = command.getOptionValueSource('function') === 'cli' && flags.function.trim().toLowerCase() !== 'all';
      const algorithms = parseAlgorithms(flags.algorithm);
      const algorithmsGiven = command.getOptionValueSource('algorithm') === 'cli';
      const read = readOptions(flags);
      setStatus(
        await analyze(
          {
            files: inputNames(files, io),
            selectionFor: (kind) => resolveSelection(dtypes, functionsFor(kind, functionsGiven ? functions : undefined), algorithms, algorithmsGiven, read.ignoreIndex),
            functions,
            algorithms,
            read,
            ...reportOptions(flags),
            jobs,
            temperature: parseTemperature(flags.temperature),
            fitTemperature: flags.fitTemperature === true,
            version: VERSION,
          },
          io,
        ),
      );
    });

  addReportOptions(
    root
      .command('merge')
      .description('merge the JSON reports of shards of one dataset into the report of the whole')
      .argument('<REPORT...>', 'JSON reports written by analyze --format json'),
  )
    .addHelpText('after', MERGE_HELP)
    .action(async (files: string[], flags: ReportFlags) => {
      setStatus(await merge({ files, ...reportOptions(flags), version: VERSION }, io));
    });

  addInputOptions(
    root
      .command('compute')
      .description('write the values one algorithm computes in one dtype (for pipes)')
      .argument('[FILE]', 'input file; - or nothing (with data piped in) for stdin')
      .requiredOption('-f, --function <name>', 'softmax, log-softmax or logsumexp; with labels cross-entropy or gradient; one logit per row sigmoid, log-sigmoid or bce')
      .requiredOption('-d, --dtype <name>', 'float64, float32, float16 or bfloat16 (f64, f32, f16, bf16)')
      .option('-a, --algorithm <name>', 'the algorithm (default: max-shift; sigmoid: stable, log-sigmoid: softplus, bce: with-logits); one that does not compute the function lists those that do')
      .option('--format <format>', 'csv, json, jsonl or npy (default: npy for an -o FILE.npy, else csv)')
      .option('-o, --output <file>', 'write to a file instead of stdout (a regular file complete or not at all; a pipe or device in place)')
      .option('--temperature <T>', 'divide the logits by T in the dtype first, as frameworks do (K logits per row)'),
  )
    .addHelpText('after', COMPUTE_HELP)
    .action(async (file: string | undefined, flags: Record<string, string | undefined> & InputFlags) => {
      const dtype = findDtype(flags.dtype!);
      if (!dtype) throw new UsageError(`--dtype: unknown dtype '${flags.dtype}'; use float64, float32, float16 or bfloat16`);
      const [fn] = parseFunctions(oneName(flags.function!, '--function'));
      const algorithm = flags.algorithm === undefined ? undefined : parseAlgorithms(oneName(flags.algorithm, '--algorithm'))[0];
      setStatus(
        await compute(
          {
            file: inputNames(file === undefined ? [] : [file], io)[0],
            function: fn,
            dtype,
            algorithm,
            temperature: parseTemperature(flags.temperature),
            read: readOptions(flags),
            format: parseChoice(flags.format, ['csv', 'json', 'jsonl', 'npy'] as const, '--format') as ValuesFormat | undefined,
            output: flags.output,
          },
          io,
        ),
      );
    });

  root
    .command('limits')
    .description("each dtype's range, precision and the exp thresholds where softmax breaks")
    .option('-d, --dtype <list>', 'dtypes to show, or all', 'all')
    .option('--format <format>', 'table, json or markdown', 'table')
    .addHelpText('after', LIMITS_HELP)
    .action(async (flags: { dtype: string; format: string }) => {
      setStatus(await limits(parseDtypes(flags.dtype), parseChoice(flags.format, ['table', 'json', 'markdown'] as const, '--format') as LimitsFormat, io));
    });

  return root;
}

/**
 * --jobs: 1 to the number of cores. More threads than cores cannot speed up this CPU-bound work
 * and each costs memory (20-80 MB, growing with the row length), so a larger N is capped, with a
 * note: the report is the same whatever the number of threads.
 */
function parseJobs(text: string | undefined, cores: number, io: CliIO): number {
  if (text === undefined) return cores;
  const jobs = /^\s*[0-9]+\s*$/.test(text) ? Number(text) : NaN;
  if (!(jobs >= 1)) throw new UsageError(`--jobs: expected a whole number from 1 to ${cores} (this machine's cores), got '${text}'`);
  if (jobs <= cores) return jobs;
  io.stderr.write(`logitcheck: note: --jobs ${jobs} is more than this machine's ${cores} cores; using ${cores} (more threads would only add memory)\n`);
  return cores;
}

/** Options that contradict each other; commander would let the last one win silently. */
function checkContradictions(argv: string[]): void {
  const end = argv.indexOf('--');
  const options = end < 0 ? argv : argv.slice(0, end);
  if (options.includes('--header') && options.includes('--no-header')) {
    throw new UsageError('--header and --no-header contradict each other: give one (or neither, to detect the header)');
  }
  const labelsGiven = ['--labels', '--label-key', '--labels-tensor'].find((flag) => options.some((option) => option === flag || option.startsWith(`${flag}=`)));
  if (labelsGiven !== undefined && options.includes('--no-labels')) {
    throw new UsageError(`${labelsGiven} and --no-labels contradict each other: give one`);
  }
}

function oneName(text: string, flag: string): string {
  if (text.includes(',') || text.toLowerCase() === 'all') throw new UsageError(`${flag}: compute takes exactly one, got '${text}'`);
  return text;
}

/**
 * Runs the CLI on argv (without `node` and the script) and returns the exit status. The status
 * is also set on process.exitCode by the bin; nothing here calls process.exit.
 */
export async function run(argv: string[], io: CliIO = processIO()): Promise<number> {
  let status = 0;
  // Commander writes --help and --version itself, then stops the run with a CommanderError
  // (exit 0): a failure to write that text must still be reported, so it is awaited either way.
  const commanderOut = new Output(io.stdout, 'the help');
  try {
    checkContradictions(argv);
    try {
      await program(io, commanderOut, (code) => (status = code)).parseAsync(argv, { from: 'user' });
    } finally {
      await commanderOut.settled();
    }
  } catch (error) {
    const { code, message } = exitFor(error);
    if (message !== null) io.stderr.write(`${message}\n`);
    status = code;
  }
  return status;
}

/** The bin's entry point. */
export async function main(argv: string[]): Promise<void> {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    // A reader that went away (`| head`) ends the run quietly with status 0, whoever was writing.
    // Nothing more can reach stdout, so exiting now loses nothing.
    if (error.code === 'EPIPE') process.exit(0);
    // Any other failure reaches the write that failed (Output), which reports it in one line,
    // status 2; rethrowing here would end the run with a stack trace and status 1.
  });
  // A failing stderr (2>/dev/full) has nowhere to report to: the run keeps the status it earns
  // (2 for the error it was writing) instead of dying with an unhandled 'error' event and status 1.
  process.stderr.on('error', () => {});
  process.exitCode = await run(argv);
}
