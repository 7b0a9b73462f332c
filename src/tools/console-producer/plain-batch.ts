// The console producer's fast path for plain lines (no key, no headers, no null marker): a
// RecordBatch v2 is written straight from the input chunk and the line positions, with no
// per-line objects. Record layout (all varints zig-zag): length | attributes 0 | timestampDelta 0
// | offsetDelta | key length -1 | value length | value | header count 0. The batch header is
// the one of records/batch-header.ts; the CRC-32C covers attributes to the end.
import {crc32c} from '../../protocol/kafka/records/crc32c.js'
import {compress} from '../../protocol/kafka/records/compression.js'
import {RECORD_BATCH_OVERHEAD} from '../../protocol/kafka/records/batch-header.js'

const zigzagSize = (v: number): number => {
  let z = v >= 0 ? v * 2 : -v * 2 - 1
  let n = 1
  while (z >= 128) {
    z = Math.floor(z / 128)
    n++
  }
  return n
}

function writeZigzag(buf: Buffer, pos: number, v: number): number {
  let z = v >= 0 ? v * 2 : -v * 2 - 1
  while (z >= 128) {
    buf[pos++] = (z & 0x7f) | 0x80
    z = Math.floor(z / 128)
  }
  buf[pos++] = z
  return pos
}

/** Lines of one input buffer: line i is src[starts[i], ends[i]). */
export interface LineSpans {
  src: Buffer
  starts: Int32Array
  ends: Int32Array
  /** Lines [from, to) of the arrays. */
  from: number
  to: number
}

/** Encodes the lines as one RecordBatch v2 (compressed with `codec` when not 0). */
export async function encodePlainBatch(l: LineSpans, codec: number, timestamp: number): Promise<Buffer> {
  const n = l.to - l.from
  let size = 0
  for (let i = 0; i < n; i++) {
    const len = l.ends[l.from + i]! - l.starts[l.from + i]!
    const body = 1 + 1 + zigzagSize(i) + 1 + zigzagSize(len) + len + 1
    size += zigzagSize(body) + body
  }
  const records = Buffer.allocUnsafe(codec === 0 ? RECORD_BATCH_OVERHEAD + size : size)
  let p = codec === 0 ? RECORD_BATCH_OVERHEAD : 0
  for (let i = 0; i < n; i++) {
    const start = l.starts[l.from + i]!
    const len = l.ends[l.from + i]! - start
    const body = 1 + 1 + zigzagSize(i) + 1 + zigzagSize(len) + len + 1
    p = writeZigzag(records, p, body)
    records[p++] = 0 // attributes
    records[p++] = 0 // timestamp delta 0
    p = writeZigzag(records, p, i)
    records[p++] = 1 // key length -1 (null)
    p = writeZigzag(records, p, len)
    p += l.src.copy(records, p, start, start + len)
    records[p++] = 0 // no headers
  }
  let batch: Buffer
  if (codec === 0) batch = records
  else {
    const block = await compress(codec, records)
    batch = Buffer.allocUnsafe(RECORD_BATCH_OVERHEAD + block.length)
    block.copy(batch, RECORD_BATCH_OVERHEAD)
  }
  batch.writeBigInt64BE(0n, 0)
  batch.writeInt32BE(batch.length - 12, 8)
  batch.writeInt32BE(-1, 12) // partition leader epoch
  batch.writeInt8(2, 16)
  batch.writeInt16BE(codec & 0x07, 21)
  batch.writeInt32BE(n - 1, 23)
  batch.writeBigInt64BE(BigInt(timestamp), 27)
  batch.writeBigInt64BE(BigInt(timestamp), 35)
  batch.writeBigInt64BE(-1n, 43) // producer id
  batch.writeInt16BE(-1, 51)
  batch.writeInt32BE(-1, 53)
  batch.writeInt32BE(n, 57)
  batch.writeUInt32BE(crc32c(batch, 21, batch.length) >>> 0, 17)
  return batch
}
