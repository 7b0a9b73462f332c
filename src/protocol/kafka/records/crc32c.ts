// CRC-32C (Castagnoli), the checksum of RecordBatch v2, checked on every appended batch. Three
// implementations, the first that loads wins:
//   native   ktool's addon (native/crc32c.c, built at install): the SSE4.2 crc32 instruction on three
//            interleaved lanes, about 19 GB/s here;
//   node-rs  @node-rs/crc32's prebuilt binary (a single chain, about 5 GB/s here), for installs where
//            the addon could not be built;
//   js       slicing-by-8 tables below (about 1 GB/s), also the cross-check in the tests.
// KTOOL_CRC32C=native|node-rs|js forces one (benchmarks and tests compare them).
import {existsSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

export type Crc32cImplementation = 'native' | 'node-rs' | 'js'
type NativeCrc = (input: Uint8Array, crc?: number) => number

const CHECK = Buffer.from('123456789')

/** A binary that does not give the Castagnoli check value must not silently corrupt batches. */
function checked(fn: unknown): NativeCrc | null {
  return typeof fn === 'function' && (fn as NativeCrc)(CHECK) === 0xe3069283 ? (fn as NativeCrc) : null
}

/** The addon, looked up from this module's directory upwards (dist/, src/ or a bundle chunk). */
function loadAddon(): NativeCrc | null {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let up = 0; up < 6; up++, dir = dirname(dir)) {
    const file = join(dir, 'native/build/Release/ktool_crc32c.node')
    if (!existsSync(file)) continue
    try {
      const mod = createRequire(import.meta.url)(file) as {crc32c?: unknown; hardware?: boolean}
      return mod.hardware ? checked(mod.crc32c) : null
    } catch {
      return null
    }
  }
  return null
}

function loadNodeRs(): NativeCrc | null {
  try {
    return checked((createRequire(import.meta.url)('@node-rs/crc32') as {crc32c?: unknown}).crc32c)
  } catch {
    return null
  }
}

function load(): {implementation: Crc32cImplementation; fn: NativeCrc | null} {
  const forced = process.env.KTOOL_CRC32C
  if (forced === 'js') return {implementation: 'js', fn: null}
  const addon = forced === 'node-rs' ? null : loadAddon()
  if (addon) return {implementation: 'native', fn: addon}
  const nodeRs = forced === 'native' ? null : loadNodeRs()
  return nodeRs ? {implementation: 'node-rs', fn: nodeRs} : {implementation: 'js', fn: null}
}

// Loaded on the first checksum of a batch-sized input (a broker answering its first Metadata
// needs none).
let loaded: {implementation: Crc32cImplementation; fn: NativeCrc | null} | undefined

/** Which implementation checksums batch-sized inputs (loading it if not loaded yet). */
export function crc32cImplementation(): Crc32cImplementation {
  loaded ??= load()
  return loaded.implementation
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
  if (end - start < NATIVE_MIN) return crc32cJs(buf, start, end)
  const fn = (loaded ??= load()).fn
  if (fn === null) return crc32cJs(buf, start, end)
  return fn(start === 0 && end === buf.length ? buf : buf.subarray(start, end)) >>> 0
}
