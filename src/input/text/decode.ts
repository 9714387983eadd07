// Bytes to text, chunk by chunk: UTF-8 (the only encoding the text formats are read in).
//
// Malformed UTF-8 is not an error here: it becomes U+FFFD, which no number contains, so a bad
// byte inside a logit is reported by the parser with its line and column (a byte offset would
// be harder to use). A UTF-16 byte order mark (Excel's "Unicode text") is refused up front,
// since decoding it as UTF-8 would only produce a confusing error on the first field.

import { InputError } from '../../errors.js';

export async function* decodeUtf8(name: string, bytes: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
  // The first two bytes, gathered whatever the chunking, to look for a UTF-16 byte order mark.
  let head: Uint8Array | undefined = new Uint8Array(0);
  for await (const chunk of bytes) {
    let input = chunk;
    if (head !== undefined) {
      input = concat(head, chunk);
      if (input.length < 2) {
        head = input;
        continue;
      }
      refuseUtf16(name, input);
      head = undefined;
    }
    const text = decoder.decode(input, { stream: true });
    if (text !== '') yield text;
  }
  if (head !== undefined && head.length > 0) {
    const text = decoder.decode(head, { stream: true });
    if (text !== '') yield text;
  }
  const rest = decoder.decode();
  if (rest !== '') yield rest;
}

function refuseUtf16(name: string, start: Uint8Array): void {
  if ((start[0] === 0xff && start[1] === 0xfe) || (start[0] === 0xfe && start[1] === 0xff)) {
    throw new InputError({ file: name, byteOffset: 0 }, 'the input is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8');
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}
