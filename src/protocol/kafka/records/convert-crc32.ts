// CRC-32 (IEEE, zlib's), the checksum of every magic 0/1 message, for the converters. Down-
// conversion checksums one short message per record, where zlib's native call costs more than the
// work: below NATIVE_MIN bytes a slicing-by-8 table loop runs instead (measured: 1.5-4x faster
// for 30-130 byte messages, even at 512 bytes, slower above). The table loop repeats crc32c.ts's
// with another polynomial on purpose: one closure factory for both measured 25-60% slower (closures
// made at one site share V8's feedback).
import {crc32 as zlibCrc32} from 'node:zlib'

const T = new Int32Array(8 * 256)
for (let n = 0; n < 256; n++) {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1
  T[n] = c
}
for (let n = 0; n < 256; n++) {
  let c = T[n]!
  for (let s = 1; s < 8; s++) {
    c = T[c & 0xff]! ^ (c >>> 8)
    T[s * 256 + n] = c
  }
}
const T0 = T.subarray(0, 256)
const T1 = T.subarray(256, 512)
const T2 = T.subarray(512, 768)
const T3 = T.subarray(768, 1024)
const T4 = T.subarray(1024, 1280)
const T5 = T.subarray(1280, 1536)
const T6 = T.subarray(1536, 1792)
const T7 = T.subarray(1792, 2048)

/** Pure-JS CRC-32 (slicing-by-8) over buf[start, end). */
export function crc32Js(buf: Uint8Array, start = 0, end = buf.length): number {
  let c = -1
  let i = start
  const end8 = end - ((end - start) & 7)
  for (; i < end8; i += 8) {
    const a = c ^ (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24))
    c = T7[a & 0xff]! ^ T6[(a >>> 8) & 0xff]! ^ T5[(a >>> 16) & 0xff]! ^ T4[a >>> 24]! ^ T3[buf[i + 4]!]! ^ T2[buf[i + 5]!]! ^ T1[buf[i + 6]!]! ^ T0[buf[i + 7]!]!
  }
  for (; i < end; i++) c = T0[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8)
  return ~c >>> 0
}

const NATIVE_MIN = 256

/** CRC-32 of buf[start, end) as an unsigned 32-bit number. */
export function crc32(buf: Buffer, start: number, end: number): number {
  if (end - start < NATIVE_MIN) return crc32Js(buf, start, end)
  return zlibCrc32(buf.subarray(start, end)) >>> 0
}
