// A file as a stream of byte chunks, with the reasons a file cannot be read turned into
// InputErrors that name it (the CLI reports those with exit status 2, not as a crash).

import { createReadStream } from 'node:fs';
import { fileError } from '../tensor/tensor-file.js';

export async function* openFile(path: string): AsyncGenerator<Uint8Array> {
  // Opened on the first read, so an unreadable file fails when reading starts, like any bad input.
  const stream = createReadStream(path);
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (error) {
    throw fileError(path, error);
  } finally {
    stream.destroy();
  }
}
