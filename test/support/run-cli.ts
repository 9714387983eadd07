// Runs the CLI in-process with injected streams (commander's configureOutput and our CliIO).
import { run } from '../../src/cli/main.js';
import type { CliIO, OutputStream } from '../../src/cli/io.js';

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Text is sent as UTF-8; bytes as they are. */
  stdin?: string | Uint8Array;
  /** stdin in chunks of this many bytes (default: one chunk), as a pipe may deliver it. */
  stdinChunkBytes?: number;
  stdinIsTTY?: boolean;
  env?: NodeJS.ProcessEnv;
  stdoutIsTTY?: boolean;
  /** A stream to write stdout to instead of the captured string (result.stdout is then ''). */
  stdout?: OutputStream;
}

export async function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const given = options.stdin;
  async function* stdinChunks(): AsyncGenerator<Uint8Array> {
    if (given === undefined) return;
    const bytes = typeof given === 'string' ? new TextEncoder().encode(given) : given;
    const size = options.stdinChunkBytes ?? Math.max(bytes.length, 1);
    for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, at + size);
  }
  const stdin = Object.assign(stdinChunks(), { isTTY: options.stdinIsTTY ?? given === undefined });
  const io: CliIO = {
    stdout: options.stdout ?? {
      // Like a Node stream, calls back once the chunk is taken (the CLI waits for that).
      write: (chunk: string, done?: (error?: Error | null) => void) => ((stdout += chunk), done?.(), true),
      isTTY: options.stdoutIsTTY ?? false,
    },
    stderr: { write: (chunk: string) => ((stderr += chunk), true), isTTY: false },
    stdin,
    env: options.env ?? {},
  };
  const status = await run(args, io);
  return { status, stdout, stderr };
}
