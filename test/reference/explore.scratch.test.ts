import { it } from 'vitest';
import { expDD, ScaledDD } from '../../src/reference/exp-dd.js';
import { log1pDD } from '../../src/reference/log-dd.js';
import { DD } from '../../src/reference/double-double.js';
import { Precise, exactDecimal, ddDecimal } from './decimal-oracle.js';
function rnd(seed: number) { let s = seed >>> 0; return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; }; }
it('exp errors', () => {
  const r = rnd(7); const out = new ScaledDD();
  let worst = 0; let worstArg = '';
  for (const [lo, hi, n] of [[-0.01, 0.01, 3000], [-2e4, 0, 3000], [-745, 0, 3000], [-1e6, -3e5, 200], [-1.3e9, -1e9, 100], [0, 13, 1000]] as const) {
    for (let i = 0; i < n; i++) {
      const dHi = lo + (hi - lo) * (r() + r() * 2 ** -32);
      const ulp = 2 ** (Math.floor(Math.log2(Math.abs(dHi))) - 52);
      const dLo = (r() - 0.5) * ulp;
      const s = dHi + dLo; const dl = dLo - (s - dHi);
      expDD(out, s, dl);
      const got = ddDecimal(out.hi, out.lo, out.exp2);
      const exp = Precise.exp(exactDecimal(s).plus(exactDecimal(dl)));
      const rel = got.minus(exp).div(exp).abs().log(2).toNumber();
      if (rel > -106 + worst || worst === 0) {}
      if (worst === 0 || rel > worst) { worst = rel; worstArg = `${s} ${dl}`; }
    }
    console.log('range', lo, hi, 'worst log2 rel', worst.toFixed(2), worstArg);
    worst = 0;
  }
});
it('log1p errors', () => {
  const r = rnd(9); const out = new DD();
  for (const [lo, hi, n] of [[1e-300, 1e-200, 300], [1e-20, 1e-10, 300], [0.01, 0.5, 2000], [0.5, 3, 2000], [3, 2e5, 2000]] as const) {
    let worst = -1000; let worstArg = '';
    for (let i = 0; i < n; i++) {
      const aHi = lo + (hi - lo) * r();
      const aLo = aHi * 2 ** -54 * (r() - 0.5);
      const s = aHi + aLo; const al = aLo - (s - aHi);
      log1pDD(out, s, al);
      const got = ddDecimal(out.hi, out.lo);
      const exp = Precise.ln(exactDecimal(s).plus(exactDecimal(al)).plus(1));
      const rel = got.minus(exp).div(exp).abs();
      const l = rel.isZero() ? -1000 : rel.log(2).toNumber();
      if (l > worst) { worst = l; worstArg = `${s} ${al}`; }
    }
    console.log('log1p range', lo, hi, 'worst log2 rel', worst.toFixed(2), worstArg);
  }
});
