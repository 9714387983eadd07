// Benchmark inputs written with Node (no Python): normal(0, 8) logits from a seeded PRNG
// (mulberry32, Box-Muller), as CSV text or as a .npy array (float16, float32 or float64,
// little-endian, C order). The same seed gives the same values in every format, so a file can
// be rebuilt on any machine. Used by bench/cost-per-logit.mjs.
import { closeSync, openSync, statSync, writeSync } from 'node:fs';

export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296; // in (0, 1): log() is finite
  };
}

/** A stream of normal(0, 8) values from mulberry32(seed), two per Box-Muller step. */
export function normalLogits(seed) {
  const uniform = mulberry32(seed);
  let spare = NaN;
  return () => {
    if (!Number.isNaN(spare)) {
      const v = spare;
      spare = NaN;
      return v * 8;
    }
    const radius = Math.sqrt(-2 * Math.log(uniform()));
    const angle = 2 * Math.PI * uniform();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle) * 8;
  };
}

/** Writes `rows` rows of K logits as CSV (`digits` significant digits, a header line c0,...). Returns the size in bytes. */
export function writeLogitsCsv(path, { seed, rows, k, digits = 6 }) {
  const next = normalLogits(seed);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, Array.from({ length: k }, (_, j) => `c${j}`).join(',') + '\n');
    const fields = new Array(k);
    let pending = [];
    let pendingChars = 0;
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < k; j++) fields[j] = next().toPrecision(digits);
      const line = fields.join(',') + '\n';
      pending.push(line);
      pendingChars += line.length;
      if (pendingChars > 4_000_000) {
        writeSync(fd, pending.join(''));
        pending = [];
        pendingChars = 0;
      }
    }
    writeSync(fd, pending.join(''));
  } finally {
    closeSync(fd);
  }
  return statSync(path).size;
}

const NPY_DESCR = { float16: '<f2', float32: '<f4', float64: '<f8' };
const ITEM_BYTES = { float16: 2, float32: 4, float64: 8 };

/** The float16 nearest to a finite double (ties to even; past the largest finite value, infinity), as its bits. */
export function float16Bits(value) {
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const magnitude = Math.abs(value);
  let exponent = Math.floor(Math.log2(magnitude));
  if (2 ** exponent > magnitude) exponent--; // log2 may round up just below a power of two
  if (2 ** (exponent + 1) <= magnitude) exponent++;
  exponent = Math.max(exponent, -14); // subnormals share the spacing of the lowest binade
  const quotient = magnitude / 2 ** (exponent - 10); // exact: a division by a power of two
  let steps = Math.floor(quotient);
  const rest = quotient - steps;
  if (rest > 0.5 || (rest === 0.5 && steps % 2 === 1)) steps++;
  if (steps === 2048) {
    exponent++;
    steps = 1024;
  }
  if (exponent > 15) return sign | 0x7c00;
  if (steps < 1024) return sign | steps; // subnormal
  return sign | ((exponent + 15) << 10) | (steps - 1024);
}

/** Writes a .npy of shape (rows, k): the logits rounded to `dtype` (float16 ties to even). Returns the size in bytes. */
export function writeLogitsNpy(path, { seed, rows, k, dtype }) {
  const next = normalLogits(seed);
  let header = `{'descr': '${NPY_DESCR[dtype]}', 'fortran_order': False, 'shape': (${rows}, ${k}), }`;
  // Version 1.0: magic, version, uint16 length; the header padded with spaces so the data starts at a multiple of 64.
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const preamble = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(preamble);
  preamble.writeUInt16LE(header.length, 8);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, Buffer.concat([preamble, Buffer.from(header, 'latin1')]));
    const row = Buffer.alloc(k * ITEM_BYTES[dtype]);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < k; j++) {
        const value = next();
        if (dtype === 'float16') row.writeUInt16LE(float16Bits(value), 2 * j);
        else if (dtype === 'float32') row.writeFloatLE(value, 4 * j);
        else row.writeDoubleLE(value, 8 * j);
      }
      writeSync(fd, row);
    }
  } finally {
    closeSync(fd);
  }
  return statSync(path).size;
}
