// <base offset>.timeindex: a sparse map from timestamp to offset, so that ListOffsets by time
// skips to the right part of a segment. Timestamps only grow along the file.
//
//   +--------------------------+--------------------------+
//   | timestamp int64 BE       | relativeOffset int32 BE  |  x entries, 12 bytes each
//   +--------------------------+--------------------------+
//   timestamp = largest timestamp in the segment so far; relativeOffset = last offset of the batch
//   that carried it, minus the segment base offset
import {CorruptIndexError, IndexFile} from './index-file.js'

export const TIME_INDEX_ENTRY_SIZE = 12

export interface TimestampOffsetEntry {
  timestamp: bigint
  offset: bigint
}

export class TimeIndex extends IndexFile {
  constructor(file: string, baseOffset: bigint, maxIndexBytes: number, load = true) {
    super(file, baseOffset, maxIndexBytes, TIME_INDEX_ENTRY_SIZE, load)
  }

  timestampAt(i: number): bigint {
    return this.buf.readBigInt64BE(i * 12)
  }

  relativeOffsetAt(i: number): number {
    return this.buf.readInt32BE(i * 12 + 8)
  }

  entry(i: number): TimestampOffsetEntry {
    return {timestamp: this.timestampAt(i), offset: this.baseOffset + BigInt(this.relativeOffsetAt(i))}
  }

  lastEntry(): TimestampOffsetEntry {
    return this.count === 0 ? {timestamp: -1n, offset: this.baseOffset} : this.entry(this.count - 1)
  }

  /** Appends when timestamp is above the last entry's (Kafka's maybeAppend). */
  maybeAppend(timestamp: bigint, offset: bigint, skipFullCheck = false): void {
    if (!skipFullCheck && this.isFull) throw new RangeError(`attempt to append to a full time index (size = ${this.count})`)
    const rel = this.relative(offset)
    if (this.count > 0) {
      // Compared in place (no entry object): this runs on every indexed append.
      const i = this.count - 1
      if (rel < this.relativeOffsetAt(i)) throw new RangeError(`attempt to append an offset (${offset}) below the last one (${this.entry(i).offset}) to ${this.file}`)
      if (timestamp <= this.timestampAt(i)) return
    }
    this.ensureCapacity(1)
    this.buf.writeBigInt64BE(timestamp, this.count * 12)
    this.buf.writeInt32BE(rel, this.count * 12 + 8)
    this.count++
  }

  /** The last entry with timestamp <= ts, or (-1, baseOffset) when there is none. */
  lookup(ts: bigint): TimestampOffsetEntry {
    let lo = 0
    let hi = this.count - 1
    let found = -1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      if (this.timestampAt(mid) <= ts) {
        found = mid
        lo = mid + 1
      } else hi = mid - 1
    }
    return found < 0 ? {timestamp: -1n, offset: this.baseOffset} : this.entry(found)
  }

  /** Drops entries for offsets >= offset. */
  truncateTo(offset: bigint): void {
    let n = this.count
    while (n > 0 && this.baseOffset + BigInt(this.relativeOffsetAt(n - 1)) >= offset) n--
    this.truncateToEntries(n)
  }

  sanityCheck(maxOffset: bigint): void {
    let prevTs = -1n << 63n
    let prevRel = -1
    for (let i = 0; i < this.count; i++) {
      const ts = this.timestampAt(i)
      const rel = this.relativeOffsetAt(i)
      if (ts < prevTs) throw new CorruptIndexError(`Corrupt time index found, time index file (${this.file}) has timestamp ${ts} at entry ${i} below ${prevTs}.`)
      if (rel < prevRel || rel < 0 || this.baseOffset + BigInt(rel) > maxOffset) throw new CorruptIndexError(`Corrupt time index found, time index file (${this.file}) has offset ${this.baseOffset + BigInt(rel)} at entry ${i}.`)
      prevTs = ts
      prevRel = rel
    }
  }
}
