// The fixed-size front of a record-set entry, read without touching the records. Every entry,
// whatever its magic, starts with offset int64 and size int32 (LOG_OVERHEAD), and keeps its magic
// byte at offset 16, so one loop walks a record set holding magic 0, 1 and 2 entries.
//
// RecordBatch v2 (magic 2), byte offsets from the start of the batch:
//   0 baseOffset int64 | 8 batchLength int32 (bytes after this field) | 12 partitionLeaderEpoch int32
//   16 magic int8 | 17 crc uint32 (CRC-32C over 21..end) | 21 attributes int16
//   23 lastOffsetDelta int32 | 27 baseTimestamp int64 | 35 maxTimestamp int64 | 43 producerId int64
//   51 producerEpoch int16 | 53 baseSequence int32 | 57 recordsCount int32 | 61 records
// Legacy message (magic 0 and 1):
//   0 offset int64 | 8 messageSize int32 | 12 crc uint32 (CRC-32 over 16..end) | 16 magic int8
//   17 attributes int8 | (magic 1: 18 timestamp int64) | key bytes | value bytes
import {crc32 as zlibCrc32} from 'node:zlib'
import {crc32c} from './crc32c.js'
import {CorruptRecordError} from './errors.js'

export const BASE_OFFSET = 0
export const BATCH_LENGTH = 8
export const PARTITION_LEADER_EPOCH = 12
export const MAGIC = 16
export const CRC = 17
export const ATTRIBUTES = 21
export const LAST_OFFSET_DELTA = 23
export const BASE_TIMESTAMP = 27
export const MAX_TIMESTAMP = 35
export const PRODUCER_ID = 43
export const PRODUCER_EPOCH = 51
export const BASE_SEQUENCE = 53
export const RECORDS_COUNT = 57
export const RECORD_BATCH_OVERHEAD = 61
/** offset int64 + size int32, in front of every entry of every magic. */
export const LOG_OVERHEAD = 12

// Legacy message layout (relative to the entry start).
export const LEGACY_CRC = 12
export const LEGACY_ATTRIBUTES = 17
export const LEGACY_TIMESTAMP = 18
/** Smallest legal messageSize: crc + magic + attributes + key length + value length (v0). */
export const LEGACY_RECORD_OVERHEAD_V0 = 14
/** v1 adds the int64 timestamp. */
export const LEGACY_RECORD_OVERHEAD_V1 = 22

// Attribute bits (v2 int16; legacy int8 uses the compression and timestamp-type bits only).
export const COMPRESSION_MASK = 0x07
export const TIMESTAMP_TYPE_MASK = 0x08
export const TRANSACTIONAL_MASK = 0x10
export const CONTROL_MASK = 0x20
export const DELETE_HORIZON_MASK = 0x40

export const NO_PRODUCER_ID = -1n
export const NO_PRODUCER_EPOCH = -1
export const NO_SEQUENCE = -1
export const NO_PARTITION_LEADER_EPOCH = -1
export const NO_TIMESTAMP = -1n

export interface BatchHeader {
  /** v2: the first offset. Legacy: the entry's offset field (a compressed wrapper carries its LAST inner offset there). */
  baseOffset: bigint
  /** v2: batchLength. Legacy: messageSize. Either way the entry spans LOG_OVERHEAD + batchLength bytes. */
  batchLength: number
  partitionLeaderEpoch: number
  magic: number
  crc: number
  attributes: number
  lastOffsetDelta: number
  baseTimestamp: bigint
  maxTimestamp: bigint
  producerId: bigint
  producerEpoch: number
  baseSequence: number
  /** v2: recordsCount. Legacy: 1 (a compressed wrapper's inner count is only known after decompressing). */
  recordsCount: number
  /** The last offset the entry covers: baseOffset + lastOffsetDelta for v2, the offset field for legacy. */
  lastOffset: bigint
}

export interface BatchEntry {
  position: number
  /** Whole entry in bytes, LOG_OVERHEAD included. */
  size: number
  header: BatchHeader
}

export const compressionOf = (h: {attributes: number}): number => h.attributes & COMPRESSION_MASK
export const isTransactional = (h: BatchHeader): boolean => h.magic >= 2 && (h.attributes & TRANSACTIONAL_MASK) !== 0
export const isControl = (h: BatchHeader): boolean => h.magic >= 2 && (h.attributes & CONTROL_MASK) !== 0
/** 0 CreateTime, 1 LogAppendTime, -1 none (magic 0). */
export const timestampTypeOf = (h: BatchHeader): number => (h.magic === 0 ? -1 : (h.attributes & TIMESTAMP_TYPE_MASK) ? 1 : 0)

