// RecordBatch v2 (magic 2) encode and decode. The header layout is in batch-header.ts; after it,
// recordsCount records (compressed as one block when attributes bits 0-2 are set), each:
//   length varint | attributes int8 (0) | timestampDelta varlong | offsetDelta varint
//   keyLength varint (-1 null) | key | valueLength varint (-1 null) | value
//   headerCount varint | per header: keyLength varint | key UTF-8 | valueLength varint (-1 null) | value
// The CRC-32C covers attributes (offset 21) to the end of the batch, so a broker may rewrite
// baseOffset and partitionLeaderEpoch without recomputing it.
//
// Encoding sizes every record first, allocates the batch once and writes into it (compressed
// batches: the records once more into the compressed block). Decoding hands out keys and values
// as subarrays of the batch (or of the decompressed block): no per-record copies.
import * as H from './batch-header.js'
import {compress, compressSync, CompressionType, decompress, decompressSync, DEFAULT_MAX_DECOMPRESSED} from './compression.js'
import {crc32c} from './crc32c.js'
import {CorruptRecordError} from './errors.js'
import {VarCursor, varintSize, varlongSize, writeVarint, writeVarlong} from './varint.js'

export type Bytes = Uint8Array | string | null

export interface RecordHeader {
  key: string
  value: Buffer | null
}

/** A decoded record: offsets and timestamps absolute, key/value/header values views of the batch. */
export interface KafkaRecord {
  offset: bigint
  timestamp: bigint
  key: Buffer | null
  value: Buffer | null
  headers: RecordHeader[]
}

export interface RecordInput {
  key?: Bytes
  value: Bytes
  headers?: {key: string; value: Bytes}[]
  /** Absolute timestamp (ms); defaults to the batch's baseTimestamp. */
  timestamp?: bigint | number
  /** Absolute offset; defaults to baseOffset + the record's index (or use offsetDelta). */
  offset?: bigint
  offsetDelta?: number
}

export interface EncodeBatchOptions {
  records: RecordInput[]
  baseOffset?: bigint
  /** Defaults to the smallest record timestamp, or now when no record carries one. */
  baseTimestamp?: bigint | number
  /** Defaults to the largest record timestamp (for LogAppendTime: the append time). */
  maxTimestamp?: bigint | number
  /** 0 CreateTime (default), 1 LogAppendTime. */
  timestampType?: 0 | 1
  producerId?: bigint
  producerEpoch?: number
  baseSequence?: number
  isTransactional?: boolean
  isControl?: boolean
  /** Sets the delete-horizon attribute bit (the log cleaner's; baseTimestamp then holds the horizon). */
  hasDeleteHorizon?: boolean
  compression?: number
  compressionLevel?: number
  partitionLeaderEpoch?: number
  /** Defaults to the largest offset delta; a compacted batch may keep its original, larger value. */
  lastOffsetDelta?: number
  now?: () => number
}

export interface DecodedBatch {
  header: H.BatchHeader
  records: KafkaRecord[]
  /** Bytes the batch took in the input (LOG_OVERHEAD included). */
  size: number
}

export interface DecodeBatchOptions {
  /** Where the batch starts in buf (default 0). */
  position?: number
  /** Check the CRC (default true). The size checks always run. */
  verifyCrc?: boolean
  /** Decompressed records above this many bytes are refused. */
  maxDecompressed?: number
}

// ---- encode ----

const textEncoder = new TextEncoder()

interface Prepared {
  bodySizes: Int32Array
  tsDeltas: (number | bigint)[]
  offsetDeltas: Int32Array
  keys: (Uint8Array | null)[]
  values: (Uint8Array | null)[]
  headers: ({key: Uint8Array; value: Uint8Array | null}[] | null)[]
  recordsBytes: number
  baseTimestamp: bigint
  maxTimestamp: bigint
  lastOffsetDelta: number
}

