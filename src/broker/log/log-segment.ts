// One segment of a partition's log: <base offset>.log holds record batches exactly as they travel
// on the wire, back to back; .index and .timeindex beside it (offset-index.ts, time-index.ts).
//
//   00000000000000000000.log
//   +-----------------------------------------------+----------------------------------+--
//   | batch: baseOffset int64 | batchLength int32 | partitionLeaderEpoch | magic=2 | crc | ...records | batch ...
//   +-----------------------------------------------+----------------------------------+--
//   name = 20-digit base offset (<= the first offset inside); every batch's offsets increase.
//
// Kafka keeps a fourth file per segment, <base>.txnindex (aborted transactions: version int16,
// producerId int64, firstOffset int64, lastOffset int64, lastStableOffset int64 per entry, 34
// bytes), read by READ_COMMITTED fetches and the cleaner. ktool has no transactions yet, so it
// writes none; a segment's .txnindex found on disk (a Kafka log dir) is left alone and deleted with
// the segment.
//
// The segment keeps `size`, the bytes known to hold whole batches. Readers never look past it, and
// it moves only after a write has completed, so no reader sees half a batch. All I/O is positional
// and synchronous: one write per append (the whole record set), index entries in memory until flush.
import * as fs from 'node:fs'
import {syncFd} from './durability.js'
import * as path from 'node:path'
import {
  LOG_OVERHEAD,
  RECORD_BATCH_OVERHEAD,
  minEntrySize,
  readBatchHeader,
  verifyBatch,
  type BatchEntry,
} from '../../protocol/kafka/records/batch-header.js'
import {OffsetIndex} from './offset-index.js'
import {TimeIndex} from './time-index.js'

export const LOG_SUFFIX = '.log'
export const INDEX_SUFFIX = '.index'
export const TIME_INDEX_SUFFIX = '.timeindex'
export const TXN_INDEX_SUFFIX = '.txnindex'
export const DELETED_SUFFIX = '.deleted'
export const CLEANED_SUFFIX = '.cleaned'
export const SWAP_SUFFIX = '.swap'

/** 20-digit zero-padded base offset, Kafka's segment file name. */
export const filenamePrefix = (offset: bigint): string => offset.toString().padStart(20, '0')
export const segmentFile = (dir: string, baseOffset: bigint, suffix: string, extra = ''): string => path.join(dir, filenamePrefix(baseOffset) + suffix + extra)

export interface SegmentOptions {
  indexIntervalBytes: number
  segmentIndexBytes: number
  /** ms; the segment's creation time (for segment.ms when it holds no timestamps). */
  now: number
  rollJitterMs?: number
  /** Appended to every file name (.cleaned while the cleaner writes, .swap before the swap). */
  fileSuffix?: string
}

/** What append needs to know about each batch of the record set, positions relative to the set. */
export interface BatchSummary {
  position: number
  size: number
  baseOffset: bigint
  lastOffset: bigint
  maxTimestamp: bigint
}

export interface RecoveryOutcome {
  validBytes: number
  truncatedBytes: number
  batches: number
  /** Why the scan stopped before the end of the file, if it did. */
  reason: string | null
}

const CHUNK = 64 * 1024
const LOCATE_CHUNK = 8 * 1024

function writeFully(fd: number, buf: Buffer, position: number): void {
  let done = 0
  while (done < buf.length) done += fs.writeSync(fd, buf, done, buf.length - done, position + done)
}

export function readFully(fd: number, position: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(length)
  let done = 0
  while (done < length) {
    const n = fs.readSync(fd, out, done, length - done, position + done)
    if (n === 0) break
    done += n
  }
  return done === length ? out : out.subarray(0, done)
}

export class LogSegment {
  size: number
  /** One past the last offset held; baseOffset when empty. */
  nextOffset: bigint
  maxTimestampSoFar = -1n
  offsetOfMaxTimestampSoFar: bigint
  /** The first batch's max timestamp (segment.ms counts from it), null when not known yet. */
  private firstBatchTimestamp: bigint | null = null
  private bytesSinceLastIndexEntry = 0
  lastModified: number
  private closed = false

