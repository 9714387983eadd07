import fc from 'fast-check';
import { it } from 'vitest';
import { ReferenceRow } from '../../src/reference/index.js';
import { checkRow } from './decimal-oracle.js';
import { rowArbitrary } from './generators.js';
it('hunt', () => {
  const row = new ReferenceRow();
  const arb = rowArbitrary({ minLength: 1, maxLength: 12, maxMagnitude: 1e4, maxSpread: 2000 });
  for (let seed = 0; seed < 40; seed++) {
    const rows = fc.sample(arb, { numRuns: 2000, seed });
    for (const x of rows) {
      try { row.compute(x, x.length); checkRow(row, x); } catch (e) { console.log('seed', seed, (e as Error).message.slice(0, 1500)); console.log('kind', row.kind, row.lseHi, row.lseLo); return; }
    }
  }
});