const toBytes = (b: Bytes | undefined): Uint8Array | null => (b == null ? null : typeof b === 'string' ? textEncoder.encode(b) : b)
const bytesSize = (b: Uint8Array | null): number => (b === null ? 1 : varintSize(b.length) + b.length)
const big = (v: bigint | number): bigint => (typeof v === 'bigint' ? v : BigInt(v))

const MAX_SAFE = Number.MAX_SAFE_INTEGER
const isSafe = (v: bigint | number): boolean => (typeof v === 'number' ? Number.isSafeInteger(v) : v >= -MAX_SAFE && v <= MAX_SAFE)

/**
 * Timestamp deltas and the batch's base/max timestamps. Real timestamps are safe integers, so the
 * common path stays in doubles (a BigInt per record costs as much as writing the record); any
 * timestamp beyond 2^53 sends the whole batch down the bigint path.
 */
function timestamps(opts: EncodeBatchOptions, deltas: (number | bigint)[]): {base: bigint; max: bigint} {
  const recs = opts.records
  const n = recs.length
  let fast = opts.baseTimestamp === undefined || isSafe(opts.baseTimestamp)
  let minN = Infinity
  let maxN = -Infinity
  for (let i = 0; i < n && fast; i++) {
    const t = recs[i].timestamp
    if (t === undefined) continue
    if (!isSafe(t)) fast = false
    const v = Number(t)
    if (v < minN) minN = v
    if (v > maxN) maxN = v
  }
  if (fast) {
    const base = opts.baseTimestamp !== undefined ? Number(opts.baseTimestamp) : minN !== Infinity ? minN : (opts.now ?? Date.now)()
    let max = maxN
    for (let i = 0; i < n; i++) {
      const t = recs[i].timestamp
      if (t === undefined) {
        deltas[i] = 0
        if (base > max) max = base
      } else deltas[i] = Number(t) - base
    }
    if (max === -Infinity) max = base
    // Differences of safe integers may leave the safe range; check the extremes once.
    if (Number.isSafeInteger(minN === Infinity ? 0 : minN - base) && Number.isSafeInteger(max - base)) {
      return {base: BigInt(base), max: opts.maxTimestamp !== undefined ? big(opts.maxTimestamp) : BigInt(max)}
    }
  }
  let base: bigint
  if (opts.baseTimestamp !== undefined) base = big(opts.baseTimestamp)
  else {
    let min: bigint | undefined
    for (const r of recs) if (r.timestamp !== undefined && (min === undefined || big(r.timestamp) < min)) min = big(r.timestamp)
    base = min ?? BigInt((opts.now ?? Date.now)())
  }
  let max: bigint | undefined
  for (let i = 0; i < n; i++) {
    const t = recs[i].timestamp === undefined ? base : big(recs[i].timestamp!)
    deltas[i] = t - base
    if (max === undefined || t > max) max = t
  }
  return {base, max: opts.maxTimestamp !== undefined ? big(opts.maxTimestamp) : (max ?? base)}
}

function prepare(opts: EncodeBatchOptions): Prepared {
  const recs = opts.records
  const n = recs.length
  const baseOffset = opts.baseOffset ?? 0n
  const tsDeltas: (number | bigint)[] = new Array(n)
  const ts = timestamps(opts, tsDeltas)
  const p: Prepared = {
    bodySizes: new Int32Array(n),
    tsDeltas,
    offsetDeltas: new Int32Array(n),
    keys: new Array(n),
    values: new Array(n),
    headers: new Array(n),
    recordsBytes: 0,
    baseTimestamp: ts.base,
    maxTimestamp: ts.max,
    lastOffsetDelta: 0,
  }
  let lastOffsetDelta = 0
  for (let i = 0; i < n; i++) {
    const r = recs[i]
    let od: number
    if (r.offset !== undefined) {
      const d = r.offset - baseOffset
      if (d < 0n || d > 0x7fffffffn) throw new RangeError(`record offset ${r.offset} is not within int32 of baseOffset ${baseOffset}`)
      od = Number(d)
    } else od = r.offsetDelta ?? i
    if (od > lastOffsetDelta) lastOffsetDelta = od
    const key = toBytes(r.key)
    const value = toBytes(r.value)
    let size = 1 + varlongSize(tsDeltas[i]) + varintSize(od) + bytesSize(key) + bytesSize(value)
    let hs: {key: Uint8Array; value: Uint8Array | null}[] | null = null
    const hin = r.headers
    if (hin && hin.length > 0) {
      hs = new Array(hin.length)
      size += varintSize(hin.length)
      for (let j = 0; j < hin.length; j++) {
        const hk = textEncoder.encode(hin[j].key)
        const hv = toBytes(hin[j].value)
        hs[j] = {key: hk, value: hv}
        size += varintSize(hk.length) + hk.length + bytesSize(hv)
      }
    } else size += 1
    p.bodySizes[i] = size
    p.offsetDeltas[i] = od
    p.keys[i] = key
    p.values[i] = value
    p.headers[i] = hs
    p.recordsBytes += varintSize(size) + size
  }
  p.lastOffsetDelta = opts.lastOffsetDelta ?? lastOffsetDelta
  return p
}

