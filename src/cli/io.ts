// What the CLI touches of the outside world, injectable so most tests run in-process.

export interface OutputStream {
  write(chunk: string): boolean;
  isTTY?: boolean;
  once?(event: 'drain', listener: () => void): unknown;
  on?(event: 'error', listener: (error: NodeJS.ErrnoException) => void): unknown;
}

export interface CliIO {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin: AsyncIterable<Uint8Array> & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

/** Thrown when the reader of stdout went away (`| head`): the run ends quietly with status 0. */
export class BrokenPipe extends Error {}

/** Writes with backpressure; a closed pipe becomes BrokenPipe. */
export class Output {
  private broken = false;
  /** Resolves a write that waits for 'drain', which never comes once the reader is gone. */
  private wakeWaiter: (() => void) | null = null;

  constructor(private readonly stream: OutputStream) {
    stream.on?.('error', (error) => {
      if (error.code !== 'EPIPE') throw error;
      this.broken = true;
      this.wakeWaiter?.();
    });
  }

  async write(text: string): Promise<void> {
    if (this.broken) throw new BrokenPipe();
    const ok = this.stream.write(text);
    if (!ok && this.stream.once) {
      await new Promise<void>((resolve) => {
        this.wakeWaiter = resolve;
        this.stream.once!('drain', resolve);
      });
      this.wakeWaiter = null;
    }
    if (this.broken) throw new BrokenPipe();
  }
}
