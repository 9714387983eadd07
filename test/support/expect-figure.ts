// Assertions whose failure says what STYLE.md asks for: the input, what was got, what was
// expected, the difference and the tolerance (vitest's toBe shows only the last three values).

function show(value: number): string {
  return Object.is(value, -0) ? '-0' : String(value);
}

function showInput(input: unknown): string {
  if (typeof input === 'string') return input;
  if (typeof input === 'number') return show(input);
  if (Array.isArray(input) || ArrayBuffer.isView(input)) return `[${Array.from(input as ArrayLike<unknown>, showInput).join(', ')}]`;
  return JSON.stringify(input);
}

/** Throws unless |got - expected| <= tolerance (NaN matches only NaN; an infinity only itself; +0 and -0 match). */
export function expectFigure(what: string, input: unknown, got: number, expected: number, tolerance = 0): void {
  if (got === expected || (Number.isNaN(got) && Number.isNaN(expected))) return;
  const difference = got - expected;
  if (Math.abs(difference) <= tolerance) return;
  throw new Error(
    [
      `${what}: outside the tolerance`,
      `  input      ${showInput(input)}`,
      `  got        ${show(got)}`,
      `  expected   ${show(expected)}`,
      `  difference ${show(difference)}`,
      `  tolerance  ${tolerance}`,
    ].join('\n'),
  );
}

/** Throws unless the two lists of names hold the same names (order aside); the difference lists what is missing and what is extra. */
export function expectNames(what: string, input: unknown, got: readonly string[], expected: readonly string[]): void {
  const missing = expected.filter((name) => !got.includes(name));
  const extra = got.filter((name) => !expected.includes(name));
  if (missing.length === 0 && extra.length === 0) return;
  throw new Error(
    [
      `${what}: not the expected set`,
      `  input      ${showInput(input)}`,
      `  got        [${[...got].sort().join(', ')}]`,
      `  expected   [${[...expected].sort().join(', ')}]`,
      `  difference missing [${missing.join(', ')}], extra [${extra.join(', ')}]`,
      `  tolerance  none (exact match)`,
    ].join('\n'),
  );
}
