// Reads the committed label fixtures: fixtures/reference/labels/*.json (cross-entropy, its
// gradient and the binary functions, made by fixtures/reference/generate_labels.py with mpmath)
// and fixtures/torch/losses_float64.json (PyTorch 1.13.1's float64 losses beside their exact
// values, made by fixtures/torch/generate_losses.py). The layouts are described in the README of
// each folder. Numbers are Python repr strings (parsePythonFloat) or decimal strings of 40 (mpmath
// fixtures) or 50 (torch file) significant digits (exactDecimalString).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Decimal } from 'decimal.js';
import type { Dtype } from '../../src/formats/index.js';
import type { FixtureOutput } from './reference-fixtures.js';

export { parsePythonFloat, parseRow } from './reference-fixtures.js';
export type { FixtureOutput } from './reference-fixtures.js';

export const LABEL_FIXTURE_DIR = fileURLToPath(new URL('../../fixtures/reference/labels/', import.meta.url));
export const TORCH_LOSSES_FILE = fileURLToPath(new URL('../../fixtures/torch/losses_float64.json', import.meta.url));

export type RowKind = 'ordinary' | 'nan' | 'posInf' | 'masked';
export type FlagName = 'divideByZero' | 'invalid' | 'overflow' | 'underflow';
export const FLAG_NAMES: readonly FlagName[] = ['divideByZero', 'invalid', 'overflow', 'underflow'];

// SPEC section 9's algorithm names, as the CLI and the JSON report use them.
export type CrossEntropyAlgorithm = 'naive' | 'log-of-softmax' | 'max-shift' | 'online' | 'log1p' | 'lse-minus-logit';
export type GradientAlgorithm = 'naive' | 'max-shift' | 'online' | 'log1p' | 'exp-lse' | 'exp-of-log-softmax';
export const CROSS_ENTROPY_ALGORITHMS: readonly CrossEntropyAlgorithm[] = ['naive', 'log-of-softmax', 'max-shift', 'online', 'log1p', 'lse-minus-logit'];
export const GRADIENT_ALGORITHMS: readonly GradientAlgorithm[] = ['naive', 'max-shift', 'online', 'log1p', 'exp-lse', 'exp-of-log-softmax'];

// SPEC section 10.
export type BinaryFunction = 'sigmoid' | 'log-sigmoid' | 'bce';
export const BINARY_FUNCTIONS: readonly BinaryFunction[] = ['sigmoid', 'log-sigmoid', 'bce'];
export const BINARY_ALGORITHMS: Readonly<Record<BinaryFunction, readonly string[]>> = {
  sigmoid: ['naive', 'stable'],
  'log-sigmoid': ['naive', 'log-of-sigmoid', 'softplus'],
  bce: ['naive', 'clamped', 'with-logits'],
};

interface FileHeader {
  generator: string;
  python: string;
  mpmath: string;
  region: string;
  description: string;
}

export interface MulticlassDtype {
  /** The input rounded to the dtype (repr strings). */
  cast: string[];
  kind: RowKind;
  /** Ordinary rows only: the label's cast logit is -inf, so the exact loss is +inf. */
  labelIsNegInf?: boolean;
  /** Ordinary rows only: 40 significant digits; "inf" for an infinite loss, "0" for an exact zero. */
  exact?: { 'cross-entropy': string; gradient: string[] };
  /** Ordinary rows only: the exact values correctly rounded to the dtype (repr strings). */
  exactRounded?: { 'cross-entropy': string; gradient: string[] };
  /** algorithm -> function -> output; cross-entropy values have one element, gradient values K. */
  algorithms: Record<string, { 'cross-entropy'?: FixtureOutput; gradient?: FixtureOutput }>;
}

export interface MulticlassCase {
  name: string;
  input: string[];
  label: number;
  note?: string;
  dtypes: Record<Dtype, MulticlassDtype>;
}

export interface MulticlassFile extends FileHeader {
  task: 'multiclass';
  cases: MulticlassCase[];
}

export interface BinaryDtype {
  cast: { x: string; y: string };
  kind: 'ordinary';
  exact: Record<BinaryFunction, string>;
  exactRounded: Record<BinaryFunction, string>;
  /** algorithm -> function -> output (values has one element). */
  algorithms: Record<string, Partial<Record<BinaryFunction, FixtureOutput>>>;
}

export interface BinaryCase {
  name: string;
  input: { x: string; y: string };
  dtypes: Record<Dtype, BinaryDtype>;
}

export interface BinaryFile extends FileHeader {
  task: 'binary';
  cases: BinaryCase[];
}

export type LabelFixtureFile = MulticlassFile | BinaryFile;

