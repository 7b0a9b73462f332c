// Up-conversion: a Produce v0-2 record set of magic 0/1 messages becomes one RecordBatch v2, the
// only format our log stores (Kafka 3.x does the same in LogValidator when the source magic is
// below the log's). What carries over, as in Kafka:
//   - every message is checked first (size, CRC-32, inner magic equal to the wrapper's, no nested
//     compression, no zstd); nothing is converted when one fails.
//   - all messages of the set go into ONE batch, offsets 0..n-1 (the log assigns the real ones).
//   - the codec is the producer's: the last compressed wrapper's codec, none when there was none.
//     (compression.type recompression is the log's job, after this.)
//   - timestamps: magic 0 has none (NO_TIMESTAMP, -1); magic 1 keeps each message's, and inner
//     messages of a LogAppendTime wrapper take the wrapper's. The batch is CreateTime: the topic's
//     message.timestamp.type is applied by the log as for any batch.
//   - keys and values byte for byte; no headers, no producer id.
// Errors: CorruptRecordError (bad CRC, sizes: CORRUPT_MESSAGE) or InvalidLegacyRecordError
// (well-formed but against the rules: INVALID_RECORD).
//
// The messages are walked in place (and inside each decompressed wrapper), their fields noted in
// typed arrays, and the v2 records written straight from there: no per-record objects.
import * as H from './batch-header.js'
import {compressSync, CompressionType, decompressSync, DEFAULT_MAX_DECOMPRESSED} from './compression.js'
import {crc32} from './convert-crc32.js'
import {crc32c} from './crc32c.js'
import {CorruptRecordError} from './errors.js'
import {InvalidLegacyRecordError} from './legacy.js'
import {varintSize, varlongSize, writeVarint, writeVarlong} from './varint.js'

export interface UpConverted {
  /** The RecordBatch v2 (base offset 0), ready for the log's append. */
  batch: Buffer
  /** Magic of the source messages. */
  sourceMagic: 0 | 1
  codec: number
  count: number
}

/** Highest magic among the entries of a record set, or -1 when it holds no whole entry. */
export function recordSetMagic(records: Buffer): {magic: number; mixed: boolean} {
  let magic = -1
  let mixed = false
  for (const e of H.iterateBatches(records)) {
    if (magic !== -1 && e.header.magic !== magic) mixed = true
    if (e.header.magic > magic) magic = e.header.magic
  }
  return {magic, mixed}
}

const TWO32 = 4294967296

/** Where each message's fields are: source buffer, timestamp, key and value (length -1: null). */
class Fields {
  n = 0
  cap = 0
  src = new Int32Array(0)
  ts = new Float64Array(0)
  kp = new Int32Array(0)
  kl = new Int32Array(0)
  vp = new Int32Array(0)
  vl = new Int32Array(0)
  push(src: number, ts: number, kp: number, kl: number, vp: number, vl: number): void {
    if (this.n === this.cap) this.grow()
    const i = this.n++
    this.src[i] = src
    this.ts[i] = ts
    this.kp[i] = kp
    this.kl[i] = kl
    this.vp[i] = vp
    this.vl[i] = vl
  }
  private grow(): void {
    const cap = Math.max(64, this.cap * 2)
    const g = <T extends Int32Array | Float64Array>(a: T, C: new (n: number) => T): T => {
      const b = new C(cap)
      b.set(a)
      return b
    }
    this.src = g(this.src, Int32Array)
    this.ts = g(this.ts, Float64Array)
    this.kp = g(this.kp, Int32Array)
    this.kl = g(this.kl, Int32Array)
    this.vp = g(this.vp, Int32Array)
    this.vl = g(this.vl, Int32Array)
    this.cap = cap
  }
}

interface Message {
  magic: number
  attributes: number
  ts: number
  kp: number
  kl: number
  vp: number
  vl: number
  end: number
}

