// The five codecs of a batch's attributes bits 0-2, framed the way Kafka's Java client frames them:
//   gzip   RFC 1952 members (zlib), multi-member input accepted.
//   snappy raw snappy blocks, or xerial framing (what Java producers write): an 8-byte magic,
//          int32 version, int32 compatible version, then [int32 BE length][raw block] chunks.
//          We write raw: Java's SnappyInputStream falls back to raw when the magic is missing,
//          and librdkafka, kafka-python and kafkajs-snappy read both.
//   lz4    the LZ4 frame format with independent blocks (Java rejects dependent-block frames).
//   zstd   standard frames; frames without a content size (what streaming producers write) decode.
// The native packages load lazily on first use, so importing this module costs nothing at start-up.
// Every codec but zstd has a sync call; compress/decompress are async for zstd's sake only.
import {createRequire} from 'node:module'
import {gunzipSync, gzipSync} from 'node:zlib'
import {CorruptRecordError} from './errors.js'
import {xxh32} from './xxhash32.js'

export const CompressionType = {NONE: 0, GZIP: 1, SNAPPY: 2, LZ4: 3, ZSTD: 4} as const
export type CompressionType = (typeof CompressionType)[keyof typeof CompressionType]

/** Kafka's names (compression.type values), indexed by type. */
export const COMPRESSION_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const

export function compressionName(type: number): string {
  return COMPRESSION_NAMES[type] ?? `unknown(${type})`
}

/** Parses a compression.type name ('none', 'gzip', 'snappy', 'lz4', 'zstd'); throws on others. */
export function parseCompressionType(name: string): CompressionType {
  const i = (COMPRESSION_NAMES as readonly string[]).indexOf(name.trim().toLowerCase())
  if (i < 0) throw new Error(`unknown compression type '${name}' (expected one of ${COMPRESSION_NAMES.join(', ')})`)
  return i as CompressionType
}

/**
 * Decompressed output above this many bytes is refused unless the caller passes a larger limit,
 * so a small hostile batch cannot make the broker allocate gigabytes.
 */
export const DEFAULT_MAX_DECOMPRESSED = 256 * 1024 * 1024

export interface CompressOptions {
  /** gzip 1-9 (default 6, Java's Deflater default), zstd 1-22 (default 3, Kafka's default). */
  level?: number
  /** snappy only: write xerial framing instead of a raw block. */
  xerial?: boolean
}

const require = createRequire(import.meta.url)

interface SnappyMod {
  compressSync(b: Uint8Array): Buffer
  uncompressSync(b: Uint8Array, o: {asBuffer: true}): Buffer
}
interface Lz4Mod {
  compressFrameSync(b: Buffer): Buffer
  decompressFrameSync(b: Buffer): Buffer
}
interface ZstdMod {
  compress(b: Buffer, level?: number): Promise<Buffer>
  decompress(b: Buffer): Promise<Buffer>
}

const mods = new Map<string, unknown>()
function load<T>(name: string): T {
  let m = mods.get(name)
  if (m === undefined) {
    try {
      m = require(name)
    } catch (err) {
      throw new Error(`compression package ${name} failed to load: ${(err as Error).message}`)
    }
    mods.set(name, m)
  }
  return m as T
}
const snappy = (): SnappyMod => load<SnappyMod>('snappy')
const lz4 = (): Lz4Mod => load<Lz4Mod>('lz4-napi')
const zstd = (): ZstdMod => load<ZstdMod>('@mongodb-js/zstd')

const asBuffer = (b: Uint8Array): Buffer => (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength))

/** Compresses buf with the codec; NONE returns buf itself. Only zstd really waits. */
export async function compress(type: number, buf: Uint8Array, opts: CompressOptions = {}): Promise<Buffer> {
  if (type === CompressionType.ZSTD) return zstd().compress(asBuffer(buf), opts.level ?? 3)
  return compressSync(type, buf, opts)
}

/** Sync compression for every codec but zstd (whose package has no sync call). */
export function compressSync(type: number, buf: Uint8Array, opts: CompressOptions = {}): Buffer {
  switch (type) {
    case CompressionType.NONE:
      return asBuffer(buf)
    case CompressionType.GZIP:
      return gzipSync(buf, {level: opts.level ?? 6})
    case CompressionType.SNAPPY:
      return opts.xerial ? snappyXerialEncode(buf) : snappy().compressSync(buf)
    case CompressionType.LZ4:
      return lz4().compressFrameSync(asBuffer(buf))
    case CompressionType.ZSTD:
      throw new Error('zstd has no sync compression here; use compress()')
    default:
      throw new CorruptRecordError(`unknown compression type ${type}`)
  }
}

