// CRC-32 as zip archives store it (PKWARE APPNOTE 4.4.7; the ISO-HDLC CRC of zlib and
// Python's zlib.crc32): polynomial 0x04C11DB7 bit-reversed (0xEDB88320), initial value and
// final XOR 0xFFFFFFFF. One table lookup per byte: fast enough here, since inflating and
// above all analysing the logits cost far more per byte. (node:zlib has crc32 only from
// Node 20.15; the package supports every Node 20.)

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let byte = 0; byte < 256; byte++) {
    let crc = byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
    table[byte] = crc;
  }
  return table;
})();

/** The CRC-32 of `bytes`, continuing from `previous` (the CRC-32 of the bytes before them; 0 to start). */
export function crc32(bytes: Uint8Array, previous = 0): number {
  let crc = ~previous;
  for (let index = 0; index < bytes.length; index++) crc = TABLE[(crc ^ bytes[index]) & 0xff] ^ (crc >>> 8);
  return ~crc >>> 0;
}
