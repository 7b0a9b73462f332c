// Checks a Produce record set before anything is written, and stamps offsets, leader epoch and
// LogAppendTime into the batches in place. Per batch, never per record, except on compacted
// topics (every record needs a key) where Kafka looks inside too.
//
// The CRC-32C covers attributes..end: baseOffset and partitionLeaderEpoch are rewritten without
// touching it; LogAppendTime changes attributes and maxTimestamp, so those batches get a new CRC.
//
// Three more things look inside the records, each only when its config asks for it (Kafka's
// LogValidator does the same work, per record): keys on compacted topics, CreateTime bounds
// (message.timestamp.before/after.max.ms), and compression.type other than `producer`, which
// re-encodes each batch whose codec differs (header fields kept, new CRC).
import {
  ATTRIBUTES,
  BASE_OFFSET,
  CONTROL_MASK,
  CRC,
  TRANSACTIONAL_MASK,
  LOG_OVERHEAD,
  MAX_TIMESTAMP,
  PARTITION_LEADER_EPOCH,
  TIMESTAMP_TYPE_MASK,
  COMPRESSION_MASK,
  minEntrySize,
  readBatchHeader,
  verifyBatch,
  type BatchEntry,
} from '../../protocol/kafka/records/batch-header.js'
import {crc32c} from '../../protocol/kafka/records/crc32c.js'
import {decodeRecordBatch, encodeRecordBatch, type DecodedBatch} from '../../protocol/kafka/records/record-batch.js'
import type {LogConfig, TimestampType} from './config.js'
import {LogError, LogErrorCode, type RecordError} from './errors.js'
import type {BatchSummary} from './log-segment.js'

export type AppendOrigin = 'client' | 'coordinator' | 'replication'

/**
 * Structural checks that need no state: whole batches, CRCs, sizes, magic, offset ranges. With
 * verifyCrc false (a set ktool has just encoded itself) the CRCs are not recomputed.
 */
export function checkRecordSet(records: Buffer, config: LogConfig, origin: AppendOrigin, name: string, verifyCrc = true): BatchEntry[] {
  if (records.length > config.segmentBytes) {
    throw new LogError(LogErrorCode.RECORD_LIST_TOO_LARGE, `Message batch size is ${records.length} bytes in append to partition ${name} which exceeds the maximum configured segment size of ${config.segmentBytes}.`)
  }
  const entries: BatchEntry[] = []
  let pos = 0
  while (pos < records.length) {
    if (records.length - pos < LOG_OVERHEAD) throw corrupt(name, `${records.length - pos} trailing bytes are not a record batch`)
    const sizeField = records.readInt32BE(pos + 8)
    const size = LOG_OVERHEAD + sizeField
    if (sizeField < minEntrySize(0) || pos + size > records.length) throw corrupt(name, `record batch at ${pos} has length ${sizeField} but ${records.length - pos - LOG_OVERHEAD} bytes follow`)
    const magic = records.readInt8(pos + 16)
    if (magic !== 2) {
      if (magic === 0 || magic === 1) throw new LogError(LogErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, `Magic v${magic} message sets are not accepted by this broker; use a client that sends record batch v2 (Produce v3+).`)
      throw corrupt(name, `unknown magic ${magic}`)
    }
    if (size > config.maxMessageBytes) {
      throw new LogError(LogErrorCode.MESSAGE_TOO_LARGE, `The record batch size in the append to ${name} is ${size} bytes which exceeds the maximum configured value of ${config.maxMessageBytes}.`)
    }
    if (verifyCrc) {
      const problem = verifyBatch(records, pos)
      if (problem) throw corrupt(name, problem)
    } else if (records.readInt32BE(pos + 57) < 0 || records.readInt32BE(pos + 23) < 0) {
      throw corrupt(name, `negative count or offset delta in the batch at ${pos}`)
    }
    const header = readBatchHeader(records, pos)
    if (origin === 'client') {
      if (header.attributes & CONTROL_MASK) throw new LogError(LogErrorCode.INVALID_RECORD, `Clients are not allowed to write control records (partition ${name}).`)
      if (header.recordsCount <= 0) throw new LogError(LogErrorCode.INVALID_RECORD, `Invalid reported count for record batch: ${header.recordsCount} in partition ${name}`)
      if (header.lastOffsetDelta + 1 !== header.recordsCount) throw new LogError(LogErrorCode.INVALID_RECORD, `Inconsistent batch offset range [${header.baseOffset}, ${header.lastOffset}] and count of records ${header.recordsCount} in partition ${name}`)
    }
    entries.push({position: pos, size, header})
    pos += size
  }
  if (entries.length === 0) throw corrupt(name, 'empty record set')
  return entries
}

function corrupt(name: string, why: string): LogError {
  return new LogError(LogErrorCode.CORRUPT_MESSAGE, `Record set for partition ${name} is corrupt: ${why}`)
}

