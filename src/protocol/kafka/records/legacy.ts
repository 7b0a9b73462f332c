// Legacy message sets (magic 0 and 1), for clients older than Kafka 0.11. One entry:
//   offset int64 | messageSize int32 | crc uint32 (CRC-32, magic..end) | magic int8 | attributes int8
//   | (magic 1: timestamp int64) | keyLength int32 (-1 null) | key | valueLength int32 (-1 null) | value
// attributes bits 0-2 are the codec (gzip, snappy, lz4; zstd needs magic 2), bit 3 the timestamp
// type (magic 1). A compressed entry is a wrapper: its value is the compressed inner message set,
// and its offset is the LAST inner offset. Magic 1 inner offsets are relative (0..n-1); magic 0
// inner offsets are absolute. No headers, no producer ids.
//
// LZ4 and magic 0: Kafka computed the frame descriptor checksum over the magic number too
// (KAFKA-3160) and still writes that for magic 0, so we do the same; compression.ts accepts either.
//
// No legacy codec needs to wait (zstd is refused), so the work is synchronous: the broker converts
// Produce v0-2 sets inside the partition's append order. The async names stay for callers.
import {crc32 as zlibCrc32} from 'node:zlib'
import * as H from './batch-header.js'
import {compressSync, CompressionType, decompressSync, DEFAULT_MAX_DECOMPRESSED, withLz4HeaderChecksum} from './compression.js'
import {CorruptRecordError} from './errors.js'
import type {Bytes, DecodedBatch, KafkaRecord} from './record-batch.js'

export interface LegacyMessageInput {
  key?: Bytes
  value: Bytes
  /** Magic 1 only (ms); defaults to now. */
  timestamp?: bigint | number
}

export interface EncodeMessageSetOptions {
  magic: 0 | 1
  records: LegacyMessageInput[]
  /** Offset of the first message (default 0). */
  baseOffset?: bigint
  /** gzip, snappy or lz4 wrap all messages in one compressed wrapper message. */
  compression?: number
  compressionLevel?: number
  /** Magic 1: 0 CreateTime (default), 1 LogAppendTime (set on the wrapper). */
  timestampType?: 0 | 1
  /** Magic 1 wrapper timestamp; defaults to the largest inner timestamp. */
  wrapperTimestamp?: bigint | number
  now?: () => number
}

export interface DecodeLegacyOptions {
  position?: number
  verifyCrc?: boolean
  maxDecompressed?: number
}

/**
 * Well-formed bytes that break a rule of the format (Kafka's InvalidRecordException, which the
 * broker answers with INVALID_RECORD rather than CORRUPT_MESSAGE): an inner magic differing from
 * its wrapper's, a compressed message inside a compressed one, zstd below magic 2, an empty wrapper.
 */
export class InvalidLegacyRecordError extends CorruptRecordError {
  readonly invalidRecord = true
}

const textEncoder = new TextEncoder()
const toBytes = (b: Bytes | undefined): Uint8Array | null => (b == null ? null : typeof b === 'string' ? textEncoder.encode(b) : b)

/** Size field (bytes after LOG_OVERHEAD) of a message with these key and value. */
function messageSize(magic: number, key: Uint8Array | null, value: Uint8Array | null): number {
  return (magic === 1 ? H.LEGACY_RECORD_OVERHEAD_V1 : H.LEGACY_RECORD_OVERHEAD_V0) + (key?.length ?? 0) + (value?.length ?? 0)
}

/** Writes one message at pos; returns the position after it. */
function writeMessage(buf: Buffer, pos: number, offset: bigint, magic: number, attributes: number, timestamp: bigint, key: Uint8Array | null, value: Uint8Array | null): number {
  const start = pos
  buf.writeBigInt64BE(offset, pos)
  buf.writeInt32BE(messageSize(magic, key, value), pos + 8)
  pos += H.MAGIC
  buf[pos++] = magic
  buf[pos++] = attributes
  if (magic === 1) {
    buf.writeBigInt64BE(timestamp, pos)
    pos += 8
  }
  for (const b of [key, value]) {
    if (b === null) pos = buf.writeInt32BE(-1, pos)
    else {
      pos = buf.writeInt32BE(b.length, pos)
      buf.set(b, pos)
      pos += b.length
    }
  }
  buf.writeUInt32BE(zlibCrc32(buf.subarray(start + H.MAGIC, pos)) >>> 0, start + H.LEGACY_CRC)
  return pos
}