function writeBytes(buf: Buffer, pos: number, b: Uint8Array | null): number {
  if (b === null) {
    buf[pos] = 1 // zig-zag -1
    return pos + 1
  }
  const len = b.length
  pos = writeVarint(buf, pos, len)
  // A byte loop beats set()'s call overhead for short keys and header values.
  if (len <= 24) for (let i = 0; i < len; i++) buf[pos + i] = b[i]
  else buf.set(b, pos)
  return pos + len
}

function writeRecords(buf: Buffer, pos: number, p: Prepared): number {
  const n = p.bodySizes.length
  for (let i = 0; i < n; i++) {
    pos = writeVarint(buf, pos, p.bodySizes[i])
    buf[pos++] = 0 // record attributes: unused
    pos = writeVarlong(buf, pos, p.tsDeltas[i])
    pos = writeVarint(buf, pos, p.offsetDeltas[i])
    pos = writeBytes(buf, pos, p.keys[i])
    pos = writeBytes(buf, pos, p.values[i])
    const hs = p.headers[i]
    if (hs === null) buf[pos++] = 0
    else {
      pos = writeVarint(buf, pos, hs.length)
      for (const h of hs) {
        pos = writeBytes(buf, pos, h.key)
        pos = writeBytes(buf, pos, h.value)
      }
    }
  }
  return pos
}

function attributesOf(opts: EncodeBatchOptions): number {
  const codec = opts.compression ?? CompressionType.NONE
  if (codec < 0 || codec > 4) throw new RangeError(`unknown compression type ${codec}`)
  return (
    codec |
    (opts.timestampType === 1 ? H.TIMESTAMP_TYPE_MASK : 0) |
    (opts.isTransactional ? H.TRANSACTIONAL_MASK : 0) |
    (opts.isControl ? H.CONTROL_MASK : 0) |
    (opts.hasDeleteHorizon ? H.DELETE_HORIZON_MASK : 0)
  )
}

/** Fills in the 61-byte header of buf (whose length is the whole batch) and its CRC. */
function writeHeader(buf: Buffer, opts: EncodeBatchOptions, p: Prepared, attributes: number): Buffer {
  buf.writeBigInt64BE(opts.baseOffset ?? 0n, H.BASE_OFFSET)
  buf.writeInt32BE(buf.length - H.LOG_OVERHEAD, H.BATCH_LENGTH)
  buf.writeInt32BE(opts.partitionLeaderEpoch ?? H.NO_PARTITION_LEADER_EPOCH, H.PARTITION_LEADER_EPOCH)
  buf[H.MAGIC] = 2
  buf.writeInt16BE(attributes, H.ATTRIBUTES)
  buf.writeInt32BE(p.lastOffsetDelta, H.LAST_OFFSET_DELTA)
  buf.writeBigInt64BE(p.baseTimestamp, H.BASE_TIMESTAMP)
  buf.writeBigInt64BE(p.maxTimestamp, H.MAX_TIMESTAMP)
  buf.writeBigInt64BE(opts.producerId ?? H.NO_PRODUCER_ID, H.PRODUCER_ID)
  buf.writeInt16BE(opts.producerEpoch ?? H.NO_PRODUCER_EPOCH, H.PRODUCER_EPOCH)
  buf.writeInt32BE(opts.baseSequence ?? H.NO_SEQUENCE, H.BASE_SEQUENCE)
  buf.writeInt32BE(p.bodySizes.length, H.RECORDS_COUNT)
  buf.writeUInt32BE(crc32c(buf, H.ATTRIBUTES, buf.length), H.CRC)
  return buf
}

