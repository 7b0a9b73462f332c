// Down-conversion: RecordBatch v2 bytes read from the log become a magic 0 or magic 1 message set
// for Fetch v0-3 (v0/v1 read magic 0, v2/v3 magic 1), as Kafka's RecordsUtil.downConvert does:
//   - batch by batch, each keeping its codec: an uncompressed batch becomes plain messages, a
//     compressed one a single wrapper message holding its records (magic 1: inner offsets relative
//     to the first, the wrapper carrying the last absolute offset; magic 0: absolute inner offsets,
//     and lz4 frames with Kafka's old header checksum, KAFKA-3160, which kafka-python expects).
//   - offsets kept; timestamps kept for magic 1 (LogAppendTime batches: the append time on every
//     message and the timestamp-type bit set), none for magic 0; headers dropped.
//   - control batches, empty batches and (given the aborted transactions) aborted data left out;
//     in an uncompressed batch, records below the fetch offset left out.
//   - zstd cannot be expressed below magic 2: UnsupportedDownConversionError (the broker answers
//     UNSUPPORTED_COMPRESSION_TYPE, as Kafka does).
//   - a size budget cut at message boundaries, except that the first converted batch is kept
//     whole when minOne is set (a consumer must always be able to make progress).
// Entries already at or below the target magic pass through untouched.
//
// The hot path reads each record's varints straight from the batch (or the decompressed block) and
// writes the legacy message into one buffer per batch: no per-record objects.
import * as H from './batch-header.js'
import {compressSync, CompressionType, decompressSync, DEFAULT_MAX_DECOMPRESSED, withLz4HeaderChecksum} from './compression.js'
import {crc32} from './convert-crc32.js'
import {CorruptRecordError} from './errors.js'
import {decodeLegacyEntrySync} from './legacy.js'
import {ControlRecordType, decodeRecordBatchSync, encodeRecordBatchSync, parseControlRecord} from './record-batch.js'
import {VarCursor} from './varint.js'

export class UnsupportedDownConversionError extends Error {
  override readonly name = 'UnsupportedDownConversionError'
}

export interface AbortedTransaction {
  producerId: bigint
  firstOffset: bigint
}

export interface DownConvertOptions {
  toMagic: 0 | 1
  /** The fetch offset: records below it are left out of uncompressed batches. Default: none. */
  firstOffset?: bigint
  /** Bytes the converted set may take (default: no limit). */
  maxBytes?: number
  /** Keep the first converted batch whole even when it is larger than maxBytes. Default true. */
  minOne?: boolean
  /** Aborted transactions overlapping the read (read_committed); null or absent keeps everything. */
  aborted?: readonly AbortedTransaction[] | null
  maxDecompressed?: number
}

export interface DownConverted {
  /** The converted entries, one buffer per source batch (write them back to back). */
  chunks: Buffer[]
  size: number
  /** Messages written (inner messages of wrappers counted one by one). */
  messages: number
}

const TWO32 = 4294967296

/** Per-batch scratch: where each record's fields are, reused across calls. */
class Scratch {
  cap = 0
  offsets = new Float64Array(0)
  stamps = new Float64Array(0)
  keyPos = new Int32Array(0)
  keyLen = new Int32Array(0)
  valPos = new Int32Array(0)
  valLen = new Int32Array(0)
  ensure(n: number): void {
    if (n <= this.cap) return
    const cap = Math.max(n, this.cap * 2, 64)
    this.cap = cap
    this.offsets = new Float64Array(cap)
    this.stamps = new Float64Array(cap)
    this.keyPos = new Int32Array(cap)
    this.keyLen = new Int32Array(cap)
    this.valPos = new Int32Array(cap)
    this.valLen = new Int32Array(cap)
  }
}
const scratch = new Scratch()

function writeInt64(buf: Buffer, pos: number, v: number): void {
  const hi = Math.floor(v / TWO32)
  buf.writeInt32BE(hi, pos)
  buf.writeUInt32BE(v - hi * TWO32, pos + 4)
}

const toNumber = (v: bigint): number => {
  if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw new CorruptRecordError(`value ${v} is beyond what down-conversion handles`)
  return Number(v)
}

/**
 * Reads the records of a v2 batch section into the scratch arrays; returns how many were kept.
 * Offsets and timestamps are absolute numbers (safe integers for any real log).
 */