function checkCodec(codec: number): void {
  if (codec === CompressionType.ZSTD) throw new InvalidLegacyRecordError('zstd compression needs magic 2 (message format v2)')
  if (codec < 0 || codec > 3) throw new CorruptRecordError(`unknown compression type ${codec}`)
}

/** Encodes a magic 0 or 1 message set; with a codec, as one wrapper message around the set. */
export async function encodeMessageSet(opts: EncodeMessageSetOptions): Promise<Buffer> {
  return encodeMessageSetSync(opts)
}

/** encodeMessageSet without a promise. */
export function encodeMessageSetSync(opts: EncodeMessageSetOptions): Buffer {
  const {magic} = opts
  if (magic !== 0 && magic !== 1) throw new RangeError(`legacy magic must be 0 or 1, not ${magic}`)
  const codec = opts.compression ?? CompressionType.NONE
  checkCodec(codec)
  const baseOffset = opts.baseOffset ?? 0n
  const now = BigInt((opts.now ?? Date.now)())
  const n = opts.records.length
  const keys: (Uint8Array | null)[] = new Array(n)
  const values: (Uint8Array | null)[] = new Array(n)
  const stamps: bigint[] = new Array(n)
  let total = 0
  let maxTs = -1n
  for (let i = 0; i < n; i++) {
    const r = opts.records[i]
    if ((r as {headers?: unknown[]}).headers?.length) throw new RangeError(`magic ${magic} messages cannot carry headers`)
    keys[i] = toBytes(r.key)
    values[i] = toBytes(r.value)
    stamps[i] = magic === 1 ? (r.timestamp === undefined ? now : BigInt(r.timestamp)) : H.NO_TIMESTAMP
    if (stamps[i] > maxTs) maxTs = stamps[i]
    total += H.LOG_OVERHEAD + messageSize(magic, keys[i], values[i])
  }
  const tsAttr = magic === 1 && opts.timestampType === 1 ? H.TIMESTAMP_TYPE_MASK : 0

  const inner = Buffer.allocUnsafe(total)
  let pos = 0
  for (let i = 0; i < n; i++) {
    // Inside a magic 1 wrapper offsets are relative; magic 0 and uncompressed sets carry absolute ones.
    const offset = codec !== CompressionType.NONE && magic === 1 ? BigInt(i) : baseOffset + BigInt(i)
    pos = writeMessage(inner, pos, offset, magic, codec === CompressionType.NONE ? tsAttr : 0, stamps[i], keys[i], values[i])
  }
  if (codec === CompressionType.NONE) return inner
  if (n === 0) return Buffer.alloc(0)

  let body = compressSync(codec, inner, {level: opts.compressionLevel})
  if (codec === CompressionType.LZ4 && magic === 0) body = withLz4HeaderChecksum(body, true)
  const wrapperTs = magic === 1 ? (opts.wrapperTimestamp !== undefined ? BigInt(opts.wrapperTimestamp) : maxTs) : H.NO_TIMESTAMP
  const out = Buffer.allocUnsafe(H.LOG_OVERHEAD + messageSize(magic, null, body))
  writeMessage(out, 0, baseOffset + BigInt(n - 1), magic, codec | tsAttr, wrapperTs, null, body)
  return out
}

// ---- decode ----

interface Message {
  offset: bigint
  magic: number
  attributes: number
  timestamp: bigint
  key: Buffer | null
  value: Buffer | null
  end: number
}

/** Parses the message at pos of buf (checks sizes always, the CRC when asked). */
function readMessage(buf: Buffer, pos: number, verifyCrc: boolean, where: string): Message {
  const reason = verifyCrc ? H.verifyBatch(buf, pos) : sizeProblem(buf, pos)
  if (reason !== null) throw new CorruptRecordError(`corrupt ${where} at ${pos}: ${reason}`)
  const end = pos + H.LOG_OVERHEAD + buf.readInt32BE(pos + H.BATCH_LENGTH)
  const magic = buf.readInt8(pos + H.MAGIC)
  if (magic !== 0 && magic !== 1) throw new CorruptRecordError(`${where} at ${pos} has magic ${magic}; only 0 and 1 are legacy messages`)
  let p = pos + H.LEGACY_ATTRIBUTES
  const attributes = buf.readInt8(p++)
  let timestamp = H.NO_TIMESTAMP
  if (magic === 1) {
    timestamp = buf.readBigInt64BE(p)
    p += 8
  }
  const field = (name: string): Buffer | null => {
    if (p + 4 > end) throw new CorruptRecordError(`${where} at ${pos}: ${name} length runs past the message`)
    const len = buf.readInt32BE(p)
    p += 4
    if (len === -1) return null
    if (len < 0 || p + len > end) throw new CorruptRecordError(`${where} at ${pos}: ${name} of ${len} bytes does not fit the message`)
    p += len
    return buf.subarray(p - len, p)
  }
  const key = field('key')
  const value = field('value')
  if (p !== end) throw new CorruptRecordError(`${where} at ${pos}: ${end - p} bytes left after the value`)
  return {offset: buf.readBigInt64BE(pos), magic, attributes, timestamp, key, value, end}
}

