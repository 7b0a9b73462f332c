// CRC-32C (Castagnoli), the checksum of RecordBatch v2. The native @node-rs/crc32 runs at GB/s on
// batch-sized inputs; when it cannot load (no prebuilt binary for the platform) we fall back to a
// pure-JS slicing-by-8 table version, which is also the cross-check in the tests.
import {createRequire} from 'node:module'

type NativeCrc = (input: Uint8Array, initialState?: number | null) => number

function loadNative(): NativeCrc | null {
  if (process.env.KTOOL_CRC32C_JS === '1') return null
  try {
    const mod = createRequire(import.meta.url)('@node-rs/crc32') as {crc32c?: NativeCrc}
    if (typeof mod.crc32c !== 'function') return null
    // Check value of the Castagnoli polynomial: a broken binary must not silently corrupt batches.
    return mod.crc32c(Buffer.from('123456789')) === 0xe3069283 ? mod.crc32c : null
  } catch {
    return null
  }
}

// Loaded on the first checksum of a batch-sized input (a broker answering its first Metadata
// needs none).
let native: NativeCrc | null | undefined

/** True when the native implementation is in use (loading it if not loaded yet). */
export function crc32cNative(): boolean {
  if (native === undefined) native = loadNative()
  return native !== null
}

const T = new Int32Array(8 * 256)
for (let n = 0; n < 256; n++) {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1
  T[n] = c
}
for (let n = 0; n < 256; n++) {
  let c = T[n]
  for (let s = 1; s < 8; s++) {
    c = T[c & 0xff] ^ (c >>> 8)
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

/** Pure-JS CRC-32C (slicing-by-8) over buf[start, end); `crc` continues a previous checksum. */
export function crc32cJs(buf: Uint8Array, start = 0, end = buf.length, crc = 0): number {
  let c = ~crc
  let i = start
  const end8 = end - ((end - start) & 7)
  for (; i < end8; i += 8) {
    const a = c ^ (buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24))
    c =
      T7[a & 0xff] ^
      T6[(a >>> 8) & 0xff] ^
      T5[(a >>> 16) & 0xff] ^
      T4[a >>> 24] ^
      T3[buf[i + 4]] ^
      T2[buf[i + 5]] ^
      T1[buf[i + 6]] ^
      T0[buf[i + 7]]
  }
  for (; i < end; i++) c = T0[(c ^ buf[i]) & 0xff] ^ (c >>> 8)
  return ~c >>> 0
}

// Below this size the N-API call overhead (~100 ns) costs more than the table loop.
const NATIVE_MIN = 128

/** CRC-32C of buf[start, end) as an unsigned 32-bit number. */
export function crc32c(buf: Uint8Array, start = 0, end = buf.length): number {
  if (start < 0 || end > buf.length || start > end) throw new RangeError(`crc32c range [${start}, ${end}) outside 0..${buf.length}`)
  if (end - start < NATIVE_MIN || !crc32cNative()) return crc32cJs(buf, start, end)
  return native!(start === 0 && end === buf.length ? buf : buf.subarray(start, end)) >>> 0
}