function encodeUncompressed(opts: EncodeBatchOptions, p: Prepared, attributes: number): Buffer {
  const buf = Buffer.allocUnsafe(H.RECORD_BATCH_OVERHEAD + p.recordsBytes)
  const end = writeRecords(buf, H.RECORD_BATCH_OVERHEAD, p)
  if (end !== buf.length) throw new Error(`record batch sizing mismatch: wrote ${end}, sized ${buf.length}`)
  return writeHeader(buf, opts, p, attributes)
}

function recordsBlock(p: Prepared): Buffer {
  const raw = Buffer.allocUnsafe(p.recordsBytes)
  const end = writeRecords(raw, 0, p)
  if (end !== raw.length) throw new Error(`record batch sizing mismatch: wrote ${end}, sized ${raw.length}`)
  return raw
}

function assemble(opts: EncodeBatchOptions, p: Prepared, attributes: number, compressed: Buffer): Buffer {
  const buf = Buffer.allocUnsafe(H.RECORD_BATCH_OVERHEAD + compressed.length)
  compressed.copy(buf, H.RECORD_BATCH_OVERHEAD)
  return writeHeader(buf, opts, p, attributes)
}

/** Encodes one RecordBatch v2. Async only because zstd is; see encodeRecordBatchSync. */
export async function encodeRecordBatch(opts: EncodeBatchOptions): Promise<Buffer> {
  const p = prepare(opts)
  const attributes = attributesOf(opts)
  const codec = attributes & H.COMPRESSION_MASK
  if (codec === CompressionType.NONE) return encodeUncompressed(opts, p, attributes)
  return assemble(opts, p, attributes, await compress(codec, recordsBlock(p), {level: opts.compressionLevel}))
}

/** Encodes one RecordBatch v2 without awaiting; every codec but zstd. */
export function encodeRecordBatchSync(opts: EncodeBatchOptions): Buffer {
  const p = prepare(opts)
  const attributes = attributesOf(opts)
  const codec = attributes & H.COMPRESSION_MASK
  if (codec === CompressionType.NONE) return encodeUncompressed(opts, p, attributes)
  return assemble(opts, p, attributes, compressSync(codec, recordsBlock(p), {level: opts.compressionLevel}))
}

// ---- decode ----

/** The smallest record: length, attributes, timestampDelta, offsetDelta, key, value, header count. */
const MIN_RECORD_SIZE = 7

/** Checks the batch at pos and returns its header and end; throws CorruptRecordError. */
function checkBatch(buf: Buffer, pos: number, verifyCrc: boolean): {header: H.BatchHeader; end: number} {
  if (pos + H.LOG_OVERHEAD <= buf.length && pos + H.MAGIC < buf.length && buf[pos + H.MAGIC] !== 2) {
    throw new CorruptRecordError(`expected a magic 2 record batch at ${pos}, found magic ${buf.readInt8(pos + H.MAGIC)} (legacy message sets: legacy.ts)`)
  }
  if (verifyCrc) {
    const reason = H.verifyBatch(buf, pos)
    if (reason !== null) throw new CorruptRecordError(`corrupt record batch at ${pos}: ${reason}`)
  } else {
    if (pos + H.RECORD_BATCH_OVERHEAD > buf.length) throw new CorruptRecordError(`record batch at ${pos} is shorter than its 61-byte header`)
    const len = buf.readInt32BE(pos + H.BATCH_LENGTH)
    if (len < H.RECORD_BATCH_OVERHEAD - H.LOG_OVERHEAD || pos + H.LOG_OVERHEAD + len > buf.length) {
      throw new CorruptRecordError(`corrupt record batch at ${pos}: batch length ${len} does not fit the ${buf.length - pos} bytes left`)
    }
  }
  const header = H.readBatchHeader(buf, pos)
  if (header.recordsCount < 0) throw new CorruptRecordError(`record batch at ${pos} has negative records count ${header.recordsCount}`)
  return {header, end: pos + H.LOG_OVERHEAD + header.batchLength}
}

