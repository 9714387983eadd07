import { describe, expect, test } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { Progress, progressWanted } from '../../src/cli/progress.js';

function io(stderrIsTTY: boolean, env: NodeJS.ProcessEnv = {}): CliIO & { written: () => string } {
  let written = '';
  const stderr = { write: (chunk: string) => ((written += chunk), true), isTTY: stderrIsTTY, cursorTo: () => true, clearLine: () => true, moveCursor: () => true, columns: 100, on: () => stderr, removeListener: () => stderr };
  return {
    stdout: { write: () => true },
    stderr,
    stdin: Object.assign((async function* () {})(), { isTTY: true }),
    env,
    written: () => written,
  } as never;
}

describe('progress bar', () => {
  test('only on a terminal, never in CI or for JSON reports', () => {
    expect(progressWanted(io(true), 'table')).toBe(true);
    expect(progressWanted(io(true), 'markdown')).toBe(true);
    expect(progressWanted(io(false), 'table')).toBe(false);
    expect(progressWanted(io(true, { CI: 'true' }), 'table')).toBe(false);
    expect(progressWanted(io(true), 'json')).toBe(false);
  });

  test('draws rows, percent and speed once a run has lasted a second', async () => {
    let clock = 0;
    const terminal = io(true);
    const progress = new Progress(terminal, 'big.csv', 2_000_000, true, () => clock);
    const bytes = progress.count(
      (async function* () {
        yield new Uint8Array(1_000_000);
      })(),
    );
    for await (const chunk of bytes) expect(chunk.length).toBe(1_000_000);
    progress.rowsDone(500);
    expect(terminal.written()).toBe(''); // too early: short runs show nothing
    clock = 2000;
    progress.rowsDone(500);
    progress.stop();
    expect(terminal.written()).toMatch(/big\.csv .* 50% \| 1000 rows \| 0\.5 MB\/s/);
  });
});