/**
 * Decompresses buf. Throws CorruptRecordError on malformed input or when the output would exceed
 * maxSize (checked before allocating where the format states the size: raw snappy, xerial chunks,
 * zstd frames with a content size; gzip is capped by zlib's maxOutputLength).
 */
export async function decompress(type: number, buf: Uint8Array, maxSize = DEFAULT_MAX_DECOMPRESSED): Promise<Buffer> {
  if (type !== CompressionType.ZSTD) return decompressSync(type, buf, maxSize)
  checkZstdContentSize(buf, maxSize)
  let out: Buffer
  try {
    out = await zstd().decompress(asBuffer(buf))
  } catch (err) {
    throw new CorruptRecordError(`zstd: ${(err as Error).message}`)
  }
  if (out.length > maxSize) throw new CorruptRecordError(`zstd output of ${out.length} bytes exceeds the ${maxSize}-byte limit`)
  return out
}

/** Sync decompression for every codec but zstd. */
export function decompressSync(type: number, buf: Uint8Array, maxSize = DEFAULT_MAX_DECOMPRESSED): Buffer {
  switch (type) {
    case CompressionType.NONE:
      return asBuffer(buf)
    case CompressionType.GZIP:
      try {
        return gunzipSync(buf, {maxOutputLength: maxSize})
      } catch (err) {
        const e = err as NodeJS.ErrnoException
        if (e.code === 'ERR_BUFFER_TOO_LARGE') throw new CorruptRecordError(`gzip output exceeds the ${maxSize}-byte limit`)
        throw new CorruptRecordError(`gzip: ${e.message}`)
      }
    case CompressionType.SNAPPY:
      return isXerial(buf) ? snappyXerialDecode(buf, maxSize) : snappyRaw(buf, 0, buf.length, maxSize)
    case CompressionType.LZ4: {
      let out: Buffer
      try {
        // Old Kafka wrote magic 0 frames with a miscomputed descriptor checksum; accept those too.
        out = lz4().decompressFrameSync(withLz4HeaderChecksum(asBuffer(buf), false))
      } catch (err) {
        throw new CorruptRecordError(`lz4: ${(err as Error).message}`)
      }
      // An LZ4 frame expands at most ~255x, so the input size already bounds the allocation.
      if (out.length > maxSize) throw new CorruptRecordError(`lz4 output of ${out.length} bytes exceeds the ${maxSize}-byte limit`)
      return out
    }
    case CompressionType.ZSTD:
      throw new Error('zstd has no sync decompression here; use decompress()')
    default:
      throw new CorruptRecordError(`unknown compression type ${type}`)
  }
}

// ---- snappy: raw blocks and xerial framing ----

export const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00])
const XERIAL_HEADER = 16
/** snappy-java's default block size, which Java producers use. */
const XERIAL_BLOCK = 32 * 1024

export function isXerial(buf: Uint8Array): boolean {
  if (buf.length < XERIAL_HEADER) return false
  for (let i = 0; i < 8; i++) if (buf[i] !== XERIAL_MAGIC[i]) return false
  return true
}

/** The uncompressed length a raw snappy block declares (its uvarint preamble), or -1 if malformed. */
function snappyDeclaredLength(buf: Uint8Array, start: number, end: number): number {
  let result = 0
  for (let shift = 0, i = start; i < end && shift <= 28; shift += 7, i++) {
    const b = buf[i]
    result += (b & 0x7f) * 2 ** shift
    if ((b & 0x80) === 0) return result
  }
  return -1
}

function snappyRaw(buf: Uint8Array, start: number, end: number, maxSize: number): Buffer {
  const declared = snappyDeclaredLength(buf, start, end)
  if (declared < 0) throw new CorruptRecordError('snappy: malformed length preamble')
  if (declared > maxSize) throw new CorruptRecordError(`snappy block declares ${declared} bytes, over the ${maxSize}-byte limit`)
  try {
    return snappy().uncompressSync(buf.subarray(start, end), {asBuffer: true})
  } catch (err) {
    throw new CorruptRecordError(`snappy: ${(err as Error).message}`)
  }
}

