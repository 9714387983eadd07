import { BinaryFormat } from './binary-format.js';
import type { Dtype, Format } from './format.js';

export type { Dtype, ExpThresholds, Format } from './format.js';
export { DTYPES } from './format.js';
export { roundDoubleDouble, roundDoubleDoubleEach, roundScaledDoubleDouble } from './round-double-double.js';

// exp thresholds: SPEC §1, for a correctly rounded exp (20 digits).
/** IEEE binary64, the host format. */
export const float64: Format = new BinaryFormat('float64', 'f64', 53, -1022, 1023, {
  overflow: '709.78271289338399679',
  subnormal: '-708.39641853226410634',
  zero: '-745.13321910194120762',
});
/** IEEE binary32. */
export const float32: Format = new BinaryFormat('float32', 'f32', 24, -126, 127, {
  overflow: '88.722839081870676774',
  subnormal: '-87.336544810157755538',
  zero: '-103.97207708399179641',
});
/** IEEE binary16 (half precision). */
export const float16: Format = new BinaryFormat('float16', 'f16', 11, -14, 15, {
  overflow: '11.090110718526951036',
  subnormal: '-9.7045489283373432063',
  zero: '-17.328679513998632735',
});
/** bfloat16 (brain float): float32's exponent range with an 8-bit significand. */
export const bfloat16: Format = new BinaryFormat('bfloat16', 'bf16', 8, -126, 127, {
  overflow: '88.720884076837196255',
  subnormal: '-87.340458649874245316',
  zero: '-92.881722195032671462',
});

export const FORMATS: Readonly<Record<Dtype, Format>> = { float64, float32, float16, bfloat16 };

/** A dtype by its name or alias (f64, f32, f16, bf16), or undefined. */
export function findDtype(name: string): Dtype | undefined {
  const wanted = name.trim().toLowerCase();
  for (const format of Object.values(FORMATS)) {
    if (format.dtype === wanted || format.alias === wanted) return format.dtype;
  }
  return undefined;
}
