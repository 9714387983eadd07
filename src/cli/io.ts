// What the CLI touches of the outside world, injectable so most tests run in-process.

import { WriteError } from '../errors.js';

export interface OutputStream {
  /**
   * Node's Writable.write. On stdout, `done` must be called once the chunk is written or has
   * failed (Node's streams do): that is how a failed write is told apart from a finished one.
   */
  write(chunk: string, done?: (error?: Error | null) => void): boolean;
  isTTY?: boolean;
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

/**
 * What a failed write of `what` to `where` is for the user: the reader went away (EPIPE: quiet,
 * status 0), or a WriteError (one line, status 2). An error without a system code is a bug and
 * passes through unchanged.
 */
export function writeFailure(what: string, where: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'EPIPE') return new BrokenPipe();
  if (typeof code === 'string' && error instanceof Error) return new WriteError(what, where, error);
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Writes `what` (the report, the values, ...) to stdout. Each write resolves once the stream has
 * taken the chunk, so the caller waits for a slow reader, and rejects with the write's own
 * failure (BrokenPipe or WriteError): a stream reports a failed write asynchronously, after
 * write() has returned, so without waiting the failure would come after the run had ended.
 */
export class Output {
  private failure: Error | null = null;
  /** Why the stream failed, for the writes it then refuses with a generic ERR_STREAM_DESTROYED. */
  private streamError: NodeJS.ErrnoException | null = null;
  /** The last write, settled either way: writes complete in order, so this is all of them. */
  private last: Promise<void> = Promise.resolve();

  constructor(
    private readonly stream: OutputStream,
    private readonly what: string,
  ) {
    // A stream also emits its failure as 'error', which ends the process with a stack trace if
    // nobody listens; the failed write's callback is what reports it.
    stream.on?.('error', (error) => {
      this.streamError ??= error;
    });
  }

  /** `what` names this text when it is not the stream's usual one (commander's version line). */
  write(text: string, what = this.what): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const written = new Promise<void>((resolve, reject) => {
      this.stream.write(text, (error) => {
        if (!error) return resolve();
        const cause = (error as NodeJS.ErrnoException).code === 'ERR_STREAM_DESTROYED' ? (this.streamError ?? error) : error;
        this.failure ??= writeFailure(what, 'stdout', cause);
        reject(this.failure);
      });
    });
    this.last = written.then(
      () => undefined,
      () => undefined,
    );
    return written;
  }

  /** For a writer that cannot wait (commander's help): its failure is thrown by settled(). */
  writeLater(text: string, what = this.what): void {
    this.write(text, what).catch(() => undefined);
  }

  /** Resolves once every write has completed; throws the first failure. */
  async settled(): Promise<void> {
    await this.last;
    if (this.failure) throw this.failure;
  }
}
