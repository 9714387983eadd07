import type { Format } from '../formats/index.js';
import { roundToPrecision } from '../formats/precision-rounding.js';
import { addFlags, divFlags, expFlags, log1pFlags, logFlags, mulFlags } from './flags.js';
import { BINARY_KINDS, R, type AlgorithmName, type BinaryFunctionName } from './names.js';

/** One (function, algorithm) pair of the binary kernel: names.ts's binary results, numbered from 0. */
export interface BinaryResultKind {
  /** Index into BinaryKernel's outputs and flags (names.ts's id minus R.firstBinary). */
  id: number;
  function: BinaryFunctionName;
  algorithm: AlgorithmName;
}

/** Every (function, algorithm) pair of the binary kernel, in report order (names.ts lists them). */
export const BINARY_RESULTS: ReadonlyArray<BinaryResultKind> = BINARY_KINDS.map((kind) => ({
  id: kind.id - R.firstBinary,
  function: kind.function as BinaryFunctionName,
  algorithm: kind.algorithm,
}));

/** Ids, fixed so the kernel addresses its outputs without lookups (equal to BINARY_RESULTS' ids). */
export const B = {
  sigmoidNaive: 0,
  sigmoidStable: 1,
  logSigmoidNaive: 2,
  logSigmoidLogOfSigmoid: 3,
  logSigmoidSoftplus: 4,
  bceNaive: 5,
  bceClamped: 6,
  bceWithLogits: 7,
} as const;
export const BINARY_RESULT_COUNT = BINARY_RESULTS.length;

/** torch.nn.BCELoss clamps each log below at -100, so that log(0) = -Infinity gives a finite loss. */
const LOG_CLAMP = -100;

/**
 * Every algorithm of SPEC section 10 on one logit x and its target y, in one format: each + - *
 * / exp log log1p rounded once to the format (computed in float64 and rounded, as FormatKernel
 * does: exact for + - * / in every format, faithful for exp, log and log1p); negation, abs, max
 * and the clamp at -100 are exact and raise nothing. Each result's flags are the OR of the IEEE
 * flags raised by the operations its own formula uses (flags.ts), shared operations counted in
 * every result that uses them, as in FormatKernel.
 *
 * x and y are the cast values: the caller rounds both to the format first (the target too, as a
 * framework holding the targets in a tensor of that dtype does: in float16 a target 0.3 is
 * 0.300048828125), and the exact values (reference/binary-exact.ts) are taken at the same cast
 * x and y. y = NaN means "no target": the bce outputs are NaN and their flags 0 (the caller does
 * not measure them).
 *
 * The algorithms (s the naive sigmoid, s* the stable one):
 * - sigmoid naive 1/(1 + exp(-x)), the textbook formula (torch.sigmoid's CPU kernel writes it
 *   so, in aten/src/ATen/native/cpu/UnaryOpsKernel.cpp): exp(-x) overflows for x below minus the
 *   format's overflow threshold (float16: x < -11.09), and 1/(1 + Infinity) = 0 with the
 *   overflow flag, where the exact value e^x may still be a normal number of the format.
 * - sigmoid stable: x >= 0 ? 1/(1 + exp(-x)) : exp(x)/(1 + exp(x)): exponentials of
 *   non-positive arguments only, so nothing overflows.
 * - log-sigmoid naive log(s), log-of-sigmoid log(s*): log of a value rounded to 1 for x large
 *   (0 instead of -e^-x) and, for naive, log(0) = -Infinity once s has flushed to 0.
 * - log-sigmoid softplus: x >= 0 ? -log1p(exp(-x)) : x - log1p(exp(x)). Recent PyTorch's
 *   torch.nn.functional.logsigmoid computes min(x, 0) - log1p(exp(-|x|)): the same rounded
 *   values (for x >= 0, 0 - log1p(...) is -log1p(...) exactly). PyTorch 1.13 computed
 *   -(m + log(exp(-m) + exp(-x - m))), m = max(-x, 0): the same function, rounded otherwise.
 * - bce naive -(y log(s) + (1 - y) log(1 - s)): 1 - s rounds to 0 once s rounds to 1, and then
 *   log(0) = -Infinity; with y = 1 the product (1 - y) log(1 - s) = 0 * -Infinity is NaN.
 * - bce clamped: the same with each log clamped below at -100, as torch.nn.BCELoss. Kept in
 *   SPEC's order -(y max(log s, -100) + (1 - y) max(log(1 - s), -100)). torch's own expression
 *   (aten/src/ATen/native/Loss.cpp, binary_cross_entropy) is
 *   (y - 1) * max(log1p(-s), -100) - y * max(log(s), -100): the same products up to sign, one
 *   subtraction instead of an addition and a negation (the same rounded value: round(-a - b) =
 *   -round(a + b)), and log1p(-s) where SPEC has log(1 - s) with 1 - s rounded: the two agree
 *   for s >= 1/2 (1 - s is then exact, Sterbenz) up to log's and log1p's own last bit, and may
 *   differ by an ulp or so for s < 1/2 where 1 - s rounds. The log(0) under the clamp still
 *   raises divideByZero, as it would on the machine, though the output stays finite.
 * - bce with-logits ((max(x, 0) - x y) + log1p(exp(-|x|))): TensorFlow's
 *   sigmoid_cross_entropy_with_logits in this exact order; torch.nn.BCEWithLogitsLoss (1.13)
 *   computes the same function as (1 - y) x + m + log(exp(-m) + exp(-x - m)), m = max(-x, 0).
 *   Accurate except where x y nearly cancels max(x, 0) (y close to 1 and x large positive):
 *   the rounding of x y, up to half an ulp of x, is then the error of a small loss.
 *
 * `run` takes every row, special ones too: x = NaN gives NaN everywhere with no flag (NaN in,
 * NaN out raises nothing), x = +-Infinity gives what the formulas give (for example naive
 * sigmoid(-Infinity) = 1/(1 + Infinity) = 0, no flag: exp(+Infinity) is not an overflow).
 */
