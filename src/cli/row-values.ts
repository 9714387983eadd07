import { BinaryKernel } from '../algorithms/binary-kernel.js';
import { FormatKernel } from '../algorithms/kernel.js';
import { isBinary, isScalar, needsTarget, R, RESULT_COUNT, type ResultKind } from '../algorithms/names.js';
import type { Format } from '../formats/index.js';
import { divideByTemperature } from '../algorithms/temperature.js';

/**
 * What `compute` writes for one row: the output of one (function, algorithm) pair in one format,
 * from the kernel that computes it (FormatKernel for the functions of K logits, BinaryKernel for
 * those of one logit), so the values are exactly those the analysis measures.
 *
 * Rows whose label is the ignore index get a loss of 0 and a gradient of zeros, as PyTorch's
 * F.cross_entropy(..., reduction='none') writes them (and its backward gives those rows): the
 * sum of the output is then PyTorch's reduction='sum'. Nothing is computed for them.
 */
export class RowValues {
  /** Whether the function gives one value per row (else one per logit). */
  readonly scalar: boolean;
  /** Whether the function takes one logit per row (sigmoid, log-sigmoid, bce). */
  readonly binaryFunction: boolean;
  private readonly needsTarget: boolean;
  private readonly kernel: FormatKernel | null;
  private readonly binary: BinaryKernel | null;
  private cast = new Float64Array(0);
  private zeros = new Float64Array(1);
  private readonly binaryOutput = new Float64Array(1);
  private readonly quotient = { hi: 0, lo: 0 };

  constructor(
    private readonly kind: ResultKind,
    private readonly format: Format,
    private readonly ignoreIndex: number | undefined,
    /** --temperature: the cast logits divided by it, the quotient rounded once to the format (1: none). */
    private readonly temperature = 1,
  ) {
    this.scalar = isScalar(kind.function);
    this.needsTarget = needsTarget(kind.function);
    const binary = isBinary(kind.function);
    this.binaryFunction = binary;
    this.kernel = binary ? null : new FormatKernel(format, Array.from({ length: RESULT_COUNT }, (_, id) => id === kind.id));
    this.binary = binary ? new BinaryKernel(format) : null;
  }

  /**
   * The row's values (the first `count(length)` of the array returned), valid until the next
   * call. `values`: the logits as read (float64), cast to the format here; `target`: the row's
   * label as read, which the caller has checked is present when the function needs one.
   */
  run(values: Float64Array, length: number, target: number | undefined): Float64Array {
    if (this.needsTarget && target === undefined) throw new Error(`RowValues: ${this.kind.function} needs a label on every row`);
    const format = this.format;
    if (this.binary !== null) {
      if (length !== 1) throw new Error(`RowValues: ${this.kind.function} takes one logit per row, got ${length}`);
      // The target is cast too, as a framework holding the targets in a tensor of the dtype does (analysis.ts addBinaryRow).
      this.binary.run(format.round(values[0]), target === undefined ? NaN : format.round(target));
      this.binaryOutput[0] = this.binary.outputs[this.kind.id - R.firstBinary];
      return this.binaryOutput;
    }
    if (this.needsTarget && target === this.ignoreIndex) {
      const count = this.scalar ? 1 : length;
      if (this.zeros.length < count) this.zeros = new Float64Array(count);
      return this.zeros;
    }
    if (this.cast.length < length) this.cast = new Float64Array(length);
    const cast = this.cast;
    for (let j = 0; j < length; j++) cast[j] = format.round(values[j]);
    if (this.temperature !== 1) for (let j = 0; j < length; j++) cast[j] = divideByTemperature(format, cast[j], this.temperature, this.quotient);
    const kernel = this.kernel!;
    kernel.run(cast, length, this.needsTarget ? target! : -1);
    return kernel.outputs[this.kind.id];
  }

  /** How many values `run` gives for a row of `length` logits. */
  count(length: number): number {
    return this.scalar ? 1 : length;
  }
}
