/** No NaN, no +Infinity, some logit above -Infinity: the rows every figure is over (SPEC section 3). */
export function isOrdinary(x: Float64Array, length: number): boolean {
  let finite = false;
  for (let j = 0; j < length; j++) {
    const v = x[j];
    if (v !== v || v === Infinity) return false;
    if (v !== -Infinity) finite = true;
  }
  return finite;
}