function collect(src: Buffer, start: number, end: number, h: H.BatchHeader, minOffset: number): number {
  const count = h.recordsCount
  if (count * 7 > end - start) throw new CorruptRecordError(`record batch declares ${count} records but holds only ${end - start} bytes of records`)
  scratch.ensure(count)
  const {offsets, stamps, keyPos, keyLen, valPos, valLen} = scratch
  const base = toNumber(h.baseOffset)
  const logAppend = (h.attributes & H.TIMESTAMP_TYPE_MASK) !== 0
  const baseTs = toNumber(h.baseTimestamp)
  const lat = toNumber(h.maxTimestamp)
  const c = new VarCursor(src, start, end)
  let n = 0
  for (let i = 0; i < count; i++) {
    c.end = end
    const len = c.varint()
    const bodyEnd = c.pos + len
    if (len < 6 || bodyEnd > end) throw new CorruptRecordError(`record ${i} has length ${len}, outside the ${end - c.pos} bytes left in the batch`)
    c.end = bodyEnd
    c.pos++ // attributes
    const tsDelta = c.varlong()
    const offset = base + c.varint()
    const kl = c.varint()
    const kp = c.pos
    if (kl < -1 || kp + Math.max(kl, 0) > bodyEnd) throw new CorruptRecordError(`record ${i} key of ${kl} bytes does not fit`)
    c.pos += Math.max(kl, 0)
    const vl = c.varint()
    const vp = c.pos
    if (vl < -1 || vp + Math.max(vl, 0) > bodyEnd) throw new CorruptRecordError(`record ${i} value of ${vl} bytes does not fit`)
    c.pos = bodyEnd // headers: dropped
    if (offset < minOffset) continue
    offsets[n] = offset
    stamps[n] = logAppend ? lat : baseTs + Number(tsDelta)
    keyPos[n] = kp
    keyLen[n] = kl
    valPos[n] = vp
    valLen[n] = vl
    n++
  }
  return n
}

/** Copies len bytes; a byte loop beats Buffer.copy's call overhead for short keys. Returns the end. */
function copyBytes(src: Buffer, from: number, len: number, out: Buffer, pos: number): number {
  if (len <= 24) for (let j = 0; j < len; j++) out[pos + j] = src[from + j]!
  else src.copy(out, pos, from, from + len)
  return pos + len
}

const overhead = (magic: number): number => H.LOG_OVERHEAD + (magic === 1 ? H.LEGACY_RECORD_OVERHEAD_V1 : H.LEGACY_RECORD_OVERHEAD_V0)

/** Writes messages [0, n) of the scratch into out at pos; returns the end. Fills ends[i] if given. */
function writeMessages(out: Buffer, pos: number, src: Buffer, n: number, magic: number, attributes: number, relativeTo: number, ends: Int32Array | null): number {
  const {offsets, stamps, keyPos, keyLen, valPos, valLen} = scratch
  const fixed = magic === 1 ? H.LEGACY_RECORD_OVERHEAD_V1 : H.LEGACY_RECORD_OVERHEAD_V0
  for (let i = 0; i < n; i++) {
    const start = pos
    const kl = keyLen[i]
    const vl = valLen[i]
    writeInt64(out, pos, offsets[i] - relativeTo)
    out.writeInt32BE(fixed + (kl > 0 ? kl : 0) + (vl > 0 ? vl : 0), pos + 8)
    pos += H.MAGIC
    out[pos++] = magic
    out[pos++] = attributes
    if (magic === 1) {
      writeInt64(out, pos, stamps[i])
      pos += 8
    }
    out.writeInt32BE(kl, pos)
    pos += 4
    if (kl > 0) pos = copyBytes(src, keyPos[i], kl, out, pos)
    out.writeInt32BE(vl, pos)
    pos += 4
    if (vl > 0) pos = copyBytes(src, valPos[i], vl, out, pos)
    out.writeUInt32BE(crc32(out, start + H.MAGIC, pos), start + H.LEGACY_CRC)
    if (ends) ends[i] = pos
  }
  return pos
}

function messagesSize(n: number, magic: number): number {
  const {keyLen, valLen} = scratch
  let total = n * overhead(magic)
  for (let i = 0; i < n; i++) total += (keyLen[i] > 0 ? keyLen[i] : 0) + (valLen[i] > 0 ? valLen[i] : 0)
  return total
}

/** One v2 batch to legacy entries. Returns null when nothing of it is kept. */
function convertBatch(records: Buffer, e: H.BatchEntry, toMagic: 0 | 1, minOffset: number, maxDecompressed: number): {buf: Buffer; ends: Int32Array | null; messages: number} | null {
  const h = e.header
  const codec = h.attributes & H.COMPRESSION_MASK
  if (codec === CompressionType.ZSTD) throw new UnsupportedDownConversionError('Down-conversion of zstandard-compressed batches is not supported')
  const start = e.position + H.RECORD_BATCH_OVERHEAD
  const end = e.position + e.size
  const logAppend = (h.attributes & H.TIMESTAMP_TYPE_MASK) !== 0
  const tsAttr = toMagic === 1 && logAppend ? H.TIMESTAMP_TYPE_MASK : 0
  if (codec === CompressionType.NONE) {
    const n = collect(records, start, end, h, minOffset)
    if (n === 0) return null
    const buf = Buffer.allocUnsafe(messagesSize(n, toMagic))
    const ends = new Int32Array(n)
    writeMessages(buf, 0, records, n, toMagic, tsAttr, 0, ends)
    return {buf, ends, messages: n}
  }
  const raw = decompressSync(codec, records.subarray(start, end), maxDecompressed)
  // Compressed batches are kept whole (the consumer skips what is below its offset).
  const n = collect(raw, 0, raw.length, h, -Infinity)
  if (n === 0) return null
  const inner = Buffer.allocUnsafe(messagesSize(n, toMagic))
  const first = scratch.offsets[0]
  const last = scratch.offsets[n - 1]
  let maxTs = -1
  for (let i = 0; i < n; i++) if (scratch.stamps[i] > maxTs) maxTs = scratch.stamps[i]
  writeMessages(inner, 0, raw, n, toMagic, tsAttr, toMagic === 1 ? first : 0, null)
  let body = compressSync(codec, inner)
  if (codec === CompressionType.LZ4 && toMagic === 0) body = withLz4HeaderChecksum(body, true)
  // The wrapper: offset = last inner offset, null key, the compressed set as its value.
  scratch.ensure(1)
  scratch.offsets[0] = last
  scratch.stamps[0] = logAppend ? toNumber(h.maxTimestamp) : maxTs
  scratch.keyLen[0] = -1
  scratch.valPos[0] = 0
  scratch.valLen[0] = body.length
  const buf = Buffer.allocUnsafe(messagesSize(1, toMagic))
  writeMessages(buf, 0, body, 1, toMagic, codec | tsAttr, 0, null)
  return {buf, ends: null, messages: n}
}

