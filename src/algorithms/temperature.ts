import { roundDoubleDouble, type Format } from '../formats/index.js';

/** The exact quotient of a division, as a double-double (hi + lo). */
export interface Quotient {
  hi: number;
  lo: number;
}

// Dekker's product is written out here, not imported: src/algorithms shares no code with the
// oracle in src/reference (which has its own twoProd), so that one cannot hide the other's bug.
const SPLITTER = 134217729; // 2^27 + 1, Dekker's split of a float64

/**
 * logits / T in a format, as frameworks apply a temperature: c / T rounded once to the format
 * (returned), and the exact quotient as a double-double into `out` (hi = fl(c / T); lo the
 * rest, c - hi T computed exactly by Dekker's product, over T: within 2^-106 of the quotient
 * unless lo is subnormal, below 2^-969). `c` is a value of the format (the cast logit).
 */
export function divideByTemperature(format: Format, c: number, temperature: number, out: Quotient): number {
  const hi = c / temperature;
  let lo = 0;
  if (hi - hi === 0 && hi !== 0) {
    // hi T = p + e exactly (Dekker), and c - p is exact (p is within a factor 2 of c).
    const p = hi * temperature;
    let split = SPLITTER * hi;
    const hiBig = split - (split - hi);
    const hiSmall = hi - hiBig;
    split = SPLITTER * temperature;
    const tBig = split - (split - temperature);
    const tSmall = temperature - tBig;
    const e = ((hiBig * tBig - p) + hiBig * tSmall + hiSmall * tBig) + hiSmall * tSmall;
    lo = (c - p - e) / temperature;
  }
  out.hi = hi;
  out.lo = lo;
  return format.dtype === 'float64' ? hi : roundDoubleDouble(format, hi, lo);
}
