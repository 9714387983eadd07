// Runs the CLI in-process with injected streams (commander's configureOutput and our CliIO).
import { run } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], options: { stdin?: string; stdinIsTTY?: boolean; env?: NodeJS.ProcessEnv; stdoutIsTTY?: boolean } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const text = options.stdin;
  async function* stdinChunks(): AsyncGenerator<Uint8Array> {
    if (text !== undefined) yield new TextEncoder().encode(text);
  }
  const stdin = Object.assign(stdinChunks(), { isTTY: options.stdinIsTTY ?? text === undefined });
  const io: CliIO = {
    stdout: { write: (chunk: string) => ((stdout += chunk), true), isTTY: options.stdoutIsTTY ?? false },
    stderr: { write: (chunk: string) => ((stderr += chunk), true), isTTY: false },
    stdin,
    env: options.env ?? {},
  };
  const status = await run(args, io);
  return { status, stdout, stderr };
}