/** Tracks aborted producers along the read, like a read_committed consumer. */
class AbortTracker {
  private next = 0
  private readonly active = new Set<bigint>()
  private readonly list: AbortedTransaction[]
  constructor(aborted: readonly AbortedTransaction[]) {
    this.list = [...aborted].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0))
  }
  /** True when the batch is aborted data; control batches end their producer's aborted range. */
  skip(records: Buffer, e: H.BatchEntry): boolean {
    const h = e.header
    while (this.next < this.list.length && this.list[this.next]!.firstOffset <= h.lastOffset) this.active.add(this.list[this.next++]!.producerId)
    if (!(h.attributes & H.TRANSACTIONAL_MASK)) return false
    if (h.attributes & H.CONTROL_MASK) {
      const first = decodeRecordBatchSync(records, {position: e.position, verifyCrc: false}).records[0]
      if (first && parseControlRecord(first).type === ControlRecordType.ABORT) this.active.delete(h.producerId)
      return true
    }
    return this.active.has(h.producerId)
  }
}

/** Converts a record set read from the log to magic 0 or 1 entries within the budget. */
export function downConvertRecordSet(records: Buffer, opts: DownConvertOptions): DownConverted {
  const {toMagic} = opts
  const maxBytes = opts.maxBytes ?? Infinity
  let minOne = opts.minOne ?? true
  const minOffset = opts.firstOffset === undefined ? -Infinity : toNumber(opts.firstOffset)
  const maxDecompressed = opts.maxDecompressed ?? DEFAULT_MAX_DECOMPRESSED
  const aborts = opts.aborted && opts.aborted.length > 0 ? new AbortTracker(opts.aborted) : null
  const chunks: Buffer[] = []
  let size = 0
  let messages = 0
  for (const e of H.iterateBatches(records)) {
    const h = e.header
    let converted: {buf: Buffer; ends: Int32Array | null; messages: number} | null
    if (h.magic <= toMagic) {
      converted = {buf: records.subarray(e.position, e.position + e.size), ends: null, messages: 1}
    } else if (h.magic === 2) {
      if (aborts?.skip(records, e)) continue
      if (h.attributes & H.CONTROL_MASK || h.recordsCount === 0) continue
      converted = convertBatch(records, e, toMagic, minOffset, maxDecompressed)
    } else {
      // A magic 1 entry (a log written by an old Kafka) read as magic 0: through a v2 batch.
      const d = decodeLegacyEntrySync(records, {position: e.position, maxDecompressed})
      const codec = h.attributes & H.COMPRESSION_MASK
      const v2 = encodeRecordBatchSync({records: d.records.map((r) => ({offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value})), baseOffset: d.records[0]!.offset, compression: codec})
      const entry = {position: 0, size: v2.length, header: H.readBatchHeader(v2, 0)}
      converted = convertBatch(v2, entry, toMagic, minOffset, maxDecompressed)
    }
    if (converted === null) continue
    const {buf} = converted
    if (minOne) {
      minOne = false
    } else if (size + buf.length > maxBytes) {
      // Cut at the last whole message that fits (uncompressed batches), then stop.
      const ends = converted.ends
      let keep = 0
      let kept = 0
      if (ends) for (let i = 0; i < ends.length && size + ends[i]! <= maxBytes; i++) (keep = ends[i]!), kept++
      if (keep > 0) {
        chunks.push(buf.subarray(0, keep))
        size += keep
        messages += kept
      }
      break
    }
    chunks.push(buf)
    size += buf.length
    messages += converted.messages
    if (size >= maxBytes) break
  }
  return {chunks, size, messages}
}

/** The converted set as one buffer (tests, tools). */
export function downConvertToBuffer(records: Buffer, opts: DownConvertOptions): Buffer {
  const r = downConvertRecordSet(records, opts)
  return r.chunks.length === 1 ? r.chunks[0]! : Buffer.concat(r.chunks, r.size)
}