function sizeProblem(buf: Buffer, pos: number): string | null {
  if (pos + H.LOG_OVERHEAD > buf.length) return 'shorter than the log overhead'
  const size = buf.readInt32BE(pos + H.BATCH_LENGTH)
  if (size < H.LEGACY_RECORD_OVERHEAD_V0 || pos + H.LOG_OVERHEAD + size > buf.length) return `message size ${size} does not fit`
  const magic = buf.readInt8(pos + H.MAGIC)
  if (size < H.minEntrySize(magic)) return `message size ${size} below the magic ${magic} minimum`
  return null
}

/**
 * Decodes the legacy entry at opts.position: one message, or a compressed wrapper's inner messages
 * with absolute offsets. The returned header is the wrapper's, with baseOffset / lastOffsetDelta /
 * recordsCount describing the inner messages, so it reads like a v2 header.
 */
export async function decodeLegacyEntry(buf: Buffer, opts: DecodeLegacyOptions = {}): Promise<DecodedBatch> {
  return decodeLegacyEntrySync(buf, opts)
}

/** decodeLegacyEntry without a promise. */
export function decodeLegacyEntrySync(buf: Buffer, opts: DecodeLegacyOptions = {}): DecodedBatch {
  const pos = opts.position ?? 0
  const verifyCrc = opts.verifyCrc ?? true
  const outer = readMessage(buf, pos, verifyCrc, 'message')
  const header = H.readBatchHeader(buf, pos)
  const size = outer.end - pos
  const codec = outer.attributes & H.COMPRESSION_MASK
  const logAppend = outer.magic === 1 && (outer.attributes & H.TIMESTAMP_TYPE_MASK) !== 0
  if (codec === CompressionType.NONE) {
    return {header, records: [{offset: outer.offset, timestamp: outer.timestamp, key: outer.key, value: outer.value, headers: []}], size}
  }
  checkCodec(codec)
  if (outer.value === null) throw new InvalidLegacyRecordError(`compressed message at ${pos} has a null value`)
  const inner = decompressSync(codec, outer.value, opts.maxDecompressed ?? DEFAULT_MAX_DECOMPRESSED)

  const msgs: Message[] = []
  for (let p = 0; p < inner.length; ) {
    const m = readMessage(inner, p, verifyCrc, 'inner message')
    if (m.magic !== outer.magic) throw new InvalidLegacyRecordError(`inner message magic ${m.magic} differs from its wrapper's ${outer.magic}`)
    if ((m.attributes & H.COMPRESSION_MASK) !== 0) throw new InvalidLegacyRecordError('compressed message nested inside a compressed message')
    msgs.push(m)
    p = m.end
  }
  if (msgs.length === 0) throw new InvalidLegacyRecordError(`compressed message at ${pos} holds no messages`)
  // Magic 1 inner offsets are relative to the wrapper, whose offset is the last inner one.
  const shift = outer.magic === 1 ? outer.offset - msgs[msgs.length - 1].offset : 0n
  const records: KafkaRecord[] = msgs.map((m) => ({
    offset: m.offset + shift,
    timestamp: logAppend ? outer.timestamp : m.timestamp,
    key: m.key,
    value: m.value,
    headers: [],
  }))
  const first = records[0].offset
  const last = records[records.length - 1].offset
  return {header: {...header, baseOffset: first, lastOffset: last, lastOffsetDelta: Number(last - first), recordsCount: records.length}, records, size}
}

/** Decodes every whole legacy entry of a message set; a trailing partial entry is left out. */
export async function decodeMessageSet(buf: Buffer, opts: Omit<DecodeLegacyOptions, 'position'> = {}): Promise<DecodedBatch[]> {
  const out: DecodedBatch[] = []
  for (const e of H.iterateBatches(buf)) out.push(decodeLegacyEntrySync(buf, {...opts, position: e.position}))
  return out
}
