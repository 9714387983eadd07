/** The functions, named as the CLI and the JSON report name them. */
export type LogitFunctionName = 'softmax' | 'log-softmax' | 'logsumexp';
/** With a label y per row (SPEC section 9). */
export type LabelFunctionName = 'cross-entropy' | 'gradient';
/** One logit per row (SPEC section 10). */
export type BinaryFunctionName = 'sigmoid' | 'log-sigmoid' | 'bce';
export type FunctionName = LogitFunctionName | LabelFunctionName | BinaryFunctionName;

export const LOGIT_FUNCTIONS: readonly LogitFunctionName[] = ['softmax', 'log-softmax', 'logsumexp'];
export const LABEL_FUNCTIONS: readonly LabelFunctionName[] = ['cross-entropy', 'gradient'];
export const BINARY_FUNCTIONS: readonly BinaryFunctionName[] = ['sigmoid', 'log-sigmoid', 'bce'];
/** Every function, in report order. */
export const FUNCTIONS: readonly FunctionName[] = [...LOGIT_FUNCTIONS, ...LABEL_FUNCTIONS, ...BINARY_FUNCTIONS];

/** The algorithms of SPEC sections 4, 9 and 10. */
export type AlgorithmName =
  | 'naive'
  | 'max-shift'
  | 'log-of-softmax'
  | 'online'
  | 'log1p'
  | 'exp-lse'
  | 'lse-minus-logit'
  | 'exp-of-log-softmax'
  | 'stable'
  | 'log-of-sigmoid'
  | 'softplus'
  | 'clamped'
  | 'with-logits';
export const ALGORITHMS: readonly AlgorithmName[] = [
  'naive',
  'max-shift',
  'log-of-softmax',
  'online',
  'log1p',
  'exp-lse',
  'lse-minus-logit',
  'exp-of-log-softmax',
  'stable',
  'log-of-sigmoid',
  'softplus',
  'clamped',
  'with-logits',
];

/** One (function, algorithm) pair that exists. */
export interface ResultKind {
  /** Index into a kernel's outputs and flags. */
  id: number;
  function: FunctionName;
  algorithm: AlgorithmName;
}

const PAIRS: ReadonlyArray<readonly [FunctionName, AlgorithmName]> = [
  ['softmax', 'naive'],
  ['softmax', 'max-shift'],
  ['softmax', 'online'],
  ['softmax', 'log1p'],
  ['softmax', 'exp-lse'],
  ['log-softmax', 'naive'],
  ['log-softmax', 'max-shift'],
  ['log-softmax', 'log-of-softmax'],
  ['log-softmax', 'online'],
  ['log-softmax', 'log1p'],
  ['logsumexp', 'naive'],
  ['logsumexp', 'max-shift'],
  ['logsumexp', 'online'],
  ['logsumexp', 'log1p'],
  ['cross-entropy', 'naive'],
  ['cross-entropy', 'log-of-softmax'],
  ['cross-entropy', 'max-shift'],
  ['cross-entropy', 'online'],
  ['cross-entropy', 'log1p'],
  ['cross-entropy', 'lse-minus-logit'],
  ['gradient', 'naive'],
  ['gradient', 'max-shift'],
  ['gradient', 'online'],
  ['gradient', 'log1p'],
  ['gradient', 'exp-lse'],
  ['gradient', 'exp-of-log-softmax'],
  ['sigmoid', 'naive'],
  ['sigmoid', 'stable'],
  ['log-sigmoid', 'naive'],
  ['log-sigmoid', 'log-of-sigmoid'],
  ['log-sigmoid', 'softplus'],
  ['bce', 'naive'],
  ['bce', 'clamped'],
  ['bce', 'with-logits'],
];

/** Every (function, algorithm) pair, in report order. */
export const RESULT_KINDS: readonly ResultKind[] = PAIRS.map(([fn, algorithm], id) => ({ id, function: fn, algorithm }));

export function resultKind(fn: FunctionName, algorithm: AlgorithmName): ResultKind | undefined {
  return RESULT_KINDS.find((kind) => kind.function === fn && kind.algorithm === algorithm);
}

/** Ids, fixed so the kernel can address its buffers without lookups. */
export const R = {
  softmaxNaive: 0,
  softmaxMaxShift: 1,
  softmaxOnline: 2,
  softmaxLog1p: 3,
  softmaxExpLse: 4,
  logSoftmaxNaive: 5,
  logSoftmaxMaxShift: 6,
  logSoftmaxLogOfSoftmax: 7,
  logSoftmaxOnline: 8,
  logSoftmaxLog1p: 9,
  logsumexpNaive: 10,
  logsumexpMaxShift: 11,
  logsumexpOnline: 12,
  logsumexpLog1p: 13,
  crossEntropyNaive: 14,
  crossEntropyLogOfSoftmax: 15,
  crossEntropyMaxShift: 16,
  crossEntropyOnline: 17,
  crossEntropyLog1p: 18,
  crossEntropyLseMinusLogit: 19,
  gradientNaive: 20,
  gradientMaxShift: 21,
  gradientOnline: 22,
  gradientLog1p: 23,
  gradientExpLse: 24,
  gradientExpOfLogSoftmax: 25,
  /** The first of the binary results (sigmoid, log-sigmoid, bce), computed by BinaryKernel, not FormatKernel. */
  firstBinary: 26,
} as const;
export const RESULT_COUNT = PAIRS.length;

/** Whether a function gives one value per row (the others give one per logit). */
export function isScalar(fn: FunctionName): boolean {
  return fn !== 'softmax' && fn !== 'log-softmax' && fn !== 'gradient';
}

/** Whether a function needs a label (a class index, or a binary target for bce). */
export function needsTarget(fn: FunctionName): boolean {
  return fn === 'cross-entropy' || fn === 'gradient' || fn === 'bce';
}

/** Whether a function takes one logit per row (SPEC section 10). */
export function isBinary(fn: FunctionName): boolean {
  return fn === 'sigmoid' || fn === 'log-sigmoid' || fn === 'bce';
}

/** The results of the logit functions (softmax, log-softmax, logsumexp): what FormatKernel computes on a row without a label. */
export const LOGIT_KINDS: readonly ResultKind[] = RESULT_KINDS.filter((kind) => (LOGIT_FUNCTIONS as readonly FunctionName[]).includes(kind.function));
/** cross-entropy and gradient: what FormatKernel computes on a row with a label. */
export const LABEL_KINDS: readonly ResultKind[] = RESULT_KINDS.filter((kind) => (LABEL_FUNCTIONS as readonly FunctionName[]).includes(kind.function));
/** sigmoid, log-sigmoid and bce: BinaryKernel's results, on one logit per row. */
export const BINARY_KINDS: readonly ResultKind[] = RESULT_KINDS.filter((kind) => isBinary(kind.function));
