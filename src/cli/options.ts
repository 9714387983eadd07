import { ALGORITHMS, BINARY_FUNCTIONS, FUNCTIONS, isBinary, LABEL_FUNCTIONS, LOGIT_FUNCTIONS, needsTarget, RESULT_KINDS, type AlgorithmName, type FunctionName } from '../algorithms/names.js';
import { UsageError } from '../errors.js';
import { DTYPES, findDtype, type Dtype } from '../formats/index.js';
import type { AnalysisSelection } from '../metrics/analysis.js';
import { FAIL_ON_CONDITIONS, type FailOnCondition } from '../report/checks.js';

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

export function parseDtypes(text: string | undefined, flag = '--dtype'): Dtype[] {
  if (text === undefined || text.trim().toLowerCase() === 'all') return [...DTYPES];
  const dtypes = splitList(text).map((name) => {
    const dtype = findDtype(name);
    if (!dtype) throw new UsageError(`${flag}: unknown dtype '${name}'; use float64, float32, float16, bfloat16 (f64, f32, f16, bf16) or all`);
    return dtype;
  });
  if (dtypes.length === 0) throw new UsageError(`${flag}: give at least one dtype`);
  return DTYPES.filter((d) => dtypes.includes(d)); // canonical order, no repeats
}

function parseNamed<T extends string>(text: string | undefined, all: readonly T[], flag: string, what: string): T[] {
  if (text === undefined || text.trim().toLowerCase() === 'all') return [...all];
  const names = splitList(text).map((name) => {
    const found = all.find((candidate) => candidate === name.toLowerCase());
    if (!found) throw new UsageError(`${flag}: unknown ${what} '${name}'; use ${all.join(', ')} or all`);
    return found;
  });
  if (names.length === 0) throw new UsageError(`${flag}: give at least one ${what}`);
  return all.filter((name) => names.includes(name));
}

export const parseFunctions = (text: string | undefined): FunctionName[] => parseNamed(text, FUNCTIONS, '--function', 'function');
export const parseAlgorithms = (text: string | undefined): AlgorithmName[] => parseNamed(text, ALGORITHMS, '--algorithm', 'algorithm');

/** What an input offers, known from its first row: K, and whether its rows carry labels. */
export interface InputKind {
  classes: number;
  labelled: boolean;
  /** --binary: one logit per row with targets in [0, 1] (implied by K = 1). */
  binary: boolean;
}

/**
 * The functions analysed on an input: those given with --function, checked against what the
 * input offers, or by default every function that applies: softmax, log-softmax and log-sum-exp,
 * with cross-entropy and its gradient when rows have labels; sigmoid and log-sigmoid (and bce
 * with targets) for one logit per row.
 */
export function functionsFor(kind: InputKind, given: readonly FunctionName[] | undefined, name = 'this input'): FunctionName[] {
  const binary = kind.binary || kind.classes === 1;
  if (given === undefined) {
    if (binary) return BINARY_FUNCTIONS.filter((fn) => kind.labelled || !needsTarget(fn));
    return kind.labelled ? [...LOGIT_FUNCTIONS, ...LABEL_FUNCTIONS] : [...LOGIT_FUNCTIONS];
  }
  const missing = given.filter((fn) => needsTarget(fn) && !kind.labelled);
  if (missing.length > 0) {
    throw new UsageError(`--function ${missing.join(',')} needs a label per row: give --labels COLUMN|FILE (CSV), --label-key (JSON) or --labels-tensor (tensors)`);
  }
  const classLabelled = given.filter((fn) => needsTarget(fn) && !isBinary(fn));
  if (kind.classes === 1 && classLabelled.length > 0) {
    // One logit per row: its labels are read as binary targets in [0, 1], not class indices.
    throw new UsageError(`--function ${classLabelled[0]} takes a class index per row, but ${name} has one logit per row, whose labels are binary targets in [0, 1]: use --function bce`);
  }
  const binaryGiven = given.filter(isBinary);
  const others = given.filter((fn) => !isBinary(fn));
  if (binaryGiven.length > 0 && !binary) throw new UsageError(`--function ${binaryGiven.join(',')} takes one logit per row; this input has ${kind.classes}`);
  // K = 1 without --binary: softmax and the others of K logits may still be asked for (they are trivial there), but not beside the binary ones.
  if ((kind.binary || binaryGiven.length > 0) && others.length > 0) {
    throw new UsageError(`one logit per row (binary): the functions are ${BINARY_FUNCTIONS.join(', ')}; --function ${others.join(',')} does not apply`);
  }
  return [...given];
}

/** The (function, algorithm) pairs that exist among the selected ones; an algorithm that fits none is a usage error. */
export function resolveSelection(dtypes: Dtype[], functions: FunctionName[], algorithms: AlgorithmName[], algorithmsGiven: boolean, ignoreIndex?: number): AnalysisSelection {
  const results = RESULT_KINDS.filter((kind) => functions.includes(kind.function) && algorithms.includes(kind.algorithm)).map((kind) => ({
    function: kind.function,
    algorithm: kind.algorithm,
  }));
  if (algorithmsGiven) {
    for (const algorithm of algorithms) {
      if (!results.some((r) => r.algorithm === algorithm)) {
        const fits = RESULT_KINDS.filter((k) => k.algorithm === algorithm).map((k) => k.function);
        throw new UsageError(`--algorithm ${algorithm} applies to ${fits.join(', ')} only; add it with --function`);
      }
    }
  }
  return ignoreIndex === undefined ? { dtypes, results } : { dtypes, results, ignoreIndex };
}

export function parseFailOn(text: string | undefined): FailOnCondition[] {
  if (text === undefined) return [];
  return splitList(text).map((name) => {
    const found = FAIL_ON_CONDITIONS.find((c) => c === name.toLowerCase());
    if (!found) throw new UsageError(`--fail-on: unknown condition '${name}'; use ${FAIL_ON_CONDITIONS.join(', ')}`);
    return found;
  });
}

export function parseLimit(text: string | undefined, flag: string, integer: boolean): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new UsageError(`${flag}: expected a ${integer ? 'whole number' : 'number'} >= 0, got '${text}'`);
  }
  return value;
}

export function parseChoice<T extends string>(text: string | undefined, choices: readonly T[], flag: string): T | undefined {
  if (text === undefined) return undefined;
  const found = choices.find((c) => c === text.toLowerCase());
  if (!found) throw new UsageError(`${flag}: expected one of ${choices.join(', ')}, got '${text}'`);
  return found;
}

/** A column list: names or 1-based indexes (and ranges), comma-separated. */
export function parseColumns(text: string | undefined): string[] | undefined {
  return text === undefined ? undefined : splitList(text);
}

/** --ignore-index: an integer (PyTorch's default is -100), the label of rows that have none. */
export function parseIgnoreIndex(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = /^\s*[+-]?[0-9]+\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value)) throw new UsageError(`--ignore-index: expected an integer such as -100, got '${text}'`);
  return value;
}

/** --temperature: a positive finite number. */
export function parseTemperature(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !(value > 0 && value < Infinity)) throw new UsageError(`--temperature: expected a positive number, got '${text}'`);
  return value;
}
