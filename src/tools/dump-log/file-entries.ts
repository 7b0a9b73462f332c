// Walks the entries of a segment file the way Kafka's FileLogInputStream does, in chunks so a
// 1 GiB segment is never read whole: an entry cut short by the end of the file (or of --max-bytes)
// ends the walk quietly; a size below the smallest legal entry is corruption and throws.
import * as fs from 'node:fs'
import {LOG_OVERHEAD, readBatchHeader, type BatchHeader} from '../../protocol/kafka/records/batch-header.js'

const CHUNK = 1 << 20
/** Kafka's HEADER_SIZE_UP_TO_MAGIC: offset, size, leader epoch / crc, magic. */
const HEADER_UP_TO_MAGIC = 17
const LEGACY_MIN = 14

export class CorruptFileError extends Error {
  override readonly name = 'CorruptFileError'
}

export interface FileEntry {
  position: number
  size: number
  header: BatchHeader
  /** The entry's bytes (a view of the read chunk). */
  bytes: Buffer
}

export function* fileEntries(fd: number, start: number, end: number, displayName: string): Generator<FileEntry> {
  let pos = start
  let chunk: Buffer = Buffer.alloc(0)
  let chunkStart = 0
  const ensure = (from: number, len: number): void => {
    if (from >= chunkStart && from + len <= chunkStart + chunk.length) return
    const want = Math.min(Math.max(CHUNK, len), end - from)
    const buf = Buffer.allocUnsafe(want)
    let got = 0
    while (got < want) {
      const n = fs.readSync(fd, buf, got, want - got, from + got)
      if (n === 0) break
      got += n
    }
    chunk = buf.subarray(0, got)
    chunkStart = from
  }
  while (pos + HEADER_UP_TO_MAGIC < end) {
    ensure(pos, HEADER_UP_TO_MAGIC)
    if (pos + HEADER_UP_TO_MAGIC > chunkStart + chunk.length) return
    const sizeField = chunk.readInt32BE(pos - chunkStart + 8)
    if (sizeField < LEGACY_MIN) throw new CorruptFileError(`Found record size ${sizeField} smaller than minimum record overhead (${LEGACY_MIN}) in file ${displayName}.`)
    const size = LOG_OVERHEAD + sizeField
    if (pos > end - size) return
    ensure(pos, size)
    const rel = pos - chunkStart
    const bytes = chunk.subarray(rel, rel + size)
    let header: BatchHeader
    try {
      header = readBatchHeader(bytes, 0)
    } catch (error) {
      throw new CorruptFileError(`${(error as Error).message} in file ${displayName} at position ${pos}`)
    }
    yield {position: pos, size, header, bytes}
    pos += size
  }
}
