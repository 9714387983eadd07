// targetProblem (src/input/targets.ts): what a row's label may be. The bounds are PyTorch's:
// F.cross_entropy takes a class index in [0, K) or its ignore_index; binary_cross_entropy_with_logits
// a target in [0, 1], with no ignore index.

import { describe, expect, test } from 'vitest';
import { binaryProblem, isBinary, targetProblem } from '../../src/input/targets.js';

describe('targetProblem: class indices (K >= 2)', () => {
  test('every integer in [0, K) is a label; K itself and -1 are not', () => {
    for (const k of [2, 3, 10]) {
      for (let y = 0; y < k; y++) expect(targetProblem(y, k, false, undefined)).toBeUndefined();
      expect(targetProblem(k, k, false, undefined)).toBe(`label ${k} is outside [0, ${k}) (${k} classes)`);
    }
    expect(targetProblem(-1, 10, false, undefined)).toBe('label -1 is outside [0, 10) (10 classes) (rows without a label: pass --ignore-index -1)');
    // -0 is the integer 0 (a float array's -0.0 read as a class index).
    expect(targetProblem(-0, 2, false, undefined)).toBeUndefined();
  });

  test('a non-integer, NaN or an infinity is never a class index', () => {
    expect(targetProblem(2.5, 10, false, undefined)).toBe('label 2.5 is not an integer (a class index in [0, 10))');
    expect(targetProblem(NaN, 10, false, undefined)).toBe('label nan is not an integer (a class index in [0, 10))');
    expect(targetProblem(Infinity, 10, false, undefined)).toBe('label inf is not an integer (a class index in [0, 10))');
    expect(targetProblem(-Infinity, 10, false, -100)).toBe('label -inf is not an integer (a class index in [0, 10))');
    // 2^53 + 2 is an integer far outside.
    expect(targetProblem(2 ** 53 + 2, 10, false, undefined)).toBe('label 9007199254740994 is outside [0, 10) (10 classes)');
  });

  test('the ignore index is accepted exactly, and only it', () => {
    expect(targetProblem(-100, 10, false, -100)).toBeUndefined();
    expect(targetProblem(-99, 10, false, -100)).toBe('label -99 is outside [0, 10) (10 classes)');
    // An ignore index inside [0, K) makes that class the ignored one, as in PyTorch.
    expect(targetProblem(3, 10, false, 3)).toBeUndefined();
  });
});

describe('targetProblem: binary targets (K = 1 or --binary)', () => {
  test('every real in [0, 1] is a target, the ends included', () => {
    for (const y of [0, 1, 0.5, 0.25, Number.MIN_VALUE, 1 - 2 ** -53]) expect(targetProblem(y, 1, true, undefined)).toBeUndefined();
  });

  test('outside [0, 1], NaN, and the ignore index (which binary targets do not have) are refused', () => {
    expect(targetProblem(1 + 2 ** -52, 1, true, undefined)).toBe('target 1.0000000000000002 is outside [0, 1] (binary logits: one logit per row, a target in [0, 1])');
    expect(targetProblem(-0.5, 1, true, undefined)).toBe('target -0.5 is outside [0, 1] (binary logits: one logit per row, a target in [0, 1])');
    expect(targetProblem(NaN, 1, true, undefined)).toBe('target nan is outside [0, 1] (binary logits: one logit per row, a target in [0, 1])');
    expect(targetProblem(-100, 1, true, -100)).toBe('target -100 is the --ignore-index, which does not apply to binary logits: every row needs a target in [0, 1]');
  });
});

describe('binary logits', () => {
  test('isBinary: --binary, or one logit per row', () => {
    expect(isBinary(undefined, 1)).toBe(true);
    expect(isBinary(true, 1)).toBe(true);
    expect(isBinary(undefined, 2)).toBe(false);
    expect(isBinary(false, 1)).toBe(true);
  });

  test('binaryProblem: --binary needs K = 1', () => {
    expect(binaryProblem(true, 1, 'in.csv')).toBeUndefined();
    expect(binaryProblem(undefined, 3, 'in.csv')).toBeUndefined();
    expect(binaryProblem(true, 3, 'in.csv')).toBe('--binary: in.csv has 3 logits per row; binary logits are one per row (leave out --binary for 3 classes)');
  });
});
