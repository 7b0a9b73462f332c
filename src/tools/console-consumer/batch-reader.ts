// Turns a fetched record set into the console consumer's records, batch by batch. The general
// decoder (records/record-batch.ts) builds bigint offsets and timestamps for every record; the
// console consumer reads millions of records and prints them at once, so v2 batches are walked
// here with number arithmetic (offsets and timestamps stay far below 2^53) and keys/values as
// subarrays. CRCs are checked as Kafka's consumer does (check.crcs=true). Magic 0/1 entries go
// through the general decoder.
import {iterateBatches, verifyBatch, RECORD_BATCH_OVERHEAD} from '../../protocol/kafka/records/batch-header.js'
import {decompress} from '../../protocol/kafka/records/compression.js'
import {decodeRecordSet} from '../../protocol/kafka/records/record-set.js'
import type {ConsumedRecord} from './formatter.js'

const COMPRESSION_MASK = 0x07
const LOG_APPEND_TIME = 0x08
const TRANSACTIONAL = 0x10
const CONTROL = 0x20

/**
 * The default output (value and newline) built straight from the fetched bytes: values are
 * copied into one growing buffer, and `ends` marks where each record's line ends, so that
 * --max-messages can cut the chunk. No per-record objects.
 */
export class RawLines {
  data = Buffer.allocUnsafe(1 << 20)
  length = 0
  readonly ends: number[] = []

  private room(n: number): void {
    if (this.length + n <= this.data.length) return
    const bigger = Buffer.allocUnsafe(Math.max(this.data.length * 2, this.length + n))
    this.data.copy(bigger, 0, 0, this.length)
    this.data = bigger
  }

  line(src: Buffer | null, start: number, end: number): void {
    if (src === null) {
      this.room(5)
      this.length += this.data.write('null\n', this.length, 'latin1')
    } else {
      this.room(end - start + 1)
      this.length += src.copy(this.data, this.length, start, end)
      this.data[this.length++] = 10
    }
    this.ends.push(this.length)
  }
}

export interface ReadOptions {
  topic: string
  partition: number
  /** Records before this offset (earlier records of a compressed batch) are dropped. */
  fromOffset: number
  /** read_committed: aborted transactions' first offsets by producer id. */
  aborted?: Map<bigint, bigint>
}

/**
 * Appends the records of `buf` to `out` (records, or value lines for the default output);
 * returns the offset to fetch next (or fromOffset).
 */
export async function readRecordSet(buf: Buffer, o: ReadOptions, out: ConsumedRecord[] | RawLines): Promise<number> {
  let next = o.fromOffset
  for (const e of iterateBatches(buf)) {
    const h = e.header
    const last = Number(h.lastOffset)
    if (h.magic !== 2) {
      for (const b of await decodeRecordSet(buf.subarray(e.position, e.position + e.size))) {
        const type = b.header.magic === 0 ? 'NO_TIMESTAMP' : b.header.attributes & LOG_APPEND_TIME ? 'LogAppendTime' : 'CreateTime'
        for (const r of b.records) {
          if (Number(r.offset) < o.fromOffset) continue
          if (out instanceof RawLines) out.line(r.value, 0, r.value?.length ?? 0)
          else out.push({topic: o.topic, partition: o.partition, offset: Number(r.offset), timestamp: type === 'NO_TIMESTAMP' ? -1 : Number(r.timestamp), timestampType: type, key: r.key, value: r.value, headers: r.headers})
        }
      }
      next = Math.max(next, last + 1)
      continue
    }
    const problem = verifyBatch(buf, e.position)
    if (problem) throw new Error(`org.apache.kafka.common.errors.CorruptRecordException: ${problem}`)
    if (h.attributes & CONTROL || (o.aborted && h.attributes & TRANSACTIONAL && (o.aborted.get(h.producerId) ?? h.baseOffset + 1n) <= h.baseOffset)) {
      next = Math.max(next, last + 1)
      continue
    }
    let block = buf.subarray(e.position + RECORD_BATCH_OVERHEAD, e.position + e.size)
    const codec = h.attributes & COMPRESSION_MASK
    if (codec !== 0) block = await decompress(codec, block)
    const logAppend = (h.attributes & LOG_APPEND_TIME) !== 0
    if (out instanceof RawLines) parseValues(block, h.recordsCount, Number(h.baseOffset), o.fromOffset, out)
    else parseRecords(block, h.recordsCount, Number(h.baseOffset), logAppend ? Number(h.maxTimestamp) : Number(h.baseTimestamp), logAppend, o, out)
    next = Math.max(next, last + 1)
  }
  return next
}

