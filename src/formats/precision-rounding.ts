/**
 * Rounds a float64 to a binary format of precision p <= 53 (float16, bfloat16, float32, and
 * float64 itself with splitter 2), to nearest with ties to even, gradual underflow and overflow
 * to +-Infinity, straight from the float64 (no double rounding through float32).
 *
 * Normal range: Veltkamp's splitting (Dekker 1971): with splitter = 2^(53-p) + 1,
 * t = splitter * x and t - (t - x) is x rounded to p significant bits, to nearest even (Boldo,
 * "Pitfalls of a full floating-point proof", IJCAR 2006, for the tie case); it is symmetric in
 * the sign, so no Math.abs is needed on the fast path. Below the normal range: an exact
 * round-half-even to the subnormal quantum. test/formats checks every value, neighbour and
 * midpoint of both 16-bit formats against exact BigInt rounding.
 *
 * Written by hand rather than taken from @petamoriken/float16 (whose f16round uses the same
 * method): every operation of the kernels is rounded, f16round measured 8.2 ns a call against
 * about 1.5 ns here (Node 20), and one function for all four formats keeps the kernels' call
 * sites monomorphic, so V8 inlines it (a polymorphic call returning a double boxes it on the
 * heap: the kernels then spent a third of their time in the garbage collector).
 */
const TWO_POW_52 = 4503599627370496;

export function roundToPrecision(x: number, splitter: number, minNormal: number, maxFinite: number, subnormalQuantum: number): number {
  const t = splitter * x;
  const rounded = t - (t - x);
  // One test for the common case: a normal, finite result from a normal input. NaN fails it.
  const magnitude = Math.abs(x);
  if (Math.abs(rounded) <= maxFinite && magnitude >= minNormal) return rounded;
  if (magnitude < minNormal && x !== 0) {
    // The subnormal range, here rather than in a function of its own: in float16 and bfloat16
    // many exponentials land there, and a call that V8 does not inline boxes its argument.
    // Rounding to a multiple of the quantum q, ties to even, by adding and taking away
    // C = 2^52 q, whose spacing is q (exact: C is a power of two; |x| < minNormal < C / 2).
    // A multiplication where a division by q would also do, at several times the cost.
    const magic = subnormalQuantum * TWO_POW_52;
    const roundedMagnitude = magnitude + magic - magic;
    return x < 0 ? -roundedMagnitude : roundedMagnitude;
  }
  return roundOutsideNormalRange(x, minNormal, maxFinite);
}

/** NaN, zeros, float64 values above 2^1023 (where splitter * x overflows), and overflow. */
function roundOutsideNormalRange(x: number, minNormal: number, maxFinite: number): number {
  if (x !== x || x === 0) return x; // NaN, and zeros keep their sign
  const magnitude = Math.abs(x);
  if (magnitude <= maxFinite && magnitude >= minNormal) return x;
  // Past the overflow midpoint (for a narrow format, splitter * x overflowing is far past it).
  return x < 0 ? -Infinity : Infinity;
}