/** Smallest legal size field (bytes after LOG_OVERHEAD) for a magic. */
export function minEntrySize(magic: number): number {
  if (magic === 2) return RECORD_BATCH_OVERHEAD - LOG_OVERHEAD
  return magic === 1 ? LEGACY_RECORD_OVERHEAD_V1 : LEGACY_RECORD_OVERHEAD_V0
}

/**
 * Reads the header of the entry at pos. Throws CorruptRecordError when the header itself does not
 * fit in buf or the magic is unknown; the records after the header are not looked at.
 */
export function readBatchHeader(buf: Buffer, pos: number): BatchHeader {
  if (pos < 0 || pos + MAGIC + 1 > buf.length) throw new CorruptRecordError(`record entry header at ${pos} extends past the ${buf.length}-byte buffer`)
  const magic = buf.readInt8(pos + MAGIC)
  const batchLength = buf.readInt32BE(pos + BATCH_LENGTH)
  const baseOffset = buf.readBigInt64BE(pos + BASE_OFFSET)
  if (magic === 2) {
    if (pos + RECORD_BATCH_OVERHEAD > buf.length) throw new CorruptRecordError(`record batch header at ${pos} extends past the ${buf.length}-byte buffer`)
    const lastOffsetDelta = buf.readInt32BE(pos + LAST_OFFSET_DELTA)
    return {
      baseOffset,
      batchLength,
      partitionLeaderEpoch: buf.readInt32BE(pos + PARTITION_LEADER_EPOCH),
      magic,
      crc: buf.readUInt32BE(pos + CRC),
      attributes: buf.readInt16BE(pos + ATTRIBUTES),
      lastOffsetDelta,
      baseTimestamp: buf.readBigInt64BE(pos + BASE_TIMESTAMP),
      maxTimestamp: buf.readBigInt64BE(pos + MAX_TIMESTAMP),
      producerId: buf.readBigInt64BE(pos + PRODUCER_ID),
      producerEpoch: buf.readInt16BE(pos + PRODUCER_EPOCH),
      baseSequence: buf.readInt32BE(pos + BASE_SEQUENCE),
      recordsCount: buf.readInt32BE(pos + RECORDS_COUNT),
      lastOffset: baseOffset + BigInt(lastOffsetDelta),
    }
  }
  if (magic !== 0 && magic !== 1) throw new CorruptRecordError(`unknown record magic ${magic} at ${pos}`)
  const headerEnd = pos + (magic === 1 ? LEGACY_TIMESTAMP + 8 : LEGACY_ATTRIBUTES + 1)
  if (headerEnd > buf.length) throw new CorruptRecordError(`message header at ${pos} extends past the ${buf.length}-byte buffer`)
  const timestamp = magic === 1 ? buf.readBigInt64BE(pos + LEGACY_TIMESTAMP) : NO_TIMESTAMP
  return {
    baseOffset,
    batchLength,
    partitionLeaderEpoch: NO_PARTITION_LEADER_EPOCH,
    magic,
    crc: buf.readUInt32BE(pos + LEGACY_CRC),
    attributes: buf.readInt8(pos + LEGACY_ATTRIBUTES),
    lastOffsetDelta: 0,
    baseTimestamp: timestamp,
    maxTimestamp: timestamp,
    producerId: NO_PRODUCER_ID,
    producerEpoch: NO_PRODUCER_EPOCH,
    baseSequence: NO_SEQUENCE,
    recordsCount: 1,
    lastOffset: baseOffset,
  }
}

/**
 * Walks the entries of a record set (a Produce/Fetch `records` field or a log segment slice).
 * A trailing entry cut short (fetch responses end at max bytes, logs at a torn write) ends the walk
 * quietly, like Kafka's ByteBufferLogInputStream. A size field smaller than the magic's minimum or
 * an unknown magic is corruption and throws CorruptRecordError. CRCs are not checked here; call
 * verifyBatch for that.
 */
export function* iterateBatches(buf: Buffer): Generator<BatchEntry> {
  let pos = 0
  while (buf.length - pos >= LOG_OVERHEAD) {
    const sizeField = buf.readInt32BE(pos + BATCH_LENGTH)
    if (sizeField < LEGACY_RECORD_OVERHEAD_V0) throw new CorruptRecordError(`record entry at ${pos} has size ${sizeField}, below the minimum ${LEGACY_RECORD_OVERHEAD_V0}`)
    const size = LOG_OVERHEAD + sizeField
    if (pos + size > buf.length) return
    const magic = buf.readInt8(pos + MAGIC)
    if (magic < 0 || magic > 2) throw new CorruptRecordError(`unknown record magic ${magic} at ${pos}`)
    if (sizeField < minEntrySize(magic)) throw new CorruptRecordError(`magic ${magic} entry at ${pos} has size ${sizeField}, below the minimum ${minEntrySize(magic)}`)
    yield {position: pos, size, header: readBatchHeader(buf, pos)}
    pos += size
  }
}