export class BinaryKernel {
  /** outputs[id]: the row's output for result id (BINARY_RESULTS), until the next run. */
  readonly outputs = new Float64Array(BINARY_RESULT_COUNT);
  /** flags[id]: the OR of the IEEE flags raised by the operations result id used on the row. */
  readonly flags = new Int32Array(BINARY_RESULT_COUNT);
  /** The flags of the last crossEntropy (it returns the value itself). */
  private crossEntropyFlagBits = 0;
  private readonly splitter: number;
  private readonly minNormal: number;
  private readonly maxFinite: number;
  private readonly minSubnormal: number;

  constructor(readonly format: Format) {
    this.splitter = format.splitter;
    this.minNormal = format.minNormal;
    this.maxFinite = format.maxFinite;
    this.minSubnormal = format.minSubnormal;
  }

  /** Every result for the logit x and the target y (NaN: no target), both already cast to the format. */
  run(x: number, y: number): void {
    const outputs = this.outputs;
    const flags = this.flags;
    const minNormal = this.minNormal;

    // Naive sigmoid s = 1/(1 + exp(-x)); -x is exact.
    const negated = -x;
    const expNegated = this.round(Math.exp(negated));
    const naiveDenominator = this.round(1 + expNegated);
    const naive = this.round(1 / naiveDenominator);
    const naiveFlagBits =
      expFlags(negated, expNegated, minNormal) | addFlags(1, expNegated, naiveDenominator, minNormal) | divFlags(1, naiveDenominator, naive, minNormal);

    // Stable sigmoid: the naive formula for x >= 0; exp(x)/(1 + exp(x)) otherwise (NaN too:
    // exp(NaN) is NaN, no flag).
    let stable: number;
    let stableFlagBits: number;
    if (x >= 0) {
      stable = naive;
      stableFlagBits = naiveFlagBits;
    } else {
      const expX = this.round(Math.exp(x));
      const denominator = this.round(1 + expX);
      stable = this.round(expX / denominator);
      stableFlagBits = expFlags(x, expX, minNormal) | addFlags(1, expX, denominator, minNormal) | divFlags(expX, denominator, stable, minNormal);
    }
    outputs[B.sigmoidNaive] = naive;
    flags[B.sigmoidNaive] = naiveFlagBits;
    outputs[B.sigmoidStable] = stable;
    flags[B.sigmoidStable] = stableFlagBits;

    // log-sigmoid naive log(s) and log-of-sigmoid log(s*).
    const logNaive = this.round(Math.log(naive));
    const logNaiveFlagBits = naiveFlagBits | logFlags(naive, logNaive, minNormal);
    const logStable = this.round(Math.log(stable));
    outputs[B.logSigmoidNaive] = logNaive;
    flags[B.logSigmoidNaive] = logNaiveFlagBits;
    outputs[B.logSigmoidLogOfSigmoid] = logStable;
    flags[B.logSigmoidLogOfSigmoid] = stableFlagBits | logFlags(stable, logStable, minNormal);

    // Softplus form: x >= 0 ? -log1p(exp(-x)) : x - log1p(exp(x)). The exponential of -|x| is
    // the naive sigmoid's exp(-x) when x >= 0 (the same rounded operation, so the same value).
    const negativeMagnitude = x >= 0 ? negated : x;
    const expNegativeMagnitude = x >= 0 ? expNegated : this.round(Math.exp(x));
    const expMagnitudeFlagBits = expFlags(negativeMagnitude, expNegativeMagnitude, minNormal);
    const log1pTerm = this.round(Math.log1p(expNegativeMagnitude));
    const log1pTermFlagBits = expMagnitudeFlagBits | log1pFlags(expNegativeMagnitude, log1pTerm, minNormal);
    if (x >= 0) {
      outputs[B.logSigmoidSoftplus] = -log1pTerm;
      flags[B.logSigmoidSoftplus] = log1pTermFlagBits;
    } else {
      const difference = this.round(x - log1pTerm);
      outputs[B.logSigmoidSoftplus] = difference;
      flags[B.logSigmoidSoftplus] = log1pTermFlagBits | addFlags(x, log1pTerm, difference, minNormal);
    }

    if (y !== y) {
      outputs[B.bceNaive] = NaN;
      outputs[B.bceClamped] = NaN;
      outputs[B.bceWithLogits] = NaN;
      flags[B.bceNaive] = 0;
      flags[B.bceClamped] = 0;
      flags[B.bceWithLogits] = 0;
      return;
    }

    // bce naive and clamped share s, log(s), 1 - s, log(1 - s) and 1 - y.
    const complement = this.round(1 - naive);
    const logComplement = this.round(Math.log(complement));
    const oneMinusY = this.round(1 - y);
    const sharedFlagBits =
      logNaiveFlagBits |
      addFlags(1, naive, complement, minNormal) |
      logFlags(complement, logComplement, minNormal) |
      addFlags(1, y, oneMinusY, minNormal);
    outputs[B.bceNaive] = this.crossEntropy(y, logNaive, oneMinusY, logComplement);
    flags[B.bceNaive] = sharedFlagBits | this.crossEntropyFlagBits;
    // Math.max(NaN, -100) is NaN, as C++'s std::max(NaN, -100) in torch's kernel is.
    outputs[B.bceClamped] = this.crossEntropy(y, Math.max(logNaive, LOG_CLAMP), oneMinusY, Math.max(logComplement, LOG_CLAMP));
    flags[B.bceClamped] = sharedFlagBits | this.crossEntropyFlagBits;

    // with-logits: ((max(x, 0) - x y) + log1p(exp(-|x|))).
    const positivePart = Math.max(x, 0);
    const product = this.round(x * y);
    const linear = this.round(positivePart - product);
    const withLogits = this.round(linear + log1pTerm);
    outputs[B.bceWithLogits] = withLogits;
    flags[B.bceWithLogits] =
      mulFlags(x, y, product, minNormal) | addFlags(positivePart, product, linear, minNormal) | log1pTermFlagBits | addFlags(linear, log1pTerm, withLogits, minNormal);
  }

  /** -(y logS + oneMinusY logComplement): two products, a sum and an exact negation. */
  private crossEntropy(y: number, logS: number, oneMinusY: number, logComplement: number): number {
    const minNormal = this.minNormal;
    const positiveTerm = this.round(y * logS);
    const negativeTerm = this.round(oneMinusY * logComplement);
    const sum = this.round(positiveTerm + negativeTerm);
    this.crossEntropyFlagBits =
      mulFlags(y, logS, positiveTerm, minNormal) | mulFlags(oneMinusY, logComplement, negativeTerm, minNormal) | addFlags(positiveTerm, negativeTerm, sum, minNormal);
    return -sum;
  }

  private round(x: number): number {
    return roundToPrecision(x, this.splitter, this.minNormal, this.maxFinite, this.minSubnormal);
  }
}