/** Decodes xerial-framed snappy (snappy-java's SnappyOutputStream), chunk by chunk. */
export function snappyXerialDecode(buf: Uint8Array, maxSize = DEFAULT_MAX_DECOMPRESSED): Buffer {
  if (!isXerial(buf)) throw new CorruptRecordError('snappy: missing xerial magic')
  const b = asBuffer(buf)
  const chunks: Buffer[] = []
  let total = 0
  let pos = XERIAL_HEADER
  while (pos < b.length) {
    if (pos + 4 > b.length) throw new CorruptRecordError(`snappy: truncated xerial chunk length at ${pos}`)
    const len = b.readInt32BE(pos)
    pos += 4
    if (len < 0 || pos + len > b.length) throw new CorruptRecordError(`snappy: xerial chunk of ${len} bytes at ${pos - 4} runs past the ${b.length}-byte input`)
    const chunk = snappyRaw(b, pos, pos + len, maxSize - total)
    total += chunk.length
    chunks.push(chunk)
    pos += len
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total)
}

/** Encodes snappy with xerial framing, in 32 KiB blocks like snappy-java. */
export function snappyXerialEncode(buf: Uint8Array): Buffer {
  const s = snappy()
  const parts: Buffer[] = []
  const header = Buffer.alloc(XERIAL_HEADER)
  XERIAL_MAGIC.copy(header, 0)
  header.writeInt32BE(1, 8)
  header.writeInt32BE(1, 12)
  parts.push(header)
  let total = XERIAL_HEADER
  for (let pos = 0; pos < buf.length; pos += XERIAL_BLOCK) {
    const block = s.compressSync(buf.subarray(pos, Math.min(pos + XERIAL_BLOCK, buf.length)))
    const len = Buffer.alloc(4)
    len.writeInt32BE(block.length, 0)
    parts.push(len, block)
    total += 4 + block.length
  }
  return Buffer.concat(parts, total)
}

// ---- zstd: refuse a declared content size over the limit before decompressing ----

/** Frame_Content_Size of the first zstd frame, or -1 when the frame does not declare one. */
export function zstdContentSize(buf: Uint8Array): number {
  if (buf.length < 6 || buf[0] !== 0x28 || buf[1] !== 0xb5 || buf[2] !== 0x2f || buf[3] !== 0xfd) return -1
  const fhd = buf[4]
  const fcsFlag = fhd >> 6
  const singleSegment = (fhd >> 5) & 1
  const dictFlag = fhd & 3
  const fcsBytes = [singleSegment ? 1 : 0, 2, 4, 8][fcsFlag]
  if (fcsBytes === 0) return -1
  let p = 5 + (singleSegment ? 0 : 1) + [0, 1, 2, 4][dictFlag]
  if (p + fcsBytes > buf.length) return -1
  let size = 0
  for (let i = 0; i < fcsBytes; i++) size += buf[p++] * 2 ** (8 * i)
  return fcsBytes === 2 ? size + 256 : size
}

function checkZstdContentSize(buf: Uint8Array, maxSize: number): void {
  const size = zstdContentSize(buf)
  if (size > maxSize) throw new CorruptRecordError(`zstd frame declares ${size} bytes, over the ${maxSize}-byte limit`)
}

// ---- lz4: frame descriptor checksum (KAFKA-3160) ----

/**
 * Returns the frame with its descriptor checksum set: `broken` reproduces Kafka's magic 0 value
 * (xxh32 over magic number + descriptor), otherwise the standard one (descriptor only). Returns
 * the input itself when the byte is already right, a patched copy otherwise.
 */
export function withLz4HeaderChecksum(frame: Buffer, broken: boolean): Buffer {
  if (frame.length < 7 || frame.readUInt32LE(0) !== 0x184d2204) return frame
  const flg = frame[4]
  const hcPos = 6 + (flg & 0x08 ? 8 : 0) + (flg & 0x01 ? 4 : 0)
  if (hcPos >= frame.length) return frame
  const hc = (xxh32(frame, broken ? 0 : 4, hcPos) >>> 8) & 0xff
  if (frame[hcPos] === hc) return frame
  const copy = Buffer.from(frame)
  copy[hcPos] = hc
  return copy
}
