// Encodes FetchResponse v0-17 by hand so that each partition's record set goes to the socket as
// the buffer the log returned: the encoded fields are written into one Writer, and the record sets
// are spliced in between its pieces as separate buffers (writev), never copied. v0-3 carry
// down-converted message sets, one buffer per source batch (recordChunks), spliced the same way.
import {Writer} from '../protocol/kafka/writer.js'

export interface FetchPartitionOut {
  partitionIndex: number
  errorCode: number
  highWatermark: bigint
  lastStableOffset: bigint
  logStartOffset: bigint
  /** null: read_uncommitted (Kafka sends a null array); [] for read_committed. */
  abortedTransactions: {producerId: bigint; firstOffset: bigint}[] | null
  records: Buffer | null
  /** v0-3: the down-converted set as several buffers (records is then ignored). */
  recordChunks?: {chunks: Buffer[]; size: number}
}

export interface FetchTopicOut {
  topic: string
  topicId: string
  partitions: FetchPartitionOut[]
}

export interface FetchResponseOut {
  errorCode: number
  sessionId: number
  responses: FetchTopicOut[]
}

/** Returns the response body (no header) as buffers. */
export function encodeFetchResponse(v: FetchResponseOut, version: number): Buffer[] {
  const flexible = version >= 12
  const w = new Writer(256)
  const splices: {at: number; records: Buffer}[] = []
  const count = (n: number) => (flexible ? w.compactArrayCount(n) : w.arrayCount(n))
  if (version >= 1) w.int32(0) // throttle time
  if (version >= 7) w.int16(v.errorCode).int32(v.sessionId)
  count(v.responses.length)
  for (const t of v.responses) {
    if (version >= 13) w.uuid(t.topicId)
    else if (flexible) w.compactString(t.topic)
    else w.string(t.topic)
    count(t.partitions.length)
    for (const p of t.partitions) {
      w.int32(p.partitionIndex).int16(p.errorCode).int64(p.highWatermark)
      if (version < 4) {
        // v0-3: no last stable offset, log start offset, aborted transactions.
        const rc = p.recordChunks
        if (rc) {
          w.int32(rc.size)
          for (const c of rc.chunks) if (c.length > 0) splices.push({at: w.offset, records: c})
          continue
        }
        if (p.records === null) w.int32(-1)
        else {
          w.int32(p.records.length)
          if (p.records.length > 0) splices.push({at: w.offset, records: p.records})
        }
        continue
      }
      w.int64(p.lastStableOffset) // v4+
      if (version >= 5) w.int64(p.logStartOffset)
      if (p.abortedTransactions === null) {
        if (flexible) w.uvarint(0)
        else w.int32(-1)
      } else {
        count(p.abortedTransactions.length)
        for (const a of p.abortedTransactions) {
          w.int64(a.producerId).int64(a.firstOffset)
          if (flexible) w.uvarint(0)
        }
      }
      if (version >= 11) w.int32(-1) // preferred read replica
      const records = p.records
      if (records === null) {
        if (flexible) w.uvarint(0)
        else w.int32(-1)
      } else {
        if (flexible) w.uvarint(records.length + 1)
        else w.int32(records.length)
        if (records.length > 0) splices.push({at: w.offset, records})
      }
      if (flexible) w.uvarint(0) // partition tagged fields
    }
    if (flexible) w.uvarint(0) // topic tagged fields
  }
  if (flexible) w.uvarint(0) // top-level tagged fields
  const encoded = w.finish()
  if (splices.length === 0) return [encoded]
  const out: Buffer[] = []
  let from = 0
  for (const s of splices) {
    if (s.at > from) out.push(encoded.subarray(from, s.at))
    out.push(s.records)
    from = s.at
  }
  out.push(encoded.subarray(from))
  return out
}