/** Checks and parses the message at pos of buf: size, magic, CRC-32, key and value bounds. */
function readMessage(buf: Buffer, pos: number, where: string): Message {
  if (buf.length - pos < H.LOG_OVERHEAD) throw new CorruptRecordError(`${buf.length - pos} trailing bytes after the last whole ${where}`)
  const size = buf.readInt32BE(pos + H.BATCH_LENGTH)
  const end = pos + H.LOG_OVERHEAD + size
  if (size < H.LEGACY_RECORD_OVERHEAD_V0 || end > buf.length) throw new CorruptRecordError(`${where} at ${pos} has size ${size} but ${buf.length - pos - H.LOG_OVERHEAD} bytes follow`)
  const magic = buf[pos + H.MAGIC]!
  if (magic === 2) throw new InvalidLegacyRecordError(`a magic 2 batch at ${pos} among magic 0/1 messages`)
  if (magic > 2) throw new CorruptRecordError(`${where} at ${pos} has unknown magic ${buf.readInt8(pos + H.MAGIC)}`)
  if (size < H.minEntrySize(magic)) throw new CorruptRecordError(`magic ${magic} ${where} at ${pos} has size ${size}, below the minimum`)
  const stored = buf.readUInt32BE(pos + H.LEGACY_CRC)
  const computed = crc32(buf, pos + H.MAGIC, end)
  if (stored !== computed) throw new CorruptRecordError(`${where} at ${pos}: CRC-32 is ${stored}, computed ${computed}`)
  let p = pos + H.LEGACY_ATTRIBUTES
  const attributes = buf[p++]!
  let ts = -1
  if (magic === 1) {
    ts = buf.readInt32BE(p) * TWO32 + buf.readUInt32BE(p + 4)
    p += 8
  }
  const kl = buf.readInt32BE(p)
  const kp = p + 4
  if (kl < -1 || kp + Math.max(kl, 0) + 4 > end) throw new CorruptRecordError(`${where} at ${pos}: key of ${kl} bytes does not fit`)
  p = kp + Math.max(kl, 0)
  const vl = buf.readInt32BE(p)
  const vp = p + 4
  if (vl < -1 || vp + Math.max(vl, 0) !== end) throw new CorruptRecordError(`${where} at ${pos}: value of ${vl} bytes does not fill the message`)
  return {magic, attributes, ts, kp, kl, vp, vl, end}
}

/** Converts a record set of magic 0/1 entries to one v2 batch; throws before writing anything. */
export function upConvertMessageSet(records: Buffer, opts: {maxDecompressed?: number} = {}): UpConverted {
  const fields = new Fields()
  const srcs: Buffer[] = [records]
  let sourceMagic = -1
  let codec: number = CompressionType.NONE
  let decompressed = 0
  const maxDecompressed = opts.maxDecompressed ?? DEFAULT_MAX_DECOMPRESSED
  for (let pos = 0; pos < records.length; ) {
    const m = readMessage(records, pos, 'message')
    if (sourceMagic !== -1 && m.magic !== sourceMagic) throw new InvalidLegacyRecordError(`magic ${m.magic} message after magic ${sourceMagic} messages in one record set`)
    sourceMagic = m.magic
    const c = m.attributes & H.COMPRESSION_MASK
    if (c === CompressionType.NONE) fields.push(0, m.ts, m.kp, m.kl, m.vp, m.vl)
    else {
      if (c === CompressionType.ZSTD) throw new InvalidLegacyRecordError('zstd compression needs magic 2 (message format v2)')
      if (c > CompressionType.ZSTD) throw new CorruptRecordError(`unknown compression type ${c}`)
      if (m.vl < 0) throw new InvalidLegacyRecordError(`compressed message at ${pos} has a null value`)
      codec = c
      const inner = decompressSync(c, records.subarray(m.vp, m.vp + m.vl), maxDecompressed - decompressed)
      decompressed += inner.length
      const src = srcs.push(inner) - 1
      const logAppend = m.magic === 1 && (m.attributes & H.TIMESTAMP_TYPE_MASK) !== 0
      const before = fields.n
      for (let p = 0; p < inner.length; ) {
        const im = readMessage(inner, p, 'inner message')
        if (im.magic !== m.magic) throw new InvalidLegacyRecordError(`inner message magic ${im.magic} differs from its wrapper's ${m.magic}`)
        if ((im.attributes & H.COMPRESSION_MASK) !== 0) throw new InvalidLegacyRecordError('compressed message nested inside a compressed message')
        fields.push(src, logAppend ? m.ts : im.ts, im.kp, im.kl, im.vp, im.vl)
        p = im.end
      }
      if (fields.n === before) throw new InvalidLegacyRecordError(`compressed message at ${pos} holds no messages`)
    }
    pos = m.end
  }
  const n = fields.n
  if (n === 0) throw new CorruptRecordError('record set holds no messages')
  return {batch: writeBatch(fields, srcs, codec, sourceMagic === 0), sourceMagic: sourceMagic as 0 | 1, codec, count: n}
}