  private constructor(
    readonly dir: string,
    readonly baseOffset: bigint,
    private fd: number,
    size: number,
    readonly offsetIndex: OffsetIndex,
    readonly timeIndex: TimeIndex,
    private readonly opts: SegmentOptions,
    public logFile: string,
    readonly created: number,
  ) {
    this.size = size
    this.nextOffset = baseOffset
    this.offsetOfMaxTimestampSoFar = baseOffset
    this.lastModified = created
  }

  get rollJitterMs(): number {
    return this.opts.rollJitterMs ?? 0
  }

  /** Creates an empty segment (existing files of the same name are truncated). */
  static create(dir: string, baseOffset: bigint, opts: SegmentOptions): LogSegment {
    const extra = opts.fileSuffix ?? ''
    const logFile = segmentFile(dir, baseOffset, LOG_SUFFIX, extra)
    const fd = fs.openSync(logFile, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_TRUNC, 0o644)
    const oi = new OffsetIndex(segmentFile(dir, baseOffset, INDEX_SUFFIX, extra), baseOffset, opts.segmentIndexBytes, false)
    const ti = new TimeIndex(segmentFile(dir, baseOffset, TIME_INDEX_SUFFIX, extra), baseOffset, opts.segmentIndexBytes, false)
    oi.rebuildFromScratch()
    ti.rebuildFromScratch()
    oi.touch()
    ti.touch()
    return new LogSegment(dir, baseOffset, fd, 0, oi, ti, opts, logFile, opts.now)
  }

  /**
   * Opens an existing segment as it is on disk. With recoverLater the indexes are not even read
   * (the caller runs recover(), which rebuilds them). Otherwise index files that are missing or fail
   * the sanity check are rebuilt from the log, and a log that cannot be walked is recovered;
   * `rebuilt` says why when either happened.
   */
  static open(dir: string, baseOffset: bigint, opts: SegmentOptions, recoverLater = false): {segment: LogSegment; rebuiltIndex: string | null} {
    const extra = opts.fileSuffix ?? ''
    const logFile = segmentFile(dir, baseOffset, LOG_SUFFIX, extra)
    const fd = fs.openSync(logFile, fs.constants.O_RDWR)
    const stat = fs.fstatSync(fd)
    const indexFile = segmentFile(dir, baseOffset, INDEX_SUFFIX, extra)
    const timeFile = segmentFile(dir, baseOffset, TIME_INDEX_SUFFIX, extra)
    if (recoverLater) {
      const oi = new OffsetIndex(indexFile, baseOffset, opts.segmentIndexBytes, false)
      const ti = new TimeIndex(timeFile, baseOffset, opts.segmentIndexBytes, false)
      return {segment: new LogSegment(dir, baseOffset, fd, stat.size, oi, ti, opts, logFile, stat.mtimeMs), rebuiltIndex: null}
    }
    let oi: OffsetIndex
    let ti: TimeIndex
    let rebuiltIndex: string | null = null
    try {
      if (!fs.existsSync(indexFile) || (!fs.existsSync(timeFile) && stat.size > 0)) throw new Error('index file missing')
      oi = new OffsetIndex(indexFile, baseOffset, opts.segmentIndexBytes)
      ti = new TimeIndex(timeFile, baseOffset, opts.segmentIndexBytes)
      oi.sanityCheck(stat.size)
    } catch (error) {
      rebuiltIndex = (error as Error).message
      oi = new OffsetIndex(indexFile, baseOffset, opts.segmentIndexBytes, false)
      ti = new TimeIndex(timeFile, baseOffset, opts.segmentIndexBytes, false)
    }
    const seg = new LogSegment(dir, baseOffset, fd, stat.size, oi, ti, opts, logFile, stat.mtimeMs)
    try {
      if (rebuiltIndex !== null) {
        seg.rebuildIndexes()
      } else {
        // The end of the segment: walk from the last index entry to the end of the file.
        const from = oi.entries > 0 ? oi.positionAt(oi.entries - 1) : 0
        let last: BatchEntry | null = null
        for (const e of seg.batchesFrom(from)) last = e
        if (last) seg.nextOffset = last.header.lastOffset + 1n
        try {
          ti.sanityCheck(seg.nextOffset)
          const lastTime = ti.lastEntry()
          seg.maxTimestampSoFar = lastTime.timestamp
          seg.offsetOfMaxTimestampSoFar = lastTime.offset
          if (ti.entries === 0 && last) {
            // No time index entry yet (under index.interval.bytes): take the max from the batches.
            for (const e of seg.batchesFrom(0)) seg.noteTimestamp(e.header.maxTimestamp, e.header.lastOffset)
          }
        } catch (error) {
          rebuiltIndex = (error as Error).message
          seg.rebuildIndexes()
        }
      }
    } catch (error) {
      // The log itself does not walk (damaged after a clean shutdown): check it batch by batch.
      const outcome = seg.recover({contiguous: false})
      rebuiltIndex = `${(error as Error).message}; recovered ${outcome.batches} batches, truncated ${outcome.truncatedBytes} bytes (${outcome.reason})`
    }
    return {segment: seg, rebuiltIndex}
  }

