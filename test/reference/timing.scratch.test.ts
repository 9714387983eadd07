import fc from 'fast-check';
import { it } from 'vitest';
import { ReferenceRow } from '../../src/reference/index.js';
import { decimalReference } from './decimal-oracle.js';
import { nearZeroLseArbitrary, rowArbitrary } from './generators.js';
it('timing', () => {
  const row = new ReferenceRow();
  for (const [name, arb, n] of [
    ['short', rowArbitrary({ minLength: 1, maxLength: 12, maxMagnitude: 1e4, maxSpread: 2000 }), 100],
    ['small', rowArbitrary({ minLength: 2, maxLength: 20, maxMagnitude: 3, maxSpread: 10 }), 100],
    ['near0', nearZeroLseArbitrary(40), 50],
  ] as const) {
    const rows = fc.sample(arb, { numRuns: n, seed: 1 });
    let t0 = performance.now();
    let worst = 0, worstRow: Float64Array | null = null;
    for (const x of rows) { const a = performance.now(); row.compute(x, x.length); const dt = performance.now() - a; if (dt > worst) { worst = dt; worstRow = x; } }
    const tc = performance.now() - t0;
    t0 = performance.now();
    let worstD = 0, worstDRow: Float64Array | null = null;
    for (const x of rows) { if (x.some(Number.isNaN)) continue; const a = performance.now(); decimalReference(x); const dt = performance.now() - a; if (dt > worstD) { worstD = dt; worstDRow = x; } }
    const td = performance.now() - t0;
    console.log(name, 'compute ms', tc.toFixed(1), 'worst', worst.toFixed(1), worstRow && Array.from(worstRow).slice(0,8), 'decimal ms', td.toFixed(1), 'worst', worstD.toFixed(1), worstDRow && Array.from(worstDRow).slice(0, 8));
  }
});