/** Compacted topics: every record of every non-control batch must carry a key. */
export async function checkKeys(records: Buffer, entries: BatchEntry[], name: string): Promise<void> {
  const errors: RecordError[] = []
  let index = 0
  for (const e of entries) {
    if (e.header.attributes & CONTROL_MASK) continue
    let decoded
    try {
      decoded = await decodeRecordBatch(records, {position: e.position, verifyCrc: false})
    } catch (error) {
      throw corrupt(name, (error as Error).message)
    }
    for (const r of decoded.records) {
      if (r.key === null) errors.push({batchIndex: index, batchIndexErrorMessage: `Compacted topic cannot accept message without key in topic partition ${name}.`})
      index++
    }
  }
  if (errors.length) throw new LogError(LogErrorCode.INVALID_RECORD, `Compacted topic cannot accept message without key in topic partition ${name}.`, errors)
}

export interface StampOptions {
  assignOffsets: boolean
  nextOffset: bigint
  leaderEpoch: number
  logAppendTime: number | null
}

/** Writes final offsets (and epoch, LogAppendTime) into the batches; returns what the segment needs. */
export function stampBatches(records: Buffer, entries: BatchEntry[], opts: StampOptions, name: string): BatchSummary[] {
  const out: BatchSummary[] = []
  let next = opts.nextOffset
  for (const e of entries) {
    const h = e.header
    if (opts.assignOffsets) {
      records.writeBigInt64BE(next, e.position + BASE_OFFSET)
      h.baseOffset = next
      h.lastOffset = next + BigInt(h.lastOffsetDelta)
      if (opts.leaderEpoch >= 0) {
        records.writeInt32BE(opts.leaderEpoch, e.position + PARTITION_LEADER_EPOCH)
        h.partitionLeaderEpoch = opts.leaderEpoch
      }
    } else if (h.baseOffset < next) {
      throw new LogError(LogErrorCode.INVALID_RECORD, `Out of order offsets found in append to ${name}: batch at offset ${h.baseOffset} below the next expected offset ${next}`)
    }
    if (opts.logAppendTime !== null && !(h.attributes & CONTROL_MASK)) {
      const attributes = h.attributes | TIMESTAMP_TYPE_MASK
      records.writeInt16BE(attributes, e.position + ATTRIBUTES)
      records.writeBigInt64BE(BigInt(opts.logAppendTime), e.position + MAX_TIMESTAMP)
      records.writeUInt32BE(crc32c(records, e.position + ATTRIBUTES, e.position + e.size), e.position + CRC)
      h.attributes = attributes
      h.maxTimestamp = BigInt(opts.logAppendTime)
    }
    out.push({position: e.position, size: e.size, baseOffset: h.baseOffset, lastOffset: h.lastOffset, maxTimestamp: h.maxTimestamp})
    next = h.lastOffset + 1n
  }
  return out
}

export const isCompressed = (e: BatchEntry): boolean => (e.header.attributes & COMPRESSION_MASK) !== 0

/** compression.type as a codec number (0 none ... 4 zstd), or null for `producer` (keep it). */
export function targetCodec(config: LogConfig): number | null {
  switch (config.compressionType) {
    case 'uncompressed': return 0
    case 'gzip': return 1
    case 'snappy': return 2
    case 'lz4': return 3
    case 'zstd': return 4
    default: return null
  }
}

/** Whether some non-control batch of the set is in another codec than compression.type's. */
export function needsRecompression(entries: readonly BatchEntry[], codec: number | null): boolean {
  if (codec === null) return false
  for (const e of entries) if (!(e.header.attributes & CONTROL_MASK) && e.header.recordsCount > 0 && (e.header.attributes & COMPRESSION_MASK) !== codec) return true
  return false
}

/**
 * needsRecompression before the set is checked, from the raw bytes (length, magic, attributes,
 * count of each batch); anything malformed answers true, so the strict path looks at it.
 */
export function codecsDiffer(records: Buffer, codec: number | null): boolean {
  if (codec === null) return false
  let pos = 0
  while (pos < records.length) {
    if (records.length - pos < 61) return true
    if (records[pos + 16] !== 2) return true
    const attributes = records.readInt16BE(pos + ATTRIBUTES)
    if (!(attributes & CONTROL_MASK) && records.readInt32BE(pos + 57) > 0 && (attributes & COMPRESSION_MASK) !== codec) return true
    const size = LOG_OVERHEAD + records.readInt32BE(pos + 8)
    if (size < 61) return true
    pos += size
  }
  return false
}

/** Whether the CreateTime bounds are set (otherwise no record needs looking at for them). */
export function hasTimestampBounds(config: LogConfig, timestampType: TimestampType): boolean {
  return timestampType === 'CreateTime' && (config.messageTimestampBeforeMaxMs < Number.MAX_SAFE_INTEGER || config.messageTimestampAfterMaxMs < Number.MAX_SAFE_INTEGER)
}