function parseRecords(b: Buffer, count: number, baseOffset: number, baseTimestamp: number, logAppend: boolean, o: ReadOptions, out: ConsumedRecord[]): void {
  let p = 0
  // Zig-zag varints in float arithmetic: exact up to 2^53, no bigint.
  const varint = (): number => {
    let v = 0
    let mul = 1
    let byte: number
    do {
      if (p >= b.length) throw new Error('org.apache.kafka.common.errors.CorruptRecordException: record extends past its batch')
      byte = b[p++]!
      v += (byte & 0x7f) * mul
      mul *= 128
    } while (byte & 0x80)
    return v % 2 === 0 ? v / 2 : -(v + 1) / 2
  }
  const bytes = (): Buffer | null => {
    const len = varint()
    if (len < 0) return null
    const s = b.subarray(p, p + len)
    p += len
    return s
  }
  const type = logAppend ? 'LogAppendTime' : 'CreateTime'
  for (let i = 0; i < count; i++) {
    const length = varint()
    const end = p + length
    p++ // attributes
    const tsDelta = varint()
    const offset = baseOffset + varint()
    const key = bytes()
    const value = bytes()
    const nHeaders = varint()
    const headers: {key: string; value: Buffer | null}[] = []
    for (let j = 0; j < nHeaders; j++) {
      const k = bytes()
      headers.push({key: k ? k.toString('utf8') : '', value: bytes()})
    }
    p = end
    if (offset < o.fromOffset) continue
    out.push({topic: o.topic, partition: o.partition, offset, timestamp: logAppend ? baseTimestamp : baseTimestamp + tsDelta, timestampType: type, key, value, headers})
  }
}

/** The value-only walk over a v2 records block: varints skipped, values copied into `out`. */
function parseValues(b: Buffer, count: number, baseOffset: number, fromOffset: number, out: RawLines): void {
  let p = 0
  const n = b.length
  for (let i = 0; i < count; i++) {
    // length (zig-zag varint)
    let v = 0
    let mul = 1
    let byte: number
    do {
      byte = b[p++]!
      v += (byte & 0x7f) * mul
      mul *= 128
    } while (byte & 0x80)
    const length = v % 2 === 0 ? v / 2 : -(v + 1) / 2
    const end = p + length
    if (end > n || p >= n) throw new Error('org.apache.kafka.common.errors.CorruptRecordException: record extends past its batch')
    p++ // attributes
    while (b[p++]! & 0x80); // timestamp delta
    v = 0
    mul = 1
    do {
      byte = b[p++]!
      v += (byte & 0x7f) * mul
      mul *= 128
    } while (byte & 0x80)
    const offset = baseOffset + (v % 2 === 0 ? v / 2 : -(v + 1) / 2)
    // key
    v = 0
    mul = 1
    do {
      byte = b[p++]!
      v += (byte & 0x7f) * mul
      mul *= 128
    } while (byte & 0x80)
    const keyLen = v % 2 === 0 ? v / 2 : -(v + 1) / 2
    if (keyLen > 0) p += keyLen
    v = 0
    mul = 1
    do {
      byte = b[p++]!
      v += (byte & 0x7f) * mul
      mul *= 128
    } while (byte & 0x80)
    const valueLen = v % 2 === 0 ? v / 2 : -(v + 1) / 2
    if (offset >= fromOffset) out.line(valueLen < 0 ? null : b, p, p + Math.max(valueLen, 0))
    p = end
  }
}