  private noteTimestamp(ts: bigint, offset: bigint): void {
    if (ts > this.maxTimestampSoFar) {
      this.maxTimestampSoFar = ts
      this.offsetOfMaxTimestampSoFar = offset
    }
  }

  /** Re-derives both indexes and the timestamps from the log (which is trusted). */
  rebuildIndexes(): void {
    this.offsetIndex.rebuildFromScratch()
    this.timeIndex.rebuildFromScratch()
    this.maxTimestampSoFar = -1n
    this.offsetOfMaxTimestampSoFar = this.baseOffset
    this.bytesSinceLastIndexEntry = 0
    let lastIndexEntry = 0
    for (const e of this.batchesFrom(0)) {
      this.noteTimestamp(e.header.maxTimestamp, e.header.lastOffset)
      if (e.position - lastIndexEntry > this.opts.indexIntervalBytes && !this.offsetIndex.isFull) {
        this.offsetIndex.append(e.header.lastOffset, e.position)
        this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar)
        lastIndexEntry = e.position
      }
      this.nextOffset = e.header.lastOffset + 1n
    }
    this.bytesSinceLastIndexEntry = this.size - lastIndexEntry
    this.offsetIndex.flush()
    this.timeIndex.flush()
  }

  /**
   * Scans the whole file checking every batch (size, magic, CRC, offsets increasing, and with
   * `contiguous` each batch starting right after the previous one), rebuilds the indexes and
   * truncates the file after the last good batch. onBatch sees each good batch (leader epochs).
   */
  recover(opts: {contiguous: boolean; onBatch?: (e: BatchEntry) => void}): RecoveryOutcome {
    const fileSize = fs.fstatSync(this.fd).size
    this.offsetIndex.rebuildFromScratch()
    this.timeIndex.rebuildFromScratch()
    this.maxTimestampSoFar = -1n
    this.offsetOfMaxTimestampSoFar = this.baseOffset
    this.firstBatchTimestamp = null
    let pos = 0
    let lastIndexEntry = 0
    let batches = 0
    let reason: string | null = null
    let expected: bigint | null = null
    let chunk: Buffer = Buffer.alloc(0)
    let chunkStart = 0
    while (pos < fileSize) {
      if (fileSize - pos < LOG_OVERHEAD) {
        reason = `${fileSize - pos} trailing bytes are shorter than a batch header`
        break
      }
      if (pos + LOG_OVERHEAD > chunkStart + chunk.length) {
        chunk = readFully(this.fd, pos, Math.min(Math.max(CHUNK * 16, LOG_OVERHEAD), fileSize - pos))
        chunkStart = pos
      }
      const sizeField = chunk.readInt32BE(pos - chunkStart + 8)
      const size = LOG_OVERHEAD + sizeField
      if (sizeField < minEntrySize(0) || pos + size > fileSize) {
        reason = sizeField < minEntrySize(0) ? `batch at position ${pos} has invalid length ${sizeField}` : `batch at position ${pos} of ${size} bytes runs past the end of the file (${fileSize} bytes)`
        break
      }
      if (pos + size > chunkStart + chunk.length) {
        chunk = readFully(this.fd, pos, Math.min(Math.max(CHUNK * 16, size), fileSize - pos))
        chunkStart = pos
      }
      const rel = pos - chunkStart
      const problem = verifyBatch(chunk, rel)
      if (problem) {
        reason = `batch at position ${pos}: ${problem}`
        break
      }
      const header = readBatchHeader(chunk, rel)
      const lowest = expected ?? this.baseOffset
      if (header.magic === 2 ? header.baseOffset < lowest : header.lastOffset < lowest) {
        reason = `batch at position ${pos} has offset ${header.baseOffset} below ${lowest}`
        break
      }
      // Without compaction offsets have no gaps, and a segment starts with its base offset: this
      // catches damage to baseOffset, which the CRC does not cover.
      const want = expected ?? this.baseOffset
      if (opts.contiguous && header.magic === 2 && header.baseOffset !== want) {
        reason = `batch at position ${pos} has base offset ${header.baseOffset}, expected ${want}`
        break
      }
      if (header.lastOffset - this.baseOffset > 2147483647n) {
        reason = `batch at position ${pos} has last offset ${header.lastOffset}, too far from the segment base ${this.baseOffset}`
        break
      }
      if (this.firstBatchTimestamp === null) this.firstBatchTimestamp = header.maxTimestamp
      this.noteTimestamp(header.maxTimestamp, header.lastOffset)
      if (pos - lastIndexEntry > this.opts.indexIntervalBytes && !this.offsetIndex.isFull) {
        this.offsetIndex.append(header.lastOffset, pos)
        this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar, true)
        lastIndexEntry = pos
      }
      opts.onBatch?.({position: pos, size, header})
      expected = header.lastOffset + 1n
      batches++
      pos += size
    }
    const truncatedBytes = fileSize - pos
    if (truncatedBytes > 0) fs.ftruncateSync(this.fd, pos)
    this.size = pos
    this.nextOffset = expected ?? this.baseOffset
    this.bytesSinceLastIndexEntry = pos - lastIndexEntry
    this.offsetIndex.flush()
    this.timeIndex.flush()
    return {validBytes: pos, truncatedBytes, batches, reason}
  }

  /** Reads up to length bytes at position (fewer at the end of the file). */
  readAt(position: number, length: number): Buffer {
    return readFully(this.fd, position, length)
  }

  /**
   * The committed batches from position on, headers only. Chunked reads: one read per 64 KiB of
   * small batches, one per batch for large ones.
   */
  *batchesFrom(position: number, end = this.size, chunkSize = CHUNK): Generator<BatchEntry> {
    let pos = position
    let chunk: Buffer = Buffer.alloc(0)
    let chunkStart = 0
    while (pos + LOG_OVERHEAD <= end) {
      const want = Math.min(RECORD_BATCH_OVERHEAD, end - pos)
      if (pos < chunkStart || pos + want > chunkStart + chunk.length) {
        chunk = readFully(this.fd, pos, Math.min(chunkSize, end - pos))
        chunkStart = pos
      }
      const rel = pos - chunkStart
      const size = LOG_OVERHEAD + chunk.readInt32BE(rel + 8)
      if (size < LOG_OVERHEAD + minEntrySize(0) || pos + size > end) return
      yield {position: pos, size, header: readBatchHeader(chunk, rel)}
      pos += size
    }
  }

  /** The first batch whose last offset is >= offset, searching from the index entry below it. */
  translateOffset(offset: bigint, startingPosition = 0): BatchEntry | null {
    const from = Math.max(this.offsetIndex.lookup(offset).position, startingPosition)
    // The batch is at most index.interval.bytes past the entry: small reads find it.
    for (const e of this.batchesFrom(from, this.size, LOCATE_CHUNK)) if (e.header.lastOffset >= offset) return e
    return null
  }

  /**
   * Whole batches from the one holding `offset`: at most maxBytes (but at least the first batch
   * when minOneMessage), only batches whose last offset is below maxOffset. Null when the segment
   * holds nothing at or after offset.
   */
  read(offset: bigint, maxBytes: number, maxOffset: bigint | null, minOneMessage: boolean): {records: Buffer; first: BatchEntry} | null {
    const first = this.translateOffset(offset)
    if (!first) return null
    const empty = {records: Buffer.alloc(0), first}
    if (maxOffset !== null && first.header.lastOffset >= maxOffset) return empty
    let want = Math.min(maxBytes, this.size - first.position)
    if (want < first.size) {
      if (!minOneMessage) return empty
      want = first.size
    }
    const buf = this.readAt(first.position, want)
    let end = 0
    let pos = 0
    while (pos + LOG_OVERHEAD <= buf.length) {
      const size = LOG_OVERHEAD + buf.readInt32BE(pos + 8)
      if (pos + size > buf.length) break
      if (maxOffset !== null && pos > 0) {
        const lastOffset = buf.readBigInt64BE(pos) + BigInt(buf[pos + 16] === 2 ? buf.readInt32BE(pos + 23) : 0)
        if (lastOffset >= maxOffset) break
      }
      pos += size
      end = pos
    }
    return {records: buf.subarray(0, end), first}
  }

  /** Appends a validated record set whose batches already carry their final offsets. */
  append(records: Buffer, batches: BatchSummary[], now: number): void {
    if (records.length === 0) return
    const physical = this.size
    try {
      writeFully(this.fd, records, physical)
    } catch (error) {
      this.discardAfter(physical)
      throw error
    }
    this.commitAppend(physical, records.length, batches, now)
  }

  /** Cuts bytes written past the committed size (a failed write). */
  private discardAfter(position: number): void {
    try { fs.ftruncateSync(this.fd, position) } catch { /* the dir is failing; the caller reports it */ }
  }

  /** Makes records written at position visible: indexes, timestamps, size. */
  private commitAppend(physical: number, length: number, batches: BatchSummary[], now: number): void {
    for (const b of batches) {
      if (this.firstBatchTimestamp === null && this.size === 0 && b.position === 0) this.firstBatchTimestamp = b.maxTimestamp
      this.noteTimestamp(b.maxTimestamp, b.lastOffset)
      if (this.bytesSinceLastIndexEntry > this.opts.indexIntervalBytes) {
        this.offsetIndex.append(b.lastOffset, physical + b.position)
        this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar)
        this.bytesSinceLastIndexEntry = 0
      }
      this.bytesSinceLastIndexEntry += b.size
    }
    this.size = physical + length
    this.nextOffset = batches[batches.length - 1]!.lastOffset + 1n
    this.lastModified = now
  }

  /** ms the segment has been open for rolling purposes (Kafka's timeWaitedForRoll). */
  timeWaitedForRoll(now: number, newMaxTimestamp: bigint): number {
    if (this.firstBatchTimestamp === null && this.size > 0) {
      const first = this.batchesFrom(0).next()
      if (!first.done) this.firstBatchTimestamp = first.value.header.maxTimestamp
    }
    if (this.firstBatchTimestamp !== null && this.firstBatchTimestamp >= 0n) return Number(newMaxTimestamp - this.firstBatchTimestamp)
    return now - this.created
  }

  /** Whether appending a set of this size and offsets must go to a new segment. */
  shouldRoll(setSize: number, newMaxTimestamp: bigint, lastOffset: bigint, segmentBytes: number, segmentMs: number, now: number): boolean {
    if (this.size === 0) return lastOffset - this.baseOffset > 2147483647n
    return (
      this.size > segmentBytes - setSize ||
      this.timeWaitedForRoll(now, newMaxTimestamp) > segmentMs - this.rollJitterMs ||
      this.offsetIndex.isFull ||
      this.timeIndex.isFull ||
      lastOffset - this.baseOffset > 2147483647n
    )
  }

  /** Kafka's largestTimestamp: the max record timestamp, else the file's last modification. */
  get largestTimestamp(): number {
    return this.maxTimestampSoFar >= 0n ? Number(this.maxTimestampSoFar) : this.lastModified
  }

  /** Drops every batch at or above offset; returns the bytes removed. */
  truncateTo(offset: bigint): number {
    const e = this.translateOffset(offset)
    if (!e) return 0
    // A batch straddling the offset goes entirely (Kafka truncates at batch boundaries too).
    const position = e.position
    const removed = this.size - position
    this.offsetIndex.truncateTo(offset)
    this.timeIndex.truncateTo(offset)
    fs.ftruncateSync(this.fd, position)
    this.size = position
    this.nextOffset = this.baseOffset
    this.maxTimestampSoFar = -1n
    this.offsetOfMaxTimestampSoFar = this.baseOffset
    let lastIndexPos = this.offsetIndex.entries > 0 ? this.offsetIndex.positionAt(this.offsetIndex.entries - 1) : 0
    for (const b of this.batchesFrom(0)) {
      this.noteTimestamp(b.header.maxTimestamp, b.header.lastOffset)
      this.nextOffset = b.header.lastOffset + 1n
    }
    if (position === 0) {
      this.firstBatchTimestamp = null
      lastIndexPos = 0
    }
    this.bytesSinceLastIndexEntry = this.size - lastIndexPos
    return removed
  }

  /** Writes index entries out; with sync, fsyncs the log and the indexes. */
  flush(sync = true): void {
    if (sync) syncFd(this.fd)
    this.offsetIndex.flush(sync)
    this.timeIndex.flush(sync)
  }

  /** The segment stops taking appends: final time index entry, files trimmed and synced. */
  onBecomeInactive(): void {
    if (this.maxTimestampSoFar >= 0n) this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar, true)
    this.flush(true)
    this.offsetIndex.close()
    this.timeIndex.close()
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    if (this.maxTimestampSoFar >= 0n) {
      try { this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar, true) } catch { /* only the final hint */ }
    }
    this.offsetIndex.close()
    this.timeIndex.close()
    fs.closeSync(this.fd)
  }

  /** Closes descriptors without writing anything (the files are going away). */
  closeHandles(): void {
    if (this.closed) return
    this.closed = true
    this.offsetIndex.closeHandle()
    this.timeIndex.closeHandle()
    fs.closeSync(this.fd)
  }

  /** Renames all three files from one suffix to another (.cleaned -> .swap -> ''). */
  changeFileSuffix(from: string, to: string): void {
    const rename = (file: string): string => (file.endsWith(from) ? file.slice(0, file.length - from.length) + to : file + to)
    this.offsetIndex.renameTo(rename(this.offsetIndex.file))
    this.timeIndex.renameTo(rename(this.timeIndex.file))
    const next = rename(this.logFile)
    fs.renameSync(this.logFile, next)
    this.logFile = next
  }

  deleteFiles(): void {
    this.closeHandles()
    for (const f of [this.logFile, this.offsetIndex.file, this.timeIndex.file, segmentFile(this.dir, this.baseOffset, TXN_INDEX_SUFFIX)]) fs.rmSync(f, {force: true})
  }
}