async function decodeEntry(records: Buffer, e: BatchEntry, name: string): Promise<DecodedBatch> {
  try {
    return await decodeRecordBatch(records, {position: e.position, verifyCrc: false})
  } catch (error) {
    throw corrupt(name, (error as Error).message)
  }
}

/**
 * Refuses the whole set (INVALID_TIMESTAMP, one record error per offending record, as Kafka's
 * LogValidator.validateTimestamp) when a CreateTime record lies outside [now - before, now + after];
 * checkTimestampType below: a producer may not send LogAppendTime batches to a LogAppendTime topic
 * (header only). Control batches and records without a timestamp (-1) are not checked.
 */
export function checkTimestampType(entries: readonly BatchEntry[], timestampType: TimestampType, name: string): void {
  if (timestampType !== 'LogAppendTime') return
  const errors: RecordError[] = []
  let index = 0
  for (const e of entries) {
    if (!(e.header.attributes & CONTROL_MASK) && e.header.attributes & TIMESTAMP_TYPE_MASK) {
      for (let i = 0; i < e.header.recordsCount; i++) errors.push({batchIndex: index + i, batchIndexErrorMessage: `Invalid timestamp type in message of partition ${name}. Producer should not set timestamp type to LogAppendTime.`})
    }
    index += Math.max(e.header.recordsCount, 0)
  }
  if (errors.length) throw new LogError(LogErrorCode.INVALID_TIMESTAMP, errors[0]!.batchIndexErrorMessage!, errors)
}

/** The CreateTime bounds half (decodes the records; call only when hasTimestampBounds). */
export async function checkTimestamps(records: Buffer, entries: readonly BatchEntry[], config: LogConfig, timestampType: TimestampType, now: number, name: string): Promise<void> {
  const errors: RecordError[] = []
  if (hasTimestampBounds(config, timestampType)) {
    const low = now - config.messageTimestampBeforeMaxMs
    const high = now + config.messageTimestampAfterMaxMs
    let index = 0
    for (const e of entries) {
      if (e.header.attributes & CONTROL_MASK) continue
      const h = e.header
      // Per record, as Kafka: deltas may be negative, so the header's timestamps bound nothing below.
      const decoded = await decodeEntry(records, e, name)
      for (const r of decoded.records) {
        const ts = Number(r.timestamp)
        if (r.timestamp !== -1n && (ts < low || ts > high)) {
          errors.push({batchIndex: index, batchIndexErrorMessage: `Timestamp ${r.timestamp} of message with offset ${r.offset - h.baseOffset} is out of range. The timestamp should be within [${low}, ${high}]`})
        }
        index++
      }
    }
  }
  if (errors.length) throw new LogError(LogErrorCode.INVALID_TIMESTAMP, errors.length === 1 ? errors[0]!.batchIndexErrorMessage! : 'One or more records have been rejected due to invalid timestamp', errors)
}

/**
 * compression.type != producer: every non-control batch in another codec is decoded and encoded
 * again in `codec`, keeping its producer id, epoch, base sequence, transactional flag, leader
 * epoch, timestamp type and record timestamps; record offsets stay relative to the batch. Kafka
 * rebuilds such a batch the same way (LogValidator.buildRecordsAndAssignOffsets). Returns the new
 * record set (batches in the same order), checked again against max.message.bytes by the caller.
 */
export async function recompress(records: Buffer, entries: readonly BatchEntry[], codec: number, name: string, config?: LogConfig): Promise<Buffer> {
  const level = codec === 1 ? (config && config.compressionGzipLevel > 0 ? config.compressionGzipLevel : undefined) : codec === 4 ? config?.compressionZstdLevel : undefined
  const parts: Buffer[] = []
  for (const e of entries) {
    const h = e.header
    const slice = records.subarray(e.position, e.position + e.size)
    if (h.attributes & CONTROL_MASK || h.recordsCount === 0 || (h.attributes & COMPRESSION_MASK) === codec) {
      parts.push(slice)
      continue
    }
    const decoded = await decodeEntry(records, e, name)
    const logAppendTime = (h.attributes & TIMESTAMP_TYPE_MASK) !== 0
    parts.push(
      await encodeRecordBatch({
        records: decoded.records.map((r) => ({key: r.key, value: r.value, headers: r.headers, timestamp: logAppendTime ? undefined : r.timestamp, offset: r.offset})),
        baseOffset: h.baseOffset,
        baseTimestamp: logAppendTime ? h.maxTimestamp : h.baseTimestamp,
        maxTimestamp: h.maxTimestamp,
        timestampType: logAppendTime ? 1 : 0,
        producerId: h.producerId,
        producerEpoch: h.producerEpoch,
        baseSequence: h.baseSequence,
        isTransactional: (h.attributes & TRANSACTIONAL_MASK) !== 0,
        compression: codec,
        compressionLevel: level,
        partitionLeaderEpoch: h.partitionLeaderEpoch,
        lastOffsetDelta: h.lastOffsetDelta,
      }),
    )
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts)
}
