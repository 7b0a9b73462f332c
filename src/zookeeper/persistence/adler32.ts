// Adler-32 (java.util.zip.Adler32), the checksum of ZooKeeper's txn log entries and snapshots.
// zlib in Node exposes only crc32; this loop defers the modulo as zlib does (NMAX-style chunks).
export function adler32(buf: Uint8Array, adler = 1, start = 0, end = buf.length): number {
  let a = adler & 0xffff
  let b = adler >>> 16
  let i = start
  while (i < end) {
    const stop = Math.min(i + 3800, end)
    for (; i < stop; i++) {
      a += buf[i]!
      b += a
    }
    a %= 65521
    b %= 65521
  }
  return ((b << 16) | a) >>> 0
}