/** Copies len bytes; a byte loop beats Buffer.copy's call overhead for short keys. Returns the end. */
function copyBytes(src: Buffer, from: number, len: number, out: Buffer, pos: number): number {
  if (len <= 24) for (let j = 0; j < len; j++) out[pos + j] = src[from + j]!
  else src.copy(out, pos, from, from + len)
  return pos + len
}

/** Writes the noted messages as one RecordBatch v2 (offsets 0..n-1) with the codec. */
function writeBatch(f: Fields, srcs: Buffer[], codec: number, noTimestamps: boolean): Buffer {
  const n = f.n
  const {ts, kl, vl} = f
  let base = Infinity
  let max = -Infinity
  if (noTimestamps) ts.fill(-1, 0, n)
  for (let i = 0; i < n; i++) {
    if (ts[i]! < base) base = ts[i]!
    if (ts[i]! > max) max = ts[i]!
  }
  const bodies = new Int32Array(n)
  let total = 0
  for (let i = 0; i < n; i++) {
    const k = kl[i]!
    const v = vl[i]!
    const body = 1 + varlongSize(ts[i]! - base) + varintSize(i) + (k < 0 ? 1 : varintSize(k) + k) + (v < 0 ? 1 : varintSize(v) + v) + 1
    bodies[i] = body
    total += varintSize(body) + body
  }
  const compressed = codec !== CompressionType.NONE
  const out = Buffer.allocUnsafe(compressed ? total : H.RECORD_BATCH_OVERHEAD + total)
  let pos = compressed ? 0 : H.RECORD_BATCH_OVERHEAD
  for (let i = 0; i < n; i++) {
    const src = srcs[f.src[i]!]!
    pos = writeVarint(out, pos, bodies[i]!)
    out[pos++] = 0 // record attributes
    pos = writeVarlong(out, pos, ts[i]! - base)
    pos = writeVarint(out, pos, i)
    const k = kl[i]!
    pos = writeVarint(out, pos, k)
    if (k > 0) pos = copyBytes(src, f.kp[i]!, k, out, pos)
    const v = vl[i]!
    pos = writeVarint(out, pos, v)
    if (v > 0) pos = copyBytes(src, f.vp[i]!, v, out, pos)
    out[pos++] = 0 // no headers
  }
  if (pos !== out.length) throw new Error(`up-conversion sizing mismatch: wrote ${pos}, sized ${out.length}`)
  let batch = out
  if (compressed) {
    const block = compressSync(codec, out)
    batch = Buffer.allocUnsafe(H.RECORD_BATCH_OVERHEAD + block.length)
    block.copy(batch, H.RECORD_BATCH_OVERHEAD)
  }
  batch.writeBigInt64BE(0n, H.BASE_OFFSET)
  batch.writeInt32BE(batch.length - H.LOG_OVERHEAD, H.BATCH_LENGTH)
  batch.writeInt32BE(H.NO_PARTITION_LEADER_EPOCH, H.PARTITION_LEADER_EPOCH)
  batch[H.MAGIC] = 2
  batch.writeInt16BE(codec, H.ATTRIBUTES)
  batch.writeInt32BE(n - 1, H.LAST_OFFSET_DELTA)
  batch.writeBigInt64BE(BigInt(base), H.BASE_TIMESTAMP)
  batch.writeBigInt64BE(BigInt(max), H.MAX_TIMESTAMP)
  batch.writeBigInt64BE(H.NO_PRODUCER_ID, H.PRODUCER_ID)
  batch.writeInt16BE(H.NO_PRODUCER_EPOCH, H.PRODUCER_EPOCH)
  batch.writeInt32BE(H.NO_SEQUENCE, H.BASE_SEQUENCE)
  batch.writeInt32BE(n, H.RECORDS_COUNT)
  batch.writeUInt32BE(crc32c(batch, H.ATTRIBUTES, batch.length), H.CRC)
  return batch
}
