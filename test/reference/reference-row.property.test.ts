// The oracle against decimal.js (60 digits) on generated rows: every LSE, logSoftmax_i and
// softmax_i within 2^-100 relative, at any magnitude (tiny values with their exponents). decimal.js takes up to 0.25 ms per exp, so the runs are
// sized to keep this file to a few seconds: many short rows, fewer long ones.
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import { ReferenceRow } from '../../src/reference/index.js';
import { checkRow, describeObserved } from './decimal-oracle.js';
import { nearZeroLseArbitrary, rowArbitrary, tinyLseArbitrary } from './generators.js';

const row = new ReferenceRow();

function check(x: Float64Array): void {
  row.compute(x, x.length);
  checkRow(row, x);
}

describe('ReferenceRow against decimal.js', () => {
  afterAll(() => {
    console.log(`reference: largest relative errors seen: ${describeObserved()}`);
  });

  it('short rows (K 1..12, logits up to 1e4, spreads up to 2000)', () => {
    fc.assert(fc.property(rowArbitrary({ minLength: 1, maxLength: 12, maxMagnitude: 1e4, maxSpread: 2000 }), check), { numRuns: 1500 });
  });

  it('medium rows (K 13..300)', () => {
    fc.assert(fc.property(rowArbitrary({ minLength: 13, maxLength: 300, maxMagnitude: 1e4, maxSpread: 2000 }), check), { numRuns: 100 });
  });

  it('large rows (K 300..2000)', () => {
    fc.assert(fc.property(rowArbitrary({ minLength: 300, maxLength: 2000, maxMagnitude: 1e4, maxSpread: 2000 }), check), { numRuns: 8 });
  });

  it('long rows (K up to 5000)', () => {
    fc.assert(fc.property(rowArbitrary({ minLength: 4000, maxLength: 5000, maxMagnitude: 1e4, maxSpread: 2000 }), check), { numRuns: 3 });
  });

  it('rows of small logits, where m < 0 and LSE may cancel', () => {
    fc.assert(fc.property(rowArbitrary({ minLength: 2, maxLength: 20, maxMagnitude: 3, maxSpread: 10 }), check), { numRuns: 1000 });
  });

  it('rows whose LSE is near 0 (log-probabilities, and LSE within 1e-6 of 0)', () => {
    fc.assert(fc.property(nearZeroLseArbitrary(40), check), { numRuns: 800 });
  });

  it('rows whose LSE and logSoftmax at the maximum are below 2^-960 (m 0 or tiny, the rest 620 or more below)', () => {
    fc.assert(fc.property(tinyLseArbitrary(8), check), { numRuns: 400 });
  });
});