/** Bytes at the front of buf that hold whole entries (where iterateBatches stops). */
export function validBytes(buf: Buffer): number {
  let end = 0
  for (const e of iterateBatches(buf)) end = e.position + e.size
  return end
}

/**
 * Checks the entry at pos: the size fits the buffer and the magic's minimum, the magic is known,
 * and the checksum matches (CRC-32C over attributes..end for v2, CRC-32 over magic..end for v0/v1).
 * Returns a reason for the first failure, or null when the entry is sound.
 */
export function verifyBatch(buf: Buffer, pos: number): string | null {
  if (pos < 0 || pos + LOG_OVERHEAD > buf.length) return `entry at ${pos} is shorter than the ${LOG_OVERHEAD}-byte log overhead`
  const sizeField = buf.readInt32BE(pos + BATCH_LENGTH)
  if (sizeField < LEGACY_RECORD_OVERHEAD_V0) return `entry size ${sizeField} is below the minimum ${LEGACY_RECORD_OVERHEAD_V0}`
  const end = pos + LOG_OVERHEAD + sizeField
  if (end > buf.length) return `entry size ${sizeField} extends ${end - buf.length} bytes past the end of the buffer`
  const magic = buf.readInt8(pos + MAGIC)
  if (magic < 0 || magic > 2) return `unknown magic ${magic}`
  if (sizeField < minEntrySize(magic)) return `magic ${magic} entry size ${sizeField} is below the minimum ${minEntrySize(magic)}`
  if (magic === 2) {
    const stored = buf.readUInt32BE(pos + CRC)
    const computed = crc32c(buf, pos + ATTRIBUTES, end)
    if (stored !== computed) return `record batch CRC-32C is ${hex(stored)}, computed ${hex(computed)}`
    if (buf.readInt32BE(pos + RECORDS_COUNT) < 0) return `negative records count ${buf.readInt32BE(pos + RECORDS_COUNT)}`
    if (buf.readInt32BE(pos + LAST_OFFSET_DELTA) < 0) return `negative last offset delta ${buf.readInt32BE(pos + LAST_OFFSET_DELTA)}`
    return null
  }
  const stored = buf.readUInt32BE(pos + LEGACY_CRC)
  const computed = zlibCrc32(buf.subarray(pos + MAGIC, end)) >>> 0
  if (stored !== computed) return `message CRC-32 is ${hex(stored)}, computed ${hex(computed)}`
  return null
}

const hex = (n: number): string => '0x' + n.toString(16).padStart(8, '0')

// ---- in-place rewrites a broker does on append (Kafka's DefaultRecordBatch setters) ----

/** Sets a v2 batch's baseOffset. Outside the CRC, so nothing else changes. */
export function setBaseOffset(buf: Buffer, pos: number, baseOffset: bigint): void {
  buf.writeBigInt64BE(baseOffset, pos + BASE_OFFSET)
}

/** Sets a v2 batch's partitionLeaderEpoch. Outside the CRC, so nothing else changes. */
export function setPartitionLeaderEpoch(buf: Buffer, pos: number, epoch: number): void {
  buf.writeInt32BE(epoch, pos + PARTITION_LEADER_EPOCH)
}

/**
 * Sets the timestamp type bit and maxTimestamp of a v2 batch (LogAppendTime: the broker's append
 * time) and recomputes the CRC, which covers both. A no-op when they already hold these values.
 */
export function setMaxTimestamp(buf: Buffer, pos: number, timestampType: 0 | 1, maxTimestamp: bigint): void {
  const attrs = buf.readInt16BE(pos + ATTRIBUTES)
  const next = timestampType === 1 ? attrs | TIMESTAMP_TYPE_MASK : attrs & ~TIMESTAMP_TYPE_MASK
  if (next === attrs && buf.readBigInt64BE(pos + MAX_TIMESTAMP) === maxTimestamp) return
  buf.writeInt16BE(next, pos + ATTRIBUTES)
  buf.writeBigInt64BE(maxTimestamp, pos + MAX_TIMESTAMP)
  const end = pos + LOG_OVERHEAD + buf.readInt32BE(pos + BATCH_LENGTH)
  buf.writeUInt32BE(crc32c(buf, pos + ATTRIBUTES, end), pos + CRC)
}
