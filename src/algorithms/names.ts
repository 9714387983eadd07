/** The three functions, named as the CLI and the JSON report name them. */
export type FunctionName = 'softmax' | 'log-softmax' | 'logsumexp';
export const FUNCTIONS: readonly FunctionName[] = ['softmax', 'log-softmax', 'logsumexp'];

/** The algorithms of SPEC section 4. */
export type AlgorithmName = 'naive' | 'max-shift' | 'log-of-softmax' | 'online' | 'log1p' | 'exp-lse';
export const ALGORITHMS: readonly AlgorithmName[] = ['naive', 'max-shift', 'log-of-softmax', 'online', 'log1p', 'exp-lse'];

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
} as const;
export const RESULT_COUNT = PAIRS.length;