function readRecords(section: Buffer, start: number, end: number, header: H.BatchHeader): KafkaRecord[] {
  const count = header.recordsCount
  if (count * MIN_RECORD_SIZE > end - start) {
    throw new CorruptRecordError(`record batch declares ${count} records but holds only ${end - start} bytes of records`)
  }
  const records: KafkaRecord[] = new Array(count)
  const baseOffset = header.baseOffset
  const logAppend = (header.attributes & H.TIMESTAMP_TYPE_MASK) !== 0
  const baseTs = header.baseTimestamp
  const c = new VarCursor(section, start, end)
  for (let i = 0; i < count; i++) {
    c.end = end
    const len = c.varint()
    const bodyStart = c.pos
    if (len < 6 || bodyStart + len > end) throw new CorruptRecordError(`record ${i} has length ${len}, outside the ${end - bodyStart} bytes left in the batch`)
    const bodyEnd = bodyStart + len
    c.end = bodyEnd
    c.pos++ // attributes, unused
    const tsDelta = c.varlong()
    const offsetDelta = c.varint()
    const key = c.bytes('record key')
    const value = c.bytes('record value')
    const headerCount = c.varint()
    if (headerCount < 0) throw new CorruptRecordError(`record ${i} has negative header count ${headerCount}`)
    if (headerCount * 2 > bodyEnd - c.pos) throw new CorruptRecordError(`record ${i} declares ${headerCount} headers in ${bodyEnd - c.pos} bytes`)
    const headers: RecordHeader[] = new Array(headerCount)
    for (let j = 0; j < headerCount; j++) {
      const hk = c.bytes('header key')
      if (hk === null) throw new CorruptRecordError(`record ${i} has a null header key`)
      headers[j] = {key: hk.toString('utf8'), value: c.bytes('header value')}
    }
    if (c.pos !== bodyEnd) throw new CorruptRecordError(`record ${i} declares ${len} bytes but its fields take ${c.pos - bodyStart}`)
    records[i] = {
      offset: baseOffset + BigInt(offsetDelta),
      timestamp: logAppend ? header.maxTimestamp : baseTs + (typeof tsDelta === 'number' ? BigInt(tsDelta) : tsDelta),
      key,
      value,
      headers,
    }
  }
  if (c.pos !== end) throw new CorruptRecordError(`record batch has ${end - c.pos} bytes left after its ${count} records`)
  return records
}

/**
 * Decodes the RecordBatch v2 at opts.position (default 0) of buf. Checks the length, magic and
 * CRC, that every record stays inside its declared length and the batch, and that the records
 * fill the batch exactly; throws CorruptRecordError otherwise.
 */
export async function decodeRecordBatch(buf: Buffer, opts: DecodeBatchOptions = {}): Promise<DecodedBatch> {
  const pos = opts.position ?? 0
  const {header, end} = checkBatch(buf, pos, opts.verifyCrc ?? true)
  const codec = header.attributes & H.COMPRESSION_MASK
  const start = pos + H.RECORD_BATCH_OVERHEAD
  if (codec === CompressionType.NONE) return {header, records: readRecords(buf, start, end, header), size: end - pos}
  if (header.recordsCount === 0) return {header, records: [], size: end - pos}
  const raw = await decompress(codec, buf.subarray(start, end), opts.maxDecompressed ?? DEFAULT_MAX_DECOMPRESSED)
  return {header, records: readRecords(raw, 0, raw.length, header), size: end - pos}
}

