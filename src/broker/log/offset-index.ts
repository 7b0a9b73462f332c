// <base offset>.index: a sparse map from offset to byte position in the .log file of the same
// segment, one entry per index.interval.bytes of log, in increasing order.
//
//   +--------------------------+--------------------------+
//   | relativeOffset int32 BE  | position int32 BE        |  x entries, 8 bytes each
//   +--------------------------+--------------------------+
//   relativeOffset = (last offset of the batch at position) - segment base offset
//
// lookup(o) finds the last entry with offset <= o; the batch holding o starts at or after its
// position (the entry names a batch's last offset, so that batch ends at or before o).
import {CorruptIndexError, IndexFile} from './index-file.js'

export const OFFSET_INDEX_ENTRY_SIZE = 8

export interface OffsetPosition {
  offset: bigint
  position: number
}

export class OffsetIndex extends IndexFile {
  constructor(file: string, baseOffset: bigint, maxIndexBytes: number, load = true) {
    super(file, baseOffset, maxIndexBytes, OFFSET_INDEX_ENTRY_SIZE, load)
  }

  relativeOffsetAt(i: number): number {
    return this.buf.readInt32BE(i * 8)
  }

  positionAt(i: number): number {
    return this.buf.readInt32BE(i * 8 + 4)
  }

  entry(i: number): OffsetPosition {
    return {offset: this.baseOffset + BigInt(this.relativeOffsetAt(i)), position: this.positionAt(i)}
  }

  get lastOffset(): bigint {
    return this.count === 0 ? this.baseOffset : this.baseOffset + BigInt(this.relativeOffsetAt(this.count - 1))
  }

  append(offset: bigint, position: number): void {
    if (this.isFull) throw new RangeError(`attempt to append to a full index (size = ${this.count})`)
    const rel = this.relative(offset)
    if (this.count > 0 && rel <= this.relativeOffsetAt(this.count - 1)) {
      throw new RangeError(`attempt to append an offset (${offset}) to position ${this.count} no larger than the last offset appended (${this.lastOffset}) to ${this.file}`)
    }
    this.ensureCapacity(1)
    this.buf.writeInt32BE(rel, this.count * 8)
    this.buf.writeInt32BE(position, this.count * 8 + 4)
    this.count++
  }

  /** Index of the last entry with relative offset <= rel, or -1. */
  private floor(rel: number): number {
    let lo = 0
    let hi = this.count - 1
    let found = -1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      if (this.relativeOffsetAt(mid) <= rel) {
        found = mid
        lo = mid + 1
      } else hi = mid - 1
    }
    return found
  }

  /** The last entry at or below offset, or (baseOffset, 0). */
  lookup(offset: bigint): OffsetPosition {
    const rel = offset - this.baseOffset
    if (rel < 0n || this.count === 0) return {offset: this.baseOffset, position: 0}
    const i = this.floor(rel > 2147483647n ? 2147483647 : Number(rel))
    return i < 0 ? {offset: this.baseOffset, position: 0} : this.entry(i)
  }

  /** Drops entries for offsets >= offset (the log is being truncated there). */
  truncateTo(offset: bigint): void {
    const rel = offset - this.baseOffset
    if (rel <= 0n) return this.truncateToEntries(0)
    const i = this.floor(Number(rel > 2147483647n ? 2147483647n : rel) - 1)
    this.truncateToEntries(i + 1)
  }

  /** Kafka's check plus ours: offsets and positions strictly increasing, positions inside the log. */
  sanityCheck(logSize: number): void {
    let prevRel = -1
    let prevPos = -1
    for (let i = 0; i < this.count; i++) {
      const rel = this.relativeOffsetAt(i)
      const pos = this.positionAt(i)
      if (rel < 0 || rel <= prevRel) throw new CorruptIndexError(`Corrupt index found, index file (${this.file}) has entry ${i} with relative offset ${rel} after ${prevRel}.`)
      if (pos < 0 || pos <= prevPos || pos >= logSize) throw new CorruptIndexError(`Corrupt index found, index file (${this.file}) has entry ${i} with position ${pos} (previous ${prevPos}, log size ${logSize}).`)
      prevRel = rel
      prevPos = pos
    }
  }
}
