/**
 * The header of a .npy file (format version 1.0): magic, version, header length, and the dict
 * literal padded with spaces to a multiple of 64 bytes, ending in a newline
 * (numpy/lib/format.py). `minimumLength` lets a streaming writer reserve room for a final shape
 * it does not know yet and rewrite the header in place with the same length.
 */
export function npyHeader(descr: string, shape: number[], minimumLength = 0): Uint8Array {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const prefixLength = 10; // magic (6) + version (2) + header length (2)
  let total = prefixLength + dict.length + 1; // + '\n'
  total = Math.max(total, minimumLength);
  total = Math.ceil(total / 64) * 64;
  const headerLength = total - prefixLength;
  if (headerLength > 0xffff) throw new RangeError('npy header too long for format version 1.0');
  const bytes = new Uint8Array(total);
  bytes.set([0x93, ...Array.from('NUMPY', (c) => c.charCodeAt(0)), 1, 0, headerLength & 0xff, headerLength >> 8]);
  const text = dict.padEnd(headerLength - 1, ' ') + '\n';
  for (let i = 0; i < text.length; i++) bytes[prefixLength + i] = text.charCodeAt(i);
  return bytes;
}
