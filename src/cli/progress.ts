import cliProgress from 'cli-progress';
import type { CliIO } from './io.js';

/**
 * A progress bar on stderr for long runs at a terminal: rows, MB/s, and percent and ETA when the
 * input's size is known. Never in pipes (stderr not a terminal), in CI (CI set), or when the
 * report itself is JSON; NO_COLOR does not matter (the bar has no colour).
 */
export function progressWanted(io: CliIO, reportFormat: string): boolean {
  return Boolean(io.stderr.isTTY) && !io.env.CI && reportFormat !== 'json';
}

export class Progress {
  private bar: cliProgress.SingleBar | null = null;
  private readonly started: number;
  private bytes = 0;
  private rows = 0;
  private lastDraw = 0;

  constructor(
    private readonly io: CliIO,
    private readonly label: string,
    private readonly totalBytes: number | undefined,
    /** false for inputs read at offsets (tensors): the bar then shows rows only. */
    private readonly countsBytes = true,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
  }

  /** Counts the bytes of a stream as they are read. */
  count(bytes: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
    return countBytes(bytes, (n) => this.bytesRead(n));
  }

  bytesRead(count: number): void {
    this.bytes += count;
  }

  /** Called per batch; draws at most every 200 ms, and only once a run has lasted a second. */
  rowsDone(rows: number): void {
    this.rows += rows;
    const now = this.now();
    if (now - this.started < 1000 || now - this.lastDraw < 200) return;
    this.lastDraw = now;
    const megabytesPerSecond = (this.bytes / 1e6 / ((now - this.started) / 1000)).toFixed(1);
    if (this.bar === null) {
      const known = this.totalBytes !== undefined && this.totalBytes > 0;
      this.bar = new cliProgress.SingleBar(
        {
          stream: this.io.stderr as NodeJS.WritableStream,
          format: known
            ? `${this.label} {bar} {percentage}% | {rows} rows | {speed} MB/s | ETA {eta_formatted}`
            : this.countsBytes
              ? `${this.label} {rows} rows | {value} bytes | {speed} MB/s`
              : `${this.label} {rows} rows`,
          hideCursor: true,
          clearOnComplete: true,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(known ? this.totalBytes! : 0, 0, { rows: 0, speed: '0' });
    }
    this.bar.update(this.bytes, { rows: this.rows, speed: megabytesPerSecond });
  }

  stop(): void {
    this.bar?.stop();
  }
}

/** A stream that reports the size of each chunk as it passes. */
export async function* countBytes(bytes: AsyncIterable<Uint8Array>, onChunk: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  for await (const chunk of bytes) {
    onChunk(chunk.length);
    yield chunk;
  }
}
