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
import {iterateBatches, NO_TIMESTAMP} from './batch-header.js'
import {CompressionType} from './compression.js'
import {CorruptRecordError} from './errors.js'
import {decodeLegacyEntrySync, InvalidLegacyRecordError} from './legacy.js'
import {encodeRecordBatchSync, type RecordInput} from './record-batch.js'

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
  for (const e of iterateBatches(records)) {
    if (magic !== -1 && e.header.magic !== magic) mixed = true
    if (e.header.magic > magic) magic = e.header.magic
  }
  return {magic, mixed}
}

/** Converts a record set of magic 0/1 entries to one v2 batch; throws before writing anything. */
export function upConvertMessageSet(records: Buffer, opts: {maxDecompressed?: number} = {}): UpConverted {
  const inputs: RecordInput[] = []
  let sourceMagic = -1
  let codec: number = CompressionType.NONE
  let end = 0
  for (const e of iterateBatches(records)) {
    const magic = e.header.magic
    if (magic !== 0 && magic !== 1) throw new InvalidLegacyRecordError(`a magic ${magic} batch cannot be mixed with magic ${sourceMagic} messages in one record set`)
    if (sourceMagic !== -1 && magic !== sourceMagic) throw new InvalidLegacyRecordError(`magic ${magic} message after magic ${sourceMagic} messages in one record set`)
    sourceMagic = magic
    const decoded = decodeLegacyEntrySync(records, {position: e.position, verifyCrc: true, maxDecompressed: opts.maxDecompressed})
    const c = e.header.attributes & 0x07
    if (c !== CompressionType.NONE) codec = c
    for (const r of decoded.records) inputs.push({key: r.key, value: r.value, timestamp: magic === 0 ? NO_TIMESTAMP : r.timestamp})
    end = e.position + e.size
  }
  if (end !== records.length) throw new CorruptRecordError(`${records.length - end} trailing bytes after the last whole message`)
  if (inputs.length === 0) throw new CorruptRecordError('record set holds no messages')
  let min = inputs[0]!.timestamp as bigint
  for (const r of inputs) if ((r.timestamp as bigint) < min) min = r.timestamp as bigint
  const batch = encodeRecordBatchSync({records: inputs, baseOffset: 0n, baseTimestamp: min, compression: codec})
  return {batch, sourceMagic: sourceMagic as 0 | 1, codec, count: inputs.length}
}