/** decodeRecordBatch without awaiting, for every codec but zstd (which throws). */
export function decodeRecordBatchSync(buf: Buffer, opts: DecodeBatchOptions = {}): DecodedBatch {
  const pos = opts.position ?? 0
  const {header, end} = checkBatch(buf, pos, opts.verifyCrc ?? true)
  const codec = header.attributes & H.COMPRESSION_MASK
  const start = pos + H.RECORD_BATCH_OVERHEAD
  if (codec === CompressionType.NONE) return {header, records: readRecords(buf, start, end, header), size: end - pos}
  if (header.recordsCount === 0) return {header, records: [], size: end - pos}
  const raw = decompressSync(codec, buf.subarray(start, end), opts.maxDecompressed ?? DEFAULT_MAX_DECOMPRESSED)
  return {header, records: readRecords(raw, 0, raw.length, header), size: end - pos}
}

/** Decodes every whole v2 batch of a record set; a trailing partial batch is left out. */
export async function decodeRecordBatches(buf: Buffer, opts: Omit<DecodeBatchOptions, 'position'> = {}): Promise<DecodedBatch[]> {
  const out: DecodedBatch[] = []
  for (const e of H.iterateBatches(buf)) out.push(await decodeRecordBatch(buf, {...opts, position: e.position}))
  return out
}

// ---- control records (transaction markers and KRaft control types) ----

export const ControlRecordType = {
  ABORT: 0,
  COMMIT: 1,
  LEADER_CHANGE: 2,
  SNAPSHOT_HEADER: 3,
  SNAPSHOT_FOOTER: 4,
  KRAFT_VERSION: 5,
  KRAFT_VOTERS: 6,
} as const

/** Control record key: version int16 (0), type int16. */
export function controlRecordKey(type: number): Buffer {
  const b = Buffer.alloc(4)
  b.writeInt16BE(0, 0)
  b.writeInt16BE(type, 2)
  return b
}

/** End-transaction marker value: version int16 (0), coordinatorEpoch int32. */
export function endTxnMarkerValue(coordinatorEpoch: number): Buffer {
  const b = Buffer.alloc(6)
  b.writeInt16BE(0, 0)
  b.writeInt32BE(coordinatorEpoch, 2)
  return b
}

/** The type of a control record (-1 when the key is not a control key), and for markers the coordinator epoch. */
export function parseControlRecord(r: {key: Buffer | null; value: Buffer | null}): {type: number; coordinatorEpoch?: number} {
  if (r.key === null || r.key.length < 4) return {type: -1}
  const type = r.key.readInt16BE(2)
  if ((type === ControlRecordType.ABORT || type === ControlRecordType.COMMIT) && r.value !== null && r.value.length >= 6) {
    return {type, coordinatorEpoch: r.value.readInt32BE(2)}
  }
  return {type}
}

/** A control batch holding one COMMIT or ABORT marker, as a transaction coordinator writes it. */
export function encodeEndTxnMarker(opts: {
  commit: boolean
  producerId: bigint
  producerEpoch: number
  coordinatorEpoch: number
  baseOffset?: bigint
  timestamp?: bigint | number
  partitionLeaderEpoch?: number
}): Buffer {
  const timestamp = opts.timestamp ?? Date.now()
  return encodeRecordBatchSync({
    records: [{key: controlRecordKey(opts.commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT), value: endTxnMarkerValue(opts.coordinatorEpoch), timestamp}],
    baseOffset: opts.baseOffset ?? 0n,
    baseTimestamp: timestamp,
    producerId: opts.producerId,
    producerEpoch: opts.producerEpoch,
    baseSequence: H.NO_SEQUENCE,
    isTransactional: true,
    isControl: true,
    partitionLeaderEpoch: opts.partitionLeaderEpoch,
  })
}
