import { Bfloat16Format } from './bfloat16.js';
import { Float16Format } from './float16.js';
import { Float32Format } from './float32.js';
import { Float64Format } from './float64.js';
import type { Dtype, Format } from './format.js';

export type { Dtype, ExpThresholds, Format } from './format.js';
export { DTYPES } from './format.js';
export { roundDoubleDouble, roundScaledDoubleDouble } from './round-double-double.js';

export const float64: Format = new Float64Format();
export const float32: Format = new Float32Format();
export const float16: Format = new Float16Format();
export const bfloat16: Format = new Bfloat16Format();

export const FORMATS: Readonly<Record<Dtype, Format>> = { float64, float32, float16, bfloat16 };

/** A dtype by its name or alias (f64, f32, f16, bf16), or undefined. */
export function findDtype(name: string): Dtype | undefined {
  const wanted = name.trim().toLowerCase();
  for (const format of Object.values(FORMATS)) {
    if (format.dtype === wanted || format.alias === wanted) return format.dtype;
  }
  return undefined;
}