export function labelFixtureFiles(): Array<{ file: string; fixture: LabelFixtureFile }> {
  return readdirSync(LABEL_FIXTURE_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((file) => ({ file, fixture: JSON.parse(readFileSync(LABEL_FIXTURE_DIR + file, 'utf8')) as LabelFixtureFile }));
}

export function multiclassFixtures(): Array<{ file: string; fixture: MulticlassFile }> {
  return labelFixtureFiles().flatMap(({ file, fixture }) => (fixture.task === 'multiclass' ? [{ file, fixture }] : []));
}

export function binaryFixtures(): Array<{ file: string; fixture: BinaryFile }> {
  return labelFixtureFiles().flatMap(({ file, fixture }) => (fixture.task === 'binary' ? [{ file, fixture }] : []));
}

/** The output of one algorithm, or an error naming what is missing (a fixture defect). */
export function crossEntropyOutput(entry: MulticlassDtype, algorithm: CrossEntropyAlgorithm): FixtureOutput {
  return required(entry.algorithms[algorithm]?.['cross-entropy'], `cross-entropy ${algorithm}`);
}

export function gradientOutput(entry: MulticlassDtype, algorithm: GradientAlgorithm): FixtureOutput {
  return required(entry.algorithms[algorithm]?.gradient, `gradient ${algorithm}`);
}

export function binaryOutput(entry: BinaryDtype, fn: BinaryFunction, algorithm: string): FixtureOutput {
  return required(entry.algorithms[algorithm]?.[fn], `${fn} ${algorithm}`);
}

function required(output: FixtureOutput | undefined, what: string): FixtureOutput {
  if (!output) throw new Error(`label fixture has no ${what}`);
  return output;
}

// ---------------------------------------------------------------------------------------------
// The PyTorch file
// ---------------------------------------------------------------------------------------------

export type TorchFunction = 'sigmoid' | 'logsigmoid' | 'binary_cross_entropy_with_logits' | 'binary_cross_entropy';
export const TORCH_FUNCTIONS: readonly TorchFunction[] = ['sigmoid', 'logsigmoid', 'binary_cross_entropy_with_logits', 'binary_cross_entropy'];

export interface TorchCrossEntropyCase {
  name: string;
  input: string[];
  /** The class index, or -100 (ignore_index) on ignored rows. */
  label: number;
  /** F.cross_entropy's float64 output (repr). */
  torch: string;
  /** 50 significant digits, "inf" when x_label is -inf; null on ignored rows. */
  exact: string | null;
  relError?: string;
  /** A key of TorchLosses.reasons: this output is outside the 1e-13 relative contract. */
  outOfContract?: string;
  ignored?: true;
}

export interface TorchBinaryOutput {
  torch: string;
  exact: string;
  relError: string;
  outOfContract?: string;
  /** binary_cross_entropy only: the exact clamped BCE at the float64 sigmoid torch was given. */
  exactAtTorchSigmoid?: string;
}

export interface TorchBinaryCase {
  name: string;
  x: string;
  y: string;
  outputs: Record<TorchFunction, TorchBinaryOutput>;
}

export interface TorchLosses {
  generator: string;
  torch: string;
  debianPackage: string;
  python: string;
  mpmath: string;
  atenCpuCapability: string;
  cpuCapabilityReported: string;
  threads: number;
  dtype: 'float64';
  numbers: string;
  /** Relative tolerance of the contract (1e-13). */
  tolerance: number;
  /** Why an output may be out of contract: reason key -> sentence. */
  reasons: Record<string, string>;
  /** torch function name -> SPEC function name. */
  specFunctions: Record<'cross_entropy' | TorchFunction, string>;
  crossEntropy: TorchCrossEntropyCase[];
  binary: TorchBinaryCase[];
}

export function torchLosses(): TorchLosses {
  return JSON.parse(readFileSync(TORCH_LOSSES_FILE, 'utf8')) as TorchLosses;
}

// ---------------------------------------------------------------------------------------------
// Exact decimal strings
// ---------------------------------------------------------------------------------------------

/** 80 significant digits: room above the fixtures' 40 and 50 for sums and differences. */
export const FixtureDecimal = Decimal.clone({ precision: 80, minE: -9e15, maxE: 9e15 });
export type FixtureDecimalValue = InstanceType<typeof FixtureDecimal>;

/** An exact-value string ("0", "inf", "-inf", "1.23e-45", ...) as a Decimal. */
export function exactDecimalString(text: string): FixtureDecimalValue {
  if (text === 'inf') return new FixtureDecimal(Infinity);
  if (text === '-inf') return new FixtureDecimal(-Infinity);
  const value = new FixtureDecimal(text);
  if (value.isNaN()) throw new Error(`not an exact decimal: ${text}`);
  return value;
}
