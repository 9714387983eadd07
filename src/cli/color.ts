import type { CliIO } from './io.js';

/**
 * Colour only on a terminal, unless the environment says otherwise (https://no-color.org and
 * the FORCE_COLOR convention): NO_COLOR set and non-empty turns it off; FORCE_COLOR set turns it
 * on (FORCE_COLOR=0 or false turns it off). chalk alone honours FORCE_COLOR but not NO_COLOR,
 * so the decision is made here and passed to the renderers.
 */
export function useColor(io: CliIO, forStdout = true): boolean {
  const { NO_COLOR, FORCE_COLOR } = io.env;
  if (NO_COLOR !== undefined && NO_COLOR !== '') return false;
  if (FORCE_COLOR !== undefined) return !(FORCE_COLOR === '0' || FORCE_COLOR.toLowerCase() === 'false');
  return Boolean((forStdout ? io.stdout : io.stderr).isTTY);
}
